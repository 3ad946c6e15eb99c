package policy_test

import (
	"strings"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

// TestBundledLibrary runs every bundled policy's own table of tests and
// checks that together they drive every criterion of every version to met,
// not met and unknown.
func TestBundledLibrary(t *testing.T) {
	for _, p := range policy.Lint(policies.FS, policy.LintOptions{RequireUnknown: true}) {
		t.Error(p)
	}
}

// TestReferenceProfiles checks each therapy has one reference profile and
// that the policies it names exist and are for the same therapy.
func TestReferenceProfiles(t *testing.T) {
	lib, err := policy.Load(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	profiles := map[string]int{}
	for _, p := range lib.Policies() {
		if !p.Reference {
			continue
		}
		profiles[string(p.Therapy)]++
		if len(p.SharedBy) == 0 {
			t.Errorf("%s: a reference profile must name the policies it draws on", p.ID)
		}
		for _, id := range p.SharedBy {
			q, err := lib.Policy(id)
			if err != nil {
				t.Errorf("%s: shared_by %s: %v", p.ID, id, err)
				continue
			}
			if q.Therapy != p.Therapy || q.Reference {
				t.Errorf("%s: shared_by %s is not a %s payer policy", p.ID, id, p.Therapy)
			}
		}
	}
	for _, th := range []string{"esketamine", "ketamine-iv"} {
		if profiles[th] != 1 {
			t.Errorf("%d reference profiles for %s, want 1", profiles[th], th)
		}
	}
}

// TestCheckWithoutCriteriaForTheIndication: a case that reaches the
// reference profile with an indication the profile has no criteria for
// (Check takes unvalidated cases too) gets a "no policy" answer, not a
// panic.
func TestCheckWithoutCriteriaForTheIndication(t *testing.T) {
	lib, err := policy.Load(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range []ketacover.Indication{"", "ptsd"} {
		c := &ketacover.Case{
			Plan:    ketacover.Plan{Payer: "Nobody Health Plan"},
			Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyEsketamine, Indication: ind},
		}
		asOf, _ := ketacover.ParseDate("2026-11-27")
		f, err := policy.NewFacts(c, asOf)
		if err != nil {
			t.Fatal(err)
		}
		ds := lib.Check(f, "")
		if len(ds) != 1 || ds[0].Outcome != ketacover.OutcomeNoPolicy || !strings.HasPrefix(ds[0].Verdict, "No policy on file for Nobody Health Plan") {
			t.Errorf("indication %q: %+v", ind, ds)
		}
	}
}
