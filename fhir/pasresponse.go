package fhir

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ketacover/ketacover"
)

// Extension is a FHIR extension as read (values ketacover uses only).
type Extension struct {
	URL                  string           `json:"url"`
	ValueString          *string          `json:"valueString,omitempty"`
	ValueCode            *string          `json:"valueCode,omitempty"`
	ValueDate            *string          `json:"valueDate,omitempty"`
	ValuePeriod          *Period          `json:"valuePeriod,omitempty"`
	ValueQuantity        *Quantity        `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueReference       *Reference       `json:"valueReference,omitempty"`
	Extension            []Extension      `json:"extension,omitempty"`
}

func find(exts []Extension, url string) []Extension {
	var out []Extension
	for _, e := range exts {
		if e.URL == url {
			out = append(out, e)
		}
	}
	return out
}

type claimResponse struct {
	ResourceType  string  `json:"resourceType"`
	ID            string  `json:"id"`
	Created       string  `json:"created"`
	Outcome       string  `json:"outcome"`
	Disposition   string  `json:"disposition"`
	PreAuthRef    string  `json:"preAuthRef"`
	PreAuthPeriod *Period `json:"preAuthPeriod"`
	Item          []struct {
		Extension    []Extension `json:"extension"`
		ItemSequence int         `json:"itemSequence"`
		Adjudication []struct {
			Extension []Extension `json:"extension"`
		} `json:"adjudication"`
	} `json:"item"`
	ProcessNote []struct {
		Text string `json:"text"`
	} `json:"processNote"`
	Error []struct {
		Code CodeableConcept `json:"code"`
	} `json:"error"`
}

// Review action codes (X12 code list 306, HCR01), as PAS carries them in
// extension-reviewAction (shared/reference/standards.md §1.3). The list there
// is marked "verify against the X12 code list"; codes outside it are
// reported, not guessed at.
const (
	ReviewCertified        = "A1" // certified in total
	ReviewPartial          = "A2" // certified, partial
	ReviewNotCertified     = "A3" // not certified
	ReviewPended           = "A4" // pended
	ReviewModified         = "A6" // modified
	ReviewContactPayer     = "CT" // contact payer
	ReviewNoActionRequired = "NA" // no action required
)

// ItemDecision is the payer's decision on one requested item.
type ItemDecision struct {
	Sequence int             `json:"sequence"`
	Action   string          `json:"action"` // X12 306 code
	Display  string          `json:"display,omitempty"`
	Number   string          `json:"number,omitempty"` // review or authorization number (HCR02)
	Reasons  []string        `json:"reasons,omitempty"`
	Start    *ketacover.Date `json:"start,omitempty"`
	End      *ketacover.Date `json:"end,omitempty"`
	Issued   *ketacover.Date `json:"issued,omitempty"`
	Units    int             `json:"units,omitempty"`
	Codes    []string        `json:"codes,omitempty"`
}

// Decision is a PAS response read: who decided what, per item.
type Decision struct {
	ClaimResponse string              `json:"claim_response"`
	Date          ketacover.Date      `json:"date"` // the decision date
	Outcome       string              `json:"outcome,omitempty"`
	PreAuthRef    string              `json:"pre_auth_ref,omitempty"`
	Items         []ItemDecision      `json:"items"`
	Notes         []string            `json:"notes,omitempty"`  // processNote texts: the reasons
	Errors        []string            `json:"errors,omitempty"` // ClaimResponse.error codes
	Kind          ketacover.EventKind `json:"event"`
}

// ReadPASResponse reads a PAS response Bundle (its first entry a
// ClaimResponse, PAS spec-30) after checking it as FHIR R4.
func ReadPASResponse(raw []byte) (*Decision, error) {
	if _, err := Parse(raw); err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "PAS response: %v", err)
	}
	if b.ResourceType != "Bundle" {
		return nil, ketacover.Errorf(ketacover.EINVALID, "PAS response: want a Bundle, got %s", b.ResourceType)
	}
	if len(b.Entry) == 0 || ResourceType(b.Entry[0].Resource) != "ClaimResponse" {
		got := "no entries"
		if len(b.Entry) > 0 {
			got = "a " + ResourceType(b.Entry[0].Resource)
		}
		return nil, ketacover.Errorf(ketacover.EINVALID, "PAS response: the first entry must be the ClaimResponse (PAS spec-30), got %s", got)
	}
	var cr claimResponse
	if err := json.Unmarshal(b.Entry[0].Resource, &cr); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "PAS response: ClaimResponse: %v", err)
	}
	d := &Decision{ClaimResponse: cr.ID, Outcome: cr.Outcome, PreAuthRef: cr.PreAuthRef}
	if t := parseDate(cr.Created); t != nil {
		d.Date = *t
	}
	for _, n := range cr.ProcessNote {
		if s := strings.TrimSpace(n.Text); s != "" {
			d.Notes = append(d.Notes, s)
		}
	}
	for _, e := range cr.Error {
		d.Errors = append(d.Errors, codeText(e.Code))
	}
	for i, it := range cr.Item {
		id := ItemDecision{Sequence: it.ItemSequence}
		for _, adj := range it.Adjudication {
			for _, ra := range find(adj.Extension, extReviewAction) {
				for _, sub := range ra.Extension {
					switch {
					case sub.URL == "number" && sub.ValueString != nil:
						id.Number = *sub.ValueString
					case sub.URL == extReviewActionCode && sub.ValueCodeableConcept != nil:
						for _, c := range sub.ValueCodeableConcept.Coding {
							if c.System == systemX12ReviewAction {
								id.Action, id.Display = c.Code, c.Display
							}
						}
					case sub.URL == "reasonCode" && sub.ValueCodeableConcept != nil:
						id.Reasons = append(id.Reasons, codeText(*sub.ValueCodeableConcept))
					}
				}
			}
		}
		if id.Action == "" {
			return nil, ketacover.Errorf(ketacover.EINVALID, "PAS response: ClaimResponse.item[%d] has no reviewAction code (extension-reviewAction with an X12 306 reviewActionCode)", i)
		}
		for _, e := range find(it.Extension, extItemPreAuthPeriod) {
			if e.ValuePeriod != nil {
				id.Start, id.End = parseDate(e.ValuePeriod.Start), parseDate(e.ValuePeriod.End)
			}
		}
		for _, e := range find(it.Extension, extItemPreAuthIssueDate) {
			if e.ValueDate != nil {
				id.Issued = parseDate(*e.ValueDate)
			}
		}
		for _, e := range find(it.Extension, extItemAuthorizedDetail) {
			for _, sub := range e.Extension {
				switch {
				case sub.URL == "quantity" && sub.ValueQuantity != nil && sub.ValueQuantity.Value != nil:
					id.Units += int(*sub.ValueQuantity.Value)
				case sub.URL == "productOrServiceCode" && sub.ValueCodeableConcept != nil:
					for _, c := range sub.ValueCodeableConcept.Coding {
						if c.Code != "" && (c.System == SystemCPT || oneOf(c.System, hcpcsSystems...)) {
							id.Codes = append(id.Codes, c.Code)
						}
					}
				}
			}
		}
		if id.Start == nil && cr.PreAuthPeriod != nil {
			id.Start, id.End = parseDate(cr.PreAuthPeriod.Start), parseDate(cr.PreAuthPeriod.End)
		}
		d.Items = append(d.Items, id)
	}
	if len(d.Items) == 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "PAS response: the ClaimResponse decides no item")
	}
	if d.Date.IsZero() {
		if is := d.Items[0].Issued; is != nil {
			d.Date = *is
		} else {
			return nil, ketacover.Errorf(ketacover.EINVALID, "PAS response: the ClaimResponse has no created date and no item issue date")
		}
	}
	d.Kind = d.kind()
	return d, nil
}

// kind is the timeline event the decision amounts to: approved when any item
// is certified (in total, in part or modified), else pended when any is
// pended or the payer asks to be contacted, else denied when any is not
// certified, else a note.
func (d *Decision) kind() ketacover.EventKind {
	has := func(codes ...string) bool {
		for _, it := range d.Items {
			if oneOf(it.Action, codes...) {
				return true
			}
		}
		return false
	}
	switch {
	case has(ReviewCertified, ReviewPartial, ReviewModified):
		return ketacover.EventPAApproved
	case has(ReviewPended, ReviewContactPayer):
		return ketacover.EventPAPended
	case has(ReviewNotCertified):
		return ketacover.EventPADenied
	}
	return ketacover.EventNote
}

// Event turns the decision into the timeline event for caseID.
func (d *Decision) Event(caseID string) ketacover.Event {
	ev := ketacover.Event{CaseID: caseID, Kind: d.Kind, Date: d.Date, Source: ketacover.SourceImport}
	det := &ev.Details
	det.Reference = d.PreAuthRef
	var acts []string
	for _, it := range d.Items {
		acts = append(acts, fmt.Sprintf("item %d: %s %s", it.Sequence, it.Action, it.Display))
		if det.Reference == "" {
			det.Reference = it.Number
		}
		if d.Kind == ketacover.EventPADenied && it.Action == ReviewNotCertified {
			det.Reason = strings.Join(append(append([]string{}, d.Notes...), it.Reasons...), "; ")
		}
		if d.Kind != ketacover.EventPAApproved || !oneOf(it.Action, ReviewCertified, ReviewPartial, ReviewModified) {
			continue
		}
		// What was authorized: units, codes and the period of the
		// certified items only.
		det.Units += it.Units
		det.Codes = append(det.Codes, it.Codes...)
		if it.Start != nil && (det.Start == nil || it.Start.Before(*det.Start)) {
			det.Start = it.Start
		}
		if it.End != nil && (det.End == nil || it.End.After(*det.End)) {
			det.End = it.End
		}
	}
	sort.Strings(det.Codes)
	note := "PAS ClaimResponse " + d.ClaimResponse + ": " + strings.Join(acts, "; ")
	if d.Kind != ketacover.EventPADenied && len(d.Notes) > 0 {
		note += ". " + strings.Join(d.Notes, "; ")
	}
	if len(d.Errors) > 0 {
		note += ". Errors: " + strings.Join(d.Errors, "; ")
	}
	ev.Note = note
	return ev
}

func codeText(cc CodeableConcept) string {
	if cc.Text != "" {
		return cc.Text
	}
	var parts []string
	for _, c := range cc.Coding {
		s := c.Code
		if c.Display != "" {
			s += " " + c.Display
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
