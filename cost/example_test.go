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
		Benefits: &ketacover.Benefits{
			Coverage:  ketacover.CoverageSelfOnly,
			InNetwork: ketacover.CostSharing{Deductible: ketacover.Dollars(2000), Coinsurance: ketacover.Percent(20), OOPMax: ketacover.Dollars(5000)},
		},
		Course: cost.EsketamineCourse(ketacover.MustDate("2026-03-02"), 8, 1, []ketacover.CodeLine{{Code: "G2083"}}),
		Prices: ketacover.PriceList{{Code: "G2083", Part: ketacover.PartBundled, Billed: ketacover.Dollars(1200), Allowed: ketacover.Dollars(1000)}},
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
		Course: cost.KetamineIVCourse(ketacover.MustDate("2026-03-02"), 6, 2, 0, 0, []ketacover.CodeLine{{Code: "96365"}}),
		Prices: ketacover.PriceList{{Code: "96365", Part: ketacover.PartService, Billed: ketacover.Dollars(800)}},
	})
	o, err := cost.PaymentOptions(cost.PayRequest{
		Estimate:  e,
		Household: &ketacover.Household{Size: 1, State: "HI", AnnualIncome: ketacover.Dollars(30000)},
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
