package postgres

// This file is the same in packages sqlite and postgres but for the package
// name: both engines must accept and refuse exactly the same input (the
// conformance suite in storetest checks that they do, and a test in each
// package checks the two files match). Adapters never import each other, so
// the few lines are copied rather than shared.

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

// maxIDLen is the longest case ID accepted, in bytes.
const maxIDLen = 100

// checkCase validates c and the ID it will be stored under.
func checkCase(c *ketacover.Case, actor, source string) error {
	if c == nil {
		return ketacover.Errorf(ketacover.EINVALID, "no case given")
	}
	if c.ID != "" {
		if err := checkID(c.ID); err != nil {
			return err
		}
	}
	if err := c.Validate(); err != nil {
		if c.ID == "" {
			return ketacover.Errorf(ketacover.EINVALID, "case: %v", err)
		}
		return ketacover.Errorf(ketacover.EINVALID, "case %s: %v", c.ID, err)
	}
	if err := checkText("actor", actor); err != nil {
		return err
	}
	if err := checkText("source", source); err != nil {
		return err
	}
	if field := badString(reflect.ValueOf(c).Elem(), "case"); field != "" {
		return ketacover.Errorf(ketacover.EINVALID, "%s: not valid UTF-8 text, or contains a NUL byte", field)
	}
	return nil
}

// checkID accepts a case ID a person can type and read back: 1 to 100
// bytes of printable UTF-8 with no spaces.
func checkID(id string) error {
	if len(id) > maxIDLen {
		return ketacover.Errorf(ketacover.EINVALID, "case id %.20q…: want at most %d bytes, got %d", id, maxIDLen, len(id))
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

// checkEvent validates what the caller sets on an event; Seq, ID and
// Recorded are the store's and are ignored.
func checkEvent(e *ketacover.Event) error {
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
	if err := checkDate("event date", e.Date); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"event case id", e.CaseID}, {"event actor", e.Actor}, {"event source", e.Source}, {"event note", e.Note}} {
		if err := checkText(f.name, f.v); err != nil {
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
			if err := checkDate("event "+d.name, *d.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkDate accepts a real calendar date in years 1 to 9999, the range
// both engines and the YYYY-MM-DD form hold.
func checkDate(what string, d ketacover.Date) error {
	if d.IsZero() {
		return ketacover.Errorf(ketacover.EINVALID, "%s: required", what)
	}
	if d.Year < 1 || d.Year > 9999 || ketacover.NewDate(d.Year, d.Month, d.Day) != d {
		return ketacover.Errorf(ketacover.EINVALID, "%s: %04d-%02d-%02d is not a calendar date in years 1 to 9999", what, d.Year, int(d.Month), d.Day)
	}
	return nil
}

// checkText refuses text a database column cannot hold unchanged:
// PostgreSQL text cannot hold NUL, and invalid UTF-8 would be altered.
func checkText(field, s string) error {
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

// newID returns "kc-" and 8 random base32 letters (40 bits): a collision is
// unlikely in one clinic's lifetime and is retried by the caller.
func newID() string {
	var b [5]byte
	rand.Read(b[:])
	return "kc-" + idEncoding.EncodeToString(b[:])
}

// normPayer is the form a payer is filtered by: trimmed, in lower case, so
// "Aetna" and "aetna " select the same cases.
func normPayer(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// normState is the form a state is filtered by: trimmed, in upper case.
func normState(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// emptyDetails is how an event with no details is stored; it is read back
// without a JSON decode.
const emptyDetails = "{}"

func encodeDetails(d ketacover.Details) (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode event details: %w", err)
	}
	return string(b), nil
}

func decodeDetails(s string, d *ketacover.Details) error {
	if s == emptyDetails || s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), d); err != nil {
		return fmt.Errorf("decode event details: %w", err)
	}
	return nil
}

// storedTime is how the stores keep a moment: UTC, to the microsecond
// (PostgreSQL's precision), so what Append returns is exactly what is read
// back.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
