package casefile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

// FuzzParse feeds arbitrary bytes to the case loader: it must never panic,
// and whatever it accepts must be a valid case that the engine can judge.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../examples/cases/*.yaml")
	more, _ := filepath.Glob("testdata/*.yaml")
	for _, s := range append(seeds, more...) {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"plan": {"payer": "x", "type": "individual"}, "therapy": {"drug": "esketamine", "indication": "trd"}}`))
	lib, err := policy.Load(policies.FS)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := casefile.Parse("fuzz.yaml", data)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error code %q for %v", ketacover.ErrorCode(err), err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted an invalid case: %v", err)
		}
		facts, err := policy.NewFacts(c, ketacover.MustDate("2026-11-27"))
		if err != nil {
			t.Fatal(err)
		}
		if ds := lib.Check(facts, ""); len(ds) == 0 {
			t.Fatal("no determination")
		}
	})
}
