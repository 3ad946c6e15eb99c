package crd

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/fhir"
)

// qItem is a Questionnaire item as the tests read it.
type qItem struct {
	LinkID       string  `json:"linkId"`
	Type         string  `json:"type"`
	Repeats      bool    `json:"repeats"`
	ReadOnly     bool    `json:"readOnly"`
	Item         []qItem `json:"item"`
	AnswerOption []struct {
		ValueString string `json:"valueString"`
	} `json:"answerOption"`
}

// answer fills every question: the answer for the first linkId suffix that
// matches, else a default for the type.
func answer(items []qItem, by [][2]any) []any {
	var out []any
	for _, it := range items {
		if it.ReadOnly {
			continue
		}
		if it.Type == "group" {
			out = append(out, map[string]any{"linkId": it.LinkID, "item": answer(it.Item, by)})
			continue
		}
		var v any
		for _, b := range by {
			if strings.HasSuffix(it.LinkID, b[0].(string)) {
				v = b[1]
				break
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
				v = "2026-11-20"
			default:
				v = "other"
				if len(it.AnswerOption) > 0 {
					v = it.AnswerOption[0].ValueString
				}
			}
		}
		key := map[string]string{"boolean": "valueBoolean", "integer": "valueInteger", "decimal": "valueDecimal", "date": "valueDate"}[it.Type]
		if key == "" {
			key = "valueString"
		}
		out = append(out, map[string]any{"linkId": it.LinkID, "answer": []any{map[string]any{key: v}}})
	}
	return out
}

// unpack reads a $questionnaire-package answer: the Questionnaire and the
// pre-filled QuestionnaireResponse.
func unpack(t *testing.T, body []byte) (items []qItem, qr map[string]any) {
	t.Helper()
	var p struct {
		ResourceType string `json:"resourceType"`
		Parameter    []struct {
			Name     string          `json:"name"`
			Resource json.RawMessage `json:"resource"`
		} `json:"parameter"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.ResourceType != "Parameters" || len(p.Parameter) != 1 || p.Parameter[0].Name != "packagebundle" {
		t.Fatalf("want Parameters with one packagebundle, got %s", body)
	}
	pkg := p.Parameter[0].Resource
	if _, err := fhir.Parse(pkg); err != nil {
		t.Fatalf("package bundle is not valid R4: %v", err)
	}
	var b struct {
		Type  string `json:"type"`
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	json.Unmarshal(pkg, &b)
	if b.Type != "collection" || len(b.Entry) != 2 {
		t.Fatalf("package: type %s with %d entries, want a collection of Questionnaire and QuestionnaireResponse", b.Type, len(b.Entry))
	}
	var q struct {
		ResourceType, URL, Version string
		Item                       []qItem
	}
	json.Unmarshal(b.Entry[0].Resource, &q)
	qr = jsonMap(t, b.Entry[1].Resource)
	if q.ResourceType != "Questionnaire" || qr["resourceType"] != "QuestionnaireResponse" {
		t.Fatalf("package holds %s and %v", q.ResourceType, qr["resourceType"])
	}
	if qr["questionnaire"] != q.URL+"|"+q.Version {
		t.Errorf("QR.questionnaire %v, want %s|%s (DTR spec-122)", qr["questionnaire"], q.URL, q.Version)
	}
	return q.Item, qr
}

// TestDTRRoundTrip: order-sign says documentation is needed; the DTR
// package for its coverage-assertion-id asks only what is unknown; a
// QuestionnaireResponse answering every question turns the case into a
// decided one.
func TestDTRRoundTrip(t *testing.T) {
	_, ts := newServer(t, nil)
	tests := []struct {
		name    string
		answers [][2]any
		want    ketacover.Outcome
	}{
		{"meets", [][2]any{{"diagnosis_confirmed_by", "scid"}, {"substance_use.disorder", false}, {"dose_adequate", true}}, ketacover.OutcomeMeets},
		{"does not meet", [][2]any{{"diagnosis_confirmed_by", "scid"}, {"substance_use.disorder", false}, {"dose_adequate", false}}, ketacover.OutcomeDoesNotMeet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := orderSignRequest(t, history())
			req["hookInstance"] = "dtr-" + tt.name
			status, body := post(t, ts.URL+"/cds-services/ketacover-order-sign", mustJSON(t, req))
			if status != http.StatusOK {
				t.Fatalf("order-sign: %d %s", status, body)
			}
			got := checkCRDResponse(t, body, draftOrders(t, req))
			esk := got["ServiceRequest/1357"]
			if len(esk["questionnaire"]) != 1 || esk["covered"][0] != "conditional" {
				t.Fatalf("order-sign asked for no questionnaire: %v", esk)
			}
			id := esk["coverage-assertion-id"][0].(string)
			in := map[string]any{"resourceType": "Parameters", "parameter": []any{map[string]any{"name": "context", "valueString": id}}}
			status, body = post(t, ts.URL+"/Questionnaire/$questionnaire-package", mustJSON(t, in))
			if status != http.StatusOK {
				t.Fatalf("package: %d %s", status, body)
			}
			items, qr := unpack(t, body)
			if qr["questionnaire"] != esk["questionnaire"][0] {
				t.Errorf("package questionnaire %v, order-sign named %v", qr["questionnaire"], esk["questionnaire"][0])
			}
			// Pre-filled: the known drug of each trial asked about.
			if !strings.Contains(string(body), "auto-server") || !strings.Contains(string(body), `"valueString":"sertraline"`) {
				t.Errorf("QR is not pre-filled with what the case knows: %s", body)
			}
			qr["status"] = "completed"
			qr["item"] = answer(items, tt.answers)
			status, body = post(t, ts.URL+"/QuestionnaireResponse", mustJSON(t, qr))
			if status != http.StatusOK {
				t.Fatalf("QuestionnaireResponse: %d %s", status, body)
			}
			out := jsonMap(t, body)
			outcome := out["parameter"].([]any)[0].(map[string]any)["valueCode"]
			if outcome != string(tt.want) {
				t.Errorf("outcome after the answers %v, want %s: %s", outcome, tt.want, body)
			}
		})
	}
}

// TestDTRSampleInput sends the DTR test kit's $questionnaire-package input
// with an esketamine order substituted for its blood gas panel.
func TestDTRSampleInput(t *testing.T) {
	_, ts := newServer(t, func(c *Config) { c.Payers = nil })
	raw := readSample(t, "dtr-questionnaire-package-input-params.json")
	status, body := post(t, ts.URL+"/Questionnaire/$questionnaire-package", raw)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "no IV ketamine or esketamine order") {
		t.Errorf("sample as is: %d %s, want 400 naming the missing order", status, body)
	}
	in := jsonMap(t, raw)
	order := in["parameter"].([]any)[1].(map[string]any)["resource"].(map[string]any)
	order["code"] = esketamineCode
	// The sample's 2019 date of service predates every policy version
	// in the library; move it to a date they govern.
	order["occurrenceDateTime"] = "2026-12-07"
	status, body = post(t, ts.URL+"/Questionnaire/$questionnaire-package", mustJSON(t, in))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	items, _ := unpack(t, body)
	if len(items) == 0 {
		t.Error("no questions for an order with no clinical record")
	}
}

func TestDTRErrors(t *testing.T) {
	_, ts := newServer(t, nil)
	tests := []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"other operation", "/Questionnaire/$next-question", `{}`, 404, "want $questionnaire-package"},
		{"not parameters", "/Questionnaire/$questionnaire-package", `{"resourceType":"Bundle"}`, 400, "want a Parameters resource"},
		{"unknown session", "/QuestionnaireResponse", `{"resourceType":"QuestionnaireResponse","id":"nope","status":"completed"}`, 404, "no open DTR session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, ts.URL+tt.path, []byte(tt.body))
			if status != tt.status || !strings.Contains(string(body), tt.want) {
				t.Errorf("%d %s, want %d containing %q", status, body, tt.status, tt.want)
			}
		})
	}
}
