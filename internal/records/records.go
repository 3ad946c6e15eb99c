// Package records holds what the SQLite and PostgreSQL stores share about
// the records they keep: the checks every case and event must pass before
// it is written (so both engines accept and refuse exactly the same input),
// case IDs, the normalised keys cases are filtered by, and the compact
// encoding of event details.
package records

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ketacover/ketacover"
)

// MaxIDLen is the longest case ID accepted, in bytes.
const MaxIDLen = 100

// CheckCase validates c and the ID it will be stored under.
func CheckCase(c *ketacover.Case, actor, source string) error {
	if c == nil {
		return ketacover.Errorf(ketacover.EINVALID, "no case given")
	}
	if c.ID != "" {
		if err := CheckID(c.ID); err != nil {
			return err
		}
	}
	if err := c.Validate(); err != nil {
		if c.ID == "" {
			return ketacover.Errorf(ketacover.EINVALID, "case: %v", err)
		}
		return ketacover.Errorf(ketacover.EINVALID, "case %s: %v", c.ID, err)
	}
	if err := CheckText("actor", actor); err != nil {
		return err
	}
	if err := CheckText("source", source); err != nil {
		return err
	}
	if field := badString(reflect.ValueOf(c).Elem(), "case"); field != "" {
		return ketacover.Errorf(ketacover.EINVALID, "%s: not valid UTF-8 text, or contains a NUL byte", field)
	}
	return nil
}

// CheckID accepts a case ID a person can type and read back: 1 to 100
// bytes of printable UTF-8 with no spaces.
func CheckID(id string) error {
	if len(id) > MaxIDLen {
		return ketacover.Errorf(ketacover.EINVALID, "case id %.20q…: want at most %d bytes, got %d", id, MaxIDLen, len(id))
	}
	if !utf8.ValidString(id) {
		return ketacover.Errorf(ketacover.EINVALID, "case id %q: not valid UTF-8", id)
	}
	for _, r := range id {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return ketacover.Errorf(ketacover.EINVALID, "case id %q: want printable characters without spaces, got %U", id, r)
		}
	}
	return nil
}

// CheckEvent validates what the caller sets on an event; Seq, ID and
// Recorded are the store's and are ignored.
func CheckEvent(e *ketacover.Event) error {
	if e == nil {
		return ketacover.Errorf(ketacover.EINVALID, "no event given")
	}
	if e.CaseID == "" {
		return ketacover.Errorf(ketacover.EINVALID, "event: no case id")
	}
	if !e.Kind.Valid() {
		kinds := make([]string, len(ketacover.EventKinds))
		for i, k := range ketacover.EventKinds {
			kinds[i] = string(k)
		}
		return ketacover.Errorf(ketacover.EINVALID, "event kind %q: want one of %s", e.Kind, strings.Join(kinds, ", "))
	}
	if err := CheckDate("event date", e.Date); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"event case id", e.CaseID}, {"event actor", e.Actor}, {"event source", e.Source}, {"event note", e.Note}} {
		if err := CheckText(f.name, f.v); err != nil {
			return err
		}
	}
	if field := badString(reflect.ValueOf(e.Details), "details"); field != "" {
		return ketacover.Errorf(ketacover.EINVALID, "event %s: not valid UTF-8 text, or contains a NUL byte", field)
	}
	for _, d := range []struct {
		name string
		v    *ketacover.Date
	}{{"details.start", e.Details.Start}, {"details.end", e.Details.End}} {
		if d.v != nil {
			if err := CheckDate("event "+d.name, *d.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckAudit validates audit entries before any is written: one bad entry
// refuses them all.
func CheckAudit(entries []ketacover.AuditEntry) error {
	for i := range entries {
		if err := entries[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// CheckAuditFilter refuses a negative offset or limit.
func CheckAuditFilter(f ketacover.AuditFilter) error {
	if f.Offset < 0 || f.Limit < 0 {
		return ketacover.Errorf(ketacover.EINVALID, "audit: offset %d and limit %d must not be negative", f.Offset, f.Limit)
	}
	return nil
}

// CheckDate accepts a real calendar date in years 1 to 9999, the range
// both engines and the YYYY-MM-DD form hold.
func CheckDate(what string, d ketacover.Date) error {
	if d.IsZero() {
		return ketacover.Errorf(ketacover.EINVALID, "%s: required", what)
	}
	if d.Year < 1 || d.Year > 9999 || ketacover.NewDate(d.Year, d.Month, d.Day) != d {
		return ketacover.Errorf(ketacover.EINVALID, "%s: %04d-%02d-%02d is not a calendar date in years 1 to 9999", what, d.Year, int(d.Month), d.Day)
	}
	return nil
}

// CheckText refuses text a database column cannot hold unchanged:
// PostgreSQL text cannot hold NUL, and invalid UTF-8 would be altered.
func CheckText(field, s string) error {
	if !utf8.ValidString(s) {
		return ketacover.Errorf(ketacover.EINVALID, "%s: not valid UTF-8 text", field)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return ketacover.Errorf(ketacover.EINVALID, "%s: contains a NUL byte", field)
	}
	return nil
}

// badString returns the path of the first string in v that is not valid
// UTF-8 or holds a NUL byte (JSON encoding would silently replace the
// first, and PostgreSQL refuses the second), or "".
func badString(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return path
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badString(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			name := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
			if name == "" || name == "-" {
				name = t.Field(i).Name
			}
			if p := badString(v.Field(i), path+"."+name); p != "" {
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p := badString(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if p := badString(it.Key(), path); p != "" {
				return p
			}
			if p := badString(it.Value(), path+"."+fmt.Sprint(it.Key())); p != "" {
				return p
			}
		}
	}
	return ""
}

// idEncoding spells generated IDs in lowercase base32 (a-z, 2-7): easy to
// read aloud and type, with no 0/O or 1/l confusion.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns "kc-" and 8 random base32 letters (40 bits): a collision is
// unlikely in one clinic's lifetime and is retried by the caller.
func NewID() string {
	var b [5]byte
	rand.Read(b[:])
	return "kc-" + idEncoding.EncodeToString(b[:])
}

// NormPayer is the form a payer is filtered by: trimmed, in lower case, so
// "Aetna" and "aetna " select the same cases.
func NormPayer(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NormState is the form a state is filtered by: trimmed, in upper case.
func NormState(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// EmptyDetails is how an event with no details is stored; it is read back
// without a JSON decode.
const EmptyDetails = "{}"

func EncodeDetails(d ketacover.Details) (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode event details: %w", err)
	}
	return string(b), nil
}

// DecodeDetails decodes an event's stored details into the zero d. The
// JSON EncodeDetails writes is read by a small scanner (a deadline listing
// reads tens of thousands, and encoding/json costs microseconds each);
// anything it does not expect goes to encoding/json, so the result is
// always what json.Unmarshal gives (FuzzDecodeDetails checks that).
func DecodeDetails(b []byte, d *ketacover.Details) error {
	return DecodeDetailsIntern(b, d, nil)
}

// DecodeDetailsIntern is DecodeDetails for a reader of many events that
// shares equal strings: the codes and the words from a short vocabulary
// (method, denial class, CARC and RARC codes, group, outcome, payer,
// agency) are made by intern, when it is not nil, from bytes it must not
// keep. References and reasons, mostly one of a kind, are not.
func DecodeDetailsIntern(b []byte, d *ketacover.Details, intern func([]byte) string) error {
	if string(b) == EmptyDetails || len(b) == 0 {
		return nil
	}
	if fastDetails(b, d, intern) {
		return nil
	}
	*d = ketacover.Details{}
	if err := json.Unmarshal(b, d); err != nil {
		return fmt.Errorf("decode event details: %w", err)
	}
	return nil
}

// fastDetails decodes the JSON object in b into d and reports whether it
// could: only the known keys, spelled as encoding/json writes them, with
// strings free of escapes, plain integers, booleans, dates and string
// arrays, and no whitespace.
func fastDetails(b []byte, d *ketacover.Details, intern func([]byte) string) bool {
	s := scanner{b: b}
	word := s.str
	if intern != nil {
		word = func() (string, bool) { return s.word(intern) }
	}
	if !s.byte('{') {
		return false
	}
	if s.byte('}') {
		return s.end()
	}
	for {
		key, ok := s.str()
		if !ok || !s.byte(':') {
			return false
		}
		switch key {
		case "method":
			d.Method, ok = word()
		case "reference":
			d.Reference, ok = s.str()
		case "units":
			d.Units, ok = s.int()
		case "start":
			d.Start, ok = s.date()
		case "end":
			d.End, ok = s.date()
		case "codes":
			d.Codes, ok = s.strs(word)
		case "reason":
			d.Reason, ok = s.str()
		case "denial_class":
			d.DenialClass, ok = word()
		case "carc":
			d.CARC, ok = s.strs(word)
		case "rarc":
			d.RARC, ok = s.strs(word)
		case "group":
			d.Group, ok = word()
		case "level":
			d.Level, ok = s.int()
		case "expedited":
			d.Expedited, ok = s.bool()
		case "outcome":
			d.Outcome, ok = word()
		case "amount_cents":
			var n int
			n, ok = s.int()
			d.AmountCents = int64(n)
		case "payer":
			d.Payer, ok = word()
		case "agency":
			d.Agency, ok = word()
		default:
			return false
		}
		if !ok {
			return false
		}
		if s.byte('}') {
			return s.end()
		}
		if !s.byte(',') {
			return false
		}
	}
}

// scanner reads the narrow JSON fastDetails accepts.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) byte(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) end() bool { return s.i == len(s.b) }

// str reads a string with no escapes, no control characters and valid
// UTF-8 (encoding/json would rewrite invalid UTF-8).
func (s *scanner) str() (string, bool) {
	v, ok := s.raw()
	return string(v), ok
}

// word is str with the string made by intern.
func (s *scanner) word(intern func([]byte) string) (string, bool) {
	v, ok := s.raw()
	if !ok {
		return "", false
	}
	return intern(v), true
}

// raw reads a string as str does and returns its bytes, in s.b.
func (s *scanner) raw() ([]byte, bool) {
	if !s.byte('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			if !utf8.Valid(v) {
				return nil, false
			}
			return v, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// int reads an integer in JSON's grammar that fits in 32 bits, the range
// every integer field holds on every platform.
func (s *scanner) int() (int, bool) {
	neg := s.byte('-')
	start := s.i
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		n = n*10 + int(s.b[s.i]-'0')
		s.i++
		if s.i-start > 9 {
			return 0, false
		}
	}
	digits := s.i - start
	if digits == 0 || (digits > 1 && s.b[start] == '0') {
		return 0, false
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func (s *scanner) bool() (bool, bool) {
	for _, w := range [...]string{"true", "false"} {
		if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
			s.i += len(w)
			return w == "true", true
		}
	}
	return false, false
}

func (s *scanner) date() (*ketacover.Date, bool) {
	v, ok := s.str()
	if !ok {
		return nil, false
	}
	d, ok := ParseDate(v)
	if !ok {
		return nil, false
	}
	return &d, true
}

// strs reads an array of strings; [] is an empty, non-nil slice, as
// encoding/json makes it.
func (s *scanner) strs(str func() (string, bool)) ([]string, bool) {
	if !s.byte('[') {
		return nil, false
	}
	out := []string{}
	if s.byte(']') {
		return out, true
	}
	for {
		v, ok := str()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if s.byte(']') {
			return out, true
		}
		if !s.byte(',') {
			return nil, false
		}
	}
}

// ParseDate reads a YYYY-MM-DD calendar date in years 1 to 9999, without
// the cost of time.Parse (Timelines reads tens of thousands).
func ParseDate(s string) (ketacover.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return ketacover.Date{}, false
	}
	num := func(s string) int {
		n := 0
		for i := range len(s) {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	d := ketacover.Date{Year: num(s[:4]), Month: time.Month(num(s[5:7])), Day: num(s[8:])}
	if d.Year < 1 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > ketacover.DaysIn(d.Year, d.Month) {
		return ketacover.Date{}, false
	}
	return d, true
}

// StoredTime is how the stores keep a moment: UTC, to the microsecond
// (PostgreSQL's precision), so what Append returns is exactly what is read
// back.
func StoredTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
