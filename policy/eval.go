package policy

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"cel.dev/cel-go/common/types"

	"github.com/ketacover/ketacover"
)

// Check judges the case in f against every policy in the library that
// governs it: its payer (or payer, when not empty), therapy, plan and
// indication, in the version in force on f.AsOf. When no payer policy
// governs the case it is judged against the library's reference profile for
// the therapy and the outcome is "no policy on file".
func (l *Library) Check(f *Facts, payer string) []ketacover.Determination {
	c := f.Case
	if payer == "" {
		payer = c.Plan.Payer
	}
	var out []ketacover.Determination
	var partial []string   // payer policies that exist but do not cover this indication
	key := payerKey(payer) // once, not once per policy
	for _, p := range l.policies {
		if p.Reference || !p.governs(c, key) {
			continue
		}
		v, ok := p.Version(f.AsOf)
		if !ok {
			partial = append(partial, fmt.Sprintf("%s (%s) took effect after %s", p.Title, p.ID, f.AsOf))
			continue
		}
		if v.Stance.Covers() && coverageFor(v, c.Therapy.Indication) == nil {
			partial = append(partial, fmt.Sprintf("%s %s (%s) was read only for %s", p.Payer, p.Title, p.ID, indicationList(v)))
			continue
		}
		out = append(out, l.judge(p, v, f))
	}
	if len(out) == 0 {
		out = append(out, l.noPolicy(f, payer, partial))
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Outcome) < rank(out[j].Outcome) })
	return out
}

// rank orders outcomes from the most to the least favourable.
func rank(o ketacover.Outcome) int {
	switch o {
	case ketacover.OutcomeMeets:
		return 0
	case ketacover.OutcomeInfoNeeded:
		return 1
	case ketacover.OutcomeNoPolicy:
		return 2
	case ketacover.OutcomeDoesNotMeet:
		return 3
	}
	return 4
}

// governs reports whether p applies to the case for the payer whose
// payerKey is key.
func (p *Compiled) governs(c *ketacover.Case, key string) bool {
	if p.Therapy != c.Therapy.Drug || !p.payers[key] {
		return false
	}
	a := p.AppliesTo
	if len(a.LinesOfBusiness) > 0 && !contains(a.LinesOfBusiness, c.Plan.Type.LineOfBusiness()) {
		return false
	}
	if len(a.PlanTypes) > 0 && !containsPlan(a.PlanTypes, c.Plan.Type) {
		return false
	}
	if len(a.States) > 0 {
		state := c.Plan.State
		if state == "" {
			state = c.Patient.State
		}
		if state != "" && !contains(a.States, state) {
			return false
		}
	}
	if len(a.Indications) > 0 && !containsIndication(a.Indications, c.Therapy.Indication) {
		return false
	}
	if len(a.Formularies) > 0 && c.Plan.Formulary != "" && !contains(a.Formularies, c.Plan.Formulary) {
		return false
	}
	if p.Benefit != "" && c.Plan.Benefit != "" && p.Benefit != c.Plan.Benefit {
		return false
	}
	return true
}

// PaidBy reports whether payer names this policy's payer.
func (p *Compiled) PaidBy(payer string) bool { return p.payers[payerKey(payer)] }

// payerKey normalises a payer name for matching: case, punctuation and
// spacing do not matter ("Blue Cross NC" = "blue-cross nc").
func payerKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		// unicode.ToLower rune by rune is what strings.ToLower does,
		// without the copy.
		if r = unicode.ToLower(r); unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func containsPlan(list []ketacover.PlanType, t ketacover.PlanType) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

func containsIndication(list []ketacover.Indication, i ketacover.Indication) bool {
	for _, x := range list {
		if x == i {
			return true
		}
	}
	return false
}

func coverageFor(v *ketacover.Version, ind ketacover.Indication) *ketacover.Coverage {
	for i := range v.Coverage {
		if v.Coverage[i].Indication == ind {
			return &v.Coverage[i]
		}
	}
	return nil
}

func indicationList(v *ketacover.Version) string {
	var s []string
	for _, c := range v.Coverage {
		s = append(s, strings.ToUpper(string(c.Indication)))
	}
	return strings.Join(s, " and ")
}

// judge evaluates one policy version.
func (l *Library) judge(p *Compiled, v *ketacover.Version, f *Facts) ketacover.Determination {
	c := f.Case
	d := ketacover.Determination{
		AsOf:   f.AsOf,
		Policy: policyRef(p, v, c.Therapy.Indication),
	}
	vt := p.versionText(v)
	name := vt.name
	d.Notes = slices.Clone(vt.notes)
	if !v.Stance.Covers() {
		d.Outcome = ketacover.OutcomeNotCovered
		d.Verdict = "Not covered: " + p.Payer + " considers " + therapyName(p.Therapy) + " " + stanceWords(v.Stance) + " (" + name + ")."
		d.Alternatives = l.alternatives(p, f)
		return d
	}
	cov := coverageFor(v, c.Therapy.Indication)
	tree := &cov.Criteria
	if c.Therapy.Continuation != nil && *c.Therapy.Continuation {
		switch {
		case cov.Continuation != nil && cov.Continuation.Renewable != nil && !*cov.Continuation.Renewable:
			d.Outcome = ketacover.OutcomeDoesNotMeet
			d.Verdict = "Does not meet: " + p.Payer + " allows no continuation for " + strings.ToUpper(string(cov.Indication)) + " (" + name + "). " + cov.Continuation.Text
			return d
		case cov.Continuation != nil && cov.Continuation.Criteria != nil:
			tree = cov.Continuation.Criteria
			d.Notes = append(d.Notes, "Judged against the continuation (reauthorization) criteria.")
			if cov.Continuation.Authorization != nil {
				d.Authorization = cov.Continuation.Authorization
			}
		default:
			d.Notes = append(d.Notes, "This is a continuation request, but the policy's continuation criteria were not in the sources read; the initial criteria are shown. Ask the payer for its reauthorization criteria.")
		}
	}
	if d.Authorization == nil {
		d.Authorization = cov.Authorization
	}
	d.Limits = p.limitsText(cov, d.Authorization)
	size := treeSize(tree)
	d.Criteria = make([]ketacover.CriterionResult, 0, size)
	res := p.evalTree(tree, f, 0, &d, newSlab(size))
	collect(&d, tree, res, f)
	switch {
	case res.result == ketacover.Met && cov.Incomplete != "":
		d.Outcome = ketacover.OutcomeInfoNeeded
		d.Verdict = "Meets every criterion of " + name + " that ketacover could read, but the sources did not show all of them (" + cov.Incomplete + "); ask " + p.Payer + " for the rest."
		d.Questions = append(d.Questions, ketacover.Question{Text: "What are " + p.Payer + "'s remaining criteria (" + cov.Incomplete + ")?"})
	case res.result == ketacover.Met:
		d.Outcome = ketacover.OutcomeMeets
		d.Verdict = "Meets the criteria of " + name + "."
	case res.result == ketacover.NotMet:
		d.Outcome = ketacover.OutcomeDoesNotMeet
		d.Verdict = "Does not meet the criteria of " + name + ": " + countNot(d.Criteria, ketacover.NotMet) + "."
	default:
		d.Outcome = ketacover.OutcomeInfoNeeded
		d.Verdict = "More information needed for " + name + ": " + countNot(d.Criteria, ketacover.Unknown) + "."
	}
	if d.Outcome != ketacover.OutcomeMeets {
		d.Alternatives = l.alternatives(p, f)
	}
	return d
}

// nodeResult is the result of a subtree, kept during evaluation.
type nodeResult struct {
	result   ketacover.Result
	children []*nodeResult
	missing  []string
	leaf     *ketacover.Node
}

// slab holds a tree's nodeResults and their child lists, allocated once
// per evaluation rather than once per node.
type slab struct {
	nodes []nodeResult
	kids  []*nodeResult
}

func newSlab(size int) *slab {
	return &slab{nodes: make([]nodeResult, size), kids: make([]*nodeResult, size)}
}

// node returns a fresh nodeResult.
func (s *slab) node() *nodeResult {
	if len(s.nodes) == 0 {
		return &nodeResult{}
	}
	r := &s.nodes[0]
	s.nodes = s.nodes[1:]
	return r
}

// children returns an empty list with room for n children, so appending
// them does not allocate.
func (s *slab) children(n int) []*nodeResult {
	if len(s.kids) < n {
		return make([]*nodeResult, 0, n)
	}
	l := s.kids[:0:n]
	s.kids = s.kids[n:]
	return l
}

// treeSize is the number of nodes in the tree under n, n included.
func treeSize(n *ketacover.Node) int {
	size := 1
	for i := range n.All {
		size += treeSize(&n.All[i])
	}
	for i := range n.Any {
		size += treeSize(&n.Any[i])
	}
	if n.Not != nil {
		size += treeSize(n.Not)
	}
	return size
}

// evalTree evaluates n three-valuedly and appends one CriterionResult per
// node, in tree order, to d.Criteria.
func (p *Compiled) evalTree(n *ketacover.Node, f *Facts, depth int, d *ketacover.Determination, s *slab) *nodeResult {
	idx := len(d.Criteria)
	d.Criteria = append(d.Criteria, ketacover.CriterionResult{ID: n.ID, Depth: depth, Text: n.Text, Section: n.Section, Evidence: n.Evidence})
	r := s.node()
	cr := func() *ketacover.CriterionResult { return &d.Criteria[idx] }
	switch {
	case len(n.All) > 0:
		cr().Kind = "all"
		if cr().Text == "" {
			cr().Text = "All of the following"
		}
		r.result = ketacover.Met
		r.children = s.children(len(n.All))
		for i := range n.All {
			ch := p.evalTree(&n.All[i], f, depth+1, d, s)
			r.children = append(r.children, ch)
			r.result = and(r.result, ch.result)
		}
	case len(n.Any) > 0:
		cr().Kind = "any"
		if cr().Text == "" {
			cr().Text = "Any one of the following"
		}
		r.result = ketacover.NotMet
		r.children = s.children(len(n.Any))
		for i := range n.Any {
			ch := p.evalTree(&n.Any[i], f, depth+1, d, s)
			r.children = append(r.children, ch)
			r.result = or(r.result, ch.result)
		}
	case n.Not != nil:
		cr().Kind = "not"
		if cr().Text == "" {
			cr().Text = "None of the following"
		}
		r.children = s.children(1)
		ch := p.evalTree(n.Not, f, depth+1, d, s)
		r.children = append(r.children, ch)
		r.result = not(ch.result)
	default:
		cr().Kind = "criterion"
		r.leaf = n
		lf := p.programs[n]
		r.result, r.missing, cr().Reason = lf.eval(f)
		cr().Missing = r.missing
	}
	cr().Result = r.result
	return r
}

// eval runs one criterion's program on the facts.
func (lf *leaf) eval(f *Facts) (ketacover.Result, []string, string) {
	out, _, err := lf.prg.Eval(&f.act)
	var reason string
	if !f.NoReasons {
		reason = lf.explain(f)
	}
	if err != nil {
		return ketacover.Unknown, nil, "could not evaluate: " + err.Error()
	}
	switch v := out.(type) {
	case types.Bool:
		if v {
			return ketacover.Met, nil, reason
		}
		return ketacover.NotMet, nil, reason
	case *types.Unknown:
		var missing []string
		for _, id := range v.IDs() {
			trails, _ := v.GetAttributeTrails(id)
			for _, t := range trails {
				if p := trailPath(t); p != "" && !slices.Contains(missing, p) {
					missing = append(missing, p)
				}
			}
		}
		sort.Strings(missing)
		return ketacover.Unknown, missing, reason
	}
	return ketacover.Unknown, nil, fmt.Sprintf("the expression gave %v, not true or false", out)
}

func and(a, b ketacover.Result) ketacover.Result {
	switch {
	case a == ketacover.NotMet || b == ketacover.NotMet:
		return ketacover.NotMet
	case a == ketacover.Unknown || b == ketacover.Unknown:
		return ketacover.Unknown
	}
	return ketacover.Met
}

func or(a, b ketacover.Result) ketacover.Result {
	switch {
	case a == ketacover.Met || b == ketacover.Met:
		return ketacover.Met
	case a == ketacover.Unknown || b == ketacover.Unknown:
		return ketacover.Unknown
	}
	return ketacover.NotMet
}

func not(a ketacover.Result) ketacover.Result {
	switch a {
	case ketacover.Met:
		return ketacover.NotMet
	case ketacover.NotMet:
		return ketacover.Met
	}
	return ketacover.Unknown
}

// collect gathers the questions, evidence and missing facts of the tree.
// A question is asked only where its answer could change the result: an
// unknown criterion under an "any" that is already met does not matter.
// Each is listed once, in tree order; the lists are short, so a repeat is
// found by looking through what is already listed.
func collect(d *ketacover.Determination, n *ketacover.Node, r *nodeResult, f *Facts) {
	collectNode(d, n, r, true)
}

func collectNode(d *ketacover.Determination, n *ketacover.Node, r *nodeResult, relevant bool) {
	if r.leaf != nil {
		if r.result == ketacover.Met || relevant {
			for _, e := range n.Evidence {
				if !slices.Contains(d.Evidence, e) {
					d.Evidence = append(d.Evidence, e)
				}
			}
		}
		if r.result == ketacover.Unknown && relevant {
			q := n.Question
			if q == "" {
				q = "Is this documented: " + n.Text + "?"
			}
			if !slices.ContainsFunc(d.Questions, func(x ketacover.Question) bool { return x.Text == q }) {
				d.Questions = append(d.Questions, ketacover.Question{Criterion: n.ID, Text: q})
			}
			for _, m := range r.missing {
				if !slices.Contains(d.Missing, m) {
					d.Missing = append(d.Missing, m)
				}
			}
		}
		return
	}
	childRelevant := relevant
	if len(n.Any) > 0 && r.result == ketacover.Met {
		childRelevant = false
	}
	switch {
	case len(n.All) > 0:
		for i := range n.All {
			collectNode(d, &n.All[i], r.children[i], childRelevant)
		}
	case len(n.Any) > 0:
		for i := range n.Any {
			collectNode(d, &n.Any[i], r.children[i], childRelevant)
		}
	case n.Not != nil:
		collectNode(d, n.Not, r.children[0], childRelevant)
	}
}

func countNot(cs []ketacover.CriterionResult, want ketacover.Result) string {
	n := 0
	for _, c := range cs {
		if c.Kind == "criterion" && c.Result == want {
			n++
		}
	}
	switch n {
	case 0:
		return "see below"
	case 1:
		return "1 criterion " + word(want)
	}
	return strconv.Itoa(n) + " criteria " + word(want)
}

func word(r ketacover.Result) string {
	if r == ketacover.NotMet {
		return "not met"
	}
	return "not yet known"
}

func policyRef(p *Compiled, v *ketacover.Version, ind ketacover.Indication) ketacover.PolicyRef {
	return ketacover.PolicyRef{
		ID: p.ID, Payer: p.Payer, Title: p.Title, Number: p.Number, Therapy: p.Therapy, Indication: ind,
		Revised: v.Revised, RevisedBasis: v.RevisedBasis, Effective: v.Effective,
		Stance: v.Stance, StanceText: v.StanceText, PriorAuth: v.PriorAuth,
		Sources: v.Sources, Secondary: Secondary(v), Reference: p.Reference,
	}
}

func policyName(p *Compiled, v *ketacover.Version) string {
	s := p.Payer + " " + p.Title
	if p.Number != "" {
		s += " (" + p.Number + ")"
	}
	return s + ", revised " + v.Revised
}

func therapyName(t ketacover.Therapy) string {
	if t == ketacover.TherapyKetamineIV {
		return "IV ketamine for depression"
	}
	return "esketamine (Spravato)"
}

func stanceWords(s ketacover.Stance) string {
	switch s {
	case ketacover.StanceInvestigational:
		return "experimental/investigational"
	case ketacover.StanceNotMedicallyNeeded:
		return "not medically necessary"
	case ketacover.StanceExcluded:
		return "excluded from coverage"
	}
	return string(s)
}

func withSection(text, section string) string {
	if section == "" {
		return text
	}
	return text + " (" + section + ")"
}

func authorizationText(a *ketacover.Authorization) string {
	if a.Text != "" {
		return a.Text
	}
	var parts []string
	switch {
	case a.Months > 0:
		parts = append(parts, fmt.Sprintf("approval for up to %d month%s", a.Months, plural(a.Months)))
	case a.Days > 0:
		parts = append(parts, fmt.Sprintf("approval for up to %d days", a.Days))
	}
	if a.MaxSessions > 0 {
		parts = append(parts, fmt.Sprintf("at most %d sessions", a.MaxSessions))
	}
	if a.MaxUnits > 0 {
		parts = append(parts, fmt.Sprintf("at most %d %s", a.MaxUnits, a.Unit))
	}
	return strings.Join(parts, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// provenanceNotes warns when the criteria come from a secondary source or
// the sources were incomplete.
func provenanceNotes(p *Compiled, v *ketacover.Version) []string {
	var notes []string
	if Secondary(v) {
		notes = append(notes, fmt.Sprintf("These criteria were read only in a third-party summary (%s), not in %s's own document; confirm them with %s.", v.Sources[0].URL, p.Payer, p.Payer))
	}
	if len(v.Revised) == 7 {
		notes = append(notes, fmt.Sprintf("The source gives only the month of this version (%s: %s).", v.RevisedBasis, v.Revised))
	}
	for _, m := range p.Missing {
		notes = append(notes, "Not in the sources read: "+m)
	}
	return notes
}

// alternatives lists what the library knows that might help: the same
// payer's policies for the other therapy.
func (l *Library) alternatives(p *Compiled, f *Facts) []string {
	var out []string
	key := payerKey(p.Payer) // once, not once per policy
	for _, q := range l.policies {
		if q.Reference || q.ID == p.ID || q.Therapy == p.Therapy || !q.payers[key] {
			continue
		}
		v, ok := q.Version(f.AsOf)
		if !ok || !v.Stance.Covers() {
			continue
		}
		if cov := coverageFor(v, f.Case.Therapy.Indication); cov != nil {
			out = append(out, p.Payer+" covers "+therapyName(q.Therapy)+" with criteria under "+q.versionText(v).name+"; check the case against it with the therapy changed.")
		}
	}
	return out
}

// stanceCount counts the payer policies for a therapy in force on a date,
// and how many of them do not cover it.
func (l *Library) stanceCount(t ketacover.Therapy, on ketacover.Date) (against, all int) {
	for _, p := range l.policies {
		if p.Reference || p.Therapy != t {
			continue
		}
		v, ok := p.Version(on)
		if !ok {
			continue
		}
		all++
		if !v.Stance.Covers() {
			against++
		}
	}
	return against, all
}

// noPolicy judges a case whose payer has no policy on file against the
// reference profile for its therapy.
func (l *Library) noPolicy(f *Facts, payer string, partial []string) ketacover.Determination {
	c := f.Case
	var prof *Compiled
	for _, p := range l.policies {
		if p.Reference && p.Therapy == c.Therapy.Drug {
			prof = p
			break
		}
	}
	d := ketacover.Determination{AsOf: f.AsOf, Outcome: ketacover.OutcomeNoPolicy}
	for _, s := range partial {
		d.Notes = append(d.Notes, "Known but not applicable here: "+s+".")
	}
	if prof == nil {
		d.Verdict = fmt.Sprintf("No policy on file for %s and %s; confirm coverage with the payer.", payer, therapyName(c.Therapy.Drug))
		return d
	}
	v, ok := prof.Version(f.AsOf)
	// A profile that covers the therapy but has no criteria for this
	// indication has nothing to judge the case against.
	if !ok || v.Stance.Covers() && coverageFor(v, c.Therapy.Indication) == nil {
		d.Verdict = fmt.Sprintf("No policy on file for %s and %s; confirm coverage with the payer.", payer, therapyName(c.Therapy.Drug))
		return d
	}
	inner := l.judge(prof, v, f)
	inner.ReferenceOutcome = inner.Outcome
	inner.Outcome = ketacover.OutcomeNoPolicy
	inner.Notes = append(d.Notes, inner.Notes...)
	inner.Alternatives = nil
	n := len(prof.SharedBy)
	switch {
	case !v.Stance.Covers():
		against, all := l.stanceCount(c.Therapy.Drug, f.AsOf)
		inner.Verdict = fmt.Sprintf("No policy on file for %s. %d of the %d payer policies for %s in the library do not cover it (investigational, not medically necessary or excluded); expect a denial, and confirm with %s.", payer, against, all, therapyName(c.Therapy.Drug), payer)
	default:
		var state string
		switch {
		case strings.HasPrefix(inner.Verdict, "Meets"):
			state = "the case meets them"
		case strings.HasPrefix(inner.Verdict, "Does not"):
			state = "the case does not meet them"
		default:
			state = "more information is needed"
		}
		inner.Verdict = fmt.Sprintf("No policy on file for %s; judged against the criteria common to %d payers in the library (reference profile): %s. Confirm with %s.", payer, n, state, payer)
	}
	return inner
}
