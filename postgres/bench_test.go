package postgres

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
	"github.com/ketacover/ketacover/storetest"
)

// fill writes n sample cases with perCase events each in one transaction,
// through the same row helpers the store's methods use.
func fill(tb testing.TB, d *DB, n, perCase int) {
	tb.Helper()
	now := records.StoredTime(time.Now())
	err := d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		for i := range n {
			sc := &ketacover.StoredCase{ID: fmt.Sprintf("kc-%08d", i), Case: *storetest.SampleCase(i), Created: now, Actor: "bench"}
			sc.Case.ID = sc.ID
			if err := insertCase(ctx, tx, sc, ketacover.SourceImport); err != nil {
				return err
			}
			for k, e := range storetest.SampleEvents(sc.ID, i, perCase) {
				e.Seq, e.Recorded = k+1, now
				details, err := records.EncodeDetails(e.Details)
				if err != nil {
					return err
				}
				if err := insertEvent(ctx, tx, &e, details); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkTimelines10k walks 10,000 cases with 5 events each.
func BenchmarkTimelines10k(b *testing.B) {
	d := MustOpen(b, Options{})
	fill(b, d, 10000, 5)
	cpu := cpuTime()
	b.ResetTimer()
	storetest.WalkEach(b, d.Timelines, 10000, 50000)
	b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "client-cpu-ms/op")
}

// BenchmarkAppend appends one event at a time, each its own transaction,
// round-robin over 100 cases.
func BenchmarkAppend(b *testing.B) {
	d := MustOpen(b, Options{})
	fill(b, d, 100, 0)
	i := 0
	for b.Loop() {
		e := ketacover.Event{
			CaseID: fmt.Sprintf("kc-%08d", i%100), Kind: ketacover.EventSession,
			Date: ketacover.NewDate(2026, 1, 1).AddDays(i / 100), Actor: "bench", Source: ketacover.SourceCLI,
			Details: ketacover.Details{Units: 1},
		}
		if err := d.Append(ctx, &e, func([]ketacover.Event) error { return nil }); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// cpuTime returns the CPU time this process (the client, not the server)
// has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
