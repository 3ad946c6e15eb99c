// Package fhir is ketacover's FHIR R4 boundary: it checks FHIR JSON with
// github.com/google/fhir/go (so what crosses the boundary is exact R4), maps
// EHR resources to a case, builds Da Vinci PAS request bundles and DTR
// questionnaires, and reads PAS responses into timeline events.
package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/fhir/go/fhirversion"
	"github.com/google/fhir/go/jsonformat"
	"google.golang.org/protobuf/proto"

	"github.com/ketacover/ketacover"
)

// maxDepth bounds the nesting of resources we accept, so that hostile input
// cannot exhaust the stack; real FHIR resources nest a few tens of levels.
const maxDepth = 64

var (
	strict  = mustUnmarshaller()
	compact = mustMarshaller(false)
	pretty  = mustMarshaller(true)
)

func mustUnmarshaller() *jsonformat.Unmarshaller {
	u, err := jsonformat.NewUnmarshaller("UTC", fhirversion.R4)
	if err != nil {
		panic(fmt.Sprintf("fhir: R4 unmarshaller: %v", err))
	}
	u.MaxNestingDepth = maxDepth
	return u
}

func mustMarshaller(indent bool) *jsonformat.Marshaller {
	var (
		m   *jsonformat.Marshaller
		err error
	)
	if indent {
		m, err = jsonformat.NewPrettyMarshaller(fhirversion.R4)
	} else {
		m, err = jsonformat.NewMarshaller(false, "", "", fhirversion.R4)
	}
	if err != nil {
		panic(fmt.Sprintf("fhir: R4 marshaller: %v", err))
	}
	return m
}

// Parse checks that raw is one valid FHIR R4 resource (required elements,
// primitive syntax, code values, no unknown elements) and returns it as a
// google/fhir ContainedResource. The error is an EINVALID ketacover.Error
// naming what is wrong and where (as a FHIRPath-like location).
func Parse(raw []byte) (proto.Message, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, ketacover.Errorf(ketacover.EINVALID, "want a FHIR resource as a JSON object, got %s", preview(raw))
	}
	m, err := strict.Unmarshal(raw)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "not valid FHIR R4: %s", errText(err))
	}
	return m, nil
}

// Canonical checks raw as Parse does and writes it back as compact JSON in
// the canonical form google/fhir produces. The content is unchanged: every
// element, extension and contained resource survives.
func Canonical(raw []byte) ([]byte, error) {
	m, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	return compact.Marshal(m)
}

// Pretty is Canonical with indentation, for files people read.
func Pretty(raw []byte) ([]byte, error) {
	m, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	out, err := pretty.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// ResourceType returns the resourceType of a JSON resource without decoding
// the rest of it, or "" when raw is not an object with one. It scans only
// the top level, stopping at the key: reading it was a sixth of a hook
// call's time when done with encoding/json.
func ResourceType(raw []byte) string {
	depth, inStr, esc := 0, false, false
	keyStart := -1
	for i := 0; i < len(raw); i++ {
		ch := raw[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case ch == '\\':
				esc = true
			case ch == '"':
				inStr = false
				if depth == 1 && keyStart >= 0 && string(raw[keyStart:i]) == "resourceType" {
					return stringValueAfter(raw, i+1)
				}
				keyStart = -1
			}
			continue
		}
		switch ch {
		case '"':
			inStr = true
			if depth == 1 && expectingKey(raw, i) {
				keyStart = i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return ""
}

// expectingKey reports whether the string starting at i is an object key:
// the previous non-space byte is '{' or ','.
func expectingKey(raw []byte, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch raw[j] {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', ',':
			return true
		}
		return false
	}
	return false
}

// stringValueAfter reads `: "value"` starting at i.
func stringValueAfter(raw []byte, i int) string {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	if i >= len(raw) || raw[i] != ':' {
		return ""
	}
	i++
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	if i >= len(raw) || raw[i] != '"' {
		return ""
	}
	var s string
	end := bytes.IndexByte(raw[i+1:], '"')
	if end < 0 {
		return ""
	}
	if err := json.Unmarshal(raw[i:i+end+2], &s); err != nil {
		return ""
	}
	return s
}

// errText flattens google/fhir's error list into one line, each problem
// once, at most a few of them.
func errText(err error) string {
	seen := map[string]bool{}
	var parts []string
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || seen[line] {
			continue
		}
		seen[line] = true
		parts = append(parts, line)
	}
	if len(parts) > 5 {
		parts = append(parts[:5], fmt.Sprintf("and %d more", len(parts)-5))
	}
	return strings.Join(parts, "; ")
}

func preview(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	if len(b) > 40 {
		b = b[:40]
	}
	return fmt.Sprintf("%q", b)
}

// checked remembers the resources that passed Check, so that the same
// bytes are not validated twice: EHRs send the same Patient and Coverage
// on every hook call of a visit, and validation is most of the cost of a
// call. Validation is a pure function of the bytes, and a hit is for
// exactly the bytes checked (exactCache), so a hit is as good as a check.
var checked = newExactCache[struct{}](checkCacheSize, checkCacheBytes)

const (
	// checkCacheSize and checkCacheBytes bound the remembered resources
	// (Record.Add's own are in filed, not here).
	checkCacheSize  = 1 << 14
	checkCacheBytes = 8 << 20
)

// Check is Parse without the result: it reports whether raw is one valid
// FHIR R4 resource, remembering resources that passed.
func Check(raw []byte) error {
	h := checked.hash(raw)
	if _, ok := checked.get(h, raw); ok {
		return nil
	}
	if _, err := Parse(raw); err != nil {
		return err
	}
	checked.put(h, raw, struct{}{})
	return nil
}

// ForgetChecked empties Check's memory, and Record.Add's, for benchmarks
// that measure the cost of validating and reading every resource.
func ForgetChecked() {
	checked.clear()
	filed.clear()
}

// filed remembers what Record.Add read from resources that passed Check:
// the same reasoning as checked (an EHR resends the same Patient, Coverage
// and history on every call of a visit, and reading a resource is a pure
// function of its bytes), one step further, since decoding the views was
// the largest cost of a call once validation was remembered. Entries are
// shared between records and never changed.
var filed = newExactCache[*Record](filedCacheSize, filedCacheBytes)

const (
	// filedCacheSize bounds the remembered records; each holds the few
	// elements ketacover reads of one resource or bundle.
	filedCacheSize = 1 << 12
	// filedMaxBytes is the largest resource whose reading is remembered,
	// and filedCacheBytes bounds the bytes of all of them: 8 MB is about
	// 500 patients' prefetch at 16 KB each, about as many as 4,096
	// entries hold. The bytes count in the live heap, so with 32 MB a
	// server under calls for new patients grew by 65 MB of RSS (the heap's
	// goal is three times the live heap at GOGC=200).
	filedMaxBytes   = 256 << 10
	filedCacheBytes = 8 << 20
)
