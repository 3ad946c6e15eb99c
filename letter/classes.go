package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/document"
)

// classTitle is the heading under which an appeal answers one reason for
// the denial.
func classTitle(c denial.Class) string {
	switch c {
	case denial.MedicalNecessity:
		return "The plan's reason: not medically necessary"
	case denial.ExperimentalInvestigational:
		return "The plan's reason: experimental or investigational"
	case denial.PriorAuthorization:
		return "The plan's reason: no prior authorization"
	case denial.BenefitLimit:
		return "The plan's reason: a benefit limit"
	case denial.MissingInformation:
		return "The plan's reason: missing information"
	case denial.Coding:
		return "The plan's reason: the codes billed"
	case denial.NonCovered:
		return "The plan's reason: not a covered service"
	case denial.Eligibility:
		return "The plan's reason: eligibility"
	case denial.TimelyFiling:
		return "The plan's reason: timely filing"
	case denial.OutOfNetwork:
		return "The plan's reason: out of network"
	case denial.Duplicate:
		return "The plan's reason: duplicate claim"
	case denial.PatientResponsibility:
		return "The plan's reason: patient cost sharing"
	}
	return "The plan's reason: " + string(c)
}

// answer argues one reason for the denial under its own heading.
func (b *builder) answer(c denial.Class) {
	b.heading(1, classTitle(c))
	switch c {
	case denial.MedicalNecessity:
		b.answerMedicalNecessity()
	case denial.ExperimentalInvestigational:
		b.answerExperimental()
	case denial.PriorAuthorization:
		b.answerPriorAuth()
	case denial.BenefitLimit:
		b.answerBenefitLimit()
	case denial.MissingInformation:
		b.answerMissingInfo()
	case denial.Coding:
		b.answerCoding()
	case denial.NonCovered:
		b.answerNonCovered()
	case denial.Eligibility:
		b.para(document.Plain(fmt.Sprintf("%s was enrolled in the plan on the dates in question: ", b.whoCap())),
			document.Blank("proof of coverage on the dates of service (member ID card, enrollment or COBRA confirmation)"),
			document.Plain(fmt.Sprintf(". Please correct the eligibility record and process the claim under member ID %s.", firstNonEmpty(b.c.Plan.MemberID, "on the notice"))))
	case denial.TimelyFiling:
		b.para(document.Plain("The claim was filed within the plan's time limit: "),
			document.Blank("date the claim was first submitted and the proof (clearinghouse acceptance report or payer acknowledgment)"),
			document.Plain(". Please process it on its merits."))
	case denial.OutOfNetwork:
		site := firstNonEmpty(b.c.Therapy.Site.Name, "The treating site")
		b.para(document.Plain(fmt.Sprintf("%s is outside %s's network. No in-network provider could give this treatment in time: ", site, b.payer())),
			document.Blank("in-network providers contacted and why none could treat the patient (distance, wait, REMS certification)"),
			document.Plain(". I ask for a network exception (a single-case agreement) so that the treatment is covered at the in-network level."))
	case denial.Duplicate:
		b.para(document.Plain("This claim is not a duplicate: "),
			document.Blank("dates of service and earlier claim numbers that show the services differ"),
			document.Plain(". Please process it as a separate claim."))
	case denial.PatientResponsibility:
		b.para(document.Plain(fmt.Sprintf("The notice assigns the amount to %s's cost sharing. Please confirm the deductible, coinsurance and out-of-pocket amounts applied and the plan-year totals: ", b.who())),
			document.Blank("amounts the plan applied and the plan-year totals from the explanation of benefits"),
			document.Plain("."))
	default:
		b.para(document.Plain("The notice's reason: "), document.Blank("the response to this reason for the denial"), document.Plain("."))
	}
}

// answerMedicalNecessity maps the payer's own criteria to the record,
// argues the ones not met, and cites the evidence.
func (b *builder) answerMedicalNecessity() {
	d := b.d
	switch {
	case !d.Policy.Stance.Covers() || len(d.Criteria) == 0:
		b.stanceSection("as set out below")
	default:
		notMet, unknown := b.decisive()
		items := b.crit.kids
		if b.crit.r.Kind == "criterion" {
			items = []*critNode{b.crit}
		}
		met := 0
		for _, n := range items {
			if n.r.Result == ketacover.Met {
				met++
			}
		}
		var intro string
		switch {
		case len(notMet)+len(unknown) == 0:
			intro = fmt.Sprintf("%s meets every criterion of %s listed below.", b.whoCap(), b.policyName())
			if strings.TrimSpace(b.den.Reason) != "" {
				intro += " The reason the notice gives is not borne out by the record."
			}
		case len(notMet) == 0:
			intro = fmt.Sprintf("%s meets %d of the %d criteria of %s on the record; the records for the rest are enclosed and named below the table.", b.whoCap(), met, len(items), b.policyName())
		default:
			intro = fmt.Sprintf("%s meets %d of the %d criteria of %s; the others are addressed below the table.", b.whoCap(), met, len(items), b.policyName())
		}
		b.para(document.Plain(intro + " For each criterion, the policy's section and the facts in the record:"))
		b.add(b.checklist(fmt.Sprintf("%s — criteria for %s", policyOwner(d.Policy), indicationName(b.c.Therapy.Indication)), nil))
		b.notMetSection()
	}
	var runs []document.Run
	runs = append(runs, document.Plain(b.whoCap()+"'s history: "))
	if cur := b.failedTrials("current", ""); len(cur) > 0 {
		runs = append(runs, document.Plain("in the current episode, "))
		runs = append(runs, trialList(cur)...)
		runs = append(runs, document.Plain("."))
	} else {
		runs = append(runs, document.Blank("failed medication trials in the current episode (drug, daily dose, weeks, outcome)"), document.Plain("."))
	}
	if ls := b.latestScores(); len(ls) > 0 {
		var parts []string
		for _, s := range ls {
			parts = append(parts, scoreWords(s))
		}
		runs = append(runs, document.Plain(" The most recent scores are "+joinAnd(parts)+"."))
	}
	b.para(runs...)
	if ev := b.efficacy(); len(ev) > 0 {
		b.para(document.Plain("The treatment is supported by controlled trials:"))
		var items []document.Text
		for _, m := range ev {
			items = append(items, document.Text(b.claim(m)))
		}
		b.add(document.List{Items: items})
	}
}

// answerExperimental answers an experimental or investigational denial:
// esketamine is FDA-approved for the indication; IV ketamine is off-label
// (never called FDA-approved for depression) but rests on controlled
// trials, and the standard treatments have failed.
func (b *builder) answerExperimental() {
	c := b.c
	switch c.Therapy.Drug {
	case ketacover.TherapyEsketamine:
		var runs []document.Run
		for _, m := range b.support(topicApproval) {
			if containsTopic(m, topicMonotherapy) && (c.Therapy.WithOralAD == nil || *c.Therapy.WithOralAD) {
				continue
			}
			runs = append(runs, b.claim(m)...)
			runs = append(runs, document.Plain(" "))
		}
		if len(runs) == 0 {
			runs = append(runs, document.Blank("the FDA approval of esketamine for this indication"), document.Plain(" "))
		}
		runs = append(runs, document.Plain(fmt.Sprintf("%s's use is this labelled use: %s.", b.whoCap(), indicationName(c.Therapy.Indication))))
		if d := b.d; d.Policy.Stance.Covers() && !d.Policy.Reference {
			runs = append(runs, document.Plain(fmt.Sprintf(" %s's own policy %s covers esketamine for this indication when its criteria are met.", b.payer(), policyLabel(d.Policy))))
		}
		b.para(runs...)
	default:
		var runs []document.Run
		for _, m := range b.support(topicOffLabel) {
			runs = append(runs, b.claim(m)...)
			runs = append(runs, document.Plain(" "))
			break
		}
		runs = append(runs, document.Plain("Off-label use is not experimental use. "+b.testedWords()))
		b.para(runs...)
	}
	if ev := b.efficacy(); len(ev) > 0 {
		var items []document.Text
		for _, m := range ev {
			items = append(items, document.Text(b.claim(m)))
		}
		b.add(document.List{Items: items})
	}
	if g := b.support(topicGuideline); len(g) > 0 {
		var runs []document.Run
		for _, m := range g {
			runs = append(runs, b.claim(m)...)
			runs = append(runs, document.Plain(" "))
		}
		b.para(trimRuns(runs)...)
	}
	runs := []document.Run{document.Plain(fmt.Sprintf("The standard treatments have been tried. As %s's %s I certify that ", b.who(), b.role()))}
	if tried := b.failedTrials("", ""); len(tried) > 0 {
		runs = append(runs, document.Plain(fmt.Sprintf("%s has had %s without adequate response: ", b.she(), countWords(len(tried), "medication trial"))))
		runs = append(runs, trialList(tried)...)
	} else {
		runs = append(runs, document.Blank("the standard treatments tried (drug, dose, weeks, outcome)"))
	}
	runs = append(runs, document.Plain("."))
	var also []string
	for _, p := range c.History.Psychotherapy {
		also = append(also, psychotherapySentence(p))
	}
	also = append(also, c.History.OtherTreatments...)
	if len(also) > 0 {
		runs = append(runs, document.Plain(fmt.Sprintf(" %s has also had %s.", capital(b.she()), joinAnd(also))))
	}
	b.para(runs...)
	if d := b.d; !d.Policy.Stance.Covers() && !d.Policy.Reference {
		b.para(document.Plain(fmt.Sprintf("%s's policy %s calls this use %s. That is a judgment about a treatment's evidence; the trials above answer it, and I ask the plan to weigh them for %s.", b.payer(), policyLabel(d.Policy), stanceWords(d.Policy.Stance), b.who())))
	}
}

// testedWords says what the efficacy evidence tested IV ketamine against,
// from the topics of the claims cited, so that it never says more than the
// citations below it.
func (b *builder) testedWords() string {
	ev := b.efficacy()
	if len(ev) == 0 {
		return "The evidence for this use: "
	}
	var against []string
	seen := map[string]bool{}
	for _, m := range ev {
		for _, t := range m.Claim.Topics {
			var w string
			switch t {
			case "placebo-controlled":
				w = "placebo"
			case "active-placebo-controlled":
				w = "an active placebo"
			case "ect-alternative":
				w = "electroconvulsive therapy"
			}
			if w != "" && !seen[w] {
				seen[w] = true
				against = append(against, w)
			}
		}
	}
	s := fmt.Sprintf("Its use in %s has been tested in %s", indicationName(b.c.Therapy.Indication), countWords(len(ev), "controlled trial"))
	if len(against) > 0 {
		s += ", against " + joinAnd(against)
	}
	return s + ":"
}

// answerPriorAuth answers a denial for want of authorization: the number
// on file, or a request for retroactive authorization.
func (b *builder) answerPriorAuth() {
	num := b.den.Authorization
	if num == "" {
		num = b.authorizationOnFile()
	}
	if num != "" {
		b.para(document.Plain(fmt.Sprintf("Authorization %s was on file for these services. Please reprocess the claim against it; if the plan needs a corrected claim carrying the number, please say so and I will send one at once.", num)))
		return
	}
	first := []document.Run{b.startRun()}
	if len(b.den.ServiceDates) > 0 {
		first = []document.Run{document.Plain(long(earliest(b.den.ServiceDates)))}
	}
	runs := []document.Run{document.Plain("No authorization was on file when treatment began on ")}
	runs = append(runs, first...)
	runs = append(runs, document.Plain(". I ask for authorization retroactive to that date. It was not obtained beforehand because "),
		document.Blank("why authorization was not obtained before treatment"),
		document.Plain("."))
	d := b.d
	switch {
	case b.den.has(denial.MedicalNecessity):
		runs = append(runs, document.Plain(fmt.Sprintf(" %s met the plan's criteria on that date, as shown under the plan's reason of medical necessity.", b.whoCap())))
		b.para(runs...)
	case d.Policy.Stance.Covers() && len(d.Criteria) > 0:
		runs = append(runs, document.Plain(fmt.Sprintf(" Had the request been made in advance, it would have met %s; for each criterion, the policy's section and the facts in the record:", b.policyName())))
		b.para(runs...)
		b.add(b.checklist(fmt.Sprintf("%s — criteria for %s", policyOwner(d.Policy), indicationName(b.c.Therapy.Indication)), nil))
		b.notMetSection()
	default:
		runs = append(runs, document.Plain(" The enclosed letter of medical necessity sets out why the treatment was medically necessary."))
		b.para(runs...)
	}
}

// authorizationOnFile is the reference of an approval on the case's
// timeline, or "".
func (b *builder) authorizationOnFile() string {
	for i := len(b.in.Events) - 1; i >= 0; i-- {
		if e := b.in.Events[i]; e.Kind == ketacover.EventPAApproved && e.Details.Reference != "" {
			return e.Details.Reference
		}
	}
	return ""
}

// answerBenefitLimit answers a limit on sessions or units: how it was
// counted, the response so far, and the evidence for going on.
func (b *builder) answerBenefitLimit() {
	var runs []document.Run
	if ls := b.d.Limits; len(ls) > 0 {
		runs = append(runs, document.Plain(fmt.Sprintf("%s's policy sets these limits: %s. ", b.payer(), strings.Join(ls, "; "))))
	}
	runs = append(runs, document.Plain("Please confirm how the limit was counted against the sessions actually given"))
	if n := b.sessionsGiven(); n > 0 {
		runs = append(runs, document.Plain(fmt.Sprintf(" (%s on the case's record)", plural(n, "session"))))
	} else if len(b.den.ServiceDates) > 0 {
		runs = append(runs, document.Plain(" (the dates of service denied are "+dateList(b.den.ServiceDates)+")"))
	}
	runs = append(runs, document.Plain(". "))
	if s := b.responseWords(); s != "" {
		runs = append(runs, document.Plain(s+" "))
	} else {
		runs = append(runs, document.Plain("Response to treatment so far: "), document.Blank("response to treatment so far (scores before and during treatment)"), document.Plain(". "))
	}
	runs = append(runs, document.Plain("I ask for an exception to the limit for medical necessity."))
	b.para(runs...)
	if b.c.Therapy.Drug == ketacover.TherapyEsketamine {
		for _, m := range b.support(topicMaintenance) {
			b.para(append([]document.Run{document.Plain("Stopping esketamine once it has worked risks relapse. ")}, b.claim(m)...)...)
			break
		}
	}
}

// sessionsGiven counts the sessions on the case's timeline.
func (b *builder) sessionsGiven() int {
	n := 0
	for _, e := range b.in.Events {
		if e.Kind == ketacover.EventSession {
			u := e.Details.Units
			if u == 0 {
				u = 1
			}
			n += u
		}
	}
	return n
}

// responseWords describes the change on each scale scored both before
// treatment began (the latest such score) and after it (the latest):
// "The PHQ-9 fell from 22 on September 28, 2026 to 11 on November 30,
// 2026." It is empty when no scale was scored on both sides of the start
// (or when the start is unknown), because a change before treatment is
// not a response to it.
func (b *builder) responseWords() string {
	start, ok := b.start()
	if !ok {
		return ""
	}
	before, after := map[string]ketacover.Score{}, map[string]ketacover.Score{}
	var order []string
	seen := map[string]bool{}
	for _, s := range b.c.History.Scores {
		if !seen[s.Scale] {
			seen[s.Scale] = true
			order = append(order, s.Scale)
		}
		m := after
		if !s.Date.After(start) {
			m = before
		}
		if cur, ok := m[s.Scale]; !ok || !s.Date.Before(cur.Date) {
			m[s.Scale] = s
		}
	}
	var parts []string
	for _, sc := range order {
		f, okf := before[sc]
		l, okl := after[sc]
		if !okf || !okl {
			continue
		}
		verb := "stayed at"
		switch {
		case l.Value < f.Value:
			verb = "fell from"
		case l.Value > f.Value:
			verb = "rose from"
		}
		if verb == "stayed at" {
			parts = append(parts, fmt.Sprintf("the %s stayed at %d from %s to %s", sc, f.Value, long(f.Date), long(l.Date)))
			continue
		}
		parts = append(parts, fmt.Sprintf("the %s %s %d on %s to %d on %s", sc, verb, f.Value, long(f.Date), l.Value, long(l.Date)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Since treatment began on " + long(start) + ", " + joinAnd(parts) + "."
}

// answerMissingInfo answers a denial for missing information: the records
// are enclosed.
func (b *builder) answerMissingInfo() {
	runs := []document.Run{document.Plain("The records the review needs are enclosed")}
	if ev := b.d.Evidence; len(ev) > 0 {
		names := make([]string, len(ev))
		for i, e := range ev {
			names[i] = recordName(e)
		}
		runs = append(runs, document.Plain(": "+strings.Join(names, "; ")))
	}
	runs = append(runs, document.Plain(". "))
	if _, unknown := b.decisive(); len(unknown) > 0 {
		runs = append(runs, document.Plain("They include the facts the notice may have found missing: "))
		for i, n := range unknown {
			if i > 0 {
				runs = append(runs, document.Plain("; "))
			}
			for j, m := range b.missingOf(n) {
				if j > 0 {
					runs = append(runs, document.Plain("; "))
				}
				runs = append(runs, document.Blank(m))
			}
		}
		runs = append(runs, document.Plain(". "))
	}
	runs = append(runs, document.Plain("If the plan treats this as a resubmission rather than an appeal, please process it as one without delay."))
	b.para(runs...)
}

// answerCoding lists the codes billed with the diagnosis and asks which
// code the plan finds inconsistent.
func (b *builder) answerCoding() {
	var runs []document.Run
	if len(b.den.Codes) > 0 {
		var cs []string
		for _, a := range b.den.Codes {
			s := strings.TrimPrefix(a.Group+"-"+a.CARC, "-")
			if len(a.RARCs) > 0 {
				s += " (" + strings.Join(a.RARCs, ", ") + ")"
			}
			cs = append(cs, s)
		}
		runs = append(runs, document.Plain("The remittance gives adjustment codes "+strings.Join(cs, ", ")+". "))
	}
	runs = append(runs, document.Plain("The services were billed with the codes below for "))
	runs = append(runs, b.diagnosesRuns()...)
	runs = append(runs, document.Plain(". "))
	runs = append(runs, document.Blank("the corrected code or modifier, or why the codes billed are correct"), document.Plain("."))
	b.para(runs...)
	b.add(b.codesTable("Codes billed"))
	if b.c.Therapy.Drug == ketacover.TherapyEsketamine {
		for _, m := range b.support(topicREMS) {
			b.para(append([]document.Run{document.Plain("Esketamine is given in the clinic, not dispensed: ")}, b.claim(m)...)...)
			break
		}
	}
}

// answerNonCovered answers an exclusion: the plan's own policy, the
// provision relied on, and external review of medical judgment.
func (b *builder) answerNonCovered() {
	d := b.d
	runs := []document.Run{document.Plain(fmt.Sprintf("The notice treats %s as not covered. ", therapyShort(b.c.Therapy.Drug)))}
	if d.Policy.Stance.Covers() && !d.Policy.Reference {
		runs = append(runs, document.Plain(fmt.Sprintf("%s's own policy %s covers it when its criteria are met, and %s meets them as shown. ", b.payer(), policyLabel(d.Policy), b.who())))
	}
	runs = append(runs, document.Plain("Please identify the plan provision relied on and send me a copy."))
	if acaRules(b.c.Plan.Type) {
		runs = append(runs, document.Plain(" Whether a treatment is medically necessary, effective or experimental is a question of medical judgment, and a denial that rests on it is eligible for external review (45 CFR 147.136(d)(1)(i))."))
	}
	b.para(runs...)
}
