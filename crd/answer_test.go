package crd

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/fhir"
)

// extensionMap is the coverage-information extension as a map, the
// specification appendExtension is held to: json.Marshal of it is what the
// service wrote before the answer writer.
func (a *assessment) extensionMap(coverageRef string) map[string]any {
	var sub []any
	add := func(url, key string, v any) { sub = append(sub, map[string]any{"url": url, key: v}) }
	add("coverage", "valueReference", map[string]any{"reference": coverageRef})
	add("covered", "valueCode", a.covered)
	if a.paNeeded != "" && a.covered != "not-covered" {
		add("pa-needed", "valueCode", a.paNeeded)
	}
	for _, v := range a.docNeeded {
		add("doc-needed", "valueCode", v)
	}
	for _, v := range a.docPurpose {
		add("doc-purpose", "valueCode", v)
	}
	for _, v := range a.infoNeeded {
		add("info-needed", "valueCode", v)
	}
	for _, c := range a.order.Codes {
		add("billingCode", "valueCoding", map[string]any{"system": c.System, "code": c.Code})
	}
	add("reason", "valueCodeableConcept", map[string]any{"text": clip(a.d.Verdict, 1000)})
	if src := policySource(a.d); src != "" {
		sub = append(sub, map[string]any{"url": "detail", "extension": []any{
			map[string]any{"url": "category", "valueCode": "cat-other"},
			map[string]any{"url": "code", "valueCodeableConcept": map[string]any{"text": "payer policy"}},
			map[string]any{"url": "value", "valueUrl": src},
			map[string]any{"url": "qualification", "valueString": policyName(a.d)},
		}})
	}
	if a.form != nil {
		add("questionnaire", "valueCanonical", a.form.Canonical())
	}
	add("date", "valueDate", a.asOf.String())
	add("coverage-assertion-id", "valueString", a.id)
	return map[string]any{"url": extCoverageInformation, "extension": sub}
}

// encodingJSON is how the service wrote an answer before the answer
// writer.
func encodingJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writerRequests are hook calls whose answers cover every outcome: an
// esketamine order judged against a payer policy with and without the
// patient's history (met; information needed, with a questionnaire), the
// reference profiles when no payer rule matches, and the appointment-book
// sample.
func writerRequests(t *testing.T) map[string]struct {
	s    *Server
	body []byte
} {
	withPayer, _ := newServer(t, nil)
	noPayer, _ := newServer(t, func(c *Config) { c.Payers = nil })
	notCovered := history()
	notCovered["observations"] = bundle()
	appt := appointmentRequest(t)
	sign := jsonMap(t, readSample(t, "crd-order-sign-request.json"))
	appt["prefetch"] = map[string]any{"patient": sign["prefetch"].(map[string]any)["patient"], "coverage": sign["prefetch"].(map[string]any)["coverage"]}
	return map[string]struct {
		s    *Server
		body []byte
	}{
		"history":        {withPayer, mustJSON(t, orderSignRequest(t, history()))},
		"no history":     {withPayer, mustJSON(t, orderSignRequest(t, nil))},
		"no phq-9":       {withPayer, mustJSON(t, orderSignRequest(t, notCovered))},
		"reference":      {noPayer, mustJSON(t, orderSignRequest(t, history()))},
		"appointment":    {withPayer, mustJSON(t, appt)},
		"unchanged":      {withPayer, readSample(t, "crd-order-sign-request.json")},
		"pretty request": {noPayer, indent(t, mustJSON(t, orderSignRequest(t, history())))},
	}
}

func indent(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAnswerWriter holds the answer writer to encoding/json: the answers
// to the requests above, byte for byte, and each coverage-information
// extension against json.Marshal of extensionMap.
func TestAnswerWriter(t *testing.T) {
	seen := map[string]bool{}
	for name, tc := range writerRequests(t) {
		t.Run(name, func(t *testing.T) {
			req, err := DecodeHookRequest(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tc.s.Answer(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendResponse(nil, resp)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(encodingJSON(t, resp)), string(got)+"\n"); diff != "" {
				t.Errorf("answer (-encoding/json +writer):\n%s", diff)
			}
			// The extensions, from the assessments themselves.
			ctx := context.Background()
			orders, err := tc.s.orders(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(orders) == 0 {
				return
			}
			rec, err := tc.s.record(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			cov, err := tc.s.coverage(rec)
			if err != nil {
				t.Fatal(err)
			}
			bases := &caseBases{rec: rec}
			for _, o := range orders {
				a := tc.s.assess(bases, cov, o.order, req.HookInstance, false)
				checkExtension(t, a, cov.ref)
				seen[a.covered] = true
				seen["questionnaire"] = seen["questionnaire"] || a.form != nil
				seen["policy link"] = seen["policy link"] || policySource(a.d) != ""
			}
		})
	}
	for _, want := range []string{"conditional", "indeterminate", "questionnaire", "policy link"} {
		if !seen[want] {
			t.Errorf("no answer had %s; seen %v", want, seen)
		}
	}
}

func checkExtension(t *testing.T, a *assessment, ref string) {
	t.Helper()
	want, err := json.Marshal(a.extensionMap(ref))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(a.appendExtension(nil, ref))); diff != "" {
		t.Errorf("extension (-json.Marshal +appendExtension):\n%s", diff)
	}
}

// TestAnswerWriterOdd covers what the requests above do not: strings that
// need escaping, every optional field, resources that are not compact or
// not valid, and card extensions of other shapes.
func TestAnswerWriterOdd(t *testing.T) {
	odd := "<b>&amp;</b> \"q\" \\ \b\f\n\r\t\x01\x7f é \u2028\u2029 \xff\xfe 😀"
	a := &assessment{
		order:      &fhir.Order{Codes: []fhir.Coding{{System: odd, Code: "G2083"}, {System: "s", Code: odd}}},
		d:          ketacover.Determination{Verdict: odd, Policy: ketacover.PolicyRef{Payer: odd, Title: "T", Number: "1<2", Revised: "2026", Sources: []ketacover.Source{{URL: "https://x.example/?a=1&b=<2>"}}}},
		id:         odd,
		covered:    "conditional",
		paNeeded:   "auth-needed",
		docNeeded:  []string{"clinical", odd},
		docPurpose: []string{"withpa"},
		infoNeeded: []string{"OTH"},
	}
	checkExtension(t, a, odd)
	a.covered, a.d.Policy.Sources = "not-covered", nil
	checkExtension(t, a, "Coverage/1")

	resp := &Response{
		Cards: []Card{
			{UUID: odd, Summary: odd, Detail: odd, Indicator: "info", Source: Source{Label: odd, URL: odd, Topic: &Coding{System: odd, Code: odd, Display: odd}},
				Links:     []Link{{Label: odd, URL: odd, Type: "absolute"}, {}},
				Extension: map[string]any{"b": []any{map[string]string{"z": odd, "a": "1"}, nil, 1.5, true}, "a<": map[string]any{"n": nil, "x": []string{odd}}, odd: []any{}}},
			{},
		},
		SystemActions: []Action{
			{Type: "update", Description: odd, Resource: json.RawMessage(" {\n \"a\" : [ 1 , \"x y<\u2028>&\\\"\\\\\" ] ,\"b\":{ } }\t")},
			{Type: "update"},
		},
	}
	got, err := appendResponse(nil, resp)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(encodingJSON(t, resp)), string(got)+"\n"); diff != "" {
		t.Errorf("answer (-encoding/json +writer):\n%s", diff)
	}
	if got, err := appendResponse(nil, &Response{}); err != nil || string(got) != `{"cards":null}` {
		t.Errorf("empty response: %s, %v", got, err)
	}
	for _, bad := range []string{`{`, `{"a":1} x`, `nul`} {
		if _, err := appendResponse(nil, &Response{SystemActions: []Action{{Resource: json.RawMessage(bad)}}}); err == nil {
			t.Errorf("resource %q: no error", bad)
		}
	}
}

var answerSeeds = []string{
	`{"resourceType":"ServiceRequest","id":"1"}`,
	" [1, 2.5e3 ,-0, true,false,null, \"a b\\\"<>&\\u2028\xe2\x80\xa8\"] ",
	`{"a":{"b":[{}]}}`,
	`"<script>"`, `{`, `{"a":}`, `1 2`, "\xff", `"\xff"`,
}

// FuzzAnswerWriter checks appendString against encoding/json for any
// string, and appendRaw for any raw resource (the same bytes, or an error
// for both).
func FuzzAnswerWriter(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, _ := json.Marshal(string(b))
		if got := appendString(nil, string(b)); !bytes.Equal(want, got) {
			t.Fatalf("appendString(%q) = %s, encoding/json: %s", b, got, want)
		}
		want, werr := json.Marshal(json.RawMessage(b))
		got, gerr := appendRaw(nil, b)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(want, got) {
			t.Fatalf("appendRaw(%q) = %s, %v; encoding/json: %s, %v", b, got, gerr, want, werr)
		}
	})
}

func TestAnswerWriterSeeds(t *testing.T) {
	for i, s := range answerSeeds {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			want, werr := json.Marshal(json.RawMessage(s))
			got, gerr := appendRaw(nil, []byte(s))
			if (werr != nil) != (gerr != nil) || !bytes.Equal(want, got) {
				t.Fatalf("appendRaw(%q) = %s, %v; encoding/json: %s, %v", s, got, gerr, want, werr)
			}
		})
	}
}

var configurationSeeds = []string{
	`{"appropriate-use":false,"claim":false,"cost":false,"max-cards":5}`,
	`{"coverage-info":false,"max-cards":2}`, `{"coverage-info":true,"max-cards":0}`,
	`{"coverage-info":null,"max-cards":null}`, `{"coverage-info":"false","max-cards":"2"}`,
	`{"max-cards":-1}`, `{"max-cards":2.0}`, `{"max-cards":1e2}`, `{"max-cards":99999999999999999999}`,
	`{"max-cards":1,"max-cards":3}`, `{"Max-Cards":1}`, `{"max\u002dcards":1}`, `{"coverage-info":[],"x":{}}`,
	`null`, `[]`, `{}`, `5`, `{`,
}

// checkConfiguration fails when the fast reading of a configuration
// extension differs from encoding/json's.
func checkConfiguration(t *testing.T, raw []byte) {
	req := &HookRequest{Extension: map[string]json.RawMessage{"davinci-crd.configuration": raw}}
	got := configuration(req)
	// The reading with encoding/json alone, as configuration did before.
	want := hookConfig{coverageInfo: true, maxCards: 10}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil {
		var b bool
		if json.Unmarshal(m["coverage-info"], &b) == nil {
			want.coverageInfo = b
		}
		var n int
		if json.Unmarshal(m["max-cards"], &n) == nil && n >= 0 {
			want.maxCards = n
		}
	}
	if got != want {
		t.Fatalf("configuration(%s) = %+v, encoding/json: %+v", raw, got, want)
	}
}

func TestConfiguration(t *testing.T) {
	fast := 0
	for i, s := range configurationSeeds {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkConfiguration(t, []byte(s)) })
		if _, ok := fastConfiguration([]byte(s), hookConfig{}); ok {
			fast++
		}
	}
	if fast < 10 {
		t.Errorf("only %d seeds took the fast path", fast)
	}
}

// FuzzConfiguration checks the fast reading of davinci-crd.configuration
// against encoding/json's.
func FuzzConfiguration(f *testing.F) {
	for _, s := range configurationSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkConfiguration)
}
