package crd

import (
	"bytes"
	"encoding/json"
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
// one private copy of the body, as a json.RawMessage holds a copy.
func fastEnvelope(body []byte) (*HookRequest, bool) {
	b := bytes.TrimLeft(body, " \t\r\n")
	end, ok := skipValue(b, 0)
	if !ok || len(b) == 0 || b[0] != '{' || skipWS(b, end) != len(b) {
		return nil, false
	}
	b = bytes.Clone(b[:end])
	var r HookRequest
	var seen [7]bool
	once := func(i int) bool {
		if seen[i] {
			return false
		}
		seen[i] = true
		return true
	}
	ok = members(b, func(m member) bool {
		switch string(m.key) {
		case "hook":
			return once(0) && str(m.value, &r.Hook)
		case "hookInstance":
			return once(1) && str(m.value, &r.HookInstance)
		case "fhirServer":
			return once(2) && str(m.value, &r.FHIRServer)
		case "fhirAuthorization":
			return once(3) && json.Unmarshal(m.value, &r.FHIRAuthorization) == nil
		case "context":
			return once(4) && hookContext(m.value, &r.Context)
		case "prefetch":
			return once(5) && rawMap(m.value, &r.Prefetch)
		case "extension":
			return once(6) && rawMap(m.value, &r.Extension)
		}
		return !foldsTo(m.key, "hook", "hookInstance", "fhirServer", "fhirAuthorization", "context", "prefetch", "extension")
	})
	if !ok {
		return nil, false
	}
	return &r, true
}

// hookContext decodes the context object v into c (see fastEnvelope).
func hookContext(v []byte, c *HookContext) bool {
	if string(v) == "null" {
		return true
	}
	var seen [6]bool
	once := func(i int) bool {
		if seen[i] {
			return false
		}
		seen[i] = true
		return true
	}
	return members(v, func(m member) bool {
		switch string(m.key) {
		case "userId":
			return once(0) && str(m.value, &c.UserID)
		case "patientId":
			return once(1) && str(m.value, &c.PatientID)
		case "encounterId":
			return once(2) && str(m.value, &c.EncounterID)
		case "draftOrders":
			c.DraftOrders = m.value
			return once(3)
		case "selections":
			return once(4) && json.Unmarshal(m.value, &c.Selections) == nil
		case "appointments":
			c.Appointments = m.value
			return once(5)
		}
		return !foldsTo(m.key, "userId", "patientId", "encounterId", "draftOrders", "selections", "appointments")
	})
}

// rawMap decodes the object v into a map of raw values, as encoding/json
// decodes into a map[string]json.RawMessage (null leaves the map nil, a
// repeated key keeps its last value).
func rawMap(v []byte, out *map[string]json.RawMessage) bool {
	if string(v) == "null" {
		return true
	}
	m := map[string]json.RawMessage{}
	ok := members(v, func(mb member) bool {
		m[string(mb.key)] = mb.value
		return true
	})
	if ok {
		*out = m
	}
	return ok
}

// str decodes the JSON string (or null) v into s as encoding/json would.
func str(v []byte, s *string) bool {
	if string(v) == "null" {
		return true
	}
	if p, ok := plainString(v); ok {
		*s = p
		return true
	}
	if len(v) == 0 || v[0] != '"' {
		return false // the wrong type: encoding/json words the error
	}
	return json.Unmarshal(v, s) == nil
}

// foldsTo reports whether key equals one of names ignoring ASCII case,
// so that encoding/json would decode it into that field.
func foldsTo(key []byte, names ...string) bool {
	for _, n := range names {
		if foldEq(key, n) {
			return true
		}
	}
	return false
}
