package policy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
)

// call is a domain function call found in a criterion's expression, with
// its constant arguments, so the explanation can rerun the same judgment
// and say which facts decided it.
type call struct {
	fn   string
	args []any

	// The options of failed(), augmentations() and tried(), read once.
	trial   trialOptions
	therapy therapyOptions
	optErr  error
}

// inspect records the domain calls and the case facts an expression reads.
// Domain calls must have constant arguments (the policy's parameters), so
// that the explanation is exact.
func (lf *leaf) inspect(ast *cel.Ast) error {
	var walk func(e celast.Expr) error
	seen := map[string]bool{}
	walk = func(e celast.Expr) error {
		switch e.Kind() {
		case celast.CallKind:
			c := e.AsCall()
			if target, ok := domainFunctions[c.FunctionName()]; ok && c.IsMemberFunction() {
				if got := selectPath(c.Target()); got != target {
					return fmt.Errorf("%s() applies to %s, not %s", c.FunctionName(), target, got)
				}
				cl := call{fn: c.FunctionName()}
				for _, a := range c.Args() {
					v, ok := constant(a)
					if !ok {
						return fmt.Errorf("the arguments of %s() must be constants (the policy's parameters)", c.FunctionName())
					}
					cl.args = append(cl.args, v)
				}
				switch cl.fn {
				case "failed", "augmentations":
					role := "antidepressant"
					if cl.fn == "augmentations" {
						role = "augmentation"
					}
					if len(cl.args) > 1 {
						opts, _ := cl.args[1].(map[string]any)
						cl.trial, cl.optErr = parseTrialOptions(role, opts)
					}
				case "tried":
					if len(cl.args) > 0 {
						opts, _ := cl.args[0].(map[string]any)
						cl.therapy, cl.optErr = parseTherapyOptions(opts)
					}
				}
				lf.calls = append(lf.calls, cl)
				return nil
			}
			if c.IsMemberFunction() {
				if err := walk(c.Target()); err != nil {
					return err
				}
			}
			for _, a := range c.Args() {
				if err := walk(a); err != nil {
					return err
				}
			}
		case celast.SelectKind:
			if p := selectPath(e); p != "" {
				if !seen[p] {
					seen[p] = true
					lf.attrs = append(lf.attrs, p)
				}
				return nil
			}
			return walk(e.AsSelect().Operand())
		case celast.ListKind:
			for _, x := range e.AsList().Elements() {
				if err := walk(x); err != nil {
					return err
				}
			}
		case celast.ComprehensionKind:
			return fmt.Errorf("macros such as exists() and all() over case lists are not allowed: they cannot tell a missing fact from a false one; use the domain functions failed(), augmentations(), tried(), latest(), improvement(), hasAny()")
		}
		return nil
	}
	if err := walk(ast.NativeRep().Expr()); err != nil {
		return err
	}
	lf.texts = make([]attrText, len(lf.attrs))
	for i, a := range lf.attrs {
		l := factLabel(a)
		lf.texts[i] = attrText{label: l, notRecorded: l + " not recorded", yes: l + ": yes", no: l + ": no", recorded: l + " recorded"}
	}
	return nil
}

// selectPath returns "a.b.c" for a chain of field selections from a
// variable, or "" for anything else.
func selectPath(e celast.Expr) string {
	var parts []string
	for e.Kind() == celast.SelectKind {
		s := e.AsSelect()
		if s.IsTestOnly() {
			return ""
		}
		parts = append(parts, s.FieldName())
		e = s.Operand()
	}
	if e.Kind() != celast.IdentKind {
		return ""
	}
	parts = append(parts, e.AsIdent())
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

// constant returns the Go value of a literal, list or map of literals.
func constant(e celast.Expr) (any, bool) {
	switch e.Kind() {
	case celast.LiteralKind:
		v := e.AsLiteral()
		switch t := v.(type) {
		case types.Int:
			return int64(t), true
		case types.Double:
			return float64(t), true
		case types.String:
			return string(t), true
		case types.Bool:
			return bool(t), true
		case types.Uint:
			return uint64(t), true
		}
		return nil, false
	case celast.ListKind:
		var out []any
		for _, x := range e.AsList().Elements() {
			v, ok := constant(x)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		if out == nil {
			out = []any{}
		}
		return out, true
	case celast.MapKind:
		out := map[string]any{}
		for _, en := range e.AsMap().Entries() {
			me := en.AsMapEntry()
			k, ok := constant(me.Key())
			ks, isStr := k.(string)
			if !ok || !isStr {
				return nil, false
			}
			v, ok := constant(me.Value())
			if !ok {
				return nil, false
			}
			out[ks] = v
		}
		return out, true
	}
	return nil, false
}

// explain says, in one line, which facts the criterion read and what they
// were: the reason shown beside its result.
func (lf *leaf) explain(f *Facts) string {
	switch {
	case len(lf.calls) == 1 && len(lf.attrs) == 0:
		return explainCall(lf.calls[0], f)
	case len(lf.calls) == 0 && len(lf.attrs) == 1:
		return lf.explainAttr(0, f)
	}
	parts := make([]string, 0, len(lf.calls)+len(lf.attrs))
	for _, c := range lf.calls {
		parts = append(parts, explainCall(c, f))
	}
	for i := range lf.attrs {
		parts = append(parts, lf.explainAttr(i, f))
	}
	return strings.Join(parts, "; ")
}

// attrText is what the explanation says of a fact a criterion reads, for
// the values that need no formatting, written when the criterion is
// compiled.
type attrText struct {
	label, notRecorded, yes, no, recorded string
}

// explainAttr says what the criterion's i'th fact is.
func (lf *leaf) explainAttr(i int, f *Facts) string {
	t := lf.texts[i]
	v, ok := f.lookup(lf.attrs[i])
	if _, unknown := v.(*types.Unknown); unknown || !ok {
		return t.notRecorded
	}
	switch v := v.(type) {
	case bool:
		if v {
			return t.yes
		}
		return t.no
	case *record, map[string]any, []any:
		return t.recorded
	}
	return fmt.Sprintf("%s: %v", t.label, v)
}

// factLabel turns a fact path into words: history.contraindications.
// psychosis_history becomes "psychosis history".
func factLabel(path string) string {
	if l, ok := labels[path]; ok {
		return l
	}
	i := strings.LastIndex(path, ".")
	return strings.ReplaceAll(path[i+1:], "_", " ")
}

var labels = map[string]string{
	"patient.age":                                              "age",
	"plan.line_of_business":                                    "line of business",
	"therapy.with_oral_antidepressant":                         "taken with an oral antidepressant",
	"therapy.oral_antidepressant_new":                          "oral antidepressant newly started or optimized",
	"therapy.oral_antidepressant_stable_weeks":                 "weeks stable on the oral antidepressant",
	"therapy.site.rems_certified":                              "REMS-certified setting",
	"therapy.site.rems_patient_enrolled":                       "patient enrolled in the REMS",
	"therapy.site.monitoring_2h":                               "monitored 2 hours after each dose",
	"therapy.dose_mg":                                          "dose (mg)",
	"history.diagnosis_confirmed_by":                           "diagnosis confirmed by",
	"history.episode.recurrent":                                "recurrent MDD",
	"history.episode.duration_months":                          "current episode (months)",
	"history.episode.psychotic_features":                       "psychotic features",
	"prescriber.specialty":                                     "prescriber specialty",
	"prescriber.psychiatrist_consulted":                        "psychiatrist consulted",
	"prescriber.pdmp_checked":                                  "PDMP checked",
	"history.contraindications.substance_use.disorder":         "substance use disorder",
	"history.contraindications.substance_use.active":           "substance use disorder active",
	"history.contraindications.substance_use.remission_months": "months in remission",
	"history.contraindications.substance_use.in_treatment":     "substance use disorder treated",
}

func explainCall(c call, f *Facts) string {
	h := f.act.history.(*record)
	list := func(key string) ([]item, bool) {
		v, _ := h.FindStringKey(key)
		raw, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := make([]item, len(raw))
		for i, x := range raw {
			out[i] = x.(*record)
		}
		return out, true
	}
	switch c.fn {
	case "failed", "augmentations":
		trials, ok := list("trials")
		if !ok {
			return "no medication trials recorded"
		}
		need, _ := c.args[0].(int64)
		if c.optErr != nil {
			return c.optErr.Error()
		}
		return describeTrials(judgeTrials(trials, int(need), c.trial), trials)
	case "tried":
		list, ok := list("psychotherapy")
		if !ok {
			return "no psychotherapy recorded"
		}
		if c.optErr != nil {
			return c.optErr.Error()
		}
		r := judgeTherapy(list, c.therapy)
		switch r.Verdict {
		case yes:
			return "psychotherapy: " + strings.Join(r.Counted, ", ")
		case maybe:
			return "psychotherapy recorded; not known whether it qualifies (" + strings.Join(r.Missing, ", ") + ")"
		}
		return "no qualifying psychotherapy recorded"
	case "latest":
		scores, ok := list("scores")
		scale, _ := c.args[0].(string)
		within := int64(anyAge)
		if len(c.args) > 1 {
			within, _ = c.args[1].(int64)
		}
		if !ok {
			return "no scores recorded"
		}
		v, s, found := latestScore(scores, scale, int(within))
		switch {
		case !found && within == anyAge:
			return fmt.Sprintf("no %s score recorded", scale)
		case !found:
			return fmt.Sprintf("no %s score within %d days", scale, within)
		}
		return fmt.Sprintf("%s %d on %v", scale, v, s.val("date"))
	case "improvement":
		scores, ok := list("scores")
		scale, _ := c.args[0].(string)
		if !ok {
			return "no scores recorded"
		}
		pct, first, last, found := scoreImprovement(scores, scale)
		if !found {
			return fmt.Sprintf("fewer than two %s scores", scale)
		}
		return fmt.Sprintf("%s %v on %v → %v on %v (%d%% improvement)", scale, first.val("value"), first.val("date"), last.val("value"), last.val("date"), pct)
	case "recorded":
		scores, ok := list("scores")
		if !ok {
			return "no scores recorded"
		}
		var scales []string
		for _, x := range c.args[0].([]any) {
			scales = append(scales, fmt.Sprint(x))
		}
		if s, found := recordedScore(scores, scales); found {
			return fmt.Sprintf("%v %v on %v", s.val("scale"), s.val("value"), s.val("date"))
		}
		return "no " + strings.Join(scales, ", ") + " score on or before the date of service"
	case "hasAny":
		diags, ok := list("diagnoses")
		if !ok {
			return "no diagnoses recorded"
		}
		var codes []string
		for _, d := range diags {
			codes = append(codes, fmt.Sprint(d.val("code")))
		}
		if len(codes) == 0 {
			return "no diagnoses recorded"
		}
		return "diagnoses " + strings.Join(codes, ", ")
	}
	return ""
}

// describeTrials says which trials counted, which did not and why, and
// which are undecided for want of a fact.
func describeTrials(r trialsResult, trials []item) string {
	var counted, undecided, rejected []string
	for _, c := range r.Checks {
		name := c.Drug
		if w, ok := trials[c.Index].num("weeks"); ok {
			name = c.Drug + " " + strconv.FormatFloat(w, 'g', -1, 64) + " wk" // fmt's %g
		}
		switch c.Verdict {
		case yes:
			counted = append(counted, name)
		case maybe:
			var fields []string
			for _, m := range c.Missing {
				fields = append(fields, m[strings.LastIndex(m, ".")+1:])
			}
			undecided = append(undecided, c.Drug+" ("+strings.Join(fields, ", ")+" not recorded)")
		case no:
			if c.Why != "" && r.Opts.Role == roleOf(trials[c.Index]) {
				rejected = append(rejected, c.Drug+" ("+c.Why+")")
			}
		}
	}
	what := "failed antidepressant"
	if r.Opts.Role == "augmentation" {
		what = "failed augmentation"
	}
	s := strconv.Itoa(r.Definite) + " qualifying " + what + " trial" + plural(r.Definite) + " (" + strconv.Itoa(r.Need) + " needed)"
	if r.Opts.DistinctClasses > 1 {
		s += ", " + strconv.Itoa(r.Classes) + " distinct class" + es(r.Classes) + " (" + strconv.Itoa(r.Opts.DistinctClasses) + " needed)"
	}
	if r.Opts.CurrentMin > 0 {
		s += ", " + strconv.Itoa(r.CurrentDef) + " in the current episode (" + strconv.Itoa(r.Opts.CurrentMin) + " needed)"
	}
	if len(counted) > 0 {
		sort.Strings(counted)
		s += ": " + strings.Join(counted, ", ")
	}
	if len(rejected) > 0 {
		s += "; not counted: " + strings.Join(rejected, ", ")
	}
	if len(undecided) > 0 {
		s += "; undecided: " + strings.Join(undecided, ", ")
	}
	return s
}

func es(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

func roleOf(t item) string {
	return t.str("role")
}
