package crd

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/ketacover/ketacover/internal/jsonscan"
)

// The answer writer: a hook's Response written as JSON by appending to a
// pooled buffer, byte for byte what encoding/json's Encoder writes for it
// (HTML-safe string escapes, map keys sorted, raw resources compacted),
// without reflection and without encoding/json's second scan of each
// system action's resource. Writing the answer with encoding/json was a
// tenth of a hook call under load. TestAnswerWriter and FuzzAnswerString
// hold it to encoding/json's output.

// bufPool holds answer buffers; one answer is about 10 KB.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// appendResponse appends r as JSON, as json.Marshal(r) writes it.
func appendResponse(dst []byte, r *Response) ([]byte, error) {
	dst = append(dst, `{"cards":`...)
	var err error
	if r.Cards == nil {
		dst = append(dst, "null"...)
	} else if dst, err = appendList(dst, r.Cards, appendCard); err != nil {
		return nil, err
	}
	if len(r.SystemActions) > 0 {
		dst = append(dst, `,"systemActions":`...)
		if dst, err = appendList(dst, r.SystemActions, appendAction); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendCard(dst []byte, c *Card) ([]byte, error) {
	dst = append(dst, '{')
	if c.UUID != "" {
		dst = append(dst, `"uuid":`...)
		dst = appendString(dst, c.UUID)
		dst = append(dst, ',')
	}
	dst = append(dst, `"summary":`...)
	dst = appendString(dst, c.Summary)
	if c.Detail != "" {
		dst = append(dst, `,"detail":`...)
		dst = appendString(dst, c.Detail)
	}
	dst = append(dst, `,"indicator":`...)
	dst = appendString(dst, c.Indicator)
	dst = append(dst, `,"source":{"label":`...)
	dst = appendString(dst, c.Source.Label)
	if c.Source.URL != "" {
		dst = append(dst, `,"url":`...)
		dst = appendString(dst, c.Source.URL)
	}
	if t := c.Source.Topic; t != nil {
		dst = append(dst, `,"topic":{"system":`...)
		dst = appendString(dst, t.System)
		dst = append(dst, `,"code":`...)
		dst = appendString(dst, t.Code)
		if t.Display != "" {
			dst = append(dst, `,"display":`...)
			dst = appendString(dst, t.Display)
		}
		dst = append(dst, '}')
	}
	dst = append(dst, '}')
	if len(c.Links) > 0 {
		dst = append(dst, `,"links":[`...)
		for i, l := range c.Links {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"label":`...)
			dst = appendString(dst, l.Label)
			dst = append(dst, `,"url":`...)
			dst = appendString(dst, l.URL)
			dst = append(dst, `,"type":`...)
			dst = appendString(dst, l.Type)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if len(c.Extension) > 0 {
		dst = append(dst, `,"extension":`...)
		var err error
		if dst, err = appendAny(dst, c.Extension); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendAction(dst []byte, a *Action) ([]byte, error) {
	dst = append(dst, `{"type":`...)
	dst = appendString(dst, a.Type)
	dst = append(dst, `,"description":`...)
	dst = appendString(dst, a.Description)
	if len(a.Resource) > 0 {
		dst = append(dst, `,"resource":`...)
		if a.valid {
			dst = appendValid(dst, a.Resource)
		} else {
			var err error
			if dst, err = appendRaw(dst, a.Resource); err != nil {
				return nil, err
			}
		}
	}
	return append(dst, '}'), nil
}

// appendList appends s as a JSON array, each element written by elem.
func appendList[E any](dst []byte, s []E, elem func([]byte, *E) ([]byte, error)) ([]byte, error) {
	dst = append(dst, '[')
	for i := range s {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = elem(dst, &s[i]); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

// appendMap appends m as encoding/json writes a map: keys sorted, null
// for a nil map.
func appendMap[V any](dst []byte, m map[string]V, value func([]byte, V) ([]byte, error)) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = value(dst, m[k]); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendAny appends the values card extensions are made of; anything else
// is written by encoding/json, which writes an interface value as its
// dynamic value, so the output is the same either way.
func appendAny(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return appendString(dst, v), nil
	case []any:
		if v == nil {
			return append(dst, "null"...), nil
		}
		return appendList(dst, v, func(dst []byte, e *any) ([]byte, error) { return appendAny(dst, *e) })
	case map[string]string:
		return appendMap(dst, v, func(dst []byte, s string) ([]byte, error) { return appendString(dst, s), nil })
	case map[string]any:
		return appendMap(dst, v, appendAny)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// appendRaw appends the JSON value raw compacted, with <, >, &, U+2028 and
// U+2029 escaped, as encoding/json writes a json.RawMessage; an invalid
// value is an error, as there. Most resources need no change and are
// copied as they are.
func appendRaw(dst, raw []byte) ([]byte, error) {
	i := jsonscan.SkipWS(raw, 0)
	end, ok := jsonscan.SkipValue(raw, i)
	if !ok || jsonscan.SkipWS(raw, end) != len(raw) {
		// encoding/json words the error.
		b, err := json.Marshal(json.RawMessage(raw))
		if err != nil {
			return nil, err
		}
		return append(dst, b...), nil
	}
	return appendValid(dst, raw[i:end]), nil
}

// appendValid is appendRaw for raw known to be one valid JSON value with
// no whitespace around it: it compacts and escapes without checking.
func appendValid(dst, raw []byte) []byte {
	start := 0
	inString := false
	for j := 0; j < len(raw); j++ {
		c := raw[j]
		if !rawSpecial[c] {
			continue
		}
		switch {
		case c == '"':
			inString = !inString
		case c == '\\':
			j++ // only inside strings; the escaped byte is copied as is
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, raw[start:j]...)
			dst = append(dst, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&0xF])
			start = j + 1
		case c == 0xE2:
			if j+2 < len(raw) && raw[j+1] == 0x80 && raw[j+2]&^1 == 0xA8 {
				dst = append(dst, raw[start:j]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigit[raw[j+2]&0xF])
				j += 2
				start = j + 1
			}
		case !inString: // whitespace between tokens
			dst = append(dst, raw[start:j]...)
			start = j + 1
		}
	}
	return append(dst, raw[start:]...)
}

// rawSpecial marks the bytes appendRaw looks at.
var rawSpecial = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n\"\\<>&\xe2") {
		t[c] = true
	}
	return t
}()

const hexDigit = "0123456789abcdef"

// appendString appends s as a JSON string as encoding/json writes it with
// HTML escaping (its default): <, > and & as \u003c etc., control bytes
// escaped, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if htmlSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigit[b>>4], hexDigit[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigit[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// htmlSafe marks the ASCII bytes a JSON string carries unescaped.
var htmlSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		switch c {
		case '"', '\\', '<', '>', '&':
		default:
			t[c] = true
		}
	}
	return t
}()

// appendExtension appends the coverage-information extension of a as
// json.Marshal writes extensionMap's map (keys sorted).
func (a *assessment) appendExtension(dst []byte, coverageRef string) []byte {
	sub := func(dst []byte, url, key string) []byte {
		dst = append(dst, `{"url":`...)
		dst = appendString(dst, url)
		dst = append(dst, ',', '"')
		dst = append(dst, key...)
		return append(dst, '"', ':')
	}
	code := func(dst []byte, url, v string) []byte {
		dst = sub(dst, url, "valueCode")
		dst = appendString(dst, v)
		return append(dst, '}', ',')
	}
	dst = append(dst, `{"extension":[`...)
	dst = sub(dst, "coverage", "valueReference")
	dst = append(dst, `{"reference":`...)
	dst = appendString(dst, coverageRef)
	dst = append(dst, '}', '}', ',')
	dst = code(dst, "covered", a.covered)
	if a.paNeeded != "" && a.covered != "not-covered" {
		dst = code(dst, "pa-needed", a.paNeeded)
	}
	for _, v := range a.docNeeded {
		dst = code(dst, "doc-needed", v)
	}
	for _, v := range a.docPurpose {
		dst = code(dst, "doc-purpose", v)
	}
	for _, v := range a.infoNeeded {
		dst = code(dst, "info-needed", v)
	}
	for _, c := range a.order.Codes {
		dst = sub(dst, "billingCode", "valueCoding")
		dst = append(dst, `{"code":`...)
		dst = appendString(dst, c.Code)
		dst = append(dst, `,"system":`...)
		dst = appendString(dst, c.System)
		dst = append(dst, '}', '}', ',')
	}
	dst = sub(dst, "reason", "valueCodeableConcept")
	dst = append(dst, `{"text":`...)
	dst = appendString(dst, clip(a.d.Verdict, 1000))
	dst = append(dst, '}', '}')
	if src := policySource(a.d); src != "" {
		dst = append(dst, `,{"extension":[{"url":"category","valueCode":"cat-other"},{"url":"code","valueCodeableConcept":{"text":"payer policy"}},{"url":"value","valueUrl":`...)
		dst = appendString(dst, src)
		dst = append(dst, `},{"url":"qualification","valueString":`...)
		dst = appendString(dst, policyName(a.d))
		dst = append(dst, `}],"url":"detail"}`...)
	}
	if a.form != nil {
		dst = append(dst, ',')
		dst = sub(dst, "questionnaire", "valueCanonical")
		dst = appendString(dst, a.form.Canonical())
		dst = append(dst, '}')
	}
	dst = append(dst, ',')
	dst = sub(dst, "date", "valueDate")
	dst = appendString(dst, a.asOf.String())
	dst = append(dst, '}', ',')
	dst = sub(dst, "coverage-assertion-id", "valueString")
	dst = appendString(dst, a.id)
	dst = append(dst, `}],"url":`...)
	dst = appendString(dst, extCoverageInformation)
	return append(dst, '}')
}
