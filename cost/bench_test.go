package cost

import (
	"testing"

	"github.com/ketacover/ketacover"
)

// benchRequest is a 52-week esketamine course (8 induction, 4 weekly, then
// weekly maintenance: 56 sessions) with the drug and the service on their own
// lines, on a family plan with an out-of-network tier, crossing a plan-year
// reset.
func benchRequest() *Request {
	lines := []Line{{Code: "J0013", Units: 84}, {Code: "99215"}}
	return &Request{
		Benefits: &Benefits{
			Coverage: Family, Embedded: true,
			InNetwork:    Tier{Deductible: Dollars(2000), FamilyDeductible: Dollars(4000), Coinsurance: Percent(20), OOPMax: Dollars(5000), FamilyOOPMax: Dollars(10000)},
			OutOfNetwork: &Tier{Deductible: Dollars(4000), FamilyDeductible: Dollars(8000), Coinsurance: Percent(40), NoOOPMax: true},
		},
		Met:  Accumulators{InNetwork: Met{Deductible: Dollars(300), FamilyDeductible: Dollars(900), OOP: Dollars(300), FamilyOOP: Dollars(900)}},
		Plan: EsketamineCourse(ketacover.MustDate("2026-06-01"), 52, 1, lines),
		Prices: PriceList{
			{Code: "J0013", Part: PartDrug, Billed: 1500, Allowed: 1000, OONAllowed: 900},
			{Code: "99215", Part: PartService, Billed: Dollars(300), Allowed: Dollars(160), OONAllowed: Dollars(150)},
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
	h := &Household{Size: 3, State: "NJ", AnnualIncome: Dollars(52000)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PaymentOptions(PayRequest{Estimate: e, PlanType: ketacover.PlanERISASelfFunded, Household: h}); err != nil {
			b.Fatal(err)
		}
	}
}
