// Package storetest is the conformance suite every ketacover.Store engine
// (SQLite, PostgreSQL) runs, with sample cases and timelines for tests and
// benchmarks.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
)

// Run runs the conformance suite. open returns a new, empty store for each
// subtest; the caller closes it (t.Cleanup). The subtests run in parallel
// (each on its own store), which also overlaps the engines' set-up costs.
func Run(t *testing.T, open func(t *testing.T) ketacover.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s ketacover.Store)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"CreateGeneratesID", testCreateGeneratesID},
		{"CreateConflict", testCreateConflict},
		{"CreateInvalid", testCreateInvalid},
		{"NotFound", testNotFound},
		{"ListFilterPage", testListFilterPage},
		{"AppendSeq", testAppendSeq},
		{"CheckSeesPriorEvents", testCheckSeesPrior},
		{"CheckRefuses", testCheckRefuses},
		{"AppendMissingCase", testAppendMissingCase},
		{"AppendBadInput", testAppendBadInput},
		{"ConcurrentAppends", testConcurrentAppends},
		{"Timelines", testTimelines},
		{"TimelinesStops", testTimelinesStops},
		{"UnicodeAndLargeNotes", testUnicodeAndLargeNotes},
		{"DateTimeRoundTrip", testDateTimeRoundTrip},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
	runAccounts(t, open)
}

var ctx = context.Background()

// MustCreate stores c and fails the test on error.
func MustCreate(tb testing.TB, s ketacover.Store, c *ketacover.Case) *ketacover.StoredCase {
	tb.Helper()
	sc, err := s.CreateCase(ctx, c, "tester", ketacover.SourceCLI)
	if err != nil {
		tb.Fatalf("CreateCase: %v", err)
	}
	return sc
}

// MustAppend appends e with no check and fails the test on error.
func MustAppend(tb testing.TB, s ketacover.Store, e *ketacover.Event) {
	tb.Helper()
	if err := s.Append(ctx, e, nil); err != nil {
		tb.Fatalf("Append %s to %s: %v", e.Kind, e.CaseID, err)
	}
}

// MustEvents returns a case's timeline and fails the test on error.
func MustEvents(tb testing.TB, s ketacover.Store, id string) []ketacover.Event {
	tb.Helper()
	es, err := s.Events(ctx, id)
	if err != nil {
		tb.Fatalf("Events(%s): %v", id, err)
	}
	return es
}

// wantCode fails the test unless err carries the ketacover error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := ketacover.ErrorCode(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
	if strings.TrimSpace(ketacover.ErrorMessage(err)) == "" {
		t.Fatalf("error %v has no message", err)
	}
}

func testCreateAndGet(t *testing.T, s ketacover.Store) {
	c := SampleCase(1)
	c.ID = "MRN-004417"
	before := time.Now().UTC().Truncate(time.Microsecond)
	sc, err := s.CreateCase(ctx, c, "dr.okafor", ketacover.SourceCLI)
	if err != nil {
		t.Fatal(err)
	}
	after := time.Now().UTC()
	if sc.ID != "MRN-004417" || sc.Actor != "dr.okafor" {
		t.Errorf("stored case ID %q actor %q, want MRN-004417 dr.okafor", sc.ID, sc.Actor)
	}
	if sc.Created.Before(before) || sc.Created.After(after) || sc.Created.Location() != time.UTC {
		t.Errorf("Created %v, want a UTC time between %v and %v", sc.Created, before, after)
	}
	if diff := cmp.Diff(*c, sc.Case); diff != "" {
		t.Errorf("returned case differs (-want +got):\n%s", diff)
	}
	got, err := s.Case(ctx, "MRN-004417")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sc, got); diff != "" {
		t.Errorf("Case() differs from CreateCase() (-want +got):\n%s", diff)
	}
}

var generatedID = regexp.MustCompile(`^kc-[a-z2-7]{8}$`)

func testCreateGeneratesID(t *testing.T, s ketacover.Store) {
	seen := map[string]bool{}
	for i := range 20 {
		c := SampleCase(i)
		sc := MustCreate(t, s, c)
		if !generatedID.MatchString(sc.ID) {
			t.Fatalf("generated ID %q, want kc- and 8 base32 letters", sc.ID)
		}
		if seen[sc.ID] {
			t.Fatalf("ID %q generated twice", sc.ID)
		}
		seen[sc.ID] = true
		if sc.Case.ID != sc.ID {
			t.Errorf("stored case carries ID %q, want %q", sc.Case.ID, sc.ID)
		}
		if c.ID != "" {
			t.Errorf("CreateCase changed the caller's case (ID %q)", c.ID)
		}
		got, err := s.Case(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(sc, got); diff != "" {
			t.Errorf("Case(%s) (-want +got):\n%s", sc.ID, diff)
		}
	}
}

func testCreateConflict(t *testing.T, s ketacover.Store) {
	c := SampleCase(2)
	c.ID = "case-7"
	first := MustCreate(t, s, c)
	other := SampleCase(3)
	other.ID = "case-7"
	_, err := s.CreateCase(ctx, other, "someone", ketacover.SourceAPI)
	wantCode(t, err, ketacover.ECONFLICT)
	got, err := s.Case(ctx, "case-7")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, got); diff != "" {
		t.Errorf("the first case changed (-want +got):\n%s", diff)
	}
	all, err := s.Cases(ctx, ketacover.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 {
		t.Errorf("%d cases stored, want 1", len(all))
	}
}

func testCreateInvalid(t *testing.T, s ketacover.Store) {
	noPayer := SampleCase(4)
	noPayer.Plan.Payer = ""
	badID := SampleCase(5)
	badID.ID = "two words"
	ctrl := SampleCase(6)
	ctrl.ID = "a\x00b"
	long := SampleCase(7)
	long.ID = strings.Repeat("x", 101)
	for _, tc := range []struct {
		name string
		c    *ketacover.Case
		want string // part of the message
	}{
		{"no payer", noPayer, "plan.payer"},
		{"space in id", badID, "id"},
		{"control in id", ctrl, "id"},
		{"long id", long, "id"},
		{"nil", nil, "case"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateCase(ctx, tc.c, "tester", ketacover.SourceCLI)
			wantCode(t, err, ketacover.EINVALID)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
		})
	}
	all, err := s.Cases(ctx, ketacover.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 0 {
		t.Errorf("%d cases stored after invalid input, want 0", len(all))
	}
}

func testNotFound(t *testing.T, s ketacover.Store) {
	_, err := s.Case(ctx, "no-such-case")
	wantCode(t, err, ketacover.ENOTFOUND)
	_, err = s.Events(ctx, "no-such-case")
	wantCode(t, err, ketacover.ENOTFOUND)
}

func testListFilterPage(t *testing.T, s ketacover.Store) {
	type spec struct {
		id, payer, state string
		drug             ketacover.Therapy
	}
	specs := []spec{
		{"c1", "Aetna", "TX", ketacover.TherapyEsketamine},
		{"c2", "Highmark", "PA", ketacover.TherapyEsketamine},
		{"c3", "Aetna", "PA", ketacover.TherapyKetamineIV},
		{"c4", "Texas Medicaid", "TX", ketacover.TherapyEsketamine},
		{"c5", "Aetna", "TX", ketacover.TherapyKetamineIV},
	}
	for i, sp := range specs {
		c := SampleCase(i)
		c.ID, c.Plan.Payer, c.Patient.State, c.Therapy.Drug = sp.id, sp.payer, sp.state, sp.drug
		MustCreate(t, s, c)
	}
	str := func(s string) *string { return &s }
	iv := ketacover.TherapyKetamineIV
	for _, tc := range []struct {
		name string
		f    ketacover.CaseFilter
		want []string
	}{
		{"all newest first", ketacover.CaseFilter{}, []string{"c5", "c4", "c3", "c2", "c1"}},
		{"payer", ketacover.CaseFilter{Payer: str("Aetna")}, []string{"c5", "c3", "c1"}},
		{"payer any letter case", ketacover.CaseFilter{Payer: str(" aetna ")}, []string{"c5", "c3", "c1"}},
		{"state", ketacover.CaseFilter{State: str("PA")}, []string{"c3", "c2"}},
		{"state lower case", ketacover.CaseFilter{State: str("tx")}, []string{"c5", "c4", "c1"}},
		{"therapy", ketacover.CaseFilter{Therapy: &iv}, []string{"c5", "c3"}},
		{"payer and state", ketacover.CaseFilter{Payer: str("Aetna"), State: str("TX")}, []string{"c5", "c1"}},
		{"no match", ketacover.CaseFilter{Payer: str("Cigna")}, nil},
		{"limit", ketacover.CaseFilter{Limit: 2}, []string{"c5", "c4"}},
		{"offset", ketacover.CaseFilter{Offset: 3}, []string{"c2", "c1"}},
		{"page", ketacover.CaseFilter{Offset: 1, Limit: 2}, []string{"c4", "c3"}},
		{"offset past end", ketacover.CaseFilter{Offset: 9}, nil},
		{"filtered page", ketacover.CaseFilter{Payer: str("Aetna"), Offset: 1, Limit: 1}, []string{"c3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Cases(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range got {
				ids = append(ids, c.ID)
				if c.Case.ID != c.ID {
					t.Errorf("listed case %s carries ID %q", c.ID, c.Case.ID)
				}
			}
			if diff := cmp.Diff(tc.want, ids); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
		})
	}
	for _, f := range []ketacover.CaseFilter{{Offset: -1}, {Limit: -1}} {
		_, err := s.Cases(ctx, f)
		wantCode(t, err, ketacover.EINVALID)
	}
}

func testAppendSeq(t *testing.T, s ketacover.Store) {
	sc := MustCreate(t, s, SampleCase(8))
	var want []ketacover.Event
	ids := map[int64]bool{}
	for k, e := range SampleEvents(sc.ID, 8, 3) {
		before := time.Now().UTC().Truncate(time.Microsecond)
		if err := s.Append(ctx, &e, nil); err != nil {
			t.Fatal(err)
		}
		after := time.Now().UTC()
		if e.Seq != k+1 {
			t.Errorf("event %d got Seq %d, want %d", k, e.Seq, k+1)
		}
		if e.ID == 0 || ids[e.ID] {
			t.Errorf("event %d got ID %d, want a new non-zero ID", k, e.ID)
		}
		ids[e.ID] = true
		if e.Recorded.Before(before) || e.Recorded.After(after) || e.Recorded.Location() != time.UTC {
			t.Errorf("Recorded %v, want a UTC time between %v and %v", e.Recorded, before, after)
		}
		want = append(want, e)
	}
	if diff := cmp.Diff(want, MustEvents(t, s, sc.ID)); diff != "" {
		t.Errorf("Events (-want +got):\n%s", diff)
	}
	// Another case's timeline starts at 1 again.
	other := MustCreate(t, s, SampleCase(9))
	e := SampleEvents(other.ID, 9, 1)[0]
	MustAppend(t, s, &e)
	if e.Seq != 1 {
		t.Errorf("first event of a second case got Seq %d, want 1", e.Seq)
	}
}

func testCheckSeesPrior(t *testing.T, s ketacover.Store) {
	sc := MustCreate(t, s, SampleCase(10))
	var stored []ketacover.Event
	for k, e := range SampleEvents(sc.ID, 10, 4) {
		calls := 0
		err := s.Append(ctx, &e, func(prior []ketacover.Event) error {
			calls++
			if diff := cmp.Diff(stored, prior); diff != "" {
				t.Errorf("event %d: check saw (-want +got):\n%s", k, diff)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls == 0 {
			t.Errorf("event %d: check not called", k)
		}
		stored = append(stored, e)
	}
}

// errRefused is a check's own error; Append must return it unchanged.
var errRefused = ketacover.Errorf(ketacover.EINVALID, "pa-approved: the case is in state new, no request is pending")

func testCheckRefuses(t *testing.T, s ketacover.Store) {
	sc := MustCreate(t, s, SampleCase(11))
	es := SampleEvents(sc.ID, 11, 3)
	MustAppend(t, s, &es[0])
	MustAppend(t, s, &es[1])
	before := MustEvents(t, s, sc.ID)

	// A check that refuses with its own error value.
	e := es[2]
	err := s.Append(ctx, &e, func([]ketacover.Event) error { return errRefused })
	if err != errRefused {
		t.Fatalf("Append returned %v (%T), want the check's error unchanged", err, err)
	}
	if e.Seq != 0 || e.ID != 0 || !e.Recorded.IsZero() {
		t.Errorf("refused event was given Seq %d ID %d Recorded %v", e.Seq, e.ID, e.Recorded)
	}

	// A check that refuses an out-of-order date, as the timeline does.
	late := es[2]
	late.Date = es[1].Date.AddDays(-10)
	err = s.Append(ctx, &late, func(prior []ketacover.Event) error {
		last := prior[len(prior)-1]
		if late.Date.Before(last.Date) {
			return ketacover.Errorf(ketacover.EINVALID, "%s dated %s is before event %d (%s, %s)", late.Kind, late.Date, last.Seq, last.Kind, last.Date)
		}
		return nil
	})
	wantCode(t, err, ketacover.EINVALID)
	if !strings.Contains(err.Error(), "before event 2") {
		t.Errorf("error %q does not say which event it is out of order with", err)
	}
	if diff := cmp.Diff(before, MustEvents(t, s, sc.ID)); diff != "" {
		t.Errorf("timeline changed after refused events (-want +got):\n%s", diff)
	}

	// The next accepted event takes the next Seq: nothing was reserved.
	MustAppend(t, s, &es[2])
	if es[2].Seq != 3 {
		t.Errorf("event after refusals got Seq %d, want 3", es[2].Seq)
	}
}

func testAppendMissingCase(t *testing.T, s ketacover.Store) {
	MustCreate(t, s, SampleCase(12))
	e := SampleEvents("kc-missing1", 12, 1)[0]
	called := false
	err := s.Append(ctx, &e, func([]ketacover.Event) error { called = true; return nil })
	wantCode(t, err, ketacover.ENOTFOUND)
	if !strings.Contains(err.Error(), "kc-missing1") {
		t.Errorf("error %q does not name the case", err)
	}
	if called {
		t.Error("check called for a missing case")
	}
	if e.Seq != 0 || e.ID != 0 {
		t.Errorf("event for a missing case was given Seq %d ID %d", e.Seq, e.ID)
	}
	assertNoEvents(t, s)
}

// assertNoEvents fails unless no case in s has any event.
func assertNoEvents(t *testing.T, s ketacover.Store) {
	t.Helper()
	err := s.Timelines(ctx, func(c *ketacover.StoredCase, es []ketacover.Event) error {
		if len(es) > 0 {
			t.Errorf("case %s has %d events, want none", c.ID, len(es))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testAppendBadInput(t *testing.T, s ketacover.Store) {
	sc := MustCreate(t, s, SampleCase(13))
	good := SampleEvents(sc.ID, 13, 1)[0]
	for _, tc := range []struct {
		name string
		edit func(e *ketacover.Event)
		want string // part of the message
	}{
		{"unknown kind", func(e *ketacover.Event) { e.Kind = "pa-aproved" }, "pa-aproved"},
		{"empty kind", func(e *ketacover.Event) { e.Kind = "" }, "kind"},
		{"no date", func(e *ketacover.Event) { e.Date = ketacover.Date{} }, "date"},
		{"impossible date", func(e *ketacover.Event) { e.Date = ketacover.Date{Year: 2026, Month: 2, Day: 30} }, "date"},
		{"year 10000", func(e *ketacover.Event) { e.Date = ketacover.Date{Year: 10000, Month: 1, Day: 1} }, "date"},
		{"no case", func(e *ketacover.Event) { e.CaseID = "" }, "case"},
		{"NUL in note", func(e *ketacover.Event) { e.Note = "a\x00b" }, "note"},
		{"bad UTF-8 in actor", func(e *ketacover.Event) { e.Actor = "\xff\xfe" }, "actor"},
		{"bad UTF-8 in details", func(e *ketacover.Event) { e.Details.Reason = "\xffbad" }, "details"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := good
			tc.edit(&e)
			called := false
			err := s.Append(ctx, &e, func([]ketacover.Event) error { called = true; return nil })
			wantCode(t, err, ketacover.EINVALID)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
			if called {
				t.Error("check called for invalid input")
			}
		})
	}
	assertNoEvents(t, s)
}

func testConcurrentAppends(t *testing.T, s ketacover.Store) {
	sc := MustCreate(t, s, SampleCase(14))
	const workers, each = 4, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range each {
				e := ketacover.Event{
					CaseID: sc.ID, Kind: ketacover.EventNote, Date: ketacover.NewDate(2026, 2, 1),
					Actor: fmt.Sprintf("worker-%d", w), Source: ketacover.SourceAPI, Note: fmt.Sprintf("%d/%d", w, k),
				}
				// The check sees a consistent timeline: contiguous Seq so far.
				err := s.Append(ctx, &e, func(prior []ketacover.Event) error {
					for i, p := range prior {
						if p.Seq != i+1 {
							return fmt.Errorf("check saw Seq %d at position %d", p.Seq, i)
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	es := MustEvents(t, s, sc.ID)
	if len(es) != workers*each {
		t.Fatalf("%d events stored, want %d", len(es), workers*each)
	}
	notes := map[string]bool{}
	for i, e := range es {
		if e.Seq != i+1 {
			t.Errorf("position %d has Seq %d", i, e.Seq)
		}
		notes[e.Note] = true
	}
	if len(notes) != workers*each {
		t.Errorf("%d distinct events, want %d", len(notes), workers*each)
	}
}

// Summary returns the part of a stored case that Timelines passes: its
// identity and the summary kept in columns (patient name and state; plan
// payer, type, state, network and benefit; therapy drug and indication).
// Decoding every case's whole document would alone take longer than a
// deadline listing over 10,000 cases may.
func Summary(sc *ketacover.StoredCase) *ketacover.StoredCase {
	c := sc.Case
	return &ketacover.StoredCase{
		ID: sc.ID, Created: sc.Created, Actor: sc.Actor,
		Case: ketacover.Case{
			ID:      c.ID,
			Patient: ketacover.Patient{Name: c.Patient.Name, State: c.Patient.State},
			Plan: ketacover.Plan{
				Payer: c.Plan.Payer, Type: c.Plan.Type, State: c.Plan.State,
				Network: c.Plan.Network, Benefit: c.Plan.Benefit,
			},
			Therapy: ketacover.TherapyRequest{Drug: c.Therapy.Drug, Indication: c.Therapy.Indication},
		},
	}
}

func testTimelines(t *testing.T, s ketacover.Store) {
	want := map[string][]ketacover.Event{}
	cases := map[string]*ketacover.StoredCase{}
	for i := range 12 {
		c := SampleCase(i)
		if i%2 == 0 {
			c.Plan.State, c.Plan.Network, c.Plan.Benefit = "NY", "out-of-network", "pharmacy"
		}
		sc := MustCreate(t, s, c)
		cases[sc.ID] = sc
		want[sc.ID] = nil
		for _, e := range SampleEvents(sc.ID, i, i%6) { // 0 to 5 events
			MustAppend(t, s, &e)
			want[sc.ID] = append(want[sc.ID], e)
		}
	}
	got := map[string][]ketacover.Event{}
	err := s.Timelines(ctx, func(c *ketacover.StoredCase, es []ketacover.Event) error {
		if _, dup := got[c.ID]; dup {
			t.Errorf("case %s visited twice", c.ID)
		}
		if diff := cmp.Diff(Summary(cases[c.ID]), c); diff != "" {
			t.Errorf("case %s summary (-want +got):\n%s", c.ID, diff)
		}
		got[c.ID] = es
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timelines (-want +got):\n%s", diff)
	}
}

func testTimelinesStops(t *testing.T, s ketacover.Store) {
	for i := range 5 {
		MustCreate(t, s, SampleCase(i))
	}
	stop := errors.New("enough")
	n := 0
	err := s.Timelines(ctx, func(*ketacover.StoredCase, []ketacover.Event) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("Timelines returned %v, want the callback's error", err)
	}
	if n != 2 {
		t.Errorf("callback called %d times after it failed at 2", n)
	}
}

func testUnicodeAndLargeNotes(t *testing.T, s ketacover.Store) {
	c := SampleCase(15)
	c.ID = "ñandú-ü-漢字-🙂"
	c.Patient.Name = "José Ñúñez-Øster 李小龍 Ἀθηνᾶ"
	c.History.Trials[0].Notes = "stopped: \"nausea\" \\ <b>not</b> 'tolerated' — עברית العربية"
	sc := MustCreate(t, s, c)
	got, err := s.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sc, got); diff != "" {
		t.Errorf("unicode case (-want +got):\n%s", diff)
	}
	big := strings.Repeat("Peer-to-peer with Dr. Müller 🩺: payer asked for PHQ-9 trend; line\n", 16000) // ~1 MB
	notes := []string{"", "plain", "tab\tnewline\nCR\r end", "combining e\u0301 and zero-width\u200bjoiner", big}
	var want []ketacover.Event
	for _, n := range notes {
		e := ketacover.Event{
			CaseID: sc.ID, Kind: ketacover.EventNote, Date: ketacover.NewDate(2026, 3, 1),
			Actor: "Zoë 🙂", Source: ketacover.SourceWeb, Note: n,
			Details: ketacover.Details{Reason: "«medical necessity» not met", Codes: []string{"J3490"}},
		}
		MustAppend(t, s, &e)
		want = append(want, e)
	}
	if diff := cmp.Diff(want, MustEvents(t, s, sc.ID)); diff != "" {
		t.Errorf("notes (-want +got):\n%.2000s", diff)
	}
}

func testDateTimeRoundTrip(t *testing.T, s ketacover.Store) {
	c := SampleCase(16)
	bd := ketacover.NewDate(1960, 2, 29)
	c.Patient.BirthDate = &bd
	c.History.Episode.Start = ptr(ketacover.NewDate(2025, 12, 31))
	sc := MustCreate(t, s, c)
	got, err := s.Case(ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sc.Case, got.Case); diff != "" {
		t.Errorf("case dates (-want +got):\n%s", diff)
	}
	dates := []ketacover.Date{
		ketacover.NewDate(2024, 2, 29), ketacover.NewDate(2026, 12, 31), ketacover.NewDate(2027, 1, 1),
		ketacover.NewDate(1, 1, 1), ketacover.NewDate(9999, 12, 31), ketacover.NewDate(1970, 1, 1),
	}
	var want []ketacover.Event
	for _, d := range dates {
		e := ketacover.Event{
			CaseID: sc.ID, Kind: ketacover.EventPAApproved, Date: d, Actor: "x", Source: ketacover.SourceImport,
			Details: ketacover.Details{Units: 8, Start: ptr(d), End: ptr(d)},
		}
		MustAppend(t, s, &e)
		if e.Recorded.Nanosecond()%1000 != 0 {
			t.Errorf("Recorded %v has sub-microsecond digits; stores keep microseconds", e.Recorded)
		}
		want = append(want, e)
	}
	if diff := cmp.Diff(want, MustEvents(t, s, sc.ID)); diff != "" {
		t.Errorf("dates (-want +got):\n%s", diff)
	}
}
