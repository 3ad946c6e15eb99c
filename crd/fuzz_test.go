package crd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketacover/ketacover"
)

// FuzzDecodeHookRequest feeds arbitrary bytes to the CDS Hooks request
// decoder and, when it accepts them, to the whole answer (FHIR checks, case
// mapping, policy evaluation, system action). Nothing may panic; an accepted
// request has the fields the decoder promises; a failure is an application
// error, never an internal one.
func FuzzDecodeHookRequest(f *testing.F) {
	for _, name := range []string{"crd-order-sign-request.json", "crd-appointment-book-request.json"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "samples", "fhir", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"hook":"order-sign","hookInstance":"1","context":{"userId":"Practitioner/1","patientId":"1","draftOrders":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"ServiceRequest","id":"1","status":"draft","intent":"order","code":{"text":"ketamine infusion"},"subject":{"reference":"Patient/1"}}}]}},"prefetch":{"patient":{"resourceType":"Patient","id":"1","birthDate":"1980-01-01"},"coverage":{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Coverage","id":"c","status":"active","beneficiary":{"reference":"Patient/1"},"payor":[{"display":"Acme Health Plan"}]}}]}}}`))
	f.Add([]byte(`{"hook":"order-select","hookInstance":"x","context":{"userId":"u","patientId":"p","draftOrders":{"resourceType":"Bundle"},"selections":["MedicationRequest/1"]}}`))
	f.Add([]byte(`{"hook":"appointment-book","hookInstance":"x","fhirServer":"http://127.0.0.1:1","fhirAuthorization":{"access_token":"t","token_type":"Bearer"},"context":{"userId":"u","patientId":"p","appointments":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Appointment","id":"a","status":"proposed","participant":[{"status":"accepted"}],"basedOn":[{"reference":"ServiceRequest/9"}]}}]}}}`))
	f.Add([]byte(`{"hook":"order-sign"}`))
	f.Add([]byte(`[]`))
	cfg := Config{BaseURL: "https://payer.example/crd", Library: library(f), Now: fixedNow, Payers: []PayerRule{acme}}
	s, err := New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeHookRequest(b)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("decoder error %v is not EINVALID", err)
			}
			return
		}
		if req.Hook == "" || req.HookInstance == "" || req.Context.PatientID == "" || req.Context.UserID == "" {
			t.Fatalf("accepted a request without its required fields: %+v", req)
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeHookRequest(again); err != nil {
			t.Fatalf("an accepted request does not decode again: %v", err)
		}
		resp, err := s.Answer(context.Background(), req)
		if err != nil {
			var pre errPrecondition
			if !asPrecondition(err, &pre) && ketacover.ErrorCode(err) == ketacover.EINTERNAL {
				t.Fatalf("internal error answering an accepted request: %v", err)
			}
			return
		}
		if resp.Cards == nil {
			t.Fatal("answer without cards")
		}
	})
}

func asPrecondition(err error, p *errPrecondition) bool {
	e, ok := err.(errPrecondition)
	if ok {
		*p = e
	}
	return ok
}
