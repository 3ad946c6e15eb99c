package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
)

// The JSON API under /api/v1. Every handler returns its error to adapt,
// which answers {code, message} with the status from statusOf.

// readCase reads a case posted as JSON or YAML (the same strict reader as
// case files, so errors name the line and the field).
func readCase(r *http.Request) (*ketacover.Case, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, ketacover.Errorf(EUNSUPPORTED, "Content-Type %q cannot be read: %v", ct, err)
		}
		switch mt {
		case "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
		default:
			return nil, ketacover.Errorf(EUNSUPPORTED, "Content-Type %s: send the case as application/json or application/yaml", mt)
		}
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(data) == 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "the request body is empty; send a case as JSON or YAML (see /api/v1/schema/case)")
	}
	return casefile.Parse("request body", data)
}

// queryDate reads an optional YYYY-MM-DD query parameter.
func queryDate(r *http.Request, name string) (*ketacover.Date, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil, nil
	}
	d, err := ketacover.ParseDate(s)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
	}
	return &d, nil
}

// asOf is the date of service of an API request: ?as_of, else the case's
// start date, else today.
func (s *Server) asOf(r *http.Request, c *ketacover.Case) (ketacover.Date, error) {
	d, err := queryDate(r, "as_of")
	if err != nil {
		return ketacover.Date{}, err
	}
	if d == nil {
		d = c.Therapy.StartDate
	}
	return s.date(d), nil
}

func (s *Server) apiCheck(w http.ResponseWriter, r *http.Request) error {
	c, err := readCase(r)
	if err != nil {
		return err
	}
	d, err := s.asOf(r, c)
	if err != nil {
		return err
	}
	res, err := s.check(c, r.URL.Query().Get("payer"), d)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, res)
}

// policyList is the JSON of GET /api/v1/policies.
type policyList struct {
	Policies []policySummary `json:"policies"`
}

func (s *Server) apiPolicies(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, policyList{Policies: s.summaries(f, s.today())})
}

// policyDetail is the JSON of GET /api/v1/policies/{id}: the summary and
// the whole policy as encoded, without its test cases.
type policyDetail struct {
	Summary policySummary    `json:"summary"`
	Policy  ketacover.Policy `json:"policy"`
}

func (s *Server) apiPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.lib.Policy(r.PathValue("id"))
	if err != nil {
		return err
	}
	pol := p.Policy
	pol.Tests = nil
	return writeJSON(w, http.StatusOK, policyDetail{Summary: summarize(p, s.today()), Policy: pol})
}

func (s *Server) apiCaseSchema(w http.ResponseWriter, r *http.Request) error {
	b, err := casefile.Schema()
	if err != nil {
		return fmt.Errorf("case schema: %w", err)
	}
	w.Header().Set("Content-Type", "application/schema+json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	return err
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(s.openapi)))
	_, err := w.Write(s.openapi)
	return err
}

// apiNotFound answers /api/ paths no route matches, as JSON.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) error {
	return s.notFound(w, r)
}

// notEnabled is the error of a route whose hook is off.
func notEnabled(what, how string) error {
	return ketacover.Errorf(ENOTENABLED, "%s is not switched on in this server; %s", what, how)
}

func (s *Server) apiEstimate(w http.ResponseWriter, r *http.Request) error {
	if s.estimate == nil {
		return notEnabled("the cost estimate", "it arrives with the cost package")
	}
	c, err := readCase(r)
	if err != nil {
		return err
	}
	d, err := s.asOf(r, c)
	if err != nil {
		return err
	}
	e, err := s.estimate.Estimate(r.Context(), c, d)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, e)
}

// deadlineList is the JSON of POST /api/v1/deadlines.
type deadlineList struct {
	Denied    ketacover.Date       `json:"denied"`
	Deadlines []ketacover.Deadline `json:"deadlines"`
}

func (s *Server) apiDeadlines(w http.ResponseWriter, r *http.Request) error {
	if s.deadline == nil {
		return notEnabled("deadlines", "they arrive with the deadline package")
	}
	denied, err := queryDate(r, "denied")
	if err != nil {
		return err
	}
	if denied == nil {
		return ketacover.Errorf(ketacover.EINVALID, "denied: required, the date on the denial notice (YYYY-MM-DD)")
	}
	c, err := readCase(r)
	if err != nil {
		return err
	}
	ds, err := s.deadline.Deadlines(r.Context(), c, *denied)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, deadlineList{Denied: *denied, Deadlines: nonNil(ds)})
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) error {
	kind := DocumentKind(r.PathValue("kind"))
	if !contains(docKindNames(), string(kind)) {
		return ketacover.Errorf(ketacover.ENOTFOUND, "no document %q; the documents are %s", kind, docKindList())
	}
	if s.docs == nil {
		return notEnabled("documents", "letters and the superbill arrive with the letter package")
	}
	c, err := readCase(r)
	if err != nil {
		return err
	}
	d, err := s.asOf(r, c)
	if err != nil {
		return err
	}
	res, err := s.check(c, r.URL.Query().Get("payer"), d)
	if err != nil {
		return err
	}
	f, err := s.docs.Document(r.Context(), kind, c, res.Results)
	if err != nil {
		return err
	}
	return writeFile(w, f)
}

// Stored cases (HOOK: Deps.Store).

// caseList is the JSON of GET /api/v1/cases.
type caseList struct {
	Cases []*ketacover.StoredCase `json:"cases"`
}

// eventList is the JSON of GET /api/v1/cases/{id}/events.
type eventList struct {
	Events []ketacover.Event `json:"events"`
}

func (s *Server) needStore() error {
	if s.store == nil {
		return notEnabled("stored cases", "start the server with a database (ketacover serve --db PATH) once storage is wired in")
	}
	return nil
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) error {
	if err := s.needStore(); err != nil {
		return err
	}
	q := r.URL.Query()
	f := ketacover.CaseFilter{Limit: 50}
	if v := q.Get("payer"); v != "" {
		f.Payer = &v
	}
	if v := q.Get("state"); v != "" {
		f.State = &v
	}
	if v := q.Get("therapy"); v != "" {
		t := ketacover.Therapy(v)
		if t != ketacover.TherapyEsketamine && t != ketacover.TherapyKetamineIV {
			return ketacover.Errorf(ketacover.EINVALID, "therapy %q: want esketamine or ketamine-iv", v)
		}
		f.Therapy = &t
	}
	var err error
	if f.Offset, err = intParam(q.Get("offset"), "offset", 0, 0, 1<<30); err != nil {
		return err
	}
	if f.Limit, err = intParam(q.Get("limit"), "limit", 50, 1, 500); err != nil {
		return err
	}
	cs, err := s.store.Cases(r.Context(), f)
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditCaseList, "", "api"); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, caseList{Cases: nonNil(cs)})
}

func intParam(s, name string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, ketacover.Errorf(ketacover.EINVALID, "%s: want a whole number from %d to %d, got %q", name, lo, hi, s)
	}
	return n, nil
}

func (s *Server) apiCreateCase(w http.ResponseWriter, r *http.Request) error {
	if err := s.needStore(); err != nil {
		return err
	}
	c, err := readCase(r)
	if err != nil {
		return err
	}
	sc, err := s.store.CreateCase(r.Context(), c, userOf(r.Context()).Name, ketacover.SourceAPI)
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditCaseCreate, sc.ID, "api"); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+sc.ID)
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, sc)
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) error {
	if err := s.needStore(); err != nil {
		return err
	}
	sc, err := s.store.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditCaseView, sc.ID, "api"); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, sc)
}

func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) error {
	if err := s.needStore(); err != nil {
		return err
	}
	es, err := s.store.Events(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditCaseView, r.PathValue("id"), "api events"); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, eventList{Events: nonNil(es)})
}

// Operations.

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readiness is the JSON of GET /readyz.
type readiness struct {
	Status   string `json:"status"`
	Policies int    `json:"policies"`
	Store    string `json:"store"` // ok, off, or the failure
}

// readyz reports whether the server can answer: the library is loaded and,
// when a store is wired, it answers a query.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	rd := readiness{Status: "ready", Policies: len(s.lib.Policies()), Store: "off"}
	st := http.StatusOK
	if rd.Policies == 0 {
		rd.Status, st = "not ready: no policies loaded", http.StatusServiceUnavailable
	}
	if s.store != nil {
		if _, err := s.store.Cases(r.Context(), ketacover.CaseFilter{Limit: 1}); err != nil {
			s.log.Error("readiness: store", "err", err.Error())
			rd.Status, rd.Store, st = "not ready: the store does not answer", "failing", http.StatusServiceUnavailable
		} else {
			rd.Store = "ok"
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, st, rd)
}

func (s *Server) metricsz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return s.metrics.write(w)
}
