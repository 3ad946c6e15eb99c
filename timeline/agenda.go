package timeline

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
)

// Agenda lists every open clock across the stored cases, soonest first.
// within, when positive, keeps only those due within that many days of
// today (overdue ones always stay).
//
// A store that can also walk its timelines into reused memory (a
// ScanTimelines method, as the SQLite store has) is read that way: Agenda
// keeps no case or event past its callback, only strings.
func Agenda(ctx context.Context, s ketacover.Store, book *deadline.Book, today ketacover.Date, rem Reminders, within int) ([]ketacover.Deadline, error) {
	walk := s.Timelines
	if sc, ok := s.(scanner); ok {
		walk = sc.ScanTimelines
	}
	// The walk lists entries (a clock shared by the cases that have it,
	// and the case), sorts them, and makes each deadline once, in order,
	// in the result: a Deadline is nearly 300 bytes, and growing a slice
	// of 12,000 of them by doubling, then sorting by swapping them, had
	// cost more than the deadline arithmetic.
	o := opener{book: newMemo(bookClocks{book}), today: today, rem: rem, within: within}
	err := walk(ctx, func(c *ketacover.StoredCase, events []ketacover.Event) error {
		o.open(c, Fold(events))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(o.out) == 0 {
		return nil, nil
	}
	ranked := o.ranked
	slices.SortFunc(o.out, func(a, b entry) int {
		if ranked && a.key != b.key && a.key != 0 && b.key != 0 {
			return cmp.Compare(a.key, b.key)
		}
		return compare(a.d, a.caseID, b.d, b.caseID)
	})
	out := make([]ketacover.Deadline, len(o.out))
	for i, e := range o.out {
		out[i] = e.deadline()
	}
	return out, nil
}

// scanner is a store whose timeline walk may reuse the case and events it
// hands to fn for the next call (see sqlite.DB.ScanTimelines).
type scanner interface {
	ScanTimelines(ctx context.Context, fn func(*ketacover.StoredCase, []ketacover.Event) error) error
}

// Sort orders deadlines soonest first; on the same day, hour clocks by
// their hour, then by case, step and rule, so the order is total and
// needs no stable sort (deadlines are large to move).
func Sort(ds []ketacover.Deadline) {
	slices.SortFunc(ds, func(a, b ketacover.Deadline) int { return compare(&a, a.CaseID, &b, b.CaseID) })
}

// compare is Sort's order, for a deadline of case ac and one of case bc
// (an entry's clock does not hold its case).
func compare(a *ketacover.Deadline, ac string, b *ketacover.Deadline, bc string) int {
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Or(
		strings.Compare(ac, bc),
		strings.Compare(a.Step, b.Step),
		strings.Compare(a.RuleID, b.RuleID),
		strings.Compare(a.Explanation, b.Explanation),
	)
}
