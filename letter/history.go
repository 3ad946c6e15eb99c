package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/document"
)

// diagnosisSection states the diagnosis, the episode, how the diagnosis
// was confirmed, the severity scores with dates, suicidality and the
// contraindications the record rules out.
func (b *builder) diagnosisSection() {
	h := b.c.History
	runs := []document.Run{document.Plain("The diagnosis is ")}
	runs = append(runs, b.diagnosesRuns()...)
	if s := confirmedWords(h.ConfirmedBy); s != "" {
		runs = append(runs, document.Plain(", confirmed "+s))
	}
	runs = append(runs, document.Plain("."))
	ep := h.Episode
	for _, dx := range h.Diagnoses {
		if strings.Contains(strings.ToLower(dx.Description), "recurrent") || strings.Contains(strings.ToLower(dx.Description), "single episode") {
			ep.Recurrent = nil // the diagnosis already says it
		}
	}
	if s := episodeWords(ep); s != "" {
		runs = append(runs, document.Plain(" "+s))
	}
	b.para(runs...)
	if len(h.Scores) == 0 {
		b.para(document.Plain("Current severity on a standard rating scale: "), document.Blank("current PHQ-9, MADRS or HAM-D score and its date"), document.Plain("."))
	} else {
		var parts []string
		for _, s := range b.latestScores() {
			parts = append(parts, scoreWords(s))
		}
		b.para(document.Plain(fmt.Sprintf("The most recent scores are %s. Every score on file:", joinAnd(parts))))
		b.add(b.scoresTable())
	}
	if s := suicidalityWords(h.Suicidality); s != "" {
		b.para(document.Plain(b.whoCap() + " " + s))
	}
	if s := contraindicationWords(b.c); s != "" {
		b.para(document.Plain(s))
	}
}

// episodeWords describes the current episode from the recorded facts:
// "The depression is recurrent. The current episode began on January 2,
// 2026 and has no psychotic features."
func episodeWords(e ketacover.Episode) string {
	var out []string
	if e.Recurrent != nil {
		if *e.Recurrent {
			out = append(out, "The depression is recurrent.")
		} else {
			out = append(out, "This is a single depressive episode.")
		}
	}
	var when string
	switch {
	case e.Start != nil:
		when = "The current episode began on " + long(*e.Start)
	case e.DurationMonths != nil:
		when = "The current episode has lasted " + plural(*e.DurationMonths, "month")
	}
	if e.PsychoticFeature != nil {
		feat := "has no psychotic features"
		if *e.PsychoticFeature {
			feat = "has psychotic features"
		}
		if when == "" {
			when = "The current episode " + feat
		} else {
			when += " and " + feat
		}
	}
	if when != "" {
		out = append(out, when+".")
	}
	return strings.Join(out, " ")
}

func confirmedWords(s string) string {
	switch s {
	case "scid":
		return "by a structured clinical interview (SCID)"
	case "dsm-clinical-interview":
		return "by a clinical interview against the DSM-5 criteria"
	case "mental-health-professional":
		return "by a mental health professional"
	}
	return ""
}

// suicidalityWords states the suicidality the record documents, or "".
func suicidalityWords(s ketacover.Suicidality) string {
	var parts []string
	if s.Ideation != nil && *s.Ideation {
		w := "acute suicidal ideation"
		if s.Intent != nil && *s.Intent {
			w += " with intent"
		}
		parts = append(parts, w)
	}
	if s.Behavior != nil && *s.Behavior {
		parts = append(parts, "acute suicidal behavior")
	}
	if len(parts) == 0 {
		return ""
	}
	out := "has " + joinAnd(parts) + "."
	if s.HospitalizationNeeded != nil && *s.HospitalizationNeeded {
		out += " In my judgment acute psychiatric hospitalization is needed or would be without prompt treatment."
	}
	if s.DischargedDaysAgo != nil {
		out += fmt.Sprintf(" The patient was discharged from inpatient care %s ago.", plural(*s.DischargedDaysAgo, "day"))
	}
	return out
}

// contraindicationWords lists the contraindications and exclusions the
// record rules out, and states any it records as present.
func contraindicationWords(c *ketacover.Case) string {
	x := c.History.Contraindication
	drug := "esketamine or ketamine"
	if c.Therapy.Drug == ketacover.TherapyKetamineIV {
		drug = "ketamine"
	}
	facts := []struct {
		v    *bool
		name string
	}{
		{x.AneurysmalVascularDisease, "aneurysmal vascular disease"},
		{x.AVM, "arteriovenous malformation"},
		{x.IntracerebralHemorrhage, "history of intracerebral hemorrhage"},
		{x.Hypersensitivity, "hypersensitivity to " + drug},
		{x.Psychosis, "current psychosis"},
		{x.Bipolar, "bipolar disorder"},
		{x.UncontrolledHypertension, "uncontrolled hypertension"},
		{x.Pregnant, "pregnancy"},
	}
	var none, present []string
	for _, f := range facts {
		switch {
		case f.v == nil:
		case *f.v:
			present = append(present, f.name)
		default:
			none = append(none, f.name)
		}
	}
	if su := x.SubstanceUse; su != nil && su.Disorder != nil {
		if *su.Disorder {
			w := "a substance use disorder"
			if su.RemissionMonths != nil {
				w += fmt.Sprintf(" (in remission for %s)", plural(*su.RemissionMonths, "month"))
			}
			present = append(present, w)
		} else {
			none = append(none, "substance use disorder")
		}
	}
	var out []string
	if len(none) > 0 {
		out = append(out, "The record documents no "+joinOr(none)+".")
	}
	if len(present) > 0 {
		out = append(out, "The record documents "+joinAnd(present)+"; I have weighed it in recommending this treatment.")
	}
	return strings.Join(out, " ")
}

// joinOr joins a negated list: "a, b or c".
func joinOr(parts []string) string {
	if len(parts) < 2 {
		return joinAnd(parts)
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// historySection tells the treatment history: the failed trials of this
// episode in prose, every trial in a table, psychotherapy and other
// treatments, and the oral antidepressant given alongside.
func (b *builder) historySection(table bool) {
	h := b.c.History
	if len(h.Trials) == 0 {
		b.para(document.Plain("Medication trials: "), document.Blank("medication trials (drug, daily dose, weeks, outcome)"), document.Plain("."))
	} else {
		b.trialsParagraph()
		if table {
			b.add(b.trialsTable())
		}
	}
	if len(h.Psychotherapy) > 0 {
		var items []document.Text
		for _, p := range h.Psychotherapy {
			items = append(items, document.PlainText(psychotherapyWords(p)))
		}
		b.para(document.Plain("Psychotherapy:"))
		b.add(document.List{Items: items})
	}
	if len(h.OtherTreatments) > 0 {
		b.para(document.Plain("Other treatments tried: " + joinAnd(h.OtherTreatments) + "."))
	}
	b.oralAD()
}

// trialsParagraph summarizes the failed trials in prose.
func (b *builder) trialsParagraph() {
	cur := b.failedTrials("current", "")
	var runs []document.Run
	if len(cur) > 0 {
		ads, augs := 0, 0
		for _, t := range cur {
			if t.Role == "augmentation" {
				augs++
			} else {
				ads++
			}
		}
		what := countWords(ads, "antidepressant")
		if augs > 0 {
			what += " and " + countWords(augs, "augmentation agent")
		}
		runs = append(runs, document.Plain(fmt.Sprintf("In the current episode %s has tried %s without adequate response: ", b.who(), what)))
		runs = append(runs, trialList(cur)...)
		runs = append(runs, document.Plain("."))
	}
	if prior := b.failedTrials("prior", ""); len(prior) > 0 {
		if len(runs) > 0 {
			runs = append(runs, document.Plain(" "))
		}
		runs = append(runs, document.Plain("In earlier episodes: "))
		runs = append(runs, trialList(prior)...)
		runs = append(runs, document.Plain("."))
	}
	var other []ketacover.Trial
	for _, t := range b.c.History.Trials {
		if !failed(t) || (t.Episode != "current" && t.Episode != "prior") {
			other = append(other, t)
		}
	}
	if len(other) > 0 {
		if len(runs) > 0 {
			runs = append(runs, document.Plain(" "))
		}
		runs = append(runs, document.Plain("Other trials on file: "))
		for i, t := range other {
			if i > 0 {
				runs = append(runs, document.Plain("; "))
			}
			runs = append(runs, trialSentence(t)...)
			if t.Outcome != "" && t.Episode == "" {
				runs = append(runs, document.Plain(", episode "), document.Blank("whether the "+t.Drug+" trial was in the current episode"))
			}
		}
		runs = append(runs, document.Plain("."))
	}
	runs = append(runs, document.Plain(" Every trial on file:"))
	b.para(runs...)
}

func trialList(ts []ketacover.Trial) []document.Run {
	var runs []document.Run
	for i, t := range ts {
		if i > 0 {
			runs = append(runs, document.Plain("; "))
		}
		runs = append(runs, trialSentence(t)...)
	}
	return runs
}

// psychotherapySentence is a course of psychotherapy inside a sentence:
// "IPT for 16 weeks in the current episode (no response)".
func psychotherapySentence(p ketacover.Psychotherapy) string {
	s := p.Type
	switch {
	case p.Weeks != nil:
		s += " for " + plural(*p.Weeks, "week")
	case p.Sessions != nil:
		s += " over " + plural(*p.Sessions, "session")
	}
	if p.Episode != "" {
		s += " in the " + p.Episode + " episode"
	}
	if p.Outcome != "" {
		s += " (" + outcomeName(p.Outcome) + ")"
	}
	return s
}

func psychotherapyWords(p ketacover.Psychotherapy) string {
	s := p.Type
	switch {
	case p.Weeks != nil && p.Sessions != nil:
		s += fmt.Sprintf(", %s over %s", plural(*p.Sessions, "session"), plural(*p.Weeks, "week"))
	case p.Weeks != nil:
		s += ", " + plural(*p.Weeks, "week")
	case p.Sessions != nil:
		s += ", " + plural(*p.Sessions, "session")
	}
	if p.Episode != "" {
		s += ", " + p.Episode + " episode"
	}
	if p.Outcome != "" {
		s += ": " + outcomeName(p.Outcome)
	}
	return s + "."
}

// oralAD states whether esketamine is given with an oral antidepressant.
func (b *builder) oralAD() {
	t := b.c.Therapy
	if t.Drug != ketacover.TherapyEsketamine || t.WithOralAD == nil {
		return
	}
	if *t.WithOralAD {
		s := "Esketamine will be given together with an oral antidepressant"
		if t.OralAD != "" {
			s += ", " + t.OralAD
		}
		if t.OralADNew != nil && *t.OralADNew {
			s += ", newly started"
		}
		b.para(document.Plain(s + "."))
		return
	}
	runs := []document.Run{document.Plain("Esketamine will be given without a concurrent oral antidepressant. ")}
	if ms := b.support(topicMonotherapy); len(ms) > 0 {
		runs = append(runs, b.claim(ms[0])...)
	}
	b.para(runs...)
}
