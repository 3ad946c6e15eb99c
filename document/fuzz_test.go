package document

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ketacover/ketacover"
)

// fuzzDoc puts s, and long (a long word), in every kind of text slot.
func fuzzDoc(s, long string) *Doc {
	t := Text{Plain(s), Emph(long), Strong(s), Cite("ref"), Blank(s + "x"), Fact(s, "fact")}
	return &Doc{
		Title: s, Author: s, Lang: s, Running: s + long,
		Blocks: []Block{
			Letterhead{Name: t, Address: []Text{t, PlainText(long)}, Phone: PlainText(s), Fax: t, NPI: PlainText(long)},
			DateLine{Date: ketacover.NewDate(2026, 1, 2)},
			Recipient{Lines: []Text{t, t}},
			Subject{Text: t, Fields: []Field{{s, t}, {long, PlainText(long)}}},
			Heading{Level: 1, Text: s + long},
			Para(t...),
			List{Items: []Text{t, PlainText(long)}},
			List{Ordered: true, Items: []Text{t}},
			Table{Caption: s, Header: []string{s, long, "Amount"}, Align: []Align{AlignLeft, AlignLeft, AlignRight},
				Rows: [][]Text{{t, PlainText(long), PlainText(s)}, {PlainText(s), t, t}}},
			Checklist{Caption: long, Items: []Criterion{{Status: StatusMet, Text: t, Section: s, Facts: []Text{t, PlainText(long)}}, {Status: StatusUnknown, Text: PlainText(long)}}},
			PageBreak{},
			References{Title: s, Items: []Reference{{ID: "ref", Text: t}, {ID: s + "other", Text: PlainText(long)}}},
			Signature{Closing: s, Name: t, Credentials: PlainText(long), NPI: t},
			FooterNote{Text: t},
		},
	}
}

// FuzzRender feeds arbitrary text, control characters and very long words
// into every block and checks that the three renderers succeed without
// panicking, that the text stays within TextWidth and free of control
// characters, and that HTML and PDF are well formed at the edges.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"", "plain words", "tab\tnew\nline\r\x00nul\x1b[31mred", "\xff\xfe invalid utf-8",
		"≥ — ✓ ✗ § “quotes” naïve", "<script>alert(1)</script> & \"q\" 'a'", "😀 漢字 \u202e rtl",
		"(parens) \\backslash) (", strings.Repeat("x", 300), "\u00a0nbsp\u00a0glue",
	} {
		f.Add(s, uint16(3))
	}
	f.Fuzz(func(t *testing.T, s string, repeat uint16) {
		// Long words, but not so long that one input takes seconds: the
		// layout is linear (TestLargeInput), size alone finds nothing new,
		// and a whole PDF is slow enough that every execution counts.
		if len(s) > 512 {
			s = s[:512]
		}
		long := strings.Repeat(s, int(repeat%64))
		if len(long) > 2000 {
			long = long[:2000]
		}
		d := fuzzDoc(s, long)
		if err := d.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
		txt, err := d.Text()
		if err != nil {
			t.Fatalf("Text: %v", err)
		}
		if !utf8.Valid(txt) {
			t.Fatal("text output is not valid UTF-8")
		}
		for i, l := range strings.Split(string(txt), "\n") {
			if n := utf8.RuneCountInString(l); n > TextWidth {
				t.Fatalf("text line %d has %d columns: %q", i+1, n, l)
			}
			for _, r := range l {
				if r < 0x20 && r != '\f' || r == 0x7f {
					t.Fatalf("text line %d holds control character %U", i+1, r)
				}
			}
		}
		html, err := d.HTML()
		if err != nil {
			t.Fatalf("HTML: %v", err)
		}
		if !utf8.Valid(html) || !bytes.HasSuffix(html, []byte("</html>\n")) || bytes.Contains(html, []byte("<script")) {
			t.Fatalf("malformed HTML:\n%s", html)
		}
		pdf, err := d.PDF()
		if err != nil {
			t.Fatalf("PDF: %v", err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
			t.Fatal("malformed PDF")
		}
	})
}

// FuzzWrap checks the two line breakers on their own, fast enough to run
// millions of inputs: no line is wider than asked (unless it holds a single
// character that is wider by itself), and no character is lost or invented.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"", "a b c", "abcdefghij klm", "[dose of sertraline — missing]" + glue + "x", "é ✓ ≥ 😀 \x00 \t\n", strings.Repeat("w", 200)} {
		f.Add(s, uint8(7))
	}
	m := loadMetrics()
	f.Fuzz(func(t *testing.T, s string, width uint8) {
		s = clean(s)
		nonSpace := func(x string) int { return utf8.RuneCountInString(strings.NewReplacer(" ", "", glue, "").Replace(x)) }

		// Text: widths in columns.
		w := int(width%100) + 1
		lines := wrapIndent(s, "", "", w)
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > w {
				t.Fatalf("text line %q has %d columns, want at most %d", l, n, w)
			}
		}
		if got, want := nonSpace(strings.Join(lines, "")), nonSpace(s); got != want {
			t.Fatalf("text wrap kept %d of %d characters: %q", got, want, lines)
		}

		// PDF: widths in millimetres; characters without a glyph are
		// replaced one for one.
		mm := float64(width%200)/4 + 0.5
		in := newInline(m, sizeBody, 0)
		in.add(s, 0, false)
		ws := in.done()
		count := 0
		for _, l := range m.wrapWords(ws, mm, m.spaceWidth(sizeBody)) {
			chars := 0
			for _, wd := range l {
				for _, p := range wd.pieces {
					chars += utf8.RuneCountInString(p.text)
				}
			}
			count += chars
			if lw := lineWidth(l, m.spaceWidth(sizeBody)); lw > mm+1e-9 && chars > 1 {
				t.Fatalf("PDF line of %d characters is %.3f mm wide, want at most %.3f", chars, lw, mm)
			}
		}
		if want := utf8.RuneCountInString(strings.ReplaceAll(s, " ", "")); count != want {
			t.Fatalf("PDF wrap kept %d of %d characters", count, want)
		}
	})
}
