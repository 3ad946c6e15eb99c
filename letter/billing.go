package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/cost"
	"github.com/ketacover/ketacover/document"
)

// plannedCourse is the course the case plans: therapy.course, or the one
// package cost builds from the drug, sessions, start date and price list
// (cost.FromCase), or nil when neither can be had.
func (b *builder) plannedCourse() *ketacover.TreatmentPlan {
	if tp := b.course(); tp != nil {
		return tp
	}
	if len(b.c.Therapy.Prices) == 0 {
		return nil
	}
	start, ok := b.start()
	if !ok {
		return nil
	}
	req, _, err := cost.FromCase(b.c, start)
	if err != nil {
		return nil
	}
	return &req.Course
}

// serviceLine is one billed line of one session.
type serviceLine struct {
	session int
	date    ketacover.Date // the date of service; zero when only planned
	planned ketacover.Date // the treatment plan's date for the session
	code    string
	units   int
}

// serviceLines are the services to itemize: the sessions on the case's
// timeline, or else the treatment plan's sessions up to the document's
// date, whose dates of service must be confirmed from the chart.
func (b *builder) serviceLines() []serviceLine {
	tp := b.plannedCourse()
	var planned []ketacover.Session
	if tp != nil {
		planned = tp.Sessions()
	}
	var out []serviceLine
	n := 0
	for _, e := range b.in.Events {
		if e.Kind != ketacover.EventSession {
			continue
		}
		n++
		var lines []ketacover.CodeLine
		switch {
		case len(e.Details.Codes) > 0:
			for _, code := range e.Details.Codes {
				ln := ketacover.CodeLine{Code: code}
				if n <= len(planned) {
					for _, pl := range planned[n-1].Lines {
						if pl.Code == code {
							ln.Units = pl.Units
						}
					}
				}
				lines = append(lines, ln)
			}
		case n <= len(planned):
			lines = planned[n-1].Lines
		default:
			lines = []ketacover.CodeLine{{}}
		}
		for _, ln := range lines {
			out = append(out, serviceLine{session: n, date: e.Date, code: ln.Code, units: ln.UnitCount()})
		}
	}
	if n > 0 {
		return out
	}
	for _, s := range planned {
		if !b.in.Date.IsZero() && s.Date.After(b.in.Date) {
			break
		}
		for _, ln := range s.Lines {
			out = append(out, serviceLine{session: s.Number, planned: s.Date, code: ln.Code, units: ln.UnitCount()})
		}
	}
	return out
}

// unlisted are the HCPCS codes for a drug with no code of its own, which a
// claim must carry with the drug's NDC and description.
var unlisted = map[string]bool{"J3490": true, "J3590": true}

// price is the price of a code in the case's price list.
func (b *builder) price(code string) (ketacover.Price, bool) { return b.c.Therapy.Prices.Lookup(code) }

// pointers are the diagnosis pointer letters of box 21, one per
// diagnosis, A to L.
func (b *builder) pointers() string {
	var s strings.Builder
	for i := range b.c.History.Diagnoses {
		if i == 4 { // box 24E holds up to four pointers
			break
		}
		s.WriteByte(byte('A' + i))
	}
	return s.String()
}

// superbill writes the itemized statement a patient files for
// out-of-network reimbursement, with every field a payer needs to key a
// CMS-1500 (shared/reference/cost-and-payment.md §1.6), box numbers named.
func (b *builder) superbill() {
	c := b.c
	b.doc.Title = "Superbill — " + therapyName(c.Therapy.Drug)
	b.running("Superbill")
	b.add(b.letterhead(), document.DateLine{Date: b.in.Date})
	b.heading(1, "Superbill: itemized statement of services")
	b.para(document.Plain(fmt.Sprintf("An itemized statement of the services %s received, for filing a claim for reimbursement with %s. It is not a claim form; the box numbers are those of the CMS-1500 claim form the plan keys it into.", firstNonEmpty(c.Patient.Name, "the patient"), b.payer())))

	p := c.Patient
	ins := document.Table{Caption: "Patient and insured", Header: []string{"Field", "Value"}}
	sexDOB := []document.Run{}
	if p.BirthDate != nil {
		sexDOB = append(sexDOB, document.Plain(short(*p.BirthDate)))
	} else {
		sexDOB = append(sexDOB, document.Blank("patient's date of birth"))
	}
	sexDOB = append(sexDOB, document.Plain(", "))
	switch p.Sex {
	case "female":
		sexDOB = append(sexDOB, document.Plain("F"))
	case "male":
		sexDOB = append(sexDOB, document.Plain("M"))
	default:
		sexDOB = append(sexDOB, document.Blank("patient's sex as the plan records it"))
	}
	insured, relation := document.Fact(p.Name, "insured's name"), document.Plain("Self")
	if c.Plan.Subscriber != "" {
		insured, relation = document.Plain(c.Plan.Subscriber), document.Blank("patient's relationship to the insured")
	}
	ins.Rows = append(ins.Rows,
		row("Patient's name (box 2)", b.patientRun()),
		row("Date of birth and sex (box 3)", sexDOB...),
		row("Patient's address (box 5)", document.Fact(p.Address, "patient's address")),
		row("Health plan (box 1)", document.Fact(c.Plan.Payer, "health plan name"), document.Plain(", "+planWords(c.Plan.Type))),
		row("Insured's ID number (box 1a)", document.Fact(c.Plan.MemberID, "member ID")),
		row("Insured's name (box 4)", insured),
		row("Relationship to insured (box 6)", relation),
		row("Insured's group number (box 11)", document.Plain(orDash(c.Plan.GroupNumber))),
		row("Prior authorization number (box 23)", document.Plain(firstNonEmpty(b.authNumber(), "none on file"))),
	)
	b.add(ins)

	s, pr := c.Therapy.Site, c.Prescriber
	prov := document.Table{Caption: "Provider", Header: []string{"Field", "Value"}}
	name := []document.Run{document.Fact(pr.Name, "rendering provider's name")}
	if cr := credentials(pr); cr != "" {
		name = append(name, document.Plain(", "+cr))
	}
	prov.Rows = append(prov.Rows,
		row("Rendering provider (box 31)", name...),
		row("Rendering provider NPI (box 24J)", document.Fact(pr.NPI, "rendering provider's NPI (type 1)")),
		row("Billing provider (box 33)", document.Fact(firstNonEmpty(s.Name, pr.Organization), "practice name"), document.Plain(", "), document.Fact(s.Address, "practice address"), document.Plain(", "), document.Fact(firstNonEmpty(s.Phone, pr.Phone), "practice telephone number")),
		row("Billing provider NPI (box 33a)", document.Fact(s.NPI, "practice NPI (type 2)")),
		row("Service facility (box 32, 32a)", document.Fact(s.Name, "service facility name"), document.Plain(", NPI "), document.Fact(s.NPI, "service facility NPI")),
		row("Federal tax ID (box 25)", document.Fact(s.TIN, "practice's federal tax ID (EIN)")),
		row("Place of service (box 24B)", document.Blank("place of service code (11 office, 02 or 10 telehealth)")),
		row("Modifiers (box 24D)", document.Blank("modifiers billed with each code, or “none”")),
	)

	lines := b.serviceLines()
	for _, ln := range lines {
		if unlisted[ln.code] {
			// An unlisted drug code is paid only with the drug's NDC and
			// name (RARC N350, M119; regulations-and-appeals.md §2.1).
			prov.Rows = append(prov.Rows, row("Drug NDC for "+ln.code+" (box 24, shaded line)", document.Blank("11-digit NDC of the drug billed under "+ln.code)))
			break
		}
	}
	b.add(prov)
	b.add(b.diagnosisTable())
	svc := document.Table{Caption: "Services (box 24)", Header: []string{"Date (24A)", "Code (24D)", "Description", "Pointer (24E)", "Units (24G)", "Charge (24F)"},
		Align: []document.Align{document.AlignLeft, document.AlignLeft, document.AlignLeft, document.AlignLeft, document.AlignRight, document.AlignRight}}
	var total ketacover.Cents
	priced := true
	for i, ln := range lines {
		date := document.PlainText(shortOr(ln.date))
		switch {
		case i > 0 && lines[i-1].session == ln.session && ln.date.IsZero():
			date = document.PlainText("(same date)")
		case ln.date.IsZero():
			date = document.Text{document.Blank(fmt.Sprintf("date of session %d (planned %s)", ln.session, short(ln.planned)))}
		}
		code, desc, charge := document.PlainText(ln.code), document.Text{document.Blank("description of " + ln.code)}, document.Text{document.Blank("charge for " + ln.code)}
		if ln.code == "" {
			code, desc, charge = document.Text{document.Blank("CPT/HCPCS code")}, document.Text{document.Blank("description of the service")}, document.Text{document.Blank("charge")}
			priced = false
		} else if pz, ok := b.price(ln.code); ok {
			if pz.Description != "" {
				desc = document.PlainText(pz.Description)
			}
			amt := pz.Billed * ketacover.Cents(ln.units)
			total += amt
			charge = document.PlainText(amt.String())
		} else {
			priced = false
		}
		svc.Rows = append(svc.Rows, []document.Text{date, code, desc, document.PlainText(orDash(b.pointers())), document.PlainText(fmt.Sprint(ln.units)), charge})
	}
	if len(lines) == 0 {
		svc.Rows = append(svc.Rows, []document.Text{{document.Blank("date of service")}, {document.Blank("CPT/HCPCS code")}, {document.Blank("description of the service")},
			document.PlainText(orDash(b.pointers())), {document.Blank("units")}, {document.Blank("charge")}})
		priced = false
	}
	b.add(svc)

	paid, paidKnown := b.patientPaid()
	tot := document.Table{Caption: "Totals", Header: []string{"Total charge (box 28)", "Amount paid (box 29)", "Balance due (box 30)"},
		Align: []document.Align{document.AlignRight, document.AlignRight, document.AlignRight}}
	totalCell := document.PlainText(total.String())
	if !priced {
		totalCell = document.Text{document.Blank("total charge (a line has no price)")}
	}
	paidCell := document.PlainText(paid.String())
	if !paidKnown {
		paidCell = document.Text{document.Blank("amount the patient paid")}
	}
	balance := document.Text{document.Blank("balance due")}
	if priced && paidKnown {
		balance = document.PlainText((total - paid).String())
	}
	tot.Rows = append(tot.Rows, []document.Text{totalCell, paidCell, balance})
	b.add(tot)
	b.para(document.Plain("I certify that the services above were provided on the dates shown and that the charges are the practice's usual fees for them."))
	b.add(b.signature("Rendering provider (box 31),"))
}

func shortOr(d ketacover.Date) string {
	if d.IsZero() {
		return ""
	}
	return short(d)
}

// diagnosisTable is box 21: the diagnoses with their pointer letters.
func (b *builder) diagnosisTable() document.Table {
	t := document.Table{Caption: "Diagnoses (box 21, ICD-10-CM)", Header: []string{"Pointer", "Code", "Description"}}
	for i, d := range b.c.History.Diagnoses {
		if i == 12 { // box 21 holds A to L
			break
		}
		desc := document.Text{document.Blank("description of " + d.Code)}
		if d.Description != "" {
			desc = document.PlainText(d.Description)
		}
		t.Rows = append(t.Rows, []document.Text{document.PlainText(string(rune('A' + i))), document.PlainText(d.Code), desc})
	}
	if len(t.Rows) == 0 {
		t.Rows = append(t.Rows, []document.Text{document.PlainText("A"), {document.Blank("ICD-10-CM diagnosis code")}, {document.Blank("description of the diagnosis")}})
	}
	return t
}

// authNumber is an authorization number on file: the denial's or the
// timeline's.
func (b *builder) authNumber() string {
	if b.den != nil && b.den.Authorization != "" {
		return b.den.Authorization
	}
	return b.authorizationOnFile()
}

// patientPaid is what the patient paid, from the timeline's payments.
func (b *builder) patientPaid() (ketacover.Cents, bool) {
	var sum ketacover.Cents
	found := false
	for _, e := range b.in.Events {
		if e.Kind == ketacover.EventPatientPaid {
			sum += ketacover.Cents(e.Details.AmountCents)
			found = true
		}
	}
	return sum, found
}

// gfe writes the Good Faith Estimate a provider owes uninsured and
// self-pay patients under the No Surprises Act (45 CFR 149.610), with the
// right to dispute a bill at least $400 above it (45 CFR 149.620): patient,
// primary service and date, itemized items and services with diagnosis
// and service codes and expected charges, the provider's NPI, TIN and
// location, the scope of a recurring series (at most 12 months), and the
// disclaimers (shared/reference/cost-and-payment.md §1.7).
func (b *builder) gfe() {
	c := b.c
	clinic := firstNonEmpty(c.Therapy.Site.Name, c.Prescriber.Organization, c.Prescriber.Name, "the provider")
	b.doc.Title = "Good Faith Estimate — " + therapyName(c.Therapy.Drug)
	b.running("Good Faith Estimate")
	b.add(b.letterhead(), document.DateLine{Date: b.in.Date})
	b.heading(1, "Good Faith Estimate of expected charges")
	b.para(document.Plain(fmt.Sprintf("You are receiving this Good Faith Estimate because you are uninsured or are not using insurance for these services. Under the No Surprises Act, health care providers must give uninsured and self-pay patients an estimate of the expected charges for items and services before they are furnished (45 CFR 149.610). This estimate shows the charges %s expects for the treatment below.", clinic)))

	tp := b.plannedCourse()
	var sessions []ketacover.Session
	var until ketacover.Date
	if tp != nil {
		all := tp.Sessions()
		until = tp.Start.AddMonths(12)
		for _, s := range all {
			if !s.Date.Before(until) {
				break
			}
			sessions = append(sessions, s)
		}
	}
	pt := document.Table{Caption: "Patient and service", Header: []string{"Field", "Value"}}
	pt.Rows = append(pt.Rows,
		row("Patient", b.patientRun()),
		[]document.Text{document.PlainText("Date of birth"), b.birthDate()},
		row("Primary service", document.Plain(capital(therapyName(c.Therapy.Drug))+" for "+indicationName(c.Therapy.Indication))),
		row("Diagnosis (ICD-10-CM)", b.diagnosisCodeRuns()...),
		row("Scheduled start", b.startRun()),
	)
	if len(sessions) > 0 {
		scope := fmt.Sprintf("%s, %s, from %s to %s", plural(len(sessions), "session"), courseWords(*tp), long(sessions[0].Date), long(sessions[len(sessions)-1].Date))
		pt.Rows = append(pt.Rows, row("Scope of this estimate", document.Plain(scope)))
	} else {
		pt.Rows = append(pt.Rows, row("Scope of this estimate", document.Blank("number of sessions, how often and over what period (at most 12 months)")))
	}
	b.add(pt)

	s := c.Therapy.Site
	pv := document.Table{Caption: "Provider", Header: []string{"Field", "Value"}}
	pv.Rows = append(pv.Rows,
		row("Provider or facility", document.Fact(firstNonEmpty(s.Name, c.Prescriber.Organization), "provider or facility name")),
		row("NPI", document.Fact(s.NPI, "provider's NPI")),
		row("Tax ID (TIN)", document.Fact(s.TIN, "provider's tax ID (TIN)")),
		row("Location", document.Fact(s.Address, "address where the services are given")),
	)
	if c.Prescriber.Name != "" {
		v := c.Prescriber.Name
		if cr := credentials(c.Prescriber); cr != "" {
			v += ", " + cr
		}
		if c.Prescriber.NPI != "" {
			v += ", NPI " + c.Prescriber.NPI
		}
		pv.Rows = append(pv.Rows, row("Treating clinician", document.Plain(v)))
	}
	b.add(pv)

	items := document.Table{Caption: "Expected items and services", Header: []string{"Service", "Code", "Units per session", "Sessions", "Price per unit", "Expected charge"},
		Align: []document.Align{document.AlignLeft, document.AlignLeft, document.AlignRight, document.AlignRight, document.AlignRight, document.AlignRight}}
	var total ketacover.Cents
	priced := len(sessions) > 0
	if len(sessions) > 0 {
		for _, u := range codeUses(sessions) {
			desc := document.Text{document.Blank("description of " + u.code)}
			unit := document.Text{document.Blank("self-pay price of " + u.code)}
			charge := document.Text{document.Blank("expected charge for " + u.code)}
			if p, ok := b.price(u.code); ok {
				if p.Description != "" {
					desc = document.PlainText(p.Description)
				}
				cash := p.Cash
				if cash == 0 {
					cash = p.Billed
				}
				amt := cash * ketacover.Cents(u.units*u.sessions)
				total += amt
				unit, charge = document.PlainText(cash.String()), document.PlainText(amt.String())
			} else {
				priced = false
			}
			items.Rows = append(items.Rows, []document.Text{desc, document.PlainText(u.code), document.PlainText(fmt.Sprint(u.units)), document.PlainText(fmt.Sprint(u.sessions)), unit, charge})
		}
	} else {
		items.Rows = append(items.Rows, []document.Text{{document.Blank("items and services expected")}, {document.Blank("CPT/HCPCS code")}, {document.Blank("units per session")}, {document.Blank("number of sessions")}, {document.Blank("self-pay price per unit")}, {document.Blank("expected charge")}})
	}
	b.add(items)
	if priced {
		b.para(document.Strong("Total expected charges from " + clinic + ": " + total.String()))
	} else {
		b.para(document.Strong("Total expected charges from "+clinic+": "), document.Blank("total expected charges (a price or the schedule is missing)"))
	}
	b.para(document.Plain("Other providers or facilities expected to bill separately, and items or services that must be scheduled separately: "),
		document.Blank("their names, NPIs, TINs and expected charges, or “none”"), document.Plain(". Each gives its own Good Faith Estimate."))

	b.heading(2, "Please read")
	b.add(document.List{Items: []document.Text{
		document.PlainText(fmt.Sprintf("This estimate is not a bill and not a contract. It does not require you to receive these services from %s, and the actual charges may differ if your care differs from what is listed. Other items or services may be recommended during treatment; they are not included here and would need their own estimate.", clinic)),
		document.PlainText("A recurring series of treatments may be estimated once for up to 12 months, stating how often and how many sessions; treatment beyond that needs a new estimate."),
		{document.Strong("Your right to dispute a bill. "), document.Plain(fmt.Sprintf("If the bill from %s is at least $400 more than its total expected charges on this estimate, you may dispute the bill through the federal patient-provider dispute resolution process, in which an independent selected dispute resolution (SDR) entity decides what you owe. You must start the dispute within 120 calendar days of the date on the original bill, and there is a $25 administrative fee (45 CFR 149.620).", clinic))},
		document.PlainText("Keep a copy of this Good Faith Estimate and of every bill: you will need them to start a dispute."),
	}})
	sig := b.signature("Issued by,")
	b.add(sig)
}

// diagnosisCodeRuns lists the diagnosis codes with descriptions, or a
// blank.
func (b *builder) diagnosisCodeRuns() []document.Run {
	var parts []string
	for _, d := range b.c.History.Diagnoses {
		s := d.Code
		if d.Description != "" {
			s += " " + d.Description
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return []document.Run{document.Blank("ICD-10-CM diagnosis code")}
	}
	return []document.Run{document.Plain(strings.Join(parts, "; "))}
}

// codeUses tallies the codes of sessions in first-use order.
func codeUses(ss []ketacover.Session) []codeUse {
	var out []codeUse
	idx := map[string]int{}
	for _, s := range ss {
		for _, ln := range s.Lines {
			i, ok := idx[ln.Code]
			if !ok {
				i = len(out)
				idx[ln.Code] = i
				out = append(out, codeUse{code: ln.Code, units: ln.UnitCount()})
			}
			out[i].sessions++
		}
	}
	return out
}
