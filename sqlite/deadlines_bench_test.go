package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/internal/records"
	"github.com/ketacover/ketacover/storetest"
	"github.com/ketacover/ketacover/timeline"
)

// openTimeline returns the events of case i: every case has a clock
// running, cycling through a pending request, a denial in its appeal
// window, a pending appeal, and an authorization running low.
func openTimeline(id string, i int) []ketacover.Event {
	day := ketacover.NewDate(2026, 6, 1).AddDays(i % 120)
	ev := func(k ketacover.EventKind, n int, d ketacover.Details) ketacover.Event {
		return ketacover.Event{CaseID: id, Kind: k, Date: day.AddDays(n), Actor: "bench", Source: ketacover.SourceCLI, Details: d}
	}
	es := []ketacover.Event{
		ev(ketacover.EventBenefitCheck, 0, ketacover.Details{}),
		ev(ketacover.EventPASubmitted, 2, ketacover.Details{Method: "portal", Codes: []string{"J0013", "G2083"}}),
	}
	switch i % 4 {
	case 1:
		es = append(es, ev(ketacover.EventPADenied, 12, ketacover.Details{DenialClass: "medical-necessity", Reason: "criteria not met"}))
	case 2:
		es = append(es,
			ev(ketacover.EventPADenied, 12, ketacover.Details{DenialClass: "medical-necessity"}),
			ev(ketacover.EventAppealFiled, 20, ketacover.Details{Level: 1}))
	case 3:
		end := day.AddDays(60)
		es = append(es,
			ev(ketacover.EventPAApproved, 5, ketacover.Details{Units: 8, End: &end, Reference: fmt.Sprintf("PA%06d", i)}),
			ev(ketacover.EventSession, 7, ketacover.Details{Units: 7}))
	}
	return es
}

// BenchmarkDeadlines10k is "ketacover deadlines" over 10,000 cases with a
// clock open on each: read every timeline from SQLite, fold it, look up and
// compute its deadlines, and sort them all.
//
// The store stays open between iterations, as in the web app, so SQLite's
// page cache is warm; BenchmarkDeadlines10kCold measures the first listing
// on a new connection, as a command-line run does.
func BenchmarkDeadlines10k(b *testing.B) {
	d := fillOpen(b, filepath.Join(b.TempDir(), "bench.db"))
	book, err := deadline.Default()
	if err != nil {
		b.Fatal(err)
	}
	today := ketacover.NewDate(2026, 9, 1)
	cpu := cpuTime()
	b.ResetTimer()
	var n int
	for b.Loop() {
		ds, err := timeline.Agenda(ctx, d, book, today, timeline.DefaultReminders, 0)
		if err != nil {
			b.Fatal(err)
		}
		n = len(ds)
	}
	reportCPU(b, cpu)
	if n < 10000 {
		b.Fatalf("%d deadlines for 10,000 cases with a clock open on each", n)
	}
	b.ReportMetric(float64(n), "deadlines")
}

// BenchmarkDeadlines10kCold is BenchmarkDeadlines10k on a store opened
// afresh for each listing (not timed: opening checks the migrations), so
// SQLite's page cache starts empty and every page is read from the file
// (which the operating system has cached), as in "ketacover deadlines";
// the store is opened as the command line opens it (CLICacheKiB).
func BenchmarkDeadlines10kCold(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.db")
	if err := fillOpen(b, path).Close(); err != nil {
		b.Fatal(err)
	}
	book, err := deadline.Default()
	if err != nil {
		b.Fatal(err)
	}
	today := ketacover.NewDate(2026, 9, 1)
	var cpu time.Duration
	b.ResetTimer()
	var n int
	for b.Loop() {
		b.StopTimer()
		d, err := Open(ctx, path, Options{CacheKiB: CLICacheKiB})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := cpuTime()
		ds, err := timeline.Agenda(ctx, d, book, today, timeline.DefaultReminders, 0)
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - start
		n = len(ds)
		b.StopTimer()
		if err := d.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	if n < 10000 {
		b.Fatalf("%d deadlines for 10,000 cases with a clock open on each", n)
	}
	b.ReportMetric(float64(n), "deadlines")
}

// fillOpen opens a store at path holding 10,000 cases with openTimeline's
// events.
func fillOpen(b *testing.B, path string) *DB {
	d := MustOpen(b, path, Options{})
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := records.StoredTime(time.Now())
	for i := range 10000 {
		sc := &ketacover.StoredCase{ID: fmt.Sprintf("kc-%08d", i), Case: *storetest.SampleCase(i), Created: now, Actor: "bench"}
		sc.Case.ID = sc.ID
		if err := insertCase(ctx, tx, sc, ketacover.SourceImport); err != nil {
			b.Fatal(err)
		}
		for k, e := range openTimeline(sc.ID, i) {
			e.Seq, e.Recorded = k+1, now
			details, err := records.EncodeDetails(e.Details)
			if err != nil {
				b.Fatal(err)
			}
			if err := insertEvent(ctx, tx, &e, details); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return d
}
