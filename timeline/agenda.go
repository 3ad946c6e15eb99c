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
func Agenda(ctx context.Context, s ketacover.Store, book *deadline.Book, today ketacover.Date, rem Reminders, within int) ([]ketacover.Deadline, error) {
	var out []ketacover.Deadline
	m := newMemo(book)
	err := s.Timelines(ctx, func(c *ketacover.StoredCase, events []ketacover.Event) error {
		ds, _ := open(c, Fold(events), m, today, rem)
		for _, d := range ds {
			if within > 0 && today.DaysUntil(d.Due) > within {
				continue
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	Sort(out)
	return out, nil
}

// Sort orders deadlines soonest first; on the same day, hour clocks by
// their hour, then by case, step and rule, so the order is total and
// needs no stable sort (deadlines are large to move).
func Sort(ds []ketacover.Deadline) {
	slices.SortFunc(ds, func(a, b ketacover.Deadline) int {
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
	})
}
