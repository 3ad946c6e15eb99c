package policy

import (
	"encoding/json"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policies"
)

// TestReleaseKeepsDeterminations: what Check returns holds no part of the
// Facts it judged, so releasing them and building the next case's facts
// in the same memory changes nothing of it. Each example case is judged,
// its determinations written down, its facts released and the next
// case's facts built and judged (most often in the same Facts, which the
// test counts), and then the first determinations are compared with what
// was written down.
func TestReleaseKeepsDeterminations(t *testing.T) {
	lib, err := Load(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	files, cases := exampleCases(t)
	asOf := ketacover.MustDate("2026-11-27")
	reused := 0
	for i, c := range cases {
		f, err := NewFacts(c, asOf)
		if err != nil {
			t.Fatal(err)
		}
		ds := lib.Check(f, "")
		before, _ := json.Marshal(ds)
		f.Release()
		next := cases[(i+1)%len(cases)]
		g, err := NewFacts(next, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if g == f {
			reused++
		}
		lib.Check(g, "")
		if after, _ := json.Marshal(ds); string(after) != string(before) {
			t.Errorf("%s: determinations changed after its facts were released and reused:\nbefore %s\nafter  %s", files[i], before, after)
		}
		g.Release()
	}
	if reused == 0 {
		t.Error("no Facts was reused, so the test showed nothing")
	}
	t.Logf("%d cases, facts reused %d times", len(cases), reused)
}
