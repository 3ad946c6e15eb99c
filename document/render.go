package document

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ketacover/ketacover"
)

// Format is an output format.
type Format string

// The formats every Doc renders to.
const (
	FormatText Format = "txt"
	FormatHTML Format = "html"
	FormatPDF  Format = "pdf"
)

// ParseFormat returns the format named s ("txt", "text", "html" or "pdf").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "txt", "text":
		return FormatText, nil
	case "html":
		return FormatHTML, nil
	case "pdf":
		return FormatPDF, nil
	}
	return "", ketacover.Errorf(ketacover.EINVALID, "unknown document format %q, want pdf, html or txt", s)
}

// Render writes d to w in format f. The document is rendered into memory
// first, so an invalid document writes nothing.
func (d *Doc) Render(w io.Writer, f Format) error {
	var (
		b   []byte
		err error
	)
	switch f {
	case FormatText:
		b, err = d.Text()
	case FormatHTML:
		b, err = d.HTML()
	case FormatPDF:
		b, err = d.PDF()
	default:
		return ketacover.Errorf(ketacover.EINVALID, "unknown document format %q, want pdf, html or txt", string(f))
	}
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write %s document: %w", f, err)
	}
	return nil
}

// BlankText returns how a blank labelled label reads in every format:
// "[dose of sertraline — missing]".
func BlankText(label string) string { return "[" + clean(label) + " — missing]" }

// clean makes s safe to lay out: invalid UTF-8 becomes U+FFFD, any line or
// tab break becomes a space (a run is inline text), and other control and
// format characters that would corrupt a terminal, an HTML page or a PDF
// string are dropped.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case unicode.IsControl(r), r == 0xFEFF, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			// controls, BOM, and bidi overrides (which can make text read
			// differently from what it says)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cites numbers the evidence IDs of d in order of first citation; IDs listed
// in References but never cited follow in the order given.
func (d *Doc) cites() map[string]int {
	n := map[string]int{}
	d.walk(func(_ loc, t Text) {
		for _, r := range t {
			if r.Kind == RunCite {
				if _, ok := n[r.Text]; !ok {
					n[r.Text] = len(n) + 1
				}
			}
		}
	})
	for _, b := range d.Blocks {
		if b, ok := b.(References); ok {
			for _, r := range b.Items {
				if _, ok := n[r.ID]; !ok {
					n[r.ID] = len(n) + 1
				}
			}
		}
	}
	return n
}

// numbered is a reference with its number.
type numbered struct {
	N    int
	Text Text
}

// ordered returns the entries of r by number.
func (r References) ordered(nums map[string]int) []numbered {
	out := make([]numbered, 0, len(r.Items))
	for _, it := range r.Items {
		out = append(out, numbered{nums[it.ID], it.Text})
	}
	slices.SortStableFunc(out, func(a, b numbered) int { return a.N - b.N })
	return out
}

func (r References) title() string {
	if t := clean(r.Title); t != "" {
		return t
	}
	return "References"
}

func (s Signature) closing() string {
	if c := clean(s.Closing); c != "" {
		return c
	}
	return "Sincerely,"
}

// display returns the text a run shows in every format.
func display(r Run, nums map[string]int) string {
	switch r.Kind {
	case RunCite:
		return "[" + strconv.Itoa(nums[r.Text]) + "]"
	case RunBlank:
		return BlankText(r.Text)
	}
	return clean(r.Text)
}

// flat returns t as one string, for text and for measuring.
func flat(t Text, nums map[string]int) string {
	if len(t) == 1 {
		return display(t[0], nums)
	}
	var b strings.Builder
	for _, r := range t {
		b.WriteString(display(r, nums))
	}
	return b.String()
}

// empty reports whether t shows nothing.
func empty(t Text) bool {
	for _, r := range t {
		if r.Kind == RunCite || r.Kind == RunBlank || strings.TrimSpace(r.Text) != "" {
			return false
		}
	}
	return true
}

// longDate formats a letter date as "March 3, 2026".
func longDate(d ketacover.Date) string {
	return d.Time().Format("January 2, 2006")
}

// dateText is the text of a DateLine: the date, or a blank.
func dateText(d ketacover.Date) Text {
	if d.IsZero() {
		return Text{Blank(dateLabel)}
	}
	return PlainText(longDate(d))
}

// contactFields are the letterhead's phone, fax and NPI as labelled fields,
// leaving out the ones that show nothing.
func (l Letterhead) contactFields() []Field {
	var out []Field
	for _, f := range []Field{{"Phone", l.Phone}, {"Fax", l.Fax}, {"NPI", l.NPI}} {
		if !empty(f.Value) {
			out = append(out, f)
		}
	}
	return out
}

// checklistHeader is the header of a criteria checklist in every format.
var checklistHeader = []string{"Status", "Criterion", "Facts in this case"}

// statusSymbol is the mark shown before a status word.
func statusSymbol(s Status) string {
	switch s {
	case StatusMet:
		return "✓"
	case StatusNotMet:
		return "✗"
	}
	return "?"
}

// fitColumns chooses column widths that sum to at most avail. Each column
// wants its natural width (its longest cell on one line) and needs at least
// its minimum (its longest word); when everything fits, the natural widths
// are used; otherwise each column gets its minimum plus a share of what is
// left in proportion to how much more it wants; when even the minimums do not
// fit they are scaled down and long words are broken.
func fitColumns(natural, minimum []float64, avail float64) []float64 {
	n := len(natural)
	w := make([]float64, n)
	var sumNat, sumMin float64
	for i := range n {
		minimum[i] = min(minimum[i], natural[i])
		sumNat += natural[i]
		sumMin += minimum[i]
	}
	switch {
	case sumNat <= avail:
		copy(w, natural)
	case sumMin >= avail:
		for i := range n {
			w[i] = minimum[i] * avail / sumMin
		}
	default:
		extra := avail - sumMin
		for i := range n {
			w[i] = minimum[i] + extra*(natural[i]-minimum[i])/(sumNat-sumMin)
		}
	}
	return w
}

// render runs fn into a buffer after validating d.
func (d *Doc) render(fn func(*bytes.Buffer, map[string]int) error) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := fn(&buf, d.cites()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
