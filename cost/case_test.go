package cost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
)

func intp(n int) *int                { return &n }
func floatp(f float64) *float64      { return &f }
func datep(s string) *ketacover.Date { d := ketacover.MustDate(s); return &d }

// spravatoCase is an esketamine case on a PPO with drug and observation
// billed on their own lines.
func spravatoCase() *ketacover.Case {
	return &ketacover.Case{
		Plan: ketacover.Plan{Payer: "Aetna", Type: ketacover.PlanGroupFullyInsured,
			Benefits: &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly,
				InNetwork: ketacover.CostSharing{Deductible: ketacover.Dollars(2000), Coinsurance: ketacover.Percent(20), OOPMax: ketacover.Dollars(5000)}}},
		Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyEsketamine, Indication: ketacover.IndicationTRD,
			DoseMg: floatp(84), StartDate: datep("2026-12-07"),
			Prices: ketacover.PriceList{
				{Code: "J0013", Part: ketacover.PartDrug, Billed: 1500, Allowed: 1000},
				{Code: "99215", Part: ketacover.PartService, Billed: ketacover.Dollars(300), Allowed: ketacover.Dollars(160)},
			}},
	}
}

func TestFromCaseDefaultCourse(t *testing.T) {
	today := ketacover.MustDate("2026-11-27")
	tests := []struct {
		name     string
		sessions int // therapy.sessions, 0 for none
		want     map[string]int
		last     string
	}{
		{"label induction by default", 0, map[string]int{"induction": 8}, "2026-12-31"},
		{"odd count within induction", 7, map[string]int{"induction": 7}, "2026-12-28"},
		{"into the weekly phase", 10, map[string]int{"induction": 8, "weekly": 2}, "2027-01-11"},
		{"all of weeks 1-8", 12, map[string]int{"induction": 8, "weekly": 4}, "2027-01-25"},
		{"maintenance every 2 weeks", 15, map[string]int{"induction": 8, "weekly": 4, "maintenance": 3}, "2027-03-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := spravatoCase()
			if tc.sessions > 0 {
				c.Therapy.Sessions = intp(tc.sessions)
			}
			r, notes, err := FromCase(c, today)
			if err != nil {
				t.Fatal(err)
			}
			ss := r.Course.Sessions()
			got := map[string]int{}
			for _, s := range ss {
				got[s.Phase]++
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("sessions per phase (-want +got):\n%s", diff)
			}
			if ss[0].Date.String() != "2026-12-07" || ss[len(ss)-1].Date.String() != tc.last {
				t.Errorf("course runs %s to %s, want 2026-12-07 to %s", ss[0].Date, ss[len(ss)-1].Date, tc.last)
			}
			wantLines := []ketacover.CodeLine{{Code: "J0013", Units: 84}, {Code: "99215"}}
			if diff := cmp.Diff(wantLines, ss[0].Lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			all := strings.Join(notes, "\n")
			for _, want := range []string{"no therapy.course", "each session bills J0013 × 84, 99215 from therapy.prices", "no plan.accumulators"} {
				if !strings.Contains(all, want) {
					t.Errorf("notes lack %q:\n%s", want, all)
				}
			}
		})
	}
}

func TestFromCaseChoices(t *testing.T) {
	today := ketacover.MustDate("2026-11-27")
	t.Run("G-code by dose", func(t *testing.T) {
		for dose, want := range map[float64]string{56: "G2082", 84: "G2083"} {
			c := spravatoCase()
			c.Therapy.DoseMg = floatp(dose)
			c.Therapy.Prices = ketacover.PriceList{
				{Code: "G2082", Part: ketacover.PartBundled, Billed: ketacover.Dollars(900), Allowed: ketacover.Dollars(800)},
				{Code: "G2083", Part: ketacover.PartBundled, Billed: ketacover.Dollars(1300), Allowed: ketacover.Dollars(1100)},
			}
			r, _, err := FromCase(c, today)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Course.Phases[0].Lines; len(got) != 1 || got[0].Code != want {
				t.Errorf("dose %v mg bills %v, want %s", dose, got, want)
			}
		}
	})
	t.Run("IV ketamine series and today as the start", func(t *testing.T) {
		c := &ketacover.Case{Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyKetamineIV,
			Prices: ketacover.PriceList{{Code: "96365", Part: ketacover.PartService, Billed: ketacover.Dollars(650)}}}}
		r, notes, err := FromCase(c, today)
		if err != nil {
			t.Fatal(err)
		}
		ss := r.Course.Sessions()
		if len(ss) != DefaultKetamineIVSessions || ss[0].Date != today || ss[5].Date.String() != "2026-12-08" {
			t.Errorf("%d sessions from %s to %s", len(ss), ss[0].Date, ss[len(ss)-1].Date)
		}
		if r.Benefits != nil || !strings.Contains(notes[0], "only self-pay is estimated") || !strings.Contains(strings.Join(notes, "\n"), "assumed to start today, 2026-11-27") {
			t.Errorf("notes: %q", notes)
		}
	})
	t.Run("course from the case", func(t *testing.T) {
		c := spravatoCase()
		c.Therapy.Course = &ketacover.TreatmentPlan{Phases: []ketacover.Phase{{Name: "weekly", PerWeek: 1, Sessions: 3, Lines: []ketacover.CodeLine{{Code: "99215"}}}}}
		r, notes, err := FromCase(c, today)
		if err != nil {
			t.Fatal(err)
		}
		if r.Course.Therapy != ketacover.TherapyEsketamine || r.Course.Start.String() != "2026-12-07" || len(r.Course.Sessions()) != 3 {
			t.Errorf("course %+v", r.Course)
		}
		if strings.Contains(strings.Join(notes, "\n"), "no therapy.course") {
			t.Errorf("notes speak of a default course: %q", notes)
		}
	})
	t.Run("Medicare benefits are flagged", func(t *testing.T) {
		c := spravatoCase()
		c.Plan.Type = ketacover.PlanMedicareAdvantage
		_, notes, err := FromCase(c, today)
		if err != nil || !strings.Contains(strings.Join(notes, "\n"), "medicare-advantage coverage has its own rules") {
			t.Errorf("notes %q, err %v", notes, err)
		}
	})
}

func TestFromCaseErrors(t *testing.T) {
	today := ketacover.MustDate("2026-11-27")
	tests := []struct {
		name   string
		change func(c *ketacover.Case)
		want   string
	}{
		{"no prices", func(c *ketacover.Case) { c.Therapy.Prices = nil }, "therapy.prices: an estimate needs the clinic's prices"},
		{"no prices for a given course", func(c *ketacover.Case) {
			c.Therapy.Prices = nil
			c.Therapy.Course = &ketacover.TreatmentPlan{Phases: []ketacover.Phase{{PerWeek: 1, Weeks: 2, Lines: []ketacover.CodeLine{{Code: "99215"}}}}}
		}, "therapy.prices: an estimate needs"},
		{"dose for a per-mg code", func(c *ketacover.Case) { c.Therapy.DoseMg = nil }, "therapy.dose_mg: J0013 is billed per mg"},
		{"dose for G-codes", func(c *ketacover.Case) {
			c.Therapy.DoseMg = nil
			c.Therapy.Prices = ketacover.PriceList{{Code: "G2082", Part: ketacover.PartBundled, Billed: 1}, {Code: "G2083", Part: ketacover.PartBundled, Billed: 1}}
		}, "therapy.dose_mg: the prices list G2082 (up to 56 mg) and G2083 (over 56 mg)"},
		{"met after the start", func(c *ketacover.Case) {
			c.Plan.Accumulators = &ketacover.Accumulators{AsOf: ketacover.MustDate("2027-01-05")}
		}, "plan.accumulators.as_of: 2027-01-05 is after the first session 2026-12-07"},
		{"course paths", func(c *ketacover.Case) {
			c.Therapy.Course = &ketacover.TreatmentPlan{Phases: []ketacover.Phase{{PerWeek: 1, Weeks: 2, Lines: []ketacover.CodeLine{{Code: "99214"}}}}}
		}, `therapy.course.phases[0].lines[0].code: "99214" has no price`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := spravatoCase()
			tc.change(c)
			_, _, err := FromCase(c, today)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("FromCase: %v, want an invalid error starting %q", err, tc.want)
			}
		})
	}
}

// FuzzEstimateCase feeds arbitrary case files through the whole estimate
// path: whatever the case loader accepts must either be refused by
// FromCase or EstimateCourse with an EINVALID error naming a field, or be
// estimated with totals that add up and shares that are never negative;
// payment options must never fail on an estimate.
func FuzzEstimateCase(f *testing.F) {
	seeds, _ := filepath.Glob("../examples/cases/*.yaml")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`plan: {payer: x, type: individual, benefits: {coverage: family, embedded: true, in_network: {deductible: "500", family_deductible: "1000", coinsurance: 30%, family_oop_max: "6000"}}}
therapy: {drug: ketamine-iv, indication: trd, sessions: 9, start_date: 2026-12-20, prices: [{code: "96365", part: service, billed: "700", allowed: "450"}]}`))
	today := ketacover.MustDate("2026-11-27")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := casefile.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		r, _, err := FromCase(c, today)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("FromCase: code %q for %v", ketacover.ErrorCode(err), err)
			}
			return
		}
		e, err := EstimateCourse(r)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("EstimateCourse: code %q for %v", ketacover.ErrorCode(err), err)
			}
			return
		}
		for _, sc := range e.Scenarios {
			var sum Totals
			for _, s := range sc.Sessions {
				if s.PatientPays < 0 || s.PlanPays < 0 {
					t.Fatalf("%s session %d: patient %s, plan %s", sc.Scenario, s.Number, s.PatientPays, s.PlanPays)
				}
				sum.add(s.Totals)
			}
			if sum != sc.Totals {
				t.Fatalf("%s: sessions add to %+v, totals say %+v", sc.Scenario, sum, sc.Totals)
			}
		}
		if _, err := PaymentOptions(PayRequest{Estimate: e, PlanType: c.Plan.Type, State: c.Patient.State, Household: c.Patient.Household}); err != nil {
			t.Fatalf("PaymentOptions: %v", err)
		}
	})
}
