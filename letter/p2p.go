package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/document"
)

// p2p writes the prescriber's preparation sheet for a peer-to-peer call:
// what to ask for, the criteria in dispute, the facts to have at hand, the
// three strongest citations and the questions to expect with their
// answers.
func (b *builder) p2p() {
	c, d := b.c, b.d
	b.doc.Title = "Peer-to-peer preparation — " + therapyName(c.Therapy.Drug)
	b.running("Peer-to-peer preparation (not for the plan)")
	b.heading(1, fmt.Sprintf("Peer-to-peer preparation: %s, %s", firstNonEmpty(c.Patient.Name, "patient"), therapyShort(c.Therapy.Drug)))
	b.para(document.Emph("For the prescriber's own use during the call; do not send it to the plan."))
	b.add(b.p2pTable())

	b.heading(2, "What to ask for")
	if b.den != nil {
		b.para(append(append([]document.Run{document.Plain("Ask the reviewer to ")}, b.remedyRuns("the plan's")...), document.Plain(". If the reviewer cannot approve, ask for the specific criterion not met, the reviewer's name and specialty, and the rule or guideline relied on, and note them for the appeal."))...)
	} else {
		b.para(append(append([]document.Run{document.Plain("Ask the reviewer to approve ")}, b.requestRuns()...), document.Plain(b.periodWords()+"."))...)
	}

	b.heading(2, "Criteria in dispute")
	b.disputed()

	b.heading(2, "The facts to have at hand")
	b.add(document.List{Items: b.factList()})

	b.heading(2, "The three strongest citations")
	if ms := b.strongest(3); len(ms) > 0 {
		var items []document.Text
		for _, m := range ms {
			items = append(items, document.Text(b.claim(m)))
		}
		b.add(document.List{Ordered: true, Items: items})
	} else {
		b.para(document.Blank("published evidence for " + therapyShort(c.Therapy.Drug) + " in " + indicationName(c.Therapy.Indication)))
	}

	b.heading(2, "Questions to expect")
	b.add(document.List{Ordered: true, Items: b.questions()})
	if d.Policy.Reference {
		b.para(document.Plain("No published " + b.payer() + " policy was found; ask the reviewer which criteria the plan applies."))
	}
	b.references()
}

// p2pTable is the header block of the sheet.
func (b *builder) p2pTable() document.Table {
	c, d := b.c, b.d
	t := document.Table{Caption: "The case", Header: []string{"Field", "Value"}}
	t.Rows = append(t.Rows,
		row("Patient", b.patientRun()),
		[]document.Text{document.PlainText("Date of birth"), b.birthDate()},
		row("Member ID", document.Fact(c.Plan.MemberID, "member ID")),
		row("Health plan", document.Fact(c.Plan.Payer, "health plan name"), document.Plain(", "+planWords(c.Plan.Type))),
	)
	if !d.Policy.Reference && d.Policy.Title != "" {
		t.Rows = append(t.Rows, row("Policy", document.Plain(policyLabel(d.Policy))))
	}
	t.Rows = append(t.Rows, row("Request", b.requestRuns()...))
	if den := b.den; den != nil {
		v := []document.Run{document.Plain(long(den.Date))}
		if den.Reference != "" {
			v = append(v, document.Plain(", reference "+den.Reference))
		}
		if den.Claim != "" {
			v = append(v, document.Plain(", claim "+den.Claim))
		}
		var cls []string
		for _, c := range den.Classes {
			cls = append(cls, strings.TrimPrefix(classTitle(c), "The plan's reason: "))
		}
		v = append(v, document.Plain(": "+strings.Join(cls, "; ")))
		t.Rows = append(t.Rows, row("Denial", v...))
		if den.Reason != "" {
			t.Rows = append(t.Rows, row("Stated reason", document.Emph("“"+strings.TrimSuffix(den.Reason, ".")+".”")))
		}
		if den.Reviewer != "" {
			t.Rows = append(t.Rows, row("Reviewer", document.Plain(den.Reviewer)))
		}
		t.Rows = append(t.Rows, row("Peer-to-peer line", document.Fact(den.PeerToPeer, "the plan's number for scheduling a peer-to-peer call")))
	} else {
		t.Rows = append(t.Rows, row("Peer-to-peer line", document.Blank("the plan's number for scheduling a peer-to-peer call")))
	}
	return t
}

// disputed lists the criteria the record does not (yet) meet, or, when it
// meets them all, the full checklist to walk the reviewer through.
func (b *builder) disputed() {
	d := b.d
	if !d.Policy.Stance.Covers() || len(d.Criteria) == 0 {
		b.para(document.Plain(fmt.Sprintf("The policy does not cover %s at all (%s); the dispute is over the evidence and the standard treatments already tried.", therapyShort(b.c.Therapy.Drug), stanceWords(d.Policy.Stance))))
		return
	}
	notMet, unknown := b.decisive()
	if len(notMet)+len(unknown) == 0 {
		b.para(document.Plain("On the record every criterion is met; walk the reviewer through them:"))
		b.add(b.checklist(fmt.Sprintf("%s — criteria", policyOwner(d.Policy)), nil))
		return
	}
	cl := document.Checklist{Caption: "Criteria not met or not yet documented"}
	for _, n := range append(notMet, unknown...) {
		cl.Items = append(cl.Items, b.item(n, nil))
	}
	b.add(cl)
	b.para(document.Plain(fmt.Sprintf("The other %s of the policy are met on the record.", plural(len(Leaves(d))-countLeaves(append(notMet, unknown...)), "criterion"))))
}

func countLeaves(ns []*critNode) int {
	n := 0
	for _, x := range ns {
		n += len(x.leaves())
	}
	return n
}

// factList is the clinical summary to have at hand.
func (b *builder) factList() []document.Text {
	c := b.c
	h := c.History
	var out []document.Text
	dx := append([]document.Run{document.Plain("Diagnosis: ")}, b.diagnosesRuns()...)
	if s := confirmedWords(h.ConfirmedBy); s != "" {
		dx = append(dx, document.Plain(", confirmed "+s))
	}
	out = append(out, document.Text(append(dx, document.Plain("."))))
	if s := episodeWords(h.Episode); s != "" {
		out = append(out, document.PlainText(s))
	}
	if ls := b.latestScores(); len(ls) > 0 {
		var parts []string
		for _, s := range ls {
			parts = append(parts, scoreWords(s))
		}
		t := "Latest scores: " + joinAnd(parts) + "."
		if r := b.responseWords(); r != "" {
			t += " " + r
		}
		out = append(out, document.PlainText(t))
	} else {
		out = append(out, document.Text{document.Plain("Latest scores: "), document.Blank("current PHQ-9, MADRS or HAM-D score and its date")})
	}
	for _, t := range h.Trials {
		runs := []document.Run{document.Plain("Trial: ")}
		runs = append(runs, trialSentence(t)...)
		if t.Episode != "" {
			runs = append(runs, document.Plain(", "+t.Episode+" episode"))
		}
		if t.Adherence != nil {
			runs = append(runs, document.Plain(fmt.Sprintf(", %d%% of doses taken", *t.Adherence)))
		}
		out = append(out, document.Text(append(runs, document.Plain("."))))
	}
	if len(h.Trials) == 0 {
		out = append(out, document.Text{document.Plain("Trials: "), document.Blank("medication trials (drug, daily dose, weeks, outcome)")})
	}
	for _, p := range h.Psychotherapy {
		out = append(out, document.PlainText("Psychotherapy: "+psychotherapyWords(p)))
	}
	if len(h.OtherTreatments) > 0 {
		out = append(out, document.PlainText("Other treatments: "+joinAnd(h.OtherTreatments)+"."))
	}
	if s := suicidalityWords(h.Suicidality); s != "" {
		out = append(out, document.PlainText("Suicidality: "+capital(b.who())+" "+s))
	}
	if s := contraindicationWords(c); s != "" {
		out = append(out, document.PlainText("Safety: "+s))
	}
	if c.Therapy.Drug == ketacover.TherapyEsketamine {
		out = append(out, document.Text(append([]document.Run{document.Plain("Spravato REMS: ")}, b.remsRuns()...)))
	}
	return out
}

// questions are the questions a reviewer is likely to ask, each with the
// answer the record gives (or a blank): how each disputed criterion is
// met, the facts the plan's criteria need and the record lacks, and the
// questions each denial reason raises (regulations-and-appeals.md §2.1,
// "evidence that usually wins").
func (b *builder) questions() []document.Text {
	var out []document.Text
	ask := func(q string, answer ...document.Run) {
		t := document.Text{document.Strong(q), document.Plain(" ")}
		out = append(out, append(t, answer...))
	}
	notMet, unknown := b.decisive()
	for _, n := range notMet {
		ask(fmt.Sprintf("How does the patient meet “%s”?", shortText(groupText(n.r))),
			document.Plain("The record does not show it yet. Answer: "), document.Blank("prescriber's clinical reason this criterion should not bar treatment for this patient"))
	}
	for _, n := range unknown {
		a := []document.Run{document.Plain("Have ready: ")}
		for i, m := range b.missingOf(n) {
			if i > 0 {
				a = append(a, document.Plain("; "))
			}
			a = append(a, document.Blank(m))
		}
		if len(a) == 1 {
			a = append(a, document.Blank("the record that shows this criterion is met"))
		}
		ask(fmt.Sprintf("How does the patient meet “%s”?", shortText(groupText(n.r))), a...)
	}
	var classes []denial.Class
	if b.den != nil {
		classes = b.den.Classes
	} else {
		classes = []denial.Class{denial.MedicalNecessity}
	}
	trials := b.failedTrials("", "")
	for _, c := range classes {
		switch c {
		case denial.MedicalNecessity:
			a := []document.Run{}
			if len(trials) > 0 {
				a = append(a, document.Plain(capital(b.she())+" has had "+countWords(len(trials), "trial")+" without adequate response: "))
				a = append(a, trialList(trials)...)
				a = append(a, document.Plain("."))
				var taken []string
				for _, t := range trials {
					if t.Adherence != nil {
						taken = append(taken, fmt.Sprintf("%s %d%%", t.Drug, *t.Adherence))
					}
				}
				if len(taken) > 0 {
					a = append(a, document.Plain(" Doses taken, as documented: "+joinAnd(taken)+"."))
				} else {
					a = append(a, document.Plain(" Adherence is not recorded in the case; have the pharmacy fill history ready."))
				}
			} else {
				a = append(a, document.Blank("failed medication trials (drug, daily dose, weeks, outcome)"))
			}
			ask("Were the antidepressant trials adequate in dose and duration, and was adherence documented?", a...)
			if r := b.responseWords(); r != "" {
				ask("How severe is the depression now, and how has it changed?", document.Plain(r))
			}
		case denial.ExperimentalInvestigational:
			if b.c.Therapy.Drug == ketacover.TherapyKetamineIV {
				ask("IV ketamine is not FDA-approved for depression; why not an approved treatment such as esketamine?",
					document.Plain("Agree that IV ketamine is off-label (FDA-approved only as an anesthetic). Answer why it is right for this patient: "),
					document.Blank("why IV ketamine rather than esketamine or ECT for this patient"))
			} else {
				ask("Is this use on the FDA label?", document.Plain("Yes: esketamine is FDA-approved for "+indicationName(b.c.Therapy.Indication)+" (see the citations)."))
			}
			ask("Which standard treatments have been tried?", append([]document.Run{document.Plain("See the trials above")}, b.otherTreatmentRuns()...)...)
		case denial.PriorAuthorization:
			ask("Why did treatment start before authorization?", document.Blank("why authorization was not obtained before treatment"))
		case denial.BenefitLimit:
			a := []document.Run{}
			if r := b.responseWords(); r != "" {
				a = append(a, document.Plain(r))
			} else {
				a = append(a, document.Blank("response to treatment so far (scores before and during treatment)"))
			}
			ask("What response has the patient shown, and why continue past the limit?", a...)
		case denial.MissingInformation:
			ask("Which records were sent, and when?", document.Blank("records sent with the request and the date sent"))
		case denial.Coding:
			ask("Which codes and units were billed, for which diagnosis?", b.codesSummary()...)
		}
	}
	for _, q := range b.d.Questions {
		if q.Criterion == "" {
			ask(q.Text, document.Plain("Ask the reviewer; the plan's full criteria were not in the published sources."))
		}
	}
	return out
}

// otherTreatmentRuns adds psychotherapy and other treatments to an answer.
func (b *builder) otherTreatmentRuns() []document.Run {
	h := b.c.History
	var parts []string
	for _, p := range h.Psychotherapy {
		parts = append(parts, psychotherapySentence(p))
	}
	parts = append(parts, h.OtherTreatments...)
	if len(parts) == 0 {
		return []document.Run{document.Plain(".")}
	}
	return []document.Run{document.Plain("; also " + joinAnd(parts) + ".")}
}

// codesSummary says which codes and units a session bills and for which
// diagnosis: "J0013 × 84 units and 99215 per session, for F33.2".
func (b *builder) codesSummary() []document.Run {
	tp := b.plannedCourse()
	if tp == nil {
		return []document.Run{document.Blank("codes and units billed per session")}
	}
	var parts []string
	for _, u := range codeUses(tp.Sessions()) {
		if u.units > 1 {
			parts = append(parts, fmt.Sprintf("%s × %d units", u.code, u.units))
		} else {
			parts = append(parts, u.code)
		}
	}
	runs := []document.Run{document.Plain(joinAnd(parts) + " per session, for ")}
	if dx := b.diagnosisCodes(); len(dx) > 0 {
		return append(runs, document.Plain(joinAnd(dx)+"."))
	}
	return append(runs, document.Blank("ICD-10-CM diagnosis code"), document.Plain("."))
}
