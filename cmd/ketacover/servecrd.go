package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/crd"
	"github.com/ketacover/ketacover/internal/fifo"
	"github.com/ketacover/ketacover/policy"
)

// The CDS Hooks (Da Vinci CRD) and DTR service inside "ketacover serve".
// Its base URL is the server's own address unless --base-url names the
// public one (behind a proxy), and the address is known only once the
// listener is bound; the routes are mounted before that and answer 503
// until the service is ready.

// crdPatterns are the routes the crd package serves.
var crdPatterns = []string{"/cds-services", "/cds-services/", "/Questionnaire/", "/QuestionnaireResponse"}

// lateHandler serves through a handler set once the server is listening.
type lateHandler struct{ h atomic.Pointer[http.Handler] }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := l.h.Load()
	if h == nil {
		http.Error(w, "the CDS Hooks service is starting", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}

// startCRD builds the service for baseURL and makes l serve it.
func startCRD(l *lateHandler, baseURL string, lib *policy.Library, gate *fifo.Gate, e *env, jwks string, log func(string)) error {
	cfg := crd.Config{BaseURL: baseURL, Library: lib, Now: e.now, Gate: gate}
	issuers, err := parseIssuers(jwks)
	if err != nil {
		return err
	}
	cfg.Issuers = issuers
	srv, err := crd.New(cfg)
	if err != nil {
		return fmt.Errorf("CDS Hooks service: %w", err)
	}
	h := srv.Handler()
	l.h.Store(&h)
	if len(issuers) == 0 {
		log("CDS Hooks: no --cds-jwks given, so client tokens are not checked; use only on a private network")
	}
	return nil
}

// parseIssuers reads --cds-jwks: ISSUER=FILE pairs separated by commas,
// each FILE a JSON Web Key Set of that CDS client's public keys.
func parseIssuers(spec string) ([]crd.Issuer, error) {
	var out []crd.Issuer
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		iss, file, ok := strings.Cut(part, "=")
		if !ok || iss == "" || file == "" {
			return nil, ketacover.Errorf(ketacover.EINVALID, "--cds-jwks %q: want ISSUER=FILE (the client's issuer URL and its JWKS file)", part)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "--cds-jwks: %v", err)
		}
		is, err := crd.ParseIssuer(iss, b)
		if err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "--cds-jwks %s: %v", file, err)
		}
		out = append(out, is)
	}
	return out, nil
}
