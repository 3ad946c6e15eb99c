package crd

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/fhir"
)

// session is what DTR needs between calls: the case as far as it is known,
// its date of service and the order. Kept in memory for an hour at most
// (CRD sec-5/6: retention only for DTR context).
type session struct {
	c     *ketacover.Case
	asOf  ketacover.Date
	order *fhir.Order
	at    time.Time
}

// sessions is a bounded, expiring map of sessions.
type sessions struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	m     map[string]*session
	order []string // insertion order, oldest first
}

func newSessions(max int, ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{max: max, ttl: ttl, now: now, m: map[string]*session{}}
}

func (s *sessions) put(id string, v *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v.at = s.now()
	if _, ok := s.m[id]; !ok {
		s.order = append(s.order, id)
	}
	s.m[id] = v
	for len(s.order) > 0 && (len(s.m) > s.max || s.now().Sub(s.m[s.order[0]].at) > s.ttl) {
		delete(s.m, s.order[0])
		s.order = s.order[1:]
	}
}

// get returns a copy of the session's case, so callers may change it.
func (s *sessions) get(id string) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[id]
	if !ok || s.now().Sub(v.at) > s.ttl {
		return nil, false
	}
	cp := *v
	cp.c = copyCase(v.c)
	return &cp, true
}

func copyCase(c *ketacover.Case) *ketacover.Case {
	b, _ := json.Marshal(c)
	var out ketacover.Case
	_ = json.Unmarshal(b, &out)
	return &out
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// parameters is a FHIR Parameters resource as read. google/fhir v0.7.4
// does not accept Parameters.parameter.resource, so the envelope is read
// here and each resource in it is checked on its own.
type parameters struct {
	ResourceType string `json:"resourceType"`
	Parameter    []struct {
		Name        string          `json:"name"`
		Resource    json.RawMessage `json:"resource,omitempty"`
		ValueString string          `json:"valueString,omitempty"`
	} `json:"parameter"`
}

// questionnairePackage is DTR's $questionnaire-package: for the order (and
// coverage) given, or the CRD coverage-assertion-id given as context, it
// returns a package Bundle with the Questionnaire of the questions still
// open and a QuestionnaireResponse pre-filled with what is known.
func (s *Server) questionnairePackage(r *http.Request) (any, error) {
	if r.PathValue("op") != "$questionnaire-package" {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no operation %q on Questionnaire; want $questionnaire-package", r.PathValue("op"))
	}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var in parameters
	if err := json.Unmarshal(body, &in); err != nil || in.ResourceType != "Parameters" {
		return nil, ketacover.Errorf(ketacover.EINVALID, "want a Parameters resource with coverage and order (DTR $questionnaire-package)")
	}
	var sess *session
	rec := &fhir.Record{}
	var orders []*fhir.Order
	for i, p := range in.Parameter {
		switch p.Name {
		case "context":
			if v, ok := s.sessions.get(p.ValueString); ok {
				sess = v
			}
		case "coverage", "order", "patient":
			if len(p.Resource) == 0 {
				return nil, ketacover.Errorf(ketacover.EINVALID, "parameter[%d] %s: want a resource", i, p.Name)
			}
			if err := rec.Add(p.Resource); err != nil {
				return nil, ketacover.Errorf(ketacover.EINVALID, "parameter[%d] %s: %s", i, p.Name, ketacover.ErrorMessage(err))
			}
			if p.Name == "order" {
				o, err := fhir.ClassifyOrder(p.Resource)
				if err != nil {
					return nil, err
				}
				if o != nil {
					orders = append(orders, o)
				}
			}
		}
	}
	if sess == nil {
		if len(orders) == 0 {
			return nil, ketacover.Errorf(ketacover.EINVALID, "no IV ketamine or esketamine order among the order parameters, and no known context")
		}
		cov, err := s.coverage(rec)
		if err != nil {
			return nil, err
		}
		rec.Order = orders[0]
		asOf := ketacover.DateOf(s.cfg.Now())
		if orders[0].Start != nil {
			asOf = *orders[0].Start
		}
		c, _ := rec.Case(asOf)
		if cov.payer != "" {
			c.Plan.Payer = cov.payer
		}
		if cov.planType != "" {
			c.Plan.Type = cov.planType
		}
		sess = &session{c: c, asOf: asOf, order: orders[0]}
	}
	d := judge(s.cfg.Library, sess.c, sess.asOf)
	form := fhir.NewForm(s.cfg.BaseURL, sess.c, &d)
	id := newID()
	patient := ""
	if rec.Patient != nil && rec.Patient.ID != "" {
		patient = "Patient/" + rec.Patient.ID
	}
	pkg, err := form.Package(patient, id, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	s.sessions.put(id, sess)
	out, err := json.Marshal(map[string]any{
		"resourceType": "Parameters",
		"parameter":    []any{map[string]any{"name": "packagebundle", "resource": json.RawMessage(pkg)}},
	})
	return json.RawMessage(out), err
}

// questionnaireResponse takes the answers back: the facts they give are
// filled into the session's case, which is judged again. The answer is a
// Parameters resource with the outcome, the verdict and the questions still
// open.
func (s *Server) questionnaireResponse(r *http.Request) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var h struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &h)
	sess, ok := s.sessions.get(h.ID)
	if !ok {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "QuestionnaireResponse %q belongs to no open DTR session (sessions last an hour); request the package again", h.ID)
	}
	set, err := fhir.ApplyResponse(sess.c, body)
	if err != nil {
		return nil, err
	}
	s.sessions.put(h.ID, sess)
	d := judge(s.cfg.Library, sess.c, sess.asOf)
	params := []any{
		map[string]any{"name": "outcome", "valueCode": string(d.Outcome)},
		map[string]any{"name": "verdict", "valueString": d.Verdict},
	}
	for _, f := range set {
		params = append(params, map[string]any{"name": "fact-set", "valueString": f})
	}
	for _, q := range d.Questions {
		params = append(params, map[string]any{"name": "question", "valueString": q.Text})
	}
	out, err := json.Marshal(map[string]any{"resourceType": "Parameters", "parameter": params})
	if err != nil {
		return nil, err
	}
	if _, err := fhir.Parse(out); err != nil {
		return nil, err
	}
	return json.RawMessage(out), nil
}
