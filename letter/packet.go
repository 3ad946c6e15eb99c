package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/document"
)

// packet writes the prior-authorization packet: a cover sheet (payer,
// member, prescriber, codes, units, dates requested), the criteria
// checklist mapping each criterion to the attachment that documents it,
// and the list of attachments the clinic must add.
func (b *builder) packet() {
	c := b.c
	b.doc.Title = "Prior authorization request — " + therapyName(c.Therapy.Drug)
	b.running("Prior authorization request")
	b.add(b.letterhead(), document.DateLine{Date: b.in.Date}, b.recipient(b.paDept()))
	urgency := "Standard"
	if b.in.Expedited {
		urgency = "Expedited (urgent): the prescriber attests that waiting for a standard decision could seriously jeopardize the patient's health"
	}
	fields := append(b.memberFields(), document.Field{Label: "Review type", Value: document.PlainText(urgency)})
	b.add(document.Subject{
		Text:   document.PlainText(fmt.Sprintf("Prior authorization request: %s for %s", therapyName(c.Therapy.Drug), indicationName(c.Therapy.Indication))),
		Fields: fields,
	})
	atts := b.attachments()
	b.para(document.Plain(fmt.Sprintf("This packet asks %s to authorize the treatment below. It holds this cover sheet, the criteria of %s with the facts and attachment that meet each, and %s.", b.payer(), b.policyName(), countWords(len(atts), "attachment"))))

	b.heading(1, "Cover sheet")
	b.add(b.memberTable(), b.prescriberTable(), b.serviceTable(), b.codesTable("Codes requested"))

	b.heading(1, "Criteria checklist")
	if !b.d.Policy.Stance.Covers() || len(b.d.Criteria) == 0 {
		b.stanceSection("as the attached letter of medical necessity sets out")
	} else {
		b.para(document.Plain(fmt.Sprintf("Each criterion of %s, with the policy's section, the facts in the record and the attachment that documents them.", b.policyName())))
		number := map[string]int{}
		for i, a := range atts {
			number[a] = i + 1
		}
		b.add(b.checklist(fmt.Sprintf("%s — criteria for %s", policyOwner(b.d.Policy), indicationName(c.Therapy.Indication)), func(ls []ketacover.CriterionResult) []document.Text {
			var refs []string
			seen := map[int]bool{}
			for _, r := range ls {
				for _, e := range r.Evidence {
					if n, ok := number[e]; ok && !seen[n] {
						seen[n] = true
						refs = append(refs, fmt.Sprint(n))
					}
				}
			}
			if len(refs) == 0 {
				return nil
			}
			word := "Attachment "
			if len(refs) > 1 {
				word = "Attachments "
			}
			return []document.Text{{document.Emph(word + joinAnd(refs))}}
		}))
		b.notMetSection()
	}

	b.heading(1, "Attachments")
	b.para(document.Plain("The clinic adds these records before sending the packet, numbered as below. Attachment 1 is the signed letter of medical necessity."))
	var items []document.Text
	for _, a := range atts {
		if w, ok := enclosureWords[a]; ok {
			a = w
		}
		items = append(items, document.PlainText(capital(strings.TrimSuffix(a, "."))))
	}
	b.add(document.List{Ordered: true, Items: items})

	b.heading(1, "Prescriber attestation")
	b.para(document.Plain("I attest that the information in this request is accurate and is supported by the patient's medical record, which is available to the plan on request."))
	b.add(b.signature("Attested,"))
	b.references()
}

// attachments are the records the packet needs: the letter of medical
// necessity, then the documents the policy's reviewer expects.
func (b *builder) attachments() []string {
	out := []string{"letter of medical necessity, signed by the prescriber"}
	seen := map[string]bool{out[0]: true}
	for _, e := range b.d.Evidence {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	if len(b.d.Evidence) == 0 {
		// No criteria name the records, so attach the ones behind the
		// history the letter of medical necessity tells.
		out = append(out, "pharmacy records or chart notes for each medication trial: drug, dose, dates, response",
			"rating-scale scores with their dates",
			"notes on psychotherapy and other treatments tried")
	}
	return out
}

// policyName names the payer's policy in prose.
func (b *builder) policyName() string {
	p := b.d.Policy
	if p.Reference {
		return "the criteria payers commonly apply (no published " + b.payer() + " policy was found)"
	}
	return b.payer() + "'s policy " + policyLabel(p)
}

// row is one labelled row of a two-column cover-sheet table.
func row(label string, value ...document.Run) []document.Text {
	return []document.Text{document.PlainText(label), document.Text(value)}
}

// memberTable is the member and plan block.
func (b *builder) memberTable() document.Table {
	c := b.c
	t := document.Table{Caption: "Member and plan", Header: []string{"Field", "Value"}}
	t.Rows = append(t.Rows,
		row("Health plan", document.Fact(c.Plan.Payer, "health plan name")),
	)
	if c.Plan.Name != "" {
		t.Rows = append(t.Rows, row("Plan or product", document.Plain(c.Plan.Name)))
	}
	t.Rows = append(t.Rows,
		row("Plan type", document.Plain(planWords(c.Plan.Type))),
		row("Member ID", document.Fact(c.Plan.MemberID, "member ID")),
	)
	if c.Plan.GroupNumber != "" {
		t.Rows = append(t.Rows, row("Group number", document.Plain(c.Plan.GroupNumber)))
	}
	if c.Plan.Subscriber != "" {
		t.Rows = append(t.Rows, row("Subscriber", document.Plain(c.Plan.Subscriber)))
	}
	t.Rows = append(t.Rows,
		row("Patient", b.patientRun()),
		[]document.Text{document.PlainText("Date of birth"), b.birthDate()},
	)
	if c.Patient.Address != "" {
		t.Rows = append(t.Rows, row("Address", document.Plain(c.Patient.Address)))
	}
	if c.Patient.Phone != "" {
		t.Rows = append(t.Rows, row("Telephone", document.Plain(c.Patient.Phone)))
	}
	return t
}

// prescriberTable is the prescriber and treating site block.
func (b *builder) prescriberTable() document.Table {
	p, s := b.c.Prescriber, b.c.Therapy.Site
	t := document.Table{Caption: "Prescriber and treating site", Header: []string{"Field", "Value"}}
	name := []document.Run{document.Fact(p.Name, "prescriber's name")}
	if cr := credentials(p); cr != "" {
		name = append(name, document.Plain(", "+cr))
	}
	t.Rows = append(t.Rows,
		row("Prescriber", name...),
		row("Prescriber NPI", document.Fact(p.NPI, "prescriber's NPI")),
		row("Telephone", document.Fact(firstNonEmpty(p.Phone, s.Phone), "prescriber's telephone number")),
		row("Fax", document.Fact(firstNonEmpty(p.Fax, s.Fax), "prescriber's fax number")),
		row("Treating site", document.Fact(s.Name, "treating site's name")),
		row("Site NPI", document.Fact(s.NPI, "treating site's NPI")),
	)
	if s.TIN != "" {
		t.Rows = append(t.Rows, row("Tax ID", document.Plain(s.TIN)))
	}
	t.Rows = append(t.Rows, row("Site address", document.Fact(s.Address, "treating site's address")))
	if b.c.Therapy.Drug == ketacover.TherapyEsketamine {
		t.Rows = append(t.Rows, row("Spravato REMS", b.remsRuns()...))
	}
	return t
}

// remsRuns states the REMS status of the setting and patient.
func (b *builder) remsRuns() []document.Run {
	s := b.c.Therapy.Site
	yes := func(v *bool, y, n, label string) document.Run {
		switch {
		case v == nil:
			return document.Blank(label)
		case *v:
			return document.Plain(y)
		}
		return document.Plain(n)
	}
	return []document.Run{
		yes(s.REMSCertified, "setting certified", "setting not certified", "REMS certification of the setting"),
		document.Plain("; "),
		yes(s.REMSPatient, "patient enrolled", "patient not yet enrolled", "patient's REMS enrollment"),
		document.Plain("; "),
		yes(s.Monitoring2h, "2-hour monitoring after each dose", "no 2-hour monitoring", "2-hour monitoring after each dose"),
	}
}

// serviceTable is what is requested, for which diagnosis and when.
func (b *builder) serviceTable() document.Table {
	t := b.c.Therapy
	tb := document.Table{Caption: "Service requested", Header: []string{"Field", "Value"}}
	tb.Rows = append(tb.Rows,
		row("Therapy", document.Plain(capital(therapyName(t.Drug)))),
		row("Indication", document.Plain(capital(indicationName(t.Indication)))),
	)
	dx := []document.Run{}
	for i, d := range b.c.History.Diagnoses {
		if i > 0 {
			dx = append(dx, document.Plain("; "))
		}
		s := d.Code
		if d.Description != "" {
			s += " " + d.Description
		}
		dx = append(dx, document.Plain(s))
	}
	if len(dx) == 0 {
		dx = append(dx, document.Blank("ICD-10-CM diagnosis code"))
	}
	tb.Rows = append(tb.Rows,
		row("Diagnosis (ICD-10-CM)", dx...),
		row("Dose", b.doseRuns()...),
		row("Schedule", b.scheduleRuns()...),
		row("Sessions requested", b.sessionsRun()),
		row("Dates requested", b.datesRequested()...),
	)
	if t.Drug == ketacover.TherapyEsketamine && t.WithOralAD != nil {
		v := "none (monotherapy)"
		if *t.WithOralAD {
			v = firstNonEmpty(t.OralAD, "yes")
		}
		tb.Rows = append(tb.Rows, row("Oral antidepressant", document.Plain(v)))
	}
	if t.Continuation != nil && *t.Continuation {
		tb.Rows = append(tb.Rows, row("Request type", document.Plain("Continuation (reauthorization)")))
	}
	return tb
}

// datesRequested is the first and last date of service requested: the
// course's dates, else the start plus the policy's authorization period.
func (b *builder) datesRequested() []document.Run {
	start, ok := b.start()
	if !ok {
		return []document.Run{document.Blank("first date of service requested"), document.Plain(" to "), document.Blank("last date of service requested")}
	}
	if tp := b.course(); tp != nil {
		ss := tp.Sessions()
		return []document.Run{document.Plain(short(ss[0].Date) + " to " + short(ss[len(ss)-1].Date) + " (the treatment plan's first and last sessions)")}
	}
	if a := b.d.Authorization; a != nil && (a.Months > 0 || a.Days > 0) {
		end := start
		if a.Months > 0 {
			end = end.AddMonths(a.Months)
		}
		end = end.AddDays(a.Days - 1)
		return []document.Run{document.Plain(short(start) + " to " + short(end) + " (the policy's authorization period)")}
	}
	return []document.Run{document.Plain(short(start) + " to "), document.Blank("last date of service requested")}
}

// codeUse is one billing code of a course: units per session and the
// number of sessions that bill it.
type codeUse struct {
	code     string
	units    int
	sessions int
}

// codesTable lists the CPT/HCPCS codes requested with their units: from
// the case's course, else the codes the policy lists, else a blank.
func (b *builder) codesTable(caption string) document.Table {
	tb := document.Table{Caption: caption, Header: []string{"Code", "Description", "Units per session", "Sessions", "Total units"},
		Align: []document.Align{document.AlignLeft, document.AlignLeft, document.AlignRight, document.AlignRight, document.AlignRight}}
	if tp := b.course(); tp != nil {
		for _, u := range codeUses(tp.Sessions()) {
			desc := document.Text{document.Blank("description of " + u.code)}
			if p, ok := b.c.Therapy.Prices.Lookup(u.code); ok && p.Description != "" {
				desc = document.PlainText(p.Description)
			}
			tb.Rows = append(tb.Rows, []document.Text{document.PlainText(u.code), desc,
				document.PlainText(fmt.Sprint(u.units)), document.PlainText(fmt.Sprint(u.sessions)), document.PlainText(fmt.Sprint(u.units * u.sessions))})
		}
		return tb
	}
	sessions := document.Text{b.sessionsRun()}
	if n, ok := b.sessions(); ok {
		sessions = document.PlainText(fmt.Sprint(n))
	}
	for _, pc := range b.in.PolicyCodes {
		if pc.System != "CPT" && pc.System != "HCPCS" {
			continue
		}
		desc := firstNonEmpty(pc.Note, "listed by the plan's policy")
		if p, ok := b.c.Therapy.Prices.Lookup(pc.Code); ok && p.Description != "" {
			desc = p.Description
		}
		tb.Rows = append(tb.Rows, []document.Text{document.PlainText(pc.Code), document.PlainText(desc),
			{document.Blank("units of " + pc.Code + " per session")}, sessions, {document.Blank("total units of " + pc.Code)}})
	}
	if len(tb.Rows) == 0 {
		tb.Rows = append(tb.Rows, []document.Text{{document.Blank("CPT/HCPCS code")}, {document.Blank("description of the code")},
			{document.Blank("units per session")}, sessions, {document.Blank("total units")}})
	}
	return tb
}
