package timeline

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

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
	o := opener{book: bookClocks{book}, today: today, rem: rem, notes: []string{}}
	o.open(c, s)
	if len(o.notes) == 0 {
		o.notes = nil
	}
	var ds []ketacover.Deadline
	if len(o.out) > 0 {
		ds = make([]ketacover.Deadline, len(o.out))
		for i, e := range o.out {
			ds[i] = e.deadline()
		}
	}
	return ds, o.notes
}

// clocks computes the deadlines of a query and anchor, as ketacover
// Deadlines still to be given their case and trigger, with the notes of the
// rules' match: a bookClocks, or a memo in front of one.
type clocks interface {
	deadlines(deadline.Query, deadline.Anchor) ([]ketacover.Deadline, []string, error)
}

// bookClocks computes deadlines with a book.
type bookClocks struct{ book *deadline.Book }

func (b bookClocks) deadlines(q deadline.Query, a deadline.Anchor) ([]ketacover.Deadline, []string, error) {
	dues, m, err := b.book.Deadlines(q, a)
	if err != nil {
		return nil, nil, err
	}
	ds := make([]ketacover.Deadline, len(dues))
	for i, d := range dues {
		ds[i] = convert(d)
		ds[i].Condition = condition(m.Rules, d.RuleID)
	}
	return ds, m.Notes, nil
}

// memo remembers the deadlines of each query and anchor. Across thousands
// of cases the same plan type, step and notice date recur, and the rules
// are pure functions of them. It lives for one listing: the deadlines
// made from what it hands out share their Flags and Also (full slices, so
// that an append copies), as they share their strings.
type memo struct {
	clocks clocks
	seen   map[memoKey]memoResult
}

type memoKey struct {
	q deadline.Query
	a deadline.Anchor
}

type memoResult struct {
	ds    []ketacover.Deadline
	notes []string
	err   error
}

func newMemo(c clocks) *memo { return &memo{clocks: c, seen: map[memoKey]memoResult{}} }

func (m *memo) deadlines(q deadline.Query, a deadline.Anchor) ([]ketacover.Deadline, []string, error) {
	k := memoKey{q, a}
	if r, ok := m.seen[k]; ok {
		return r.ds, r.notes, r.err
	}
	ds, notes, err := m.clocks.deadlines(q, a)
	m.seen[k] = memoResult{ds, notes, err}
	return ds, notes, err
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
	out   []entry
	notes []string

	// rank counts the cases opened; ranked stays true while their IDs
	// rise (then an entry's key orders its case as its ID does).
	rank   uint32
	ranked bool
	lastID string
}

// entry is a deadline of a case as an opener lists it: the clock, which
// cases with the same clock share, and the case and trigger that complete
// it. Across thousands of cases a few hundred clocks recur; an entry is a
// seventh of the size of the deadline it stands for, so listing and
// sorting entries moves much less memory than listing and sorting
// deadlines.
type entry struct {
	d       *ketacover.Deadline // without CaseID and Trigger, which are below
	caseID  string
	trigger ketacover.EventKind
	// key orders entries as compare does, for Agenda's sort, when the
	// cases were walked in the order of their IDs: the due day (packed so
	// that it sorts as dates do) above the case's place in the walk. It is
	// 0 when it cannot: for an hour clock (At orders it first) or a date
	// with fields out of their ranges (no due date computed from a stored
	// date has them).
	key uint64
}

// newEntry makes the entry of the rank-th case walked.
func newEntry(d *ketacover.Deadline, caseID string, trigger ketacover.EventKind, rank uint32) entry {
	var key uint64
	if t := d.Due; d.At.IsZero() && t.Year > 0 && t.Year < 1<<20 && t.Month >= 1 && t.Month <= 12 && t.Day >= 1 && t.Day <= 31 {
		key = uint64(t.Year)<<41 | uint64(t.Month)<<37 | uint64(t.Day)<<32 | uint64(rank)
	}
	return entry{d, caseID, trigger, key}
}

// deadline is the complete deadline.
func (e entry) deadline() ketacover.Deadline {
	d := *e.d
	d.CaseID, d.Trigger = e.caseID, e.trigger
	return d
}

func (o *opener) open(c *ketacover.StoredCase, s State) {
	if o.rank == 0 {
		o.ranked = true
	} else if o.lastID >= c.ID || o.rank == math.MaxUint32 {
		o.ranked = false
	}
	o.rank++
	o.c, o.lastID = c, c.ID // not o.c.ID later: a store may reuse the case
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
		for _, e := range o.out[first:] {
			if o.today.DaysUntil(e.d.Due) <= o.within {
				kept = append(kept, e)
			}
		}
		clear(o.out[len(kept):]) // drop what those left out point to
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
	ds, notes, err := o.book.deadlines(q, a)
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
		for _, n := range notes {
			if !slices.Contains(o.notes, n) {
				o.notes = append(o.notes, n)
			}
		}
	}
	for i := range ds {
		o.out = append(o.out, newEntry(&ds[i], o.c.ID, trigger.Kind, o.rank))
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

// convert turns a computed due date into a deadline without its case and
// trigger. Its Flags and Also are exactly as long as their capacity.
func convert(d deadline.Due) ketacover.Deadline {
	out := ketacover.Deadline{
		Step: string(d.Step), Label: d.Step.Label(), Who: d.Who,
		Due: d.Date, At: d.At, Explanation: d.Explanation, Citation: d.Citation,
		Source: d.Source, Open: d.Open, RuleID: d.RuleID,
	}
	if len(d.Flags) > 0 {
		out.Flags = make([]string, len(d.Flags))
		for i, f := range d.Flags {
			out.Flags[i] = string(f)
		}
	}
	if len(d.Also) > 0 {
		out.Also = make([]string, len(d.Also))
		for i, alt := range d.Also {
			out.Also[i] = fmt.Sprintf("%s: %s", alt.Date, alt.Why)
		}
	}
	return out
}

// reauthorization warns when an approval runs low on sessions or days.
//
// It builds its text by concatenation rather than fmt: a listing over
// thousands of authorized cases writes one for each case running low.
func (o *opener) reauthorization(a *Authorization, today ketacover.Date, rem Reminders) {
	var sessions, ends string
	due := today
	if left := a.Left(); left >= 0 && left < rem.SessionsLeft {
		sessions = strconv.Itoa(max(left, 0)) + " of " + strconv.Itoa(a.Units) + " authorized sessions left"
	}
	if a.End != nil {
		days := today.DaysUntil(*a.End)
		if days <= rem.DaysLeft {
			ends = "the authorization ends " + a.End.String() + " (" + strconv.Itoa(days) + " days)"
		}
		due = *a.End
	}
	var why string
	switch {
	case sessions != "" && ends != "":
		why = sessions + " and " + ends
	case sessions != "":
		why = sessions
	case ends != "":
		why = ends
	default:
		return
	}
	ref := ""
	if a.Reference != "" {
		ref = " " + a.Reference
	}
	o.out = append(o.out, newEntry(&ketacover.Deadline{
		Step: "reauthorization", Label: "request reauthorization", Who: deadline.WhoClaimant,
		Due: due, Warning: true,
		Explanation: "Authorization" + ref + ": " + why + "; submit the continuation request before it runs out.",
	}, o.c.ID, ketacover.EventPAApproved, o.rank))
}
