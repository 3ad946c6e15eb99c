package letter

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/document"
)

// track is the deadline track of the request the document is about.
func (b *builder) track() deadline.Track {
	switch {
	case b.in.Expedited:
		return deadline.TrackExpedited
	case b.den != nil && b.den.postService():
		return deadline.TrackPostService
	}
	return deadline.TrackStandard
}

// query is the deadline question for step on this case.
func (b *builder) query(step deadline.Step) deadline.Query {
	state := b.c.Plan.State
	if state == "" {
		state = b.c.Patient.State
	}
	q := deadline.Query{Plan: b.c.Plan.Type, Step: step, Track: b.track(), State: state, Therapy: b.c.Therapy.Drug}
	if b.den != nil {
		q.On = b.den.Date
	}
	return q
}

// window is the claimant's filing window for step, computed from the
// denial notice: the due dates (more than one when the law is unclear) or
// the reason none can be computed.
type window struct {
	dues []deadline.Due
	err  error
}

func (b *builder) window(step deadline.Step) window {
	m, err := b.w.book.Lookup(b.query(step))
	if err != nil {
		return window{err: err}
	}
	var w window
	for _, r := range m.Rules {
		a := deadline.Anchor{NoticeDate: b.den.Date}
		if r.Anchor == deadline.AnchorNoticeReceived && b.den.Received != nil {
			a.Date = *b.den.Received
		}
		due, err := deadline.Compute(r, a)
		if err != nil {
			return window{err: err}
		}
		w.dues = append(w.dues, due)
	}
	return w
}

// windowRuns states a filing window in a letter: the rule, the count, the
// citation and the last day, or plainly why it could not be computed.
// what names the filing ("this appeal").
func (b *builder) windowRuns(step deadline.Step, what string) []document.Run {
	w := b.window(step)
	if w.err != nil {
		return b.noWindow(step, w.err)
	}
	var runs []document.Run
	for i, d := range w.dues {
		if i > 0 {
			runs = append(runs, document.Plain(" Under another reading of the rules: "))
		}
		runs = append(runs, document.Plain(fmt.Sprintf("The time to file %s is %s. The last day to file is %s", what, longDates(lowerFirst(d.Explanation)), long(d.Date))))
		if d.Has(deadline.FlagMinimum) {
			runs = append(runs, document.Plain(" (the law's minimum; the plan's documents may allow longer)"))
		}
		runs = append(runs, document.Plain("."))
	}
	if last := w.dues[len(w.dues)-1]; !b.in.Date.IsZero() && b.in.Date.After(last.Date) {
		runs = append(runs,
			document.Plain(" This request is dated after that day; it is timely because "),
			document.Blank("date the notice was received, or the good cause for filing late"),
			document.Plain("."))
	} else if !b.in.Date.IsZero() {
		runs = append(runs, document.Plain(" This request, dated "+long(b.in.Date)+", is within that time."))
	}
	return runs
}

// noWindow says that a filing window could not be computed, and why.
func (b *builder) noWindow(step deadline.Step, err error) []document.Run {
	if b.den.Date.IsZero() {
		return []document.Run{document.Plain("The time to file runs from the date of the notice, which is needed to compute it: "), document.Blank("date of the denial notice"), document.Plain(".")}
	}
	// A rule the references left unsettled comes back as ENOTFOUND with
	// the reason after the query ("no deadline rule on file for ...: the
	// window is set by the plan document"); that reason is worth reading.
	why := ""
	if ketacover.ErrorCode(err) == ketacover.ENOTFOUND {
		if _, after, ok := strings.Cut(ketacover.ErrorMessage(err), ": "); ok {
			why = after
		}
	}
	s := fmt.Sprintf("The legal deadline (the %s) for a %s could not be computed", step.Label(), planWords(b.c.Plan.Type))
	if why != "" {
		s += ": " + why
	} else {
		s += "; no rule for it is on file"
	}
	s += ". The deadline printed on the notice of " + long(b.den.Date) + " governs."
	return []document.Run{document.Plain(s)}
}

// decisionRuns states how long the payer (or reviewer) has to decide, by
// the rule and its citation, counted from its receipt of the request. It
// returns nothing when no rule is on file.
func (b *builder) decisionRuns(step deadline.Step, who string) []document.Run {
	m, err := b.w.book.Lookup(b.query(step))
	if err != nil || len(m.Rules) == 0 {
		return nil
	}
	rules := append([]deadline.Rule(nil), m.Rules...)
	// The rule that always applies first, the conditional ones after it.
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].Condition == "" && rules[j].Condition != "" })
	var parts []string
	for _, r := range rules {
		s := fmt.Sprintf("%s from %s (%s)", r.Count, deadline.AnchorLabel(r.Anchor), r.Citation)
		if r.Condition != "" {
			s += " if " + strings.TrimSuffix(r.Condition, ".")
		}
		parts = append(parts, s)
	}
	text := fmt.Sprintf("%s must decide within %s.", who, strings.Join(parts, "; or within "))
	return []document.Run{document.Plain(text)}
}

// planWords is a plan type in words for a sentence.
func planWords(t ketacover.PlanType) string {
	switch t {
	case ketacover.PlanERISASelfFunded:
		return "self-funded employer plan (ERISA)"
	case ketacover.PlanGroupFullyInsured:
		return "fully insured group plan"
	case ketacover.PlanIndividual:
		return "individual-market plan"
	case ketacover.PlanMedicareFFS:
		return "Original Medicare claim"
	case ketacover.PlanMedicareAdvantage:
		return "Medicare Advantage plan"
	case ketacover.PlanMedicarePartD:
		return "Medicare Part D plan"
	case ketacover.PlanMedicaidFFS:
		return "Medicaid fee-for-service plan"
	case ketacover.PlanMedicaidManaged:
		return "Medicaid managed care plan"
	case ketacover.PlanTRICARE:
		return "TRICARE plan"
	case ketacover.PlanFEHB:
		return "FEHB plan"
	case ketacover.PlanVA:
		return "VA plan"
	case ketacover.PlanGovernmentNonFed:
		return "state or local government employer plan"
	}
	return string(t) + " plan"
}

// acaRules reports whether the plan type follows the ACA's claims and
// appeals rules (45 CFR 147.136 and 29 CFR 2560.503-1).
func acaRules(t ketacover.PlanType) bool {
	switch t {
	case ketacover.PlanERISASelfFunded, ketacover.PlanGroupFullyInsured, ketacover.PlanIndividual, ketacover.PlanGovernmentNonFed:
		return true
	}
	return false
}

// longDates rewrites the YYYY-MM-DD dates of a rule's explanation the way
// the rest of a letter writes dates.
func longDates(s string) string {
	return isoDate.ReplaceAllStringFunc(s, func(x string) string {
		d, err := ketacover.ParseDate(x)
		if err != nil {
			return x
		}
		return long(d)
	})
}
