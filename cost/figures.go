package cost

import (
	"fmt"

	"github.com/ketacover/ketacover"
)

// Yearly figures. Each is data with its year and source; a year that is not
// here is an ENOTFOUND error, never a guess. Sources are those collected in
// shared/reference/cost-and-payment.md §1.3, §1.4 and §2.1 (November 2026).

// ACALimit is the Affordable Care Act maximum annual limitation on cost
// sharing (the out-of-pocket maximum) for non-grandfathered plans, applied to
// in-network essential health benefits for plan years beginning in Year.
type ACALimit struct {
	Year     int             `json:"year"`
	SelfOnly ketacover.Cents `json:"self_only"`
	Family   ketacover.Cents `json:"family"`
	Source   string          `json:"source"`
}

// ACALimits are the ACA out-of-pocket maxima by plan year.
var ACALimits = []ACALimit{
	{2025, ketacover.Dollars(9200), ketacover.Dollars(18400),
		"HHS Notice of Benefit and Payment Parameters for 2025 (45 CFR 156.130), as reported by NIS Benefits, AssuredPartners and Hylant (2024-11-04)"},
	{2026, ketacover.Dollars(10600), ketacover.Dollars(21200),
		"HHS revised 2026 premium adjustment percentage methodology (2025 Marketplace Integrity and Affordability final rule), as reported by NIS Benefits (revised bulletin) and AssuredPartners (2025-06-26); replaces the $10,150/$20,300 announced in October 2024"},
}

// ACA returns the ACA out-of-pocket limit for plan years beginning in year.
func ACA(year int) (ACALimit, error) {
	for _, l := range ACALimits {
		if l.Year == year {
			return l, nil
		}
	}
	return ACALimit{}, ketacover.Errorf(ketacover.ENOTFOUND, "no ACA out-of-pocket maximum on file for plan year %d (have %s)", year, yearsOf(len(ACALimits), func(i int) int { return ACALimits[i].Year }))
}

// HSAYear holds the IRS figures for health savings accounts and the
// high-deductible health plans (HDHPs) that go with them (IRC §223), for
// calendar year Year.
type HSAYear struct {
	Year                  int             `json:"year"`
	ContributionSelfOnly  ketacover.Cents `json:"contribution_self_only"`
	ContributionFamily    ketacover.Cents `json:"contribution_family"`
	CatchUp55             ketacover.Cents `json:"catch_up_55"` // extra contribution at age 55 or older (statutory, §223(b)(3))
	MinDeductibleSelfOnly ketacover.Cents `json:"min_deductible_self_only"`
	MinDeductibleFamily   ketacover.Cents `json:"min_deductible_family"`
	MaxOOPSelfOnly        ketacover.Cents `json:"max_oop_self_only"` // deductible plus other cost sharing, not premiums
	MaxOOPFamily          ketacover.Cents `json:"max_oop_family"`
	Source                string          `json:"source"`
}

// HSAYears are the HSA and HDHP figures by year.
var HSAYears = []HSAYear{
	{2025, ketacover.Dollars(4300), ketacover.Dollars(8550), ketacover.Dollars(1000), ketacover.Dollars(1650), ketacover.Dollars(3300), ketacover.Dollars(8300), ketacover.Dollars(16600),
		"IRS Rev. Proc. 2024-25 (https://www.irs.gov/pub/irs-drop/rp-24-25.pdf), figures as reported by KPMG TaxNewsFlash and BASIC"},
	{2026, ketacover.Dollars(4400), ketacover.Dollars(8750), ketacover.Dollars(1000), ketacover.Dollars(1700), ketacover.Dollars(3400), ketacover.Dollars(8500), ketacover.Dollars(17000),
		"IRS Rev. Proc. 2025-19, released 2025-05-01 (https://www.irs.gov/pub/irs-drop/rp-25-19.pdf), figures as reported by KPMG TaxNewsFlash and BASIC"},
}

// HSA returns the HSA and HDHP figures for year.
func HSA(year int) (HSAYear, error) {
	for _, h := range HSAYears {
		if h.Year == year {
			return h, nil
		}
	}
	return HSAYear{}, ketacover.Errorf(ketacover.ENOTFOUND, "no HSA/HDHP figures on file for %d (have %s)", year, yearsOf(len(HSAYears), func(i int) int { return HSAYears[i].Year }))
}

func yearsOf(n int, year func(int) int) string {
	s := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(year(i))
	}
	return s
}
