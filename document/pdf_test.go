package document

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var pdfOut = flag.String("pdfout", "", "also write the sample PDF to this file, to look at")

// pdfText runs pdftotext (poppler-utils) on pdf and returns its text, pages
// separated by form feeds. -raw keeps the order the text was drawn in (cell
// by cell), where the default reading-order mode may merge table columns.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not found: install poppler-utils (apt-get install -y poppler-utils) to run the PDF tests")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-raw", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// squash collapses runs of white space, so that text wrapped across lines
// or table cells compares as one line.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestPDFSample(t *testing.T) {
	d := sampleDoc()
	pdf, err := d.PDF()
	if err != nil {
		t.Fatal(err)
	}
	if *pdfOut != "" {
		if err := os.WriteFile(*pdfOut, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw := pdfText(t, pdf)
	txt := squash(raw)

	want := []string{
		"Maple Street Psychiatry & Interventional Care",
		"NPI: 1234567893",
		"March 2, 2026",
		"Member ID: W123456789",
		"Reference: PA-2026-004417",
		"RE: Letter of medical necessity for esketamine nasal spray (Spravato) for treatment-resistant depression",
		"Medication trials",
		"aripiprazole (augmentation)",
		"Stopped for akathisia — not tolerated",
		"No response (PHQ-9 22 → 20)",
		"Sincerely,",
		"Alex R. Rivera, MD, Psychiatry",
		"It is not medical or legal advice",
		// the citations, numbered in order of first use
		"stable remission[1]", "intravenous ketamine[2]", "treatment-resistant depression[3]",
		"Page 1 of 3", "Page 2 of 3", "Page 3 of 3",
		"Jane Q. Example · Member ID W123456789 · Ref. PA-2026-004417",
		// a word longer than a line, broken rather than lost
		"urn:example:record:0001-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-01234 56789",
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Checklist:
			for _, c := range b.Items {
				want = append(want, flat(c.Text, nil), "("+c.Section+")", statusSymbol(c.Status)+" "+c.Status.String())
				for _, f := range c.Facts {
					want = append(want, flat(f, nil))
				}
			}
		case References:
			for _, r := range b.Items {
				want = append(want, flat(r.Text, nil))
			}
		}
	}
	for _, m := range d.Blanks() {
		want = append(want, BlankText(m.Label))
	}
	for _, w := range want {
		if !strings.Contains(txt, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	for _, n := range []string{"[1]", "[2]", "[3]"} {
		if c := strings.Count(txt, n); c != 2 {
			t.Errorf("%s appears %d times, want 2 (in the text and in the references)", n, c)
		}
	}
	if pages := strings.Count(raw, "\f"); pages != 3 {
		t.Errorf("%d pages, want 3", pages)
	}
	if t.Failed() {
		t.Logf("pdftotext output:\n%s", raw)
	}
}

// TestPDFDeterministic checks that the same document gives the same bytes,
// so that PDF output can be compared and cached.
func TestPDFDeterministic(t *testing.T) {
	a, err := sampleDoc().PDF()
	if err != nil {
		t.Fatal(err)
	}
	b, err := sampleDoc().PDF()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same document differ")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20260302")) {
		t.Error("creation date is not the letter's date")
	}
}

// TestPDFTableAcrossPages checks that a long table repeats its header row on
// every page it spans and loses no row, and that a row taller than a page is
// split between pages instead of running over the footer.
func TestPDFTableAcrossPages(t *testing.T) {
	var rows [][]Text
	for i := range 150 {
		rows = append(rows, []Text{PlainText(fmt.Sprintf("R%03d", i+1)), PlainText("99213"), PlainText("$150.00")})
	}
	tall := strings.TrimSpace(strings.Repeat("word ", 2500))
	rows = append(rows, []Text{PlainText("TALL"), PlainText(tall), PlainText("end-of-tall-row")})
	d := &Doc{Blocks: []Block{
		Heading{Level: 1, Text: "Services"},
		Table{Caption: "Line items", Header: []string{"Line", "CPT", "Charge"}, Rows: rows, Align: []Align{AlignLeft, AlignLeft, AlignRight}},
		Para(Plain("after the table")),
	}}
	pdf, err := d.PDF()
	if err != nil {
		t.Fatal(err)
	}
	raw := pdfText(t, pdf)
	pages := strings.Split(strings.TrimSuffix(raw, "\f"), "\f")
	if len(pages) < 5 {
		t.Fatalf("%d pages, want at least 5", len(pages))
	}
	for i, p := range pages {
		if !strings.Contains(p, "Charge") {
			t.Errorf("page %d lacks the repeated header row", i+1)
		}
		if !strings.Contains(p, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
			t.Errorf("page %d lacks its page number", i+1)
		}
	}
	txt := squash(raw)
	for i := range 150 {
		if r := fmt.Sprintf("R%03d", i+1); !strings.Contains(txt, r) {
			t.Errorf("row %s missing", r)
		}
	}
	if n := strings.Count(txt, "word"); n != 2500 {
		t.Errorf("the tall row shows %d of its 2500 words", n)
	}
	for _, w := range []string{"end-of-tall-row", "after the table", "$150.00"} {
		if !strings.Contains(txt, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

// TestPDFCharacters checks characters outside the Go fonts: dingbats come
// from ZapfDingbats, anything else is replaced rather than dropped silently
// or allowed to break the file.
func TestPDFCharacters(t *testing.T) {
	d := &Doc{Blocks: []Block{Para(Plain("check ✓ cross ✗ ≥ 2 — § 2590.715 “quoted” naïve Ελληνικά Кириллица emoji 😀 cjk 漢字 end"))}}
	pdf, err := d.PDF()
	if err != nil {
		t.Fatal(err)
	}
	txt := squash(pdfText(t, pdf))
	for _, w := range []string{"check ✓ cross ✗ ≥ 2 — § 2590.715 “quoted” naïve Ελληνικά Кириллица emoji", "end"} {
		if !strings.Contains(txt, w) {
			t.Errorf("PDF text lacks %q; got %q", w, txt)
		}
	}
	if strings.Contains(txt, "😀") || strings.Contains(txt, "漢") {
		t.Errorf("characters without a glyph were drawn: %q", txt)
	}
}

func TestPDFEmpty(t *testing.T) {
	pdf, err := (&Doc{}).PDF()
	if err != nil {
		t.Fatal(err)
	}
	if txt := squash(pdfText(t, pdf)); txt != "Page 1 of 1" {
		t.Errorf("empty document text = %q, want only the page number", txt)
	}
}

// TestLargeInput renders a document with kilobytes of text in every slot
// to all three formats: layout is linear in the text, so this takes well
// under a second, and the PDF grows to many pages without losing text.
func TestLargeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	s := strings.Repeat("é", 1000) + " " + strings.Repeat("ab cd ", 200)
	d := fuzzDoc(s, strings.Repeat(s, 3))
	for _, f := range []Format{FormatText, FormatHTML, FormatPDF} {
		var buf bytes.Buffer
		if err := d.Render(&buf, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
}

// TestConcurrentRender renders from several goroutines at once: the shared
// font metrics and templates must be safe for concurrent use (run with
// -race) and every rendering must give the same bytes.
func TestConcurrentRender(t *testing.T) {
	want, err := sampleDoc().PDF()
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			d := &Doc{Blocks: []Block{Para(Plain("Ελληνικά Кириллица ✓ naïve"))}}
			if _, err := d.PDF(); err != nil {
				errs <- err
				return
			}
			got, err := sampleDoc().PDF()
			if err == nil && !bytes.Equal(got, want) {
				err = fmt.Errorf("concurrent rendering differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
