package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/document"
)

// appealName is the appeal's name: "Expedited second-level appeal".
func (b *builder) appealName() string {
	s := "first-level appeal"
	if b.in.Level == 2 {
		s = "second-level appeal"
	}
	if b.in.Expedited {
		return "Expedited " + s
	}
	return capital(s)
}

// appeal writes an internal appeal: it answers each reason of the denial
// with the argument and evidence for it, states the legal time limits and
// the rules that set them, asks for a specific remedy, and ends with the
// patient's page of where to get help.
func (b *builder) appeal() {
	c := b.c
	name := b.appealName()
	b.doc.Title = name + " — " + therapyName(c.Therapy.Drug)
	b.running(name)
	dept := "Attn: Appeals"
	if b.in.Expedited {
		dept = "Attn: Expedited Appeals (urgent)"
	}
	b.add(b.letterhead(), document.DateLine{Date: b.in.Date}, b.recipient(dept))
	b.add(document.Subject{
		Text:   document.PlainText(fmt.Sprintf("%s of the denial of %s", name, therapyName(c.Therapy.Drug))),
		Fields: append(b.memberFields(), b.denialFields()...),
	})
	b.para(document.Plain("Dear Appeals Reviewer:"))
	b.appealOpening()
	if b.in.Expedited {
		b.heading(1, "Request for an expedited decision")
		b.expedited(false)
	}
	for _, cl := range b.den.Classes {
		b.answer(cl)
	}
	b.heading(1, "Time limits")
	filing, decision := deadline.StepAppealFiling, deadline.StepAppealDecision
	if b.in.Level == 2 {
		filing, decision = deadline.StepAppeal2Filing, deadline.StepAppeal2Decision
	}
	runs := b.windowRuns(filing, "this appeal")
	if d := b.decisionRuns(decision, capital(b.payer())); len(d) > 0 {
		runs = append(runs, document.Plain(" "))
		runs = append(runs, d...)
	}
	b.para(runs...)
	b.continuedCoverage()
	b.heading(1, "What I ask")
	b.para(append(append([]document.Run{document.Plain("I ask " + b.payer() + " to ")}, b.remedyRuns("its")...), document.Plain("."))...)
	earlier := "the earlier decision"
	if b.in.Level == 2 {
		earlier = "the earlier decisions"
	}
	b.para(document.Plain(fmt.Sprintf("If %s relied on any rule, guideline, protocol or criterion other than %s, please send me a copy, with the name, credentials and specialty of each reviewer. I ask that this appeal be decided by a board-certified psychiatrist who took no part in %s.", b.payer(), b.policyRef(), earlier)))
	b.para(append(b.contactRuns(), document.Plain(" with any question; I am available for a peer-to-peer discussion at the reviewer's convenience."))...)
	b.add(b.signature(""))
	b.enclosures(b.appealEnclosures())
	b.references()
	b.helpSection()
}

// policyRef names the policy the plan should have applied, for prose.
func (b *builder) policyRef() string {
	if b.d.Policy.Reference || b.d.Policy.Title == "" {
		return "the criteria stated in its notice"
	}
	return "its policy " + policyLabel(b.d.Policy)
}

// denialFields are the identifiers of the decision appealed.
func (b *builder) denialFields() []document.Field {
	den := b.den
	var fs []document.Field
	label := "Notice dated"
	if den.Level > 0 {
		label = fmt.Sprintf("Level %d decision dated", den.Level)
	}
	fs = append(fs, document.Field{Label: label, Value: document.PlainText(long(den.Date))})
	if den.Reference != "" {
		fs = append(fs, document.Field{Label: "Reference number", Value: document.PlainText(den.Reference)})
	}
	if den.Claim != "" {
		fs = append(fs, document.Field{Label: "Claim number", Value: document.PlainText(den.Claim)})
	}
	if den.Authorization != "" {
		fs = append(fs, document.Field{Label: "Authorization number", Value: document.PlainText(den.Authorization)})
	}
	if len(den.ServiceDates) > 0 {
		fs = append(fs, document.Field{Label: "Dates of service", Value: document.PlainText(dateList(den.ServiceDates))})
	}
	if den.Amount > 0 {
		fs = append(fs, document.Field{Label: "Amount billed", Value: document.PlainText(den.Amount.String())})
	}
	if den.Policy != "" {
		fs = append(fs, document.Field{Label: "Policy cited", Value: document.PlainText(den.Policy)})
	}
	return fs
}

func dateList(ds []ketacover.Date) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = short(d)
	}
	return strings.Join(s, ", ")
}

// appealOpening says who appeals which decision, quotes its reason and
// names the remedy.
func (b *builder) appealOpening() {
	den := b.den
	runs := []document.Run{document.Plain("I am writing on behalf of my patient, "), b.patientRun(),
		document.Plain(fmt.Sprintf(", and with %s authorization, to appeal %s's decision of %s", b.her(), b.payer(), long(den.Date)))}
	if den.Reference != "" {
		runs = append(runs, document.Plain(" (reference "+den.Reference+")"))
	}
	if den.postService() {
		runs = append(runs, document.Plain(" denying payment for "+therapyName(b.c.Therapy.Drug)))
		if len(den.ServiceDates) > 0 {
			runs = append(runs, document.Plain(" given on "+dateList(den.ServiceDates)))
		}
		if den.Claim != "" {
			runs = append(runs, document.Plain(" (claim "+den.Claim+")"))
		}
	} else {
		runs = append(runs, document.Plain(" denying coverage of "+therapyName(b.c.Therapy.Drug)+" for "+indicationName(b.c.Therapy.Indication)))
	}
	runs = append(runs, document.Plain(". "))
	if b.in.Level == 2 {
		runs = append(runs, document.Plain(fmt.Sprintf("This is a second-level appeal: the decision of %s upheld the denial on first-level appeal. ", long(den.Date))))
	}
	if r := strings.TrimSpace(den.Reason); r != "" {
		runs = append(runs, document.Plain("The notice gives this reason: "), document.Emph("“"+strings.TrimSuffix(r, ".")+".”"), document.Plain(" "))
	}
	if len(den.Classes) == 1 {
		runs = append(runs, document.Plain("That reason is answered below, with the record and the evidence."))
	} else {
		runs = append(runs, document.Plain(fmt.Sprintf("Each of its %s is answered below, with the record and the evidence.", countWords(len(den.Classes), "reason"))))
	}
	b.para(runs...)
	b.para(append(append([]document.Run{document.Plain("I ask " + b.payer() + " to ")}, b.remedyRuns("its")...), document.Plain("."))...)
}

// remedyRuns is the specific remedy asked for, without the subject: "reverse
// its decision and authorize ...", or "... and pay claim ...". whose is
// how the decision is named ("its", "the plan's").
func (b *builder) remedyRuns(whose string) []document.Run {
	den := b.den
	runs := []document.Run{document.Plain("reverse " + whose + " decision of " + long(den.Date) + " and ")}
	if den.postService() {
		runs = append(runs, document.Plain("pay "))
		if den.Claim != "" {
			runs = append(runs, document.Plain("claim "+den.Claim))
		} else {
			runs = append(runs, document.Plain("the claim"))
		}
		if len(den.ServiceDates) > 0 {
			runs = append(runs, document.Plain(" for the services of "+dateList(den.ServiceDates)))
		}
		if den.has("prior-authorization") {
			first := ""
			if len(den.ServiceDates) > 0 {
				first = " from " + long(earliest(den.ServiceDates))
			}
			runs = append(runs, document.Plain(", with authorization granted retroactively"+first))
		}
		if den.has("benefit-limit") {
			runs = append(runs, document.Plain(", as an exception to the limit applied"))
		}
		return runs
	}
	runs = append(runs, document.Plain("authorize "))
	runs = append(runs, b.requestRuns()...)
	if den.has("benefit-limit") {
		runs = append(runs, document.Plain(", as an exception to the limit applied"))
	}
	runs = append(runs, document.Plain(b.periodWords()))
	return runs
}

func earliest(ds []ketacover.Date) ketacover.Date {
	e := ds[0]
	for _, d := range ds[1:] {
		if d.Before(e) {
			e = d
		}
	}
	return e
}

// urgencyRuns are the facts that make the request urgent, or a blank for
// the prescriber's reason.
func (b *builder) urgencyRuns() []document.Run {
	if s := suicidalityWords(b.c.History.Suicidality); s != "" {
		return []document.Run{document.Plain(b.whoCap() + " " + s)}
	}
	return []document.Run{document.Blank("clinical reason waiting for a standard decision could seriously jeopardize the patient's health"), document.Plain(".")}
}

// expedited asks for the urgent track and says which rule makes the
// prescriber's certification binding. external selects the external
// review wording (45 CFR 147.136(d)(3)).
func (b *builder) expedited(external bool) {
	who := b.who()
	if external {
		runs := []document.Run{document.Plain("I ask that this external review be expedited. ")}
		runs = append(runs, b.urgencyRuns()...)
		// 45 CFR 147.136(d)(3)(i): at an initial denial the test is the time
		// for an expedited internal appeal (filed at the same time); at a
		// final internal denial, the time for a standard external review
		// (regulations-verified.md §1.5).
		frame := "a standard external review"
		if b.den.Level == 0 {
			frame = "an expedited internal appeal, which I am filing at the same time,"
		}
		runs = append(runs, document.Plain(fmt.Sprintf(" As %s's %s, I certify that the time frame for %s would seriously jeopardize %s life or health or %s ability to regain maximum function", who, b.role(), frame, b.her(), b.her())))
		if acaRules(b.c.Plan.Type) {
			runs = append(runs, document.Plain(", which entitles "+who+" to expedited external review (45 CFR 147.136(d)(3))"))
		}
		b.para(append(runs, document.Plain("."))...)
		return
	}
	runs := []document.Run{document.Plain("I ask that this appeal be decided on an expedited (urgent) basis. ")}
	runs = append(runs, b.urgencyRuns()...)
	runs = append(runs, document.Plain(fmt.Sprintf(" As %s's %s, with knowledge of %s condition, I have determined that applying the standard time frame could seriously jeopardize %s life or health or %s ability to regain maximum function.", who, b.role(), b.her(), b.her(), b.her())))
	switch cite := urgentCitation(b.c.Plan.Type); {
	case strings.Contains(cite, "147.136"):
		runs = append(runs, document.Plain(" A request that a physician with knowledge of the patient's condition determines is urgent must be handled as urgent, and the plan defers to that determination ("+cite+")."))
	case cite != "":
		runs = append(runs, document.Plain(" A request that a physician with knowledge of the patient's condition determines is urgent must be handled as urgent ("+cite+")."))
	}
	b.para(runs...)
}

// urgentCitation is the rule that makes the treating physician's
// determination of urgency bind the plan, by plan type
// (regulations-verified.md §2.1: 29 CFR 2560.503-1(m)(1)(iii); 45 CFR
// 147.136(b)(2)(ii)(B) group, (b)(3)(ii)(B) individual). It is empty for
// plan types those rules do not govern.
func urgentCitation(t ketacover.PlanType) string {
	switch t {
	case ketacover.PlanERISASelfFunded:
		return "29 CFR 2560.503-1(m)(1)(iii)"
	case ketacover.PlanGroupFullyInsured:
		return "29 CFR 2560.503-1(m)(1)(iii); 45 CFR 147.136(b)(2)(ii)(B)"
	case ketacover.PlanGovernmentNonFed:
		return "45 CFR 147.136(b)(2)(ii)(B)"
	case ketacover.PlanIndividual:
		return "45 CFR 147.136(b)(3)(ii)(B)"
	}
	return ""
}

// continuedCoverage reminds the plan that an approved ongoing course may
// not be cut before the appeal is decided (regulations-verified.md §2.2,
// §3.3).
func (b *builder) continuedCoverage() {
	t := b.c.Therapy
	if t.Continuation == nil || !*t.Continuation || !acaRules(b.c.Plan.Type) {
		return
	}
	cite := "29 CFR 2560.503-1(f)(2)(ii)"
	switch b.c.Plan.Type {
	case ketacover.PlanGroupFullyInsured, ketacover.PlanGovernmentNonFed:
		cite += "; 45 CFR 147.136(b)(2)(iii)"
	case ketacover.PlanIndividual:
		cite = "45 CFR 147.136(b)(3)(iii)"
	}
	b.para(document.Plain(fmt.Sprintf("%s is in an approved, ongoing course of treatment. Coverage of that course must continue until this appeal is decided (%s).", b.whoCap(), cite)))
}

// appealEnclosures are the documents an appeal sends beyond the records
// the policy's reviewer expects.
func (b *builder) appealEnclosures() []string {
	out := []string{fmt.Sprintf("copy of %s's notice of %s", b.payer(), long(b.den.Date))}
	if b.in.Level == 2 {
		out = append(out, "copy of the first-level appeal and of the initial denial")
	}
	out = append(out,
		"letter of medical necessity, signed by the prescriber",
		"the patient's authorization for me to appeal on the patient's behalf, if the plan requires its own form")
	return out
}
