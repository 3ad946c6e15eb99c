package crd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ketacover/ketacover/fhir"
)

// BenchmarkAnswer is the cost of answering one order-sign call with
// prefetch (decode, FHIR checks, case mapping, two policy evaluations, two
// system actions), without HTTP.
func BenchmarkAnswer(b *testing.B) {
	s, _ := newServer(b, nil)
	body := mustJSON(b, orderSignRequest(b, history()))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		req, err := DecodeHookRequest(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Answer(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU reports the process's CPU time per call (garbage collection
// included) when the returned function is called: on a machine others
// share, it moves less than the wall time per call.
func reportCPU(b *testing.B) func() {
	cpu0 := cpuTime()
	return func() {
		if d := cpuTime() - cpu0; d > 0 && b.N > 0 {
			b.ReportMetric(float64(d.Nanoseconds())/1000/float64(b.N), "cpu-us/op")
		}
	}
}

// BenchmarkServeHook is one order-sign call through the handler as
// "ketacover serve" configures it (no payer rules, so both orders are
// judged against the reference profiles), without the network: reading
// the body, the gate, decoding, answering and writing the answer. It is
// the server's share of BenchmarkOrderSign200 and of the wrk run.
func BenchmarkServeHook(b *testing.B) {
	s, _ := newServer(b, func(c *Config) { c.Payers = nil })
	h := s.Handler()
	body := mustJSON(b, orderSignRequest(b, history()))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/cds-services/ketacover-order-sign", bytes.NewReader(body))
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkAnswerCold is BenchmarkAnswer with every resource validated
// again on every call, as when each call is for a new patient.
func BenchmarkAnswerCold(b *testing.B) {
	s, _ := newServer(b, nil)
	body := mustJSON(b, orderSignRequest(b, history()))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		fhir.ForgetChecked()
		req, err := DecodeHookRequest(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Answer(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOrderSign200 is the load test of the issue: order-sign with
// prefetch, 200 requests in flight at all times (each of 200 clients sends
// its next request as soon as the last is answered) against an httptest
// server on loopback. Latency here is mostly queueing: with 200 in flight,
// mean latency is 200 / throughput (Little's law). It reports the latency
// percentiles and the errors (any non-200). CRD allows 5 s for 90% of
// calls; the target here is p99 under 50 ms.
func BenchmarkOrderSign200(b *testing.B) { loadTest(b, 200, 0) }

// BenchmarkOrderSign200Paced is the same 200 clients, each sending one
// request every 500 ms (400 requests a second offered), so latency is the
// time to answer one call while others arrive, not time spent queued
// behind a saturated CPU.
func BenchmarkOrderSign200Paced(b *testing.B) { loadTest(b, 200, 500*time.Millisecond) }

func loadTest(b *testing.B, concurrency int, every time.Duration) {
	_, ts := newServer(b, nil)
	body := mustJSON(b, orderSignRequest(b, history()))
	loadTestURL(b, ts.URL+"/cds-services/ketacover-order-sign", body, concurrency, every)
}

// loadTestURL posts body to url from concurrency clients, each sending its
// next request when the last is answered (every 0) or every period.
func loadTestURL(b *testing.B, url string, body []byte, concurrency int, every time.Duration) {
	tr := &http.Transport{MaxIdleConns: concurrency, MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var (
		mu    sync.Mutex
		lat   = make([]time.Duration, 0, b.N)
		errs  atomic.Int64
		next  atomic.Int64
		wg    sync.WaitGroup
		cpu0  = cpuTime()
		wall0 = time.Now()
	)
	b.ResetTimer()
	for w := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			if every > 0 {
				// Spread the clients' first calls over one period.
				time.Sleep(every * time.Duration(w) / time.Duration(concurrency))
			}
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				res, err := client.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					errs.Add(1)
				}
				d := time.Since(t0)
				mine = append(mine, d)
				if every > d {
					time.Sleep(every - d)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	wall := time.Since(wall0)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.90), "p90-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(errs.Load()), "errors")
	b.ReportMetric(float64(b.N)/wall.Seconds(), "req/s")
	if d := cpuTime() - cpu0; d > 0 {
		b.ReportMetric(float64(d.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
	if testing.Verbose() {
		fmt.Printf("n=%d wall=%s p50=%.1fms p99=%.1fms errors=%d\n", b.N, wall, pct(0.5), pct(0.99), errs.Load())
	}
}
