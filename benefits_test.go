package ketacover_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
)

// ppo is a valid self-only PPO with both network tiers.
func ppo() *ketacover.Benefits {
	return &ketacover.Benefits{
		Coverage:     ketacover.CoverageSelfOnly,
		InNetwork:    ketacover.CostSharing{Deductible: ketacover.Dollars(2000), Coinsurance: ketacover.Percent(20), OOPMax: ketacover.Dollars(5000)},
		OutOfNetwork: &ketacover.CostSharing{Deductible: ketacover.Dollars(4000), Coinsurance: ketacover.Percent(40), OOPMax: ketacover.Dollars(12000)},
	}
}

// problems splits a Validate error into its "path: message" parts.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "; ")
}

func TestBenefitsValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(b *ketacover.Benefits)
		want   []string // the field paths, in order
	}{
		{"valid", func(b *ketacover.Benefits) {}, nil},
		{"no coverage", func(b *ketacover.Benefits) { b.Coverage = "" }, []string{"benefits.coverage"}},
		{"embedded on self-only", func(b *ketacover.Benefits) { b.Embedded = true }, []string{"benefits.embedded"}},
		{"every bad field at once", func(b *ketacover.Benefits) {
			b.InNetwork.Coinsurance = ketacover.Percent(120)
			b.InNetwork.Copay = ketacover.Dollars(30)
			b.OutOfNetwork.NoOOPMax = true
		}, []string{"benefits.in_network.coinsurance", "benefits.in_network.copay_rule", "benefits.out_of_network.no_oop_max"}},
		{"no in-network cap", func(b *ketacover.Benefits) { b.InNetwork.OOPMax = 0 }, []string{"benefits.in_network.oop_max"}},
		{"no cap in network needs grandfathering", func(b *ketacover.Benefits) {
			b.InNetwork.OOPMax, b.InNetwork.NoOOPMax = 0, true
		}, []string{"benefits.in_network.no_oop_max"}},
		{"grandfathered without a cap", func(b *ketacover.Benefits) {
			b.Grandfathered, b.InNetwork.OOPMax, b.InNetwork.NoOOPMax = true, 0, true
		}, nil},
		{"deductible above cap", func(b *ketacover.Benefits) { b.InNetwork.Deductible = ketacover.Dollars(6000) }, []string{"benefits.in_network.deductible"}},
		{"allowed of billed in network", func(b *ketacover.Benefits) { b.InNetwork.AllowedOfBilled = ketacover.Percent(60) }, []string{"benefits.in_network.allowed_of_billed"}},
		{"family amounts on self-only", func(b *ketacover.Benefits) { b.InNetwork.FamilyDeductible = 1 }, []string{"benefits.in_network.family_deductible"}},
		{"family without family amounts", func(b *ketacover.Benefits) { b.Coverage = ketacover.CoverageFamily }, []string{
			"benefits.in_network.family_deductible", "benefits.in_network.family_oop_max",
			"benefits.out_of_network.family_deductible", "benefits.out_of_network.family_oop_max"}},
		{"plan year start", func(b *ketacover.Benefits) { b.PlanYearStart = ketacover.MonthDay{Month: 2, Day: 30} }, []string{"benefits.plan_year_start"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := ppo()
			tc.change(b)
			err := b.Validate()
			var got []string
			for _, p := range problems(err) {
				path, _, _ := strings.Cut(p, ":")
				got = append(got, path)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Validate() = %v; paths (-want +got):\n%s", err, diff)
			}
			if err != nil && ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code %q, want invalid", ketacover.ErrorCode(err))
			}
		})
	}
}

func TestPlanYear(t *testing.T) {
	b := ppo()
	tests := []struct {
		start ketacover.MonthDay
		day   string
		want  string
	}{
		{ketacover.MonthDay{}, "2026-12-31", "2026-01-01"},
		{ketacover.MonthDay{}, "2027-01-01", "2027-01-01"},
		{ketacover.MonthDay{Month: 7, Day: 1}, "2026-06-30", "2025-07-01"},
		{ketacover.MonthDay{Month: 7, Day: 1}, "2026-07-01", "2026-07-01"},
	}
	for _, tc := range tests {
		b.PlanYearStart = tc.start
		if got := b.PlanYear(ketacover.MustDate(tc.day)); got.String() != tc.want {
			t.Errorf("plan year from %s of %s = %s, want %s", tc.start, tc.day, got, tc.want)
		}
	}
}

func TestAccumulatorsValidate(t *testing.T) {
	fam := ppo()
	fam.Coverage = ketacover.CoverageFamily
	tests := []struct {
		name string
		a    ketacover.Accumulators
		b    *ketacover.Benefits
		want []string
	}{
		{"nothing met", ketacover.Accumulators{}, ppo(), nil},
		{"oop below deductible", ketacover.Accumulators{InNetwork: ketacover.Accumulator{Deductible: 500, OOP: 100}}, ppo(), []string{"accumulators.in_network.oop"}},
		{"family on self-only", ketacover.Accumulators{OutOfNetwork: ketacover.Accumulator{FamilyOOP: 100}}, ppo(), []string{"accumulators.out_of_network.family_oop"}},
		{"family smaller than the patient's", ketacover.Accumulators{InNetwork: ketacover.Accumulator{Deductible: 500, OOP: 500, FamilyDeductible: 400, FamilyOOP: 500}}, fam,
			[]string{"accumulators.in_network.family_deductible"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range problems(tc.a.ValidateFor(tc.b)) {
				path, _, _ := strings.Cut(p, ":")
				got = append(got, path)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTreatmentPlanSessions(t *testing.T) {
	tp := ketacover.TreatmentPlan{Therapy: ketacover.TherapyKetamineIV, Start: ketacover.MustDate("2026-03-02"), Phases: []ketacover.Phase{
		{Name: "series", PerWeek: 3, Sessions: 5, Lines: []ketacover.CodeLine{{Code: "96365"}}},
		{Name: "booster", EveryWeeks: 4, Weeks: 9, Lines: []ketacover.CodeLine{{Code: "96365"}}},
	}}
	if err := tp.Validate(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range tp.Sessions() {
		got = append(got, s.Date.String()+" "+s.Phase)
	}
	want := []string{
		// Three a week on days 0, 2 and 4; five sessions take two weeks.
		"2026-03-02 series", "2026-03-04 series", "2026-03-06 series", "2026-03-09 series", "2026-03-11 series",
		// Every 4 weeks for 9 weeks: weeks 1, 5 and 9.
		"2026-03-16 booster", "2026-04-13 booster", "2026-05-11 booster",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sessions (-want +got):\n%s", diff)
	}
}

func TestTreatmentPlanValidate(t *testing.T) {
	tp := ketacover.TreatmentPlan{Phases: []ketacover.Phase{
		{PerWeek: 2, EveryWeeks: 2, Weeks: 4, Lines: []ketacover.CodeLine{{Code: "G2083"}}},
		{PerWeek: 1, Lines: []ketacover.CodeLine{{Code: "9636", Units: -1}}},
		{PerWeek: 1, Weeks: 600, Lines: []ketacover.CodeLine{{Code: "J0013", Price: &ketacover.Price{Code: "J0012"}}}},
	}}
	var got []string
	for _, p := range problems(tp.Validate()) {
		path, _, _ := strings.Cut(p, ":")
		got = append(got, path)
	}
	want := []string{
		"course.therapy", "course.start",
		"course.phases[0].per_week",
		"course.phases[1].weeks", "course.phases[1].lines[0].units", "course.phases[1].lines[0].code",
		"course.phases[2]", "course.phases[2].lines[0].price.code",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	prices := ketacover.PriceList{{Code: "G2083", Part: ketacover.PartBundled, Billed: 100}, {Code: "G2083", Part: "drug?", Billed: 0}}
	got = problems(ketacover.TreatmentPlan{Phases: []ketacover.Phase{{Lines: []ketacover.CodeLine{{Code: "96365"}}}}}.ValidatePrices(prices))
	want = []string{
		`prices[1].part: G2083: want "drug", "service" or "bundled", got "drug?"`,
		"prices[1].billed: G2083: want the charge per unit, more than zero",
		"prices[1].code: G2083 is priced twice (also prices[0])",
		`course.phases[0].lines[0].code: "96365" has no price: add it to the price list or give the line a price`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ValidatePrices (-want +got):\n%s", diff)
	}
}

func TestHouseholdValidate(t *testing.T) {
	got := problems(ketacover.Household{Size: 0, AnnualIncome: -1, State: "Ohio"}.Validate())
	want := []string{
		"household.size: want 1 to 50 persons, got 0",
		"household.annual_income: want 0 or more, got -$0.01",
		`household.state: want a two-letter state code such as TX, got "Ohio"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := (ketacover.Household{Size: 3, AnnualIncome: ketacover.Dollars(52000)}).Validate(); err != nil {
		t.Errorf("valid household: %v", err)
	}
}

// caseWithCost is a valid case file with every cost field; the tests
// below break one line of it at a time.
const caseWithCost = `patient:
  state: OK
  household: {size: 2, annual_income: "$48,000"}
plan:
  payer: Aetna
  type: group-fully-insured
  benefits:
    coverage: self-only
    plan_year_start: 07-01
    in_network: {deductible: 1500.00, coinsurance: 20%, oop_max: "$4,000"}
  accumulators:
    as_of: 2026-11-01
    in_network: {deductible: 600, oop: 600}
therapy:
  drug: esketamine
  indication: trd
  dose_mg: 84
  start_date: 2026-12-07
  course:
    phases:
      - {name: induction, per_week: 2, weeks: 4, lines: [{code: J0013, units: 84}, {code: "99215"}]}
  prices:
    - {code: J0013, part: drug, billed: 14.00, allowed: 10.50}
    - {code: "99215", part: service, billed: 300, allowed: 160}
`

func TestCaseCostFields(t *testing.T) {
	c, err := casefile.Parse("case.yaml", []byte(caseWithCost))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Plan.Benefits.InNetwork.OOPMax, ketacover.Dollars(4000); got != want {
		t.Errorf("oop_max = %s, want %s", got, want)
	}
	if got, want := c.Patient.Household.AnnualIncome, ketacover.Dollars(48000); got != want {
		t.Errorf("annual_income = %s, want %s", got, want)
	}
	if got, want := c.Therapy.Prices[0].Allowed, ketacover.Cents(1050); got != want {
		t.Errorf("J0013 allowed = %s, want %s", got, want)
	}
	if got := c.Plan.Benefits.PlanYearStart; got != (ketacover.MonthDay{Month: 7, Day: 1}) {
		t.Errorf("plan_year_start = %s", got)
	}

	tests := []struct {
		name, old, new string
		want           []string
	}{
		{"amount", `oop_max: "$4,000"`, `oop_max: "four thousand"`, []string{`case.yaml:10: plan.benefits.in_network.oop_max: want an amount like 1250.00, got "four thousand"`}},
		{"negative amount", `deductible: 1500.00`, `deductible: -1500`, []string{`case.yaml:10: plan.benefits.in_network.deductible: want an amount like 1250.00, got "-1500"`}},
		{"rate", `coinsurance: 20%`, `coinsurance: 0.2`, []string{`case.yaml:10: plan.benefits.in_network.coinsurance: want a percentage like 20%, got "0.2"`}},
		{"plan year", `plan_year_start: 07-01`, `plan_year_start: July`, []string{`case.yaml:9: plan.benefits.plan_year_start: want a plan year start as MM-DD (day 1 to 28), got "July"`}},
		{"rule", `deductible: 1500.00`, `deductible: 5000.00`, []string{"case.yaml:10: plan.benefits.in_network.deductible: deductible $5,000.00 exceeds the out-of-pocket maximum $4,000.00"}},
		{"met", `in_network: {deductible: 600, oop: 600}`, `in_network: {deductible: 600, oop: 60, family_oop: 60}`, []string{
			"case.yaml:13: plan.accumulators.in_network.oop: deductible spending $600.00 counts toward the out-of-pocket maximum, so oop cannot be smaller",
			"case.yaml:13: plan.accumulators.in_network.family_oop: self-only coverage has no family amounts"}},
		{"household", `{size: 2, annual_income: "$48,000"}`, `{size: 0}`, []string{
			"case.yaml:3: patient.household.annual_income: required field is missing",
			"case.yaml:3: patient.household.size: want 1 to 50 persons, got 0"}},
		{"course", `per_week: 2, weeks: 4`, `per_week: 2, every_weeks: 2, weeks: 4`, []string{"case.yaml:21: therapy.course.phases[0].per_week: give per_week or every_weeks, not both"}},
		{"unpriced code", `{code: "99215"}]`, `{code: "99214"}]`, []string{`case.yaml:21: therapy.course.phases[0].lines[1].code: "99214" has no price: add it to the price list or give the line a price`}},
		{"price", `billed: 300,`, `billed: 0,`, []string{"case.yaml:24: therapy.prices[1].billed: 99215: want the charge per unit, more than zero"}},
		{"course drug", "  course:\n", "  course:\n    therapy: ketamine-iv\n", []string{"case.yaml:20: therapy.course.therapy: the course is for ketamine-iv but therapy.drug is esketamine; leave it out to use therapy.drug"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(caseWithCost, tc.old) {
				t.Fatalf("the case has no %q", tc.old)
			}
			_, err := casefile.Parse("case.yaml", []byte(strings.Replace(caseWithCost, tc.old, tc.new, 1)))
			var ke *ketacover.Error
			if !errors.As(err, &ke) || ke.Code != ketacover.EINVALID {
				t.Fatalf("err = %v, want an invalid error", err)
			}
			if diff := cmp.Diff(tc.want, strings.Split(ke.Message, "\n")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestCaseCostFieldsJSON checks a case with every cost field survives JSON
// (how stores and the web API keep cases): amounts as dollar strings, rates
// with their percent sign, the plan year start as MM-DD.
func TestCaseCostFieldsJSON(t *testing.T) {
	c, err := casefile.Parse("case.yaml", []byte(caseWithCost))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"oop_max":"4000.00"`, `"coinsurance":"20%"`, `"plan_year_start":"07-01"`, `"annual_income":"48000.00"`, `"allowed":"10.50"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	var back ketacover.Case
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, &back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// The same case as a JSON case file reads the same.
	c2, err := casefile.Parse("case.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, c2); diff != "" {
		t.Errorf("JSON case file (-want +got):\n%s", diff)
	}
}
