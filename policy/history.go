package policy

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// The rest of the vocabulary over the case's history: psychotherapy tried,
// rating scale scores and diagnoses (see vocab.go).

// psychotherapy

type therapyOptions struct {
	Episode  string
	Types    []string
	MinWeeks float64
}

func parseTherapyOptions(m map[string]any) (therapyOptions, error) {
	var o therapyOptions
	err := eachOption(m, func(k string, v any) (err error) {
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
		return err
	})
	return o, err
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
