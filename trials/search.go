package trials

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/zips"
)

// Index holds studies prepared for searching: lower-cased text to match and
// site coordinates resolved once (a site without geoPoint falls back to its
// US ZIP code's centroid).
type Index struct {
	entries  []entry
	statuses []Status // status names by code; entries and sites hold codes
	codes    map[Status]uint16
}

// code interns a status so that a search compares small integers, not
// strings; the empty status has code 0.
func (ix *Index) code(s Status) uint16 {
	if c, ok := ix.codes[s]; ok {
		return c
	}
	c := uint16(len(ix.statuses))
	ix.statuses = append(ix.statuses, s)
	ix.codes[s] = c
	return c
}

type entry struct {
	study         *Study
	conditionText string // conditions, keywords, MeSH terms and titles, lower case, joined by "\n"
	interventions string // intervention names and other names, lower case
	status        uint16
	minDays       float64 // −1: no limit
	maxDays       float64
	sites         []site
}

type site struct {
	loc    *Location
	p      zips.Point
	status uint16 // 0: the record gives no site status
}

// NewIndex prepares studies for Search. zt resolves the ZIP codes of sites
// that have no geoPoint; it may be nil. The studies must have been checked
// by Import (or Fetch), so their age limits parse.
func NewIndex(studies []Study, zt *zips.Table) *Index {
	ix := &Index{entries: make([]entry, 0, len(studies)), codes: map[Status]uint16{}}
	ix.code("")
	for i := range studies {
		s := &studies[i]
		p := &s.Protocol
		e := entry{study: s, status: ix.code(p.Status.OverallStatus)}
		parts := append(append([]string{}, p.Conditions.Conditions...), p.Conditions.Keywords...)
		if s.Derived != nil {
			for _, m := range s.Derived.ConditionBrowse.Meshes {
				parts = append(parts, m.Term)
			}
		}
		parts = append(parts, p.Identification.BriefTitle, p.Identification.OfficialTitle)
		e.conditionText = strings.ToLower(strings.Join(parts, "\n"))
		var iv []string
		for _, x := range p.ArmsInterventions.Interventions {
			iv = append(iv, x.Name)
			iv = append(iv, x.OtherNames...)
		}
		e.interventions = strings.ToLower(strings.Join(iv, "\n"))
		e.minDays, _ = ParseAge(p.Eligibility.MinimumAge)
		e.maxDays, _ = ParseAge(p.Eligibility.MaximumAge)
		for j := range p.ContactsLocations.Locations {
			l := &p.ContactsLocations.Locations[j]
			st := site{loc: l, status: ix.code(l.Status)}
			switch {
			case l.GeoPoint != nil:
				st.p = zips.Point{Lat: l.GeoPoint.Lat, Lon: l.GeoPoint.Lon}
			case zt != nil && l.Zip != "" && (l.Country == "" || l.Country == "United States"):
				pt, err := zt.Lookup(l.Zip)
				if err != nil {
					continue // a site we cannot place is left out of distances, not guessed
				}
				st.p = pt
			default:
				continue
			}
			e.sites = append(e.sites, st)
		}
		ix.entries = append(ix.entries, e)
	}
	return ix
}

// Len returns the number of studies in ix.
func (ix *Index) Len() int { return len(ix.entries) }

// Filter says which studies to find. Zero fields do not filter.
type Filter struct {
	// Condition matches, case-insensitively, a substring of a study's
	// conditions, keywords, condition MeSH terms or titles ("depress"
	// finds "Depression" and "Depressive Disorder, Major").
	Condition string `json:"condition,omitempty"`
	// Interventions match whole words of intervention names and other
	// names, case-insensitively; any one is enough. "ketamine" does not
	// match "esketamine": name both to find both.
	Interventions []string `json:"interventions,omitempty"`
	// Statuses keep studies whose overall status is one of them; a site's
	// own status, when given, must be one of them too for its distance to
	// count.
	Statuses []Status `json:"statuses,omitempty"`
	// AgeYears keeps studies whose age limits admit a person of this age in
	// whole years; nil does not filter.
	AgeYears *int `json:"ageYears,omitempty"`
	// Near and WithinMiles keep studies with a site within WithinMiles of
	// Near (0: any distance) and sort by the nearest site's distance.
	Near        *zips.Point `json:"near,omitempty"`
	WithinMiles float64     `json:"withinMiles,omitempty"`
}

// Match is a study found, with its nearest qualifying site.
type Match struct {
	Study *Study    `json:"study"`
	Miles float64   `json:"miles"` // −1 when Near was not given or no site could be placed
	Site  *Location `json:"site,omitempty"`
}

// Search returns the studies f selects, nearest first (ties and studies
// without a distance by NCT number).
func (ix *Index) Search(f Filter) []Match {
	var words []string
	for _, w := range f.Interventions {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" {
			words = append(words, w)
		}
	}
	cond := strings.ToLower(strings.TrimSpace(f.Condition))
	// allowed[code] says whether a status passes the filter.
	allowed := make([]bool, len(ix.statuses))
	for i, st := range ix.statuses {
		allowed[i] = len(f.Statuses) == 0
		for _, x := range f.Statuses {
			allowed[i] = allowed[i] || x == st
		}
	}
	var ageDays float64
	if f.AgeYears != nil {
		ageDays = float64(*f.AgeYears) * 365.25
	}
	// A latitude band prefilter skips the trigonometry for sites that cannot
	// be within range: a degree of latitude is never shorter than 68.7 mi.
	var latBand float64 = math.Inf(1)
	if f.Near != nil && f.WithinMiles > 0 {
		latBand = f.WithinMiles/68.7 + 0.01
	}
	var out []Match
	for i := range ix.entries {
		e := &ix.entries[i]
		if !allowed[e.status] {
			continue
		}
		if cond != "" && !strings.Contains(e.conditionText, cond) {
			continue
		}
		if len(words) > 0 && !anyWord(e.interventions, words) {
			continue
		}
		if f.AgeYears != nil && (e.minDays >= 0 && ageDays < e.minDays || e.maxDays >= 0 && ageDays > e.maxDays) {
			continue
		}
		m := Match{Study: e.study, Miles: -1}
		if f.Near != nil {
			for j := range e.sites {
				st := &e.sites[j]
				if st.status != 0 && !allowed[st.status] {
					continue
				}
				if math.Abs(st.p.Lat-f.Near.Lat) > latBand {
					continue
				}
				d := zips.Miles(*f.Near, st.p)
				if (f.WithinMiles <= 0 || d <= f.WithinMiles) && (m.Miles < 0 || d < m.Miles) {
					m.Miles, m.Site = d, st.loc
				}
			}
			if f.WithinMiles > 0 && m.Miles < 0 {
				continue
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Miles < 0) != (b.Miles < 0) {
			return a.Miles >= 0
		}
		if a.Miles != b.Miles {
			return a.Miles < b.Miles
		}
		return a.Study.NCTID() < b.Study.NCTID()
	})
	return out
}

// anyWord reports whether text contains any of words as a whole word (not
// inside a longer run of letters and digits).
func anyWord(text string, words []string) bool {
	for _, w := range words {
		for i := 0; ; {
			k := strings.Index(text[i:], w)
			if k < 0 {
				break
			}
			start, end := i+k, i+k+len(w)
			if boundary(text, start-1) && boundary(text, end) {
				return true
			}
			i = start + 1
		}
	}
	return false
}

func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	r := rune(s[i])
	return r < 0x80 && !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// ParseMiles reads a distance such as "100mi", "100 mi", "25.5mi" or a bare
// "100" (miles), as `--within` takes it. Kilometres are accepted as "160km".
func ParseMiles(s string) (float64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	factor := 1.0
	switch {
	case strings.HasSuffix(t, "km"):
		t, factor = strings.TrimSpace(strings.TrimSuffix(t, "km")), 1/1.609344
	case strings.HasSuffix(t, "mi"):
		t = strings.TrimSpace(strings.TrimSuffix(t, "mi"))
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || v > 25000 || math.IsNaN(v) {
		return 0, ketacover.Errorf(ketacover.EINVALID, "want a distance such as \"100mi\" or \"160km\", got %q", s)
	}
	return v * factor, nil
}
