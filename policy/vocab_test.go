package policy

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"cel.dev/cel-go/common/types"
)

func trial(kv ...any) item {
	m := plainItem{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func TestJudgeTrials(t *testing.T) {
	ssri := trial("drug", "sertraline", "class", "ssri", "role", "antidepressant", "weeks", 8.0, "outcome", "no-response", "episode", "current", "dose_adequate", true)
	snri := trial("drug", "venlafaxine", "class", "snri", "role", "antidepressant", "weeks", 6.0, "outcome", "partial-response", "episode", "current", "dose_adequate", true)
	ssri2 := trial("drug", "escitalopram", "class", "ssri", "role", "antidepressant", "weeks", 10.0, "outcome", "no-response", "episode", "current", "dose_adequate", true)
	noWeeks := trial("drug", "bupropion", "class", "bupropion", "role", "antidepressant", "outcome", "no-response", "episode", "current", "dose_adequate", true)
	prior := trial("drug", "mirtazapine", "class", "mirtazapine", "role", "antidepressant", "weeks", 8.0, "outcome", "no-response", "episode", "prior", "dose_adequate", true)
	intol := trial("drug", "duloxetine", "class", "snri", "role", "antidepressant", "weeks", 1.0, "outcome", "intolerance", "episode", "current")
	aug := trial("drug", "aripiprazole", "class", "atypical-antipsychotic", "role", "augmentation", "weeks", 8.0, "outcome", "no-response", "episode", "current")
	sameDrugTwice := trial("drug", "Sertraline", "class", "ssri", "role", "antidepressant", "weeks", 12.0, "outcome", "no-response", "episode", "current", "dose_adequate", true)

	tests := []struct {
		name   string
		trials []item
		need   int
		opts   map[string]any
		role   string
		want   verdict
	}{
		{"two failed trials of six weeks meet a two-trial rule", []item{ssri, snri}, 2, map[string]any{"min_weeks": 6.0}, "antidepressant", yes},
		{"a third trial is missing", []item{ssri, snri}, 3, map[string]any{"min_weeks": 6.0}, "antidepressant", no},
		{"eight weeks rule rejects the six-week trial", []item{ssri, snri}, 2, map[string]any{"min_weeks": 8.0}, "antidepressant", no},
		{"two SSRIs are one class", []item{ssri, ssri2}, 2, map[string]any{"distinct_classes": 2.0}, "antidepressant", no},
		{"a trial with unknown weeks could make up the number", []item{ssri, noWeeks}, 2, map[string]any{"min_weeks": 6.0}, "antidepressant", maybe},
		{"an unknown trial cannot help when two more are needed", []item{ssri, noWeeks}, 3, map[string]any{"min_weeks": 6.0}, "antidepressant", no},
		{"prior-episode trial does not count when every trial must be current", []item{ssri, prior}, 2, map[string]any{"episode": "current"}, "antidepressant", no},
		{"prior-episode trial counts when one current trial suffices", []item{ssri, prior}, 2, map[string]any{"current_episode_min": 1.0}, "antidepressant", yes},
		{"intolerance does not count by default", []item{ssri, intol}, 2, map[string]any{}, "antidepressant", no},
		{"intolerance of any duration counts when the policy says so", []item{ssri, intol}, 2, map[string]any{"min_weeks": 4.0, "outcomes": []any{"no-response", "partial-response", "intolerance"}, "intolerance_any_duration": true}, "antidepressant", yes},
		{"the same drug twice counts once", []item{ssri, sameDrugTwice}, 2, map[string]any{}, "antidepressant", no},
		{"augmentation counts as augmentation, not antidepressant", []item{aug}, 1, map[string]any{}, "augmentation", yes},
		{"augmentation is not an antidepressant trial", []item{ssri, aug}, 2, map[string]any{}, "antidepressant", no},
		{"partial response needs eight weeks at maximum dose", []item{ssri, snri}, 2, map[string]any{"min_weeks": 4.0, "partial_min_weeks": 8.0, "partial_max_dose": true}, "antidepressant", no},
		{"25% improvement rule: a partial response without a percentage is undecided", []item{ssri, snri}, 2, map[string]any{"max_improvement_pct": 25.0}, "antidepressant", maybe},
		{"adequate dose undocumented is undecided", []item{ssri, trial("drug", "paroxetine", "class", "ssri", "role", "antidepressant", "weeks", 8.0, "outcome", "no-response")}, 2, map[string]any{"adequate_dose": true}, "antidepressant", maybe},
		{"within five years", []item{trial("drug", "sertraline", "role", "antidepressant", "outcome", "no-response", "ended_days_ago", int64(3000))}, 1, map[string]any{"within_years": 5.0}, "antidepressant", no},
		{"unknown class could be a second class", []item{ssri, trial("drug", "newdrug", "role", "antidepressant", "outcome", "no-response")}, 2, map[string]any{"distinct_classes": 2.0}, "antidepressant", maybe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseTrialOptions(tt.role, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := judgeTrials(tt.trials, tt.need, o).Verdict; got != tt.want {
				t.Errorf("verdict = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTrialOptionErrors(t *testing.T) {
	for _, opts := range []map[string]any{
		{"min_week": 6.0},
		{"min_weeks": "six"},
		{"episode": "past"},
		{"classes": "ssri"},
	} {
		if _, err := parseTrialOptions("antidepressant", opts); err == nil {
			t.Errorf("options %v: no error", opts)
		}
	}
}

func TestLatestAndImprovement(t *testing.T) {
	scores := []item{
		plainItem{"scale": "PHQ-9", "value": int64(21), "days_ago": int64(90), "date": "a"},
		plainItem{"scale": "PHQ-9", "value": int64(9), "days_ago": int64(3), "date": "b"},
		plainItem{"scale": "MADRS", "value": int64(30), "days_ago": int64(-2), "date": "future"},
	}
	if v, _, ok := latestScore(scores, "PHQ-9", 28); !ok || v != 9 {
		t.Errorf("latest PHQ-9 within 28 days = %d, %v; want 9", v, ok)
	}
	if _, _, ok := latestScore(scores, "MADRS", 365); ok {
		t.Error("a score after the date of service was used")
	}
	if pct, _, _, ok := scoreImprovement(scores, "PHQ-9"); !ok || pct != 57 {
		t.Errorf("improvement = %d, %v; want 57", pct, ok)
	}
}

func TestMatchDiagnosis(t *testing.T) {
	for _, tt := range []struct {
		code, pattern string
		want          bool
	}{
		{"F33.2", "F33.*", true},
		{"f33.2", "F33.2", true},
		{"F32.3", "F33.*", false},
		{"F32.A", "F32.A", true},
	} {
		if got := matchDiagnosis(tt.code, tt.pattern); got != tt.want {
			t.Errorf("match(%s, %s) = %v", tt.code, tt.pattern, got)
		}
	}
}

// TestOptionErrorsAreStable: of several unknown options, the same one is
// named every time (not whichever Go's map order gives first).
func TestOptionErrorsAreStable(t *testing.T) {
	m := map[string]any{"zeta": 1, "alpha": 2, "mid": 3, "beta": 4}
	for range 20 {
		if _, err := parseTrialOptions("trial", m); err == nil || err.Error() != `unknown option "alpha"` {
			t.Fatalf("trial options: %v, want unknown option \"alpha\"", err)
		}
		if _, err := parseTherapyOptions(m); err == nil || err.Error() != `unknown option "alpha"` {
			t.Fatalf("therapy options: %v, want unknown option \"alpha\"", err)
		}
	}
}

// TestTrailOf: a path's trail reads back as the path, equals a freshly
// parsed one, is made once and then shared, and concurrent evaluations
// that merge unknowns over shared trails leave them unchanged.
func TestTrailOf(t *testing.T) {
	paths := []string{"patient.age", "history.trials[1].weeks", "history.trials[12].class", "therapy.drug", "history.scores[0].value"}
	for _, p := range paths {
		got := trailOf(p)
		if trailPath(got) != p {
			t.Errorf("trailOf(%q) reads back as %q", p, trailPath(got))
		}
		if !got.Equal(makeTrail(p)) {
			t.Errorf("trailOf(%q) = %v, want %v", p, got, makeTrail(p))
		}
		if again := trailOf(p); again != got {
			t.Errorf("trailOf(%q) made a second trail", p)
		}
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				u := unknown(paths).(*types.Unknown)
				u = types.MergeUnknowns(u, unknown(paths[:2]).(*types.Unknown))
				_ = u.String()
			}
		}()
	}
	wg.Wait()
	for _, p := range paths {
		if got := trailPath(trailOf(p)); got != p {
			t.Errorf("after concurrent merges, the trail of %q reads %q", p, got)
		}
	}
}

// missingOf reads the fact paths an unknown names, sorted, as the
// determination does.
func missingOf(u *types.Unknown) []string {
	var out []string
	for _, id := range u.IDs() {
		trails, _ := u.GetAttributeTrails(id)
		for _, tr := range trails {
			if p := trailPath(tr); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestUnknownSets: the unknown of a list of paths names every path, is
// made once and shared, and evaluations that merge shared unknowns at once
// each get the union of theirs and leave the shared ones as they were
// (run with -race).
func TestUnknownSets(t *testing.T) {
	a := []string{"history.trials[0].weeks", "history.trials[1].class", "history.trials[2].weeks", "patient.age", "history.trials[3].outcome"}
	b := []string{"history.trials[4].weeks", "history.trials[1].class", "therapy.drug"}
	sorted := func(l ...[]string) []string {
		var out []string
		for _, x := range l {
			for _, p := range x {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	ua := unknown(a).(*types.Unknown)
	if got := missingOf(ua); !slices.Equal(got, sorted(a)) {
		t.Fatalf("unknown(a) names %v, want %v", got, sorted(a))
	}
	if unknown(a).(*types.Unknown) != ua {
		t.Error("the unknown of the same paths was made twice")
	}
	if unknown(a[:1]).(*types.Unknown) != unknownOf(a[0]) {
		t.Error("a single path's unknown is not the one unknownOf keeps")
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each goroutine merges the shared set with its own path,
			// and with another shared set whose IDs collide with it.
			own := unknownOf("history.trials[" + strconv.Itoa(5+g) + "].dose")
			for range 300 {
				u := types.MergeUnknowns(unknown(a).(*types.Unknown), unknown(b).(*types.Unknown))
				u = types.MergeUnknowns(u, own)
				want := sorted(a, b, []string{"history.trials[" + strconv.Itoa(5+g) + "].dose"})
				if got := missingOf(u); !slices.Equal(got, want) {
					errs <- "merged unknown names " + fmt.Sprint(got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := missingOf(ua); !slices.Equal(got, sorted(a)) {
		t.Errorf("after concurrent merges unknown(a) names %v, want %v", got, sorted(a))
	}
}
