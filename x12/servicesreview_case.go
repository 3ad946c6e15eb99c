package x12

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
)

// ServicesReviewOptions is what a 278 request needs that a case does not
// hold: the payer's electronic ID and the interchange's identifiers, date
// and time.
type ServicesReviewOptions struct {
	PayerID    string         // the UMO's payer ID (NM109 with PI)
	SenderID   string         // ISA06; default the requester's NPI
	ReceiverID string         // ISA08; default the payer ID
	Control    int            // ISA13, GS06, ST02
	Date       ketacover.Date // the day the request is made
	Time       string         // HHMM
	Production bool
	Urgent     bool   // ask for an expedited review (UM06 U)
	OneLine    bool   // no line break after each segment
	Service    string // UM03 service type; default MH
}

// Billing codes a 278 for the case's therapy requests when the case gives
// no therapy.course (standards.md section 7 and cost-and-payment.md
// section 1.6):
//   - esketamine under Medicare (FFS or Medicare Advantage): G2082 for a
//     dose up to 56 mg, G2083 above, one per session, and no J-code (CGS
//     Medicare, https://cgsmedicare.com/parta/pubs/news/2023/05/cope138216.html);
//   - esketamine under other plans: J0013, one unit per mg (it replaced
//     S0013 from 2026-01-01; the reference marks this VERIFY);
//   - IV ketamine: 96365 (first hour of infusion) and J3490 (unlisted drug),
//     one each per session. 96366 (each additional hour) is requested only
//     when therapy.course lists it: most ketamine infusions are shorter.
const (
	codeEsketamineUpTo56 = "G2082"
	codeEsketamineOver56 = "G2083"
	codeEsketamineDrug   = "J0013"
	codeInfusion         = "96365"
	codeUnlistedDrug     = "J3490"
)

// ServicesReviewFor builds the 278 request for a case's therapy: the
// subscriber from patient and plan, the requester from the prescriber (else
// the treating site), the diagnoses from the history, and one service line
// per billing code with its units and sessions over the course. Every field
// the case lacks is named in one EINVALID error.
func ServicesReviewFor(c *ketacover.Case, o ServicesReviewOptions) (*ServicesReview, error) {
	var p []string
	bad := func(field, format string, args ...any) { p = append(p, field+": "+fmt.Sprintf(format, args...)) }
	r := &ServicesReview{
		Reference:     c.ID,
		UMO:           Organization{Name: strings.ToUpper(c.Plan.Payer), ID: o.PayerID},
		Certification: "I",
		ServiceType:   o.Service,
		Urgent:        o.Urgent,
		Envelope: Envelope{SenderID: o.SenderID, ReceiverID: o.ReceiverID, Control: o.Control, Date: o.Date, Time: o.Time,
			Production: o.Production, OneLine: o.OneLine},
	}
	if r.ServiceType == "" {
		r.ServiceType = "MH"
	}
	if r.Reference == "" {
		r.Reference = fmt.Sprintf("KC%09d", o.Control)
	}
	if c.Therapy.Continuation != nil && *c.Therapy.Continuation {
		r.Certification = "R"
	}
	if o.PayerID == "" {
		bad("payer ID", "required: the payer's electronic ID, sent as the UMO's NM109")
	}
	if c.Plan.Benefit == "pharmacy" {
		bad("plan.benefit", "pharmacy: a pharmacy-benefit prior authorization goes by NCPDP SCRIPT ePA, not by 278 (standards.md section 7)")
	}
	if c.Plan.Subscriber != "" {
		bad("plan.subscriber", "the patient is a dependent of %s: that needs loop 2000D, whose entity code the reference does not give, so no 278 is written", c.Plan.Subscriber)
	}
	if c.Plan.MemberID == "" {
		bad("plan.member_id", "required: the subscriber's member ID")
	}
	last, first := splitName(c.Patient.Name)
	if last == "" {
		bad("patient.name", "required: the patient's name as on the member card")
	}
	r.Subscriber = Subscriber{Last: strings.ToUpper(last), First: strings.ToUpper(first), MemberID: c.Plan.MemberID}
	if c.Patient.BirthDate != nil {
		r.Subscriber.BirthDate = *c.Patient.BirthDate
	}
	switch c.Patient.Sex {
	case "female":
		r.Subscriber.Sex = "F"
	case "male":
		r.Subscriber.Sex = "M"
	}
	switch {
	case c.Prescriber.NPI != "":
		last, first := splitName(c.Prescriber.Name)
		if last == "" {
			bad("prescriber.name", "required with prescriber.npi: the requester's name")
		}
		r.Requester = Party278{Person: true, Last: strings.ToUpper(last), First: strings.ToUpper(first), NPI: c.Prescriber.NPI}
	case c.Therapy.Site.NPI != "":
		if c.Therapy.Site.Name == "" {
			bad("therapy.site.name", "required with therapy.site.npi: the requester's name")
		}
		r.Requester = Party278{Last: strings.ToUpper(c.Therapy.Site.Name), NPI: c.Therapy.Site.NPI}
	default:
		bad("prescriber.npi", "required: the requester's NPI (or therapy.site.npi)")
	}
	if r.Envelope.SenderID == "" {
		r.Envelope.SenderID = r.Requester.NPI
	}
	if r.Envelope.ReceiverID == "" {
		r.Envelope.ReceiverID = o.PayerID
	}
	ein := strings.ReplaceAll(c.Therapy.Site.TIN, "-", "")
	if len(ein) != 9 || strings.Trim(ein, "0123456789") != "" {
		bad("therapy.site.tin", "want the treating site's 9-digit EIN: the 278 trace number (TRN03) names who assigned it as 1 and the EIN, got %q", c.Therapy.Site.TIN)
	}
	r.TraceOriginator = "1" + ein
	for _, d := range c.History.Diagnoses {
		r.Diagnoses = append(r.Diagnoses, d.Code)
	}
	if len(r.Diagnoses) == 0 {
		bad("history.diagnoses", "required: at least the principal ICD-10-CM diagnosis, such as F33.2")
	}
	lines, err := requestedLines(c)
	if err != nil {
		p = append(p, err.Error())
	}
	for i, l := range lines {
		l.Trace = fmt.Sprintf("%s-%d", r.Reference, i+1)
		r.Services = append(r.Services, l)
	}
	if len(p) > 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", strings.Join(p, "; "))
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// requestedLines sums the case's course per billing code: units over all
// sessions, the number of sessions that bill the code and the first date.
func requestedLines(c *ketacover.Case) ([]ServiceLine, error) {
	t := c.Therapy
	var tp ketacover.TreatmentPlan
	if t.Course != nil {
		tp = *t.Course
		if tp.Therapy == "" {
			tp.Therapy = t.Drug
		}
		if tp.Start.IsZero() && t.StartDate != nil {
			tp.Start = *t.StartDate
		}
		if err := tp.Validate(); err != nil {
			return nil, fmt.Errorf("therapy.%s", ketacover.ErrorMessage(err))
		}
	} else {
		var fe []string
		if t.Sessions == nil || *t.Sessions < 1 {
			fe = append(fe, "therapy.sessions: required: the number of sessions to authorize (or give therapy.course)")
		}
		if t.StartDate == nil {
			fe = append(fe, "therapy.start_date: required: the first date of service")
		}
		lines, err := defaultCodeLines(c)
		if err != nil {
			fe = append(fe, err.Error())
		}
		if len(fe) > 0 {
			return nil, fmt.Errorf("%s", strings.Join(fe, "; "))
		}
		tp = ketacover.TreatmentPlan{Therapy: t.Drug, Start: *t.StartDate,
			Phases: []ketacover.Phase{{Name: "requested", PerWeek: 1, Sessions: *t.Sessions, Lines: lines}}}
	}
	var out []ServiceLine
	index := map[string]int{}
	for _, s := range tp.Sessions() {
		for _, ln := range s.Lines {
			i, ok := index[ln.Code]
			if !ok {
				i = len(out)
				index[ln.Code] = i
				out = append(out, ServiceLine{Code: ln.Code, Start: s.Date})
			}
			out[i].Units += ln.UnitCount()
			out[i].Visits++
			if pr, ok := linePrice(t.Prices, ln); ok {
				out[i].Charge += pr.Billed * ketacover.Cents(ln.UnitCount())
			}
		}
	}
	return out, nil
}

func linePrice(prices ketacover.PriceList, ln ketacover.CodeLine) (ketacover.Price, bool) {
	if ln.Price != nil {
		return *ln.Price, true
	}
	return prices.Lookup(ln.Code)
}

// defaultCodeLines returns the codes one session of the therapy bills when
// the case gives no course (see the constants above).
func defaultCodeLines(c *ketacover.Case) ([]ketacover.CodeLine, error) {
	t := c.Therapy
	switch t.Drug {
	case ketacover.TherapyEsketamine:
		if t.DoseMg == nil || *t.DoseMg < 1 || *t.DoseMg != float64(int(*t.DoseMg)) {
			return nil, fmt.Errorf("therapy.dose_mg: required in whole mg (56 or 84): it decides the codes and units requested")
		}
		mg := int(*t.DoseMg)
		switch c.Plan.Type {
		case ketacover.PlanMedicareFFS, ketacover.PlanMedicareAdvantage:
			if mg <= 56 {
				return []ketacover.CodeLine{{Code: codeEsketamineUpTo56}}, nil
			}
			return []ketacover.CodeLine{{Code: codeEsketamineOver56}}, nil
		}
		return []ketacover.CodeLine{{Code: codeEsketamineDrug, Units: mg}}, nil
	case ketacover.TherapyKetamineIV:
		return []ketacover.CodeLine{{Code: codeInfusion}, {Code: codeUnlistedDrug}}, nil
	}
	return nil, fmt.Errorf("therapy.drug: want esketamine or ketamine-iv, got %q", t.Drug)
}

// splitName splits "Jane Q. Doe" into last "Doe" and first "Jane Q.",
// dropping credentials after a comma ("Ana Rivera, MD").
func splitName(name string) (last, first string) {
	name, _, _ = strings.Cut(name, ",")
	f := strings.Fields(name)
	if len(f) == 0 {
		return "", ""
	}
	return f[len(f)-1], strings.Join(f[:len(f)-1], " ")
}
