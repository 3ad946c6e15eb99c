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

// TestNoReasons: with NoReasons set, Check returns the same determinations
// with every criterion's Reason left empty, and nothing else changed.
func TestNoReasons(t *testing.T) {
	lib, err := Load(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	files, cases := exampleCases(t)
	asOf := ketacover.MustDate("2026-11-27")
	reasons := 0
	for i, c := range cases {
		f, err := NewFacts(c, asOf)
		if err != nil {
			t.Fatal(err)
		}
		want := lib.Check(f, "")
		g, err := NewFacts(c, asOf)
		if err != nil {
			t.Fatal(err)
		}
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
