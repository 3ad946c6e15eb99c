package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
)

// LintOptions tune Lint.
type LintOptions struct {
	// RequireUnknown also demands that the tests drive every criterion to
	// unknown (the bundled library's own standard).
	RequireUnknown bool
}

// Lint checks every policy file in fsys: that it parses and compiles (every
// field known, a source URL and revision date on every version, text and a
// section on every criterion, valid CEL), that its tests pass, and that its
// tests exercise every criterion both met and not met. It returns one line
// per problem, each starting with the file and line.
func Lint(fsys fs.FS, opt LintOptions) []string {
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return []string{err.Error()}
	}
	if len(files) == 0 {
		return []string{"no policy files (*.yaml) found"}
	}
	sort.Strings(files)
	var out []string
	for _, name := range files {
		p, err := LoadFile(fsys, name)
		if err != nil {
			out = append(out, strings.Split(err.Error(), "\n")...)
			continue
		}
		out = append(out, p.Lint(opt)...)
	}
	return out
}

// Lint runs the policy's own tests and checks they cover every criterion.
func (p *Compiled) Lint(opt LintOptions) []string {
	var out []string
	at := func(field string) string { return fmt.Sprintf("%s:%d", p.File, p.Lines.Line(field)) }
	if len(p.Tests) == 0 {
		return []string{fmt.Sprintf("%s: tests: a policy needs tests that show each criterion met and not met", at("id"))}
	}
	// seen[version][criterion id][result]
	seen := map[int]map[string]map[ketacover.Result]bool{}
	var base map[string]any
	for i, t := range p.Tests {
		field := fmt.Sprintf("tests[%d]", i)
		res, vi, results, err := p.RunTest(i, &base)
		if err != nil {
			out = append(out, fmt.Sprintf("%s: %s (%s): %s", at(field), field, t.Name, err))
			continue
		}
		for _, m := range res {
			out = append(out, fmt.Sprintf("%s: %s (%s): %s", at(field), field, t.Name, m))
		}
		if vi >= 0 {
			if seen[vi] == nil {
				seen[vi] = map[string]map[ketacover.Result]bool{}
			}
			for id, r := range results {
				if seen[vi][id] == nil {
					seen[vi][id] = map[ketacover.Result]bool{}
				}
				seen[vi][id][r] = true
			}
		}
	}
	for vi, v := range p.Versions {
		for ci, cov := range v.Coverage {
			trees := []*ketacover.Node{&cov.Criteria}
			if cov.Continuation != nil && cov.Continuation.Criteria != nil {
				trees = append(trees, cov.Continuation.Criteria)
			}
			for _, tree := range trees {
				tree.Walk(func(n *ketacover.Node) {
					if !n.IsLeaf() || n.ID == "" {
						return
					}
					want := []ketacover.Result{ketacover.Met, ketacover.NotMet}
					if opt.RequireUnknown {
						want = append(want, ketacover.Unknown)
					}
					var lack []string
					for _, r := range want {
						if !seen[vi][n.ID][r] {
							lack = append(lack, string(r))
						}
					}
					if len(lack) > 0 {
						out = append(out, fmt.Sprintf("%s: criterion %q (version revised %s, %s) is never %s in the tests", at(fmt.Sprintf("versions[%d].coverage[%d]", vi, ci)), n.ID, v.Revised, cov.Indication, strings.Join(lack, " or ")))
					}
				})
			}
		}
	}
	return out
}

// RunTest runs test i and returns its failures (nil when it passes), the
// index of the version it exercised and the result of each criterion. base
// carries the first test's case to later tests' patches.
func (p *Compiled) RunTest(i int, base *map[string]any) ([]string, int, map[string]ketacover.Result, error) {
	t := p.Tests[i]
	var caseMap map[string]any
	switch {
	case t.Case != nil && t.Patch != nil:
		return nil, -1, nil, errors.New("give either case or patch, not both")
	case t.Case != nil:
		caseMap = t.Case
		if *base == nil {
			*base = deepCopy(t.Case).(map[string]any)
		}
	case t.Patch != nil:
		if *base == nil {
			return nil, -1, nil, errors.New("a patch needs an earlier test with a whole case")
		}
		caseMap = mergePatch(deepCopy(*base), t.Patch).(map[string]any)
	default:
		return nil, -1, nil, errors.New("give a case or a patch")
	}
	data, err := yaml.Marshal(caseMap)
	if err != nil {
		return nil, -1, nil, err
	}
	c, err := casefile.Parse("case", data)
	if err != nil {
		return nil, -1, nil, fmt.Errorf("the test case is not a valid case: %s", strings.ReplaceAll(ketacover.ErrorMessage(err), "\n", "; "))
	}
	asOf := p.defaultAsOf()
	if t.AsOf != nil {
		asOf = *t.AsOf
	}
	f, err := NewFacts(c, asOf)
	if err != nil {
		return nil, -1, nil, err
	}
	d, vi, err := p.Judge(f)
	if err != nil {
		return nil, -1, nil, err
	}
	results := map[string]ketacover.Result{}
	for _, cr := range d.Criteria {
		if cr.ID != "" {
			results[cr.ID] = cr.Result
		}
	}
	var fails []string
	if d.Outcome != t.Outcome {
		fails = append(fails, fmt.Sprintf("outcome is %s, want %s", d.Outcome, t.Outcome))
	}
	ids := make([]string, 0, len(t.Criteria))
	for id := range t.Criteria {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		got, ok := results[id]
		switch {
		case !ok:
			fails = append(fails, fmt.Sprintf("no criterion %q in the version in force on %s", id, asOf))
		case got != t.Criteria[id]:
			fails = append(fails, fmt.Sprintf("criterion %s is %s, want %s (%s)", id, got, t.Criteria[id], reasonOf(d, id)))
		}
	}
	return fails, vi, results, nil
}

func reasonOf(d ketacover.Determination, id string) string {
	for _, c := range d.Criteria {
		if c.ID == id {
			return c.Reason
		}
	}
	return ""
}

// Judge evaluates the facts against this policy alone, whatever the payer
// named in the case, in the version in force on f.AsOf. It returns the
// determination and the index of the version used.
func (p *Compiled) Judge(f *Facts) (ketacover.Determination, int, error) {
	vi := -1
	for i := range p.Versions {
		if v := p.Versions[i].Effective; v == nil || !v.After(f.AsOf) {
			vi = i
		}
	}
	if vi < 0 {
		return ketacover.Determination{}, -1, fmt.Errorf("no version of %s is in force on %s", p.ID, f.AsOf)
	}
	v := &p.Versions[vi]
	if v.Stance.Covers() && coverageFor(v, f.Case.Therapy.Indication) == nil {
		return ketacover.Determination{}, -1, fmt.Errorf("the version in force on %s has no criteria for %s", f.AsOf, f.Case.Therapy.Indication)
	}
	lib := &Library{byID: map[string]*Compiled{p.ID: p}, policies: []*Compiled{p}}
	return lib.judge(p, v, f), vi, nil
}

// defaultAsOf is the date tests run on when they name none: the newest
// version's effective date, or its revision date.
func (p *Compiled) defaultAsOf() ketacover.Date {
	v := p.Versions[len(p.Versions)-1]
	if v.Effective != nil {
		return *v.Effective
	}
	r := v.Revised
	if len(r) == 7 {
		r += "-01"
	}
	d, err := ketacover.ParseDate(r)
	if err != nil {
		return ketacover.NewDate(2026, 1, 1)
	}
	return d
}

// mergePatch applies an RFC 7396 JSON merge patch.
func mergePatch(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return deepCopy(patch)
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = mergePatch(tm[k], v)
	}
	return tm
}

func deepCopy(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}
