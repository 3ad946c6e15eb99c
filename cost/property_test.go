package cost

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ketacover/ketacover"
)

// randomBenefits draws a valid benefits design.
func randomBenefits(r *rand.Rand) *ketacover.Benefits {
	amt := func(maxDollars int) ketacover.Cents { return ketacover.Cents(r.IntN(maxDollars*100 + 1)) }
	b := &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly}
	if r.IntN(2) == 0 {
		b.Coverage = ketacover.CoverageFamily
		b.Embedded = r.IntN(2) == 0
	}
	if r.IntN(3) == 0 {
		b.PlanYearStart = ketacover.MonthDay{Month: time.Month(r.IntN(12) + 1), Day: r.IntN(28) + 1}
	}
	tier := func(n ketacover.Network) ketacover.CostSharing {
		t := ketacover.CostSharing{Coinsurance: ketacover.Rate(r.IntN(10001))}
		switch r.IntN(4) {
		case 1:
			t.CopayRule, t.Copay = ketacover.CopayInstead, amt(200)
		case 2:
			t.CopayRule, t.Copay = ketacover.CopayPlus, amt(200)
		case 3:
			t.CopayRule, t.Copay = ketacover.CopayAfterDeductible, amt(200)
		}
		t.Deductible = amt(5000)
		t.OOPMax = t.Deductible + amt(9000)
		if b.Coverage == ketacover.CoverageFamily {
			t.FamilyDeductible = t.Deductible + amt(6000)
			t.FamilyOOPMax = max(t.OOPMax, t.FamilyDeductible) + amt(10000)
			if r.IntN(4) == 0 && n == ketacover.InNetwork {
				t.OOPMax = 0 // the ACA self-only limit applies
			}
		}
		if n == ketacover.OutOfNetwork && r.IntN(3) == 0 {
			t.OOPMax, t.FamilyOOPMax, t.NoOOPMax = 0, 0, true
		}
		return t
	}
	b.InNetwork = tier(ketacover.InNetwork)
	if r.IntN(4) != 0 {
		oon := tier(ketacover.OutOfNetwork)
		b.OutOfNetwork = &oon
	}
	return b
}

// TestLedgerProperties checks, over many random plans and claim streams:
// the patient never pays more than the allowed amount plus the balance bill;
// in network the cost sharing never exceeds the out-of-pocket room left; the
// plan never pays a negative amount; the accumulators never pass the caps.
func TestLedgerProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(20261127, 6))
	for iter := 0; iter < 3000; iter++ {
		b := randomBenefits(r)
		if err := b.Validate(); err != nil {
			t.Fatalf("iteration %d: generator made invalid benefits: %v", iter, err)
		}
		d := ketacover.NewDate(2025+r.IntN(2), time.Month(r.IntN(12)+1), r.IntN(28)+1)
		l, err := NewLedger(b, ketacover.Accumulators{}, d)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 40; k++ {
			d = d.AddDays(r.IntN(30))
			n := ketacover.InNetwork
			if b.OutOfNetwork != nil && r.IntN(3) == 0 {
				n = ketacover.OutOfNetwork
			}
			billed := ketacover.Cents(r.IntN(300000) + 1)
			allowed := ketacover.Cents(r.IntN(int(billed) + 1))
			if n == ketacover.InNetwork && r.IntN(5) == 0 {
				allowed = billed + ketacover.Cents(r.IntN(1000)) // contracts above the charge happen
			}
			if _, err := l.Advance(d); err != nil {
				t.Fatal(err)
			}
			before := l.Met(n)
			s, err := l.Apply(d, n, billed, allowed, r.IntN(4) == 0)
			if err != nil {
				t.Fatalf("iteration %d claim %d: %v", iter, k, err)
			}
			after := l.Met(n)
			switch {
			case s.PatientPays > s.Allowed+s.BalanceBill:
				t.Fatalf("iteration %d claim %d: patient %s > allowed %s + balance bill %s (%+v, %+v)", iter, k, s.PatientPays, s.Allowed, s.BalanceBill, s, b)
			case s.BalanceBill > max(0, billed-allowed):
				t.Fatalf("iteration %d claim %d: balance bill %s > billed − allowed", iter, k, s.BalanceBill)
			case n == ketacover.InNetwork && s.BalanceBill != 0:
				t.Fatalf("iteration %d claim %d: balance bill in network", iter, k)
			case n == ketacover.InNetwork && s.CostShare > s.OOPRoom:
				t.Fatalf("iteration %d claim %d: cost share %s > OOP room %s (%+v)", iter, k, s.CostShare, s.OOPRoom, b)
			case s.PlanPays < 0 || s.CostShare < 0 || s.Copay < 0 || s.ToDeductible < 0 || s.CoinsuranceAmt < 0:
				t.Fatalf("iteration %d claim %d: negative amount %+v", iter, k, s)
			case s.PlanPays+s.CostShare != s.Allowed:
				t.Fatalf("iteration %d claim %d: plan %s + cost share %s != allowed %s", iter, k, s.PlanPays, s.CostShare, s.Allowed)
			case s.ToDeductible > s.DeductibleRoom:
				t.Fatalf("iteration %d claim %d: %s toward a deductible with %s room", iter, k, s.ToDeductible, s.DeductibleRoom)
			case after.OOP-before.OOP != s.CostShare || after.Deductible-before.Deductible != s.ToDeductible:
				t.Fatalf("iteration %d claim %d: accumulators moved by %+v − %+v for %+v", iter, k, after, before, s)
			}
			tier := b.InNetwork
			if n == ketacover.OutOfNetwork {
				tier = *b.OutOfNetwork
			}
			if !tier.NoOOPMax {
				capInd := tier.OOPMax
				if n == ketacover.InNetwork {
					if aca, err := ACA(l.PlanYear().Year); err == nil && (capInd == 0 || capInd > aca.SelfOnly) {
						capInd = aca.SelfOnly
					}
				}
				if capInd != 0 && after.OOP > capInd {
					t.Fatalf("iteration %d claim %d: OOP met %s passes the individual cap %s", iter, k, after.OOP, capInd)
				}
				if b.Coverage == ketacover.CoverageFamily && after.FamilyOOP > tier.FamilyOOPMax {
					t.Fatalf("iteration %d claim %d: family OOP met %s passes the cap %s", iter, k, after.FamilyOOP, tier.FamilyOOPMax)
				}
			}
		}
	}
}
