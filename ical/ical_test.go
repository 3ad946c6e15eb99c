package ical

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

var update = flag.Bool("update", false, "rewrite golden files")

var stamp = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func sample() Calendar {
	return Calendar{
		ProdID: "-//ketacover//deadlines//EN",
		Name:   "ketacover deadlines",
		Events: []Event{
			{
				UID:         "case-17.federal.external.filing@ketacover",
				Stamp:       stamp,
				Summary:     "File external review (case 17, Aetna; esketamine)",
				Description: "4 months from receipt of the notice 2025-10-31; 2026-02-31 does not exist, so the last day is the first day of the next month, 2026-03-01; 2026-03-01 is a Sunday, so the last day rolls forward to Monday 2026-03-02 (45 CFR 147.136(d)(2)(i)).\nNot legal advice.",
				URL:         "https://www.ecfr.gov/on/2026-10-01/title-45/section-147.136",
				Categories:  []string{"deadline", "external review"},
				Date:        ketacover.MustDate("2026-03-02"),
				Transparent: true,
				Alarms:      []Alarm{{Before: 7 * 24 * time.Hour}, {Before: 15 * time.Hour, Description: "External review due tomorrow"}},
			},
			{
				UID:     "case-18.ma.pa.standard.part-b-drug@ketacover",
				Stamp:   stamp,
				Summary: "Plan decision due: Spravato prior authorization (72 h, 42 CFR 422.568(b)(3))",
				Start:   time.Date(2026, 3, 5, 14, 0, 0, 0, time.FixedZone("EST", -5*3600)),
				Alarms:  []Alarm{{Before: 2 * time.Hour}},
			},
		},
	}
}

func TestGolden(t *testing.T) {
	got, err := Marshal(sample())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "deadlines.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Reading the output back gives the same event, and every physical line obeys RFC 5545 §3.1.
func TestRoundTrip(t *testing.T) {
	c := sample()
	out, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := parse(string(out), true)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Name != "VCALENDAR" || cal.get("VERSION") != "2.0" || unescape(cal.get("PRODID")) != c.ProdID {
		t.Fatalf("calendar header: %+v", cal.Props)
	}
	if len(cal.Subs) != 2 {
		t.Fatalf("%d events, want 2", len(cal.Subs))
	}
	ev := cal.Subs[0]
	got := map[string]string{
		"UID": unescape(ev.get("UID")), "SUMMARY": unescape(ev.get("SUMMARY")), "DESCRIPTION": unescape(ev.get("DESCRIPTION")),
		"DTSTART": ev.get("DTSTART"), "DTEND": ev.get("DTEND"), "DTSTAMP": ev.get("DTSTAMP"), "CATEGORIES": ev.get("CATEGORIES"),
		"TRANSP": ev.get("TRANSP"), "URL": ev.get("URL"),
	}
	want := map[string]string{
		"UID": c.Events[0].UID, "SUMMARY": c.Events[0].Summary, "DESCRIPTION": c.Events[0].Description,
		"DTSTART": "20260302", "DTEND": "20260303", "DTSTAMP": "20261127T120000Z", "CATEGORIES": "deadline,external review",
		"TRANSP": "TRANSPARENT", "URL": c.Events[0].URL,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	var triggers []string
	for _, a := range ev.Subs {
		triggers = append(triggers, a.get("ACTION")+" "+a.get("TRIGGER")+" "+unescape(a.get("DESCRIPTION")))
	}
	if diff := cmp.Diff([]string{"DISPLAY -P7D " + c.Events[0].Summary, "DISPLAY -PT15H External review due tomorrow"}, triggers); diff != "" {
		t.Errorf("alarms (-want +got):\n%s", diff)
	}
	timed := cal.Subs[1]
	if timed.get("DTSTART") != "20260305T190000Z" || timed.get("DTEND") != "" {
		t.Errorf("timed event DTSTART %q DTEND %q, want 20260305T190000Z and none", timed.get("DTSTART"), timed.get("DTEND"))
	}
}

// RFC 5545 §3.1 gives this folded line as its example; the reader must unfold it, and folding
// the unfolded line again must give lines of at most 75 octets that unfold to the same text.
func TestRFC5545FoldingExample(t *testing.T) {
	const folded = "DESCRIPTION:This is a lo\r\n ng description\r\n  that exists on a long line.\r\n"
	lines, err := unfold(folded, true)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"DESCRIPTION:This is a long description that exists on a long line."}, lines); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	long := strings.Repeat("This is a long description that exists on a long line. ", 4)
	var w writer
	w.line("DESCRIPTION", "", long)
	again, err := unfold(w.buf.String(), true)
	if err != nil {
		t.Fatal(err)
	}
	if again[0] != "DESCRIPTION:"+long {
		t.Errorf("refolded line does not unfold to the original")
	}
}

// The RFC 5545 §3.6.1 example event (a conference with a comma in its description), written by
// this package, reads back to the example's own property values.
func TestRFC5545EventExample(t *testing.T) {
	const example = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//xyz Corp//NONSGML PDA Calendar Version 1.0//EN\r\nBEGIN:VEVENT\r\n" +
		"UID:uid1@example.com\r\nDTSTAMP:19960704T120000Z\r\nDTSTART:19960918T143000Z\r\nDTEND:19960920T220000Z\r\n" +
		"SUMMARY:Networld+Interop Conference\r\nDESCRIPTION:Networld+Interop Conference\r\n  and Exhibit\\nAtlanta World Congress Center\\n\r\n Atlanta\\, Georgia\r\n" +
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
	want, err := parse(example, true)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(Calendar{ProdID: "-//xyz Corp//NONSGML PDA Calendar Version 1.0//EN", Events: []Event{{
		UID:         "uid1@example.com",
		Stamp:       time.Date(1996, 7, 4, 12, 0, 0, 0, time.UTC),
		Start:       time.Date(1996, 9, 18, 14, 30, 0, 0, time.UTC),
		End:         time.Date(1996, 9, 20, 22, 0, 0, 0, time.UTC),
		Summary:     "Networld+Interop Conference",
		Description: "Networld+Interop Conference and Exhibit\nAtlanta World Congress Center\nAtlanta, Georgia",
	}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := parse(string(out), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION"} {
		if w, g := want.Subs[0].get(name), got.Subs[0].get(name); w != g {
			t.Errorf("%s = %q, RFC example has %q", name, g, w)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a,b;c\d`, `a\,b\;c\\d`},
		{"line1\nline2\r\nline3\rline4", `line1\nline2\nline3\nline4`},
		{"tab\tkept, bell\a dropped", "tab\tkept\\, bell dropped"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"esketamine — Spravato®", "esketamine — Spravato®"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "PT0S"},
		{-7 * 24 * time.Hour, "-P7D"},
		{-30 * time.Minute, "-PT30M"},
		{-(36*time.Hour + 30*time.Minute), "-P1DT12H30M"},
		{2 * time.Hour, "PT2H"},
	}
	for _, tt := range tests {
		if got := Duration(tt.d); got != tt.want {
			t.Errorf("Duration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFoldMultibyte(t *testing.T) {
	summary := strings.Repeat("é—", 60) // two- and three-byte runes on every boundary
	out, err := Marshal(Calendar{ProdID: "x", Events: []Event{{UID: "u", Stamp: stamp, Date: ketacover.MustDate("2026-01-01"), Summary: summary}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(out), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Fatalf("bad physical line (%d octets, valid UTF-8 %v): %q", len(l), utf8.ValidString(l), l)
		}
	}
	cal, err := parse(string(out), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := unescape(cal.Subs[0].get("SUMMARY")); got != summary {
		t.Errorf("summary did not survive folding")
	}
}

func TestValidate(t *testing.T) {
	ok := Event{UID: "u", Stamp: stamp, Date: ketacover.MustDate("2026-01-01")}
	tests := []struct {
		name string
		c    Calendar
		want string
	}{
		{"no prodid", Calendar{}, "calendar: PRODID is required"},
		{"no uid", Calendar{ProdID: "x", Events: []Event{{Stamp: stamp, Date: ok.Date}}}, "event 1: UID is required"},
		{"no stamp", Calendar{ProdID: "x", Events: []Event{{UID: "u", Date: ok.Date}}}, `event 1 (UID "u"): DTSTAMP is required`},
		{"both date and start", Calendar{ProdID: "x", Events: []Event{ok, {UID: "v", Stamp: stamp, Date: ok.Date, Start: stamp}}}, `event 2 (UID "v"): set exactly one of an all-day date or a start time`},
		{"neither", Calendar{ProdID: "x", Events: []Event{{UID: "u", Stamp: stamp}}}, `event 1 (UID "u"): set exactly one of an all-day date or a start time`},
		{"end before start", Calendar{ProdID: "x", Events: []Event{{UID: "u", Stamp: stamp, Start: stamp, End: stamp.Add(-time.Hour)}}}, `event 1 (UID "u"): end must follow a start time`},
		{"negative alarm", Calendar{ProdID: "x", Events: []Event{{UID: "u", Stamp: stamp, Date: ok.Date, Alarms: []Alarm{{Before: -time.Hour}}}}}, `event 1 (UID "u"): alarm 1: want a non-negative whole number of minutes before the start, got -1h0m0s`},
		{"bad url", Calendar{ProdID: "x", Events: []Event{{UID: "u", Stamp: stamp, Date: ok.Date, URL: "ecfr.gov\r\nX:1"}}}, `event 1 (UID "u"): URL "ecfr.gov\r\nX:1" is not an absolute URI`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := tt.c.WriteTo(&buf)
			if ketacover.ErrorCode(err) != ketacover.EINVALID || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
			if n != 0 || buf.Len() != 0 {
				t.Errorf("wrote %d bytes for an invalid calendar", buf.Len())
			}
		})
	}
}

// FuzzRoundTrip writes events with arbitrary text and checks the file obeys RFC 5545 §3.1 and
// reads back to the same text (less the control characters TEXT cannot hold).
func FuzzRoundTrip(f *testing.F) {
	f.Add("File appeal", "180 calendar days, (29 CFR 2560.503-1(h)(3)(i));\nnot legal advice", "cat,dog", int64(7*24*60))
	f.Add(strings.Repeat("é—", 50), "\\;,\r\n\x00", "", int64(0))
	f.Fuzz(func(t *testing.T, summary, description, category string, minutes int64) {
		if minutes < 0 || minutes > 1e7 {
			return
		}
		e := Event{UID: summary + "@x", Stamp: stamp, Date: ketacover.MustDate("2026-03-02"), Summary: summary, Description: description,
			Categories: []string{category}, Alarms: []Alarm{{Before: time.Duration(minutes) * time.Minute}}}
		out, err := Marshal(Calendar{ProdID: "-//fuzz//EN", Events: []Event{e}})
		if err != nil {
			if strings.TrimSpace(e.UID) == "" {
				return
			}
			t.Fatal(err)
		}
		cal, err := parse(string(out), true)
		if err != nil {
			t.Fatalf("%v\n%q", err, out)
		}
		ev := cal.Subs[0]
		clean := func(s string) string {
			s = strings.ToValidUTF8(s, "\uFFFD")
			s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
			return strings.Map(func(r rune) rune {
				if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f) {
					return -1
				}
				return r
			}, s)
		}
		for name, want := range map[string]string{"SUMMARY": summary, "DESCRIPTION": description} {
			if want == "" {
				continue
			}
			if got := unescape(ev.get(name)); got != clean(want) {
				t.Errorf("%s = %q, want %q", name, got, clean(want))
			}
		}
		if got := unescape(ev.get("UID")); got != clean(e.UID) {
			t.Errorf("UID = %q, want %q", got, clean(e.UID))
		}
	})
}
