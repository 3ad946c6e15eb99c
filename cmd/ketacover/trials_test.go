package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestTrialsFetchReplay runs "trials fetch" against a local server that
// replays the two recorded pages of an API v2 search, and checks the query
// it sends, what it stores and what -o writes.
func TestTrialsFetchReplay(t *testing.T) {
	page := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "trials", "testdata", "api", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var queries []string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/studies", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		queries = append(queries, q.Get("query.cond")+" | "+q.Get("query.intr")+" | "+q.Get("filter.overallStatus")+" | "+q.Get("pageToken"))
		switch q.Get("pageToken") {
		case "":
			w.Write(page("studies-page-1.json"))
		case "NF0g5JGBlPMuwQY":
			w.Write(page("studies-page-2.json"))
		default:
			http.Error(w, "bad page token", http.StatusBadRequest)
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	data := t.TempDir()
	kc := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, now: time.Now,
			getenv: func(k string) string {
				return map[string]string{"KETACOVER_DATA": data, "KETACOVER_CLINICALTRIALS_URL": srv.URL + "/api/v2"}[k]
			}}
		st := run(context.Background(), e, args)
		return out.String(), errb.String(), st
	}

	out, errOut, st := kc("trials", "fetch")
	if st != exitOK {
		t.Fatalf("fetch: status %d: %s", st, errOut)
	}
	want := "fetched 6 studies in 2 pages (the API counts 6)\nstored 6 studies in " + filepath.Join(data, "trials.json") + ": 6 added, 0 replaced\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("fetch output (-want +got):\n%s", diff)
	}
	wantQ := []string{
		"depression | ketamine OR esketamine | RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION | ",
		"depression | ketamine OR esketamine | RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION | NF0g5JGBlPMuwQY",
	}
	if diff := cmp.Diff(wantQ, queries); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
	// What was stored is searchable.
	out, _, st = kc("trials", "near", "10001")
	if st != exitOK || !strings.HasPrefix(out, "2 of 6 stored studies with a site within 100 mi of ZIP 10001:") {
		t.Errorf("near after fetch: status %d\n%s", st, out)
	}

	// -o writes a file that import reads, and one page only with --max-pages 1.
	queries = nil
	file := filepath.Join(t.TempDir(), "fetched.json")
	out, errOut, st = kc("trials", "fetch", "--condition", "bipolar depression", "--status", "any", "--max-pages", "1", "-o", file)
	if st != exitOK {
		t.Fatalf("fetch -o: status %d: %s", st, errOut)
	}
	if !strings.Contains(out, "stopped after 1 pages; raise --max-pages") || !strings.Contains(out, "wrote "+file) {
		t.Errorf("fetch -o output:\n%s", out)
	}
	if diff := cmp.Diff([]string{"bipolar depression | ketamine OR esketamine |  | "}, queries); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
	out, errOut, st = kc("trials", "import", file)
	if st != exitOK || !strings.Contains(out, "4 studies read") || !strings.Contains(out, "stored 6 studies") {
		t.Errorf("import of fetched file: status %d\n%s%s", st, out, errOut)
	}

	// A server error is an environment error (exit 4) that says what failed.
	srvErr := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
	}))
	defer srvErr.Close()
	var errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &errb, now: time.Now,
		getenv: func(k string) string {
			return map[string]string{"KETACOVER_DATA": data, "KETACOVER_CLINICALTRIALS_URL": srvErr.URL}[k]
		}}
	if st := run(context.Background(), e, []string{"trials", "fetch"}); st != exitInternal || !strings.Contains(errb.String(), "HTTP 503: upstream unavailable") {
		t.Errorf("server error: status %d, stderr %q", st, errb.String())
	}
}
