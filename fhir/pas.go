package fhir

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ketacover/ketacover"
)

// PAS profile and extension URLs, all as the Da Vinci PAS examples in
// shared/samples/fhir (pas-request-bundle.json, pas-response-bundle-*.json)
// and shared/reference/standards.md §1.3 spell them.
const (
	pasBase                 = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
	profileRequestBundle    = pasBase + "profile-pas-request-bundle"
	profileClaim            = pasBase + "profile-claim"
	profileRequestor        = pasBase + "profile-requestor"
	profileInsurer          = pasBase + "profile-insurer"
	profileCoverage         = pasBase + "profile-coverage"
	profileSubscriber       = pasBase + "profile-subscriber"
	profileServiceRequest   = pasBase + "profile-servicerequest"
	profilePractitioner     = pasBase + "profile-practitioner"
	extRequestedService     = pasBase + "extension-requestedService"
	extCertificationType    = pasBase + "extension-certificationType"
	extCareTeamClaimScope   = pasBase + "extension-careTeamClaimScope"
	extReviewAction         = pasBase + "extension-reviewAction"
	extReviewActionCode     = pasBase + "extension-reviewActionCode"
	extItemPreAuthPeriod    = pasBase + "extension-itemPreAuthPeriod"
	extItemPreAuthIssueDate = pasBase + "extension-itemPreAuthIssueDate"
	extItemAuthorizedDetail = pasBase + "extension-itemAuthorizedDetail"

	systemClaimType       = "http://terminology.hl7.org/CodeSystem/claim-type"
	systemProcessPriority = "http://terminology.hl7.org/CodeSystem/processpriority"
	systemX12EntityCode   = "https://codesystem.x12.org/005010/98"  // X12 code list 98 (PR = payer)
	systemX12Cert         = "http://codesystem.x12.org/005010/1322" // X12 code list 1322 (I = initial)
	systemX12ReviewAction = "https://codesystem.x12.org/005010/306" // X12 code list 306, HCR01
	systemUCUM            = "http://unitsofmeasure.org"
)

// PASOptions are the inputs of a PAS request that are not facts of the case.
type PASOptions struct {
	Now time.Time // the request's creation time (Claim.created, Bundle.timestamp)
	// Evidence lists the documents sent with the request, each named in a
	// Claim.supportingInfo entry (usually the determination's evidence).
	Evidence []string
}

// BuildPAS builds a Da Vinci PAS request Bundle for the case: the Claim
// (use = preauthorization) first, then the Patient, the Coverage, the
// insurer and requester Organizations, the Practitioner and the
// ServiceRequest for the therapy. It checks the result as FHIR R4 and
// returns it indented. Full URLs are urn:uuid: names derived from the case
// ID, so the same case gives the same bundle.
func BuildPAS(c *ketacover.Case, o PASOptions) ([]byte, error) {
	if c.ID == "" {
		return nil, ketacover.Errorf(ketacover.EINVALID, "the case has no id; a PAS request needs one to trace it")
	}
	if c.Therapy.Drug != ketacover.TherapyEsketamine && c.Therapy.Drug != ketacover.TherapyKetamineIV {
		return nil, ketacover.Errorf(ketacover.EINVALID, "therapy.drug: want ketamine-iv or esketamine, got %q", c.Therapy.Drug)
	}
	if c.Plan.Payer == "" {
		return nil, ketacover.Errorf(ketacover.EINVALID, "plan.payer: required for the PAS insurer")
	}
	id := func(name string) string {
		return "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("ketacover:case:"+c.ID+":"+name)).String()
	}
	claimURL, patURL, covURL := id("Claim"), id("Patient"), id("Coverage")
	insURL, reqURL, pracURL, srURL := id("Organization/insurer"), id("Organization/requester"), id("Practitioner"), id("ServiceRequest")
	created := o.Now.UTC().Format(time.RFC3339)
	code := pasServiceCode(c)

	var dx []any
	var reasons []any
	for i, d := range c.History.Diagnoses {
		cc := obj{"coding": []any{obj{"system": SystemICD10CM, "code": d.Code}}}
		dx = append(dx, obj{"sequence": i + 1, "diagnosisCodeableConcept": cc})
		reasons = append(reasons, cc)
	}
	item := obj{
		"extension": []any{
			obj{"url": extCertificationType, "valueCodeableConcept": obj{"coding": []any{obj{"system": systemX12Cert, "code": "I", "display": "Initial"}}}},
			obj{"url": extRequestedService, "valueReference": obj{"reference": srURL}},
		},
		"sequence":         1,
		"careTeamSequence": []any{1},
		"productOrService": obj{"coding": []any{obj{"system": code.System, "code": code.Code, "display": code.Display}}},
	}
	if c.Therapy.Continuation != nil && *c.Therapy.Continuation {
		// X12 1322 has codes for renewals, but none could be sourced
		// here; certificationType is left out rather than guessed.
		item["extension"] = item["extension"].([]any)[1:]
	}
	if len(dx) > 0 {
		seq := make([]any, len(dx))
		for i := range dx {
			seq[i] = i + 1
		}
		item["diagnosisSequence"] = seq
	}
	if c.Therapy.Sessions != nil {
		item["quantity"] = obj{"value": *c.Therapy.Sessions}
	}
	if c.Therapy.StartDate != nil {
		item["servicedDate"] = c.Therapy.StartDate.String()
	}
	claim := obj{
		"resourceType": "Claim",
		"meta":         obj{"profile": []any{profileClaim}},
		"identifier":   []any{obj{"system": "urn:trnorg:" + traceOrg(c), "value": c.ID}},
		"status":       "active",
		"type":         obj{"coding": []any{obj{"system": systemClaimType, "code": "professional"}}},
		"use":          "preauthorization",
		"patient":      obj{"reference": patURL},
		"created":      created,
		"insurer":      obj{"reference": insURL},
		"provider":     obj{"reference": reqURL},
		"priority":     obj{"coding": []any{obj{"system": systemProcessPriority, "code": "normal"}}},
		"careTeam": []any{obj{
			"extension": []any{obj{"url": extCareTeamClaimScope, "valueBoolean": true}},
			"sequence":  1,
			"provider":  obj{"reference": pracURL},
		}},
		"insurance": []any{obj{"sequence": 1, "focal": true, "coverage": obj{"reference": covURL}}},
		"item":      []any{item},
	}
	if len(dx) > 0 {
		claim["diagnosis"] = dx
	}
	var info []any
	for i, e := range o.Evidence {
		// Each document the reviewer expects, named; the documents
		// themselves travel as attachments (PAS spec-21).
		info = append(info, obj{"sequence": i + 1, "category": obj{"text": "supporting documentation"}, "valueString": e})
	}
	if len(info) > 0 {
		claim["supportingInfo"] = info
	}

	p := c.Patient
	patient := obj{"resourceType": "Patient", "meta": obj{"profile": []any{profileSubscriber}}}
	if p.Name != "" {
		patient["name"] = []any{obj{"text": p.Name}}
	}
	if p.Sex == "female" || p.Sex == "male" || p.Sex == "other" {
		patient["gender"] = p.Sex
	}
	if p.BirthDate != nil {
		patient["birthDate"] = p.BirthDate.String()
	}
	if c.Plan.MemberID != "" {
		patient["identifier"] = []any{obj{"type": obj{"coding": []any{obj{"system": systemV20203, "code": "MB"}}}, "value": c.Plan.MemberID}}
	}
	if p.State != "" || p.ZIP != "" {
		addr := obj{}
		if p.State != "" {
			addr["state"] = p.State
		}
		if p.ZIP != "" {
			addr["postalCode"] = p.ZIP
		}
		patient["address"] = []any{addr}
	}

	coverage := obj{
		"resourceType": "Coverage",
		"meta":         obj{"profile": []any{profileCoverage}},
		"status":       "active",
		"beneficiary":  obj{"reference": patURL},
		"payor":        []any{obj{"reference": insURL}},
	}
	if c.Plan.MemberID != "" {
		coverage["subscriberId"] = c.Plan.MemberID
	}
	var classes []any
	if c.Plan.GroupNumber != "" {
		classes = append(classes, obj{"type": obj{"coding": []any{obj{"system": systemCoverageClass, "code": "group"}}}, "value": c.Plan.GroupNumber})
	}
	if c.Plan.Name != "" {
		classes = append(classes, obj{"type": obj{"coding": []any{obj{"system": systemCoverageClass, "code": "plan"}}}, "value": c.Plan.Name, "name": c.Plan.Name})
	}
	if len(classes) > 0 {
		coverage["class"] = classes
	}

	insurer := obj{
		"resourceType": "Organization",
		"meta":         obj{"profile": []any{profileInsurer}},
		"active":       true,
		"type":         []any{obj{"coding": []any{obj{"system": systemX12EntityCode, "code": "PR"}}}},
		"name":         c.Plan.Payer,
	}
	site := c.Therapy.Site
	requester := obj{
		"resourceType": "Organization",
		"meta":         obj{"profile": []any{profileRequestor}},
		"active":       true,
		"name":         firstNonEmpty(site.Name, c.Prescriber.Organization, "(treating clinic not recorded)"),
	}
	if site.NPI != "" {
		requester["identifier"] = []any{obj{"system": SystemNPI, "value": site.NPI}}
	}
	if site.Phone != "" {
		requester["telecom"] = []any{obj{"system": "phone", "value": site.Phone}}
	}
	pr := c.Prescriber
	practitioner := obj{"resourceType": "Practitioner", "meta": obj{"profile": []any{profilePractitioner}}}
	if pr.Name != "" {
		practitioner["name"] = []any{obj{"text": pr.Name}}
	}
	if pr.NPI != "" {
		practitioner["identifier"] = []any{obj{"system": SystemNPI, "value": pr.NPI}}
	}
	if pr.Phone != "" {
		practitioner["telecom"] = []any{obj{"system": "phone", "value": pr.Phone}}
	}
	sr := obj{
		"resourceType": "ServiceRequest",
		"meta":         obj{"profile": []any{profileServiceRequest}},
		"status":       "active",
		"intent":       "order",
		"code":         obj{"coding": []any{obj{"system": code.System, "code": code.Code, "display": code.Display}}, "text": therapyText(c)},
		"subject":      obj{"reference": patURL},
		"requester":    obj{"reference": pracURL},
	}
	if c.Therapy.Sessions != nil {
		sr["quantityQuantity"] = obj{"value": *c.Therapy.Sessions, "system": systemUCUM, "code": "{visit}"}
	}
	if c.Therapy.StartDate != nil {
		sr["occurrenceDateTime"] = c.Therapy.StartDate.String()
	}
	if len(reasons) > 0 {
		sr["reasonCode"] = reasons
	}
	if c.Therapy.Schedule != "" {
		sr["patientInstruction"] = c.Therapy.Schedule
	}
	entries := []any{
		obj{"fullUrl": claimURL, "resource": claim},
		obj{"fullUrl": patURL, "resource": patient},
		obj{"fullUrl": covURL, "resource": coverage},
		obj{"fullUrl": insURL, "resource": insurer},
		obj{"fullUrl": reqURL, "resource": requester},
		obj{"fullUrl": pracURL, "resource": practitioner},
		obj{"fullUrl": srURL, "resource": sr},
	}
	bundle := obj{
		"resourceType": "Bundle",
		"meta":         obj{"profile": []any{profileRequestBundle}},
		"identifier":   obj{"system": "urn:trnorg:" + traceOrg(c), "value": c.ID},
		"type":         "collection",
		"timestamp":    created,
		"entry":        entries,
	}
	raw, err := json.Marshal(bundle)
	if err != nil {
		return nil, err
	}
	out, err := Pretty(raw)
	if err != nil {
		return nil, fmt.Errorf("build PAS request for case %s: %w", c.ID, err)
	}
	return out, nil
}

type obj = map[string]any

// traceOrg names the trace-number originator for urn:trnorg: (PAS:
// Claim.identifier.system SHOULD be urn:trnorg:<TRN03>): the clinic's TIN,
// else its NPI.
func traceOrg(c *ketacover.Case) string {
	s := firstNonEmpty(c.Therapy.Site.TIN, c.Therapy.Site.NPI, c.Prescriber.NPI, "unknown")
	return strings.ReplaceAll(s, "-", "")
}

// pasServiceCode is the code a prior-authorization request names: the
// course's code when the case has one; else G2083 for esketamine doses over
// 56 mg and G2082 otherwise (the codes payers ask PA on; payer-policies.md
// §3), and CPT 96365 for an IV ketamine infusion.
func pasServiceCode(c *ketacover.Case) billingCode {
	if tp := c.Therapy.Course; tp != nil {
		for _, ph := range tp.Phases {
			for _, ln := range ph.Lines {
				for _, bc := range therapyCodes {
					if ln.Code == bc.Code && bc.Code != "J3490" && bc.Code != "96366" {
						return bc
					}
				}
			}
		}
	}
	want := "96365"
	if c.Therapy.Drug == ketacover.TherapyEsketamine {
		want = "G2082"
		if c.Therapy.DoseMg != nil && *c.Therapy.DoseMg > 56 {
			want = "G2083"
		}
	}
	for _, bc := range therapyCodes {
		if bc.Code == want {
			return bc
		}
	}
	panic("unreachable: therapy code table lacks " + want)
}

func therapyText(c *ketacover.Case) string {
	s := "IV ketamine infusion (off-label for depression)"
	if c.Therapy.Drug == ketacover.TherapyEsketamine {
		s = "Esketamine (Spravato) nasal spray"
		if c.Therapy.DoseMg != nil {
			s += fmt.Sprintf(" %g mg", *c.Therapy.DoseMg)
		}
	}
	return s + " for " + map[ketacover.Indication]string{
		ketacover.IndicationTRD:  "treatment-resistant depression",
		ketacover.IndicationMDSI: "MDD with acute suicidal ideation or behavior",
	}[c.Therapy.Indication]
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}
