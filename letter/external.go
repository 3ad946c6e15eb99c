package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/document"
)

// externalReview writes the request for external review by an independent
// review organization: whose decision, why it qualifies, the answer to
// each reason, the time limits and the remedy.
func (b *builder) externalReview() {
	c, den := b.c, b.den
	name := "Request for external review"
	if b.in.Expedited {
		name = "Request for expedited external review"
	}
	b.doc.Title = name + " — " + therapyName(c.Therapy.Drug)
	b.running(name)
	b.add(b.letterhead(), document.DateLine{Date: b.in.Date}, b.externalRecipient())
	fields := b.memberFields()
	fields = append(fields, document.Field{Label: "Health plan", Value: document.Text{document.Fact(c.Plan.Payer, "health plan name")}})
	fields = append(fields, b.denialFields()...)
	b.add(document.Subject{Text: document.PlainText(fmt.Sprintf("%s of the denial of %s", name, therapyName(c.Therapy.Drug))), Fields: fields})
	b.para(document.Plain("To the independent reviewer:"))

	decision := "adverse benefit determination"
	if den.Level > 0 {
		decision = "final internal adverse benefit determination"
	}
	runs := []document.Run{document.Plain("On behalf of my patient, "), b.patientRun(),
		document.Plain(fmt.Sprintf(", and with %s authorization, I request independent external review of %s's %s of %s", b.her(), b.payer(), decision, long(den.Date)))}
	if den.Reference != "" {
		runs = append(runs, document.Plain(" (reference "+den.Reference+")"))
	}
	if den.postService() {
		runs = append(runs, document.Plain(", which denied payment for "+therapyName(c.Therapy.Drug)))
	} else {
		runs = append(runs, document.Plain(", which denied coverage of "+therapyName(c.Therapy.Drug)+" for "+indicationName(c.Therapy.Indication)))
	}
	runs = append(runs, document.Plain(fmt.Sprintf(". I am %s's %s.", b.who(), b.role())))
	if r := strings.TrimSpace(den.Reason); r != "" {
		runs = append(runs, document.Plain(" The plan's stated reason: "), document.Emph("“"+strings.TrimSuffix(r, ".")+".”"))
	}
	b.para(runs...)

	b.heading(1, "Why this decision qualifies for external review")
	b.eligibility()
	if b.in.Expedited {
		b.heading(1, "Request for expedited review")
		b.expedited(true)
	}
	for _, cl := range den.Classes {
		b.answer(cl)
	}
	b.heading(1, "Time limits")
	b.externalTimeLimits()
	b.heading(1, "What I ask")
	runs = append([]document.Run{document.Plain(fmt.Sprintf("I ask the reviewer to reverse %s's decision and direct the plan to ", b.payer()))}, b.remedyRuns("its")[1:]...)
	runs = append(runs, document.Plain("."))
	if acaRules(c.Plan.Type) {
		runs = append(runs, document.Plain(" On receiving a decision that reverses the denial, the plan must provide the coverage or payment immediately (45 CFR 147.136(d)(2)(iv))."))
	}
	b.para(runs...)
	b.para(append(b.contactRuns(), document.Plain(" if the reviewer needs anything further; the complete medical record is available on request."))...)
	b.add(b.signature(""))
	enc := []string{fmt.Sprintf("copy of %s's final decision of %s", b.payer(), long(den.Date))}
	if den.Level > 0 {
		enc = append(enc, "copies of the internal appeal(s) and of the earlier denial")
	}
	enc = append(enc, "letter of medical necessity, signed by the prescriber",
		"the patient's signed authorization for me to request this review, on the form the reviewer or state requires")
	b.enclosures(enc)
	b.references()
	b.helpSection()
}

// externalRecipient addresses the request: the address the final notice
// gives, or a blank for it.
func (b *builder) externalRecipient() document.Recipient {
	r := document.Recipient{Lines: []document.Text{document.PlainText("External Review")}}
	if len(b.den.Address) > 0 {
		for _, l := range b.den.Address {
			r.Lines = append(r.Lines, document.PlainText(l))
		}
		return r
	}
	r.Lines = append(r.Lines, document.Text{document.Blank("where to send the external review request (printed on the final denial notice)")})
	return r
}

// eligibility says why the decision may go to external review, and notes
// the internal appeals exhausted or the expedited exception.
func (b *builder) eligibility() {
	den := b.den
	var medical, other []string
	for _, c := range den.Classes {
		switch c {
		case denial.MedicalNecessity:
			medical = append(medical, "medical necessity")
		case denial.ExperimentalInvestigational:
			medical = append(medical, "whether the treatment is experimental or investigational")
		default:
			other = append(other, strings.TrimPrefix(classTitle(c), "The plan's reason: "))
		}
	}
	var runs []document.Run
	switch {
	case !acaRules(b.c.Plan.Type):
		runs = append(runs, document.Plain(fmt.Sprintf("For a %s, the independent review after the plan's own appeal follows the program's rules; the time limits below say which step applies.", planWords(b.c.Plan.Type))))
	case len(medical) > 0:
		runs = append(runs, document.Plain(fmt.Sprintf("The denial rests on medical judgment (%s), which external review covers (45 CFR 147.136(d)(1)(i)).", joinAnd(medical))))
		if len(other) > 0 {
			runs = append(runs, document.Plain(fmt.Sprintf(" The other reasons given (%s) are answered below so that the reviewer has the whole dispute.", joinAnd(other))))
		}
	default:
		runs = append(runs, document.Plain(fmt.Sprintf("External review covers denials that involve medical judgment, as the reviewer determines (45 CFR 147.136(d)(1)(i)). The reasons given here (%s) turn on whether this treatment should be covered for %s's condition; each is answered below.", joinAnd(other), b.who())))
	}
	switch {
	case den.Level > 0:
		runs = append(runs, document.Plain(fmt.Sprintf(" %s has completed %s's internal appeal process: the decision of %s is its decision on level %d.", b.whoCap(), b.payer(), long(den.Date), den.Level)))
	case b.in.Expedited && acaRules(b.c.Plan.Type):
		runs = append(runs, document.Plain(" This request is made together with an expedited internal appeal, as the rules allow when the standard time frame would seriously jeopardize the patient's health (45 CFR 147.136(d)(3))."))
	default:
		runs = append(runs, document.Plain(fmt.Sprintf(" %s's internal appeals are complete or deemed exhausted: ", b.whoCap())),
			document.Blank("the date of the plan's final internal decision, or why the internal appeal is deemed exhausted"),
			document.Plain("."))
	}
	b.para(trimLead(runs)...)
}

// trimLead drops the leading space of the first run.
func trimLead(runs []document.Run) []document.Run {
	if len(runs) > 0 && runs[0].Kind == document.RunPlain {
		runs[0].Text = strings.TrimLeft(runs[0].Text, " ")
	}
	return runs
}

// externalTimeLimits states the filing window and the reviewer's clock,
// or, where the plan type has no external review rule on file, the next
// step that is on file (a Medicaid fair hearing, a Medicare hearing).
func (b *builder) externalTimeLimits() {
	w := b.window(deadline.StepExternalFiling)
	if w.err != nil && ketacover.ErrorCode(w.err) == ketacover.ENOTFOUND {
		if h := b.window(deadline.StepHearingFiling); h.err == nil {
			runs := []document.Run{document.Plain(fmt.Sprintf("No independent external review rule applies to a %s in the rules on file; the next step on file is the %s. ", planWords(b.c.Plan.Type), deadline.StepHearingFiling.Label()))}
			runs = append(runs, b.windowRuns(deadline.StepHearingFiling, "that request")...)
			b.para(runs...)
			return
		}
	}
	runs := b.windowRuns(deadline.StepExternalFiling, "this request")
	if d := b.decisionRuns(deadline.StepExternalDecision, "The independent reviewer"); len(d) > 0 {
		runs = append(runs, document.Plain(" "))
		runs = append(runs, d...)
	}
	b.para(runs...)
}
