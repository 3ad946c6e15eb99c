package crd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/fhir"
)

// prefetchKeys are read in this order; patient and coverage are required.
var prefetchKeys = []string{"patient", "coverage", "conditions", "medicationRequests", "medicationStatements", "observations", "practitioners", "organizations"}

// record gathers what the request says about the patient: each prefetch
// entry checked as FHIR R4, and what is missing read from the client's FHIR
// server when allowed. Without a patient or a coverage the service cannot
// answer: 412.
func (s *Server) record(ctx context.Context, req *HookRequest) (*fhir.Record, error) {
	rec := &fhir.Record{}
	for _, k := range prefetchKeys {
		raw, ok := req.Prefetch[k]
		if !ok {
			if !s.canFetch(req) {
				continue
			}
			q := fetchQuery(k, req)
			if q == "" {
				continue
			}
			var err error
			if raw, err = s.fetch(ctx, req, q); err != nil {
				if k == "patient" || k == "coverage" {
					return nil, errPrecondition{fmt.Sprintf("prefetch %s was not sent and reading it from %s failed: %v", k, req.FHIRServer, ketacover.ErrorMessage(err))}
				}
				// Clinical history that cannot be read stays unknown:
				// the answer asks for it instead.
				continue
			}
		}
		if err := rec.Add(raw); err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "prefetch.%s: %s", k, ketacover.ErrorMessage(err))
		}
	}
	switch {
	case rec.Patient == nil:
		return nil, errPrecondition{"the Patient is needed (prefetch \"patient\": " + prefetchOf("patient") + ") and was neither sent nor readable"}
	case len(rec.Coverages) == 0 && req.Prefetch["coverage"] == nil && !s.canFetch(req):
		return nil, errPrecondition{"the patient's Coverage is needed (prefetch \"coverage\": " + prefetchOf("coverage") + ") and was neither sent nor readable"}
	}
	return rec, nil
}

func prefetchOf(k string) string { return prefetch(HookOrderSign)[k] }

// fetchQuery fills a prefetch template for this request, or "" when it
// needs a token the request does not give.
func fetchQuery(key string, req *HookRequest) string {
	t, ok := prefetch(req.Hook)[key]
	if !ok {
		return ""
	}
	if strings.Contains(t, "{{userPractitionerId}}") {
		id, ok := strings.CutPrefix(req.Context.UserID, "Practitioner/")
		if !ok {
			return ""
		}
		t = strings.ReplaceAll(t, "{{userPractitionerId}}", url.QueryEscape(id))
	}
	t = strings.ReplaceAll(t, "{{context.patientId}}", url.QueryEscape(req.Context.PatientID))
	if strings.Contains(t, "{{") {
		return ""
	}
	return t
}

func (s *Server) canFetch(req *HookRequest) bool {
	return s.cfg.Fetch && req.FHIRServer != "" && req.FHIRAuthorization != nil
}

// fetch reads one query from the client's FHIR server with the token it
// lent. The answer is size-limited and checked like a prefetch.
func (s *Server) fetch(ctx context.Context, req *HookRequest, query string) (json.RawMessage, error) {
	base := strings.TrimRight(req.FHIRServer, "/")
	u, err := url.Parse(base + "/" + query)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, ketacover.Errorf(ketacover.EINVALID, "fhirServer %q is not an http(s) URL", req.FHIRServer)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Accept", "application/fhir+json")
	hr.Header.Set("Authorization", "Bearer "+req.FHIRAuthorization.AccessToken)
	res, err := s.cfg.HTTPClient.Do(hr)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "GET %s: %v", u.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxRequest))
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "GET %s: %v", u.Path, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, ketacover.Errorf(ketacover.EINVALID, "GET %s: %s", u.Path, res.Status)
	}
	return body, nil
}

// coverageInfo is the one active Coverage an answer is about.
type coverageInfo struct {
	ref      string // reference to the client's Coverage
	payer    string
	planType ketacover.PlanType
}

// coverage picks the active Coverage (CRD: exactly one, else 400) and the
// payer rule it matches.
func (s *Server) coverage(rec *fhir.Record) (*coverageInfo, error) {
	act := rec.ActiveCoverages()
	switch len(act) {
	case 0:
		return nil, ketacover.Errorf(ketacover.EINVALID, "no active Coverage in the request; CRD needs the one coverage the order is for")
	case 1:
	default:
		return nil, ketacover.Errorf(ketacover.EINVALID, "%d active Coverages in the request; CRD answers for one coverage per call", len(act))
	}
	cov := act[0]
	ci := &coverageInfo{ref: "Coverage/" + cov.ID}
	if len(s.cfg.Payers) == 0 {
		return ci, nil
	}
	names := []string{}
	for _, p := range cov.Payor {
		names = append(names, p.Display, p.Reference)
		id := p.Reference[strings.LastIndex(p.Reference, "/")+1:]
		for _, o := range rec.Organizations {
			if o.ID == id {
				names = append(names, o.Name)
				for _, idf := range o.Identifier {
					names = append(names, idf.Value)
				}
			}
		}
	}
	for _, rule := range s.cfg.Payers {
		for _, n := range names {
			if n != "" && strings.EqualFold(strings.TrimSpace(n), rule.Match) {
				ci.payer, ci.planType = rule.Payer, rule.PlanType
				return ci, nil
			}
		}
	}
	return nil, ketacover.Errorf(ketacover.EINVALID, "the Coverage's payer (%s) is not served by this endpoint", strings.Join(nonEmpty(names), ", "))
}

func nonEmpty(s []string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
