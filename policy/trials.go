package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// The trials of antidepressants and augmentations a policy asks to have
// failed: failed() and augmentations() in the vocabulary (see vocab.go).

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
	err := eachOption(m, func(k string, v any) (err error) {
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
			var n int
			n, err = asInt(k, v)
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
			o.CurrentMin, err = asInt(k, v)
		case "distinct_classes":
			o.DistinctClasses, err = asInt(k, v)
		case "classes":
			o.Classes, err = asStrings(k, v)
		case "adequate_dose":
			o.AdequateDose, err = asBool(k, v)
		case "max_tolerated":
			o.MaxTolerated, err = asBool(k, v)
		case "min_adherence_pct":
			o.MinAdherencePct, err = asInt(k, v)
		case "within_years":
			o.WithinYears, err = asFloat(k, v)
		default:
			err = fmt.Errorf("unknown option %q", k)
		}
		return err
	})
	return o, err
}

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
