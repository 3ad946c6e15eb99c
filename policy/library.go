// Package policy loads payer policies from data files and judges cases
// against them, criterion by criterion, with three-valued results: met, not
// met, or unknown when a fact the criterion needs is not recorded.
package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/strictyaml"
)

// Library is a set of compiled policies. It is safe for concurrent use.
type Library struct {
	policies []*Compiled
	byID     map[string]*Compiled
}

// Compiled is a policy whose criteria have been compiled to CEL programs.
type Compiled struct {
	ketacover.Policy
	File     string
	Lines    strictyaml.Lines
	payers   map[string]bool // normalised payer names, for matching
	programs map[*ketacover.Node]*leaf
	texts    texts
}

// leaf is one compiled criterion.
type leaf struct {
	prg   cel.Program
	calls []call     // domain function calls, for the explanation
	attrs []string   // case fact paths read directly
	texts []attrText // the explanation of each of attrs, by value
}

// Policies returns every policy in the library, sorted by payer then ID.
func (l *Library) Policies() []*Compiled { return l.policies }

// Policy returns the policy with the given ID, or an ENOTFOUND error.
func (l *Library) Policy(id string) (*Compiled, error) {
	p, ok := l.byID[id]
	if !ok {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no policy %q in the library; run \"ketacover policies list\" to see them", id)
	}
	return p, nil
}

var env = mustEnv()

func mustEnv() *cel.Env {
	opts := []cel.EnvOption{}
	for _, v := range variables {
		opts = append(opts, cel.Variable(v, cel.MapType(cel.StringType, cel.DynType)))
	}
	opts = append(opts, vocabulary()...)
	e, err := cel.NewEnv(opts...)
	if err != nil {
		panic(fmt.Sprintf("policy: CEL environment: %v", err))
	}
	return e
}

// Load reads every *.yaml policy file from each file system in order; a
// policy in a later file system replaces one with the same ID in an earlier
// one (so a clinic's folder overrides the bundled library). Every problem
// in every file is reported, each with its file, line and field.
func Load(fsyss ...fs.FS) (*Library, error) {
	lib := &Library{byID: map[string]*Compiled{}}
	var errs []error
	from := map[string]int{} // policy ID -> index of the file system it came from
	for fi, fsys := range fsyss {
		files, err := fs.Glob(fsys, "*.yaml")
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, name := range files {
			p, err := LoadFile(fsys, name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if prev, ok := lib.byID[p.ID]; ok && from[p.ID] == fi {
				errs = append(errs, fmt.Errorf("%s: id %q is also used by %s", name, p.ID, prev.File))
				continue
			}
			lib.byID[p.ID] = p
			from[p.ID] = fi
		}
	}
	if len(errs) > 0 {
		return nil, &ketacover.Error{Code: ketacover.EINVALID, Message: errors.Join(errs...).Error()}
	}
	for _, p := range lib.byID {
		lib.policies = append(lib.policies, p)
	}
	sort.Slice(lib.policies, func(i, j int) bool {
		a, b := lib.policies[i], lib.policies[j]
		if a.Payer != b.Payer {
			return a.Payer < b.Payer
		}
		return a.ID < b.ID
	})
	return lib, nil
}

// LoadFile reads and compiles one policy file.
func LoadFile(fsys fs.FS, name string) (*Compiled, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// Parse decodes, validates and compiles a policy file's contents.
func Parse(name string, data []byte) (*Compiled, error) {
	var p ketacover.Policy
	lines, err := strictyaml.Decode(name, data, &p)
	if err != nil {
		return nil, err
	}
	c := &Compiled{Policy: p, File: name, Lines: lines, programs: map[*ketacover.Node]*leaf{}, payers: map[string]bool{}}
	for _, n := range append([]string{p.Payer}, p.PayerNames...) {
		if k := payerKey(n); k != "" {
			c.payers[k] = true
		}
	}
	probs := &strictyaml.Problems{File: name}
	addf := func(field, format string, args ...any) {
		probs.List = append(probs.List, strictyaml.Problem{Line: lines.Line(field), Path: field, Msg: fmt.Sprintf(format, args...)})
	}
	validate(&c.Policy, addf)
	for vi := range c.Versions {
		v := &c.Versions[vi]
		for ci := range v.Coverage {
			cov := &v.Coverage[ci]
			base := fmt.Sprintf("versions[%d].coverage[%d]", vi, ci)
			c.compileTree(&cov.Criteria, base+".criteria", addf)
			if cov.Continuation != nil && cov.Continuation.Criteria != nil {
				c.compileTree(cov.Continuation.Criteria, base+".continuation.criteria", addf)
			}
		}
	}
	if len(probs.List) > 0 {
		sort.SliceStable(probs.List, func(i, j int) bool { return probs.List[i].Line < probs.List[j].Line })
		return nil, probs
	}
	c.writeTexts()
	return c, nil
}

var (
	idPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	criterionID    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	revisedPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$`)
)

// validate checks the rules a policy file must follow beyond its shape.
func validate(p *ketacover.Policy, addf func(field, format string, args ...any)) {
	if !idPattern.MatchString(p.ID) {
		addf("id", "want lowercase letters, digits and dashes, got %q", p.ID)
	}
	if strings.TrimSpace(p.Payer) == "" {
		addf("payer", "required")
	}
	if strings.TrimSpace(p.Title) == "" {
		addf("title", "required")
	}
	switch p.Therapy {
	case ketacover.TherapyEsketamine, ketacover.TherapyKetamineIV:
	default:
		addf("therapy", "want esketamine or ketamine-iv, got %q", p.Therapy)
	}
	for i, lob := range p.AppliesTo.LinesOfBusiness {
		switch lob {
		case "commercial", "medicare", "medicaid", "tricare", "va":
		default:
			addf(fmt.Sprintf("applies_to.lines_of_business[%d]", i), "want commercial, medicare, medicaid, tricare or va, got %q", lob)
		}
	}
	for i, t := range p.AppliesTo.PlanTypes {
		if !t.Valid() {
			addf(fmt.Sprintf("applies_to.plan_types[%d]", i), "unknown plan type %q", t)
		}
	}
	for i, ind := range p.AppliesTo.Indications {
		if ind != ketacover.IndicationTRD && ind != ketacover.IndicationMDSI {
			addf(fmt.Sprintf("applies_to.indications[%d]", i), "want trd or mdsi, got %q", ind)
		}
	}
	if len(p.Versions) == 0 {
		addf("versions", "required: at least one version")
	}
	ids := map[string]string{}
	for vi, v := range p.Versions {
		vp := fmt.Sprintf("versions[%d]", vi)
		if v.Revised == "" {
			addf(vp+".revised", "required: the revision, review or publication date of the text read")
		} else if !revisedPattern.MatchString(v.Revised) {
			addf(vp+".revised", "want YYYY-MM-DD or YYYY-MM, got %q", v.Revised)
		}
		if strings.TrimSpace(v.RevisedBasis) == "" {
			addf(vp+".revised_basis", "required: say what the revised date is (e.g. \"effective date on the policy\")")
		}
		if v.Retrieved == "" || !revisedPattern.MatchString(v.Retrieved) {
			addf(vp+".retrieved", "required: when the source was read, YYYY-MM or YYYY-MM-DD")
		}
		if len(v.Sources) == 0 {
			addf(vp+".sources", "required: at least one source with a URL")
		}
		for si, s := range v.Sources {
			sp := fmt.Sprintf("%s.sources[%d]", vp, si)
			if !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") {
				addf(sp+".url", "want an http(s) URL, got %q", s.URL)
			}
			if s.Provenance != "primary" && s.Provenance != "secondary" {
				addf(sp+".provenance", "want primary or secondary, got %q", s.Provenance)
			}
		}
		switch v.Stance {
		case ketacover.StanceCovered:
			if len(v.Coverage) == 0 {
				addf(vp+".coverage", "a covered-with-criteria version needs criteria for at least one indication")
			}
		case ketacover.StanceInvestigational, ketacover.StanceExcluded, ketacover.StanceNotMedicallyNeeded:
			if len(v.Coverage) > 0 {
				addf(vp+".coverage", "a %s version has no coverage criteria", v.Stance)
			}
		default:
			addf(vp+".stance", "want covered-with-criteria, investigational, not-medically-necessary or excluded, got %q", v.Stance)
		}
		switch v.PriorAuth {
		case "required", "not-required", "unknown":
		default:
			addf(vp+".prior_auth", "want required, not-required or unknown, got %q", v.PriorAuth)
		}
		if vi > 0 && v.Effective != nil && p.Versions[vi-1].Effective != nil && !p.Versions[vi-1].Effective.Before(*v.Effective) {
			addf(vp+".effective", "versions must be in order of effective date (%s is not after %s)", v.Effective, p.Versions[vi-1].Effective)
		}
		if vi > 0 && v.Effective == nil {
			addf(vp+".effective", "required on every version after the first")
		}
		seenInd := map[ketacover.Indication]bool{}
		for ci, cov := range v.Coverage {
			cp := fmt.Sprintf("%s.coverage[%d]", vp, ci)
			if cov.Indication != ketacover.IndicationTRD && cov.Indication != ketacover.IndicationMDSI {
				addf(cp+".indication", "want trd or mdsi, got %q", cov.Indication)
			}
			if seenInd[cov.Indication] {
				addf(cp+".indication", "indication %s given twice", cov.Indication)
			}
			seenInd[cov.Indication] = true
			checkTree(&cov.Criteria, cp+".criteria", ids, vi, addf)
			if cov.Continuation != nil && cov.Continuation.Criteria != nil {
				checkTree(cov.Continuation.Criteria, cp+".continuation.criteria", ids, vi, addf)
			}
		}
	}
}

// checkTree checks the shape of a criteria tree: groups hold nodes, leaves
// have an id, text, section and expression; ids are unique in a version.
func checkTree(n *ketacover.Node, at string, ids map[string]string, version int, addf func(field, format string, args ...any)) {
	groups := 0
	if len(n.All) > 0 {
		groups++
	}
	if len(n.Any) > 0 {
		groups++
	}
	if n.Not != nil {
		groups++
	}
	if groups > 1 {
		addf(at, "a node is one of all, any or not, not several")
	}
	if groups == 1 {
		if n.CEL != "" {
			addf(at+".cel", "a group (all/any/not) has no expression of its own")
		}
		for i := range n.All {
			checkTree(&n.All[i], fmt.Sprintf("%s.all[%d]", at, i), ids, version, addf)
		}
		for i := range n.Any {
			checkTree(&n.Any[i], fmt.Sprintf("%s.any[%d]", at, i), ids, version, addf)
		}
		if n.Not != nil {
			checkTree(n.Not, at+".not", ids, version, addf)
		}
		return
	}
	if !criterionID.MatchString(n.ID) {
		addf(at+".id", "a criterion needs an id of lowercase letters, digits, - or _, got %q", n.ID)
	} else {
		key := fmt.Sprintf("%d/%s", version, n.ID)
		if prev, ok := ids[key]; ok {
			addf(at+".id", "criterion id %q is also used at %s", n.ID, prev)
		}
		ids[key] = at
	}
	if strings.TrimSpace(n.Text) == "" {
		addf(at+".text", "a criterion needs its text, as the policy states it")
	}
	if strings.TrimSpace(n.Section) == "" {
		addf(at+".section", "a criterion needs the section of the policy it comes from")
	}
	if strings.TrimSpace(n.CEL) == "" {
		addf(at+".cel", "a criterion needs a CEL expression over the case")
	}
}

// compileTree compiles every leaf's expression.
func (c *Compiled) compileTree(n *ketacover.Node, at string, addf func(field, format string, args ...any)) {
	if !n.IsLeaf() {
		for i := range n.All {
			c.compileTree(&n.All[i], fmt.Sprintf("%s.all[%d]", at, i), addf)
		}
		for i := range n.Any {
			c.compileTree(&n.Any[i], fmt.Sprintf("%s.any[%d]", at, i), addf)
		}
		if n.Not != nil {
			c.compileTree(n.Not, at+".not", addf)
		}
		return
	}
	if n.CEL == "" {
		return
	}
	ast, iss := env.Compile(n.CEL)
	if iss != nil && iss.Err() != nil {
		addf(at+".cel", "CEL: %s", oneLine(iss.Err().Error()))
		return
	}
	if !ast.OutputType().IsExactType(cel.BoolType) && !ast.OutputType().IsExactType(cel.DynType) {
		addf(at+".cel", "CEL: the expression gives %s; a criterion must give true or false", ast.OutputType())
		return
	}
	// OptOptimize makes constant lists and maps (the domain functions'
	// options) once, not on every evaluation, and tests "in" a constant
	// list by a set.
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		addf(at+".cel", "CEL: %s", oneLine(err.Error()))
		return
	}
	lf := &leaf{prg: prg}
	if err := lf.inspect(ast); err != nil {
		addf(at+".cel", "%s", err)
		return
	}
	c.programs[n] = lf
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.Join(strings.Fields(s), " ")
}

// Version returns the version of p in force on date d: the latest version
// whose effective date is on or before d (a version with no effective date
// is in force from the beginning).
func (c *Compiled) Version(d ketacover.Date) (*ketacover.Version, bool) {
	var found *ketacover.Version
	for i := range c.Versions {
		v := &c.Versions[i]
		if v.Effective == nil || !v.Effective.After(d) {
			found = v
		}
	}
	return found, found != nil
}

// Secondary reports whether every source of v is a third-party summary.
func Secondary(v *ketacover.Version) bool {
	for _, s := range v.Sources {
		if s.Provenance == "primary" {
			return false
		}
	}
	return true
}

// NameOf returns the file name policies are stored under for an ID.
func NameOf(id string) string { return path.Clean(id + ".yaml") }
