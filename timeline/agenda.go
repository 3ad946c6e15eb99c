package timeline

import (
	"context"
	"sort"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
)

// Agenda lists every open clock across the stored cases, soonest first.
// within, when positive, keeps only those due within that many days of
// today (overdue ones always stay).
func Agenda(ctx context.Context, s ketacover.Store, book *deadline.Book, today ketacover.Date, rem Reminders, within int) ([]ketacover.Deadline, error) {
	var out []ketacover.Deadline
	err := s.Timelines(ctx, func(c *ketacover.StoredCase, events []ketacover.Event) error {
		ds, _ := Open(c, Fold(events), book, today, rem)
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
// their hour, then by case.
func Sort(ds []ketacover.Deadline) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if c := a.Due.Compare(b.Due); c != 0 {
			return c < 0
		}
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return a.CaseID < b.CaseID
	})
}
