package fhir

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

func mustLibrary(t testing.TB) *policy.Library {
	t.Helper()
	lib, err := policy.Load(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func check(t testing.TB, lib *policy.Library, c *ketacover.Case, on ketacover.Date) ketacover.Determination {
	t.Helper()
	f, err := policy.NewFacts(c, on)
	if err != nil {
		t.Fatal(err)
	}
	return lib.Check(f, "")[0]
}

var now = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

// answerAll fills every question of the form with the answer given for its
// linkId suffix, and a plausible default otherwise.
func answerAll(items []QItem, by map[string]any) []any {
	var out []any
	for _, it := range items {
		if it.ReadOnly {
			continue
		}
		if it.Type == "group" {
			kids := answerAll(it.Item, by)
			if strings.Contains(it.LinkID, "/") || !it.Repeats {
				out = append(out, obj{"linkId": it.LinkID, "item": kids})
			} else {
				out = append(out, obj{"linkId": it.LinkID, "item": kids})
			}
			continue
		}
		var v any
		for suffix, a := range by {
			if strings.HasSuffix(it.LinkID, suffix) {
				v = a
			}
		}
		if v == nil {
			switch it.Type {
			case "boolean":
				v = true
			case "integer":
				v = 1
			case "decimal":
				v = 8.0
			case "date":
				v = ketacover.MustDate("2026-11-20")
			default:
				v = "other"
				if len(it.AnswerOption) > 0 {
					v = it.AnswerOption[0].ValueString
				}
			}
		}
		out = append(out, obj{"linkId": it.LinkID, "answer": []any{answer(v)}})
	}
	return out
}

func response(t testing.TB, f *Form, by map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(obj{"resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": f.Canonical(), "item": answerAll(f.Items, by)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestQuestionnaireRoundTrip: a QuestionnaireResponse that answers every
// question of the generated form turns an "information needed" case into a
// decided one.
func TestQuestionnaireRoundTrip(t *testing.T) {
	lib := mustLibrary(t)
	tests := []struct {
		file    string
		on      string
		answers map[string]any
		want    ketacover.Outcome
	}{
		{"esketamine-salud-information-needed", "2026-12-02", map[string]any{"adherence_pct": 90, "MADRS.value": 31}, ketacover.OutcomeMeets},
		{"esketamine-salud-information-needed", "2026-12-02", map[string]any{"adherence_pct": 50, "MADRS.value": 31}, ketacover.OutcomeDoesNotMeet},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.want), func(t *testing.T) {
			c, err := casefile.Load(filepath.Join("..", "examples", "cases", tt.file+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			on := ketacover.MustDate(tt.on)
			d := check(t, lib, c, on)
			if d.Outcome != ketacover.OutcomeInfoNeeded {
				t.Fatalf("fixture is %s, want information-needed", d.Outcome)
			}
			f := NewForm("https://payer.example/fhir", c, &d)
			if len(f.Facts) == 0 {
				t.Fatal("no questions for an information-needed case")
			}
			if _, err := f.Package("Patient/p1", "", now); err != nil {
				t.Fatal(err)
			}
			set, err := ApplyResponse(c, response(t, f, tt.answers))
			if err != nil {
				t.Fatal(err)
			}
			if len(set) == 0 {
				t.Fatal("no facts set")
			}
			if err := c.Validate(); err != nil {
				t.Fatalf("case after the answers is not valid: %v", err)
			}
			d2 := check(t, lib, c, on)
			if d2.Outcome != tt.want {
				t.Errorf("after the answers: %s (%s), want %s; still missing %v", d2.Outcome, d2.Verdict, tt.want, d2.Missing)
			}
			// Asked again, the form has nothing left.
			if f2 := NewForm("https://payer.example/fhir", c, &d2); len(f2.Facts) != 0 {
				t.Errorf("questions left after answering all: %v", f2.Facts)
			}
		})
	}
}

// TestQuestionnaireFromNothing: a case built from an order and a coverage
// only (the DTR sample's inputs) asks for the clinical history, and every
// answer lands in the case.
func TestQuestionnaireFromNothing(t *testing.T) {
	lib := mustLibrary(t)
	c := &ketacover.Case{ID: "x", Plan: ketacover.Plan{Payer: "Triple-S Salud", Type: ketacover.PlanGroupFullyInsured},
		Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyEsketamine, Indication: ketacover.IndicationTRD}}
	on := ketacover.MustDate("2026-12-02")
	d := check(t, lib, c, on)
	f := NewForm("https://payer.example/fhir", c, &d)
	for _, want := range []string{"history.trials", "history.scores", "patient.age", "therapy.site.rems_certified"} {
		found := false
		for _, p := range f.Facts {
			found = found || p == want
		}
		if !found {
			t.Errorf("form does not ask %s; asks %v", want, f.Facts)
		}
	}
	pkg, err := f.Package("", "s1", now)
	if err != nil {
		t.Fatal(err)
	}
	var b Bundle
	if err := json.Unmarshal(pkg, &b); err != nil {
		t.Fatal(err)
	}
	var qr struct {
		Questionnaire string `json:"questionnaire"`
	}
	json.Unmarshal(b.Entry[1].Resource, &qr)
	var q struct {
		URL, Version string
	}
	json.Unmarshal(b.Entry[0].Resource, &q)
	if qr.Questionnaire != q.URL+"|"+q.Version {
		t.Errorf("QR.questionnaire %q, want the Questionnaire's canonical %q (DTR spec-122)", qr.Questionnaire, q.URL+"|"+q.Version)
	}
	if _, err := ApplyResponse(c, response(t, f, map[string]any{"patient.age": 40, "drug": "sertraline", "scale": "MADRS", "value": 30})); err != nil {
		t.Fatal(err)
	}
	if c.Patient.Age == nil || *c.Patient.Age != 40 || len(c.History.Trials) != 1 || c.History.Trials[0].Class != "ssri" ||
		len(c.History.Scores) != 1 || c.History.Scores[0].Scale != "MADRS" || c.Therapy.Site.REMSCertified == nil {
		t.Errorf("answers not applied: age %v trials %+v scores %+v", c.Patient.Age, c.History.Trials, c.History.Scores)
	}
}

func TestApplyResponseErrors(t *testing.T) {
	qr := func(items string) []byte {
		return []byte(`{"resourceType":"QuestionnaireResponse","status":"completed","item":[` + items + `]}`)
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"not a QR", []byte(`{"resourceType":"Patient"}`), "want a QuestionnaireResponse"},
		{"invalid FHIR", qr(`{"linkId":"patient.age","answer":[{"integer":"99"}]}`), "not valid FHIR R4"},
		{"unknown fact", qr(`{"linkId":"patient.shoe_size","answer":[{"valueInteger":9}]}`), "item patient.shoe_size: not a fact"},
		{"wrong type", qr(`{"linkId":"patient.age","answer":[{"valueString":"forty"}]}`), "item patient.age: want a whole number"},
		{"bad enum", qr(`{"linkId":"prescriber.specialty","answer":[{"valueString":"astrology"}]}`), "want one of psychiatry"},
		{"no such trial", qr(`{"linkId":"history.trials[3].weeks","answer":[{"valueDecimal":6}]}`), "the case has no entry 4"},
		{"score out of range", qr(`{"linkId":"history.scores.PHQ-9","item":[{"linkId":"history.scores.PHQ-9.value","answer":[{"valueInteger":40}]}]}`), "from 0 to 27"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &ketacover.Case{ID: "x", Prescriber: ketacover.Prescriber{Specialty: "psychiatry"}}
			before := cloneCase(c)
			_, err := ApplyResponse(c, tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if diff := cmp.Diff(before, c); diff != "" {
				t.Errorf("case changed on error (-before +after):\n%s", diff)
			}
		})
	}
}

// TestDTRSampleResponse: the DTR test kit's conformant QR is refused by the
// strict R4 check (its code " G30.0" has a leading space), with the place
// named; the old reference implementation's QR is not R4 at all.
func TestDTRSampleResponse(t *testing.T) {
	for file, want := range map[string]string{
		"dtr-questionnaireresponse-conformant.json": `item[2].item[1].answer[1].value.coding.code": invalid Code format`,
		"dtr-questionnaireresponse-ri-INVALID.json": "not valid FHIR R4",
	} {
		_, err := ApplyResponse(&ketacover.Case{}, readSample(t, file))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", file, err, want)
		}
	}
}
