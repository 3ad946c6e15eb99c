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
	// Deadlines are computed into chunks that are never copied while they
	// fill (a Deadline is nearly 300 bytes: growing one slice of 12,000
	// of them by doubling, and then sorting by swapping them, cost more
	// than the deadline arithmetic), then sorted by pointer and copied
	// once into the result.
	const chunk = 1024
	var (
		o     = opener{book: newMemo(bookClocks{book}), today: today, rem: rem, within: within}
		full  [][]ketacover.Deadline
		count int
	)
	err := walk(ctx, func(c *ketacover.StoredCase, events []ketacover.Event) error {
		if cap(o.out)-len(o.out) < 8 { // a case rarely has more; append copes if it does
			if len(o.out) > 0 {
				full = append(full, o.out)
				count += len(o.out)
			}
			o.out = make([]ketacover.Deadline, 0, chunk)
		}
		o.open(c, Fold(events))
		return nil
	})
	if err != nil {
		return nil, err
	}
	full = append(full, o.out)
	count += len(o.out)
	if count == 0 {
		return nil, nil
	}
	ptrs := make([]*ketacover.Deadline, 0, count)
	for _, ds := range full {
		for i := range ds {
			ptrs = append(ptrs, &ds[i])
		}
	}
	slices.SortFunc(ptrs, compare)
	out := make([]ketacover.Deadline, len(ptrs))
	for i, d := range ptrs {
		out[i] = *d
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
	slices.SortFunc(ds, func(a, b ketacover.Deadline) int { return compare(&a, &b) })
}

// compare is Sort's order.
func compare(a, b *ketacover.Deadline) int {
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Or(
		strings.Compare(a.CaseID, b.CaseID),
		strings.Compare(a.Step, b.Step),
		strings.Compare(a.RuleID, b.RuleID),
		strings.Compare(a.Explanation, b.Explanation),
	)
}
