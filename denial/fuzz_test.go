package denial_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ketacover/ketacover/denial"
)

// FuzzReadLetter checks that the letter reader never panics and that every
// finding it makes carries a sentence and a rule.
func FuzzReadLetter(f *testing.F) {
	// Seed with the fixture letters cut into paragraphs: small inputs keep
	// the fuzzer fast (a new interesting input is minimised by running it
	// many times) and still reach every rule.
	files, _ := filepath.Glob(filepath.Join("testdata", "letters", "*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, para := range strings.Split(string(b), "\n\n") {
			f.Add(para)
		}
	}
	f.Add("Date: 02/30/2026\nReason: CO-16 remark MA130 N350\nYou have sixty (60) days from the date of this notice.")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 8192 {
			text = text[:8192] // longer inputs only add sentences; keep executions fast
		}
		l := denial.ReadLetter(text)
		for _, fs := range [][]denial.Finding{l.Reasons, l.Policies, l.Dates, l.Members, l.References, l.Codes, l.Regimes, l.Services, l.Expedited.Findings} {
			for _, x := range fs {
				if x.Sentence == "" || x.Rule == "" || x.Line < 1 {
					t.Fatalf("finding without its sentence, line or rule: %+v", x)
				}
				if utf8.ValidString(text) && !utf8.ValidString(x.Sentence) {
					t.Fatalf("invalid UTF-8 sentence from valid input: %q", x.Sentence)
				}
			}
		}
		if l.AppealDeadline != nil && l.AppealDeadline.Amount == 0 && l.AppealDeadline.By.IsZero() {
			t.Fatalf("deadline with neither an amount nor a date: %+v", l.AppealDeadline)
		}
	})
}

// FuzzClassify checks that any codes classify without panic and that the
// result is consistent: a denial has a class, an unknown code asks for review.
func FuzzClassify(f *testing.F) {
	f.Add("CO", "50", "N115")
	f.Add("PR", "1", "")
	f.Add("CR", "A1", "N623")
	f.Fuzz(func(t *testing.T, group, carc, rarc string) {
		r := denial.Classify(group, carc, []string{rarc})
		if r.Denial && r.Class == "" {
			t.Fatalf("denial without a class: %+v", r)
		}
		if r.Action == "" || r.Reason == "" {
			t.Fatalf("no action or reason: %+v", r)
		}
	})
}
