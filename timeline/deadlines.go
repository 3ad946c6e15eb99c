package timeline

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
)

// Reminders sets when an authorization is running out.
type Reminders struct {
	SessionsLeft int // warn when fewer sessions than this are left (default 2)
	DaysLeft     int // warn when the authorization ends within this many days (default 14)
}

// DefaultReminders are the defaults: fewer than 2 sessions left, or
// the authorization ending within 14 days.
var DefaultReminders = Reminders{SessionsLeft: 2, DaysLeft: 14}

// Open lists the clocks running on a case on the day today: decisions the
// payer owes, windows the patient must act in, and reauthorization
// warnings. Rules the book cannot settle (a clock the references left
// open) come back as notes. Overdue clocks are included; the caller
// compares Due with today.
func Open(c *ketacover.StoredCase, s State, book *deadline.Book, today ketacover.Date, rem Reminders) ([]ketacover.Deadline, []string) {
	o := opener{book: book, today: today, rem: rem, notes: []string{}}
	o.open(c, s)
	if len(o.notes) == 0 {
		o.notes = nil
	}
	return o.out, o.notes
}

// clocks computes deadlines: a *deadline.Book, or a memo in front of one.
type clocks interface {
	Deadlines(deadline.Query, deadline.Anchor) ([]deadline.Due, deadline.Match, error)
}

// memo remembers the deadlines of each query and anchor. Across thousands
// of cases the same plan type, step and notice date recur, and the rules
// are pure functions of them.
type memo struct {
	book clocks
	seen map[memoKey]memoResult
}

type memoKey struct {
	q deadline.Query
	a deadline.Anchor
}

type memoResult struct {
	dues  []deadline.Due
	match deadline.Match
	err   error
}

func newMemo(b clocks) *memo { return &memo{book: b, seen: map[memoKey]memoResult{}} }

func (m *memo) Deadlines(q deadline.Query, a deadline.Anchor) ([]deadline.Due, deadline.Match, error) {
	k := memoKey{q, a}
	if r, ok := m.seen[k]; ok {
		return r.dues, r.match, r.err
	}
	dues, match, err := m.book.Deadlines(q, a)
	m.seen[k] = memoResult{dues, match, err}
	return dues, match, err
}

// opener computes the clocks of one case after another into out. notes,
// when not nil, collects what the book could not settle (Agenda does not
// show them, so it leaves notes nil and spends nothing on them).
type opener struct {
	book   clocks
	today  ketacover.Date
	rem    Reminders
	within int // when positive, drop deadlines due more than this many days after today

	c     *ketacover.StoredCase
	q     deadline.Query
	out   []ketacover.Deadline
	notes []string
}

func (o *opener) open(c *ketacover.StoredCase, s State) {
	o.c = c
	first := len(o.out)
	plan := c.Case.Plan
	state := plan.State
	if state == "" {
		state = c.Case.Patient.State
	}
	o.q = deadline.Query{Plan: plan.Type, State: state, Therapy: c.Case.Therapy.Drug}

	if s.Request != nil {
		track := trackOf(s.Request)
		if s.Pended != nil {
			o.add(deadline.StepPAInfoWindow, track, s.Pended, deadline.Anchor{Date: s.Pended.Date, NoticeDate: s.Pended.Date})
		} else {
			o.add(deadline.StepPADecision, track, s.Request, deadline.Anchor{Date: s.Request.Date})
		}
	}
	if s.Denial != nil {
		track := deadline.TrackStandard
		if s.Denial.Kind == ketacover.EventClaimDenied {
			track = deadline.TrackPostService
		} else if s.Denial.Details.Expedited {
			track = deadline.TrackExpedited
		}
		switch s.Phase {
		case PhaseDenied:
			switch {
			case s.AppealLevel == 0:
				o.add(deadline.StepAppealFiling, track, s.Denial, notice(s.Denial))
			case s.Decision != nil:
				if s.AppealLevel == 1 {
					o.addIfAny(deadline.StepAppeal2Filing, track, s.Decision, notice(s.Decision))
				}
				o.add(deadline.StepExternalFiling, track, s.Decision, notice(s.Decision))
			}
		case PhaseAppealing:
			step := deadline.StepAppealDecision
			if s.AppealLevel == 2 {
				step = deadline.StepAppeal2Decision
			}
			if s.Appeal.Details.Expedited {
				track = deadline.TrackExpedited
			}
			o.add(step, track, s.Appeal, deadline.Anchor{Date: s.Appeal.Date})
		case PhaseExternal:
			if s.External.Details.Expedited {
				track = deadline.TrackExpedited
			}
			o.add(deadline.StepExternalDecision, track, s.External, deadline.Anchor{Date: s.External.Date})
		}
	}
	if a := s.Authorization; a != nil && s.Phase == PhaseAuthorized {
		o.reauthorization(a, o.today, o.rem)
	}
	if o.within > 0 {
		kept := o.out[:first]
		for _, d := range o.out[first:] {
			if o.today.DaysUntil(d.Due) <= o.within {
				kept = append(kept, d)
			}
		}
		clear(o.out[len(kept):]) // drop the strings of those left out
		o.out = kept
	}
}

func trackOf(e *ketacover.Event) deadline.Track {
	if e.Details.Expedited {
		return deadline.TrackExpedited
	}
	return deadline.TrackStandard
}

// notice anchors a clock on a notice dated on the event's date.
func notice(e *ketacover.Event) deadline.Anchor {
	return deadline.Anchor{Date: e.Date, NoticeDate: e.Date}
}

func (o *opener) add(step deadline.Step, track deadline.Track, trigger *ketacover.Event, a deadline.Anchor) {
	o.compute(step, track, trigger, a, true)
}

// addIfAny adds a step only some plans have (a second appeal level),
// without a note when none is on file.
func (o *opener) addIfAny(step deadline.Step, track deadline.Track, trigger *ketacover.Event, a deadline.Anchor) {
	o.compute(step, track, trigger, a, false)
}

func (o *opener) compute(step deadline.Step, track deadline.Track, trigger *ketacover.Event, a deadline.Anchor, noteMissing bool) {
	q := o.q
	q.Step, q.Track, q.On = step, track, trigger.Date
	dues, m, err := o.book.Deadlines(q, a)
	if err != nil {
		if noteMissing && o.notes != nil {
			var ke *ketacover.Error
			if errors.As(err, &ke) {
				o.notes = append(o.notes, fmt.Sprintf("%s: %s", step.Label(), ke.Message))
			} else {
				o.notes = append(o.notes, fmt.Sprintf("%s: %v", step.Label(), err))
			}
		}
		return
	}
	if o.notes != nil {
		for _, n := range m.Notes {
			if !slices.Contains(o.notes, n) {
				o.notes = append(o.notes, n)
			}
		}
	}
	for _, d := range dues {
		dl := convert(o.c.ID, trigger.Kind, d)
		dl.Condition = condition(m.Rules, d.RuleID)
		o.out = append(o.out, dl)
	}
}

// condition is the condition of the rule with the given ID (the last one,
// should two match: as a map filled in order would keep).
func condition(rules []deadline.Rule, id string) string {
	c := ""
	for i := range rules {
		if r := &rules[i]; r.ID == id && r.Condition != "" {
			c = r.Condition
		}
	}
	return c
}

func convert(caseID string, trigger ketacover.EventKind, d deadline.Due) ketacover.Deadline {
	out := ketacover.Deadline{
		CaseID: caseID, Step: string(d.Step), Label: d.Step.Label(), Who: d.Who,
		Due: d.Date, At: d.At, Explanation: d.Explanation, Citation: d.Citation,
		Source: d.Source, Open: d.Open, RuleID: d.RuleID, Trigger: trigger,
	}
	for _, f := range d.Flags {
		out.Flags = append(out.Flags, string(f))
	}
	for _, alt := range d.Also {
		out.Also = append(out.Also, fmt.Sprintf("%s: %s", alt.Date, alt.Why))
	}
	return out
}

// reauthorization warns when an approval runs low on sessions or days.
func (o *opener) reauthorization(a *Authorization, today ketacover.Date, rem Reminders) {
	var why []string
	due := today
	if left := a.Left(); left >= 0 && left < rem.SessionsLeft {
		why = append(why, fmt.Sprintf("%d of %d authorized sessions left", max(left, 0), a.Units))
	}
	if a.End != nil {
		days := today.DaysUntil(*a.End)
		if days <= rem.DaysLeft {
			why = append(why, fmt.Sprintf("the authorization ends %s (%d days)", a.End, days))
		}
		due = *a.End
	}
	if len(why) == 0 {
		return
	}
	ref := ""
	if a.Reference != "" {
		ref = " " + a.Reference
	}
	o.out = append(o.out, ketacover.Deadline{
		CaseID: o.c.ID, Step: "reauthorization", Label: "request reauthorization", Who: deadline.WhoClaimant,
		Due: due, Warning: true, Trigger: ketacover.EventPAApproved,
		Explanation: fmt.Sprintf("Authorization%s: %s; submit the continuation request before it runs out.", ref, joinAnd(why)),
	})
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return s[0] + " and " + s[1]
}
