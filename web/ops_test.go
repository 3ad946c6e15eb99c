package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
)

// TestLogsCarryNoHealthInformation: after a patient's self-check, an API
// check and failed attempts, the logs hold one structured line per request
// and none of the case's facts.
func TestLogsCarryNoHealthInformation(t *testing.T) {
	s, logs := MustServer(t, Deps{})
	h := s.Handler()
	form := formMeets()
	form.Set("oral_ad_name", "escitalopram 20 mg")
	postForm(t, h, "/check", form)
	bad := formMeets()
	bad.Set("age", "999")
	postForm(t, h, "/check", bad)
	do(t, h, "POST", "/api/v1/check?payer=Highmark", "application/yaml", strings.NewReader(example(t, "esketamine-hcsc-meets.yaml")))
	do(t, h, "POST", "/api/v1/check", "application/yaml", strings.NewReader("patient: {name: Dana Whitfield, age: 500}\n"))
	do(t, h, "GET", "/policies?payer=Dana+Whitfield", "", nil)

	out := logs.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Errorf("%d log lines, want one per request (5):\n%s", len(lines), out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "{") || !strings.Contains(l, `"msg":"request"`) || !strings.Contains(l, `"route":`) {
			t.Errorf("not a structured request line: %s", l)
		}
	}
	// Every answer a patient gave, and the example's identifying facts.
	facts := []string{"Dana Whitfield", "ZGP123456789", "1985-04-12", "73102", "Highmark", "Blue Cross", "Oklahoma"}
	for _, vals := range form {
		for _, v := range vals {
			if len(v) > 2 && v != "yes" && v != "no" {
				facts = append(facts, v)
			}
		}
	}
	// Scan every logged value except the clock's and the sizes' (whose
	// digits may match a dose or an age by chance).
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line is not JSON: %s", l)
		}
		for k, v := range rec {
			if k == "time" || k == "duration_ms" || k == "bytes" {
				continue
			}
			val := fmt.Sprint(v)
			for _, f := range facts {
				if val == f || len(f) >= 4 && strings.Contains(val, f) {
					t.Errorf("the logs contain the case fact %q in %s: %s", f, k, l)
				}
			}
		}
	}
}

// TestMetrics: requests are counted by route and status, their latency is
// a well-formed histogram, and evaluations are counted by outcome.
func TestMetrics(t *testing.T) {
	s, _ := MustServer(t, Deps{})
	h := s.Handler()
	postForm(t, h, "/check", formMeets())
	postForm(t, h, "/check", formMissing())
	postForm(t, h, "/check", url.Values{})
	do(t, h, "POST", "/api/v1/check", "", strings.NewReader(example(t, "ketamine-iv-bcbs-alabama-not-covered.yaml")))
	do(t, h, "GET", "/policies", "", nil)
	do(t, h, "GET", "/no/such", "", nil)
	_, body := do(t, h, "GET", "/metrics", "", nil)

	samples := map[string]float64{}
	types := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(rest, " ")
			types[name] = typ
			continue
		}
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample line %q", line)
		}
		samples[line[:i]] = v
	}
	wantTypes := map[string]string{
		"ketacover_http_requests_total":           "counter",
		"ketacover_http_request_duration_seconds": "histogram",
		"ketacover_http_requests_in_flight":       "gauge",
		"ketacover_evaluations_total":             "counter",
	}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("metric families (-want +got):\n%s", diff)
	}
	want := map[string]float64{
		`ketacover_http_requests_total{route="POST /check",code="200"}`:                 2,
		`ketacover_http_requests_total{route="POST /check",code="400"}`:                 1,
		`ketacover_http_requests_total{route="POST /api/v1/check",code="200"}`:          1,
		`ketacover_http_requests_total{route="GET /policies",code="200"}`:               1,
		`ketacover_http_requests_total{route="/",code="404"}`:                           1,
		`ketacover_http_request_duration_seconds_count{route="POST /check"}`:            3,
		`ketacover_http_request_duration_seconds_bucket{route="POST /check",le="+Inf"}`: 3,
		`ketacover_evaluations_total{outcome="meets-criteria"}`:                         1,
		`ketacover_evaluations_total{outcome="information-needed"}`:                     1,
		`ketacover_evaluations_total{outcome="not-covered"}`:                            1,
		`ketacover_evaluations_total{outcome="does-not-meet"}`:                          0,
		`ketacover_http_requests_in_flight`:                                             1, // the /metrics request itself
	}
	for k, v := range want {
		if got, ok := samples[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	// Buckets are cumulative: never decreasing, ending at the count.
	prev := -1.0
	for _, le := range append(buckets, 0) {
		bound := "+Inf"
		if le != 0 {
			bound = formatFloat(le)
		}
		v := samples[`ketacover_http_request_duration_seconds_bucket{route="POST /check",le="`+bound+`"}`]
		if v < prev {
			t.Errorf("bucket le=%s is %v, below the previous %v", bound, v, prev)
		}
		prev = v
	}
}

// TestConfigValidate: every bad setting is named in one message.
func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want []string // substrings of the error; none means valid
	}{
		{"default", func(*Config) {}, nil},
		{"free port", func(c *Config) { c.Addr = ":0" }, nil},
		{"no port", func(c *Config) { c.Addr = "localhost" }, []string{`addr "localhost": want host:port`}},
		{"bad port", func(c *Config) { c.Addr = ":http-ish" }, []string{`the port "http-ish" is not a port number`}},
		{"big port", func(c *Config) { c.Addr = ":70000" }, []string{`the port "70000"`}},
		{"dev dir", func(c *Config) { c.DevDir = t.TempDir() }, []string{"want the web package's folder"}},
		{"dev dir ok", func(c *Config) { c.DevDir = "." }, nil},
		{"several", func(c *Config) { c.MaxBodyBytes = 10; c.ShutdownTimeout = 0 }, []string{"max body bytes 10", "shutdown timeout 0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted a bad configuration")
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code %s, want invalid", ketacover.ErrorCode(err))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// blockingEstimator holds a request until released, to have one in flight.
type blockingEstimator struct {
	started chan struct{}
	release chan struct{}
}

func (b blockingEstimator) Estimate(ctx context.Context, c *ketacover.Case, asOf ketacover.Date) (*Estimate, error) {
	close(b.started)
	<-b.release
	return &Estimate{Summary: "done"}, nil
}

// TestGracefulShutdown: the server binds before serving (so :0 works),
// and when its context ends it stops accepting but finishes the request
// in flight before Serve returns.
func TestGracefulShutdown(t *testing.T) {
	est := blockingEstimator{started: make(chan struct{}), release: make(chan struct{})}
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	s, err := New(cfg, Deps{Library: library(t), Estimator: est})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	u := s.URL()
	if !strings.HasPrefix(u, "http://127.0.0.1:") || strings.HasSuffix(u, ":0/") {
		t.Fatalf("URL = %q, want the bound port", u)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx) }()

	res, err := http.Get(u + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	type reply struct {
		status int
		body   string
		err    error
	}
	inflight := make(chan reply, 1)
	go func() {
		res, err := http.Post(u+"api/v1/estimate", "application/yaml", strings.NewReader(example(t, "esketamine-hcsc-meets.yaml")))
		if err != nil {
			inflight <- reply{err: err}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		inflight <- reply{status: res.StatusCode, body: string(b)}
	}()
	<-est.started
	cancel()
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
		// Not a timing assertion: only a chance for a wrong early return.
	}
	close(est.release)
	r := <-inflight
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"summary": "done"`) {
		t.Errorf("request in flight: %d %q %v", r.status, r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get(u + "healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

// TestDevMode: with DevDir set, templates and static files are read from
// disk on every request, so an edit shows without a restart, and nothing
// is cached.
func TestDevMode(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"templates", "static"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS(sub)); err != nil {
			t.Fatal(err)
		}
	}
	cfg := DefaultConfig()
	cfg.DevDir = dir
	s, err := New(cfg, Deps{Library: library(t), Today: func() ketacover.Date { return today }})
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "templates", "home.html")
	orig, err := os.ReadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	for _, headline := range []string{"First edit", "Second edit"} {
		edited := strings.Replace(string(orig), "Will insurance pay for ketamine or Spravato?", headline, 1)
		if err := os.WriteFile(home, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, body := do(t, s.Handler(), "GET", "/", "", nil); !strings.Contains(body, "<h1>"+headline+"</h1>") {
			t.Errorf("dev mode did not pick up the edit %q", headline)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "static", "style.css"), []byte("body{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, body := do(t, s.Handler(), "GET", "/static/style.css", "", nil); body != "body{}" {
		t.Errorf("dev mode serves %q, not the file on disk", body)
	}
	// A template that no longer parses is an internal error, not a crash.
	if err := os.WriteFile(home, []byte("{{define \"content\"}}{{.Nope"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, _ := do(t, s.Handler(), "GET", "/", "", nil); res.StatusCode != 500 {
		t.Errorf("broken template: status %d, want 500", res.StatusCode)
	}
}
