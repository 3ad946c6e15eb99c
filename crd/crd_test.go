package crd

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover/fhir"
)

func fhirParse(b []byte) (any, error) { return fhir.Parse(b) }

// diffJSON compares two resources as google/fhir writes them.
func diffJSON(t testing.TB, a, b map[string]any) string {
	t.Helper()
	ca, err := fhir.Canonical(mustJSON(t, a))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := fhir.Canonical(mustJSON(t, b))
	if err != nil {
		t.Fatal(err)
	}
	return cmp.Diff(jsonMap(t, ca), jsonMap(t, cb))
}

func draftOrders(t testing.TB, req map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, e := range req["context"].(map[string]any)["draftOrders"].(map[string]any)["entry"].([]any) {
		r := e.(map[string]any)["resource"].(map[string]any)
		out[r["resourceType"].(string)+"/"+r["id"].(string)] = r
	}
	return out
}

func TestDiscovery(t *testing.T) {
	_, ts := newServer(t, nil)
	res, err := http.Get(ts.URL + "/cds-services")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var d struct {
		Services []Service `json:"services"`
	}
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	var hooks []string
	for _, s := range d.Services {
		hooks = append(hooks, s.Hook+"="+s.ID)
		if s.Description == "" || s.Prefetch["patient"] == "" || s.Prefetch["coverage"] == "" || s.Prefetch["observations"] == "" {
			t.Errorf("%s: description and prefetch (patient, coverage, observations) required: %+v", s.ID, s)
		}
	}
	want := []string{"order-sign=ketacover-order-sign", "order-select=ketacover-order-select", "appointment-book=ketacover-appointment-book"}
	if diff := cmp.Diff(want, hooks); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
}

// TestOrderSignSample sends the Da Vinci order-sign sample with an
// esketamine and an IV ketamine order substituted, and the patient's
// history in the prefetch.
func TestOrderSignSample(t *testing.T) {
	_, ts := newServer(t, nil)
	req := orderSignRequest(t, history())
	status, body := post(t, ts.URL+"/cds-services/ketacover-order-sign", mustJSON(t, req))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	got := checkCRDResponse(t, body, draftOrders(t, req))
	esk := got["ServiceRequest/1357"]
	if esk == nil {
		t.Fatal("no answer for the esketamine order")
	}
	// HCSC RX501.105 covers esketamine with prior authorization; the EHR
	// record cannot show how the diagnosis was confirmed or the REMS
	// status, so coverage is conditional on documentation.
	if esk["covered"][0] != "conditional" || esk["pa-needed"][0] != "auth-needed" || len(esk["questionnaire"]) != 1 {
		t.Errorf("esketamine: covered %v pa-needed %v questionnaire %v", esk["covered"], esk["pa-needed"], esk["questionnaire"])
	}
	if codes := esk["billingCode"]; len(codes) != 1 || codes[0].(map[string]any)["code"] != "G2083" {
		t.Errorf("esketamine billing codes %v, want G2083", codes)
	}
	ket := got["ServiceRequest/2468"]
	if ket == nil {
		t.Fatal("no answer for the IV ketamine order")
	}
	if !strings.Contains(string(body), "IV ketamine is FDA-approved only as an anesthetic") {
		t.Error("IV ketamine card does not say it is off-label")
	}
}

// TestOrderSignUnchangedSample: the sample's own orders (mammography,
// oxygen) are not ours: an empty answer.
func TestOrderSignUnchangedSample(t *testing.T) {
	_, ts := newServer(t, nil)
	status, body := post(t, ts.URL+"/cds-services/ketacover-order-sign", readSample(t, "crd-order-sign-request.json"))
	if status != http.StatusOK || strings.TrimSpace(string(body)) != `{"cards":[]}` {
		t.Errorf("status %d body %s, want 200 {\"cards\":[]}", status, body)
	}
}

func TestOrderSelect(t *testing.T) {
	_, ts := newServer(t, nil)
	req := orderSignRequest(t, nil)
	req["hook"] = "order-select"
	req["context"].(map[string]any)["selections"] = []any{"ServiceRequest/1357"}
	status, body := post(t, ts.URL+"/cds-services/ketacover-order-select", mustJSON(t, req))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	orders := draftOrders(t, req)
	delete(orders, "ServiceRequest/2468") // not selected
	got := checkCRDResponse(t, body, orders)
	// A secondary hook asks for no documentation (CRD hook-19).
	if s := got["ServiceRequest/1357"]; len(s["doc-needed"]) > 0 || len(s["questionnaire"]) > 0 {
		t.Errorf("order-select asked for documentation: %v", s)
	}
}

// appointmentRequest is the CRD appointment-book sample with the booked
// service turned into an esketamine session.
func appointmentRequest(t testing.TB) map[string]any {
	req := jsonMap(t, readSample(t, "crd-appointment-book-request.json"))
	appt := req["context"].(map[string]any)["appointments"].(map[string]any)["entry"].([]any)[0].(map[string]any)["resource"].(map[string]any)
	appt["serviceType"] = []any{esketamineCode}
	return req
}

func TestAppointmentBookSample(t *testing.T) {
	_, ts := newServer(t, nil)
	// The sample has no prefetch and the service may not fetch: 412.
	status, body := post(t, ts.URL+"/cds-services/ketacover-appointment-book", mustJSON(t, appointmentRequest(t)))
	if status != http.StatusPreconditionFailed || !strings.Contains(string(body), "OperationOutcome") {
		t.Fatalf("status %d body %s, want 412 with an OperationOutcome", status, body)
	}
	// With the patient and coverage prefetched (from the order-sign
	// sample), the appointment gets its coverage information.
	req := appointmentRequest(t)
	sign := jsonMap(t, readSample(t, "crd-order-sign-request.json"))
	req["prefetch"] = map[string]any{"patient": sign["prefetch"].(map[string]any)["patient"], "coverage": sign["prefetch"].(map[string]any)["coverage"]}
	status, body = post(t, ts.URL+"/cds-services/ketacover-appointment-book", mustJSON(t, req))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	appt := req["context"].(map[string]any)["appointments"].(map[string]any)["entry"].([]any)[0].(map[string]any)["resource"].(map[string]any)
	checkCRDResponse(t, body, map[string]map[string]any{"Appointment/example": appt})
}

// TestAppointmentBookFetch: with fetching allowed, what the prefetch lacks
// is read from the client's FHIR server with the token it lends.
func TestAppointmentBookFetch(t *testing.T) {
	sign := jsonMap(t, readSample(t, "crd-order-sign-request.json"))
	pf := sign["prefetch"].(map[string]any)
	var paths []string
	ehr := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.RequestURI())
		if r.Header.Get("Authorization") != "Bearer some-opaque-fhir-access-token" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		switch {
		case r.URL.Path == "/fhir/Patient/123":
			json.NewEncoder(w).Encode(pf["patient"])
		case r.URL.Path == "/fhir/Coverage":
			json.NewEncoder(w).Encode(pf["coverage"])
		default:
			json.NewEncoder(w).Encode(bundle())
		}
	})
	ehrTS := newHTTPServer(t, ehr)
	_, ts := newServer(t, func(c *Config) { c.Fetch = true })
	req := appointmentRequest(t)
	req["fhirServer"] = ehrTS + "/fhir"
	status, body := post(t, ts.URL+"/cds-services/ketacover-appointment-book", mustJSON(t, req))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s (EHR saw %v)", status, body, paths)
	}
	if !contains(paths, "/fhir/Patient/123") || !contains(paths, "/fhir/Coverage?patient=123&status=active") {
		t.Errorf("EHR reads %v", paths)
	}
	// The EHR refusing the token: the patient cannot be read, 412.
	req["fhirAuthorization"].(map[string]any)["access_token"] = "wrong"
	status, body = post(t, ts.URL+"/cds-services/ketacover-appointment-book", mustJSON(t, req))
	if status != http.StatusPreconditionFailed {
		t.Errorf("status %d body %s, want 412", status, body)
	}
}

func TestHookErrors(t *testing.T) {
	_, ts := newServer(t, nil)
	good := func() map[string]any { return orderSignRequest(t, nil) }
	twoCov := good()
	cov := twoCov["prefetch"].(map[string]any)["coverage"].(map[string]any)
	cov["entry"] = append(cov["entry"].([]any), cov["entry"].([]any)[0])
	otherPayer := good()
	otherPayer["prefetch"].(map[string]any)["coverage"].(map[string]any)["entry"].([]any)[0].(map[string]any)["resource"].(map[string]any)["payor"] = []any{map[string]any{"display": "Some Other Plan"}}
	badFHIR := good()
	badFHIR["prefetch"].(map[string]any)["patient"].(map[string]any)["birthDate"] = "1987-02-30x"
	noCov := good()
	delete(noCov["prefetch"].(map[string]any), "coverage")
	noHook := good()
	delete(noHook, "hook")
	tests := []struct {
		name, path string
		body       []byte
		status     int
		want       string
	}{
		{"not json", "ketacover-order-sign", []byte("{"), 400, "JSON syntax error"},
		{"no hook", "ketacover-order-sign", mustJSON(t, noHook), 400, "hook: required"},
		{"wrong service", "ketacover-appointment-book", mustJSON(t, good()), 400, `hook \"order-sign\" sent to the appointment-book service`},
		{"unknown service", "nope", mustJSON(t, good()), 404, `no CDS service \"nope\"`},
		{"two coverages", "ketacover-order-sign", mustJSON(t, twoCov), 400, "2 active Coverages"},
		{"payer not served", "ketacover-order-sign", mustJSON(t, otherPayer), 400, "Some Other Plan) is not served"},
		{"invalid FHIR", "ketacover-order-sign", mustJSON(t, badFHIR), 400, "prefetch.patient: not valid FHIR R4"},
		{"no coverage", "ketacover-order-sign", mustJSON(t, noCov), 412, "Coverage is needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, ts.URL+"/cds-services/"+tt.path, tt.body)
			if status != tt.status || !strings.Contains(string(body), tt.want) || !strings.Contains(string(body), `"resourceType":"OperationOutcome"`) {
				t.Errorf("status %d body %s, want %d with an OperationOutcome containing %q", status, body, tt.status, tt.want)
			}
		})
	}
}

// TestWarmedPrefetch: every resource type a service's prefetch asks for is
// in the FHIR warm-up bundle that serve parses before it listens, so that
// a fresh server's first calls do not wait on google/fhir's set-up for it.
func TestWarmedPrefetch(t *testing.T) {
	warmed := fhir.WarmedTypes()
	for _, hook := range []string{HookOrderSign, HookOrderSelect, HookAppointmentBook} {
		for key, tmpl := range prefetch(hook) {
			rt, _, _ := strings.Cut(tmpl, "?")
			rt, _, _ = strings.Cut(rt, "/")
			if !slices.Contains(warmed, rt) {
				t.Errorf("%s prefetch %s asks for %s, which the warm-up bundle lacks (it has %v)", hook, key, rt, warmed)
			}
		}
	}
}
