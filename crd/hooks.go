// Package crd is ketacover's CDS Hooks 2.0 service in the Da Vinci CRD
// style: at order-sign, order-select and appointment-book it tells the EHR
// whether an IV ketamine or esketamine order is covered, whether prior
// authorization and documentation are needed, and serves the DTR
// questionnaire for the facts still unknown.
package crd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/jsonscan"
)

// The hooks served.
const (
	HookOrderSign       = "order-sign"
	HookOrderSelect     = "order-select"
	HookAppointmentBook = "appointment-book"
)

// HookRequest is a CDS Hooks service call (CDS Hooks 2.0 "Calling a CDS
// Service"). Context and prefetch values stay raw JSON: their FHIR parts are
// checked by package fhir.
type HookRequest struct {
	Hook              string                     `json:"hook"`
	HookInstance      string                     `json:"hookInstance"`
	FHIRServer        string                     `json:"fhirServer,omitempty"`
	FHIRAuthorization *FHIRAuthorization         `json:"fhirAuthorization,omitempty"`
	Context           HookContext                `json:"context"`
	Prefetch          map[string]json.RawMessage `json:"prefetch,omitempty"`
	Extension         map[string]json.RawMessage `json:"extension,omitempty"`
}

// FHIRAuthorization is the access token a client lends the service to read
// its FHIR server.
type FHIRAuthorization struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Subject     string `json:"subject"`
	Patient     string `json:"patient,omitempty"`
}

// HookContext holds the context fields of the three hooks (CDS Hooks
// order-sign 1.0, order-select 1.0, appointment-book 1.0).
type HookContext struct {
	UserID       string          `json:"userId"`
	PatientID    string          `json:"patientId"`
	EncounterID  string          `json:"encounterId,omitempty"`
	DraftOrders  json.RawMessage `json:"draftOrders,omitempty"`  // order-sign, order-select: Bundle
	Selections   []string        `json:"selections,omitempty"`   // order-select
	Appointments json.RawMessage `json:"appointments,omitempty"` // appointment-book: Bundle
}

// maxRequest bounds a hook request body; a prefetch with a long medication
// history is tens of kilobytes.
const maxRequest = 4 << 20

// DecodeHookRequest reads and checks a CDS Hooks request: the JSON shape,
// the required fields, and the context each hook needs. FHIR content is not
// checked here. Errors are EINVALID and name the field, or the byte offset
// of a JSON syntax error.
func DecodeHookRequest(body []byte) (*HookRequest, error) {
	return decodeHookRequest(body, false)
}

// decodeHookRequest is DecodeHookRequest; with owned set, body is the
// caller's to give away (nothing else reads or writes it later), and the
// request's raw values may point into it instead of into a copy.
func decodeHookRequest(body []byte, owned bool) (*HookRequest, error) {
	if len(body) > maxRequest {
		return nil, ketacover.Errorf(ketacover.EINVALID, "request body is %d bytes; at most %d are accepted", len(body), maxRequest)
	}
	r, err := decodeEnvelope(body, owned)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) (*HookRequest, error) {
		return nil, ketacover.Errorf(ketacover.EINVALID, format, args...)
	}
	switch r.Hook {
	case HookOrderSign, HookOrderSelect, HookAppointmentBook:
	case "":
		return bad("hook: required")
	default:
		return bad("hook: %q is not served here; want order-sign, order-select or appointment-book", r.Hook)
	}
	if strings.TrimSpace(r.HookInstance) == "" {
		return bad("hookInstance: required")
	}
	if r.FHIRAuthorization != nil {
		if r.FHIRServer == "" {
			return bad("fhirServer: required when fhirAuthorization is given")
		}
		if r.FHIRAuthorization.AccessToken == "" {
			return bad("fhirAuthorization.access_token: required")
		}
		if !strings.EqualFold(r.FHIRAuthorization.TokenType, "Bearer") {
			return bad("fhirAuthorization.token_type: want Bearer, got %q", r.FHIRAuthorization.TokenType)
		}
	}
	ctx := r.Context
	if ctx.PatientID == "" {
		return bad("context.patientId: required")
	}
	if ctx.UserID == "" {
		return bad("context.userId: required")
	}
	switch r.Hook {
	case HookOrderSign, HookOrderSelect:
		if isNull(ctx.DraftOrders) {
			return bad("context.draftOrders: required for %s (a Bundle of draft orders)", r.Hook)
		}
		if err := checkBundle("context.draftOrders", ctx.DraftOrders); err != nil {
			return nil, err
		}
		if r.Hook == HookOrderSelect && len(ctx.Selections) == 0 {
			return bad("context.selections: required for order-select")
		}
	case HookAppointmentBook:
		if isNull(ctx.Appointments) {
			return bad("context.appointments: required for appointment-book (a Bundle of proposed appointments)")
		}
		if err := checkBundle("context.appointments", ctx.Appointments); err != nil {
			return nil, err
		}
	}
	for k, v := range r.Prefetch {
		if isNull(v) {
			// A prefetch the client could not satisfy; CDS Hooks says
			// to omit it, and the CRD examples send null.
			delete(r.Prefetch, k)
			continue
		}
		if t := bytes.TrimSpace(v); len(t) == 0 || t[0] != '{' {
			return bad("prefetch.%s: want a FHIR resource (a JSON object)", k)
		}
	}
	return r, nil
}

// decodeEnvelope decodes the request's JSON as encoding/json does into a
// HookRequest: with fastEnvelope when it can, else with encoding/json,
// which also words every error.
func decodeEnvelope(body []byte, owned bool) (*HookRequest, error) {
	if r, ok := fastEnvelope(body, owned); ok {
		return r, nil
	}
	return slowEnvelope(body)
}

func slowEnvelope(body []byte) (*HookRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var r HookRequest
	if err := dec.Decode(&r); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "request is not a CDS Hooks request: %s", jsonErr(err, dec))
	}
	if dec.More() {
		return nil, ketacover.Errorf(ketacover.EINVALID, "request has data after the JSON object (at byte %d)", dec.InputOffset())
	}
	return &r, nil
}

func checkBundle(field string, raw json.RawMessage) error {
	if rt, ok := plainResourceType(raw); ok {
		if rt != "Bundle" {
			return ketacover.Errorf(ketacover.EINVALID, "%s: want a FHIR Bundle", field)
		}
		return nil
	}
	var b struct {
		ResourceType string `json:"resourceType"`
	}
	if err := json.Unmarshal(raw, &b); err != nil || b.ResourceType != "Bundle" {
		return ketacover.Errorf(ketacover.EINVALID, "%s: want a FHIR Bundle", field)
	}
	return nil
}

// plainResourceType reads the resourceType of the JSON object raw as
// json.Unmarshal into a struct with that one field would, when raw is
// plain enough to do so without it (see members): ok is false otherwise.
func plainResourceType(raw []byte) (string, bool) {
	var rt string
	seen := false
	ok := jsonscan.Members(raw, func(m jsonscan.Member) bool {
		switch {
		case string(m.Key) == "resourceType":
			if seen {
				return false
			}
			seen = true
			if string(m.Value) == "null" {
				return true
			}
			v, ok := jsonscan.PlainString(m.Value)
			rt = v
			return ok
		case jsonscan.FoldEq(m.Key, "resourceType"):
			return false
		}
		return true
	})
	return rt, ok
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// jsonErr names where a JSON error is.
func jsonErr(err error, dec *json.Decoder) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Sprintf("JSON syntax error: the document ends early (at byte %d)", dec.InputOffset())
	}
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("JSON syntax error at byte %d: %v", e.Offset, e)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %s: want %s, got %s (at byte %d)", e.Field, e.Type, e.Value, e.Offset)
	}
	return fmt.Sprintf("%v (near byte %d)", err, dec.InputOffset())
}

// Response is a CDS Hooks service response.
type Response struct {
	Cards         []Card   `json:"cards"`
	SystemActions []Action `json:"systemActions,omitempty"`
}

// Card is a CDS Hooks card.
type Card struct {
	UUID      string         `json:"uuid,omitempty"`
	Summary   string         `json:"summary"`
	Detail    string         `json:"detail,omitempty"`
	Indicator string         `json:"indicator"`
	Source    Source         `json:"source"`
	Links     []Link         `json:"links,omitempty"`
	Extension map[string]any `json:"extension,omitempty"`
}

// Source says who a card is from.
type Source struct {
	Label string  `json:"label"`
	URL   string  `json:"url,omitempty"`
	Topic *Coding `json:"topic,omitempty"`
}

// Coding is a CDS Hooks Coding.
type Coding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

// Link is a card link.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
	Type  string `json:"type"`
}

// Action is a CDS Hooks action (here: a system action).
type Action struct {
	Type        string          `json:"type"`
	Description string          `json:"description"`
	Resource    json.RawMessage `json:"resource,omitempty"`

	// valid is set when Resource is known to be one valid JSON value with
	// no whitespace around it (systemAction made it from a checked order),
	// so that the answer's writer need not check it again.
	valid bool
}

// Service is one entry of the discovery document.
type Service struct {
	Hook        string            `json:"hook"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	ID          string            `json:"id"`
	Prefetch    map[string]string `json:"prefetch"`
	Extension   map[string]any    `json:"extension,omitempty"`
}
