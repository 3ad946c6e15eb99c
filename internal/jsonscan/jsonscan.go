// Package jsonscan is a small JSON scanner for the fast paths of the CDS
// Hooks and FHIR decoders: it checks the JSON grammar (RFC 8259) while it
// skips or splits a value, in one pass and without allocating, which
// encoding/json's scanner does several times slower. It never decides
// anything on its own: where the input is not plain (invalid JSON, escaped
// or non-ASCII keys, a key encoding/json would match only ignoring case,
// duplicates), its callers fall back to encoding/json, so errors and odd
// inputs are handled exactly as encoding/json handles them.
package jsonscan

import (
	"bytes"
	"unicode/utf8"
)

// MaxDepth bounds nesting on the fast path; deeper input takes the
// slow path (encoding/json allows 10,000 levels).
const MaxDepth = 512

// SkipWS returns the index of the first non-whitespace byte at or after i.
func SkipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// SkipValue checks the JSON value starting at b[i] (no leading
// whitespace) and returns the index just past it; ok is false when it is
// not valid JSON or nests deeper than MaxDepth.
func SkipValue(b []byte, i int) (end int, ok bool) {
	var st [MaxDepth]byte // the closing byte of each open container
	depth := 0
	for {
		// A value starts at i.
		i = SkipWS(b, i)
		if i >= len(b) {
			return 0, false
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			i = SkipWS(b, i+1)
			if i < len(b) && b[i] == closer {
				i++
				break
			}
			if depth == len(st) {
				return 0, false
			}
			st[depth] = closer
			depth++
			if closer == '}' {
				if i, ok = skipKey(b, i); !ok {
					return 0, false
				}
			}
			continue
		case c == '"':
			if i, ok = SkipString(b, i); !ok {
				return 0, false
			}
		case c == 't':
			if !bytes.HasPrefix(b[i:], []byte("true")) {
				return 0, false
			}
			i += 4
		case c == 'f':
			if !bytes.HasPrefix(b[i:], []byte("false")) {
				return 0, false
			}
			i += 5
		case c == 'n':
			if !bytes.HasPrefix(b[i:], []byte("null")) {
				return 0, false
			}
			i += 4
		default:
			if i, ok = skipNumber(b, i); !ok {
				return 0, false
			}
		}
		// A value ended at i: close containers, or go on to the next value.
		for {
			if depth == 0 {
				return i, true
			}
			i = SkipWS(b, i)
			if i >= len(b) {
				return 0, false
			}
			closer := st[depth-1]
			if b[i] == closer {
				i++
				depth--
				continue
			}
			if b[i] != ',' {
				return 0, false
			}
			i = SkipWS(b, i+1)
			if closer == '}' {
				if i, ok = skipKey(b, i); !ok {
					return 0, false
				}
			}
			break
		}
	}
}

// skipKey checks `"key" :` at b[i] and returns the index after the colon.
func skipKey(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	i, ok := SkipString(b, i)
	if !ok {
		return 0, false
	}
	i = SkipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return 0, false
	}
	return i + 1, true
}

// SkipString checks the string starting at b[i] (a quote) and returns the
// index after its closing quote.
func SkipString(b []byte, i int) (int, bool) {
	i++
	for {
		// Most bytes of a string are plain; a table look-up each, four at
		// a time, is fewer branches than testing each byte three ways.
		for i+4 <= len(b) && strPlain[b[i]] && strPlain[b[i+1]] && strPlain[b[i+2]] && strPlain[b[i+3]] {
			i += 4
		}
		for i < len(b) && strPlain[b[i]] {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case '"':
			return i + 1, true
		case '\\':
			i++
			if i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return 0, false
				}
				i += 4
			default:
				return 0, false
			}
			i++
		default: // a control byte
			return 0, false
		}
	}
}

// strPlain marks the bytes a string holds as they are: not its closing
// quote, not an escape, not a control byte.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipNumber checks -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at b[i].
func skipNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// Member is one member of a JSON object: its key (the bytes between the
// quotes, still escaped) and its value, and where the member starts (its
// key's opening quote) and ends (after its value) in the object.
type Member struct {
	Key, Value []byte
	Start, End int
}

// Members checks the JSON object obj (with no surrounding whitespace) and
// calls fn for each member in order. It reports false, having stopped,
// when obj is not a valid object, or when a key is escaped or not ASCII
// (the caller cannot compare it as encoding/json would), or fn returns
// false.
func Members(obj []byte, fn func(m Member) bool) bool {
	end, ok := ObjectAt(obj, 0, func(key []byte, ks, vs int) (int, bool) {
		ve, ok := SkipValue(obj, vs)
		if !ok || !fn(Member{Key: key, Value: obj[vs:ve], Start: ks - 1, End: ve}) {
			return 0, false
		}
		return ve, true
	})
	return ok && end == len(obj)
}

// ObjectAt checks the JSON object starting at b[i] (an opening brace) and
// returns the index just past it. For each member it checks the key and
// calls value with the key (its bytes between the quotes), the index of
// its first byte and of the value's first byte (whitespace skipped); value
// checks the value, returning the index just past it, so that a caller
// can decode a nested object in the same pass instead of skipping it and
// reading it again. It reports false, having stopped, as Members does.
func ObjectAt(b []byte, i int, value func(key []byte, ks, vs int) (int, bool)) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i = SkipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		ks := i + 1
		j, ok := SkipString(b, i)
		if !ok {
			return 0, false
		}
		key := b[ks : j-1]
		if !PlainKey(key) {
			return 0, false
		}
		j = SkipWS(b, j)
		if j >= len(b) || b[j] != ':' {
			return 0, false
		}
		ve, ok := value(key, ks, SkipWS(b, j+1))
		if !ok {
			return 0, false
		}
		i = SkipWS(b, ve)
		if i >= len(b) {
			return 0, false
		}
		if b[i] == '}' {
			return i + 1, true
		}
		if b[i] != ',' {
			return 0, false
		}
		i = SkipWS(b, i+1)
	}
}

// PlainKey reports whether key has no escapes and only ASCII bytes, so
// that its bytes are its value and ASCII case folding is all the folding
// encoding/json could apply to it.
func PlainKey(key []byte) bool {
	for _, c := range key {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// PlainString returns the value of the JSON string s (quotes included)
// when it has no escapes and is valid UTF-8, so that its bytes are its
// value as encoding/json would decode it.
func PlainString(s []byte) (string, bool) {
	if len(s) < 2 || s[0] != '"' {
		return "", false
	}
	in := s[1 : len(s)-1]
	if bytes.IndexByte(in, '\\') >= 0 || !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// FoldEq reports whether ASCII a and b are equal ignoring ASCII case.
func FoldEq(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// FoldsTo reports whether key equals one of names ignoring ASCII case, so
// that encoding/json would decode it into that field (keys that are not
// ASCII never get here: see PlainKey).
func FoldsTo(key []byte, names ...string) bool {
	for _, n := range names {
		if FoldEq(key, n) {
			return true
		}
	}
	return false
}

// NullAt reports whether the value at b[i] is the literal null, and the
// index just past it.
func NullAt(b []byte, i int) (int, bool) {
	if len(b)-i >= 4 && string(b[i:i+4]) == "null" {
		return i + 4, true
	}
	return 0, false
}
