package cost

import (
	"os"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
)

// benchRequest is a 52-week esketamine course (8 induction, 4 weekly, then
// weekly maintenance: 56 sessions) with the drug and the service on their own
// lines, on a family plan with an out-of-network tier, crossing a plan-year
// reset.
func benchRequest() *Request {
	lines := []ketacover.CodeLine{{Code: "J0013", Units: 84}, {Code: "99215"}}
	return &Request{
		Benefits: &ketacover.Benefits{
			Coverage: ketacover.CoverageFamily, Embedded: true,
			InNetwork:    ketacover.CostSharing{Deductible: ketacover.Dollars(2000), FamilyDeductible: ketacover.Dollars(4000), Coinsurance: ketacover.Percent(20), OOPMax: ketacover.Dollars(5000), FamilyOOPMax: ketacover.Dollars(10000)},
			OutOfNetwork: &ketacover.CostSharing{Deductible: ketacover.Dollars(4000), FamilyDeductible: ketacover.Dollars(8000), Coinsurance: ketacover.Percent(40), NoOOPMax: true},
		},
		Accumulators: ketacover.Accumulators{InNetwork: ketacover.Accumulator{Deductible: ketacover.Dollars(300), FamilyDeductible: ketacover.Dollars(900), OOP: ketacover.Dollars(300), FamilyOOP: ketacover.Dollars(900)}},
		Course:       EsketamineCourse(ketacover.MustDate("2026-06-01"), 52, 1, lines),
		Prices: ketacover.PriceList{
			{Code: "J0013", Part: ketacover.PartDrug, Billed: 1500, Allowed: 1000, OONAllowed: 900},
			{Code: "99215", Part: ketacover.PartService, Billed: ketacover.Dollars(300), Allowed: ketacover.Dollars(160), OONAllowed: ketacover.Dollars(150)},
		},
	}
}

func BenchmarkEstimateEsketamine52Weeks(b *testing.B) {
	r := benchRequest()
	if e, err := EstimateCourse(r); err != nil || e.Sessions != 56 {
		b.Fatalf("setup: %v sessions, %v", e, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EstimateCourse(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEstimateEsketamine52WeeksText(b *testing.B) {
	r := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		e, err := EstimateCourse(r)
		if err != nil {
			b.Fatal(err)
		}
		_ = e.Text()
	}
}

func BenchmarkPaymentOptions(b *testing.B) {
	e, err := EstimateCourse(benchRequest())
	if err != nil {
		b.Fatal(err)
	}
	h := &ketacover.Household{Size: 3, State: "NJ", AnnualIncome: ketacover.Dollars(52000)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PaymentOptions(PayRequest{Estimate: e, PlanType: ketacover.PlanERISASelfFunded, Household: h}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEstimateFromCase is what "ketacover estimate" does after loading
// the example PPO case: build the request (default course from the drug,
// sessions and prices) and price it.
func BenchmarkEstimateFromCase(b *testing.B) {
	data, err := os.ReadFile("../examples/cases/esketamine-ppo-estimate.yaml")
	if err != nil {
		b.Skip("example case not found:", err)
	}
	c, err := casefile.Parse("esketamine-ppo-estimate.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	today := ketacover.MustDate("2026-11-27")
	b.ReportAllocs()
	for b.Loop() {
		r, _, err := FromCase(c, today)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := EstimateCourse(r); err != nil {
			b.Fatal(err)
		}
	}
}
