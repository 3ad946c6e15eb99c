package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
)

// example reads a case from the repository's examples folder.
func example(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", "cases", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// apiCase is one request to the API and what must come back.
type apiCase struct {
	name     string
	method   string
	target   string
	ctype    string
	body     string
	status   int
	code     string                           // for errors: the JSON error code
	check    func(t *testing.T, body string)  // more checks on a success
	pattern  string                           // the route that must answer
	hooks    bool                             // serve with every hook on
	brokenDB bool                             // the store fails every call
	prep     func(t *testing.T, st *memStore) // fills the store first
}

// TestAPI calls every API and operational route with good and bad input,
// on a server without hooks and on one with every hook, and validates each
// real response against the OpenAPI document.
func TestAPI(t *testing.T) {
	meets := example(t, "esketamine-hcsc-meets.yaml")
	var meetsJSON strings.Builder
	{
		// The same case as JSON, as an API client would send it.
		s, _ := MustServer(t, Deps{Store: newMemStore()})
		res, body := do(t, s.Handler(), http.MethodPost, "/api/v1/cases", "application/yaml", strings.NewReader(meets))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("store the example: %s %s", res.Status, body)
		}
		var sc ketacover.StoredCase
		if err := json.Unmarshal([]byte(body), &sc); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(sc.Case)
		meetsJSON.Write(b)
	}

	decode := func(t *testing.T, body string, v any) {
		t.Helper()
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
	}
	outcome := func(want ketacover.Outcome) func(*testing.T, string) {
		return func(t *testing.T, body string) {
			var r checkResult
			decode(t, body, &r)
			if r.Outcome != want {
				t.Errorf("outcome = %s, want %s", r.Outcome, want)
			}
			if r.Disclaimer == "" || r.TherapyFact == "" {
				t.Errorf("disclaimer or therapy fact missing: %+v", r)
			}
		}
	}

	tests := []apiCase{
		// Check.
		{name: "check yaml meets", method: "POST", target: "/api/v1/check", ctype: "application/yaml", body: meets, status: 200, pattern: "POST /api/v1/check", check: outcome(ketacover.OutcomeMeets)},
		{name: "check json meets", method: "POST", target: "/api/v1/check", ctype: "application/json", body: meetsJSON.String(), status: 200, pattern: "POST /api/v1/check", check: outcome(ketacover.OutcomeMeets)},
		{name: "check no content type", method: "POST", target: "/api/v1/check", body: example(t, "esketamine-highmark-does-not-meet.yaml"), status: 200, pattern: "POST /api/v1/check", check: outcome(ketacover.OutcomeDoesNotMeet)},
		{name: "check information needed", method: "POST", target: "/api/v1/check", body: example(t, "esketamine-salud-information-needed.yaml"), status: 200, pattern: "POST /api/v1/check", check: outcome(ketacover.OutcomeInfoNeeded)},
		{name: "check not covered", method: "POST", target: "/api/v1/check", body: example(t, "ketamine-iv-bcbs-alabama-not-covered.yaml"), status: 200, pattern: "POST /api/v1/check", check: outcome(ketacover.OutcomeNotCovered)},
		{name: "check no policy", method: "POST", target: "/api/v1/check", body: example(t, "esketamine-aetna-no-policy.yaml"), status: 200, pattern: "POST /api/v1/check", check: outcome(ketacover.OutcomeNoPolicy)},
		{name: "check other payer and date", method: "POST", target: "/api/v1/check?payer=Aetna&as_of=2026-12-01", body: meets, status: 200, pattern: "POST /api/v1/check", check: func(t *testing.T, body string) {
			var r checkResult
			decode(t, body, &r)
			if r.Payer != "Aetna" || r.AsOf.String() != "2026-12-01" || r.Outcome != ketacover.OutcomeNoPolicy {
				t.Errorf("payer, date, outcome = %s, %s, %s; want Aetna, 2026-12-01, no-policy", r.Payer, r.AsOf, r.Outcome)
			}
		}},
		{name: "check empty body", method: "POST", target: "/api/v1/check", status: 400, code: "invalid", pattern: "POST /api/v1/check"},
		{name: "check bad field", method: "POST", target: "/api/v1/check", ctype: "application/yaml", body: "plan: {payer: X, type: nope}\ntherapy: {drug: esketamine, indication: trd}\n", status: 400, code: "invalid", pattern: "POST /api/v1/check", check: func(t *testing.T, body string) {
			if !strings.Contains(body, "request body:1") || !strings.Contains(body, "plan.type") {
				t.Errorf("error does not name the line and field: %s", body)
			}
		}},
		{name: "check unknown field", method: "POST", target: "/api/v1/check", ctype: "application/json", body: `{"plan":{"payer":"X","type":"individual"},"therapy":{"drug":"esketamine","indication":"trd"},"colour":"blue"}`, status: 400, code: "invalid", pattern: "POST /api/v1/check"},
		{name: "check bad date", method: "POST", target: "/api/v1/check?as_of=tomorrow", body: meets, status: 400, code: "invalid", pattern: "POST /api/v1/check"},
		{name: "check wrong media type", method: "POST", target: "/api/v1/check", ctype: "text/csv", body: "a,b", status: 415, code: "unsupported_media_type", pattern: "POST /api/v1/check"},
		{name: "check too large", method: "POST", target: "/api/v1/check", ctype: "application/yaml", body: "# " + strings.Repeat("x", 2<<20), status: 413, code: "too_large", pattern: "POST /api/v1/check"},
		{name: "check wrong method", method: "GET", target: "/api/v1/check", status: 405, code: "method_not_allowed", pattern: "/api/"},

		// Policies.
		{name: "policies all", method: "GET", target: "/api/v1/policies", status: 200, pattern: "GET /api/v1/policies", check: func(t *testing.T, body string) {
			var l policyList
			decode(t, body, &l)
			if len(l.Policies) != len(library(t).Policies()) {
				t.Errorf("%d policies, want %d", len(l.Policies), len(library(t).Policies()))
			}
			if last := l.Policies[len(l.Policies)-1]; !last.Reference {
				t.Errorf("reference profiles should come last, last is %s", last.ID)
			}
		}},
		{name: "policies by payer and therapy", method: "GET", target: "/api/v1/policies?payer=bcbs+oklahoma&therapy=esketamine", status: 200, pattern: "GET /api/v1/policies", check: func(t *testing.T, body string) {
			var l policyList
			decode(t, body, &l)
			var ids []string
			for _, p := range l.Policies {
				ids = append(ids, p.ID)
			}
			if diff := cmp.Diff([]string{"hcsc-rx501-105"}, ids); diff != "" {
				t.Errorf("policies (-want +got):\n%s", diff)
			}
		}},
		{name: "policies none", method: "GET", target: "/api/v1/policies?payer=zzz", status: 200, pattern: "GET /api/v1/policies", check: func(t *testing.T, body string) {
			if !strings.Contains(body, `"policies": []`) {
				t.Errorf("want an empty list, got %s", body)
			}
		}},
		{name: "policies bad therapy", method: "GET", target: "/api/v1/policies?therapy=lsd", status: 400, code: "invalid", pattern: "GET /api/v1/policies"},
		{name: "policy", method: "GET", target: "/api/v1/policies/uhc-2168-esketamine", status: 200, pattern: "GET /api/v1/policies/{id}", check: func(t *testing.T, body string) {
			var d policyDetail
			decode(t, body, &d)
			if d.Policy.ID != "uhc-2168-esketamine" || len(d.Policy.Versions) == 0 || d.Policy.Tests != nil {
				t.Errorf("policy %s with %d versions and %d tests", d.Policy.ID, len(d.Policy.Versions), len(d.Policy.Tests))
			}
		}},
		{name: "policy unknown", method: "GET", target: "/api/v1/policies/nope", status: 404, code: "not_found", pattern: "GET /api/v1/policies/{id}"},

		// Case schema, the document, health.
		{name: "case schema", method: "GET", target: "/api/v1/schema/case", status: 200, pattern: "GET /api/v1/schema/case"},
		{name: "openapi", method: "GET", target: "/api/openapi.json", status: 200, pattern: "GET /api/openapi.json"},
		{name: "healthz", method: "GET", target: "/healthz", status: 200, pattern: "GET /healthz"},
		{name: "readyz", method: "GET", target: "/readyz", status: 200, pattern: "GET /readyz", check: func(t *testing.T, body string) {
			var r readiness
			decode(t, body, &r)
			if diff := cmp.Diff(readiness{Status: "ready", Policies: len(library(t).Policies()), Store: "off"}, r); diff != "" {
				t.Errorf("readiness (-want +got):\n%s", diff)
			}
		}},
		{name: "readyz with store", method: "GET", target: "/readyz", status: 200, pattern: "GET /readyz", hooks: true, check: func(t *testing.T, body string) {
			if !strings.Contains(body, `"store": "ok"`) {
				t.Errorf("store not ok: %s", body)
			}
		}},
		{name: "readyz store failing", method: "GET", target: "/readyz", status: 503, pattern: "GET /readyz", hooks: true, brokenDB: true},
		{name: "metrics", method: "GET", target: "/metrics", status: 200, pattern: "GET /metrics"},
		{name: "unknown api path", method: "GET", target: "/api/v2/everything", status: 404, code: "not_found", pattern: "/api/"},

		// Hooks switched off: 501 with a message.
		{name: "estimate off", method: "POST", target: "/api/v1/estimate", body: meets, status: 501, code: "not_enabled", pattern: "POST /api/v1/estimate"},
		{name: "deadlines off", method: "POST", target: "/api/v1/deadlines?denied=2026-12-10", body: meets, status: 501, code: "not_enabled", pattern: "POST /api/v1/deadlines"},
		{name: "document off", method: "POST", target: "/api/v1/documents/lmn", body: meets, status: 501, code: "not_enabled", pattern: "POST /api/v1/documents/{kind}"},
		{name: "cases off", method: "GET", target: "/api/v1/cases", status: 501, code: "not_enabled", pattern: "GET /api/v1/cases"},
		{name: "create case off", method: "POST", target: "/api/v1/cases", body: meets, status: 501, code: "not_enabled", pattern: "POST /api/v1/cases"},
		{name: "case off", method: "GET", target: "/api/v1/cases/x", status: 501, code: "not_enabled", pattern: "GET /api/v1/cases/{id}"},
		{name: "events off", method: "GET", target: "/api/v1/cases/x/events", status: 501, code: "not_enabled", pattern: "GET /api/v1/cases/{id}/events"},

		// Hooks switched on.
		{name: "estimate", method: "POST", target: "/api/v1/estimate", body: meets, status: 200, pattern: "POST /api/v1/estimate", hooks: true, check: func(t *testing.T, body string) {
			if !strings.Contains(body, "Manufacturer savings") {
				t.Errorf("estimate: %s", body)
			}
		}},
		{name: "estimate refused", method: "POST", target: "/api/v1/estimate", body: "plan: {payer: X, type: individual}\ntherapy: {drug: esketamine, indication: trd}\n", status: 400, code: "invalid", pattern: "POST /api/v1/estimate", hooks: true},
		{name: "estimate bad case", method: "POST", target: "/api/v1/estimate", body: "therapy: 3", status: 400, code: "invalid", pattern: "POST /api/v1/estimate", hooks: true},
		{name: "deadlines", method: "POST", target: "/api/v1/deadlines?denied=2026-12-10", body: meets, status: 200, pattern: "POST /api/v1/deadlines", hooks: true, check: func(t *testing.T, body string) {
			var d deadlineList
			decode(t, body, &d)
			if len(d.Deadlines) != 1 || d.Deadlines[0].Due.String() != "2027-06-08" {
				t.Errorf("deadlines: %+v", d)
			}
		}},
		{name: "deadlines no date", method: "POST", target: "/api/v1/deadlines", body: meets, status: 400, code: "invalid", pattern: "POST /api/v1/deadlines", hooks: true},
		{name: "document", method: "POST", target: "/api/v1/documents/appeal", body: meets, status: 200, pattern: "POST /api/v1/documents/{kind}", hooks: true, check: func(t *testing.T, body string) {
			if !strings.HasPrefix(body, "%PDF-") || !strings.Contains(body, "Appeal letter for Blue Cross and Blue Shield of Oklahoma: meets-criteria") {
				t.Errorf("document: %q", body)
			}
		}},
		{name: "document unknown kind", method: "POST", target: "/api/v1/documents/poem", body: meets, status: 404, code: "not_found", pattern: "POST /api/v1/documents/{kind}", hooks: true},
		{name: "document refused", method: "POST", target: "/api/v1/documents/lmn", body: "plan: {payer: X, type: individual}\ntherapy: {drug: esketamine, indication: trd}\n", status: 400, code: "invalid", pattern: "POST /api/v1/documents/{kind}", hooks: true},
		{name: "create case", method: "POST", target: "/api/v1/cases", ctype: "application/yaml", body: meets, status: 201, pattern: "POST /api/v1/cases", hooks: true},
		{name: "create case invalid", method: "POST", target: "/api/v1/cases", body: "plan: {payer: ''}", status: 400, code: "invalid", pattern: "POST /api/v1/cases", hooks: true},
		{name: "cases", method: "GET", target: "/api/v1/cases?therapy=esketamine&limit=5", status: 200, pattern: "GET /api/v1/cases", hooks: true},
		{name: "cases bad limit", method: "GET", target: "/api/v1/cases?limit=0", status: 400, code: "invalid", pattern: "GET /api/v1/cases", hooks: true},
		{name: "cases bad therapy", method: "GET", target: "/api/v1/cases?therapy=x", status: 400, code: "invalid", pattern: "GET /api/v1/cases", hooks: true},
		{name: "cases store fails", method: "GET", target: "/api/v1/cases", status: 500, code: "internal", pattern: "GET /api/v1/cases", hooks: true, brokenDB: true},
		{name: "case unknown", method: "GET", target: "/api/v1/cases/nope", status: 404, code: "not_found", pattern: "GET /api/v1/cases/{id}", hooks: true},
		{name: "events unknown", method: "GET", target: "/api/v1/cases/nope/events", status: 404, code: "not_found", pattern: "GET /api/v1/cases/{id}/events", hooks: true},
		{name: "append event", method: "POST", target: "/api/v1/cases/ACCT-1001/events", ctype: "application/json", body: `{"kind": "pa-submitted", "date": "2026-11-20", "details": {"method": "portal"}}`, status: 201, pattern: "POST /api/v1/cases/{id}/events", hooks: true, prep: oneCase,
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, `"phase": "pa-pending"`) || !strings.Contains(body, `"actor": "tester"`) || !strings.Contains(body, `"step": "pa-decision"`) {
					t.Errorf("event result lacks the state, the actor or the payer's decision clock: %.600s", body)
				}
			}},
		{name: "append event refused", method: "POST", target: "/api/v1/cases/ACCT-1001/events", ctype: "application/json", body: `{"kind": "pa-denied", "date": "2026-11-20"}`, status: 409, code: "conflict", pattern: "POST /api/v1/cases/{id}/events", hooks: true, prep: oneCase},
		{name: "append event bad json", method: "POST", target: "/api/v1/cases/ACCT-1001/events", ctype: "application/json", body: `{"kind": "pa-submitted", "when": "today"}`, status: 400, code: "invalid", pattern: "POST /api/v1/cases/{id}/events", hooks: true, prep: oneCase},
		{name: "agenda", method: "GET", target: "/api/v1/deadlines?within=365", status: 200, pattern: "GET /api/v1/deadlines", hooks: true, prep: deniedCase,
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, `"step": "appeal-filing"`) {
					t.Errorf("agenda lacks the appeal filing window: %.600s", body)
				}
			}},
		{name: "agenda bad within", method: "GET", target: "/api/v1/deadlines?within=-1", status: 400, code: "invalid", pattern: "GET /api/v1/deadlines", hooks: true},
		{name: "calendar", method: "GET", target: "/api/v1/deadlines/calendar.ics", status: 200, pattern: "GET /api/v1/deadlines/calendar.ics", hooks: true, prep: deniedCase,
			check: func(t *testing.T, body string) {
				if !strings.HasPrefix(body, "BEGIN:VCALENDAR") || !strings.Contains(body, "case ACCT-1001") {
					t.Errorf("calendar: %.300s", body)
				}
			}},
		{name: "calendar store fails", method: "GET", target: "/api/v1/deadlines/calendar.ics", status: 500, code: "internal", pattern: "GET /api/v1/deadlines/calendar.ics", hooks: true, brokenDB: true},
		{name: "era import", method: "POST", target: "/api/v1/era", ctype: "application/edi-x12", body: testRemit, status: 200, pattern: "POST /api/v1/era", hooks: true, prep: deniedCase,
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, `"recorded": 1`) || !strings.Contains(body, `"unmatched": 1`) || !strings.Contains(body, `"kind": "claim-denied"`) {
					t.Errorf("import: %.800s", body)
				}
			}},
		{name: "era not x12", method: "POST", target: "/api/v1/era", body: "not a remittance", status: 400, code: "invalid", pattern: "POST /api/v1/era", hooks: true},
	}

	plain, _ := MustServer(t, Deps{})
	sp := loadSpec(t, plain.Handler())
	covered := map[string]map[string]bool{} // pattern -> "ok"/"bad"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := plain
			if tt.hooks {
				st := newMemStore()
				if tt.prep != nil {
					tt.prep(t, st)
				}
				if tt.brokenDB {
					st.fail = errors.New("database is locked")
				}
				s, _ = MustServer(t, Deps{Store: st, Estimator: fakeEstimator{}, Deadlines: fakeDeadliner{}, Documents: fakeDocumenter{}})
			}
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			res := rec.Result()
			b, _ := io.ReadAll(res.Body)
			body := string(b)
			if req.Pattern != tt.pattern {
				t.Errorf("answered by route %q, want %q", req.Pattern, tt.pattern)
			}
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body: %.400s", res.StatusCode, tt.status, body)
			}
			if req.Pattern != "/api/" {
				sp.check(t, req.Pattern, res, body)
			}
			if tt.code != "" {
				var e errorBody
				decode(t, body, &e)
				if e.Code != tt.code || e.Message == "" {
					t.Errorf("error = %+v, want code %s and a message", e, tt.code)
				}
				if tt.code == "internal" && e.Message != "internal error" {
					t.Errorf("an internal error shows %q, want only \"internal error\"", e.Message)
				}
			}
			if tt.check != nil {
				tt.check(t, body)
			}
			kind := "ok"
			if res.StatusCode >= 400 && res.StatusCode != 501 {
				kind = "bad"
			}
			if covered[tt.pattern] == nil {
				covered[tt.pattern] = map[string]bool{}
			}
			covered[tt.pattern][kind] = true
		})
	}

	// Every API route has a happy path and a bad input (the operational
	// routes and the document itself take no input).
	noInput := map[string]bool{"GET /api/openapi.json": true, "GET /api/v1/schema/case": true, "GET /healthz": true, "GET /metrics": true, "/api/": true, "GET /api/v1/deadlines/calendar.ics": true}
	for _, rt := range plain.table() {
		if !strings.Contains(rt.pattern, "/api/") && !strings.HasSuffix(rt.pattern, "z") && rt.pattern != "GET /metrics" {
			continue
		}
		c := covered[rt.pattern]
		if !c["ok"] && !noInput[rt.pattern] && rt.pattern != "/api/" {
			t.Errorf("%s: no happy-path test", rt.pattern)
		}
		if !c["bad"] && !noInput[rt.pattern] {
			t.Errorf("%s: no bad-input test", rt.pattern)
		}
	}
}

// TestAPICaseRoundTrip stores a case through the API, lists it, reads it
// and its (empty) timeline back, each response checked against the
// OpenAPI document.
func TestAPICaseRoundTrip(t *testing.T) {
	s, _ := MustServer(t, Deps{Store: newMemStore()})
	sp := loadSpec(t, s.Handler())
	h := s.Handler()
	call := func(method, target, body string, want int) string {
		t.Helper()
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, target, res.StatusCode, want, b)
		}
		sp.check(t, req.Pattern, res, string(b))
		return string(b)
	}
	created := call("POST", "/api/v1/cases", example(t, "esketamine-hcsc-meets.yaml"), 201)
	var sc ketacover.StoredCase
	if err := json.Unmarshal([]byte(created), &sc); err != nil {
		t.Fatal(err)
	}
	if sc.ID != "example-hcsc-001" {
		t.Errorf("id = %q, want the case's own id", sc.ID)
	}
	call("POST", "/api/v1/cases", example(t, "esketamine-hcsc-meets.yaml"), 409)
	list := call("GET", "/api/v1/cases?payer=Blue+Cross+and+Blue+Shield+of+Oklahoma", "", 200)
	if !strings.Contains(list, `"id": "example-hcsc-001"`) {
		t.Errorf("list lacks the case: %s", list)
	}
	got := call("GET", "/api/v1/cases/example-hcsc-001", "", 200)
	var back ketacover.StoredCase
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sc, back); diff != "" {
		t.Errorf("read back (-created +read):\n%s", diff)
	}
	if ev := call("GET", "/api/v1/cases/example-hcsc-001/events", "", 200); !strings.Contains(ev, `"events": []`) {
		t.Errorf("events: %s", ev)
	}
}

// oneCase stores the case the event tests write to.
func oneCase(t *testing.T, st *memStore) {
	t.Helper()
	c := &ketacover.Case{ID: "ACCT-1001"}
	c.Patient.Name, c.Patient.State = "Ana Ruiz", "OH"
	c.Plan.Payer, c.Plan.Type = "Example Health Plan", ketacover.PlanERISASelfFunded
	c.Therapy.Drug, c.Therapy.Indication = ketacover.TherapyKetamineIV, ketacover.IndicationTRD
	if _, err := st.CreateCase(context.Background(), c, "tester", ketacover.SourceAPI); err != nil {
		t.Fatal(err)
	}
}

// deniedCase stores the case with a prior authorization denied.
func deniedCase(t *testing.T, st *memStore) {
	t.Helper()
	oneCase(t, st)
	for _, k := range []ketacover.EventKind{ketacover.EventPASubmitted, ketacover.EventPADenied} {
		e := &ketacover.Event{CaseID: "ACCT-1001", Kind: k, Date: ketacover.MustDate("2026-11-20"), Actor: "tester", Source: ketacover.SourceAPI}
		if err := st.Append(context.Background(), e, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// testRemit is an 835 with a denied claim for ACCT-1001 and one for no
// stored case.
const testRemit = `ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *261124*1200*^*00501*000000101*0*P*:~
GS*HP*PAYER*CLINIC*20261124*1200*101*X*005010X221A1~
ST*835*0001~
BPR*I*0.00*C*NON************20261124~
TRN*1*12345*1512345678~
DTM*405*20261124~
N1*PR*EXAMPLE HEALTH PLAN~
N1*PE*EXAMPLE CLINIC*XX*1234567893~
CLP*ACCT-1001*4*1180.00*0.00*0.00*12*PAYCLM1~
CAS*CO*50*1180.00~
NM1*QC*1*RUIZ*ANA~
CLP*ZZZ-9*4*100.00*0.00*0.00*12*PAYCLM3~
CAS*CO*16*100.00~
NM1*QC*1*DOE*JOHN~
SE*13*0001~
GE*1*101~
IEA*1*000000101~
`
