// Package evidence is the curated library of clinical studies, guidelines and
// regulatory facts that ketacover's letters may cite, with the claims each one
// supports.
package evidence

import (
	"embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ketacover/ketacover"
)

// Kind says what sort of source an entry is. Literature (trial, review,
// guideline) must carry a DOI or PMID; a regulatory entry carries its source
// and, where one was seen, a URL.
type Kind string

// The kinds of entry.
const (
	KindTrial      Kind = "trial"      // a randomized or controlled clinical trial
	KindReview     Kind = "review"     // a review, meta-analysis or expert synthesis
	KindGuideline  Kind = "guideline"  // a clinical practice guideline or consensus statement
	KindRegulatory Kind = "regulatory" // an FDA action or other regulatory fact
)

// Literature reports whether entries of kind k are journal publications,
// which must be identified by DOI or PMID.
func (k Kind) Literature() bool { return k == KindTrial || k == KindReview || k == KindGuideline }

// DenialClasses are the denial classes of the glossary (GLOSSARY.md,
// "denial class"). A claim names the classes it helps answer. The root
// package has no DenialClass type yet, so the words live here.
var DenialClasses = []string{
	"medical-necessity", "experimental-investigational", "prior-authorization",
	"benefit-limit", "missing-information", "coding", "non-covered", "eligibility",
	"timely-filing", "out-of-network", "duplicate", "patient-responsibility",
}

// Entry is one citable source.
type Entry struct {
	ID      string   // stable slug, e.g. "daly-2019"; letters cite by it
	Kind    Kind     //
	Authors []string // in citation form ("Daly EJ"), at most the first three or six
	EtAl    bool     // more authors than listed
	Title   string   //
	Journal string   // abbreviated journal title (NLM style)
	Year    int      //
	Volume  string   //
	Issue   string   //
	Pages   string   // e.g. "893-903"
	DOI     string   // without the "doi:" or https://doi.org/ prefix
	PMID    string   //
	PMCID   string   // e.g. "PMC6551577"
	Trial   string   // trial name or registry number
	Date    string   // YYYY-MM-DD, for regulatory actions
	URL     string   //
	// Source says where the entry was confirmed; it is for reviewers, not
	// printed in letters.
	Source string
	// Unconfirmed names fields taken on trust (marked [K] in the research
	// notes). Cite leaves them out.
	Unconfirmed []string
	Claims      []Claim
	File        string // data file the entry came from
	Line        int    // line of the entry in File
}

// Claim is one statement an entry supports, in our own words.
type Claim struct {
	ID            string                 // slug, unique within its entry
	Text          string                 //
	Therapies     []ketacover.Therapy    //
	Indications   []ketacover.Indication //
	DenialClasses []string               // members of DenialClasses
	Topics        []string               // free slugs: efficacy, relapse-prevention, fda-approval, ...
}

// Ref returns the claim's reference within entry e: "entry-id#claim-id".
func (c Claim) Ref(e Entry) string { return e.ID + "#" + c.ID }

// confirmed reports whether field is not listed in e.Unconfirmed.
func (e Entry) confirmed(field string) bool { return !slices.Contains(e.Unconfirmed, field) }

// Library is a loaded, validated set of entries. It is immutable and safe
// for concurrent use.
type Library struct {
	entries []Entry
	byID    map[string]int
}

// Entries returns every entry in load order (files by name, then file order).
func (l *Library) Entries() []Entry { return slices.Clone(l.entries) }

// Entry returns the entry with the given id, or an ENOTFOUND error.
func (l *Library) Entry(id string) (Entry, error) {
	i, ok := l.byID[id]
	if !ok {
		return Entry{}, ketacover.Errorf(ketacover.ENOTFOUND, "evidence: no entry %q in the library", id)
	}
	return l.entries[i], nil
}

// Query selects claims. A zero field matches anything.
type Query struct {
	Therapy     ketacover.Therapy
	Indication  ketacover.Indication
	DenialClass string
	Topic       string
}

// Match is a claim with the entry that supports it.
type Match struct {
	Entry Entry
	Claim Claim
}

// Find returns the claims that match q, in library order.
func (l *Library) Find(q Query) []Match {
	var out []Match
	for _, e := range l.entries {
		for _, c := range e.Claims {
			if q.Therapy != "" && !slices.Contains(c.Therapies, q.Therapy) {
				continue
			}
			if q.Indication != "" && !slices.Contains(c.Indications, q.Indication) {
				continue
			}
			if q.DenialClass != "" && !slices.Contains(c.DenialClasses, q.DenialClass) {
				continue
			}
			if q.Topic != "" && !slices.Contains(c.Topics, q.Topic) {
				continue
			}
			out = append(out, Match{Entry: e, Claim: c})
		}
	}
	return out
}

// Cite returns the citation of the entry with the given id in AMA style, or
// an ENOTFOUND error.
func (l *Library) Cite(id string) (string, error) {
	e, err := l.Entry(id)
	if err != nil {
		return "", err
	}
	return e.Citation(), nil
}

// Verify reports an EINVALID error naming every id that is not in the
// library, so that a letter can be checked to cite nothing else. An id may
// name a claim as "entry-id#claim-id"; the claim must then exist too.
func (l *Library) Verify(ids ...string) error {
	var bad []string
	for _, id := range ids {
		if !l.has(id) {
			bad = append(bad, fmt.Sprintf("%q", id))
		}
	}
	if len(bad) > 0 {
		return ketacover.Errorf(ketacover.EINVALID, "evidence: cited but not in the library: %s", strings.Join(bad, ", "))
	}
	return nil
}

func (l *Library) has(ref string) bool {
	id, claim, hasClaim := strings.Cut(ref, "#")
	i, ok := l.byID[id]
	if !ok {
		return false
	}
	if !hasClaim {
		return true
	}
	return slices.ContainsFunc(l.entries[i].Claims, func(c Claim) bool { return c.ID == claim })
}

// Citation formats e in AMA (11th edition) style: up to six authors, or the
// first three and "et al"; abbreviated journal; year;volume(issue):pages;
// doi; PMID. Fields listed in Unconfirmed are left out rather than printed
// on trust.
func (e Entry) Citation() string {
	var b strings.Builder
	if e.confirmed("authors") {
		writeAuthors(&b, e)
	}
	b.WriteString(sentence(e.Title))
	if e.Kind.Literature() {
		if e.Journal != "" && e.confirmed("journal") {
			b.WriteString(" " + sentence(e.Journal))
		}
		if src := e.volumeLine(); src != "" {
			b.WriteString(" " + src + ".")
		}
	} else {
		if e.Date != "" {
			b.WriteString(" " + e.Date + ".")
		} else if e.Year != 0 {
			fmt.Fprintf(&b, " %d.", e.Year)
		}
		if e.URL != "" {
			b.WriteString(" " + e.URL)
		}
	}
	if e.DOI != "" {
		b.WriteString(" doi:" + e.DOI)
	}
	if e.PMID != "" {
		b.WriteString(" PMID: " + e.PMID)
	}
	return strings.TrimSpace(b.String())
}

// volumeLine is AMA's "2019;76(9):893-903", shortened to what is confirmed.
func (e Entry) volumeLine() string {
	if e.Year == 0 || !e.confirmed("year") {
		return ""
	}
	s := fmt.Sprint(e.Year)
	if e.Volume == "" || !e.confirmed("volume") {
		return s
	}
	s += ";" + e.Volume
	if e.Issue != "" && e.confirmed("issue") {
		s += "(" + e.Issue + ")"
	}
	if e.Pages != "" && e.confirmed("pages") {
		s += ":" + e.Pages
	}
	return s
}

func writeAuthors(b *strings.Builder, e Entry) {
	names := e.Authors
	etAl := e.EtAl
	if len(names) > 6 { // AMA: more than six authors, list three and et al
		names, etAl = names[:3], true
	}
	if len(names) == 0 {
		return
	}
	b.WriteString(strings.Join(names, ", "))
	if etAl {
		b.WriteString(", et al")
	}
	b.WriteString(". ")
}

// sentence ends s with a period unless it already ends a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

//go:embed data/*.yaml
var dataFS embed.FS

var defaultLibrary = sync.OnceValues(func() (*Library, error) { return Load(dataFS, "data") })

// Default returns the library embedded in the binary. It is loaded and
// validated once; an error means the shipped data is broken (a test catches
// that before release).
func Default() (*Library, error) { return defaultLibrary() }
