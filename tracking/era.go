// Package tracking holds the steps of case tracking that the command line
// and the web app share: putting an X12 835 remittance onto the stored
// cases it names, and writing open deadlines as a calendar.
package tracking

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/timeline"
	"github.com/ketacover/ketacover/x12"
)

// ImportOptions are the choices of an 835 import.
type ImportOptions struct {
	// Received is when the remittance arrived; nil uses its production
	// date, else its payment date. It starts the appeal clock.
	Received *ketacover.Date
	// Actor is who imports it; it is recorded on every event.
	Actor string
}

// Outcome is what an import did with one claim.
type Outcome struct {
	Claim      string `json:"claim"`                 // CLP01, the patient control number
	PayerClaim string `json:"payer_claim,omitempty"` // CLP07
	// CaseID is the stored case the claim matched; empty when none did.
	CaseID string `json:"case_id,omitempty"`
	// Event is the event recorded, or the one that would have been when
	// Refused says why it was not.
	Event *ketacover.Event `json:"event,omitempty"`
	// Refused is why a matched claim was not recorded (already imported,
	// or the case's state does not allow it), in words.
	Refused string `json:"refused,omitempty"`
	// Unmatched says why no case matched.
	Unmatched string `json:"unmatched,omitempty"`
}

// Recorded reports whether the claim's event was written.
func (o *Outcome) Recorded() bool { return o.CaseID != "" && o.Refused == "" }

// Import is what an import did: one outcome per claim, in file order, and
// the problems the reader found in the file.
type Import struct {
	Outcomes []Outcome      `json:"outcomes"`
	Problems []string       `json:"problems,omitempty"`
	Summary  x12.Summary835 `json:"-"`
}

// Counts returns how many claims were recorded, refused and unmatched.
func (im *Import) Counts() (recorded, refused, unmatched int) {
	for i := range im.Outcomes {
		o := &im.Outcomes[i]
		switch {
		case o.CaseID == "":
			unmatched++
		case o.Refused != "":
			refused++
		default:
			recorded++
		}
	}
	return
}

// Denials returns the IDs of the cases that got a claim-denied event, in
// the order first met.
func (im *Import) Denials() []string {
	var ids []string
	seen := map[string]bool{}
	for _, o := range im.Outcomes {
		if o.Recorded() && o.Event.Kind == ketacover.EventClaimDenied && !seen[o.CaseID] {
			seen[o.CaseID] = true
			ids = append(ids, o.CaseID)
		}
	}
	return ids
}

// ImportERA reads the 835 in r and records on each stored case it names
// what the remittance says: a denied claim becomes claim-denied (with its
// CARC/RARC codes and denial class), a paid claim claim-paid, a reversal a
// note. A claim matches a case when its patient control number (CLP01),
// its payer claim number (CLP07) or its original reference (REF*F8) is the
// case's ID or a reference recorded on the case. Every event passes
// timeline.Check; importing the same remittance twice records nothing the
// second time.
//
// The Import is returned even with an error, listing the claims read
// before it. Input that is not X12 or ends early is an EINVALID error
// naming the segment and offset; a store failure is returned as is.
func ImportERA(ctx context.Context, s ketacover.Store, r io.Reader, opt ImportOptions) (*Import, error) {
	im := &Import{}
	idx, err := buildIndex(ctx, s)
	if err != nil {
		return im, err
	}
	var memo denial.Memo
	h := x12.Handler835{Claim: func(c *x12.ClaimPayment) error {
		out := Outcome{Claim: c.PatientControlNumber, PayerClaim: c.PayerClaimNumber}
		id, ok := idx.match(c)
		if !ok {
			out.Unmatched = fmt.Sprintf("no stored case has patient control number %q or payer claim number %q", c.PatientControlNumber, c.PayerClaimNumber)
			im.Outcomes = append(im.Outcomes, out)
			return nil
		}
		out.CaseID = id
		ev := Event(c, denials(&memo, c), opt.Received)
		ev.CaseID, ev.Actor, ev.Source = id, opt.Actor, ketacover.SourceImport
		out.Event = ev
		err := s.Append(ctx, ev, func(prior []ketacover.Event) error {
			for _, p := range prior {
				if p.Kind == ev.Kind && p.Date == ev.Date && strings.EqualFold(p.Details.Reference, ev.Details.Reference) && p.Source == ketacover.SourceImport {
					return ketacover.Errorf(ketacover.ECONFLICT, "already imported (event %d)", p.Seq)
				}
			}
			return timeline.Check(prior, ev)
		})
		switch code := ketacover.ErrorCode(err); {
		case code == ketacover.EINTERNAL:
			return err
		case err != nil:
			out.Refused = ketacover.ErrorMessage(err)
		}
		im.Outcomes = append(im.Outcomes, out)
		return nil
	}}
	sum, err := x12.Read835(r, h)
	im.Summary = sum
	for _, p := range sum.Problems {
		im.Problems = append(im.Problems, p.String())
	}
	if err != nil {
		var se *x12.SyntaxError
		if errors.As(err, &se) {
			return im, ketacover.Errorf(ketacover.EINVALID, "%v (claims before the error were imported)", err)
		}
		return im, err
	}
	return im, nil
}

// index maps claim references to the cases they belong to.
type index map[string]string

func buildIndex(ctx context.Context, s ketacover.Store) (index, error) {
	idx := index{}
	err := s.Timelines(ctx, func(c *ketacover.StoredCase, events []ketacover.Event) error {
		idx[strings.ToUpper(c.ID)] = c.ID
		for _, e := range events {
			if r := e.Details.Reference; r != "" {
				idx[strings.ToUpper(r)] = c.ID
			}
		}
		return nil
	})
	return idx, err
}

func (idx index) match(c *x12.ClaimPayment) (string, bool) {
	for _, ref := range []string{c.PatientControlNumber, c.PayerClaimNumber, c.Ref("F8")} {
		if ref == "" {
			continue
		}
		if id, ok := idx[strings.ToUpper(ref)]; ok {
			return id, true
		}
	}
	return "", false
}

// Denied is one adjustment of a claim that refuses payment, classified.
type Denied struct {
	Amount int64
	Group  string
	CARC   string
	RARCs  []string
	Class  denial.Class
	Reason string
}

// denials returns the claim's adjustments that refuse payment, claim level
// first, each classified with the remark codes that explain it: the line's
// LQ remarks and the claim's MOA/MIA remarks.
func denials(memo *denial.Memo, c *x12.ClaimPayment) []Denied {
	var out []Denied
	claimRemarks := x12.RARCs(c.Remarks)
	add := func(a x12.Adjustment, remarks []string) {
		r := memo.Classify(a.Group, a.Reason, remarks)
		if r.Denial {
			out = append(out, Denied{Amount: a.Amount, Group: r.Group, CARC: r.CARC, RARCs: r.RARCs, Class: r.Class, Reason: r.Reason})
		}
	}
	for _, a := range c.Adjustments {
		add(a, claimRemarks)
	}
	for i := range c.Services {
		s := &c.Services[i]
		remarks := append(x12.RARCs(s.Remarks), claimRemarks...)
		for _, a := range s.Adjustments {
			add(a, remarks)
		}
	}
	return out
}

// Event turns a remittance claim and its denied adjustments into the
// timeline event it means: a note for a reversal, claim-denied when any
// adjustment refuses payment (the first one gives the group, class and
// reason; the amounts add up), else claim-paid. Its date is received, else
// the remittance's date.
func Event(c *x12.ClaimPayment, denied []Denied, received *ketacover.Date) *ketacover.Event {
	var date ketacover.Date
	if c.Remittance != nil {
		date = c.Remittance.Date()
	}
	if received != nil {
		date = *received
	}
	ev := &ketacover.Event{Date: date, Details: ketacover.Details{Reference: c.PatientControlNumber}}
	if c.Reversal() {
		ev.Kind = ketacover.EventNote
		ev.Note = fmt.Sprintf("835 reversal of claim %s (payer claim %s): %s taken back", c.PatientControlNumber, c.PayerClaimNumber, Money(-c.Paid))
		return ev
	}
	if len(denied) == 0 {
		ev.Kind = ketacover.EventClaimPaid
		ev.Details.AmountCents = c.Paid
		ev.Note = fmt.Sprintf("835: billed %s, paid %s, patient responsibility %s", Money(c.Billed), Money(c.Paid), Money(c.PatientResponsibility))
		return ev
	}
	first := denied[0]
	var carc, rarc []string
	var amount int64
	for _, a := range denied {
		amount += a.Amount
		carc = appendNew(carc, a.CARC)
		for _, r := range a.RARCs {
			rarc = appendNew(rarc, r)
		}
	}
	ev.Kind = ketacover.EventClaimDenied
	ev.Details.CARC, ev.Details.RARC = carc, rarc
	ev.Details.Group = first.Group
	ev.Details.DenialClass = string(first.Class)
	if first.Class == "" {
		ev.Details.DenialClass = "unclassified"
	}
	ev.Details.Reason = first.Reason
	ev.Details.AmountCents = amount
	return ev
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// Money formats cents as dollars: 118000 -> $1,180.00, -450 -> -$4.50.
func Money(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	d := fmt.Sprint(c / 100)
	for i := len(d) - 3; i > 0; i -= 3 {
		d = d[:i] + "," + d[i:]
	}
	return fmt.Sprintf("%s$%s.%02d", sign, d, c%100)
}
