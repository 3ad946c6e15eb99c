// Package ical writes RFC 5545 iCalendar files (VCALENDAR, VEVENT, VALARM) that calendar apps import.
package ical

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ketacover/ketacover"
)

// Calendar is one iCalendar object.
type Calendar struct {
	ProdID string // PRODID, required: who made the file, e.g. "-//ketacover//deadlines//EN"
	Name   string // X-WR-CALNAME, optional: the name most apps show for an imported calendar
	Events []Event
}

// Event is one VEVENT. Set Date for an all-day event or Start (and optionally End) for a timed
// one, never both.
type Event struct {
	UID         string    // required; stable across exports so a re-import updates instead of duplicating
	Stamp       time.Time // DTSTAMP, required: when this copy was produced (passed in, never read from the clock)
	Summary     string
	Description string
	URL         string
	Categories  []string
	Date        ketacover.Date // all-day event on this civil date
	Start       time.Time      // timed event start, written in UTC
	End         time.Time      // optional end of a timed event
	// Transparent marks the event as not blocking time (TRANSP:TRANSPARENT), as a deadline
	// should not make a person look busy.
	Transparent bool
	Alarms      []Alarm
}

// Alarm is a VALARM reminder shown before the event starts.
type Alarm struct {
	Before      time.Duration // how long before the start; whole minutes, not negative
	Description string        // the reminder text; the event summary when empty
}

// maxLine is the longest content line in octets, without the CRLF (RFC 5545 §3.1).
const maxLine = 75

// Validate reports the first problem with c, naming the event.
func (c Calendar) Validate() error {
	if strings.TrimSpace(c.ProdID) == "" {
		return ketacover.Errorf(ketacover.EINVALID, "calendar: PRODID is required")
	}
	for i, e := range c.Events {
		where := fmt.Sprintf("event %d", i+1)
		if e.UID != "" {
			where = fmt.Sprintf("event %d (UID %q)", i+1, e.UID)
		}
		switch {
		case strings.TrimSpace(e.UID) == "":
			return ketacover.Errorf(ketacover.EINVALID, "%s: UID is required", where)
		case e.Stamp.IsZero():
			return ketacover.Errorf(ketacover.EINVALID, "%s: DTSTAMP is required", where)
		case e.Date.IsZero() == e.Start.IsZero():
			return ketacover.Errorf(ketacover.EINVALID, "%s: set exactly one of an all-day date or a start time", where)
		case !e.End.IsZero() && (e.Start.IsZero() || e.End.Before(e.Start)):
			return ketacover.Errorf(ketacover.EINVALID, "%s: end must follow a start time", where)
		case !e.Date.IsZero() && (e.Date.Year < 1 || e.Date.Year > 9998):
			return ketacover.Errorf(ketacover.EINVALID, "%s: date %s out of range", where, e.Date)
		}
		if e.URL != "" {
			u, err := url.Parse(e.URL)
			if err != nil || u.Scheme == "" || strings.ContainsFunc(e.URL, isControl) {
				return ketacover.Errorf(ketacover.EINVALID, "%s: URL %q is not an absolute URI", where, e.URL)
			}
		}
		for j, a := range e.Alarms {
			if a.Before < 0 || a.Before%time.Minute != 0 {
				return ketacover.Errorf(ketacover.EINVALID, "%s: alarm %d: want a non-negative whole number of minutes before the start, got %s", where, j+1, a.Before)
			}
		}
	}
	return nil
}

// Marshal renders c, or returns an error and no bytes.
func Marshal(c Calendar) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var w writer
	w.line("BEGIN", "", "VCALENDAR")
	w.line("VERSION", "", "2.0")
	w.line("PRODID", "", Text(c.ProdID))
	w.line("CALSCALE", "", "GREGORIAN")
	w.line("METHOD", "", "PUBLISH")
	if c.Name != "" {
		w.line("X-WR-CALNAME", "", Text(c.Name))
	}
	for _, e := range c.Events {
		w.event(e)
	}
	w.line("END", "", "VCALENDAR")
	return w.buf.Bytes(), nil
}

// WriteTo writes c to out; nothing is written when c is invalid.
func (c Calendar) WriteTo(out io.Writer) (int64, error) {
	b, err := Marshal(c)
	if err != nil {
		return 0, err
	}
	n, err := out.Write(b)
	return int64(n), err
}

type writer struct{ buf bytes.Buffer }

const (
	stampLayout = "20060102T150405Z"
	dateLayout  = "20060102"
)

func (w *writer) event(e Event) {
	w.line("BEGIN", "", "VEVENT")
	w.line("UID", "", Text(e.UID))
	w.line("DTSTAMP", "", e.Stamp.UTC().Format(stampLayout))
	if !e.Date.IsZero() {
		w.line("DTSTART", ";VALUE=DATE", e.Date.Time().Format(dateLayout))
		w.line("DTEND", ";VALUE=DATE", e.Date.AddDays(1).Time().Format(dateLayout))
	} else {
		w.line("DTSTART", "", e.Start.UTC().Format(stampLayout))
		if !e.End.IsZero() {
			w.line("DTEND", "", e.End.UTC().Format(stampLayout))
		}
	}
	if e.Summary != "" {
		w.line("SUMMARY", "", Text(e.Summary))
	}
	if e.Description != "" {
		w.line("DESCRIPTION", "", Text(e.Description))
	}
	if e.URL != "" {
		w.line("URL", "", e.URL)
	}
	if len(e.Categories) > 0 {
		parts := make([]string, len(e.Categories))
		for i, c := range e.Categories {
			parts[i] = Text(c)
		}
		w.line("CATEGORIES", "", strings.Join(parts, ","))
	}
	if e.Transparent {
		w.line("TRANSP", "", "TRANSPARENT")
	}
	for _, a := range e.Alarms {
		desc := a.Description
		if desc == "" {
			desc = e.Summary
		}
		if desc == "" {
			desc = "Reminder" // DESCRIPTION is required for a DISPLAY alarm (RFC 5545 §3.6.6)
		}
		w.line("BEGIN", "", "VALARM")
		w.line("ACTION", "", "DISPLAY")
		w.line("DESCRIPTION", "", Text(desc))
		w.line("TRIGGER", "", Duration(-a.Before))
		w.line("END", "", "VALARM")
	}
	w.line("END", "", "VEVENT")
}

// line writes one content line, folded so that no physical line exceeds 75 octets and no
// UTF-8 sequence is split (RFC 5545 §3.1).
func (w *writer) line(name, params, value string) {
	s := name + params + ":" + value
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut])
		w.buf.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space of a continuation line counts
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}

// Text escapes s as an RFC 5545 TEXT value (§3.3.11): backslash, semicolon and comma are escaped,
// line breaks become \n, other control characters are dropped (TEXT does not allow them) and
// invalid UTF-8 becomes U+FFFD.
func Text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteByte(c)
		default:
			if c < 0x20 || c == 0x7f {
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// Duration formats d as an RFC 5545 DURATION value (§3.3.6) in days, hours and minutes, e.g.
// -P7D, -PT2H, -P1DT12H30M; sub-minute parts are dropped.
func Duration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	mins := int64(d / time.Minute)
	days, hours, minutes := mins/(24*60), mins/60%24, mins%60
	if mins == 0 {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteString(sign + "P")
	if days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if hours > 0 || minutes > 0 {
		b.WriteString("T")
		if hours > 0 {
			fmt.Fprintf(&b, "%dH", hours)
		}
		if minutes > 0 {
			fmt.Fprintf(&b, "%dM", minutes)
		}
	}
	return b.String()
}
