package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/document"
	"github.com/ketacover/ketacover/evidence"
)

// builder assembles one document.
type builder struct {
	w      *Writer
	k      Kind
	in     Input
	c      *ketacover.Case
	d      *ketacover.Determination // nil for superbill and GFE without one
	den    *Denial                  // nil unless the document answers a denial
	crit   *critNode                // the determination's criteria as a tree
	doc    document.Doc
	cites  []string // evidence IDs cited, in order of first use
	claims []string // "entry#claim" refs whose words a document uses
	cited  map[string]bool
}

func (w *Writer) newBuilder(k Kind, in Input) *builder {
	b := &builder{w: w, k: k, in: in, c: in.Case, d: in.Determination, den: in.Denial, cited: map[string]bool{}}
	if b.d != nil {
		b.crit = criteriaTree(b.d.Criteria)
	}
	b.doc.Lang = "en"
	b.doc.Author = firstNonEmpty(b.c.Therapy.Site.Name, b.c.Prescriber.Organization, b.c.Prescriber.Name)
	return b
}

// add appends blocks.
func (b *builder) add(bl ...document.Block) { b.doc.Blocks = append(b.doc.Blocks, bl...) }

// para appends a paragraph of runs.
func (b *builder) para(runs ...document.Run) { b.add(document.Para(runs...)) }

// heading appends a heading.
func (b *builder) heading(level int, s string) { b.add(document.Heading{Level: level, Text: s}) }

// cite returns a citation of the evidence entry id and records it for the
// References block and for Verify.
func (b *builder) cite(id string) document.Run {
	if !b.cited[id] {
		b.cited[id] = true
		b.cites = append(b.cites, id)
	}
	return document.Cite(id)
}

// claim returns the words of an evidence claim with its citation before
// the final full stop, and records the claim for Verify.
func (b *builder) claim(m evidence.Match) []document.Run {
	b.claims = append(b.claims, m.Claim.Ref(m.Entry))
	text := claimWords(m.Claim.Text)
	end := ""
	if strings.HasSuffix(text, ".") {
		text, end = text[:len(text)-1], "."
	}
	return []document.Run{document.Plain(text), b.cite(m.Entry.ID), document.Plain(end)}
}

// claimWords is a claim's text as a letter may print it. A claim may end
// with a note to letter writers ("A letter must not ..."); that note is a
// rule for us, not a statement for the reader, so it is left out.
func claimWords(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, marker := range []string{" A letter must", " Letters must"} {
		if i := strings.Index(s, marker); i > 0 {
			s = s[:i]
		}
	}
	return strings.TrimSpace(s)
}

// references appends the References block of everything cited so far.
func (b *builder) references() {
	if len(b.cites) == 0 {
		return
	}
	refs := document.References{}
	for _, id := range b.cites {
		s, err := b.w.ev.Cite(id)
		if err != nil {
			// Verify in finish reports the unknown id; keep the block valid.
			s = id
		}
		refs.Items = append(refs.Items, document.Reference{ID: id, Text: document.PlainText(s)})
	}
	b.add(refs)
}

// finish adds the not-advice footer and returns the document after
// checking that it cites only the evidence library and is well formed.
func (b *builder) finish() (*document.Doc, error) {
	b.add(document.FooterNote{Text: document.PlainText(b.footer())})
	ids := append(append([]string(nil), b.cites...), b.claims...)
	if err := b.w.ev.Verify(ids...); err != nil {
		return nil, fmt.Errorf("letter: %s: %w", b.k, err)
	}
	if err := b.doc.Validate(); err != nil {
		return nil, fmt.Errorf("letter: %s: %w", b.k, err)
	}
	return &b.doc, nil
}

// footer is the small print of every document: where it came from and
// that it is not advice.
func (b *builder) footer() string {
	src := "the patient's record"
	if b.d != nil && b.d.Policy.Payer != "" && !b.d.Policy.Reference {
		src += fmt.Sprintf(" and %s's published policy %s", b.d.Policy.Payer, policyLabel(b.d.Policy))
	}
	switch b.k {
	case KindSuperbill:
		return "Prepared with ketacover from " + src + ". It is an itemized statement for the patient to file, not a claim form and not legal or tax advice; the provider who signs it is responsible for its content."
	case KindGFE:
		return "Prepared with ketacover from " + src + ". It is an estimate, not a bill or a contract, and not legal advice; the provider who issues it is responsible for its content."
	case KindP2P:
		return "Prepared with ketacover from " + src + " for the prescriber's own use; do not send it to the plan. Not medical or legal advice."
	}
	return "Prepared with ketacover from " + src + ". Not medical or legal advice: the clinician who signs it reviewed it and is responsible for its content."
}

// letterhead is the clinic's identity at the top of a letter.
func (b *builder) letterhead() document.Letterhead {
	s, p := b.c.Therapy.Site, b.c.Prescriber
	l := document.Letterhead{
		Name:  document.Text{document.Fact(firstNonEmpty(s.Name, p.Organization), "clinic or practice name")},
		Phone: document.Text{document.Fact(firstNonEmpty(s.Phone, p.Phone), "clinic telephone number")},
	}
	if fax := firstNonEmpty(s.Fax, p.Fax); fax != "" {
		l.Fax = document.PlainText(fax)
	}
	if s.NPI != "" {
		l.NPI = document.PlainText(s.NPI)
	}
	if s.Address != "" {
		for _, line := range addressLines(s.Address) {
			l.Address = append(l.Address, document.PlainText(line))
		}
	} else {
		l.Address = []document.Text{{document.Blank("clinic street address")}}
	}
	return l
}

// addressLines splits a one-line postal address before the city: "2200 N
// Classen Blvd, Suite 400, Oklahoma City, OK 73106" becomes the street lines
// and "Oklahoma City, OK 73106".
func addressLines(a string) []string {
	parts := strings.Split(a, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) < 3 {
		return []string{strings.TrimSpace(a)}
	}
	city := strings.Join(parts[len(parts)-2:], ", ")
	return append(parts[:len(parts)-2:len(parts)-2], city)
}

// recipient addresses the payer's department for the document, with the
// address from the denial when it gave one.
func (b *builder) recipient(dept string) document.Recipient {
	r := document.Recipient{Lines: []document.Text{{document.Fact(b.c.Plan.Payer, "health plan name")}}}
	if dept != "" {
		r.Lines = append(r.Lines, document.PlainText(dept))
	}
	if b.den != nil && len(b.den.Address) > 0 && (b.k == KindAppeal || b.k == KindExternalReview) {
		for _, l := range b.den.Address {
			r.Lines = append(r.Lines, document.PlainText(l))
		}
		return r
	}
	switch b.k {
	case KindAppeal:
		r.Lines = append(r.Lines, document.Text{document.Blank("the plan's appeals address or fax number (printed on the denial notice)")})
	case KindExternalReview:
		r.Lines = append(r.Lines, document.Text{document.Blank("where to send the external review request (printed on the final denial notice)")})
	}
	// A letter of medical necessity or a packet goes with the request
	// through the plan's portal or fax line, so the department is enough.
	return r
}

// paDept is the department that reviews prior authorizations for the
// benefit the drug is billed under.
func (b *builder) paDept() string {
	switch b.c.Plan.Benefit {
	case "pharmacy":
		return "Attn: Pharmacy Prior Authorization"
	case "medical":
		return "Attn: Utilization Management, Medical Prior Authorization"
	}
	return "Attn: Prior Authorization"
}

// memberFields are the identifiers a payer files a letter under.
func (b *builder) memberFields() []document.Field {
	c := b.c
	fs := []document.Field{
		{Label: "Patient", Value: document.Text{document.Fact(c.Patient.Name, "patient's full name")}},
		{Label: "Date of birth", Value: b.birthDate()},
		{Label: "Member ID", Value: document.Text{document.Fact(c.Plan.MemberID, "member ID")}},
	}
	if c.Plan.GroupNumber != "" {
		fs = append(fs, document.Field{Label: "Group number", Value: document.PlainText(c.Plan.GroupNumber)})
	}
	if c.Plan.Subscriber != "" {
		fs = append(fs, document.Field{Label: "Subscriber", Value: document.PlainText(c.Plan.Subscriber)})
	}
	return fs
}

// birthDate is the patient's date of birth, or a blank: payers match a
// letter to a member by name, date of birth and ID.
func (b *builder) birthDate() document.Text {
	if bd := b.c.Patient.BirthDate; bd != nil {
		return document.PlainText(short(*bd))
	}
	return document.Text{document.Blank("patient's date of birth")}
}

// signature is the prescriber's signature block.
func (b *builder) signature(closing string) document.Signature {
	p := b.c.Prescriber
	s := document.Signature{
		Closing: closing,
		Name:    document.Text{document.Fact(p.Name, "prescriber's name")},
		NPI:     document.Text{document.Fact(p.NPI, "prescriber's NPI")},
	}
	if cr := credentials(p); cr != "" {
		s.Credentials = document.PlainText(cr)
	} else {
		s.Credentials = document.Text{document.Blank("prescriber's credentials")}
	}
	return s
}

// credentials are the prescriber's degree and specialty, e.g. "MD,
// Psychiatry".
func credentials(p ketacover.Prescriber) string {
	var parts []string
	if p.Credentials != "" {
		parts = append(parts, p.Credentials)
	}
	if sp := specialtyName(p.Specialty); sp != "" {
		parts = append(parts, sp)
	}
	return strings.Join(parts, ", ")
}

func specialtyName(s string) string {
	switch s {
	case "psychiatry":
		return "Psychiatry"
	case "psychiatric-nurse-practitioner":
		return "Psychiatric-Mental Health Nurse Practitioner"
	case "mental-health-prescriber":
		return "Mental health prescriber"
	case "primary-care":
		return "Primary care"
	case "anesthesiology":
		return "Anesthesiology"
	}
	return ""
}

// running is the line at the foot of every PDF page, so a faxed page that
// comes loose is still filed under the right member.
func (b *builder) running(what string) {
	parts := []string{}
	if n := b.c.Patient.Name; n != "" {
		parts = append(parts, n)
	}
	if id := b.c.Plan.MemberID; id != "" {
		parts = append(parts, "Member ID "+id)
	}
	parts = append(parts, what)
	b.doc.Running = strings.Join(parts, " · ")
}

// contactLine is how to reach the prescriber, for the close of a letter.
func (b *builder) contactRuns() []document.Run {
	s, p := b.c.Therapy.Site, b.c.Prescriber
	runs := []document.Run{document.Plain("Please contact me at "), document.Fact(firstNonEmpty(p.Phone, s.Phone), "prescriber's telephone number")}
	if fax := firstNonEmpty(p.Fax, s.Fax); fax != "" {
		runs = append(runs, document.Plain(" (fax "+fax+")"))
	}
	return runs
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
