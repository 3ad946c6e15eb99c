package records

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/storetest"
)

// FuzzDecodeDetails checks DecodeDetails against encoding/json: whenever
// json.Unmarshal accepts the input, DecodeDetails gives the same Details,
// and it fails exactly when json.Unmarshal does.
func FuzzDecodeDetails(f *testing.F) {
	for i := range 8 {
		for _, e := range storetest.SampleEvents("c", i, 5) {
			b, _ := json.Marshal(e.Details)
			f.Add(b)
		}
	}
	for _, s := range []string{
		`{}`, `{"units":-0}`, `{"units":01}`, `{"units":1.0}`, `{"units":2147483648}`, `{"codes":[]}`,
		`{"codes":null}`, `{"reason":"a\u00e9\"b"}`, `{"Method":"fax"}`, `{"method":"fax","method":"x"}`,
		`{"start":"2024-02-30"}`, `{"start":"0000-01-01"}`, `{"expedited":true}`, `{"expedited":truex}`,
		`{"reason":"\xff"}`, `{ "units":1}`, `{"units":1}x`, `{"amount_cents":9007199254740993}`,
		`{"outcome":"<b>&</b>"}`, `{"level":2,"expedited":false,"unknown":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want ketacover.Details
		werr := json.Unmarshal(b, &want)
		var got ketacover.Details
		gerr := DecodeDetails(b, &got)
		if string(b) == EmptyDetails || len(b) == 0 {
			return // stored "no details": never decoded
		}
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: json.Unmarshal error %v, DecodeDetails error %v", b, werr, gerr)
		}
		if werr == nil {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%q (-json +DecodeDetails):\n%s", b, diff)
			}
		}
		// The same through an interner that shares strings, reading the
		// input twice so that the second read meets interned words; the
		// input is then overwritten, which an interner that kept the
		// bytes would show.
		words := map[string]string{}
		intern := func(v []byte) string {
			if w, ok := words[string(v)]; ok {
				return w
			}
			w := string(v)
			words[w] = w
			return w
		}
		c := bytes.Clone(b)
		for range 2 {
			var got ketacover.Details
			ierr := DecodeDetailsIntern(c, &got, intern)
			if (ierr == nil) != (werr == nil) {
				t.Fatalf("%q: json.Unmarshal error %v, DecodeDetailsIntern error %v", b, werr, ierr)
			}
			if werr == nil {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("%q (-json +DecodeDetailsIntern):\n%s", b, diff)
				}
			}
			if ierr == nil {
				for i := range c {
					c[i] = 'x'
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("%q: DecodeDetailsIntern's result changed with its input (-json +got):\n%s", b, diff)
				}
				copy(c, b)
			}
		}
	})
}

// TestDetailsRoundTrip encodes every field and reads it back on the fast
// path, so the fast path is known to cover what EncodeDetails writes.
func TestDetailsRoundTrip(t *testing.T) {
	d := ketacover.NewDate(2024, 2, 29)
	full := ketacover.Details{
		Method: "x12-278", Reference: "PA-1", Units: 8, Start: &d, End: &d, Codes: []string{"S0013"},
		Reason: "not medically necessary", DenialClass: "medical-necessity", CARC: []string{"50"}, RARC: []string{"N115", "M127"},
		Group: "CO", Level: 2, Expedited: true, Outcome: ketacover.Overturned, AmountCents: 123456, Payer: "Aetna", Agency: "TDI",
	}
	b, err := EncodeDetails(full)
	if err != nil {
		t.Fatal(err)
	}
	var got ketacover.Details
	if !fastDetails([]byte(b), &got, nil) {
		t.Fatalf("fast path refused what EncodeDetails wrote: %s", b)
	}
	if diff := cmp.Diff(full, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// FuzzParseDate checks ParseDate against time.Parse with the layout
// YYYY-MM-DD: the same dates accepted, read the same way.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-01", "2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2026-04-31", "2026-12-31", "0000-01-01", "9999-12-31", "2026-13-01", "2026-1-01", "+026-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseDate(s)
		w, err := time.Parse(time.DateOnly, s)
		// time.Parse also takes year 0 and a signed year ("+026"), which
		// ParseDate refuses: it reads exactly what the stores write.
		want := err == nil && w.Year() >= 1 && len(s) == 10 && strings.Trim(s[:4], "0123456789") == ""
		if ok != want {
			t.Fatalf("ParseDate(%q) ok = %v; time.Parse: %v, %v", s, ok, w, err)
		}
		if ok && got != ketacover.DateOf(w) {
			t.Fatalf("ParseDate(%q) = %v, time.Parse gives %v", s, got, w)
		}
	})
}

// TestParseDateEveryDay compares ParseDate with time.Parse on every day
// number 1 to 31 of every month of 2,400 years (six 400-year leap cycles)
// and of the last years it reads.
func TestParseDateEveryDay(t *testing.T) {
	b := []byte("0000-00-00")
	put := func(at, width, n int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + n%10)
			n /= 10
		}
	}
	for y := 1; y <= 9999; y++ {
		if y > 2400 && y < 9900 {
			continue
		}
		put(0, 4, y)
		for m := 1; m <= 12; m++ {
			put(5, 2, m)
			for d := 1; d <= 31; d++ {
				put(8, 2, d)
				got, ok := ParseDate(string(b))
				w, err := time.Parse(time.DateOnly, string(b))
				if ok != (err == nil) || ok && got != ketacover.DateOf(w) {
					t.Fatalf("ParseDate(%q) = %v, %v; time.Parse: %v, %v", b, got, ok, w, err)
				}
			}
		}
	}
}
