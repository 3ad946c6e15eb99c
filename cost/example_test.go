package cost_test

import (
	"fmt"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/cost"
)

// A Spravato course on a PPO, priced in network: what the lead's
// `ketacover estimate` does with a case's plan, course and prices.
func ExampleEstimateCourse() {
	r := &cost.Request{
		Benefits: &cost.Benefits{
			Coverage:  cost.SelfOnly,
			InNetwork: cost.Tier{Deductible: cost.Dollars(2000), Coinsurance: cost.Percent(20), OOPMax: cost.Dollars(5000)},
		},
		Plan:   cost.EsketamineCourse(ketacover.MustDate("2026-03-02"), 8, 1, []cost.Line{{Code: "G2083"}}),
		Prices: cost.PriceList{{Code: "G2083", Part: cost.PartBundled, Billed: cost.Dollars(1200), Allowed: cost.Dollars(1000)}},
	}
	e, err := cost.EstimateCourse(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	in, _ := e.Scenario(cost.ScenarioInNetwork)
	fmt.Println(e.Sessions, "sessions; plan pays", in.Totals.PlanPays, "; patient pays", in.Totals.PatientPays)
	// Output: 12 sessions; plan pays $8,000.00 ; patient pays $4,000.00
}

// Payment options for the same kind of estimate: financing, sliding scale,
// HSA/FSA, manufacturer savings and a fundraiser text, for `ketacover pay`.
func ExamplePaymentOptions() {
	e, _ := cost.EstimateCourse(&cost.Request{
		Plan:   cost.KetamineIVCourse(ketacover.MustDate("2026-03-02"), 6, 2, 0, 0, []cost.Line{{Code: "96365"}}),
		Prices: cost.PriceList{{Code: "96365", Part: cost.PartService, Billed: cost.Dollars(800)}},
	})
	o, err := cost.PaymentOptions(cost.PayRequest{
		Estimate:  e,
		Household: &cost.Household{Size: 1, State: "HI", AnnualIncome: cost.Dollars(30000)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Scenario, o.Amount)
	fmt.Println(o.FPL)
	// Output:
	// self-pay $4,800.00
	// $30,000.00 is 163.39% of the 2026 poverty guideline for 1 person in Hawaii ($18,360.00)
}
