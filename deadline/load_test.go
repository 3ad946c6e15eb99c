package deadline

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ketacover/ketacover"
)

const goodRule = `rules:
  - id: test.rule
    plans: [tricare]
    step: appeal-filing
    who: claimant
    count: {n: 90, unit: calendar-days}
    anchor: notice-date
    citation: "32 CFR 199.10"
    source: http://www.tricare.mil/Resources/Appeals/MedicalNecessity.aspx
    grade: V
    ref: "test"
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "x.yaml:1: empty file: want a mapping with rules, classifications or gaps"},
		{"not yaml", "rules: [", "x.yaml: line 1: did not find expected node content"},
		{"unknown field", strings.Replace(goodRule, "    grade: V\n", "    grade: V\n    deadline: 3\n", 1), "x.yaml: line 11: field deadline not found in type deadline.Rule"},
		{"wrong type", strings.Replace(goodRule, "n: 90", "n: ninety", 1), "x.yaml: line 6: cannot unmarshal !!str `ninety` into int"},
		{"missing citation", strings.Replace(goodRule, `    citation: "32 CFR 199.10"`+"\n", "", 1), `x.yaml:2: rule "test.rule": citation: every rule needs its CFR, statute or manual citation`},
		{"source not a URL", strings.Replace(goodRule, "http://www.tricare.mil/Resources/Appeals/MedicalNecessity.aspx", "tricare.mil", 1), `x.yaml:2: rule "test.rule": source: want an http(s) URL of the source, got "tricare.mil"`},
		{"unknown plan", strings.Replace(goodRule, "[tricare]", "[hmo]", 1), `x.yaml:2: rule "test.rule": plans: unknown plan type "hmo"`},
		{"unknown step", strings.Replace(goodRule, "appeal-filing", "appeal", 1), `x.yaml:2: rule "test.rule": step: unknown step "appeal"`},
		{"K without open", strings.Replace(goodRule, "grade: V", "grade: K", 1), `x.yaml:2: rule "test.rule": open: a rule graded K (not confirmed) must say what is open`},
		{"months without overflow", strings.Replace(goodRule, "calendar-days", "months", 1), `x.yaml:2: rule "test.rule": month_overflow: a month count must say what happens when the day does not exist`},
		{"presumption on the wrong anchor", strings.Replace(goodRule, "    grade: V\n", "    grade: V\n    presumed_receipt_days: 5\n", 1), `x.yaml:2: rule "test.rule": presumed_receipt_days: only a clock from receipt of a notice can presume receipt`},
		{"zero count", strings.Replace(goodRule, "n: 90", "n: 0", 1), `x.yaml:2: rule "test.rule": count.n: want 1-1000, got 0`},
		{"duplicate", goodRule + strings.TrimPrefix(goodRule, "rules:\n"), `x.yaml:12: rule "test.rule" is also defined at x.yaml:2`},
		{"two documents", goodRule + "---\nrules: []\n", "x.yaml:12: more than one YAML document; want one"},
		{"bad gap", "gaps:\n  - plans: [tricare]\n    step: nope\n    note: n\n    ref: r\n", `x.yaml:2: gap for step "nope": step: unknown step "nope"`},
		{"bad classification", "classifications:\n  - plans: [tricare]\n    therapy: tms\n    benefits: [drug]\n", `x.yaml:2: classification of "tms": therapy: want ketamine-iv or esketamine`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.data))
			if ketacover.ErrorCode(err) != ketacover.EINVALID || err.Error() != tt.want {
				t.Errorf("error = %v\nwant EINVALID %q", err, tt.want)
			}
		})
	}
	if _, err := Parse("x.yaml", []byte(goodRule)); err != nil {
		t.Errorf("good rule: %v", err)
	}
}

func TestLoad(t *testing.T) {
	b, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(goodRule)}, "notes.txt": {Data: []byte("ignored")}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Rule("test.rule")
	if err != nil || r.Where() != "a.yaml:2" {
		t.Errorf("Rule: %v at %s", err, r.Where())
	}
	if _, err := b.Rule("nope"); ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
		t.Errorf("missing rule error = %v", err)
	}
	if _, err := Load(fstest.MapFS{}); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("empty FS error = %v", err)
	}
	_, err = Load(fstest.MapFS{"a.yaml": {Data: []byte(goodRule)}, "b.yaml": {Data: []byte(goodRule)}})
	if err == nil || err.Error() != `b.yaml:2: rule "test.rule" is also defined at a.yaml:2` {
		t.Errorf("duplicate across files: %v", err)
	}
}

// FuzzParse feeds arbitrary bytes to the rule parser: it must return a book or an EINVALID
// error, never panic, and every rule it accepts must compute without panicking.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodRule))
	f.Add([]byte(""))
	f.Add([]byte("rules: [{id: a}]"))
	f.Add([]byte(strings.Replace(goodRule, "calendar-days}", "months}\n    month_overflow: unknown\n    roll_forward: true", 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse("fuzz.yaml", data)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error code %s: %v", ketacover.ErrorCode(err), err)
			}
			return
		}
		for _, r := range b.Rules() {
			if _, err := Compute(r, Anchor{Date: d("2026-02-28"), NoticeDate: d("2026-02-27")}); err != nil && ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("compute %s: %v", r.ID, err)
			}
		}
	})
}
