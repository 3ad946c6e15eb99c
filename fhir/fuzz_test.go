package fhir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ketacover/ketacover"
)

func addSamples(f *testing.F, names ...string) {
	for _, n := range names {
		if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "samples", "fhir", n)); err == nil {
			f.Add(b)
		}
	}
}

// FuzzReadPASResponse: any bytes either read as a decision with an event
// kind and a date, or fail with EINVALID; nothing panics.
func FuzzReadPASResponse(f *testing.F) {
	addSamples(f, "pas-response-bundle-approved.json", "pas-response-bundle-denied.json", "pas-request-bundle.json")
	f.Add([]byte(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"ClaimResponse"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ReadPASResponse(b)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if d.Kind == "" || d.Date.IsZero() || len(d.Items) == 0 {
			t.Fatalf("decision without kind, date or items: %+v", d)
		}
		_ = d.Event("c")
	})
}

// FuzzApplyResponse: any QuestionnaireResponse either fills facts into a
// case that still validates field by field, or fails with EINVALID and
// leaves the case as it was.
func FuzzApplyResponse(f *testing.F) {
	addSamples(f, "dtr-questionnaireresponse-conformant.json", "dtr-questionnaireresponse-ri-INVALID.json")
	f.Add([]byte(`{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"patient.age","answer":[{"valueInteger":40}]},{"linkId":"history.trials","item":[{"linkId":"history.trials[*].drug","answer":[{"valueString":"sertraline"}]},{"linkId":"history.trials[*].weeks","answer":[{"valueDecimal":8}]}]}]}`))
	f.Add([]byte(`{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"history.scores.MADRS","item":[{"linkId":"history.scores.MADRS.value","answer":[{"valueInteger":30}]},{"linkId":"history.scores.MADRS.date","answer":[{"valueDate":"2026-11-20"}]}]},{"linkId":"plan.type","answer":[{"valueString":"medicaid-ffs"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &ketacover.Case{ID: "x"}
		if _, err := ApplyResponse(c, b); err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			if c.Patient.Age != nil || len(c.History.Trials) > 0 || len(c.History.Scores) > 0 {
				t.Fatal("case changed on error")
			}
		}
	})
}
