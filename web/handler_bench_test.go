package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// In-process handler benchmarks (no network), to see where a request's
// time goes:
//
//	go test ./web -run '^$' -bench BenchmarkHandler -benchmem
func BenchmarkHandlerSelfCheck(b *testing.B) {
	s, _ := MustServer(b, Deps{})
	h := s.Handler()
	body := formMeets().Encode()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/check", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkHandlerPolicyPage(b *testing.B) {
	s, _ := MustServer(b, Deps{})
	h := s.Handler()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/policies/premera-5-01-609", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
