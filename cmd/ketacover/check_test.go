package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runCmd runs ketacover in-process as of 2026-11-27 and returns its
// output and exit status.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errb,
		getenv: func(k string) string {
			if k == "KETACOVER_TODAY" {
				return "2026-11-27"
			}
			return ""
		},
		now: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
	}
	status = run(context.Background(), e, args)
	return out.String(), errb.String(), status
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestCheckExamples runs check on every example case, text and JSON, and
// compares with the golden files; each example's exit status is the one
// its outcome calls for.
func TestCheckExamples(t *testing.T) {
	wantStatus := map[string]int{
		"esketamine-hcsc-meets":                 exitOK,
		"esketamine-highmark-does-not-meet":     exitNo,
		"esketamine-salud-information-needed":   exitMoreInfo,
		"ketamine-iv-bcbs-alabama-not-covered":  exitNo,
		"esketamine-aetna-no-policy":            exitMoreInfo,
		"ketamine-iv-bcbsma-meets":              exitMoreInfo,
		"esketamine-uhc-mdsi":                   exitOK,
		"esketamine-ohio-medicaid-continuation": exitOK,
		"ketamine-iv-aetna-no-policy":           exitNo,
		"esketamine-ppo-estimate":               exitMoreInfo,
		"ketamine-iv-self-pay":                  exitNo,
	}
	files, err := filepath.Glob("../../examples/cases/*.yaml")
	if err != nil || len(files) < 8 {
		t.Fatalf("want at least 8 example cases, found %d (%v)", len(files), err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			want, ok := wantStatus[name]
			if !ok {
				t.Fatalf("no expected exit status for example %s; add it to the table", name)
			}
			out, errOut, st := runCmd(t, "check", f)
			if st != want {
				t.Errorf("exit status %d, want %d; stderr: %s", st, want, errOut)
			}
			golden(t, name+".txt", out)
			js, _, st2 := runCmd(t, "check", "--json", f)
			if st2 != st {
				t.Errorf("--json exit status %d, text %d", st2, st)
			}
			golden(t, name+".json", strings.ReplaceAll(js, filepath.Dir(f), "examples/cases"))
		})
	}
}
