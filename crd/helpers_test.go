package crd

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

var (
	libOnce sync.Once
	lib     *policy.Library
	libErr  error
)

func library(t testing.TB) *policy.Library {
	t.Helper()
	libOnce.Do(func() { lib, libErr = policy.Load(policies.FS) })
	if libErr != nil {
		t.Fatal(libErr)
	}
	return lib
}

// fixedNow is the clock of every test: the day the samples were read.
func fixedNow() time.Time { return time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC) }

// acme maps the CRD sample's payer ("Acme Health Plan", an Oklahoma
// patient) to BCBS Oklahoma (HCSC), whose esketamine policy is in the
// library, as a payer's deployment would configure it.
var acme = PayerRule{Match: "Acme Health Plan", Payer: "Blue Cross and Blue Shield of Oklahoma", PlanType: ketacover.PlanGroupFullyInsured}

func newServer(t testing.TB, mod func(*Config)) (*Server, *httptest.Server) {
	t.Helper()
	cfg := Config{BaseURL: "https://payer.example/crd", Library: library(t), Now: fixedNow, Payers: []PayerRule{acme}}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

// samples returns the shared FHIR samples folder, skipping when absent.
func samples(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "samples", "fhir")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared samples not found at %s (they live beside the repository): %v", dir, err)
	}
	return dir
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samples(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonMap decodes JSON into a generic map.
func jsonMap(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return m
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t testing.TB, url string, body []byte, header ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	return res.StatusCode, buf.Bytes()
}

// Orders substituted into the Da Vinci samples: the sample's ids, subject,
// encounter and requester are kept; only what is ordered changes.
var (
	esketamineCode = map[string]any{
		"coding": []any{map[string]any{"system": "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "code": "G2083", "display": "Esketamine nasal self-administration over 56 mg with 2 hours observation"}},
		"text":   "Spravato (esketamine) 84 mg nasal spray, supervised, twice weekly",
	}
	ketamineCode = map[string]any{
		"coding": []any{map[string]any{"system": "http://www.ama-assn.org/go/cpt", "code": "96365", "display": "Intravenous infusion, initial, up to 1 hour"}},
		"text":   "Ketamine 0.5 mg/kg IV infusion over 40 minutes",
	}
)

// orderSignRequest is the CRD order-sign sample with its two draft orders
// turned into an esketamine and an IV ketamine order, and the patient's
// history added to the prefetch.
func orderSignRequest(t testing.TB, history map[string]any) map[string]any {
	t.Helper()
	req := jsonMap(t, readSample(t, "crd-order-sign-request.json"))
	entries := req["context"].(map[string]any)["draftOrders"].(map[string]any)["entry"].([]any)
	entries[0].(map[string]any)["resource"].(map[string]any)["code"] = esketamineCode
	entries[1].(map[string]any)["resource"].(map[string]any)["code"] = ketamineCode
	pf := req["prefetch"].(map[string]any)
	for k, v := range history {
		pf[k] = v
	}
	return req
}

func bundle(resources ...map[string]any) map[string]any {
	var es []any
	for _, r := range resources {
		es = append(es, map[string]any{"resource": r})
	}
	return map[string]any{"resourceType": "Bundle", "type": "searchset", "entry": es}
}

// history is an EHR record of a patient with recurrent MDD, two failed
// antidepressants in the current episode and a PHQ-9 of 21.
func history() map[string]any {
	cond := map[string]any{"resourceType": "Condition", "id": "dx1",
		"clinicalStatus": map[string]any{"coding": []any{map[string]any{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}}},
		"code":           map[string]any{"coding": []any{map[string]any{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F33.2", "display": "Major depressive disorder, recurrent severe without psychotic features"}}},
		"subject":        map[string]any{"reference": "Patient/123"}}
	med := func(id, name string, mg float64, start, end, outcome string) map[string]any {
		return map[string]any{"resourceType": "MedicationStatement", "id": id, "status": "completed",
			"statusReason":              []any{map[string]any{"text": outcome}},
			"medicationCodeableConcept": map[string]any{"text": name},
			"subject":                   map[string]any{"reference": "Patient/123"},
			"effectivePeriod":           map[string]any{"start": start, "end": end},
			"dosage": []any{map[string]any{"timing": map[string]any{"repeat": map[string]any{"frequency": 1, "period": 1, "periodUnit": "d"}},
				"doseAndRate": []any{map[string]any{"doseQuantity": map[string]any{"value": mg, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}}}}}
	}
	obs := map[string]any{"resourceType": "Observation", "id": "phq", "status": "final",
		"code":              map[string]any{"coding": []any{map[string]any{"system": "http://loinc.org", "code": "44261-6"}}},
		"subject":           map[string]any{"reference": "Patient/123"},
		"effectiveDateTime": "2026-11-18", "valueInteger": 21}
	return map[string]any{
		"conditions":           bundle(cond),
		"medicationStatements": bundle(med("m1", "sertraline 150 MG Oral Tablet", 150, "2026-01-05", "2026-03-16", "no-response"), med("m2", "bupropion XL 300 MG", 300, "2026-03-20", "2026-05-15", "partial-response")),
		"observations":         bundle(obs),
	}
}

// checkCRDResponse checks a hook response against the CDS Hooks and CRD
// rules: cards present with their required fields, one update system
// action per in-scope order that changes nothing but the
// coverage-information extension (resp-37), the extension's required
// sub-extensions and invariants.
func checkCRDResponse(t *testing.T, body []byte, orders map[string]map[string]any) map[string]map[string][]any {
	t.Helper()
	var resp struct {
		Cards         []map[string]any `json:"cards"`
		SystemActions []struct {
			Type        string         `json:"type"`
			Description string         `json:"description"`
			Resource    map[string]any `json:"resource"`
		} `json:"systemActions"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if resp.Cards == nil {
		t.Error("cards missing (required, may be empty)")
	}
	for i, c := range resp.Cards {
		sum, _ := c["summary"].(string)
		if sum == "" || len([]rune(sum)) >= 140 {
			t.Errorf("card %d summary %q: required, under 140 characters", i, sum)
		}
		if ind := c["indicator"]; ind != "info" && ind != "warning" {
			t.Errorf("card %d indicator %v: want info or warning (critical is for life-or-death issues)", i, ind)
		}
		src, _ := c["source"].(map[string]any)
		if src == nil || src["label"] == "" {
			t.Errorf("card %d: source.label required", i)
		}
		if topic, _ := src["topic"].(map[string]any); topic["system"] != systemCardType {
			t.Errorf("card %d topic %v", i, topic)
		}
	}
	got := map[string]map[string][]any{}
	if len(resp.SystemActions) != len(orders) {
		t.Fatalf("%d system actions, want one per in-scope order (%d)", len(resp.SystemActions), len(orders))
	}
	for _, a := range resp.SystemActions {
		if a.Type != "update" || a.Description == "" {
			t.Errorf("action type %q description %q", a.Type, a.Description)
		}
		ref := a.Resource["resourceType"].(string) + "/" + a.Resource["id"].(string)
		orig, ok := orders[ref]
		if !ok {
			t.Errorf("system action updates %s, which is not an in-scope order", ref)
			continue
		}
		if _, err := fhirParse(mustJSON(t, a.Resource)); err != nil {
			t.Errorf("%s: action resource is not valid R4: %v", ref, err)
		}
		// Nothing but the coverage-information extension changed.
		stripped := map[string]any{}
		for k, v := range a.Resource {
			stripped[k] = v
		}
		var info map[string]any
		var kept []any
		for _, e := range a.Resource["extension"].([]any) {
			if e.(map[string]any)["url"] == extCoverageInformation {
				if info != nil {
					t.Errorf("%s: two coverage-information extensions", ref)
				}
				info = e.(map[string]any)
				continue
			}
			kept = append(kept, e)
		}
		delete(stripped, "extension")
		if kept != nil {
			stripped["extension"] = kept
		}
		if d := diffJSON(t, orig, stripped); d != "" {
			t.Errorf("%s: the system action changed more than the coverage information (-order +action):\n%s", ref, d)
		}
		if info == nil {
			t.Errorf("%s: no coverage-information extension", ref)
			continue
		}
		subs := map[string][]any{}
		for _, e := range info["extension"].([]any) {
			m := e.(map[string]any)
			var v any
			for k, x := range m {
				if strings.HasPrefix(k, "value") {
					v = x
				}
			}
			if v == nil {
				v = m["extension"]
			}
			subs[m["url"].(string)] = append(subs[m["url"].(string)], v)
		}
		for _, req := range []string{"coverage", "covered", "date", "coverage-assertion-id"} {
			if len(subs[req]) != 1 {
				t.Errorf("%s: %s appears %d times, want exactly once", ref, req, len(subs[req]))
			}
		}
		allowed := map[string][]string{
			"covered":     {"covered", "not-covered", "conditional", "indeterminate"},
			"pa-needed":   {"no-auth", "auth-needed", "satisfied", "performpa", "conditional", "indeterminate"},
			"doc-needed":  {"clinical", "admin", "patient", "conditional", "indeterminate"},
			"doc-purpose": {"withpa", "withclaim", "withorder", "retain-doc", "OTH"},
			"info-needed": {"performer", "location", "timeframe", "contract-window", "detail-code", "OTH"},
		}
		conditional := false
		for k, codes := range allowed {
			for _, v := range subs[k] {
				if !contains(codes, v.(string)) {
					t.Errorf("%s: %s = %v is not one of %v", ref, k, v, codes)
				}
				if v == "conditional" {
					conditional = true
				}
			}
		}
		if len(subs["questionnaire"]) > 0 && len(subs["doc-needed"]) == 0 {
			t.Errorf("%s: questionnaire without doc-needed", ref)
		}
		if len(subs["covered"]) == 1 && subs["covered"][0] == "not-covered" && len(subs["pa-needed"]) > 0 {
			t.Errorf("%s: not-covered with pa-needed", ref)
		}
		if conditional != (len(subs["info-needed"]) > 0) {
			t.Errorf("%s: info-needed must be present exactly when something is conditional (conditional %v, info-needed %v)", ref, conditional, subs["info-needed"])
		}
		got[ref] = subs
	}
	return got
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func newHTTPServer(t testing.TB, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
