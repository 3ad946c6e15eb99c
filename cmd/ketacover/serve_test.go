package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeEndToEnd runs the real "ketacover serve" on :0: it prints the
// URL, answers health, a page, the API and a self-check, and exits 0 when
// interrupted.
func TestServeEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr syncWriter
	e := &env{
		stdin:  strings.NewReader(""),
		stdout: outW,
		stderr: &stderr,
		getenv: func(k string) string {
			switch k {
			case "KETACOVER_TODAY":
				return "2026-11-27"
			case "KETACOVER_LOG_FORMAT":
				return "json"
			}
			return ""
		},
		now: time.Now,
	}
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, e, []string{"serve", "--addr", "127.0.0.1:0"})
		outW.Close()
	}()

	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("read the URL line: %v (stderr: %s)", err, stderr.String())
	}
	go io.Copy(io.Discard, outR)
	u := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/`).FindString(line)
	if u == "" || strings.HasSuffix(u, ":0/") {
		t.Fatalf("no URL to open in %q", line)
	}

	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(u + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if st, body := get("healthz"); st != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz: %d %s", st, body)
	}
	if st, body := get("readyz"); st != 200 || !strings.Contains(body, `"ready"`) {
		t.Errorf("readyz: %d %s", st, body)
	}
	if st, body := get("policies?therapy=esketamine"); st != 200 || !strings.Contains(body, "Payer policies") {
		t.Errorf("policies: %d", st)
	}
	// The CDS Hooks service is mounted once the address is known.
	if st, body := get("cds-services"); st != 200 || !strings.Contains(body, `"hook":"order-sign"`) {
		t.Errorf("cds-services discovery: %d %.200s", st, body)
	}
	res, err := http.PostForm(u+"check", url.Values{
		"payer": {"Aetna"}, "plan_type": {"individual"}, "therapy": {"esketamine"}, "indication": {"trd"}, "age": {"30"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "No policy on file for this payer") || !strings.Contains(string(b), "date of service 2026-11-27") {
		t.Errorf("self-check: %d, page lacks the no-policy answer on KETACOVER_TODAY", res.StatusCode)
	}

	cancel()
	if code := <-exited; code != exitOK {
		t.Errorf("exit status %d after interrupt, want 0; stderr:\n%s", code, stderr.String())
	}
	logs := stderr.String()
	if !strings.Contains(logs, `"msg":"request"`) || !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("want JSON request logs and a clean stop:\n%s", logs)
	}
	if strings.Contains(logs, "Aetna") {
		t.Errorf("the logs carry what the patient typed:\n%s", logs)
	}
}

// syncWriter is a buffer the server's goroutines may write concurrently.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
