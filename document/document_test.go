package document

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -run %s -update to create it): %v", t.Name(), err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got); rerun with -update if the change is intended:\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		render func(*Doc) ([]byte, error)
	}{
		{"letter.txt", (*Doc).Text},
		{"letter.html", (*Doc).HTML},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.render(sampleDoc())
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, got)
		})
	}
}

func TestBlanks(t *testing.T) {
	if diff := cmp.Diff(sampleBlanks, sampleDoc().Blanks()); diff != "" {
		t.Errorf("Blanks() (-want +got):\n%s", diff)
	}
}

// TestBlanksRendered checks that every blank Blanks reports is visible, as
// many times as it occurs: whole in HTML, and in text, where a narrow table
// column may break a long blank across lines, by its closing marker.
func TestBlanksRendered(t *testing.T) {
	d := sampleDoc()
	want := map[string]int{}
	for _, m := range d.Blanks() {
		want[BlankText(m.Label)]++
	}
	html, err := d.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for marker, n := range want {
		if got := strings.Count(string(html), marker); got != n {
			t.Errorf("HTML: %q appears %d times, want %d", marker, got, n)
		}
	}
	txt, err := d.Text()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(string(txt), "missing]"), len(d.Blanks()); got != want {
		t.Errorf("text: %d blanks shown, want %d", got, want)
	}
	// Outside tables a blank is never broken.
	for _, label := range []string{"clinic fax number", "group number", "MADRS score and date", "therapist name", "prescriber NPI"} {
		if !strings.Contains(string(txt), BlankText(label)) {
			t.Errorf("text: %q not shown whole", BlankText(label))
		}
	}
}

func TestBlanksNil(t *testing.T) {
	var d *Doc
	if b := d.Blanks(); b != nil {
		t.Errorf("nil Doc: Blanks() = %v, want nil", b)
	}
	if b := (&Doc{Blocks: []Block{Para(Plain("complete"))}}).Blanks(); b != nil {
		t.Errorf("complete Doc: Blanks() = %v, want nil", b)
	}
}

func TestBlanksZeroDate(t *testing.T) {
	d := &Doc{Blocks: []Block{DateLine{}, Para(Plain("x"))}}
	want := []Missing{{dateLabel, "date line (block 1)"}}
	if diff := cmp.Diff(want, d.Blanks()); diff != "" {
		t.Errorf("Blanks() (-want +got):\n%s", diff)
	}
	txt, err := d.Text()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(txt), "[date of letter — missing]") {
		t.Errorf("text output lacks the date blank:\n%s", txt)
	}
}

func TestFact(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  Run
	}{
		{"200 mg", Plain("200 mg")},
		{"", Blank("dose")},
		{" \t ", Blank("dose")},
	} {
		if got := Fact(tc.value, "dose"); got != tc.want {
			t.Errorf("Fact(%q) = %+v, want %+v", tc.value, got, tc.want)
		}
	}
}

func TestCitationNumbering(t *testing.T) {
	d := &Doc{Blocks: []Block{
		Para(Plain("b first"), Cite("b"), Plain(" then a"), Cite("a"), Plain(" then b again"), Cite("b")),
		References{Items: []Reference{
			{ID: "a", Text: PlainText("Work A.")},
			{ID: "c", Text: PlainText("Work C, never cited.")},
			{ID: "b", Text: PlainText("Work B.")},
		}},
	}}
	got, err := d.Text()
	if err != nil {
		t.Fatal(err)
	}
	want := "b first[1] then a[2] then b again[1]\n\nReferences\n----------\n[1] Work B.\n[2] Work A.\n[3] Work C, never cited.\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	refs := References{Items: []Reference{{ID: "a", Text: PlainText("A.")}}}
	for _, tc := range []struct {
		name string
		doc  *Doc
		want string // substring of the error; "" for valid
	}{
		{"sample", sampleDoc(), ""},
		{"nil doc", nil, "nil document"},
		{"nil block", &Doc{Blocks: []Block{nil}}, "block 1: nil block"},
		{"heading level", &Doc{Blocks: []Block{Heading{Level: 4, Text: "x"}}}, "heading level 4"},
		{"short row", &Doc{Blocks: []Block{Table{Caption: "T", Header: []string{"a", "b"}, Rows: [][]Text{{PlainText("1")}}}}}, `table "T" row 1 has 1 cells, want 2`},
		{"no header", &Doc{Blocks: []Block{Table{}}}, "has no header"},
		{"too many aligns", &Doc{Blocks: []Block{Table{Header: []string{"a"}, Align: []Align{AlignLeft, AlignRight}}}}, "2 alignments for 1 columns"},
		{"unknown cite", &Doc{Blocks: []Block{Para(Cite("zz")), refs}}, `paragraph (block 1): citation "zz" has no entry`},
		{"cite without references", &Doc{Blocks: []Block{Para(Cite("a"))}}, `citation "a" has no entry`},
		{"duplicate reference", &Doc{Blocks: []Block{References{Items: []Reference{{ID: "a"}, {ID: "a"}}}}}, `duplicate reference ID "a"`},
		{"empty reference ID", &Doc{Blocks: []Block{References{Items: []Reference{{ID: " "}}}}}, "empty ID"},
		{"unlabelled blank", &Doc{Blocks: []Block{Heading{Level: 1, Text: "H"}, Para(Blank(" "))}}, `paragraph (under "H"): blank without a label`},
		{"bad run kind", &Doc{Blocks: []Block{Para(Run{Kind: 9})}}, "unknown run kind 9"},
		{"bad status", &Doc{Blocks: []Block{Checklist{Items: []Criterion{{Status: 7}}}}}, "criterion 1 has invalid status 7"},
		{"foreign block", &Doc{Blocks: []Block{foreign{}}}, "unknown block type document.foreign"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.doc.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
			if code := ketacover.ErrorCode(err); code != ketacover.EINVALID {
				t.Errorf("error code %q, want %q", code, ketacover.EINVALID)
			}
			// Every renderer refuses the document and writes nothing.
			for _, f := range []Format{FormatText, FormatHTML, FormatPDF} {
				var buf bytes.Buffer
				if err := tc.doc.Render(&buf, f); err == nil || buf.Len() != 0 {
					t.Errorf("Render(%s) = %v with %d bytes written, want an error and nothing written", f, err, buf.Len())
				}
			}
		})
	}
}

// foreign is a Block from outside the closed set, as another package in this
// module could write by embedding one of ours.
type foreign struct{ Paragraph }

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		err  bool
	}{
		{"pdf", FormatPDF, false},
		{"HTML", FormatHTML, false},
		{"txt", FormatText, false},
		{"text", FormatText, false},
		{"docx", "", true},
	} {
		got, err := ParseFormat(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	var buf bytes.Buffer
	err := sampleDoc().Render(&buf, "docx")
	var e *ketacover.Error
	if !errors.As(err, &e) || e.Code != ketacover.EINVALID {
		t.Errorf("Render(docx) = %v, want an EINVALID error", err)
	}
}

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"tab\there", "tab here"},
		{"line\r\nbreak", "line  break"},
		{"bell\x07 and esc\x1b[31m", "bell and esc[31m"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"rtl \u202eoverride", "rtl override"},
		{"em — dash ≥ 2 ✓", "em — dash ≥ 2 ✓"},
	} {
		if got := clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWrapIndent(t *testing.T) {
	for _, tc := range []struct {
		name        string
		s           string
		first, rest string
		width       int
		want        []string
	}{
		{"fits", "a b c", "", "", 10, []string{"a b c"}},
		{"wraps", "aaa bbb ccc", "", "", 7, []string{"aaa bbb", "ccc"}},
		{"hanging", "aaa bbb ccc", "- ", "  ", 7, []string{"- aaa", "  bbb", "  ccc"}},
		{"long word", "abcdefghij", "", "", 4, []string{"abcd", "efgh", "ij"}},
		{"long word after text", "x abcdefghij", "", "", 4, []string{"x", "abcd", "efgh", "ij"}},
		{"runes not bytes", "ééé ééé", "", "", 3, []string{"ééé", "ééé"}},
		{"empty", "   ", "> ", "", 5, []string{"> "}},
		{"glue keeps together", "ab c" + glue + "d", "", "", 4, []string{"ab", "c" + glue + "d"}},
		{"glue too long comes apart", "ab" + glue + "cd" + glue + "ef", "", "", 4, []string{"ab", "cd", "ef"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, wrapIndent(tc.s, tc.first, tc.rest, tc.width)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestTextWidth checks the promise of the text format: no line of the
// sample is wider than TextWidth.
func TestTextWidth(t *testing.T) {
	b, err := sampleDoc().Text()
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if n := len([]rune(l)); n > TextWidth {
			t.Errorf("line %d has %d columns: %q", i+1, n, l)
		}
	}
}
