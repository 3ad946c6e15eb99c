package sqlite

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
	"github.com/ketacover/ketacover/storetest"
)

// fill writes n sample cases with perCase events each in one transaction,
// through the same row helpers the store's methods use. It is set-up for
// benchmarks, not a public bulk API.
func fill(tb testing.TB, d *DB, n, perCase int) {
	tb.Helper()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	now := records.StoredTime(time.Now())
	for i := range n {
		sc := &ketacover.StoredCase{ID: fmt.Sprintf("kc-%08d", i), Case: *storetest.SampleCase(i), Created: now, Actor: "bench"}
		sc.Case.ID = sc.ID
		if err := insertCase(ctx, tx, sc, ketacover.SourceImport); err != nil {
			tb.Fatal(err)
		}
		for k, e := range storetest.SampleEvents(sc.ID, i, perCase) {
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

// BenchmarkTimelines10k walks 10,000 cases with 5 events each: the read
// that `ketacover deadlines` does before any deadline arithmetic.
func BenchmarkTimelines10k(b *testing.B) {
	for _, enc := range []bool{false, true} {
		name := "plain"
		if enc {
			name = "encrypted"
		}
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.db")
			var d *DB
			if enc {
				d = mustOpenDerived(b, path, deriveKey(testKey))
			} else {
				d = MustOpen(b, path, Options{})
			}
			fill(b, d, 10000, 5)
			cpu := cpuTime()
			b.ResetTimer()
			storetest.WalkEach(b, d.Timelines, 10000, 50000)
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkScanTimelines10k is BenchmarkTimelines10k/plain through
// ScanTimelines, which reuses the case and the events it hands to fn: the
// read that Agenda does.
func BenchmarkScanTimelines10k(b *testing.B) {
	d := MustOpen(b, filepath.Join(b.TempDir(), "bench.db"), Options{})
	fill(b, d, 10000, 5)
	cpu := cpuTime()
	b.ResetTimer()
	storetest.WalkEach(b, d.ScanTimelines, 10000, 50000)
	reportCPU(b, cpu)
}

// BenchmarkAppend appends one event at a time, each its own durable
// transaction (synchronous=FULL), round-robin over 100 cases so that each
// check sees a short timeline, as in a clinic.
func BenchmarkAppend(b *testing.B) {
	for _, enc := range []bool{false, true} {
		name := "plain"
		if enc {
			name = "encrypted"
		}
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.db")
			var d *DB
			if enc {
				d = mustOpenDerived(b, path, deriveKey(testKey))
			} else {
				d = MustOpen(b, path, Options{})
			}
			fill(b, d, 100, 0)
			i := 0
			for b.Loop() {
				e := ketacover.Event{
					CaseID: fmt.Sprintf("kc-%08d", i%100), Kind: ketacover.EventSession,
					Date: ketacover.NewDate(2026, 1, 1).AddDays(i / 100), Actor: "bench", Source: ketacover.SourceCLI,
					Details: ketacover.Details{Units: 1},
				}
				err := d.Append(ctx, &e, func(prior []ketacover.Event) error {
					if len(prior) > 0 && e.Date.Before(prior[len(prior)-1].Date) {
						return fmt.Errorf("out of order")
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// cpuTime returns the CPU time (user and system) the process has used. On
// a machine shared with other work, CPU per operation says more about the
// code than wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the CPU time per operation since start as "cpu-ms/op".
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
