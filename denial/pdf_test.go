package denial_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover/denial"
)

// writePDF writes text as a minimal PDF (Helvetica, wrapped lines, as many
// pages as needed), so the test needs no PDF library and no committed
// binary file.
func writePDF(t *testing.T, path, text string) {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		for len(l) > 110 {
			cut := strings.LastIndex(l[:110], " ")
			if cut <= 0 {
				cut = 110
			}
			lines = append(lines, l[:cut])
			l = strings.TrimLeft(l[cut:], " ")
		}
		lines = append(lines, l)
	}
	const perPage = 80
	var pages [][]string
	for len(lines) > 0 {
		n := min(perPage, len(lines))
		pages = append(pages, lines[:n])
		lines = lines[n:]
	}
	var objs []string
	kids := ""
	for i := range pages {
		kids += fmt.Sprintf("%d 0 R ", 4+2*i)
	}
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>", fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, len(pages)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i, p := range pages {
		var c strings.Builder
		c.WriteString("BT /F1 7 Tf 8.5 TL 36 760 Td\n")
		for _, l := range p {
			r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
			fmt.Fprintf(&c, "(%s) Tj T*\n", r.Replace(l))
		}
		c.WriteString("ET")
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", c.Len(), c.String()))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func needPDFTool(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; PDF letters are read with it (apt-get install poppler-utils)")
	}
}

// A letter read from a PDF gives the same findings as its text.
func TestLetterFromPDF(t *testing.T) {
	needPDFTool(t)
	for _, name := range []string{"01-commercial-erisa-medical-necessity.txt", "04-ma-ndmc-medical-necessity-fast.txt", "22-prior-auth-exceeded-with-distractor-clocks.txt"} {
		t.Run(name, func(t *testing.T) {
			text := readFixture(t, name)
			pdf := filepath.Join(t.TempDir(), "letter.pdf")
			writePDF(t, pdf, text)
			got, err := denial.LetterText(context.Background(), pdf)
			if err != nil {
				t.Fatal(err)
			}
			fromPDF, fromText := denial.ReadLetter(got), denial.ReadLetter(text)
			type key struct {
				Classes   []denial.Class
				Notice    string
				Members   []string
				Refs      []string
				Deadline  string
				Expedited string
			}
			k := func(l denial.Letter) key {
				return key{l.Classes, l.NoticeDate.String(), values(l.Members), values(l.References), deadlineString(l.AppealDeadline), l.Expedited.Status}
			}
			if diff := cmp.Diff(k(fromText), k(fromPDF)); diff != "" {
				t.Errorf("PDF reading differs from text reading (-text +pdf):\n%s", diff)
			}
		})
	}
}

func TestLetterTextPlain(t *testing.T) {
	path := filepath.Join("testdata", "letters", "14-duplicate-claim.txt")
	got, err := denial.LetterText(context.Background(), path)
	if err != nil || !strings.Contains(got, "duplicate of claim PH26229000877") {
		t.Fatalf("LetterText = %.40q, %v", got, err)
	}
	if _, err := denial.LetterText(context.Background(), "testdata/nope.txt"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestLetterTextBadPDF(t *testing.T) {
	needPDFTool(t)
	path := filepath.Join(t.TempDir(), "broken.pdf")
	if err := os.WriteFile(path, []byte("%PDF-1.4\nthis is not a PDF body"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := denial.LetterText(context.Background(), path); err == nil || !strings.Contains(err.Error(), "pdftotext") {
		t.Errorf("error %v, want one naming pdftotext", err)
	}
}
