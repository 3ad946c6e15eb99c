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
)

func date(s string) *ketacover.Date { d := ketacover.MustDate(s); return &d }

func TestReadPASResponseSamples(t *testing.T) {
	tests := []struct {
		file string
		want ketacover.Event
	}{
		{"pas-response-bundle-approved.json", ketacover.Event{
			CaseID: "c1", Kind: ketacover.EventPAApproved, Date: ketacover.MustDate("2005-05-02"), Source: ketacover.SourceImport,
			Details: ketacover.Details{Reference: "AUTH0001", Units: 1, Start: date("2005-05-02"), End: date("2005-06-02")},
			Note:    "PAS ClaimResponse ReferralAuthorizationResponseExample: item 1: A1 Certified in total",
		}},
		{"pas-response-bundle-denied.json", ketacover.Event{
			CaseID: "c1", Kind: ketacover.EventPADenied, Date: ketacover.MustDate("2005-05-02"), Source: ketacover.SourceImport,
			Details: ketacover.Details{Reference: "AUTH0001"},
			Note:    "PAS ClaimResponse ReferralAuthorizationResponseExample: item 1: A3 Not Certified",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := ReadPASResponse(readSample(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, d.Event("c1")); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadPASResponseKinds edits the approved sample's review action code
// and reason notes and checks the event each gives.
func TestReadPASResponseKinds(t *testing.T) {
	base := string(readSample(t, "pas-response-bundle-approved.json"))
	tests := []struct {
		code, note string
		want       ketacover.EventKind
		reason     string
	}{
		{"A2", "", ketacover.EventPAApproved, ""},
		{"A6", "", ketacover.EventPAApproved, ""},
		{"A4", "", ketacover.EventPAPended, ""},
		{"CT", "", ketacover.EventPAPended, ""},
		{"A3", "Not medically necessary: fewer than two antidepressant trials documented", ketacover.EventPADenied, "Not medically necessary: fewer than two antidepressant trials documented"},
		{"NA", "", ketacover.EventNote, ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			s := strings.Replace(base, `"code" : "A1"`, `"code" : "`+tt.code+`"`, 1)
			if tt.note != "" {
				s = strings.Replace(s, `"outcome" : "complete",`, `"outcome" : "complete", "processNote": [{"text": "`+tt.note+`"}],`, 1)
			}
			d, err := ReadPASResponse([]byte(s))
			if err != nil {
				t.Fatal(err)
			}
			ev := d.Event("c")
			if ev.Kind != tt.want || ev.Details.Reason != tt.reason {
				t.Errorf("got %s reason %q, want %s reason %q", ev.Kind, ev.Details.Reason, tt.want, tt.reason)
			}
		})
	}
}

func TestReadPASResponseErrors(t *testing.T) {
	approved := string(readSample(t, "pas-response-bundle-approved.json"))
	tests := []struct{ name, in, want string }{
		{"not json", "hello", "want a FHIR resource as a JSON object"},
		{"not a bundle", `{"resourceType":"Patient","id":"p"}`, "want a Bundle"},
		{"empty bundle", `{"resourceType":"Bundle","type":"collection"}`, "first entry must be the ClaimResponse"},
		{"claim first", string(readSample(t, "pas-request-bundle.json")), "got a Claim"},
		{"unknown element", strings.Replace(approved, `"outcome" : "complete"`, `"outcome" : "complete", "verdict": "yes"`, 1), "not valid FHIR R4"},
		{"no review action", strings.Replace(approved, "extension-reviewAction\"", "extension-somethingElse\"", 1), "has no reviewAction code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPASResponse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code %s, want invalid", ketacover.ErrorCode(err))
			}
		})
	}
}

// TestSamplesRoundTrip checks the FHIR boundary is exact: every sample
// bundle comes back from Canonical with the same content.
func TestSamplesRoundTrip(t *testing.T) {
	for _, f := range []string{"pas-request-bundle.json", "pas-response-bundle-approved.json", "pas-response-bundle-denied.json"} {
		t.Run(f, func(t *testing.T) {
			raw := readSample(t, f)
			out, err := Canonical(raw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(semantic(t, raw), semantic(t, out)); diff != "" {
				t.Errorf("round trip changed the content (-in +out):\n%s", diff)
			}
		})
	}
}

func TestBuildPAS(t *testing.T) {
	for _, name := range []string{"esketamine-hcsc-meets", "ketamine-iv-bcbsma-meets"} {
		t.Run(name, func(t *testing.T) {
			c, err := casefile.Load(filepath.Join("..", "examples", "cases", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			out, err := BuildPAS(c, PASOptions{Now: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), Evidence: []string{"chart notes documenting each antidepressant trial"}})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "pas-"+name+".json", out)
			checkPASRequest(t, out)
		})
	}
}

// checkPASRequest checks the PAS request rules a bundle must keep: the Claim
// first with use preauthorization and status active (spec-12), every
// reference resolved inside the bundle, each resource once (spec-13/14).
func checkPASRequest(t *testing.T, raw []byte) {
	t.Helper()
	var b struct {
		Type  string `json:"type"`
		Entry []struct {
			FullURL  string         `json:"fullUrl"`
			Resource map[string]any `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	if b.Type != "collection" || len(b.Entry) == 0 {
		t.Fatalf("bundle type %q with %d entries", b.Type, len(b.Entry))
	}
	claim := b.Entry[0].Resource
	if claim["resourceType"] != "Claim" || claim["use"] != "preauthorization" || claim["status"] != "active" {
		t.Errorf("first entry %v use %v status %v, want an active preauthorization Claim", claim["resourceType"], claim["use"], claim["status"])
	}
	urls := map[string]bool{}
	types := map[string]int{}
	for _, e := range b.Entry {
		if urls[e.FullURL] {
			t.Errorf("%s appears twice", e.FullURL)
		}
		urls[e.FullURL] = true
		types[e.Resource["resourceType"].(string)]++
	}
	want := map[string]int{"Claim": 1, "Patient": 1, "Coverage": 1, "Organization": 2, "Practitioner": 1, "ServiceRequest": 1}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("resource types (-want +got):\n%s", diff)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["reference"].(string); ok && !urls[r] {
				t.Errorf("reference %s does not resolve inside the bundle", r)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, e := range b.Entry {
		walk(e.Resource)
	}
}

func TestBuildPASErrors(t *testing.T) {
	tests := []struct {
		name string
		c    ketacover.Case
		want string
	}{
		{"no id", ketacover.Case{}, "has no id"},
		{"no drug", ketacover.Case{ID: "x", Plan: ketacover.Plan{Payer: "P"}}, "therapy.drug"},
		{"no payer", ketacover.Case{ID: "x", Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyEsketamine}}, "plan.payer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildPAS(&tt.c, PASOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
