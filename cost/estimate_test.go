package cost

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func dates(ss []ketacover.Session) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Date.String()+" "+s.Phase)
	}
	return out
}

func TestEsketamineCourseSessions(t *testing.T) {
	lines := []ketacover.CodeLine{{Code: "G2083"}}
	got := dates(EsketamineCourse(ketacover.MustDate("2026-03-02"), 12, 2, lines).Sessions())
	want := []string{
		// Weeks 1–4 twice weekly (Monday and Thursday): 8 sessions.
		"2026-03-02 induction", "2026-03-05 induction", "2026-03-09 induction", "2026-03-12 induction",
		"2026-03-16 induction", "2026-03-19 induction", "2026-03-23 induction", "2026-03-26 induction",
		// Weeks 5–8 weekly: 4 sessions.
		"2026-03-30 weekly", "2026-04-06 weekly", "2026-04-13 weekly", "2026-04-20 weekly",
		// Weeks 9–12 every 2 weeks: 2 sessions.
		"2026-04-27 maintenance", "2026-05-11 maintenance",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sessions (-want +got):\n%s", diff)
	}
	if n := len(EsketamineCourse(ketacover.MustDate("2026-03-02"), 52, 1, lines).Sessions()); n != 8+4+44 {
		t.Errorf("52 weeks with weekly maintenance: %d sessions, want 56", n)
	}
	if n := len(EsketamineCourse(ketacover.MustDate("2026-03-02"), 3, 2, lines).Sessions()); n != 6 {
		t.Errorf("3 weeks: %d sessions, want 6", n)
	}
}

func TestKetamineIVCourseSessions(t *testing.T) {
	lines := []ketacover.CodeLine{{Code: "96365"}}
	tests := []struct {
		name string
		tp   ketacover.TreatmentPlan
		want []string
	}{
		{"6 infusions in 2 weeks then 2 monthly boosters", KetamineIVCourse(ketacover.MustDate("2026-03-02"), 6, 2, 2, 4, lines), []string{
			"2026-03-02 series", "2026-03-04 series", "2026-03-06 series", "2026-03-09 series", "2026-03-11 series", "2026-03-13 series",
			"2026-03-16 maintenance", "2026-04-13 maintenance",
		}},
		{"6 infusions in 3 weeks", KetamineIVCourse(ketacover.MustDate("2026-03-02"), 6, 3, 0, 0, lines), []string{
			"2026-03-02 series", "2026-03-05 series", "2026-03-09 series", "2026-03-12 series", "2026-03-16 series", "2026-03-19 series",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, dates(tc.tp.Sessions())); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// spravatoRequest is the §1.7 worked example (ind. deductible $2,000, 20%
// coinsurance, OOP max $5,000, $1,000 allowed a session) stretched over 26
// weeks from October 2026, so the course crosses the January plan-year reset,
// with an out-of-network tier for the superbill scenario.
func spravatoRequest() *Request {
	return &Request{
		Benefits: &ketacover.Benefits{
			Coverage:     ketacover.CoverageSelfOnly,
			InNetwork:    ketacover.CostSharing{Deductible: ketacover.Dollars(2000), Coinsurance: ketacover.Percent(20), OOPMax: ketacover.Dollars(5000)},
			OutOfNetwork: &ketacover.CostSharing{Deductible: ketacover.Dollars(4000), Coinsurance: ketacover.Percent(40), OOPMax: ketacover.Dollars(12000)},
		},
		Course: EsketamineCourse(ketacover.MustDate("2026-10-05"), 26, 2, []ketacover.CodeLine{{Code: "G2083"}}),
		Prices: ketacover.PriceList{{Code: "G2083", Description: "esketamine >56 mg with 2 h observation", Part: ketacover.PartBundled,
			Billed: ketacover.Dollars(1200), Cash: ketacover.Dollars(1050), Allowed: ketacover.Dollars(1000), OONAllowed: ketacover.Dollars(900), Source: "test figures"}},
	}
}

func TestEstimateSpravato(t *testing.T) {
	e, err := EstimateCourse(spravatoRequest())
	if err != nil {
		t.Fatal(err)
	}
	in, _ := e.Scenario(ScenarioInNetwork)
	// 2026: sessions 1–2 pay the $2,000 deductible, then $200 each; 2027
	// starts over.
	var pays []ketacover.Cents
	for _, s := range in.Sessions {
		pays = append(pays, s.PatientPays)
	}
	d, c := ketacover.Dollars(1000), ketacover.Dollars(200)
	want := []ketacover.Cents{d, d, c, c, c, c, c, c, c, c, c, c, c, c, c, // 15 sessions in Oct–Dec 2026
		d, d, c, c, c, c} // 6 in 2027
	if diff := cmp.Diff(want, pays); diff != "" {
		t.Errorf("in-network patient pays per session (-want +got):\n%s", diff)
	}
	if len(in.PlanYears) != 2 || in.PlanYears[1].Start != ketacover.MustDate("2027-01-01") || in.PlanYears[1].Sessions != 6 {
		t.Errorf("plan years = %+v", in.PlanYears)
	}
	if !hasEvent(in.Sessions[15], EventReset) || !hasEvent(in.Sessions[1], EventDeductible) || in.Working != 2 {
		t.Errorf("events: session 16 %q, session 2 %q, working %d", in.Sessions[15].Events, in.Sessions[1].Events, in.Working)
	}
	for _, sc := range e.Scenarios {
		var sum Totals
		for _, s := range sc.Sessions {
			sum.add(s.Totals)
		}
		if sum != sc.Totals {
			t.Errorf("%s: session sums %+v != totals %+v", sc.Scenario, sum, sc.Totals)
		}
	}
	golden(t, "spravato-estimate.txt", []byte(e.Text()))
	j, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "spravato-estimate.json", append(j, '\n'))
}

func TestEstimateUnavailable(t *testing.T) {
	r := spravatoRequest()
	r.Benefits.OutOfNetwork = nil
	r.Prices[0].Allowed = 0
	e, err := EstimateCourse(r)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sc := range e.Scenarios {
		got = append(got, string(sc.Scenario)+": "+sc.Unavailable)
	}
	want := []string{
		"in-network: no in-network allowed amount for G2083; add it to the price list (the clinic, the plan or its Transparency in Coverage file can give it)",
		"out-of-network: the plan has no out-of-network benefits",
		"self-pay: ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Uninsured: self-pay only, at the cash price.
	r.Benefits = nil
	e, err = EstimateCourse(r)
	if err != nil || len(e.Scenarios) != 1 || e.Scenarios[0].Totals.PatientPays != ketacover.Dollars(1050)*21 {
		t.Errorf("uninsured: %+v, %v", e, err)
	}
}

func TestRequestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Request)
		want   string
	}{
		{"coverage", func(r *Request) { r.Benefits.Coverage = "couple" }, "benefits.coverage:"},
		{"coinsurance", func(r *Request) { r.Benefits.InNetwork.Coinsurance = ketacover.Percent(120) }, "benefits.in_network.coinsurance:"},
		{"copay without rule", func(r *Request) { r.Benefits.InNetwork.Copay = ketacover.Dollars(20) }, "benefits.in_network.copay_rule:"},
		{"no OOP in network", func(r *Request) { r.Benefits.InNetwork.OOPMax = 0 }, "benefits.in_network.oop_max:"},
		{"OON no cap and a cap", func(r *Request) { r.Benefits.OutOfNetwork.NoOOPMax = true }, "benefits.out_of_network.no_oop_max:"},
		{"deductible above OOP", func(r *Request) { r.Benefits.InNetwork.Deductible = ketacover.Dollars(6000) }, "benefits.in_network.deductible:"},
		{"family amounts on self-only", func(r *Request) { r.Accumulators.InNetwork.FamilyOOP = 1 }, "accumulators.in_network.family_oop:"},
		{"oop below deductible met", func(r *Request) { r.Accumulators.InNetwork.Deductible = 100 }, "accumulators.in_network.oop:"},
		{"therapy", func(r *Request) { r.Course.Therapy = "psilocybin" }, "course.therapy:"},
		{"no start", func(r *Request) { r.Course.Start = ketacover.Date{} }, "course.start:"},
		{"rhythm", func(r *Request) { r.Course.Phases[0].PerWeek = 0 }, "course.phases[0].per_week:"},
		{"length", func(r *Request) { r.Course.Phases[1].Weeks = 0 }, "course.phases[1].weeks:"},
		{"unpriced code", func(r *Request) { r.Course.Phases[2].Lines = []ketacover.CodeLine{{Code: "J0013", Units: 84}} }, `course.phases[2].lines[0].code: "J0013" has no price`},
		{"units", func(r *Request) { r.Course.Phases[0].Lines = []ketacover.CodeLine{{Code: "G2083", Units: -1}} }, "course.phases[0].lines[0].units:"},
		{"too long", func(r *Request) { r.Course.Phases[2].Weeks = 600 }, "course.phases[2]: the phase runs past"},
		{"price part", func(r *Request) { r.Prices[0].Part = "" }, "prices[0].part: G2083:"},
		{"line code", func(r *Request) { r.Course.Phases[1].Lines = []ketacover.CodeLine{{Code: "9636"}} }, "course.phases[1].lines[0].code: want a CPT or HCPCS code"},
		{"price twice", func(r *Request) { r.Prices = append(r.Prices, r.Prices[0]) }, "prices[1].code: G2083 is priced twice (also prices[0])"},
		{"embedded on self-only", func(r *Request) { r.Benefits.Embedded = true }, "benefits.embedded:"},
		{"plan year start", func(r *Request) { r.Benefits.PlanYearStart = ketacover.MonthDay{Month: 2, Day: 30} }, "benefits.plan_year_start:"},
		{"price code", func(r *Request) { r.Prices[0].Code = "g2083" }, "prices[0].code:"},
		{"line price", func(r *Request) {
			r.Course.Phases[0].Lines = []ketacover.CodeLine{{Code: "G2083", Price: &ketacover.Price{Part: ketacover.PartBundled}}}
		}, "course.phases[0].lines[0].price.billed:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := spravatoRequest()
			// Phases share a Lines slice; give each its own before changing one.
			for i := range r.Course.Phases {
				r.Course.Phases[i].Lines = append([]ketacover.CodeLine(nil), r.Course.Phases[i].Lines...)
			}
			tc.change(r)
			err := r.Validate()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error starting %q", err, tc.want)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code %q, want invalid", ketacover.ErrorCode(err))
			}
			if _, err := EstimateCourse(r); err == nil {
				t.Error("EstimateCourse accepted an invalid request")
			}
		})
	}
}

func TestRequestJSON(t *testing.T) {
	// The request reads from JSON as a case file would carry it.
	in := `{
	  "benefits": {"coverage": "family", "embedded": true, "plan_year_start": "07-01",
	    "in_network": {"deductible": "2000", "family_deductible": "6000", "coinsurance": "20%",
	                  "oop_max": "5000", "family_oop_max": "10000"}},
	  "accumulators": {"as_of": "2026-08-01", "in_network": {"deductible": "250.00", "family_deductible": "900", "oop": "250", "family_oop": "900"}},
	  "course": {"therapy": "ketamine-iv", "start": "2026-09-07",
	    "phases": [{"name": "series", "per_week": 3, "sessions": 6,
	      "lines": [{"code": "J3490", "price": {"part": "drug", "billed": "150", "allowed": "60"}}, {"code": "96365"}]}]},
	  "prices": [{"code": "96365", "part": "service", "billed": "$650.00", "allowed": "$400.00"}]
	}`
	var r Request
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	e, err := EstimateCourse(&r)
	if err != nil {
		t.Fatal(err)
	}
	in0, _ := e.Scenario(ScenarioInNetwork)
	// $460 allowed per session; $1,750 of the $2,000 deductible left.
	// Sessions 1–3 $460 each (1,380); session 4 $370 to the deductible and
	// 20% of $90 = $18; then 20% of $460 = $92.
	var pays []ketacover.Cents
	for _, s := range in0.Sessions {
		pays = append(pays, s.PatientPays)
	}
	want := []ketacover.Cents{46000, 46000, 46000, 37000 + 1800, 9200, 9200}
	if diff := cmp.Diff(want, pays); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if in0.Totals.DrugShare == 0 {
		t.Error("drug share of J3490 not counted")
	}
}

func TestOnlyPlanYear(t *testing.T) {
	e, err := EstimateCourse(spravatoRequest())
	if err != nil {
		t.Fatal(err)
	}
	y, err := e.OnlyPlanYear(2027)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := y.Scenario(ScenarioInNetwork)
	self, _ := y.Scenario(ScenarioSelfPay)
	if y.Sessions != 6 || y.Start != ketacover.MustDate("2027-01-11") || len(in.Sessions) != 6 || in.Working != 17 {
		t.Errorf("2027: %d sessions from %s, working %d", y.Sessions, y.Start, in.Working)
	}
	if in.Totals.PatientPays != ketacover.Dollars(2800) || self.Totals.PatientPays != ketacover.Dollars(6300) || len(in.PlanYears) != 1 {
		t.Errorf("2027 totals: in network %s, self-pay %s", in.Totals.PatientPays, self.Totals.PatientPays)
	}
	if full, _ := e.Scenario(ScenarioInNetwork); len(full.Sessions) != 21 {
		t.Error("OnlyPlanYear changed the estimate it was given")
	}
	if _, err := e.OnlyPlanYear(2030); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("2030: err = %v, want invalid", err)
	}
}

func TestEstimateOOPEvent(t *testing.T) {
	// §1.7 example over a whole weekly course from February: the $2,000
	// deductible in sessions 1–2, then $200 a session until the $5,000
	// maximum is reached at session 17; from session 18 the plan pays all.
	r := spravatoRequest()
	r.Course = EsketamineCourse(ketacover.MustDate("2026-02-02"), 20, 1, []ketacover.CodeLine{{Code: "G2083"}})
	e, err := EstimateCourse(r)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := e.Scenario(ScenarioInNetwork)
	var events []string
	for _, s := range in.Sessions {
		for _, ev := range s.Events {
			events = append(events, fmt.Sprintf("%d %s", s.Number, ev))
		}
	}
	if diff := cmp.Diff([]string{"2 deductible met", "17 out-of-pocket maximum reached"}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if s := in.Sessions[17]; s.PatientPays != 0 || s.PlanPays != ketacover.Dollars(1000) || s.After.OOP != ketacover.Dollars(5000) {
		t.Errorf("session 18: %+v", s.Totals)
	}
	if in.Totals.PatientPays != ketacover.Dollars(5000) || in.Working != 2 {
		t.Errorf("total patient %s, working %d", in.Totals.PatientPays, in.Working)
	}
}
