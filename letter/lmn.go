package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/document"
)

// lmn writes the letter of medical necessity: the diagnosis and its
// severity with dates, every trial (drug, dose, weeks, outcome), why this
// therapy now, and each of the payer's criteria with its section and the
// facts that meet it.
func (b *builder) lmn() {
	c := b.c
	b.doc.Title = "Letter of medical necessity — " + therapyName(c.Therapy.Drug)
	b.running("Letter of medical necessity")
	b.add(b.letterhead(), document.DateLine{Date: b.in.Date}, b.recipient(b.paDept()))
	fields := b.memberFields()
	if !b.d.Policy.Reference && b.d.Policy.Title != "" {
		fields = append(fields, document.Field{Label: "Policy", Value: document.PlainText(policyLabel(b.d.Policy))})
	}
	fields = append(fields, document.Field{Label: "Requested start", Value: document.Text{b.startRun()}})
	b.add(document.Subject{
		Text:   document.PlainText(fmt.Sprintf("Letter of medical necessity: %s for %s", therapyName(c.Therapy.Drug), indicationName(c.Therapy.Indication))),
		Fields: fields,
	})
	b.para(document.Plain("Dear Medical Director:"))
	b.lmnOpening()

	b.heading(1, "Diagnosis and current severity")
	b.diagnosisSection()
	b.heading(1, "Treatment history")
	b.historySection(true)
	b.heading(1, "Why "+therapyShort(c.Therapy.Drug)+" now")
	b.whyNow()
	b.heading(1, b.criteriaHeading())
	b.criteriaSection()
	b.heading(1, "Request")
	b.para(append(append([]document.Run{document.Plain("I ask " + b.payer() + " to authorize ")}, b.requestRuns()...), document.Plain(b.periodWords()+"."))...)
	b.para(append(b.contactRuns(), document.Plain(" with any question; I am available for a peer-to-peer discussion. Thank you for your prompt review."))...)
	b.add(b.signature(""))
	b.enclosures(nil)
	b.references()
}

// periodWords is the authorization the policy allows, for a request:
// ", for the initial authorization of up to 3 months that the policy
// allows (TRD, initial authorization)".
func (b *builder) periodWords() string {
	if b.d == nil || b.d.Authorization == nil {
		return ""
	}
	a := b.d.Authorization
	var what []string
	switch {
	case a.Months > 0:
		what = append(what, plural(a.Months, "month"))
	case a.Days > 0:
		what = append(what, plural(a.Days, "day"))
	}
	if a.MaxSessions > 0 {
		what = append(what, plural(a.MaxSessions, "session"))
	}
	if a.MaxUnits > 0 {
		what = append(what, fmt.Sprintf("%d %s", a.MaxUnits, firstNonEmpty(a.Unit, "units")))
	}
	if len(what) == 0 {
		return ""
	}
	s := ", for the authorization of up to " + joinAnd(what) + " that the policy allows"
	if a.Section != "" {
		s += " (" + a.Section + ")"
	}
	return s
}

// payer is the plan's name for prose.
func (b *builder) payer() string { return firstNonEmpty(b.c.Plan.Payer, "the plan") }

// role is the prescriber's role toward the patient: "treating
// psychiatrist".
func (b *builder) role() string {
	switch b.c.Prescriber.Specialty {
	case "psychiatry":
		return "treating psychiatrist"
	case "psychiatric-nurse-practitioner":
		return "treating psychiatric nurse practitioner"
	}
	return "treating clinician"
}

// lmnOpening is the letter's first paragraph: who, what, and what the
// letter shows.
func (b *builder) lmnOpening() {
	c := b.c
	runs := []document.Run{document.Plain("I am writing on behalf of my patient, "), b.patientRun(), document.Plain(", to request coverage of ")}
	runs = append(runs, b.requestRuns()...)
	runs = append(runs, document.Plain(". "+b.whoCap()+" has "))
	runs = append(runs, b.diagnosesRuns()...)
	if n := len(b.failedTrials("current", "antidepressant")); n > 0 && c.Therapy.Indication == ketacover.IndicationTRD {
		runs = append(runs, document.Plain(fmt.Sprintf(" that has not responded adequately to %s in the current episode", countWords(n, "antidepressant trial"))))
	}
	runs = append(runs, document.Plain(fmt.Sprintf(". I am %s's %s.", b.who(), b.role())))
	b.para(runs...)
	b.para(document.Plain(b.purpose()))
}

// purpose says what the letter shows, in terms true to the determination.
func (b *builder) purpose() string {
	d, who := b.d, b.who()
	switch {
	case d.Policy.Reference:
		return fmt.Sprintf("%s has no published criteria for %s that I could locate. This letter sets out %s's history and shows how %s meets the criteria payers commonly apply, drawn from the FDA label and published payer policies.", b.payer(), therapyShort(b.c.Therapy.Drug), who, who)
	case !d.Policy.Stance.Covers():
		return fmt.Sprintf("%s's policy %s considers %s for depression %s. This letter sets out %s's history and the evidence, and explains why the treatment is medically necessary for %s.", b.payer(), policyLabel(d.Policy), therapyShort(b.c.Therapy.Drug), stanceWords(d.Policy.Stance), who, b.herObj())
	case d.Outcome == ketacover.OutcomeMeets:
		return fmt.Sprintf("This letter sets out %s's history and shows, criterion by criterion, that %s meets %s's policy %s.", who, b.she(), b.payer(), policyLabel(d.Policy))
	case d.Outcome == ketacover.OutcomeDoesNotMeet:
		return fmt.Sprintf("This letter sets out %s's history against each criterion of %s's policy %s, and explains why I consider the treatment medically necessary for %s.", who, b.payer(), policyLabel(d.Policy), b.herObj())
	}
	return fmt.Sprintf("This letter sets out %s's history and shows, criterion by criterion, how %s meets %s's policy %s, with the records enclosed.", who, b.she(), b.payer(), policyLabel(d.Policy))
}

// stanceWords is a non-covering stance in words.
func stanceWords(s ketacover.Stance) string {
	switch s {
	case ketacover.StanceInvestigational:
		return "experimental or investigational"
	case ketacover.StanceNotMedicallyNeeded:
		return "not medically necessary"
	case ketacover.StanceExcluded:
		return "excluded from coverage"
	}
	return string(s)
}

// requestRuns is what is requested: "esketamine nasal spray (Spravato),
// 84 mg per session, twice weekly for 4 weeks: 8 sessions beginning
// December 7, 2026, at Prairie Mind Clinic, a setting certified in the
// Spravato REMS".
func (b *builder) requestRuns() []document.Run {
	t := b.c.Therapy
	runs := []document.Run{document.Plain(therapyName(t.Drug) + ", ")}
	runs = append(runs, b.doseRuns()...)
	runs = append(runs, document.Plain(", "))
	runs = append(runs, b.scheduleRuns()...)
	runs = append(runs, document.Plain(": "), b.sessionsRun(), document.Plain(" beginning "), b.startRun())
	if t.Site.Name != "" {
		runs = append(runs, document.Plain(", at "+t.Site.Name))
		if t.Drug == ketacover.TherapyEsketamine && t.Site.REMSCertified != nil && *t.Site.REMSCertified {
			runs = append(runs, document.Plain(", a healthcare setting certified in the Spravato REMS"))
		}
	}
	return runs
}

// failedTrials returns the trials of role ("antidepressant",
// "augmentation", or "" for any) in episode ("current", "prior", or ""
// for any) that ended without an adequate result.
func (b *builder) failedTrials(episode, role string) []ketacover.Trial {
	var out []ketacover.Trial
	for _, t := range b.c.History.Trials {
		if !failed(t) || (episode != "" && t.Episode != episode) || (role != "" && t.Role != role) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// allAdequate reports whether the prescriber documented every trial's dose
// as adequate, the only ground on which a letter calls the trials
// "adequate".
func allAdequate(ts []ketacover.Trial) bool {
	for _, t := range ts {
		if t.DoseAdequate == nil || !*t.DoseAdequate {
			return false
		}
	}
	return len(ts) > 0
}

// countWords is "two antidepressant trials".
func countWords(n int, noun string) string {
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	w := fmt.Sprint(n)
	if n < len(words) {
		w = words[n]
	}
	if n != 1 {
		noun = pluralNoun(noun)
	}
	return w + " " + noun
}

// pluralNoun returns the plural of the nouns letters count.
func pluralNoun(noun string) string {
	switch {
	case strings.HasSuffix(noun, "criterion"):
		return strings.TrimSuffix(noun, "criterion") + "criteria"
	case strings.HasSuffix(noun, "y") && !strings.HasSuffix(noun, "ay"):
		return strings.TrimSuffix(noun, "y") + "ies"
	}
	return noun + "s"
}

// whyNow is the clinical case for the therapy, with the evidence cited.
func (b *builder) whyNow() {
	c := b.c
	drug := c.Therapy.Drug
	var judgment []string
	if ts := b.failedTrials("current", "antidepressant"); len(ts) > 0 {
		noun := "antidepressant trial"
		if allAdequate(ts) {
			noun = "adequate " + noun
		}
		judgment = append(judgment, fmt.Sprintf("%s in this episode have not brought an adequate response", countWords(len(ts), noun)))
	}
	if n := len(b.failedTrials("current", "augmentation")); n > 0 {
		judgment = append(judgment, fmt.Sprintf("%s did not help enough", countWords(n, "augmentation trial")))
	}
	for _, p := range c.History.Psychotherapy {
		if p.Outcome == "no-response" || p.Outcome == "partial-response" {
			judgment = append(judgment, "psychotherapy has not brought remission")
			break
		}
	}
	if ls := b.latestScores(); len(ls) > 0 {
		var parts []string
		for _, s := range ls {
			parts = append(parts, scoreWords(s))
		}
		judgment = append(judgment, fmt.Sprintf("%s remains depressed, with %s", b.who(), joinAnd(parts)))
	}
	if len(judgment) > 0 {
		b.para(document.Plain(fmt.Sprintf("In my clinical judgment %s is medically necessary for %s now: %s.", therapyShort(drug), b.who(), joinSemi(judgment))))
	}
	switch drug {
	case ketacover.TherapyEsketamine:
		var runs []document.Run
		for _, m := range b.support(topicApproval) {
			if containsTopic(m, topicMonotherapy) {
				continue // said with the oral antidepressant, when it matters
			}
			runs = append(runs, b.claim(m)...)
			runs = append(runs, document.Plain(" "))
		}
		if len(runs) > 0 {
			b.para(trimRuns(runs)...)
		}
	case ketacover.TherapyKetamineIV:
		var runs []document.Run
		for _, m := range b.support(topicOffLabel) {
			runs = append(runs, b.claim(m)...)
			runs = append(runs, document.Plain(" Its use for "+indicationName(c.Therapy.Indication)+" rests on controlled trials and expert review, set out below."))
			break
		}
		if len(runs) > 0 {
			b.para(runs...)
		}
	}
	ev := b.efficacy()
	if len(ev) == 0 {
		b.para(document.Plain("Evidence for this use: "), document.Blank("published evidence supporting "+therapyShort(drug)+" for "+indicationName(c.Therapy.Indication)), document.Plain("."))
	} else {
		var items []document.Text
		for _, m := range ev {
			items = append(items, document.Text(b.claim(m)))
		}
		b.para(document.Plain("The evidence for this treatment:"))
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
	if drug == ketacover.TherapyEsketamine && c.Therapy.Site.REMSCertified != nil && *c.Therapy.Site.REMSCertified {
		site := firstNonEmpty(c.Therapy.Site.Name, "The treatment setting")
		runs := []document.Run{document.Plain(site + " is certified in the Spravato REMS")}
		if c.Therapy.Site.Monitoring2h != nil && *c.Therapy.Site.Monitoring2h {
			runs = append(runs, document.Plain(" and will observe "+b.who()+" for at least two hours after each dose"))
		}
		runs = append(runs, document.Plain(". "))
		if ms := b.support(topicREMS); len(ms) > 0 {
			runs = append(runs, b.claim(ms[0])...)
		}
		b.para(trimRuns(runs)...)
	}
}

// joinSemi joins clauses with semicolons and a final "and".
func joinSemi(parts []string) string {
	if len(parts) < 2 {
		return joinAnd(parts)
	}
	return strings.Join(parts[:len(parts)-1], "; ") + "; and " + parts[len(parts)-1]
}

// trimRuns drops trailing space from the last plain run.
func trimRuns(runs []document.Run) []document.Run {
	if n := len(runs); n > 0 && runs[n-1].Kind == document.RunPlain {
		runs[n-1].Text = strings.TrimRight(runs[n-1].Text, " ")
		if runs[n-1].Text == "" {
			runs = runs[:n-1]
		}
	}
	return runs
}

// criteriaHeading names the criteria section.
func (b *builder) criteriaHeading() string {
	d := b.d
	switch {
	case d.Policy.Reference:
		return "The criteria payers commonly apply"
	case !d.Policy.Stance.Covers():
		return b.payer() + "'s policy"
	}
	return fmt.Sprintf("How %s meets %s's criteria", b.who(), b.payer())
}

// criteriaSection shows every criterion of the policy with its section,
// result and facts, then argues the ones not met and names the records
// still to come.
func (b *builder) criteriaSection() {
	d := b.d
	if !d.Policy.Stance.Covers() || len(d.Criteria) == 0 {
		b.stanceSection("as set out above")
		return
	}
	caption := fmt.Sprintf("%s — %s criteria for %s", policyOwner(d.Policy), therapyShort(b.c.Therapy.Drug), indicationName(b.c.Therapy.Indication))
	if d.Policy.Reference {
		b.para(document.Plain("These criteria are drawn from the FDA label and the criteria most published payer policies share; for each, the facts in " + b.who() + "'s record and the section of the reference that states it:"))
	} else {
		b.para(document.Plain(fmt.Sprintf("%s's policy %s lists the criteria below. For each, the table gives the policy's section and the facts in %s's record that meet it; the records are enclosed.", b.payer(), policyLabel(d.Policy), b.who())))
	}
	b.add(b.checklist(caption, nil))
	b.notMetSection()
}

// policyOwner names whose policy it is, for a caption.
func policyOwner(p ketacover.PolicyRef) string {
	if p.Reference {
		return "Reference profile"
	}
	s := p.Payer
	if p.Number != "" {
		s += " " + p.Number
	}
	return s
}

// notMetSection argues each criterion the record does not meet and names
// the records still needed for the undecided ones.
func (b *builder) notMetSection() {
	notMet, unknown := b.decisive()
	if len(notMet) > 0 {
		b.para(document.Plain(fmt.Sprintf("As the record stands, %s does not meet %s. I ask %s to approve the treatment nonetheless, for the reasons given:", b.who(), countWords(len(notMet), "criterion"), b.payer())))
		var items []document.Text
		for _, n := range notMet {
			t := document.Text{document.Strong(shortText(groupText(n.r)))}
			if n.r.Section != "" {
				t = append(t, document.Plain(" ("+n.r.Section+")"))
			}
			t = append(t, document.Plain(": "))
			if n.r.Kind == "criterion" {
				if fs := factText(n.r.Reason); len(fs) > 0 {
					t = append(t, document.Plain(strings.Join(fs, "; ")+". "))
				}
			}
			t = append(t, document.Blank("prescriber's clinical reason this criterion should not bar treatment for this patient"))
			items = append(items, t)
		}
		b.add(document.List{Items: items})
	}
	if len(unknown) > 0 {
		b.para(document.Plain("The records for these criteria are enclosed:"))
		var items []document.Text
		for _, n := range unknown {
			t := document.Text{document.Plain(shortText(groupText(n.r)) + ": ")}
			for i, m := range b.missingOf(n) {
				if i > 0 {
					t = append(t, document.Plain("; "))
				}
				t = append(t, document.Blank(m))
			}
			if len(b.missingOf(n)) == 0 {
				t = append(t, document.Blank("the record that shows this criterion is met"))
			}
			items = append(items, t)
		}
		b.add(document.List{Items: items})
	}
}

// stanceSection answers a policy that does not cover the therapy. where
// says where the history is told ("as set out above").
func (b *builder) stanceSection(where string) {
	d := b.d
	b.para(document.Plain(fmt.Sprintf("%s's policy %s considers %s for depression %s.", b.payer(), policyLabel(d.Policy), therapyShort(b.c.Therapy.Drug), stanceWords(d.Policy.Stance))))
	if d.Policy.StanceText != "" {
		b.para(document.Plain("The policy's statement, in summary: "), document.Emph(strings.TrimSuffix(d.Policy.StanceText, ".")+"."))
	}
	b.para(document.Plain(fmt.Sprintf("The policy lists no criteria under which it would cover the treatment. %s has tried the standard treatments without adequate response, %s, and the evidence supports this treatment. I ask %s to cover it for %s as a medically necessary exception.", b.whoCap(), where, b.payer(), b.who())))
}

// enclosures lists the records sent with a letter: extra first, then the
// documents the policy's reviewer will expect.
func (b *builder) enclosures(extra []string) {
	items := append([]string(nil), extra...)
	if b.d != nil {
		items = append(items, b.d.Evidence...)
	}
	if len(items) == 0 {
		return
	}
	b.heading(2, "Enclosures")
	var list []document.Text
	for _, it := range items {
		if w, ok := enclosureWords[it]; ok {
			it = w
		}
		list = append(list, document.PlainText(capital(strings.TrimSuffix(it, "."))))
	}
	b.add(document.List{Ordered: true, Items: list})
}

// recordName is the record that documents an evidence item.
func recordName(e string) string {
	if w, ok := enclosureWords[e]; ok {
		return w
	}
	return e
}

// enclosureWords turn the facts a reviewer checks into the records that
// show them, where the policy data names a fact rather than a record.
var enclosureWords = map[string]string{
	"date of birth": "record of the patient's date of birth (e.g. the chart's face sheet)",
}
