package policy

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// The vocabulary policies are written in: a few domain functions over the
// case's lists, so that a policy file reads like the policy text and the
// variations between payers (2, 3 or 4 failed trials; 4, 6 or 8 weeks;
// classes; episode) are parameters, not code.
//
// Every function is three-valued: it returns true or false when the
// recorded facts decide the question and a CEL unknown, naming the facts
// that would decide it, when they do not.

// vocabulary returns the CEL declarations of the domain functions.
func vocabulary() []cel.EnvOption {
	list := cel.ListType(cel.DynType)
	opts := cel.MapType(cel.StringType, cel.DynType)
	return []cel.EnvOption{
		cel.Function("failed",
			cel.MemberOverload("trials_failed_int_map", []*cel.Type{list, cel.IntType, opts}, cel.BoolType,
				cel.FunctionBinding(func(args ...ref.Val) ref.Val { return trialsBinding("antidepressant", args) }))),
		cel.Function("augmentations",
			cel.MemberOverload("trials_augmentations_int_map", []*cel.Type{list, cel.IntType, opts}, cel.BoolType,
				cel.FunctionBinding(func(args ...ref.Val) ref.Val { return trialsBinding("augmentation", args) }))),
		cel.Function("tried",
			cel.MemberOverload("psychotherapy_tried_map", []*cel.Type{list, opts}, cel.BoolType,
				cel.BinaryBinding(triedBinding))),
		cel.Function("latest",
			cel.MemberOverload("scores_latest_string_int", []*cel.Type{list, cel.StringType, cel.IntType}, cel.IntType,
				cel.FunctionBinding(latestBinding)),
			cel.MemberOverload("scores_latest_string", []*cel.Type{list, cel.StringType}, cel.IntType,
				cel.BinaryBinding(func(l, s ref.Val) ref.Val { return latestBinding(l, s, types.Int(anyAge)) }))),
		cel.Function("recorded",
			cel.MemberOverload("scores_recorded_list", []*cel.Type{list, cel.ListType(cel.StringType)}, cel.BoolType,
				cel.BinaryBinding(recordedBinding))),
		cel.Function("improvement",
			cel.MemberOverload("scores_improvement_string", []*cel.Type{list, cel.StringType}, cel.IntType,
				cel.BinaryBinding(improvementBinding))),
		cel.Function("hasAny",
			cel.MemberOverload("diagnoses_hasAny_list", []*cel.Type{list, cel.ListType(cel.StringType)}, cel.BoolType,
				cel.BinaryBinding(hasAnyBinding))),
	}
}

// domainFunctions names the vocabulary, for the explainer.
var domainFunctions = map[string]string{
	"failed":        "history.trials",
	"augmentations": "history.trials",
	"tried":         "history.psychotherapy",
	"latest":        "history.scores",
	"improvement":   "history.scores",
	"recorded":      "history.scores",
	"hasAny":        "history.diagnoses",
}

// trialOptions are the parameters of failed() and augmentations().
type trialOptions struct {
	Role             string   // antidepressant or augmentation
	MinWeeks         float64  // weeks at dose for a trial to count
	PartialMinWeeks  float64  // weeks needed when the outcome is a partial response
	PartialMaxDose   bool     // a partial response counts only at the maximum dose
	IntoleranceAny   bool     // intolerance counts whatever the duration
	Outcomes         []string // outcomes that count as failure
	MaxImprovement   *int     // nonresponse = improvement at most this percent
	Episode          string   // "current": every counted trial in the current episode
	CurrentMin       int      // at least this many counted trials in the current episode
	DistinctClasses  int      // counted trials span at least this many classes
	Classes          []string // only these classes count
	AdequateDose     bool     // dose documented as adequate
	MaxTolerated     bool     // dose was the maximally tolerated labeled dose
	MinAdherencePct  int      // adherence at least this percent
	WithinYears      float64  // trial ended within this many years of the date of service
	DistinctDrugs    bool     // count different drugs, not trial records (default true)
	ConcurrentWithAD bool     // augmentation given together with an antidepressant (documented by "augments")
}

var defaultOutcomes = []string{"no-response", "partial-response"}

// parseTrialOptions reads the options map a policy passes.
func parseTrialOptions(role string, m map[string]any) (trialOptions, error) {
	o := trialOptions{Role: role, Outcomes: defaultOutcomes, DistinctDrugs: true}
	// In key order, so that of several bad options the same one is named
	// every time.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		var err error
		switch k {
		case "min_weeks":
			o.MinWeeks, err = asFloat(k, v)
		case "partial_min_weeks":
			o.PartialMinWeeks, err = asFloat(k, v)
		case "partial_max_dose":
			o.PartialMaxDose, err = asBool(k, v)
		case "intolerance_any_duration":
			o.IntoleranceAny, err = asBool(k, v)
		case "outcomes":
			o.Outcomes, err = asStrings(k, v)
		case "max_improvement_pct":
			var f float64
			f, err = asFloat(k, v)
			n := int(f)
			o.MaxImprovement = &n
		case "episode":
			var s string
			s, err = asString(k, v)
			if err == nil && s != "current" && s != "any" {
				err = fmt.Errorf("option episode: want \"current\" or \"any\", got %q", s)
			}
			if s == "current" {
				o.Episode = s
			}
		case "current_episode_min":
			var f float64
			f, err = asFloat(k, v)
			o.CurrentMin = int(f)
		case "distinct_classes":
			var f float64
			f, err = asFloat(k, v)
			o.DistinctClasses = int(f)
		case "classes":
			o.Classes, err = asStrings(k, v)
		case "adequate_dose":
			o.AdequateDose, err = asBool(k, v)
		case "max_tolerated":
			o.MaxTolerated, err = asBool(k, v)
		case "min_adherence_pct":
			var f float64
			f, err = asFloat(k, v)
			o.MinAdherencePct = int(f)
		case "within_years":
			o.WithinYears, err = asFloat(k, v)
		default:
			err = fmt.Errorf("unknown option %q", k)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

func asFloat(k string, v any) (float64, error) {
	switch n := v.(type) {
	case int64:
		return float64(n), nil
	case uint64:
		return float64(n), nil
	case float64:
		return n, nil
	case int:
		return float64(n), nil
	}
	return 0, fmt.Errorf("option %s: want a number, got %v", k, v)
}

func asBool(k string, v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("option %s: want true or false, got %v", k, v)
	}
	return b, nil
}

func asString(k string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("option %s: want text, got %v", k, v)
	}
	return s, nil
}

func asStrings(k string, v any) ([]string, error) {
	l, ok := v.([]any)
	if !ok {
		if ls, ok := v.([]string); ok {
			return ls, nil
		}
		return nil, fmt.Errorf("option %s: want a list of text, got %v", k, v)
	}
	out := make([]string, len(l))
	for i, x := range l {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("option %s: want a list of text, got %v", k, v)
		}
		out[i] = s
	}
	return out, nil
}

// verdict is a three-valued answer for one item.
type verdict int

const (
	no verdict = iota
	maybe
	yes
)

// trialCheck is the judgment of one trial against the options.
type trialCheck struct {
	Index   int
	Drug    string
	Class   string
	Current verdict // in the current episode
	Verdict verdict
	Why     string   // why it does not count, when it does not
	Missing []string // fields that would decide it
}

// trialsResult is the judgment of a list of trials.
type trialsResult struct {
	Need        int
	Opts        trialOptions
	Checks      []trialCheck
	Definite    int // distinct drugs that surely count
	Possible    int // distinct drugs that might count (including definite)
	Classes     int // distinct classes among definite
	MaxClasses  int // distinct classes possible
	CurrentDef  int
	CurrentPoss int
	Verdict     verdict
	NoClass     []int // counted trials whose class is not recorded
}

// judgeTrials is the logic behind failed() and augmentations().
func judgeTrials(trials []item, need int, o trialOptions) trialsResult {
	r := trialsResult{Need: need, Opts: o, Checks: make([]trialCheck, 0, len(trials))}
	// The drugs (or, without DistinctDrugs, the trials) that might count,
	// in order of first appearance, each with its best judgment. A case
	// has a handful of trials, so they are found by looking through the
	// list rather than in a map.
	type drugAgg struct {
		key     string // the drug in lower case, or "#i" for trial i counted on its own
		best    verdict
		class   string
		current verdict
	}
	drugs := make([]drugAgg, 0, len(trials))
	for i, t := range trials {
		c := checkTrial(i, t, o)
		r.Checks = append(r.Checks, c)
		if c.Verdict == no {
			continue
		}
		if c.Class == "" && o.DistinctClasses > 1 {
			r.NoClass = append(r.NoClass, i)
		}
		key := strings.ToLower(c.Drug)
		if !o.DistinctDrugs || key == "" {
			key = "#" + strconv.Itoa(i)
		}
		var a *drugAgg
		for j := range drugs {
			if drugs[j].key == key {
				a = &drugs[j]
				break
			}
		}
		if a == nil {
			drugs = append(drugs, drugAgg{key: key})
			a = &drugs[len(drugs)-1]
		}
		if c.Verdict > a.best || (c.Verdict == a.best && c.Current > a.current) {
			a.best, a.class, a.current = c.Verdict, c.Class, c.Current
		}
	}
	var defClasses, possClasses []string
	unknownClass := 0
	for i := range drugs {
		a := &drugs[i]
		r.Possible++
		if a.current != no {
			r.CurrentPoss++
		}
		if a.class == "" {
			unknownClass++
		} else if !slices.Contains(possClasses, a.class) {
			possClasses = append(possClasses, a.class)
		}
		if a.best == yes {
			r.Definite++
			if a.class != "" && !slices.Contains(defClasses, a.class) {
				defClasses = append(defClasses, a.class)
			}
			if a.current == yes {
				r.CurrentDef++
			}
		}
	}
	r.Classes = len(defClasses)
	r.MaxClasses = len(possClasses) + unknownClass
	met := r.Definite >= need && r.Classes >= o.DistinctClasses && r.CurrentDef >= o.CurrentMin
	possible := r.Possible >= need && r.MaxClasses >= o.DistinctClasses && r.CurrentPoss >= o.CurrentMin
	switch {
	case met:
		r.Verdict = yes
	case possible:
		r.Verdict = maybe
	default:
		r.Verdict = no
	}
	return r
}

// checkTrial judges one trial. A fact it needs and cannot find makes the
// trial a "maybe", never a "no".
func checkTrial(i int, t item, o trialOptions) trialCheck {
	c := trialCheck{Index: i, Verdict: yes, Current: maybe}
	c.Drug = t.str("drug")
	c.Class = t.str("class")
	miss := func(field string) {
		c.Missing = append(c.Missing, "history.trials["+strconv.Itoa(i)+"]."+field)
		if c.Verdict == yes {
			c.Verdict = maybe
		}
	}
	fail := func(format string, args ...any) {
		if c.Verdict != no {
			c.Why = fmt.Sprintf(format, args...)
		}
		c.Verdict = no
	}
	switch t.str("episode") {
	case "current":
		c.Current = yes
	case "prior":
		c.Current = no
	}
	role := t.str("role")
	switch {
	case role == "":
		miss("role")
	case role != o.Role:
		fail("%s is not an %s trial", role, o.Role)
	}
	if len(o.Classes) > 0 {
		if c.Class == "" {
			miss("class")
		} else if !contains(o.Classes, c.Class) {
			fail("class %s is not one of %s", c.Class, strings.Join(o.Classes, ", "))
		}
	}
	outcome := t.str("outcome")
	if outcome == "" {
		miss("outcome")
	} else if !contains(o.Outcomes, outcome) {
		fail("outcome was %s", outcome)
	}
	if o.MaxImprovement != nil && outcome != "intolerance" {
		if imp, ok := t.num("improvement_pct"); ok {
			if imp > float64(*o.MaxImprovement) {
				fail("improved %g%% (more than %d%%)", imp, *o.MaxImprovement)
			}
		} else if outcome != "no-response" {
			miss("improvement_pct")
		}
	}
	minWeeks := o.MinWeeks
	if outcome == "partial-response" && o.PartialMinWeeks > 0 {
		minWeeks = o.PartialMinWeeks
	}
	if outcome == "intolerance" && o.IntoleranceAny {
		minWeeks = 0
	}
	if minWeeks > 0 {
		if w, ok := t.num("weeks"); !ok {
			miss("weeks")
		} else if w < minWeeks {
			fail("%g weeks (fewer than %g)", w, minWeeks)
		}
	}
	needMax := o.MaxTolerated || (o.PartialMaxDose && outcome == "partial-response")
	if needMax && outcome != "intolerance" {
		switch v, ok := t.flag("max_tolerated"); {
		case !ok:
			miss("max_tolerated")
		case !v:
			fail("not at the maximally tolerated dose")
		}
	}
	if o.AdequateDose && outcome != "intolerance" {
		switch v, ok := t.flag("dose_adequate"); {
		case !ok:
			miss("dose_adequate")
		case !v:
			fail("dose not adequate")
		}
	}
	if o.MinAdherencePct > 0 {
		if a, ok := t.num("adherence_pct"); !ok {
			miss("adherence_pct")
		} else if a < float64(o.MinAdherencePct) {
			fail("adherence %g%% (below %d%%)", a, o.MinAdherencePct)
		}
	}
	if o.Episode == "current" {
		switch c.Current {
		case maybe:
			miss("episode")
		case no:
			fail("in a prior episode")
		}
	}
	if o.WithinYears > 0 {
		if d, ok := t.num("ended_days_ago"); !ok {
			miss("end")
		} else if d > o.WithinYears*365.25 {
			fail("ended more than %g years ago", o.WithinYears)
		}
	}
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// unknown builds a CEL unknown whose attribute trails are the missing
// facts, so that the determination can name them. The unknown of each list
// of paths met is made once: merging CEL unknowns one path at a time made
// a map per path, a tenth of a hook call's allocations.
func unknown(paths []string) ref.Val {
	switch len(paths) {
	case 0:
		return types.NewUnknown(0, nil)
	case 1:
		return unknownOf(paths[0])
	}
	return unknownSets.get(strings.Join(paths, "\x00"), func(string) *types.Unknown {
		// Each trail under its own ID: MergeUnknowns appends to the
		// trails it finds under an ID both sides hold, and so could write
		// into the spare room of a slice every evaluation shares; the
		// slices NewUnknown makes have none. Determinations read the
		// trails of every ID.
		var u *types.Unknown
		for i, p := range paths {
			u = types.MergeUnknowns(u, types.NewUnknown(int64(i+1), trailOf(p)))
		}
		return u
	})
}

// unknownSets holds the unknown of each list of paths met, keyed by the
// paths joined with NULs (see memo).
var unknownSets = memo[string, *types.Unknown]{max: 1 << 14}

// trails holds the attribute trail of each fact path met: a trail is only
// read once made (an Unknown holds it by pointer, and merging copies the
// pointer), and parsing the path anew was three fifths of the cost of the
// unknowns a criterion on trials returns.
var trails = memo[string, *types.AttributeTrail]{max: 1 << 14}

// trailOf turns "history.trials[1].weeks" into an attribute trail.
func trailOf(path string) *types.AttributeTrail { return trails.get(path, makeTrail) }

// makeTrail parses path into a new attribute trail.
func makeTrail(path string) *types.AttributeTrail {
	parts := strings.Split(strings.ReplaceAll(path, "[", ".["), ".")
	t := types.NewAttributeTrail(parts[0])
	for _, p := range parts[1:] {
		if strings.HasPrefix(p, "[") {
			var n int64
			fmt.Sscanf(p, "[%d]", &n)
			types.QualifyAttribute[int64](t, n)
			continue
		}
		types.QualifyAttribute[string](t, p)
	}
	return t
}

// trailPath turns an attribute trail back into a field path.
func trailPath(t *types.AttributeTrail) string {
	qs := t.QualifierPath()
	if len(qs) == 0 {
		return t.Variable()
	}
	var buf [96]byte
	b := append(buf[:0], t.Variable()...)
	for _, q := range qs {
		switch v := q.(type) {
		case string:
			b = append(append(b, '.'), v...)
		case int64:
			b = append(strconv.AppendInt(append(b, '['), v, 10), ']')
		case uint64:
			b = append(strconv.AppendUint(append(b, '['), v, 10), ']')
		default:
			b = fmt.Appendf(b, ".%v", v)
		}
	}
	return string(b)
}

// item is an element of a case list as the domain functions read it: a
// trial's record (see NewFacts) or a Go map. Its values are read by type,
// so that a record's (pointers, see Facts.str) need not be put in an
// interface on every reading.
type item interface {
	str(key string) string          // the text at key, or ""
	num(key string) (float64, bool) // the number at key
	flag(key string) (bool, bool)   // the yes or no at key
	val(key string) any             // the value at key, nil when not recorded, for the explanation
}

// plainItem is a Go map as an item.
type plainItem map[string]any

func (m plainItem) str(key string) string {
	s, _ := m[key].(string)
	return s
}

func (m plainItem) num(key string) (float64, bool) { return number(m[key]) }

func (m plainItem) val(key string) any { return m[key] }

func (m plainItem) flag(key string) (bool, bool) {
	b, ok := m[key].(bool)
	return b, ok
}

// nativeItems converts a CEL list of records or maps to items.
func nativeItems(v ref.Val) ([]item, bool) {
	l, ok := v.(traits.Lister)
	if !ok {
		return nil, false
	}
	n, _ := l.Size().(types.Int)
	out := make([]item, 0, int(n))
	for i := types.Int(0); i < n; i++ {
		e := l.Get(i)
		if r, ok := e.(*record); ok {
			out = append(out, r)
			continue
		}
		m, err := e.ConvertToNative(mapType)
		if err != nil {
			return nil, false
		}
		out = append(out, plainItem(m.(map[string]any)))
	}
	return out, true
}

// parsedOptions are the options of a domain function call: trial options
// for a role (failed, augmentations), therapy options (role ""), or a
// list of text (role stringList: recorded's scales, hasAny's codes).
type parsedOptions struct {
	trial   trialOptions
	therapy therapyOptions
	strs    []string
	err     error
}

// stringList is the role under which options reads a list of text.
const stringList = "[]string"

// optionsKey is an options map, by identity, and the role it is read for.
type optionsKey struct {
	m    ref.Val
	role string
}

// The options of constant options maps (and constant lists of text), read
// once. With cel.OptOptimize, CEL makes a criterion's constant map or list
// once and passes that same value on every evaluation; converting and parsing it on every call was half the
// cost of failed(). Only pointer values are kept (their identity is the
// map's), and at most maxCachedOptions of them, so that a process that
// compiles policies without end (the fuzzer) stops adding.
var (
	optionsMu    sync.RWMutex
	optionsCache = map[optionsKey]parsedOptions{}
)

const maxCachedOptions = 4096

// options returns the parsed options of the options map m; false when m
// is not a map.
func options(m ref.Val, role string) (parsedOptions, bool) {
	k := optionsKey{m, role}
	cacheable := reflect.ValueOf(m).Kind() == reflect.Pointer
	if cacheable {
		optionsMu.RLock()
		p, ok := optionsCache[k]
		optionsMu.RUnlock()
		if ok {
			return p, true
		}
	}
	var p parsedOptions
	switch role {
	case stringList:
		l, err := m.ConvertToNative(stringsType)
		if err != nil {
			return parsedOptions{}, false
		}
		p.strs = l.([]string)
	default:
		mm, ok := nativeMap(m)
		if !ok {
			return parsedOptions{}, false
		}
		if role == "" {
			p.therapy, p.err = parseTherapyOptions(mm)
		} else {
			p.trial, p.err = parseTrialOptions(role, mm)
		}
	}
	if cacheable {
		optionsMu.Lock()
		if len(optionsCache) < maxCachedOptions {
			optionsCache[k] = p
		}
		optionsMu.Unlock()
	}
	return p, true
}

func nativeMap(v ref.Val) (map[string]any, bool) {
	m, err := v.ConvertToNative(mapType)
	if err != nil {
		return nil, false
	}
	return m.(map[string]any), true
}

func trialsBinding(role string, args []ref.Val) ref.Val {
	if len(args) != 3 {
		return types.NewErr("failed: want a count and options")
	}
	trials, ok := nativeItems(args[0])
	need, ok2 := args[1].(types.Int)
	p, ok3 := options(args[2], role)
	if !ok || !ok2 || !ok3 {
		return types.NewErr("failed: want (list, int, map)")
	}
	if p.err != nil {
		return types.NewErr("%s", p.err)
	}
	r := judgeTrials(trials, int(need), p.trial)
	switch r.Verdict {
	case yes:
		return types.True
	case no:
		return types.False
	}
	var missing []string
	for _, c := range r.Checks {
		if c.Verdict == maybe {
			missing = append(missing, c.Missing...)
		}
	}
	for _, i := range r.NoClass {
		missing = append(missing, "history.trials["+strconv.Itoa(i)+"].class")
	}
	return unknown(missing)
}

// psychotherapy

type therapyOptions struct {
	Episode  string
	Types    []string
	MinWeeks float64
}

func parseTherapyOptions(m map[string]any) (therapyOptions, error) {
	var o therapyOptions
	// In key order, so that of several bad options the same one is named
	// every time.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		var err error
		switch k {
		case "episode":
			o.Episode, err = asString(k, v)
		case "types":
			o.Types, err = asStrings(k, v)
		case "min_weeks":
			o.MinWeeks, err = asFloat(k, v)
		default:
			err = fmt.Errorf("unknown option %q", k)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

type therapyResult struct {
	Opts    therapyOptions
	Verdict verdict
	Counted []string
	Missing []string
}

func judgeTherapy(list []item, o therapyOptions) therapyResult {
	r := therapyResult{Opts: o, Verdict: no}
	for i, t := range list {
		v := yes
		var missing []string
		typ := t.str("type")
		if len(o.Types) > 0 && !contains(o.Types, typ) {
			v = no
		}
		if o.Episode == "current" {
			switch t.str("episode") {
			case "":
				missing = append(missing, "history.psychotherapy["+strconv.Itoa(i)+"].episode")
			case "prior":
				v = no
			}
		}
		if o.MinWeeks > 0 {
			if w, ok := t.num("weeks"); !ok {
				missing = append(missing, "history.psychotherapy["+strconv.Itoa(i)+"].weeks")
			} else if w < o.MinWeeks {
				v = no
			}
		}
		if v == yes && len(missing) > 0 {
			v = maybe
		}
		switch v {
		case yes:
			r.Verdict = yes
			r.Counted = append(r.Counted, typ)
		case maybe:
			if r.Verdict == no {
				r.Verdict = maybe
			}
			r.Missing = append(r.Missing, missing...)
		}
	}
	return r
}

func triedBinding(lhs, rhs ref.Val) ref.Val {
	list, ok := nativeItems(lhs)
	p, ok2 := options(rhs, "")
	if !ok || !ok2 {
		return types.NewErr("tried: want (list, map)")
	}
	if p.err != nil {
		return types.NewErr("%s", p.err)
	}
	switch r := judgeTherapy(list, p.therapy); r.Verdict {
	case yes:
		return types.True
	case no:
		return types.False
	default:
		return unknown(r.Missing)
	}
}

// scores

// anyAge is the window latest(scale) uses when a policy sets none: any
// score taken on or before the date of service.
const anyAge = 1 << 40

// latestScore returns the most recent score on scale taken within days of
// the date of service (and not after it).
func latestScore(scores []item, scale string, within int) (int64, item, bool) {
	var best item
	bestAgo := math.MaxFloat64
	for _, s := range scores {
		if !strings.EqualFold(s.str("scale"), scale) {
			continue
		}
		ago, ok := s.num("days_ago")
		if !ok || ago < 0 || ago > float64(within) {
			continue
		}
		if ago < bestAgo {
			best, bestAgo = s, ago
		}
	}
	if best == nil {
		return 0, nil, false
	}
	v, _ := best.num("value")
	return int64(v), best, true
}

func latestBinding(args ...ref.Val) ref.Val {
	if len(args) != 3 {
		return types.NewErr("latest: want (scale, days)")
	}
	scores, ok := nativeItems(args[0])
	scale, ok2 := args[1].(types.String)
	within, ok3 := args[2].(types.Int)
	if !ok || !ok2 || !ok3 {
		return types.NewErr("latest: want (list, string, int)")
	}
	v, _, found := latestScore(scores, string(scale), int(within))
	if !found {
		return unknownOf("history.scores." + string(scale))
	}
	return types.Int(v)
}

// scoreImprovement is the percent improvement from the earliest to the
// latest score on a scale (positive is better: scores fall as depression
// lifts).
func scoreImprovement(scores []item, scale string) (pct int64, first, last item, ok bool) {
	var on []item
	for _, s := range scores {
		if strings.EqualFold(s.str("scale"), scale) {
			if ago, ok := s.num("days_ago"); ok && ago >= 0 {
				on = append(on, s)
			}
		}
	}
	if len(on) < 2 {
		return 0, nil, nil, false
	}
	sort.SliceStable(on, func(i, j int) bool {
		a, _ := on[i].num("days_ago")
		b, _ := on[j].num("days_ago")
		return a > b
	})
	first, last = on[0], on[len(on)-1]
	f, _ := first.num("value")
	l, _ := last.num("value")
	if f == 0 {
		return 0, first, last, false
	}
	return int64(math.Round((f - l) / f * 100)), first, last, true
}

// recordedBinding answers whether a score on any of the named scales was
// taken on or before the date of service (a baseline score on file).
func recordedBinding(lhs, rhs ref.Val) ref.Val {
	scores, ok := nativeItems(lhs)
	if !ok {
		return types.NewErr("recorded: want a list of scores")
	}
	scales, ok := options(rhs, stringList)
	if !ok {
		return types.NewErr("recorded: want a list of scales")
	}
	if _, found := recordedScore(scores, scales.strs); found {
		return types.True
	}
	return types.False
}

// recordedScore returns the latest score on any of scales on or before
// the date of service.
func recordedScore(scores []item, scales []string) (item, bool) {
	var best item
	bestAgo := math.MaxFloat64
	for _, s := range scores {
		sc := s.str("scale")
		ago, ok := s.num("days_ago")
		if !contains(scales, sc) || !ok || ago < 0 {
			continue
		}
		if ago < bestAgo {
			best, bestAgo = s, ago
		}
	}
	return best, best != nil
}

func improvementBinding(lhs, rhs ref.Val) ref.Val {
	scores, ok := nativeItems(lhs)
	scale, ok2 := rhs.(types.String)
	if !ok || !ok2 {
		return types.NewErr("improvement: want (list, string)")
	}
	pct, _, _, found := scoreImprovement(scores, string(scale))
	if !found {
		return unknownOf("history.scores." + string(scale))
	}
	return types.Int(pct)
}

// diagnoses

func matchDiagnosis(code, pattern string) bool {
	code, pattern = strings.ToUpper(code), strings.ToUpper(pattern)
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(code, p)
	}
	return code == pattern
}

func hasAnyBinding(lhs, rhs ref.Val) ref.Val {
	list, ok := nativeItems(lhs)
	if !ok {
		return types.NewErr("hasAny: want a list of diagnoses")
	}
	codes, ok := options(rhs, stringList)
	if !ok {
		return types.NewErr("hasAny: want a list of codes")
	}
	for _, d := range list {
		code := d.str("code")
		for _, p := range codes.strs {
			if matchDiagnosis(code, p) {
				return types.True
			}
		}
	}
	return types.False
}
