package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ketacover/ketacover"
)

// Load benchmarks: a real server on loopback, hit by 200 concurrent
// keep-alive connections (closed loop: each connection sends its next
// request when the last one is answered). They report throughput, p50 and
// p99 latency and the error count; docs/benchmarks/web.md has the figures
// and the command:
//
//	go test ./web -run '^$' -bench BenchmarkLoad -benchtime 20000x
//
// The client runs in the same process on the same cores, so the figures
// are a lower bound of what the server alone does.

const loadConns = 200

func BenchmarkLoadSelfCheck(b *testing.B) {
	body := formMeets().Encode()
	loadBench(b, func() (*http.Request, error) {
		req, err := http.NewRequest("POST", "/check", strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		return req, err
	}, "Your answers meet this policy")
}

func BenchmarkLoadAPICheck(b *testing.B) {
	body := example(&testing.T{}, "esketamine-hcsc-meets.yaml")
	loadBench(b, func() (*http.Request, error) {
		req, err := http.NewRequest("POST", "/api/v1/check", strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/yaml")
		}
		return req, err
	}, `"outcome": "meets-criteria"`)
}

func BenchmarkLoadPolicyList(b *testing.B) {
	loadBench(b, func() (*http.Request, error) { return http.NewRequest("GET", "/policies", nil) }, "Payer policies")
}

func BenchmarkLoadPolicySearch(b *testing.B) {
	loadBench(b, func() (*http.Request, error) {
		return http.NewRequest("GET", "/policies?payer=blue&therapy=esketamine", nil)
	}, "Blue Cross")
}

func BenchmarkLoadPolicyPage(b *testing.B) {
	loadBench(b, func() (*http.Request, error) { return http.NewRequest("GET", "/policies/premera-5-01-609", nil) }, "Premera")
}

func BenchmarkLoadCompare(b *testing.B) {
	loadBench(b, func() (*http.Request, error) { return http.NewRequest("GET", "/compare?therapy=esketamine", nil) }, "Compare payers")
}

// loadBench serves on 127.0.0.1:0 and sends b.N requests over loadConns
// connections, checking every answer is a 200 holding want.
func loadBench(b *testing.B, newReq func() (*http.Request, error), want string) {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	s, err := New(cfg, Deps{Library: library(b), Today: func() ketacover.Date { return today }})
	if err != nil {
		b.Fatal(err)
	}
	runLoad(b, s, loadConns, newReq, want)
}

// serving serves s on its address (Listen, then Serve, as ketacover serve
// does); the function it returns stops it and reports Serve's error.
func serving(tb testing.TB, s *Server) (stop func()) {
	tb.Helper()
	if err := s.Listen(); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx) }()
	return func() {
		cancel()
		if err := <-served; err != nil {
			tb.Error(err)
		}
	}
}

// runLoad serves s on its address and sends b.N requests over conns
// keep-alive connections, checking every answer is a 200 holding want.
func runLoad(b *testing.B, s *Server, conns int, newReq func() (*http.Request, error), want string) {
	defer serving(b, s)()
	base := strings.TrimSuffix(s.URL(), "/")
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	// One request first, to check the answer and warm the caches.
	if _, err := once(client, base, newReq, want); err != nil {
		b.Fatal(err)
	}

	var next, errs, size atomic.Int64
	var firstErr atomic.Value
	lat := make([][]time.Duration, conns)
	var wg sync.WaitGroup
	b.ReportAllocs()
	stopProfile := loadProfile(b)
	b.ResetTimer()
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				n, err := once(client, base, newReq, want)
				size.Add(int64(n))
				lat[w] = append(lat[w], time.Since(t0))
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	stopProfile()

	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(errs.Load()), "errors")
	b.ReportMetric(float64(size.Load())/float64(max(1, len(all)))/1024, "KB/resp")
	if n := errs.Load(); n > 0 {
		b.Errorf("%d errors; first: %v", n, firstErr.Load())
	}
	if os.Getenv("KETACOVER_LOAD_VERBOSE") != "" {
		fmt.Fprintf(os.Stderr, "%s: %d requests in %s, GOMAXPROCS %d, max %.1f ms\n", b.Name(), len(all), elapsed.Round(time.Millisecond), runtime.GOMAXPROCS(0), float64(all[len(all)-1].Microseconds())/1000)
	}
}

// loadProfile writes a CPU profile of the timed part of a load benchmark
// (not the setup, which for the workbench is a minute of inserts) to the
// file KETACOVER_LOAD_PROFILE names, if it names one. The returned
// function stops it.
func loadProfile(b *testing.B) func() {
	path := os.Getenv("KETACOVER_LOAD_PROFILE")
	if path == "" || b.N == 1 {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Error(err)
		}
	}
}

// once sends one request and checks the answer, returning its size.
func once(client *http.Client, base string, newReq func() (*http.Request, error), want string) (int, error) {
	req, err := newReq()
	if err != nil {
		return 0, err
	}
	u := base + req.URL.String()
	req2, err := http.NewRequest(req.Method, u, req.Body)
	if err != nil {
		return 0, err
	}
	req2.Header = req.Header
	res, err := client.Do(req2)
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return len(body), err
	}
	if res.StatusCode != http.StatusOK {
		return len(body), fmt.Errorf("%s %s: %s", req.Method, u, res.Status)
	}
	if !bytes.Contains(body, []byte(want)) {
		return len(body), fmt.Errorf("%s %s: answer lacks %q", req.Method, u, want)
	}
	return len(body), nil
}
