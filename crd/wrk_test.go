package crd

import (
	"flag"
	"os"
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
