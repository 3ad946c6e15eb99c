package cost

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

// The amortisation checks of reference §2.3: the payment is the published
// figure to the cent; the published interest is n × M − P with the unrounded
// M, so a real schedule (each month's interest rounded to the cent, the last
// payment settling the rest) lands within a few cents of it.
func TestAmortizeReferenceChecks(t *testing.T) {
	tests := []struct {
		name        string
		p           ketacover.Cents
		apr         ketacover.Rate
		n           int
		payment     ketacover.Cents
		refInterest ketacover.Cents
	}{
		{"$3,000, 24 mo, 14.90% → $145.32/mo ($487.62 interest)", ketacover.Dollars(3000), 1490, 24, 14532, 48762},
		{"$5,000, 48 mo, 16.90% → $144.02 ($1,912.80)", ketacover.Dollars(5000), 1690, 48, 14402, 191280},
		{"$4,800 (6 × $800 infusions), 60 mo, 17.90% → $121.63 ($2,497.65)", ketacover.Dollars(4800), 1790, 60, 12163, 249765},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Amortize(tc.p, tc.apr, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if l.Payment != tc.payment {
				t.Errorf("payment %s, want %s", l.Payment, tc.payment)
			}
			if d := l.TotalInterest - tc.refInterest; d < -10 || d > 10 {
				t.Errorf("interest %s, more than 10¢ from the reference's %s", l.TotalInterest, tc.refInterest)
			}
			checkSchedule(t, l)
		})
	}
}

func checkSchedule(t *testing.T, l Loan) {
	t.Helper()
	var principal, interest, paid ketacover.Cents
	for i, in := range l.Schedule {
		principal += in.Principal
		interest += in.Interest
		paid += in.Payment
		if in.Payment != in.Interest+in.Principal || (i < len(l.Schedule)-1 && in.Payment != l.Payment) {
			t.Errorf("month %d: %+v", in.Month, in)
		}
	}
	last := l.Schedule[len(l.Schedule)-1]
	if principal != l.Principal || interest != l.TotalInterest || paid != l.TotalPaid || last.Balance != 0 || len(l.Schedule) != l.Months {
		t.Errorf("schedule does not add up: principal %s interest %s paid %s last %+v months %d", principal, interest, paid, last, len(l.Schedule))
	}
	if d := l.LastPayment - l.Payment; d < -ketacover.Cents(l.Months) || d > ketacover.Cents(l.Months) {
		t.Errorf("last payment %s strays from %s by more than a cent a month", l.LastPayment, l.Payment)
	}
}

func TestAmortizeZeroAPRAndErrors(t *testing.T) {
	l, err := Amortize(ketacover.Dollars(1000), 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	// $1,000 / 3 = $333.33…; two payments of $333.33 and a last of $333.34.
	if l.Payment != 33333 || l.LastPayment != 33334 || l.TotalInterest != 0 {
		t.Errorf("0%% loan: %+v", l)
	}
	checkSchedule(t, l)
	// Against the closed form computed in floating point.
	for _, n := range []int{6, 12, 36, 120} {
		l, _ := Amortize(ketacover.Dollars(12345), 2299, n)
		r := 0.2299 / 12
		m := 12345 * r * math.Pow(1+r, float64(n)) / (math.Pow(1+r, float64(n)) - 1)
		if math.Abs(float64(l.Payment)/100-m) > 0.005 {
			t.Errorf("n=%d: payment %s, closed form %.4f", n, l.Payment, m)
		}
		checkSchedule(t, l)
	}
	for _, c := range []struct {
		p   ketacover.Cents
		apr ketacover.Rate
		n   int
	}{{0, 1000, 12}, {100, -1, 12}, {100, 1000, 0}, {100, 1000, 361}} {
		if _, err := Amortize(c.p, c.apr, c.n); ketacover.ErrorCode(err) != ketacover.EINVALID {
			t.Errorf("Amortize(%d, %d, %d): err = %v, want invalid", c.p, c.apr, c.n, err)
		}
	}
}

func TestDeferredInterest(t *testing.T) {
	// Reference §2.3: $3,000 on a 12-month promotion paying $200 a month
	// leaves $600 and triggers ≈ $627 at 32.99%. Summing each month's
	// interest on the opening balance (3,000, 2,800, … 800), each rounded
	// to the cent by hand: 82.48 + 76.98 + 71.48 + 65.98 + 60.48 + 54.98 +
	// 49.49 + 43.99 + 38.49 + 32.99 + 27.49 + 21.99 = 626.82.
	d, err := Deferred(ketacover.Dollars(3000), 3299, 12, ketacover.Dollars(200))
	if err != nil {
		t.Fatal(err)
	}
	want := DeferredInterest{Principal: ketacover.Dollars(3000), APR: 3299, Months: 12, Monthly: ketacover.Dollars(200),
		PaymentToAvoid: ketacover.Dollars(250), BalanceAtEnd: ketacover.Dollars(600), RetroactiveInterest: 62682}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Paying the payment to avoid clears it: no interest.
	d, _ = Deferred(ketacover.Dollars(3000), 3299, 12, d.PaymentToAvoid)
	if d.BalanceAtEnd != 0 || d.RetroactiveInterest != 0 {
		t.Errorf("paid in full: %+v", d)
	}
	// The payment to avoid rounds up: $1,000 over 6 months is $166.67.
	if d, _ := Deferred(ketacover.Dollars(1000), 3299, 6, 0); d.PaymentToAvoid != 16667 || d.BalanceAtEnd != ketacover.Dollars(1000) {
		t.Errorf("payment to avoid: %+v", d)
	}
}

func TestSpravatoSavings(t *testing.T) {
	// Drug billed on its own line: J0013 1 mg units (the 2026 drug code per
	// reference §1.6, secondary), service on 99215; the drug share is what
	// the savings lower.
	r := spravatoRequest()
	r.Prices = ketacover.PriceList{
		{Code: "J0013", Part: ketacover.PartDrug, Billed: 1500, Allowed: 1000, OONAllowed: 900},
		{Code: "99215", Part: ketacover.PartService, Billed: ketacover.Dollars(300), Allowed: ketacover.Dollars(160), OONAllowed: ketacover.Dollars(150)},
	}
	for i := range r.Course.Phases {
		r.Course.Phases[i].Lines = []ketacover.CodeLine{{Code: "J0013", Units: 84}, {Code: "99215"}}
	}
	e, err := EstimateCourse(r)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := e.Scenario(ScenarioInNetwork)
	// Work out the expected savings from the session drug shares by the
	// programme terms: share above $10 per session, capped per calendar year.
	used := map[int]ketacover.Cents{}
	var want ketacover.Cents
	for _, c := range in.Sessions {
		if c.DrugShare > ketacover.Dollars(10) {
			s := min(c.DrugShare-ketacover.Dollars(10), ketacover.Dollars(7150)-used[c.Date.Year])
			used[c.Date.Year] += s
			want += s
		}
	}
	if want == 0 {
		t.Fatal("test course has no drug share to save")
	}
	tests := []struct {
		name     string
		pt       ketacover.PlanType
		state    string
		eligible bool
		rebate   bool
		savings  ketacover.Cents
	}{
		{"commercial in NY", ketacover.PlanERISASelfFunded, "NY", true, true, want},
		{"commercial in MA: no observation rebate", ketacover.PlanGroupFullyInsured, "ma", true, false, want},
		{"Medicare excluded", ketacover.PlanMedicareAdvantage, "NY", false, false, 0},
		{"Medicaid excluded", ketacover.PlanMedicaidManaged, "NY", false, false, 0},
		{"TRICARE excluded", ketacover.PlanTRICARE, "NY", false, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := SpravatoSavings(ketacover.TherapyEsketamine, in, tc.pt, tc.state)
			if s.Eligible != tc.eligible || s.ObservationRebate != tc.rebate || s.DrugSavings != tc.savings {
				t.Errorf("got eligible %v rebate %v savings %s; want %v %v %s (%q)", s.Eligible, s.ObservationRebate, s.DrugSavings, tc.eligible, tc.rebate, tc.savings, s.Reasons)
			}
		})
	}
	// A bundled G-code cannot be split.
	e2, _ := EstimateCourse(spravatoRequest())
	in2, _ := e2.Scenario(ScenarioInNetwork)
	if s := SpravatoSavings(ketacover.TherapyEsketamine, in2, ketacover.PlanIndividual, "NY"); s.Computed || !strings.Contains(strings.Join(s.Reasons, " "), "G2083 bundles") {
		t.Errorf("bundled: %+v", s)
	}
	if s := SpravatoSavings(ketacover.TherapyKetamineIV, in, ketacover.PlanIndividual, "NY"); s.Eligible {
		t.Error("IV ketamine is not a Spravato programme")
	}
}

func TestPaymentOptionsGolden(t *testing.T) {
	e, err := EstimateCourse(spravatoRequest())
	if err != nil {
		t.Fatal(err)
	}
	o, err := PaymentOptions(PayRequest{
		Estimate: e, PlanType: ketacover.PlanERISASelfFunded,
		Household: &ketacover.Household{Size: 3, State: "NJ", AnnualIncome: ketacover.Dollars(52000), HSABalance: ketacover.Dollars(1500)},
		On:        ketacover.MustDate("2026-09-15"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.Amount != ketacover.Dollars(7400) || o.FPL == nil || o.FPL.Year != 2026 || o.HSAFSA.FromBalance != ketacover.Dollars(1500) {
		t.Errorf("options: amount %s, fpl %+v, from balance %s", o.Amount, o.FPL, o.HSAFSA.FromBalance)
	}
	golden(t, "spravato-options.txt", []byte(o.Text()))
	if _, err := json.Marshal(o); err != nil {
		t.Fatal(err)
	}
	// Self-pay fundraiser for IV ketamine, uninsured.
	r := &Request{
		Course: KetamineIVCourse(ketacover.MustDate("2026-11-02"), 6, 2, 2, 4, []ketacover.CodeLine{{Code: "J3490"}, {Code: "96365"}}),
		Prices: ketacover.PriceList{{Code: "J3490", Part: ketacover.PartDrug, Billed: ketacover.Dollars(100)}, {Code: "96365", Part: ketacover.PartService, Billed: ketacover.Dollars(600)}},
	}
	e, err = EstimateCourse(r)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fundraiser(e, "")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "ketamine-fundraiser.txt", []byte(f))
	if _, err := Fundraiser(e, ScenarioInNetwork); err == nil {
		t.Error("fundraiser for a scenario that was not estimated: want an error")
	}
}
