package evidence

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
)

func mustDefault(t testing.TB) *Library {
	t.Helper()
	lib, err := Default()
	if err != nil {
		t.Fatalf("embedded library does not load:\n%v", err)
	}
	return lib
}

func mustFixture(t testing.TB) *Library {
	t.Helper()
	lib, err := Load(os.DirFS("testdata"), "lib")
	if err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	return lib
}

// The issue's rule: a library entry without DOI or PMID fails a test.
// Regulatory entries are the one exception, and must name their source.
func TestEveryEntryIsIdentified(t *testing.T) {
	lib := mustDefault(t)
	if len(lib.Entries()) == 0 {
		t.Fatal("embedded library is empty")
	}
	for _, e := range lib.Entries() {
		t.Run(e.ID, func(t *testing.T) {
			if e.Kind.Literature() {
				if e.DOI == "" && e.PMID == "" {
					t.Errorf("%s:%d: %s has neither DOI nor PMID", e.File, e.Line, e.ID)
				}
				if e.DOI != "" && !doiRE.MatchString(e.DOI) {
					t.Errorf("DOI %q malformed", e.DOI)
				}
				if e.PMID != "" && !pmidRE.MatchString(e.PMID) {
					t.Errorf("PMID %q malformed", e.PMID)
				}
			} else if e.Source == "" || (e.URL == "" && e.DOI == "" && e.PMCID == "" && !strings.Contains(e.Source, "payer-policies.md")) {
				t.Errorf("regulatory entry %s must name its source (and a URL, DOI or PMCID where one was seen)", e.ID)
			}
			if len(e.Claims) == 0 {
				t.Errorf("%s supports no claim", e.ID)
			}
		})
	}
}

// IV ketamine is not FDA-approved for depression: no claim may present it as
// on-label.
func TestNoClaimCallsIVKetamineOnLabel(t *testing.T) {
	lib := mustDefault(t)
	for _, m := range lib.Find(Query{Therapy: ketacover.TherapyKetamineIV, Topic: "on-label"}) {
		t.Errorf("%s presents IV ketamine as on-label", m.Claim.Ref(m.Entry))
	}
	if len(lib.Find(Query{Therapy: ketacover.TherapyKetamineIV, Topic: "off-label"})) == 0 {
		t.Error("the library should carry the fact that IV ketamine is off-label for depression")
	}
}

// Every denial class a letter argues on clinical grounds has something to
// cite for each therapy.
func TestClinicalDenialsHaveEvidence(t *testing.T) {
	lib := mustDefault(t)
	for _, th := range []ketacover.Therapy{ketacover.TherapyEsketamine, ketacover.TherapyKetamineIV} {
		for _, dc := range []string{"medical-necessity", "experimental-investigational"} {
			if len(lib.Find(Query{Therapy: th, DenialClass: dc})) == 0 {
				t.Errorf("no evidence for %s against a %s denial", th, dc)
			}
		}
	}
}

func TestFind(t *testing.T) {
	lib := mustFixture(t)
	refs := func(ms []Match) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Claim.Ref(m.Entry))
		}
		return out
	}
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"everything", Query{}, []string{"trial-iv#works", "trial-esk#relapse", "trial-esk#urgent", "reg-fact#approved"}},
		{"therapy", Query{Therapy: ketacover.TherapyKetamineIV}, []string{"trial-iv#works"}},
		{"indication", Query{Indication: ketacover.IndicationMDSI}, []string{"trial-esk#urgent", "reg-fact#approved"}},
		{"denial class", Query{DenialClass: "experimental-investigational"}, []string{"trial-iv#works", "reg-fact#approved"}},
		{"topic", Query{Topic: "relapse-prevention"}, []string{"trial-esk#relapse"}},
		{"combined", Query{Therapy: ketacover.TherapyEsketamine, DenialClass: "medical-necessity", Indication: ketacover.IndicationTRD}, []string{"trial-esk#relapse"}},
		{"none", Query{Topic: "no-such-topic"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, refs(lib.Find(tt.q))); diff != "" {
				t.Errorf("Find(%+v) (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

func TestEntryAndCite(t *testing.T) {
	lib := mustFixture(t)
	tests := []struct {
		id, want, code string
	}{
		{id: "trial-iv", want: "Alpha A, Beta B. An IV ketamine trial. J Test. 2001;1(2):3-4. doi:10.1000/iv.1"},
		{id: "trial-esk", want: "Gamma G, et al. An esketamine maintenance trial. J Test. 2002. PMID: 123"},
		{id: "reg-fact", want: "U.S. Food and Drug Administration. A regulatory fact. 2019-03-05. https://example.org/fact"},
		{id: "nope", code: ketacover.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := lib.Cite(tt.id)
			if c := ketacover.ErrorCode(err); c != tt.code {
				t.Fatalf("Cite(%q) error code %q (%v), want %q", tt.id, c, err, tt.code)
			}
			if got != tt.want {
				t.Errorf("Cite(%q)\n got %q\nwant %q", tt.id, got, tt.want)
			}
		})
	}
}

func TestCitationStyle(t *testing.T) {
	seven := []string{"A A", "B B", "C C", "D D", "E E", "F F", "G G"}
	tests := []struct {
		name string
		e    Entry
		want string
	}{
		{"more than six authors become three et al",
			Entry{Kind: KindTrial, Authors: seven, Title: "T", Journal: "J", Year: 2020, DOI: "10.1/x"},
			"A A, B B, C C, et al. T. J. 2020. doi:10.1/x"},
		{"title ending in a question mark keeps it",
			Entry{Kind: KindReview, Authors: []string{"A A"}, Title: "Does it work?", Journal: "J", Year: 2020, Volume: "3", PMID: "9"},
			"A A. Does it work? J. 2020;3. PMID: 9"},
		{"unconfirmed fields are left out",
			Entry{Kind: KindTrial, Authors: []string{"X Y"}, EtAl: true, Title: "T", Journal: "J", Year: 2013, Volume: "1", Pages: "2-3", PMID: "5", Unconfirmed: []string{"journal", "year", "authors"}},
			"T. PMID: 5"},
		{"unconfirmed pages only",
			Entry{Kind: KindTrial, Authors: []string{"X Y"}, Title: "T", Journal: "J", Year: 2013, Volume: "1", Issue: "4", Pages: "2-3", DOI: "10.1/y", Unconfirmed: []string{"pages"}},
			"X Y. T. J. 2013;1(4). doi:10.1/y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Citation(); got != tt.want {
				t.Errorf("Citation()\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Verify is what the letters code calls: a document may cite only library
// entries (or their claims).
func TestVerify(t *testing.T) {
	lib := mustFixture(t)
	tests := []struct {
		name string
		ids  []string
		bad  string // substring of the error, "" for success
	}{
		{"none", nil, ""},
		{"entries", []string{"trial-iv", "reg-fact"}, ""},
		{"claim", []string{"trial-esk#relapse"}, ""},
		{"unknown entry", []string{"trial-iv", "made-up-2024"}, `"made-up-2024"`},
		{"unknown claim", []string{"trial-esk#nope"}, `"trial-esk#nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := lib.Verify(tt.ids...)
			if tt.bad == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), tt.bad) {
				t.Fatalf("Verify error = %v, want EINVALID naming %s", err, tt.bad)
			}
		})
	}
}

const good = `entries:
  - id: x-2020
    kind: trial
    authors: [A A]
    title: T
    journal: J
    year: 2020
    doi: 10.1000/abc
    source: s
    claims:
      - id: c
        text: t
        therapies: [esketamine]
        denial_classes: [medical-necessity]
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", strings.Replace(good, "    source: s\n", "    source: s\n    colour: red\n", 1), `f.yaml:10: unknown field "colour"`},
		{"unknown claim field", strings.Replace(good, "        text: t\n", "        text: t\n        strength: high\n", 1), `f.yaml:13: unknown field "strength"`},
		{"no doi or pmid", strings.Replace(good, "    doi: 10.1000/abc\n", "", 1), "f.yaml:2: entry \"x-2020\": a trial needs a doi or a pmid"},
		{"malformed doi", strings.Replace(good, "10.1000/abc", "doi:10.1000/abc", 1), `f.yaml:8: entry "x-2020": doi "doi:10.1000/abc" is malformed`},
		{"doi url", strings.Replace(good, "10.1000/abc", "https://doi.org/10.1000/abc", 1), `f.yaml:8: entry "x-2020": doi "https://doi.org/10.1000/abc" is malformed`},
		{"malformed pmid", strings.Replace(good, "    doi: 10.1000/abc\n", "    pmid: PMID123\n", 1), `f.yaml:8: entry "x-2020": pmid "PMID123" is malformed`},
		{"duplicate id", good + strings.TrimPrefix(good, "entries:\n"), `f.yaml:15: duplicate id "x-2020" (first at line 2)`},
		{"bad therapy", strings.Replace(good, "[esketamine]", "[ketamine-oral]", 1), `f.yaml:13: entry "x-2020" claim "c": unknown therapy "ketamine-oral"`},
		{"bad denial class", strings.Replace(good, "[medical-necessity]", "[because]", 1), `f.yaml:14: entry "x-2020" claim "c": unknown denial class "because"`},
		{"no claims", good[:strings.Index(good, "    claims:")], `f.yaml:2: entry "x-2020": claims is missing`},
		{"no source", strings.Replace(good, "    source: s\n", "", 1), `f.yaml:2: entry "x-2020": source is missing`},
		{"bad kind", strings.Replace(good, "kind: trial", "kind: blog", 1), `f.yaml:3: entry "x-2020": unknown kind "blog"`},
		{"bad id", strings.Replace(good, "x-2020", "X 2020", 1), `f.yaml:2: entry "X 2020": id must be a lower-case slug`},
		{"wrong type", strings.Replace(good, "year: 2020", "year: twenty", 1), `f.yaml:7: cannot unmarshal`},
		{"empty", "", "f.yaml: empty file"},
		{"no entries", "entries: []\n", "f.yaml:1: no entries"},
		{"syntax", "entries: [\n", "f.yaml:"},
		{"two documents", good + "---\n" + good, "more than one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.want)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("error code %q, want %q", ketacover.ErrorCode(err), ketacover.EINVALID)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n%v\nwant it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Parse("f.yaml", []byte(good)); err != nil {
		t.Fatalf("good file: %v", err)
	}
}

func TestLoadDuplicateAcrossFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"d/a.yaml": {Data: []byte(good)},
		"d/b.yaml": {Data: []byte(good)},
	}
	_, err := Load(fsys, "d")
	want := `d/b.yaml:2: duplicate id "x-2020" (first at d/a.yaml:2)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Load error = %v, want %q", err, want)
	}
	if _, err := Load(fstest.MapFS{}, "d"); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Fatalf("empty dir: error %v, want EINVALID", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("entries:\n  - id: [\n"))
	f.Add([]byte("entries:\n  - claims:\n      - therapies: {a: b}\n"))
	for _, name := range []string{"data/studies.yaml", "data/regulatory.yaml"} {
		if b, err := dataFS.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse("fuzz.yaml", data)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error code %q for %v", ketacover.ErrorCode(err), err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, e := range entries {
			if e.Kind.Literature() && e.DOI == "" && e.PMID == "" {
				t.Fatalf("accepted %s without DOI or PMID", e.ID)
			}
			_ = e.Citation()
		}
	})
}

func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Load(dataFS, "data"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind(b *testing.B) {
	lib := mustDefault(b)
	q := Query{Therapy: ketacover.TherapyEsketamine, DenialClass: "medical-necessity"}
	for b.Loop() {
		_ = lib.Find(q)
	}
}

func BenchmarkCiteAll(b *testing.B) {
	lib := mustDefault(b)
	es := lib.Entries()
	for b.Loop() {
		for _, e := range es {
			_ = e.Citation()
		}
	}
}
