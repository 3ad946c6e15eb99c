package cost

import (
	"fmt"

	"github.com/ketacover/ketacover"
)

// PlanWarnings lists facts about b that do not stop an estimate but that a
// person should check, for the plan year starting in planYear: an in-network
// cap above the ACA limit, HDHP figures outside the IRS limits, a copay
// before the deductible on an HDHP.
func PlanWarnings(b *ketacover.Benefits, planYear int) []string {
	var w []string
	t := b.InNetwork
	if aca, err := ACA(planYear); err == nil && !b.Grandfathered {
		if t.OOPMax > aca.SelfOnly {
			w = append(w, fmt.Sprintf("the individual in-network out-of-pocket maximum %s is above the %d ACA limit %s; the estimate caps each person at %s (%s)", t.OOPMax, planYear, aca.SelfOnly, aca.SelfOnly, aca.Source))
		}
		if b.Coverage == ketacover.CoverageFamily && t.FamilyOOPMax > aca.Family {
			w = append(w, fmt.Sprintf("the family in-network out-of-pocket maximum %s is above the %d ACA limit %s", t.FamilyOOPMax, planYear, aca.Family))
		}
	} else if err != nil && !b.Grandfathered {
		w = append(w, fmt.Sprintf("no ACA out-of-pocket limit on file for plan year %d; the plan's own figures are used as given", planYear))
	}
	if b.HDHP {
		if h, err := HSA(planYear); err == nil {
			minDed, maxOOP, ded, oop := h.MinDeductibleSelfOnly, h.MaxOOPSelfOnly, t.Deductible, t.OOPMax
			if b.Coverage == ketacover.CoverageFamily {
				minDed, maxOOP, ded, oop = h.MinDeductibleFamily, h.MaxOOPFamily, t.FamilyDeductible, t.FamilyOOPMax
				if b.Embedded && t.Deductible < h.MinDeductibleFamily {
					w = append(w, fmt.Sprintf("an HDHP family plan's embedded individual deductible must be at least the IRS family minimum %s (%d); %s is lower, so the plan may not be HSA-qualified", h.MinDeductibleFamily, planYear, t.Deductible))
				}
			}
			if ded < minDed {
				w = append(w, fmt.Sprintf("the deductible %s is below the %d HDHP minimum %s; from 2026 bronze and catastrophic plans count as HDHPs anyway (OBBBA, IRS Notice 2026-5)", ded, planYear, minDed))
			}
			if oop > maxOOP {
				w = append(w, fmt.Sprintf("the out-of-pocket maximum %s is above the %d HDHP limit %s", oop, planYear, maxOOP))
			}
		}
		if r := t.CopayRule; r == ketacover.CopayInstead || r == ketacover.CopayPlus {
			w = append(w, "an HDHP pays only preventive care (and, from 2025, telehealth) before the deductible; in-clinic ketamine or esketamine is normally subject to the deductible (IRS Notice 2026-5 as summarised by RSM and KFF)")
		}
	}
	return w
}
