package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/internal/records"
	"github.com/ketacover/ketacover/storetest"
	"github.com/ketacover/ketacover/timeline"
)

// variedTimeline returns the events of case i, walking it through most of
// what a coverage fight can do, so that the deadlines of many cases cover
// pended requests, expedited and post-service tracks, both appeal levels
// and external review. Each event is checked with timeline.Check.
func variedTimeline(tb testing.TB, id string, i int) []ketacover.Event {
	tb.Helper()
	day := ketacover.NewDate(2026, 3, 1).AddDays(i % 200)
	var es []ketacover.Event
	add := func(k ketacover.EventKind, n int, d ketacover.Details) {
		e := ketacover.Event{CaseID: id, Kind: k, Date: day.AddDays(n), Actor: "test", Source: ketacover.SourceCLI, Details: d, Note: fmt.Sprintf("note %d", i)}
		if err := timeline.Check(es, &e); err != nil {
			tb.Fatalf("case %d: %v", i, err)
		}
		es = append(es, e)
	}
	exp := i%7 == 0
	add(ketacover.EventBenefitCheck, 0, ketacover.Details{Payer: "Aetna"})
	switch i % 10 {
	case 0: // nothing submitted yet
	case 1:
		add(ketacover.EventPASubmitted, 1, ketacover.Details{Method: "fax", Expedited: exp})
	case 2:
		add(ketacover.EventPASubmitted, 1, ketacover.Details{Method: "portal"})
		add(ketacover.EventPAPended, 4, ketacover.Details{Reason: "records"})
	case 3:
		add(ketacover.EventPASubmitted, 1, ketacover.Details{Method: "x12-278"})
		add(ketacover.EventPADenied, 6, ketacover.Details{DenialClass: "medical-necessity", Expedited: exp})
	case 4:
		add(ketacover.EventPASubmitted, 1, ketacover.Details{})
		add(ketacover.EventPADenied, 6, ketacover.Details{})
		add(ketacover.EventAppealFiled, 9, ketacover.Details{Level: 1, Expedited: exp})
	case 5:
		add(ketacover.EventPASubmitted, 1, ketacover.Details{})
		add(ketacover.EventPADenied, 6, ketacover.Details{})
		add(ketacover.EventAppealFiled, 9, ketacover.Details{Level: 1})
		add(ketacover.EventAppealDecided, 30, ketacover.Details{Level: 1, Outcome: ketacover.Upheld})
	case 6:
		add(ketacover.EventPASubmitted, 1, ketacover.Details{})
		add(ketacover.EventPADenied, 6, ketacover.Details{})
		add(ketacover.EventAppealFiled, 9, ketacover.Details{Level: 1})
		add(ketacover.EventAppealDecided, 30, ketacover.Details{Outcome: ketacover.Upheld})
		add(ketacover.EventAppealFiled, 40, ketacover.Details{Level: 2})
	case 7:
		add(ketacover.EventPASubmitted, 1, ketacover.Details{})
		add(ketacover.EventPADenied, 6, ketacover.Details{})
		add(ketacover.EventAppealFiled, 9, ketacover.Details{Level: 1})
		add(ketacover.EventAppealDecided, 30, ketacover.Details{Outcome: ketacover.Upheld})
		add(ketacover.EventExternalReviewRequest, 35, ketacover.Details{Expedited: exp})
	case 8:
		end := day.AddDays(20 + i%40)
		add(ketacover.EventPASubmitted, 1, ketacover.Details{})
		add(ketacover.EventPAApproved, 3, ketacover.Details{Units: 6, End: &end, Reference: fmt.Sprintf("PA%d", i), Codes: []string{"G2082"}})
		add(ketacover.EventSession, 5, ketacover.Details{Units: 1 + i%6})
	case 9:
		add(ketacover.EventPASubmitted, 1, ketacover.Details{})
		add(ketacover.EventPAApproved, 3, ketacover.Details{Units: 8})
		add(ketacover.EventClaimSubmitted, 10, ketacover.Details{Reference: fmt.Sprintf("CLM%d", i)})
		add(ketacover.EventClaimDenied, 40, ketacover.Details{Reference: fmt.Sprintf("CLM%d", i), CARC: []string{"50"}, Group: "CO", AmountCents: 41200})
	}
	return es
}

// fillVaried stores n cases with variedTimeline's events, in one
// transaction (the events were checked as they were made).
func fillVaried(tb testing.TB, d *DB, n int) {
	tb.Helper()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	now := records.StoredTime(time.Now())
	for i := range n {
		sc := &ketacover.StoredCase{ID: fmt.Sprintf("kc-%08d", i), Case: *storetest.SampleCase(i), Created: now, Actor: "test"}
		sc.Case.ID = sc.ID
		if i%3 == 0 {
			sc.Case.Plan.State = "" // the patient's state stands in
		}
		if err := insertCase(ctx, tx, sc, ketacover.SourceImport); err != nil {
			tb.Fatal(err)
		}
		for k, e := range variedTimeline(tb, sc.ID, i) {
			e.Seq, e.Recorded = k+1, now
			details, err := records.EncodeDetails(e.Details)
			if err != nil {
				tb.Fatal(err)
			}
			if err := insertEvent(ctx, tx, &e, details); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// TestScanTimelines checks that ScanTimelines hands fn the same cases and
// events as Timelines, although it reuses their memory, and that what fn
// writes to the case it is given does not reach the next one.
func TestScanTimelines(t *testing.T) {
	d := MustOpen(t, filepath.Join(t.TempDir(), "k.db"), Options{})
	fillVaried(t, d, 60)
	type timeline struct {
		Case   ketacover.StoredCase
		Events []ketacover.Event
	}
	var want, got []timeline
	err := d.Timelines(ctx, func(c *ketacover.StoredCase, es []ketacover.Event) error {
		want = append(want, timeline{*c, es})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = d.ScanTimelines(ctx, func(c *ketacover.StoredCase, es []ketacover.Event) error {
		got = append(got, timeline{*c, slices.Clone(es)})
		c.Case.Patient.Sex, c.Case.Plan.MemberID = "scribbled", "scribbled"
		for i := range es {
			es[i].Note = "scribbled"
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 60 {
		t.Fatalf("Timelines walked %d cases, want 60", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ScanTimelines differs from Timelines (-want +got):\n%s", diff)
	}

	stop := errors.New("enough")
	n := 0
	err = d.ScanTimelines(ctx, func(*ketacover.StoredCase, []ketacover.Event) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("ScanTimelines returned %v after %d calls, want the callback's error after 3", err, n)
	}
}

// storeOnly hides ScanTimelines, so that Agenda reads through Timelines.
type storeOnly struct{ ketacover.Store }

// reversed walks the timelines newest ID first, as no store does, so that
// Agenda cannot order cases by the order it met them.
type reversed struct{ ketacover.Store }

func (r reversed) Timelines(ctx context.Context, fn func(*ketacover.StoredCase, []ketacover.Event) error) error {
	type timeline struct {
		c  *ketacover.StoredCase
		es []ketacover.Event
	}
	var all []timeline
	err := r.Store.Timelines(ctx, func(c *ketacover.StoredCase, es []ketacover.Event) error {
		all = append(all, timeline{c, es})
		return nil
	})
	if err != nil {
		return err
	}
	for i := len(all) - 1; i >= 0; i-- {
		if err := fn(all[i].c, all[i].es); err != nil {
			return err
		}
	}
	return nil
}

// TestAgendaScan checks that Agenda over the SQLite store (which it walks
// with ScanTimelines, sorting by pointer) lists exactly what it lists
// through Timelines, and what Open and Sort give case by case.
func TestAgendaScan(t *testing.T) {
	d := MustOpen(t, filepath.Join(t.TempDir(), "k.db"), Options{})
	fillVaried(t, d, 1500) // over a chunk of deadlines
	book, err := deadline.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		today  ketacover.Date
		within int
	}{
		{"all", ketacover.NewDate(2026, 6, 1), 0},
		{"within 30 days", ketacover.NewDate(2026, 6, 1), 30},
		{"within 7 days later on", ketacover.NewDate(2026, 9, 15), 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []ketacover.Deadline
			err := d.Timelines(ctx, func(c *ketacover.StoredCase, es []ketacover.Event) error {
				ds, _ := timeline.Open(c, timeline.Fold(es), book, tc.today, timeline.DefaultReminders)
				for _, dl := range ds {
					if tc.within <= 0 || tc.today.DaysUntil(dl.Due) <= tc.within {
						want = append(want, dl)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			timeline.Sort(want)
			if len(want) < 100 {
				t.Fatalf("only %d deadlines: the test data no longer exercises Agenda", len(want))
			}
			got, err := timeline.Agenda(ctx, d, book, tc.today, timeline.DefaultReminders, tc.within)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Agenda over ScanTimelines (-want +got):\n%s", diff)
			}
			got, err = timeline.Agenda(ctx, storeOnly{d}, book, tc.today, timeline.DefaultReminders, tc.within)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Agenda over Timelines (-want +got):\n%s", diff)
			}
			got, err = timeline.Agenda(ctx, reversed{d}, book, tc.today, timeline.DefaultReminders, tc.within)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Agenda over cases walked newest ID first (-want +got):\n%s", diff)
			}
		})
	}
}
