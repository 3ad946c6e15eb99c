package web

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite generated test files (the wrk scripts)")

// wrkScript is the wrk script that posts formMeets to /check, for the load
// figures in docs/benchmarks/web.md.
func wrkScript() string {
	return `-- Posts the self-check of the patient who meets her payer's criteria
-- (formMeets in server_test.go). Generated: go test ./web -run TestWrkScript -update
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "` + formMeets().Encode() + `"
`
}

// TestWrkScript keeps the load script in step with the test form.
func TestWrkScript(t *testing.T) {
	path := filepath.Join("testdata", "wrk", "selfcheck.lua")
	if *update {
		if err := os.WriteFile(path, []byte(wrkScript()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != wrkScript() {
		t.Errorf("%s is out of date; run go test ./web -run TestWrkScript -update", path)
	}
}
