package policy

import (
	"encoding/json"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policies"
)

// bundled loads the bundled library, or fails the test.
func bundled(t *testing.T) *Library {
	t.Helper()
	lib, err := Load(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// mustFacts builds the facts of c on asOf, or fails the test.
func mustFacts(t *testing.T, c *ketacover.Case, asOf ketacover.Date) *Facts {
	t.Helper()
	f, err := NewFacts(c, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestReleaseKeepsDeterminations: what Check returns holds no part of the
// Facts it judged, so releasing them and building the next case's facts
// in the same memory changes nothing of it. Each example case is judged,
// its determinations written down, its facts released and the next
// case's facts built and judged (most often in the same Facts, which the
// test counts), and then the first determinations are compared with what
// was written down.
func TestReleaseKeepsDeterminations(t *testing.T) {
	lib := bundled(t)
	files, cases := exampleCases(t)
	asOf := ketacover.MustDate("2026-11-27")
	reused := 0
	for i, c := range cases {
		f := mustFacts(t, c, asOf)
		ds := lib.Check(f, "")
		before, _ := json.Marshal(ds)
		f.Release()
		next := cases[(i+1)%len(cases)]
		g := mustFacts(t, next, asOf)
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

// TestNoReasons: with NoReasons set, Check returns the same determinations
// with every criterion's Reason left empty, and nothing else changed.
func TestNoReasons(t *testing.T) {
	lib := bundled(t)
	files, cases := exampleCases(t)
	asOf := ketacover.MustDate("2026-11-27")
	reasons := 0
	for i, c := range cases {
		want := lib.Check(mustFacts(t, c, asOf), "")
		g := mustFacts(t, c, asOf)
		g.NoReasons = true
		got := lib.Check(g, "")
		for j := range want {
			for k := range want[j].Criteria {
				if want[j].Criteria[k].Reason != "" {
					reasons++
				}
				want[j].Criteria[k].Reason = ""
			}
		}
		w, _ := json.Marshal(want)
		if g, _ := json.Marshal(got); string(g) != string(w) {
			t.Errorf("%s: with NoReasons\n%s\nwant (reasons blanked)\n%s", files[i], g, w)
		}
	}
	if reasons == 0 {
		t.Error("no criterion had a reason to leave out, so the test showed nothing")
	}
}
