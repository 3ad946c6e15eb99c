package letter

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/document"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// testCase is one fictional case of testdata/cases with its denial record
// and the dates its documents are written on.
type testCase struct {
	name string
	// written is the date of the letters written before treatment (LMN,
	// packet, GFE, peer-to-peer); billed the date of the superbill, after
	// the sessions.
	written, billed ketacover.Date
}

// testCases are the golden-file cases: one that meets the payer's criteria,
// one that partly meets them (facts missing), one denied as not medically
// necessary, and IV ketamine under a policy that calls it investigational.
var testCases = []testCase{
	{"met", ketacover.MustDate("2026-11-27"), ketacover.MustDate("2027-01-15")},
	{"partly", ketacover.MustDate("2026-12-03"), ketacover.MustDate("2027-01-20")},
	{"denied", ketacover.MustDate("2026-11-20"), ketacover.MustDate("2027-01-29")},
	{"ketamine-iv", ketacover.MustDate("2026-11-30"), ketacover.MustDate("2027-01-08")},
}

var (
	libOnce sync.Once
	polLib  *policy.Library
	libErr  error
	writer  *Writer
)

// mustWriter returns the default Writer and the policy library, loaded
// once for all tests.
func mustWriter(tb testing.TB) (*Writer, *policy.Library) {
	tb.Helper()
	libOnce.Do(func() {
		polLib, libErr = policy.Load(policies.FS)
		if libErr == nil {
			writer, libErr = Default()
		}
	})
	if libErr != nil {
		tb.Fatal(libErr)
	}
	return writer, polLib
}

// mustInput loads a case file and judges it on its start date.
func mustInput(tb testing.TB, path string) Input {
	tb.Helper()
	_, lib := mustWriter(tb)
	c, err := casefile.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	asOf := ketacover.MustDate("2026-12-01")
	if c.Therapy.StartDate != nil {
		asOf = *c.Therapy.StartDate
	}
	f, err := policy.NewFacts(c, asOf)
	if err != nil {
		tb.Fatal(err)
	}
	ds := lib.Check(f, "")
	in := Input{Case: c, Determination: &ds[0]}
	if p, err := lib.Policy(ds[0].Policy.ID); err == nil {
		if v, ok := p.Version(asOf); ok {
			in.PolicyCodes = v.Codes
		}
	}
	return in
}

// mustDenial reads a denial record.
func mustDenial(tb testing.TB, path string) *Denial {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := ParseDenial(path, data)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// variant is one document of a case: its kind and options.
type variant struct {
	name      string
	kind      Kind
	level     int
	expedited bool
	decision  bool // answer the plan's first-level decision rather than the initial denial
}

var variants = []variant{
	{name: "lmn", kind: KindLMN},
	{name: "pa-packet", kind: KindPAPacket},
	{name: "appeal", kind: KindAppeal, level: 1},
	{name: "appeal-expedited", kind: KindAppeal, level: 1, expedited: true},
	{name: "appeal-level2", kind: KindAppeal, level: 2, decision: true},
	{name: "external-review", kind: KindExternalReview, decision: true},
	{name: "external-review-expedited", kind: KindExternalReview, expedited: true},
	{name: "p2p", kind: KindP2P},
	{name: "superbill", kind: KindSuperbill},
	{name: "gfe", kind: KindGFE},
}

// input returns the input of variant v for case tc.
func (tc testCase) input(tb testing.TB, v variant) Input {
	tb.Helper()
	in := mustInput(tb, filepath.Join("testdata", "cases", tc.name+".yaml"))
	den := mustDenial(tb, filepath.Join("testdata", "denials", tc.name+".yaml"))
	if v.decision {
		// The plan's decision upholding the denial on first-level appeal:
		// the fixture's denial four weeks later, at level 1.
		d := *den
		d.Level = 1
		d.Date = den.Date.AddDays(28)
		d.Received = nil
		if d.Reference == "" {
			d.Reference = "APL-" + strings.ToUpper(tc.name) + "-1"
		} else {
			d.Reference += "-A1"
		}
		den = &d
	}
	in.Level, in.Expedited = v.level, v.expedited
	switch v.kind {
	case KindAppeal, KindExternalReview:
		in.Denial = den
		in.Date = den.Date.AddDays(5)
	case KindP2P:
		in.Denial = den
		in.Date = den.Date.AddDays(2)
	case KindSuperbill:
		in.Date = tc.billed
	default:
		in.Date = tc.written
	}
	return in
}

// TestGolden renders every kind of document for every test case as text
// and HTML and compares it with testdata/golden/CASE/VARIANT.{txt,html}.
// Run with -update to rewrite them after reading the differences.
func TestGolden(t *testing.T) {
	w, _ := mustWriter(t)
	for _, tc := range testCases {
		for _, v := range variants {
			t.Run(tc.name+"/"+v.name, func(t *testing.T) {
				doc, err := w.Build(v.kind, tc.input(t, v))
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range []document.Format{document.FormatText, document.FormatHTML} {
					var buf bytes.Buffer
					if err := doc.Render(&buf, f); err != nil {
						t.Fatal(err)
					}
					golden(t, filepath.Join("testdata", "golden", tc.name, v.name+"."+string(f)), buf.Bytes())
				}
			})
		}
	}
}

// golden compares got with the file at path, or writes it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
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
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// flat is a document's text with every run of white space made one space,
// so that phrases can be found across line breaks.
func flat(t testing.TB, doc *document.Doc) string {
	t.Helper()
	b, err := doc.Text()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

var space = regexp.MustCompile(`\s+`)

func squash(s string) string { return strings.TrimSpace(space.ReplaceAllString(s, " ")) }
