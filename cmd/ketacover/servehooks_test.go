package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/deadline"
)

// TestCaseDeadlinesDependOnlyOnKey: the self-check's deadlines are kept
// per plan type, state, therapy and date, which is right only if nothing
// else of a case changes them. For every example case and several dates,
// the case's deadlines equal those of a case with those four alone; the
// kept answer equals a fresh one; and a caller changing what it was given
// changes nothing kept.
func TestCaseDeadlinesDependOnlyOnKey(t *testing.T) {
	book, err := deadline.Default()
	if err != nil {
		t.Fatal(err)
	}
	d := newCaseDeadlines(book)
	files, err := filepath.Glob("../../examples/cases/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example cases: %v", err)
	}
	dates := []ketacover.Date{{Year: 2026, Month: 11, Day: 27}, {Year: 2026, Month: 2, Day: 28}, {Year: 2025, Month: 12, Day: 31}}
	opened, byPlan := 0, 0
	for _, f := range files {
		c, err := casefile.Load(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// The same case in a Medicare Advantage plan and under
		// California's law (no state has a clock of its own for the steps
		// a denied request opens today; the state is in the key for when
		// one does).
		other := *c
		other.Plan.Type, other.Plan.State = ketacover.PlanMedicareAdvantage, "CA"
		if !cmp.Equal(d.compute(c, dates[0]), d.compute(&other, dates[0])) {
			byPlan++
		}
		checkKey(t, d, c, filepath.Base(f), dates, &opened)
		checkKey(t, d, &other, filepath.Base(f)+" as Medicare Advantage in CA", dates, &opened)
	}
	if opened == 0 {
		t.Fatal("no example case opened any clock: the test checks nothing")
	}
	if byPlan == 0 {
		t.Fatal("no example case's deadlines change with the plan type: the test could not tell a key without it")
	}
}

func checkKey(t *testing.T, d *caseDeadlines, c *ketacover.Case, name string, dates []ketacover.Date, opened *int) {
	t.Helper()
	{
		var bare ketacover.Case
		bare.Plan.Type, bare.Plan.State = c.Plan.Type, c.Plan.State
		bare.Patient.State = c.Patient.State
		bare.Therapy.Drug = c.Therapy.Drug
		for _, day := range dates {
			want := d.compute(c, day)
			*opened += len(want)
			if diff := cmp.Diff(want, d.compute(&bare, day)); diff != "" {
				t.Errorf("%s on %s: deadlines depend on more than plan type, state, therapy and date (-case +those four alone):\n%s", name, day, diff)
			}
			for range 2 { // computed, then kept
				got, err := d.Deadlines(context.Background(), c, day)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s on %s: kept deadlines differ (-fresh +kept):\n%s", name, day, diff)
				}
				if len(got) > 0 {
					got[0].Due = ketacover.Date{} // the caller's own copy
				}
			}
		}
	}
}
