package letter

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/document"
)

// pdfText renders doc as PDF and extracts its text with poppler's
// pdftotext, as a payer's intake would read it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; apt-get install -y poppler-utils to run the PDF tests")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, stderr bytes.Buffer
	// -raw keeps the content stream's order, in which the renderer writes a
	// table cell's lines together; the default reading order interleaves
	// the lines of neighbouring cells.
	cmd := exec.CommandContext(ctx, bin, "-raw", "-enc", "UTF-8", "-q", path, "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return out.String()
}

// normPDF joins a PDF's extracted text into one line of single spaces,
// undoing the line breaks (and the hyphen-free word breaks) of the layout.
func normPDF(s string) string {
	s = strings.NewReplacer("\u00ad", "", "\f", " ").Replace(s)
	return squash(s)
}

// TestPDFKeyFacts renders the letter of medical necessity, the packet, the
// appeal and the external review request of every test case as PDF and
// checks, in pdftotext's output, the member ID, every criterion of the
// policy, every citation (by DOI or PMID) and, for the appeals, the filing
// deadline.
func TestPDFKeyFacts(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; apt-get install -y poppler-utils to run the PDF tests")
	}
	w, _ := mustWriter(t)
	for _, tc := range testCases {
		for _, v := range variants {
			// The expedited variants add a paragraph to the same letters,
			// so they are left to the text tests.
			switch {
			case v.expedited:
				continue
			case v.kind == KindLMN, v.kind == KindPAPacket, v.kind == KindAppeal, v.kind == KindExternalReview:
			default:
				continue
			}
			in := tc.input(t, v)
			t.Run(tc.name+"/"+v.name, func(t *testing.T) {
				// Most of the time is pdftotext, another process: run the
				// documents side by side.
				t.Parallel()
				b := w.newBuilder(v.kind, in)
				doc, err := w.Build(v.kind, in)
				if err != nil {
					t.Fatal(err)
				}
				pdf, err := doc.PDF()
				if err != nil {
					t.Fatal(err)
				}
				got := normPDF(pdfText(t, pdf))
				compact := strings.ReplaceAll(got, " ", "")
				has := func(what, s string) {
					t.Helper()
					// A long word may be split across lines, so compare
					// without spaces as well.
					if !strings.Contains(got, squash(s)) && !strings.Contains(compact, strings.ReplaceAll(s, " ", "")) {
						t.Errorf("PDF lacks %s %q", what, s)
					}
				}
				has("member ID", in.Case.Plan.MemberID)
				// An appeal shows the criteria when it argues them (a denial
				// for medical necessity, or a request for retroactive
				// authorization); the LMN and the packet always do.
				if hasChecklist(doc) || v.kind == KindLMN || v.kind == KindPAPacket {
					for _, l := range Leaves(in.Determination) {
						has("criterion", strings.TrimSuffix(l.Text, "."))
					}
				}
				for _, id := range cites(doc) {
					e, err := w.ev.Entry(id)
					if err != nil {
						t.Fatal(err)
					}
					switch {
					case e.DOI != "":
						has("DOI of "+id, e.DOI)
					case e.PMID != "":
						has("PMID of "+id, e.PMID)
					default:
						has("title of "+id, e.Title)
					}
				}
				if v.kind == KindAppeal || v.kind == KindExternalReview {
					step := deadline.StepExternalFiling
					if v.kind == KindAppeal {
						step = deadline.StepAppealFiling
						if v.level == 2 {
							step = deadline.StepAppeal2Filing
						}
					}
					win := b.window(step)
					if win.err != nil {
						has("statement that the deadline could not be computed", "could not be computed")
					}
					for _, d := range win.dues {
						has("filing deadline", long(d.Date))
						has("deadline citation", d.Citation)
					}
				}
			})
		}
	}
}

// hasChecklist reports whether doc shows a criteria checklist.
func hasChecklist(doc *document.Doc) bool {
	for _, b := range doc.Blocks {
		if _, ok := b.(document.Checklist); ok {
			return true
		}
	}
	return false
}
