package cost

import (
	"fmt"

	"github.com/ketacover/ketacover"
)

// Share is the outcome of one claim line: who pays what, and the figures the
// arithmetic used, so that the working can be shown.
type Share struct {
	Network ketacover.Network `json:"network,omitempty"`
	Billed  ketacover.Cents   `json:"billed"`
	Allowed ketacover.Cents   `json:"allowed"`

	// The room left before this line.
	DeductibleRoom ketacover.Cents     `json:"deductible_room"`
	OOPRoom        ketacover.Cents     `json:"oop_room"` // meaningless when OOPUnlimited
	OOPUnlimited   bool                `json:"oop_unlimited,omitempty"`
	CopayRule      ketacover.CopayRule `json:"copay_rule"`
	Coinsurance    ketacover.Rate      `json:"coinsurance_rate"`

	// The patient's cost sharing, after the out-of-pocket cap.
	Copay          ketacover.Cents `json:"copay"`
	ToDeductible   ketacover.Cents `json:"to_deductible"`
	CoinsuranceAmt ketacover.Cents `json:"coinsurance"`
	CostShare      ketacover.Cents `json:"cost_share"` // Copay + ToDeductible + CoinsuranceAmt
	CappedOff      ketacover.Cents `json:"capped_off"` // cost sharing removed by the out-of-pocket maximum
	BalanceBill    ketacover.Cents `json:"balance_bill"`
	PatientPays    ketacover.Cents `json:"patient_pays"` // CostShare + BalanceBill
	PlanPays       ketacover.Cents `json:"plan_pays"`    // Allowed − CostShare
}

// Ledger runs claim lines through a plan's benefits in date order, keeping
// the deductible and out-of-pocket accumulators of each network and starting
// them afresh when a new plan year begins.
type Ledger struct {
	b        *ketacover.Benefits
	year     ketacover.Date // first day of the current plan year
	met      map[ketacover.Network]*ketacover.Accumulator
	warnings []string
}

// NewLedger starts a ledger for benefits b with the amounts met so far. The
// amounts belong to the plan year of acc.AsOf, or of first when AsOf is zero;
// first is the date of the first claim to come. b and acc must be valid.
func NewLedger(b *ketacover.Benefits, acc ketacover.Accumulators, first ketacover.Date) (*Ledger, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if err := acc.ValidateFor(b); err != nil {
		return nil, err
	}
	l := &Ledger{b: b, met: map[ketacover.Network]*ketacover.Accumulator{}}
	in, out := acc.InNetwork, acc.OutOfNetwork
	l.met[ketacover.InNetwork], l.met[ketacover.OutOfNetwork] = &in, &out
	l.year = b.PlanYear(first)
	if !acc.AsOf.IsZero() {
		if acc.AsOf.After(first) {
			return nil, ketacover.Errorf(ketacover.EINVALID, "accumulators.as_of: %s is after the first session %s; give the amounts met before treatment starts", acc.AsOf, first)
		}
		if y := b.PlanYear(acc.AsOf); y != l.year {
			l.met[ketacover.InNetwork], l.met[ketacover.OutOfNetwork] = &ketacover.Accumulator{}, &ketacover.Accumulator{}
			l.warnings = append(l.warnings, fmt.Sprintf("the amounts met as of %s belong to the plan year that began %s; the course starts in the plan year beginning %s, so they start at zero", acc.AsOf, y, l.year))
		}
	}
	return l, nil
}

// PlanYear returns the first day of the plan year the ledger is in.
func (l *Ledger) PlanYear() ketacover.Date { return l.year }

// Met returns the amounts met so far in network n.
func (l *Ledger) Met(n ketacover.Network) ketacover.Accumulator { return *l.met[n] }

// Warnings returns what the ledger noticed while starting.
func (l *Ledger) Warnings() []string { return l.warnings }

// Advance moves the ledger to date d, starting the accumulators afresh if d
// is in a later plan year. It reports whether a reset happened. Dates must
// not go backwards.
func (l *Ledger) Advance(d ketacover.Date) (reset bool, err error) {
	y := l.b.PlanYear(d)
	switch {
	case y.Before(l.year):
		return false, ketacover.Errorf(ketacover.EINVALID, "claim dated %s is before the plan year %s the ledger is in; apply claims in date order", d, l.year)
	case y == l.year:
		return false, nil
	}
	l.year = y
	l.met[ketacover.InNetwork], l.met[ketacover.OutOfNetwork] = &ketacover.Accumulator{}, &ketacover.Accumulator{}
	return true, nil
}

// Apply runs one claim line dated d through the benefits: billed is the
// provider's charge, allowed what the plan recognises. nsaProtected says the
// No Surprises Act (or a state law) forbids balance billing for this
// out-of-network service. The line's cost sharing is added to the
// accumulators of its network.
func (l *Ledger) Apply(d ketacover.Date, n ketacover.Network, billed, allowed ketacover.Cents, nsaProtected bool) (Share, error) {
	if billed < 0 || allowed < 0 {
		return Share{}, ketacover.Errorf(ketacover.EINVALID, "claim line on %s: amounts must not be negative (billed %s, allowed %s)", d, billed, allowed)
	}
	if _, err := l.Advance(d); err != nil {
		return Share{}, err
	}
	t := &l.b.InNetwork
	if n == ketacover.OutOfNetwork {
		if l.b.OutOfNetwork == nil {
			return Share{}, ketacover.Errorf(ketacover.EINVALID, "the plan has no out-of-network benefits")
		}
		t = l.b.OutOfNetwork
	}
	m := l.met[n]
	s := Share{Network: n, Billed: billed, Allowed: allowed, CopayRule: t.CopayRule, Coinsurance: t.Coinsurance}
	if s.CopayRule == "" {
		s.CopayRule = ketacover.CopayNone
	}

	// Deductible room: the individual amount, the family amount, or the
	// smaller of both when the family deductible is embedded (§1.2).
	switch {
	case l.b.Coverage == ketacover.CoverageSelfOnly:
		s.DeductibleRoom = room(t.Deductible, m.Deductible)
	case l.b.Embedded:
		s.DeductibleRoom = min(room(t.Deductible, m.Deductible), room(t.FamilyDeductible, m.FamilyDeductible))
	default:
		s.DeductibleRoom = room(t.FamilyDeductible, m.FamilyDeductible)
	}
	// Out-of-pocket room: on family coverage the smaller of the person's and
	// the family's; in network, the ACA caps each person at the self-only
	// limit even when the plan states only a family figure (§1.2, §1.4).
	if t.NoOOPMax {
		s.OOPUnlimited = true
	} else {
		ind := t.OOPMax
		if n == ketacover.InNetwork && !l.b.Grandfathered {
			if aca, err := ACA(l.year.Year); err == nil && (ind == 0 || ind > aca.SelfOnly) {
				ind = aca.SelfOnly
			}
		}
		s.OOPRoom = room(ind, m.OOP)
		if ind == 0 && l.b.Coverage == ketacover.CoverageFamily { // no individual cap on file
			s.OOPRoom = room(t.FamilyOOPMax, m.FamilyOOP)
		} else if l.b.Coverage == ketacover.CoverageFamily {
			s.OOPRoom = min(s.OOPRoom, room(t.FamilyOOPMax, m.FamilyOOP))
		}
	}

	// Cost sharing before the cap, in the order the rule applies it (§1.1).
	type part struct {
		amt *ketacover.Cents
		v   ketacover.Cents
	}
	var parts []part
	switch s.CopayRule {
	case ketacover.CopayInstead:
		parts = []part{{&s.Copay, min(t.Copay, allowed)}}
	case ketacover.CopayPlus:
		cp := min(t.Copay, allowed)
		rest := allowed - cp
		ded := min(rest, s.DeductibleRoom)
		parts = []part{{&s.Copay, cp}, {&s.ToDeductible, ded}, {&s.CoinsuranceAmt, t.Coinsurance.Of(rest - ded)}}
	case ketacover.CopayAfterDeductible:
		ded := min(allowed, s.DeductibleRoom)
		parts = []part{{&s.ToDeductible, ded}, {&s.Copay, min(t.Copay, allowed-ded)}}
	default:
		ded := min(allowed, s.DeductibleRoom)
		parts = []part{{&s.ToDeductible, ded}, {&s.CoinsuranceAmt, t.Coinsurance.Of(allowed - ded)}}
	}
	// The cap takes away from the last-applied part first, so the deductible
	// accumulator only counts what the patient really paid toward it.
	left := s.OOPRoom
	for _, p := range parts {
		v := p.v
		if !s.OOPUnlimited {
			v = min(v, left)
			left -= v
			s.CappedOff += p.v - v
		}
		*p.amt = v
		s.CostShare += v
	}

	if n == ketacover.OutOfNetwork && !nsaProtected {
		s.BalanceBill = max(0, billed-allowed)
	}
	s.PatientPays = s.CostShare + s.BalanceBill
	s.PlanPays = allowed - s.CostShare

	m.Deductible += s.ToDeductible
	m.OOP += s.CostShare
	if l.b.Coverage == ketacover.CoverageFamily {
		m.FamilyDeductible += s.ToDeductible
		m.FamilyOOP += s.CostShare
	}
	return s, nil
}

// room returns limit − used, never below zero.
func room(limit, used ketacover.Cents) ketacover.Cents { return max(0, limit-used) }
