package deadline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ketacover/ketacover"
)

// Query asks which rules govern a step. Leave a field empty when it is unknown: Lookup then
// returns every rule that may apply and says in Match.Notes what would narrow it.
type Query struct {
	Plan    ketacover.PlanType
	Step    Step
	Track   Track             // expedited, standard or post-service; empty: any
	State   string            // two-letter code, or "NAIC" for the model act; empty: federal rules only
	Therapy ketacover.Therapy // used to pick drug or service clocks when Benefit is empty
	Benefit Benefit           // drug or service; empty: from Therapy, else both
	// On is the day the request or notice is dated, to choose between rules that changed
	// (CMS-0057-F from 2026-01-01). Zero: every version is returned.
	On ketacover.Date
	// RatingPeriodStart is the start of a Medicaid managed-care plan's rating period, which
	// decides its prior-authorization clock (42 CFR 438.210(d)). Zero: both clocks are returned.
	RatingPeriodStart ketacover.Date
}

// Match is the answer to a Query.
type Match struct {
	Rules []Rule
	// Ambiguous is true when more than one rule may govern and the law or the query does not
	// say which; every candidate is in Rules and Notes says why.
	Ambiguous bool
	Notes     []string
}

// Lookup returns the rules that govern q. It returns ENOTFOUND when none is on file, with the
// reason when the references recorded the clock as unsettled, and EINVALID for a bad query.
func (b *Book) Lookup(q Query) (Match, error) {
	if !q.Plan.Valid() {
		return Match{}, ketacover.Errorf(ketacover.EINVALID, "deadline lookup: unknown plan type %q", q.Plan)
	}
	if !q.Step.Valid() {
		return Match{}, ketacover.Errorf(ketacover.EINVALID, "deadline lookup: unknown step %q", q.Step)
	}
	switch q.Track {
	case "", TrackExpedited, TrackStandard, TrackPostService:
	default:
		return Match{}, ketacover.Errorf(ketacover.EINVALID, "deadline lookup: track %q: want expedited, standard or post-service", q.Track)
	}
	switch q.Benefit {
	case "", BenefitDrug, BenefitService:
	default:
		return Match{}, ketacover.Errorf(ketacover.EINVALID, "deadline lookup: benefit %q: want drug or service", q.Benefit)
	}
	if q.State != "" && !stateRE.MatchString(q.State) {
		return Match{}, ketacover.Errorf(ketacover.EINVALID, "deadline lookup: state %q: want a two-letter code or NAIC", q.State)
	}
	var m Match
	note := func(format string, args ...any) { m.Notes = append(m.Notes, fmt.Sprintf(format, args...)) }

	// cands is this call's own copy, so the filters below narrow it in
	// place (a Rule is 400 bytes, and a listing looks up hundreds of
	// queries).
	var cands []Rule
	for _, i := range b.byStep[q.Step] {
		if r := &b.rules[i]; r.Step == q.Step && r.AppliesTo(q.Plan) && r.OnTrack(q.Track) {
			cands = append(cands, *r)
		}
	}
	// A state's own rule replaces the federal one for the plans it covers.
	if q.State != "" {
		own := false
		for i := range cands {
			own = own || cands[i].State == q.State
		}
		if own {
			cands = filter(cands, func(r *Rule) bool { return r.State == q.State })
		} else {
			cands = filter(cands, func(r *Rule) bool { return r.State == "" })
			if len(cands) > 0 {
				note("no %s rule on file for %s at this step; the federal rule is shown", q.State, q.Plan)
			}
		}
	} else {
		cands = filter(cands, func(r *Rule) bool { return r.State == "" })
	}

	benefits, err := b.benefits(q, &m)
	if err != nil {
		return Match{}, err
	}
	cands = filter(cands, func(r *Rule) bool { return r.Benefit == BenefitAny || slices.Contains(benefits, r.Benefit) })

	cands = filter(cands, func(r *Rule) bool { return effectiveFor(r, q) })
	if len(cands) == 0 {
		return Match{}, b.notFound(q, benefits)
	}
	if distinct(cands, func(r Rule) string { return trackKey(r) }) && q.Track == "" {
		m.Ambiguous = true
		note("the clock differs by track (expedited, standard, post-service); give the track to narrow it")
	}
	if distinct(cands, func(r Rule) string { return string(r.Benefit) }) {
		m.Ambiguous = true
		if q.Benefit == "" && q.Therapy == "" {
			note("the clock differs for drugs and for items or services; give the benefit or the therapy to narrow it")
		}
	}
	if distinct(cands, func(r Rule) string { return effectiveKey(r) }) {
		m.Ambiguous = true
		if anyBasis(cands, "rating-period-start") && q.RatingPeriodStart.IsZero() {
			note("the clock depends on when the plan's rating period started (42 CFR 438.210(d)); give the rating period start to narrow it")
		} else {
			note("the clock changed over time; give the request date to narrow it")
		}
	}
	for _, r := range cands {
		if r.Condition != "" && len(cands) > 1 {
			m.Ambiguous = true
			// Concatenated, not formatted: a self-check looks these up on
			// every answer (the deadlines if denied).
			m.Notes = append(m.Notes, r.ID+" applies only if "+r.Condition)
		}
	}
	m.Rules = cands
	return m, nil
}

// benefits works out which benefit clocks apply, from the query or the therapy classification.
func (b *Book) benefits(q Query, m *Match) ([]Benefit, error) {
	if q.Benefit != "" {
		return []Benefit{q.Benefit}, nil
	}
	if q.Therapy != "" {
		if q.Therapy != ketacover.TherapyKetamineIV && q.Therapy != ketacover.TherapyEsketamine {
			return nil, ketacover.Errorf(ketacover.EINVALID, "deadline lookup: unknown therapy %q", q.Therapy)
		}
		for _, c := range b.classifications {
			if c.Therapy == q.Therapy && slices.Contains(c.Plans, q.Plan) {
				if len(c.Benefits) > 1 {
					m.Notes = append(m.Notes, fmt.Sprintf("%s under %s: %s (%s)", q.Therapy, q.Plan, c.Note, c.Citation))
				}
				return c.Benefits, nil
			}
		}
	}
	return []Benefit{BenefitDrug, BenefitService}, nil
}

func (b *Book) notFound(q Query, benefits []Benefit) error {
	var why []string
	for _, g := range b.gaps {
		if g.Step == q.Step && slices.Contains(g.Plans, q.Plan) && (g.Benefit == BenefitAny || slices.Contains(benefits, g.Benefit)) {
			why = append(why, g.Note)
		}
	}
	what := fmt.Sprintf("no deadline rule on file for %s, %s", q.Plan, q.Step.Label())
	if q.Track != "" {
		what += ", " + string(q.Track)
	}
	if len(benefits) == 1 {
		what += ", " + string(benefits[0])
	}
	if q.State != "" {
		what += ", " + q.State
	}
	if !q.On.IsZero() {
		what += ", on " + q.On.String()
	}
	if len(why) > 0 {
		return ketacover.Errorf(ketacover.ENOTFOUND, "%s: %s", what, strings.Join(why, "; "))
	}
	return ketacover.Errorf(ketacover.ENOTFOUND, "%s", what)
}

func effectiveFor(r *Rule, q Query) bool {
	e := r.Effective
	if e == nil {
		return true
	}
	on := q.On
	if e.Basis == "rating-period-start" {
		on = q.RatingPeriodStart
	}
	if on.IsZero() {
		return true
	}
	return !on.Before(e.From) && (e.Until.IsZero() || !on.After(e.Until))
}

func effectiveKey(r Rule) string {
	if r.Effective == nil {
		return ""
	}
	return r.Effective.From.String() + "/" + r.Effective.Until.String()
}

func anyBasis(rs []Rule, basis string) bool {
	for _, r := range rs {
		if r.Effective != nil && r.Effective.Basis == basis {
			return true
		}
	}
	return false
}

// filter keeps the rules of rs that keep accepts, in order, in place: rs
// must be the caller's own. No rule left (nil), as when it allocated.
func filter(rs []Rule, keep func(*Rule) bool) []Rule {
	out := rs[:0]
	for i := range rs {
		if keep(&rs[i]) {
			out = append(out, rs[i])
		}
	}
	clear(rs[len(out):])
	if len(out) == 0 {
		return nil
	}
	return out
}

// distinct reports whether key differs among rs, ignoring rules whose key is "any" (they
// apply whatever the value).
func distinct(rs []Rule, key func(Rule) string) bool {
	var seen string
	have := false
	for _, r := range rs {
		k := key(r)
		if k == "any" {
			continue
		}
		if !have {
			seen, have = k, true
		} else if k != seen {
			return true
		}
	}
	return false
}

func trackKey(r Rule) string {
	if len(r.Tracks) == 0 {
		return "any"
	}
	parts := make([]string, len(r.Tracks))
	for i, t := range r.Tracks {
		parts[i] = string(t)
	}
	return strings.Join(parts, ",")
}

// Deadlines looks up the rules for q and computes each from a: the one call a caller needs to
// list the open deadlines of a case step. When the law is unclear (Match.Ambiguous) every
// candidate's due date is returned, in the order of Match.Rules.
func (b *Book) Deadlines(q Query, a Anchor) ([]Due, Match, error) {
	m, err := b.Lookup(q)
	if err != nil {
		return nil, Match{}, err
	}
	dues := make([]Due, 0, len(m.Rules))
	for _, r := range m.Rules {
		d, err := Compute(r, a)
		if err != nil {
			return nil, m, err
		}
		dues = append(dues, d)
	}
	return dues, m, nil
}
