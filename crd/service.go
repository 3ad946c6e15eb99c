package crd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/fhir"
	"github.com/ketacover/ketacover/internal/fifo"
	"github.com/ketacover/ketacover/internal/jsonscan"
	"github.com/ketacover/ketacover/policy"
)

// Config configures the CRD and DTR service.
type Config struct {
	// BaseURL is the service's public base URL, e.g.
	// https://payer.example/crd. Client JWT audiences are checked against
	// BaseURL + the path called, and DTR questionnaire canonicals start
	// with it. Required.
	BaseURL string
	// Library is the policy library coverage is judged against. Required.
	Library *policy.Library
	// Now is the clock (the date of service defaults to its date).
	Now func() time.Time
	// Issuers are the CDS clients whose JWTs are accepted. With none, no
	// token is checked (only for tests and private networks); with any,
	// every call, discovery included, needs a valid token.
	Issuers []Issuer
	// Payers, when set, are the payers this endpoint answers for: a
	// Coverage whose payor matches none is refused (CRD: 400), and a
	// match supplies the plan type, which a FHIR Coverage does not carry
	// in a form ketacover can rely on. Without Payers any payer is
	// answered and the plan type stays unknown unless the rule says.
	Payers []PayerRule
	// Fetch lets the service read missing prefetch data from the client's
	// FHIR server with the access token the client sends. Off by default:
	// fhirServer is a URL the caller chooses.
	Fetch bool
	// HTTPClient is used for those reads (default: 3 s timeout).
	HTTPClient *http.Client
	// Label is the card source label (default "ketacover").
	Label string
	// Log receives one line per internal error.
	Log *slog.Logger
	// Gate admits hook calls to be judged a few at a time, in the order
	// they arrive (package fifo says why); share one with the other
	// services of the process. Nil: a gate of one place per CPU.
	Gate *fifo.Gate
}

// PayerRule maps a Coverage's payor to a ketacover payer and plan type.
type PayerRule struct {
	// Match is compared, ignoring case, with the payor's display, the
	// referenced Organization's name, and its identifier values.
	Match    string
	Payer    string             // the payer as ketacover's policies name it
	PlanType ketacover.PlanType // the plan's legal regime
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	switch {
	case c.Library == nil:
		return errors.New("crd: Library is required")
	case !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://"):
		return fmt.Errorf("crd: BaseURL %q: want an http(s) URL", c.BaseURL)
	}
	for i, p := range c.Payers {
		if p.Match == "" || p.Payer == "" {
			return fmt.Errorf("crd: Payers[%d]: Match and Payer are required", i)
		}
		if p.PlanType != "" && !p.PlanType.Valid() {
			return fmt.Errorf("crd: Payers[%d]: unknown plan type %q", i, p.PlanType)
		}
	}
	return nil
}

// Server serves CDS Hooks discovery, the three hook services, feedback and
// the DTR operations. It is safe for concurrent use and keeps no state but
// short-lived DTR sessions (CRD sec-5/6: data kept only for DTR context).
type Server struct {
	cfg      Config
	auth     *verifier
	sessions *sessions
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 3 * time.Second}
	}
	if cfg.Label == "" {
		cfg.Label = "ketacover"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Gate == nil {
		cfg.Gate = fifo.New(0)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{cfg: cfg, sessions: newSessions(10000, time.Hour, cfg.Now)}
	if len(cfg.Issuers) > 0 {
		s.auth = newVerifier(cfg.Issuers, cfg.Now)
	}
	return s, nil
}

// Register adds the routes to mux, under the paths CDS Hooks and DTR name:
//
//	GET  /cds-services                        discovery
//	POST /cds-services/{id}                   a hook call
//	POST /cds-services/{id}/feedback          card feedback (accepted, logged)
//	POST /Questionnaire/$questionnaire-package DTR package for an order
//	POST /QuestionnaireResponse               answers back: facts filled, re-judged
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("GET /cds-services", s.handle(s.discovery))
	mux.Handle("POST /cds-services/{id}", s.handle(s.hook))
	mux.Handle("POST /cds-services/{id}/feedback", s.handle(s.feedback))
	mux.Handle("POST /Questionnaire/{op}", s.handle(s.questionnairePackage))
	mux.Handle("POST /QuestionnaireResponse", s.handle(s.questionnaireResponse))
}

// Handler returns the routes on a mux of their own.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	return mux
}

// errPrecondition marks data the service needs and could neither find in
// the prefetch nor fetch (CDS Hooks: 412 Precondition Failed).
type errPrecondition struct{ msg string }

func (e errPrecondition) Error() string { return e.msg }

// handle adapts a handler returning a body or an error: the one place where
// errors become HTTP statuses.
func (s *Server) handle(h func(r *http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.auth != nil {
			if err := s.auth.check(r, s.cfg.BaseURL+r.URL.Path); err != nil {
				writeError(w, s.cfg.Log, err)
				return
			}
		}
		v, err := h(r)
		if err != nil && r.Context().Err() != nil {
			return // the client went away: no one to answer
		}
		if err != nil {
			writeError(w, s.cfg.Log, err)
			return
		}
		bp := bufPool.Get().(*[]byte)
		defer bufPool.Put(bp)
		buf := (*bp)[:0]
		switch v := v.(type) {
		case json.RawMessage:
			buf = append(buf, v...)
		case *Response:
			// The hook answer, written as encoding/json would (see answer.go).
			if buf, err = appendResponse(buf, v); err != nil {
				writeError(w, s.cfg.Log, err)
				return
			}
			buf = append(buf, '\n')
		default:
			b := bytes.NewBuffer(buf)
			if err := json.NewEncoder(b).Encode(v); err != nil {
				writeError(w, s.cfg.Log, err)
				return
			}
			buf = b.Bytes()
		}
		*bp = buf
		ct := "application/json"
		if strings.HasPrefix(r.URL.Path, "/Questionnaire") {
			ct = "application/fhir+json"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
		w.Write(buf)
	})
}

// writeError answers with the status for err and an OperationOutcome naming
// the problem (CRD hook-9..14: 4xx/5xx, with an OperationOutcome).
func writeError(w http.ResponseWriter, log *slog.Logger, err error) {
	status, code := http.StatusInternalServerError, "exception"
	msg := "internal error"
	var pre errPrecondition
	var un errUnauthorized
	switch {
	case errors.As(err, &un):
		status, code, msg = http.StatusUnauthorized, "security", un.msg
		w.Header().Set("WWW-Authenticate", `Bearer`)
	case errors.As(err, &pre):
		status, code, msg = http.StatusPreconditionFailed, "incomplete", pre.msg
	default:
		switch ketacover.ErrorCode(err) {
		case ketacover.EINVALID:
			status, code = http.StatusBadRequest, "invalid"
		case ketacover.ENOTFOUND:
			status, code = http.StatusNotFound, "not-found"
		case ketacover.EFORBIDDEN:
			status, code = http.StatusForbidden, "forbidden"
		case ketacover.ECONFLICT:
			status, code = http.StatusConflict, "conflict"
		default:
			log.Error("crd: internal error", "err", err)
		}
		if status != http.StatusInternalServerError {
			msg = ketacover.ErrorMessage(err)
		}
	}
	body, _ := json.Marshal(map[string]any{
		"resourceType": "OperationOutcome",
		"issue":        []any{map[string]any{"severity": "error", "code": code, "diagnostics": msg}},
	})
	w.Header().Set("Content-Type", "application/fhir+json")
	w.WriteHeader(status)
	w.Write(body)
}

func (s *Server) discovery(r *http.Request) (any, error) {
	return map[string]any{"services": Services()}, nil
}

func (s *Server) feedback(r *http.Request) (any, error) {
	if _, ok := serviceHook(r.PathValue("id")); !ok {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no CDS service %q", r.PathValue("id"))
	}
	var fb struct {
		Feedback []json.RawMessage `json:"feedback"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&fb); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "feedback: %v", err)
	}
	s.cfg.Log.Info("crd: card feedback", "service", r.PathValue("id"), "items", len(fb.Feedback))
	return map[string]any{}, nil
}

func readBody(r *http.Request) ([]byte, error) {
	return readBodyInto(r, nil)
}

// readBodyInto reads the request body, appending to buf.
func readBodyInto(r *http.Request, buf []byte) ([]byte, error) {
	// Sized from Content-Length (up to 256 KiB: a client's word alone
	// should not reserve more), so a usual request is read without
	// regrowing; MinRead is the room ReadFrom wants to see EOF.
	b := bytes.NewBuffer(buf)
	if n := r.ContentLength; n > 0 {
		b.Grow(int(min(n, 256<<10)) + bytes.MinRead)
	}
	_, err := b.ReadFrom(io.LimitReader(r.Body, maxRequest+1))
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "reading the request: %v", err)
	}
	return b.Bytes(), nil
}

// bodyPool holds hook request buffers (a request with prefetch is tens of
// kilobytes, read on every call). A buffer goes back when the call is
// answered: nothing of the answer or of what outlives the call points
// into the body (the JSON views copy their strings, the system actions
// are written into buffers of their own, a DTR session keeps a copy of
// its order).
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

func (s *Server) hook(r *http.Request) (any, error) {
	hook, ok := serviceHook(r.PathValue("id"))
	if !ok {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no CDS service %q; see /cds-services", r.PathValue("id"))
	}
	bp := bodyPool.Get().(*[]byte)
	body, err := readBodyInto(r, (*bp)[:0])
	if err != nil {
		bodyPool.Put(bp)
		return nil, err
	}
	defer func() {
		if cap(body) <= 256<<10 {
			*bp = body[:0]
			bodyPool.Put(bp)
		}
	}()
	// The body is read before the gate, so a slow client holds no place.
	if err := s.cfg.Gate.Enter(r.Context()); err != nil {
		return nil, err // the client went away while waiting
	}
	req, err := decodeHook(hook, body)
	switch {
	case err != nil:
		s.cfg.Gate.Leave()
		return nil, err
	case s.canFetch(req):
		// A call that may read from the client's FHIR server would hold
		// its place while it waits on the network.
		s.cfg.Gate.Leave()
		return s.Answer(r.Context(), req)
	}
	defer s.cfg.Gate.Leave()
	return s.Answer(r.Context(), req)
}

// decodeHook decodes a call sent to the service for hook.
func decodeHook(hook string, body []byte) (*HookRequest, error) {
	// The body is this call's alone (it goes back to bodyPool when the
	// call is answered).
	req, err := decodeHookRequest(body, true)
	if err != nil {
		return nil, err
	}
	if req.Hook != hook {
		return nil, ketacover.Errorf(ketacover.EINVALID, "hook %q sent to the %s service", req.Hook, hook)
	}
	return req, nil
}

// Answer answers one hook call: for each IV ketamine or esketamine order in
// it, a Coverage Information system action and cards where something needs
// doing. Orders for anything else get nothing (not ours to answer).
func (s *Server) Answer(ctx context.Context, req *HookRequest) (*Response, error) {
	orders, err := s.orders(ctx, req)
	if err != nil {
		return nil, err
	}
	resp := &Response{Cards: []Card{}}
	if len(orders) == 0 {
		return resp, nil
	}
	rec, err := s.record(ctx, req)
	if err != nil {
		return nil, err
	}
	cov, err := s.coverage(rec)
	if err != nil {
		return nil, err
	}
	conf := configuration(req)
	secondary := req.Hook == HookOrderSelect
	bases := &caseBases{rec: rec}
	for _, o := range orders {
		a := s.assess(bases, cov, o.order, req.HookInstance, secondary)
		if conf.coverageInfo {
			// The extension is copied into the action: its buffer goes back.
			bp := bufPool.Get().(*[]byte)
			ext := a.appendExtension((*bp)[:0], cov.ref)
			action, err := systemAction(o.target, ext)
			*bp = ext[:0]
			bufPool.Put(bp)
			if err != nil {
				return nil, err
			}
			resp.SystemActions = append(resp.SystemActions, action)
		}
		resp.Cards = append(resp.Cards, s.cards(a)...)
	}
	if len(resp.Cards) > conf.maxCards {
		resp.Cards = resp.Cards[:conf.maxCards]
	}
	return resp, nil
}

type hookConfig struct {
	coverageInfo bool
	maxCards     int
}

// configuration reads davinci-crd.configuration from the request.
func configuration(req *HookRequest) hookConfig {
	c := hookConfig{coverageInfo: true, maxCards: 10}
	raw, ok := req.Extension["davinci-crd.configuration"]
	if !ok {
		return c
	}
	if fc, ok := fastConfiguration(raw, c); ok {
		return fc
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return c
	}
	var b bool
	if json.Unmarshal(m["coverage-info"], &b) == nil {
		c.coverageInfo = b
	}
	var n int
	if json.Unmarshal(m["max-cards"], &n) == nil && n >= 0 {
		c.maxCards = n
	}
	return c
}

// fastConfiguration is configuration's reading of raw, with its result,
// for a plain object (see jsonscan.Members); ok is false otherwise. It
// was a thirtieth of a call with encoding/json.
func fastConfiguration(raw []byte, c hookConfig) (hookConfig, bool) {
	var info, cards []byte // the last value of each, as a map keeps it
	if !jsonscan.Members(raw, func(m jsonscan.Member) bool {
		switch string(m.Key) {
		case "coverage-info":
			info = m.Value
		case "max-cards":
			cards = m.Value
		}
		return true
	}) {
		return c, false
	}
	// A bool takes true, false or null (which leaves it false); an int
	// takes null (0) or an integer, as strconv.ParseInt reads it.
	switch string(info) {
	case "true":
		c.coverageInfo = true
	case "false", "null":
		c.coverageInfo = false
	}
	if string(cards) == "null" {
		c.maxCards = 0
	} else if n, err := strconv.ParseInt(string(cards), 10, 64); err == nil && n >= 0 {
		c.maxCards = int(n)
	}
	return c, true
}

// hookOrder is an in-scope order and the resource its system action
// updates (the ServiceRequest an Appointment is based on, if any).
type hookOrder struct {
	order  *fhir.Order
	target json.RawMessage
}

func (s *Server) orders(ctx context.Context, req *HookRequest) ([]hookOrder, error) {
	field, raw := "context.draftOrders", req.Context.DraftOrders
	if req.Hook == HookAppointmentBook {
		field, raw = "context.appointments", req.Context.Appointments
	}
	if err := fhir.Check(raw); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %s", field, ketacover.ErrorMessage(err))
	}
	b, err := fhir.DecodeBundle(raw)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", field, err)
	}
	selected := map[string]bool{}
	for _, sel := range req.Context.Selections {
		selected[sel] = true
	}
	var out []hookOrder
	for i, e := range b.Entry {
		o, err := fhir.ClassifyOrder(e.Resource)
		if err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s.entry[%d]: %s", field, i, ketacover.ErrorMessage(err))
		}
		if req.Hook == HookOrderSelect && o != nil && !selected[o.Ref()] {
			continue
		}
		if o == nil && req.Hook == HookAppointmentBook {
			// An appointment with no code of its own: judge the order it
			// is based on, and update that order (CRD cards.md).
			o, err = s.basedOn(ctx, req, e.Resource)
			if err != nil {
				return nil, err
			}
			if o != nil {
				out = append(out, hookOrder{order: o, target: o.Raw})
			}
			continue
		}
		if o != nil {
			out = append(out, hookOrder{order: o, target: e.Resource})
		}
	}
	return out, nil
}

// basedOn finds the ketamine or esketamine ServiceRequest an Appointment is
// based on, in the serviceRequests prefetch or on the client's server.
func (s *Server) basedOn(ctx context.Context, req *HookRequest, appt json.RawMessage) (*fhir.Order, error) {
	var a struct {
		BasedOn []fhir.Reference `json:"basedOn"`
	}
	if json.Unmarshal(appt, &a) != nil || len(a.BasedOn) == 0 {
		return nil, nil
	}
	var candidates []json.RawMessage
	if raw, ok := req.Prefetch["serviceRequests"]; ok {
		if err := fhir.Check(raw); err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "prefetch.serviceRequests: %s", ketacover.ErrorMessage(err))
		}
		candidates = append(candidates, entries(raw)...)
	}
	for _, ref := range a.BasedOn {
		id := ref.Reference[strings.LastIndex(ref.Reference, "/")+1:]
		for _, c := range candidates {
			if o, _ := fhir.ClassifyOrder(c); o != nil && o.ID == id {
				return o, nil
			}
		}
		if s.cfg.Fetch && strings.Contains(ref.Reference, "ServiceRequest/") && req.FHIRAuthorization != nil {
			raw, err := s.fetch(ctx, req, "ServiceRequest/"+id)
			if err != nil {
				return nil, err
			}
			if o, _ := fhir.ClassifyOrder(raw); o != nil {
				return o, nil
			}
		}
	}
	return nil, nil
}

// entries returns a Bundle's entry resources, or the resource itself.
func entries(raw json.RawMessage) []json.RawMessage {
	if fhir.ResourceType(raw) != "Bundle" {
		return []json.RawMessage{raw}
	}
	b, err := fhir.DecodeBundle(raw)
	if err != nil {
		// What encoding/json decoded before the error, as before.
		b = &fhir.Bundle{}
		_ = json.Unmarshal(raw, b)
	}
	out := make([]json.RawMessage, 0, len(b.Entry))
	for _, e := range b.Entry {
		out = append(out, e.Resource)
	}
	return out
}
