package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policy"
)

// The policy browser: every bundled policy with its criteria, sources,
// revision dates and provenance; a search by payer and therapy; and one
// therapy compared across payers.

// policySummary is one policy as the list shows it, judged by the version
// in force today.
type policySummary struct {
	ID              string                 `json:"id"`
	Payer           string                 `json:"payer"`
	PayerNames      []string               `json:"payer_names"`
	Title           string                 `json:"title"`
	Number          string                 `json:"number,omitempty"`
	Therapy         ketacover.Therapy      `json:"therapy"`
	Benefit         string                 `json:"benefit,omitempty"`
	LinesOfBusiness []string               `json:"lines_of_business"`
	PlanTypes       []ketacover.PlanType   `json:"plan_types"`
	States          []string               `json:"states"`
	Indications     []ketacover.Indication `json:"indications"`
	Stance          ketacover.Stance       `json:"stance"`
	PriorAuth       string                 `json:"prior_auth"`
	Effective       *ketacover.Date        `json:"effective,omitempty"`
	Revised         string                 `json:"revised"`
	RevisedBasis    string                 `json:"revised_basis"`
	Retrieved       string                 `json:"retrieved"`
	Provenance      string                 `json:"provenance"` // primary, or secondary when every source is a summary
	Versions        int                    `json:"versions"`
	Reference       bool                   `json:"reference_profile"`
}

// current returns the version of p in force on d, or the first version
// when none is yet (a policy read ahead of its effective date).
func current(p *policy.Compiled, d ketacover.Date) (*ketacover.Version, int) {
	v, ok := p.Version(d)
	if !ok {
		return &p.Versions[0], 0
	}
	for i := range p.Versions {
		if &p.Versions[i] == v {
			return v, i
		}
	}
	return v, 0
}

func summarize(p *policy.Compiled, d ketacover.Date) policySummary {
	v, _ := current(p, d)
	s := policySummary{
		ID: p.ID, Payer: p.Payer, PayerNames: nonNil(p.PayerNames), Title: p.Title, Number: p.Number,
		Therapy: p.Therapy, Benefit: p.Benefit,
		LinesOfBusiness: nonNil(p.AppliesTo.LinesOfBusiness), PlanTypes: nonNil(p.AppliesTo.PlanTypes),
		States: nonNil(p.AppliesTo.States), Indications: nonNil(p.AppliesTo.Indications),
		Stance: v.Stance, PriorAuth: v.PriorAuth, Effective: v.Effective, Revised: v.Revised,
		RevisedBasis: v.RevisedBasis, Retrieved: v.Retrieved, Provenance: "primary",
		Versions: len(p.Versions), Reference: p.Reference,
	}
	if policy.Secondary(v) {
		s.Provenance = "secondary"
	}
	return s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// policyFilter selects policies: by payer (any part of the payer's names,
// the title or the ID, ignoring case) and therapy.
type policyFilter struct {
	Payer   string
	Therapy ketacover.Therapy
}

func filterOf(r *http.Request) (policyFilter, error) {
	q := r.URL.Query()
	f := policyFilter{Payer: strings.TrimSpace(q.Get("payer")), Therapy: ketacover.Therapy(q.Get("therapy"))}
	switch f.Therapy {
	case "", ketacover.TherapyEsketamine, ketacover.TherapyKetamineIV:
	default:
		return f, ketacover.Errorf(ketacover.EINVALID, "therapy %q: want esketamine or ketamine-iv", f.Therapy)
	}
	if len(f.Payer) > 200 {
		return f, ketacover.Errorf(ketacover.EINVALID, "payer: want at most 200 characters")
	}
	return f, nil
}

func (f policyFilter) match(p *policy.Compiled) bool {
	if f.Therapy != "" && p.Therapy != f.Therapy {
		return false
	}
	if f.Payer == "" {
		return true
	}
	q := strings.ToLower(f.Payer)
	for _, s := range append([]string{p.Payer, p.Title, p.ID, p.Number}, p.PayerNames...) {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// summaries lists the policies f selects, payer policies first, then the
// reference profiles.
func (s *Server) summaries(f policyFilter, d ketacover.Date) []policySummary {
	out := []policySummary{}
	var refs []policySummary
	for _, p := range s.lib.Policies() {
		if !f.match(p) {
			continue
		}
		if p.Reference {
			refs = append(refs, summarize(p, d))
		} else {
			out = append(out, summarize(p, d))
		}
	}
	return append(out, refs...)
}

// policiesPage is the policy list.
type policiesPage struct {
	Filter   policyFilter
	Policies []policySummary
	Total    int
}

func (s *Server) policyList(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	p := policiesPage{Filter: f, Policies: s.summaries(f, s.today()), Total: len(s.lib.Policies())}
	return s.render(w, r, http.StatusOK, "policies", "Payer policies", "policies", p)
}

// nodeRow is one node of a criteria tree, flattened for display.
type nodeRow struct {
	Depth    int
	Kind     string // all, any, not, criterion
	ID       string
	Text     string
	Section  string
	Evidence []string
	Question string
}

// groupWords names a group node when the policy gives it no text.
var groupWords = map[string]string{"all": "All of the following", "any": "At least one of the following", "not": "None of the following"}

func flatten(n *ketacover.Node, depth, maxDepth int, out []nodeRow) []nodeRow {
	row := nodeRow{Depth: depth, ID: n.ID, Text: n.Text, Section: n.Section, Evidence: n.Evidence, Question: n.Question}
	var kids []ketacover.Node
	switch {
	case len(n.All) > 0:
		row.Kind, kids = "all", n.All
	case len(n.Any) > 0:
		row.Kind, kids = "any", n.Any
	case n.Not != nil:
		row.Kind, kids = "not", []ketacover.Node{*n.Not}
	default:
		row.Kind = "criterion"
	}
	if row.Text == "" {
		row.Text = groupWords[row.Kind]
	} else if row.Kind != "criterion" {
		row.Text += " — " + strings.ToLower(groupWords[row.Kind][:1]) + groupWords[row.Kind][1:]
	}
	out = append(out, row)
	if maxDepth >= 0 && depth >= maxDepth {
		return out
	}
	for i := range kids {
		out = flatten(&kids[i], depth+1, maxDepth, out)
	}
	return out
}

// policyPage is one policy with every version, newest first.
type policyPage struct {
	Summary  policySummary
	Policy   *ketacover.Policy
	Versions []versionView
}

type versionView struct {
	ketacover.Version
	InForce  bool
	Coverage []coverageView
}

type coverageView struct {
	ketacover.Coverage
	Rows             []nodeRow
	ContinuationRows []nodeRow
}

func (s *Server) policyView(id string) (policyPage, error) {
	p, err := s.lib.Policy(id)
	if err != nil {
		return policyPage{}, err
	}
	today := s.today()
	_, in := current(p, today)
	pg := policyPage{Summary: summarize(p, today), Policy: &p.Policy}
	for i := len(p.Versions) - 1; i >= 0; i-- {
		v := p.Versions[i]
		vv := versionView{Version: v, InForce: i == in}
		for _, c := range v.Coverage {
			cv := coverageView{Coverage: c, Rows: flatten(&c.Criteria, 0, -1, nil)}
			if c.Continuation != nil && c.Continuation.Criteria != nil {
				cv.ContinuationRows = flatten(c.Continuation.Criteria, 0, -1, nil)
			}
			vv.Coverage = append(vv.Coverage, cv)
		}
		pg.Versions = append(pg.Versions, vv)
	}
	return pg, nil
}

func (s *Server) policyShow(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.policyView(r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "policy", pg.Policy.Payer+": "+pg.Policy.Title, "policies", pg)
}

// comparePage is one therapy and indication across every payer.
type comparePage struct {
	Therapy    ketacover.Therapy
	Indication ketacover.Indication
	Rows       []compareRow
	Reference  *compareRow
}

// compareRow is one payer's current version, reduced to what differs
// between payers.
type compareRow struct {
	Summary       policySummary
	Covers        bool
	ReadFor       bool      // the sources had criteria for this indication
	Criteria      []nodeRow // the first two levels
	Count         int       // leaf criteria in all
	Authorization string
	Continuation  string
	Incomplete    string
}

func (s *Server) compareView(t ketacover.Therapy, ind ketacover.Indication) comparePage {
	today := s.today()
	pg := comparePage{Therapy: t, Indication: ind}
	for _, p := range s.lib.Policies() {
		if p.Therapy != t {
			continue
		}
		v, _ := current(p, today)
		row := compareRow{Summary: summarize(p, today), Covers: v.Stance.Covers()}
		for _, c := range v.Coverage {
			if c.Indication != ind {
				continue
			}
			row.ReadFor = true
			row.Criteria = flatten(&c.Criteria, 0, 1, nil)
			c.Criteria.Walk(func(n *ketacover.Node) {
				if n.IsLeaf() {
					row.Count++
				}
			})
			row.Authorization = authWords(c.Authorization)
			if c.Continuation != nil {
				row.Continuation = c.Continuation.Text
				if row.Continuation == "" && c.Continuation.Authorization != nil {
					row.Continuation = "renewal: " + authWords(c.Continuation.Authorization)
				}
				if c.Continuation.Renewable != nil && !*c.Continuation.Renewable {
					row.Continuation = "no renewal. " + row.Continuation
				}
			}
			row.Incomplete = c.Incomplete
		}
		if p.Reference {
			r := row
			pg.Reference = &r
			continue
		}
		pg.Rows = append(pg.Rows, row)
	}
	return pg
}

// authWords describes an authorization period.
func authWords(a *ketacover.Authorization) string {
	if a == nil {
		return ""
	}
	if a.Text != "" {
		return a.Text
	}
	var parts []string
	switch {
	case a.Months > 0:
		parts = append(parts, fmt.Sprintf("%d months", a.Months))
	case a.Days > 0:
		parts = append(parts, fmt.Sprintf("%d days", a.Days))
	}
	if a.MaxSessions > 0 {
		parts = append(parts, fmt.Sprintf("up to %d sessions", a.MaxSessions))
	}
	if a.MaxUnits > 0 {
		unit := a.Unit
		if unit == "" {
			unit = "units"
		}
		parts = append(parts, fmt.Sprintf("up to %d %s", a.MaxUnits, unit))
	}
	return strings.Join(parts, ", ")
}

func (s *Server) compare(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	t := ketacover.Therapy(q.Get("therapy"))
	switch t {
	case "":
		t = ketacover.TherapyEsketamine
	case ketacover.TherapyEsketamine, ketacover.TherapyKetamineIV:
	default:
		return ketacover.Errorf(ketacover.EINVALID, "therapy %q: want esketamine or ketamine-iv", t)
	}
	ind := ketacover.Indication(q.Get("indication"))
	switch ind {
	case "":
		ind = ketacover.IndicationTRD
	case ketacover.IndicationTRD, ketacover.IndicationMDSI:
	default:
		return ketacover.Errorf(ketacover.EINVALID, "indication %q: want trd or mdsi", ind)
	}
	pg := s.compareView(t, ind)
	return s.render(w, r, http.StatusOK, "compare", "Compare payers: "+therapyShort(t), "compare", pg)
}

// payerNames lists the payers of the library's policies and the other
// names they go by, for the self-check's suggestions.
func payerNames(lib *policy.Library) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range lib.Policies() {
		if p.Reference {
			continue
		}
		for _, n := range append([]string{p.Payer}, p.PayerNames...) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}
