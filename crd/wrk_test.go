package crd

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var wrkBody = flag.String("wrk-body", "", "write the load benchmarks' order-sign request to this file, for wrk (web/testdata/wrk/run.sh)")

// TestWrkBody writes the request BenchmarkOrderSign200 sends, for the wrk
// run against "ketacover serve" (web/testdata/wrk/run.sh), when -wrk-body
// names a file: the request is made from the Da Vinci sample in
// ../shared, which is read in place and never copied into the project.
// It checks that the written request decodes as the order-sign call it
// is meant to be.
func TestWrkBody(t *testing.T) {
	if *wrkBody == "" {
		t.Skip("no -wrk-body file given: nothing to write")
	}
	body := mustJSON(t, orderSignRequest(t, history()))
	req, err := DecodeHookRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	if req.Hook != HookOrderSign || len(req.Prefetch) == 0 {
		t.Fatalf("the request is for hook %q with %d prefetch entries, want order-sign with prefetch", req.Hook, len(req.Prefetch))
	}
	if err := os.WriteFile(*wrkBody, body, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNewPatientScript: web/testdata/wrk/crd-new-patient.lua makes each
// call for a new patient by replacing the patient's id where the request
// carries it. The same replacements, made here on the request TestWrkBody
// writes, must leave no reference to the old patient and give a request
// for the new one, so that the script measures what it says.
func TestNewPatientScript(t *testing.T) {
	body := string(mustJSON(t, orderSignRequest(t, history())))
	const old, id = "123", "p1x1"
	for _, r := range [][2]string{
		{`Patient/` + old + `"`, `Patient/` + id + `"`},
		{`"patientId":"` + old + `"`, `"patientId":"` + id + `"`},
		{`"patient":"` + old + `"`, `"patient":"` + id + `"`},
		{`"id":"` + old + `"`, `"id":"` + id + `"`},
		{`patient=` + old, `patient=` + id},
	} {
		if !strings.Contains(body, r[0]) {
			t.Errorf("the request has no %s for the script to replace", r[0])
		}
		body = strings.ReplaceAll(body, r[0], r[1])
	}
	req, err := DecodeHookRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if req.Context.PatientID != id {
		t.Errorf("context patientId = %q, want %q", req.Context.PatientID, id)
	}
	if strings.Contains(body, "Patient/"+old) || strings.Contains(string(req.Prefetch["patient"]), `"id":"`+old+`"`) {
		t.Errorf("the patient %s is still in the request after the replacements", old)
	}
}
