package tracking

import (
	"context"
	"fmt"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/ical"
	"github.com/ketacover/ketacover/timeline"
)

// Calendar turns deadlines into calendar events with reminders a week and
// a day before (and a day and two hours before an hour clock). UIDs are
// stable so a re-import or a subscription's refresh updates rather than
// duplicates. stamp is when the calendar is written.
func Calendar(ds []ketacover.Deadline, stamp time.Time) ical.Calendar {
	cal := ical.Calendar{ProdID: "-//ketacover//deadlines//EN", Name: "ketacover deadlines"}
	for _, d := range ds {
		id := d.RuleID
		if id == "" {
			id = d.Step
		}
		ev := ical.Event{
			UID:         fmt.Sprintf("case-%s.%s.%s@ketacover", d.CaseID, id, d.Trigger),
			Stamp:       stamp.UTC(),
			Summary:     fmt.Sprintf("%s — case %s", d.Label, d.CaseID),
			Description: d.Explanation + notes(d) + "\nNot legal advice: the dates on the payer's notices come first.",
			Categories:  []string{"ketacover", d.Who},
		}
		if !d.At.IsZero() {
			ev.Start = d.At
			ev.Alarms = []ical.Alarm{{Before: 24 * time.Hour}, {Before: 2 * time.Hour}}
		} else {
			ev.Date = d.Due
			ev.Alarms = []ical.Alarm{{Before: 7 * 24 * time.Hour}, {Before: 24 * time.Hour}}
		}
		cal.Events = append(cal.Events, ev)
	}
	return cal
}

func notes(d ketacover.Deadline) string {
	var s string
	if d.Condition != "" {
		s += "\nOnly if: " + d.Condition
	}
	if d.Open != "" {
		s += "\nOpen question: " + d.Open
	}
	if d.Source != "" {
		s += "\nSource: " + d.Source
	}
	return s
}

// CaseClocks lists the clocks running on the given cases on the day
// today, soonest first: what an import that recorded denials started.
func CaseClocks(ctx context.Context, s ketacover.Store, book *deadline.Book, today ketacover.Date, ids []string) ([]ketacover.Deadline, error) {
	var all []ketacover.Deadline
	for _, id := range ids {
		sc, err := s.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		events, err := s.Events(ctx, id)
		if err != nil {
			return nil, err
		}
		ds, _ := timeline.Open(sc, timeline.Fold(events), book, today, timeline.DefaultReminders)
		all = append(all, ds...)
	}
	timeline.Sort(all)
	return all, nil
}
