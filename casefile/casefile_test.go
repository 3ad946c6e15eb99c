package casefile_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
)

func TestLoadReportsLineAndField(t *testing.T) {
	_, err := casefile.Load("testdata/bad-weeks.yaml")
	want := `testdata/bad-weeks.yaml:15: history.trials[1].weeks: want a number, got "six"`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n got %v\nwant %s", err, want)
	}
	if ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("code = %q, want %q", ketacover.ErrorCode(err), ketacover.EINVALID)
	}
}

func TestParseErrors(t *testing.T) {
	const base = "plan: {payer: Aetna, type: individual}\ntherapy: {drug: esketamine, indication: trd}\n"
	tests := []struct {
		name string
		doc  string
		want []string // each line of the error
	}{
		{"empty", "", []string{"c.yaml:1: file is empty"}},
		{"syntax", "plan: [\n", []string{"c.yaml:1: syntax error: did not find expected node content"}},
		{"unknown field with suggestion", base + "patiant: {age: 3}\n", []string{`c.yaml:3: patiant: unknown field "patiant" (did you mean "patient"?)`}},
		{"missing required", "therapy: {drug: esketamine}\nplan: {type: individual}\n", []string{
			"c.yaml:1: therapy.indication: required field is missing",
			"c.yaml:2: plan.payer: required field is missing",
		}},
		{"bad plan type", "plan: {payer: Aetna, type: ppo}\ntherapy: {drug: esketamine, indication: trd}\n",
			[]string{`c.yaml:1: plan.type: want one of erisa-self-funded, group-fully-insured, individual, medicare-ffs, medicare-advantage, medicare-part-d, medicaid-ffs, medicaid-managed, tricare, fehb, va, non-federal-government, got "ppo"`}},
		{"bool where text", base + "patient: {state: true}\n", []string{`c.yaml:3: patient.state: want text, got true/false "true" (quote it if it is meant as text)`}},
		{"several problems at once, in line order", base + "patient:\n  age: 200\n  zip: 1234\nhistory:\n  scores:\n    - {scale: PHQ-9, value: 40, date: 2026-01-01}\n    - {scale: GAD-7, value: 3, date: 2026-01-01}\n",
			[]string{
				"c.yaml:4: patient.age: want an age from 0 to 130, got 200",
				`c.yaml:5: patient.zip: want a five-digit ZIP code, got "1234"`,
				"c.yaml:8: history.scores[0].value: want a PHQ-9 score from 0 to 27, got 40",
				`c.yaml:9: history.scores[1].scale: want one of PHQ-9, MADRS, HAM-D, QIDS, BDI-II, got "GAD-7"`,
			}},
		{"bad date", base + "patient: {birth_date: 1980-13-01}\n", []string{`c.yaml:3: patient.birth_date: want a date as YYYY-MM-DD, got "1980-13-01"`}},
		{"alias refused", base + "patient: &p {age: 3}\nprescriber: *p\n", []string{"c.yaml:4: prescriber: aliases (*name) are not allowed; write the value out"}},
		{"duplicate field", base + "patient: {age: 3, age: 4}\n", []string{"c.yaml:3: patient.age: field given twice"}},
		{"trial ends before it starts", base + "history:\n  trials:\n    - {drug: sertraline, start: 2025-05-01, end: 2025-01-01}\n",
			[]string{"c.yaml:5: history.trials[0].end: the trial ends (2025-01-01) before it starts (2025-05-01)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := casefile.Parse("c.yaml", []byte(tt.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseJSONAndNormalize(t *testing.T) {
	doc := `{
  "plan": {"payer": "Cigna", "type": "erisa-self-funded"},
  "therapy": {"drug": "esketamine", "indication": "trd"},
  "history": {"trials": [{"drug": "Sertraline", "weeks": 8}, {"drug": "aripiprazole"}, {"drug": "zuranolone"}]}
}`
	c, err := casefile.Parse("c.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, tr := range c.History.Trials {
		got = append(got, [2]string{tr.Class, tr.Role})
	}
	want := [][2]string{{"ssri", "antidepressant"}, {"atypical-antipsychotic", "augmentation"}, {"", ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("class and role (-want +got):\n%s", diff)
	}
	_, err = casefile.Parse("c.json", []byte(`{"plan": {"payer": "Cigna", "type": "individual"}, "therapy": {"drug": "esketamine", "indication": "trd"}, "history": {"trials": [{"drug": "x", "weeks": "6"}]}}`))
	if err == nil || !strings.Contains(err.Error(), `c.json:1: history.trials[0].weeks: want a number, got "6"`) {
		t.Errorf("quoted number in JSON: got %v", err)
	}
}

func TestSchemaCoversEveryField(t *testing.T) {
	b, err := casefile.Schema()
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	props := s["properties"].(map[string]any)
	for _, k := range []string{"patient", "plan", "therapy", "history", "prescriber"} {
		if _, ok := props[k]; !ok {
			t.Errorf("schema lacks %s", k)
		}
	}
	trial := props["history"].(map[string]any)["properties"].(map[string]any)["trials"].(map[string]any)["items"].(map[string]any)
	weeks := trial["properties"].(map[string]any)["weeks"].(map[string]any)
	if weeks["type"] != "number" {
		t.Errorf("trials[].weeks type = %v, want number", weeks["type"])
	}
	if got := trial["required"]; !cmp.Equal(got, []any{"drug"}) {
		t.Errorf("trial required = %v, want [drug]", got)
	}
}

// TestExamplesLoad checks every example case file is valid.
func TestExamplesLoad(t *testing.T) {
	files, _ := filepath.Glob("../examples/cases/*.yaml")
	if len(files) == 0 {
		t.Skip("no example cases yet")
	}
	for _, f := range files {
		if _, err := casefile.Load(f); err != nil {
			t.Errorf("%v", err)
		}
	}
	if _, err := os.Stat("../examples/cases"); err != nil {
		t.Fatal(err)
	}
}
