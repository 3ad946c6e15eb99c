package policy

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
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

// eachOption calls set for each option of m in key order, so that of
// several bad options the same one is named every time, and stops at the
// first error.
func eachOption(m map[string]any, set func(k string, v any) error) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := set(k, m[k]); err != nil {
			return err
		}
	}
	return nil
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

// asInt is asFloat for counts and percentages; a fraction is dropped, as
// int() drops it.
func asInt(k string, v any) (int, error) {
	f, err := asFloat(k, v)
	return int(f), err
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
