package crd

import (
	"bytes"
	"encoding/json"

	"github.com/ketacover/ketacover/internal/jsonscan"
)

// fastEnvelope decodes a CDS Hooks request exactly as encoding/json
// decodes it into a HookRequest, in one pass of the JSON scanner, for
// requests that are plain: valid JSON, keys ASCII and unescaped, no key
// that matches a field only ignoring case, no field given twice, values of
// the field's JSON type. It reports false for anything else, and the
// caller decodes with encoding/json (slowEnvelope), which also words the
// errors.
//
// This matters because the request is large (the prefetch carries the
// patient's resources, tens of kilobytes) and encoding/json reads it twice
// (once to find its end, once to decode, skipping the raw prefetch values
// byte by byte each time), which was a fifth of a hook call.
//
// Small typed fields (fhirAuthorization, selections, strings with escapes)
// are still decoded by encoding/json, from their own bytes. Raw values
// (draftOrders, appointments, prefetch and extension entries) point into
// one private copy of the body, as a json.RawMessage holds a copy, or into
// the body itself when it is owned (see decodeHookRequest).
func fastEnvelope(body []byte, owned bool) (*HookRequest, bool) {
	b := bytes.TrimLeft(body, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	// One pass checks and decodes: every byte of the body is checked once,
	// nested objects (context, prefetch, extension) as they are decoded.
	if !owned {
		b = bytes.Clone(b)
	}
	var r HookRequest
	var seen [7]bool
	once := func(i int) bool {
		if seen[i] {
			return false
		}
		seen[i] = true
		return true
	}
	end, ok := jsonscan.ObjectAt(b, 0, func(key []byte, _, vs int) (int, bool) {
		switch string(key) {
		case "context":
			if !once(4) {
				return 0, false
			}
			return hookContext(b, vs, &r.Context)
		case "prefetch":
			if !once(5) {
				return 0, false
			}
			return rawMap(b, vs, &r.Prefetch)
		case "extension":
			if !once(6) {
				return 0, false
			}
			return rawMap(b, vs, &r.Extension)
		}
		ve, ok := jsonscan.SkipValue(b, vs)
		if !ok {
			return 0, false
		}
		v := b[vs:ve]
		switch string(key) {
		case "hook":
			ok = once(0) && str(v, &r.Hook)
		case "hookInstance":
			ok = once(1) && str(v, &r.HookInstance)
		case "fhirServer":
			ok = once(2) && str(v, &r.FHIRServer)
		case "fhirAuthorization":
			ok = once(3) && json.Unmarshal(v, &r.FHIRAuthorization) == nil
		default:
			ok = !jsonscan.FoldsTo(key, "hook", "hookInstance", "fhirServer", "fhirAuthorization", "context", "prefetch", "extension")
		}
		return ve, ok
	})
	if !ok || jsonscan.SkipWS(b, end) != len(b) {
		return nil, false
	}
	return &r, true
}

// hookContext decodes the context object at b[i] into c (see
// fastEnvelope) and returns the index just past it.
func hookContext(b []byte, i int, c *HookContext) (int, bool) {
	if end, ok := jsonscan.NullAt(b, i); ok {
		return end, true
	}
	var seen [6]bool
	once := func(i int) bool {
		if seen[i] {
			return false
		}
		seen[i] = true
		return true
	}
	return jsonscan.ObjectAt(b, i, func(key []byte, _, vs int) (int, bool) {
		ve, ok := jsonscan.SkipValue(b, vs)
		if !ok {
			return 0, false
		}
		v := b[vs:ve]
		switch string(key) {
		case "userId":
			ok = once(0) && str(v, &c.UserID)
		case "patientId":
			ok = once(1) && str(v, &c.PatientID)
		case "encounterId":
			ok = once(2) && str(v, &c.EncounterID)
		case "draftOrders":
			c.DraftOrders = v
			ok = once(3)
		case "selections":
			ok = once(4) && json.Unmarshal(v, &c.Selections) == nil
		case "appointments":
			c.Appointments = v
			ok = once(5)
		default:
			ok = !jsonscan.FoldsTo(key, "userId", "patientId", "encounterId", "draftOrders", "selections", "appointments")
		}
		return ve, ok
	})
}

// rawMap decodes the object at b[i] into a map of raw values, as
// encoding/json decodes into a map[string]json.RawMessage (null leaves the
// map nil, a repeated key keeps its last value), and returns the index
// just past it.
func rawMap(b []byte, i int, out *map[string]json.RawMessage) (int, bool) {
	if end, ok := jsonscan.NullAt(b, i); ok {
		return end, true
	}
	m := map[string]json.RawMessage{}
	end, ok := jsonscan.ObjectAt(b, i, func(key []byte, _, vs int) (int, bool) {
		ve, ok := jsonscan.SkipValue(b, vs)
		if ok {
			m[string(key)] = b[vs:ve]
		}
		return ve, ok
	})
	if ok {
		*out = m
	}
	return end, ok
}

// str decodes the JSON string (or null) v into s as encoding/json would.
func str(v []byte, s *string) bool {
	if string(v) == "null" {
		return true
	}
	if p, ok := jsonscan.PlainString(v); ok {
		*s = p
		return true
	}
	if len(v) == 0 || v[0] != '"' {
		return false // the wrong type: encoding/json words the error
	}
	return json.Unmarshal(v, s) == nil
}
