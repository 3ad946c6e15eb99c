package cost

import (
	"fmt"
	"time"

	"github.com/ketacover/ketacover"
)

// Coverage is who the plan covers: the member alone or a family (employee+1
// counts as family coverage).
type Coverage string

// The coverage tiers.
const (
	SelfOnly Coverage = "self-only"
	Family   Coverage = "family"
)

// Network says whether a provider is in the plan's network.
type Network string

// The networks. Plans keep separate deductible and out-of-pocket
// accumulators for each.
const (
	InNetwork    Network = "in-network"
	OutOfNetwork Network = "out-of-network"
)

// CopayRule says how a flat copay combines with the deductible and
// coinsurance for the benefit the treatment falls under. Copays never count
// toward the deductible but do count toward the out-of-pocket maximum
// (reference §1.1 step 3).
type CopayRule string

// The copay rules.
const (
	// CopayNone: no copay; the deductible, then coinsurance.
	CopayNone CopayRule = "none"
	// CopayInstead: the copay applies before the deductible and replaces the
	// deductible and coinsurance (the usual office-visit copay).
	CopayInstead CopayRule = "instead"
	// CopayPlus: the copay applies before the deductible, then the deductible
	// and coinsurance apply to the rest of the allowed amount.
	CopayPlus CopayRule = "plus"
	// CopayAfterDeductible: the deductible first; once it is met, the copay
	// replaces coinsurance.
	CopayAfterDeductible CopayRule = "after-deductible"
)

// Tier is the cost sharing of one network tier for the benefit that covers
// the treatment.
type Tier struct {
	Deductible       Cents     `json:"deductible"`                 // individual (self-only coverage: the) deductible
	FamilyDeductible Cents     `json:"familyDeductible,omitempty"` // family coverage only
	Coinsurance      Rate      `json:"coinsurance"`                // patient's share of the allowed amount after the deductible
	Copay            Cents     `json:"copay,omitempty"`
	CopayRule        CopayRule `json:"copayRule,omitempty"`    // default none; "instead" and "plus" apply before the deductible
	OOPMax           Cents     `json:"oopMax"`                 // individual out-of-pocket maximum
	FamilyOOPMax     Cents     `json:"familyOOPMax,omitempty"` // family coverage only
	// NoOOPMax says the tier has no out-of-pocket cap: allowed out of network
	// (some PPOs have none) and for grandfathered plans.
	NoOOPMax bool `json:"noOOPMax,omitempty"`
	// AllowedOfBilled gives the allowed amount as a share of the billed
	// charge when the price list has no out-of-network allowed amount (plans
	// pay a percentage of "usual, customary and reasonable"; reference §1.1).
	AllowedOfBilled Rate `json:"allowedOfBilled,omitempty"`
}

// Benefits is the cost-sharing design of a commercial health plan for the
// benefit that pays for the treatment.
type Benefits struct {
	Coverage Coverage `json:"coverage"`
	// Embedded says, for family coverage, that the deductible is embedded: each
	// person has an individual deductible inside the family one. False means
	// an aggregate (non-embedded) deductible: only the family amount counts.
	Embedded bool `json:"embedded,omitempty"`
	// HDHP marks a high-deductible health plan that goes with an HSA.
	HDHP bool `json:"hdhp,omitempty"`
	// Grandfathered plans are exempt from the ACA out-of-pocket limit. Others
	// have an individual cap no higher than the ACA self-only maximum, even on
	// family coverage ("embedded OOP", reference §1.2).
	Grandfathered bool `json:"grandfathered,omitempty"`
	// PlanYearStart is the month and day the plan year begins; the zero value
	// means January 1.
	PlanYearStart MonthDay `json:"planYearStart,omitzero"`
	InNetwork     Tier     `json:"inNetwork"`
	// OutOfNetwork is nil when the plan pays nothing out of network (an HMO or
	// EPO outside emergencies).
	OutOfNetwork *Tier `json:"outOfNetwork,omitempty"`
}

// MonthDay is a day of the year, written "MM-DD".
type MonthDay struct {
	Month time.Month
	Day   int
}

// IsZero reports whether m is unset.
func (m MonthDay) IsZero() bool { return m == MonthDay{} }

// String returns "MM-DD".
func (m MonthDay) String() string { return fmt.Sprintf("%02d-%02d", m.Month, m.Day) }

// MarshalText writes "MM-DD".
func (m MonthDay) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads "MM-DD".
func (m *MonthDay) UnmarshalText(b []byte) error {
	t, err := time.Parse("01-02", string(b))
	if err != nil || t.Day() > 28 {
		return fmt.Errorf("want a plan year start as MM-DD (day 1 to 28), got %q", b)
	}
	*m = MonthDay{t.Month(), t.Day()}
	return nil
}

// PlanYear returns the first day of the plan year that contains d.
func (b *Benefits) PlanYear(d ketacover.Date) ketacover.Date {
	m := b.PlanYearStart
	if m.IsZero() {
		m = MonthDay{time.January, 1}
	}
	start := ketacover.Date{Year: d.Year, Month: m.Month, Day: m.Day}
	if d.Before(start) {
		start.Year--
	}
	return start
}

// Validate reports the first bad field of b, named by its JSON path.
func (b *Benefits) Validate() error {
	bad := func(field, format string, args ...any) error {
		return ketacover.Errorf(ketacover.EINVALID, "benefits.%s: %s", field, fmt.Sprintf(format, args...))
	}
	switch b.Coverage {
	case SelfOnly, Family:
	default:
		return bad("coverage", "want %q or %q, got %q", SelfOnly, Family, b.Coverage)
	}
	if b.Coverage == SelfOnly && b.Embedded {
		return bad("embedded", "only family coverage has an embedded deductible")
	}
	if m := b.PlanYearStart; !m.IsZero() && (m.Month < 1 || m.Month > 12 || m.Day < 1 || m.Day > 28) {
		return bad("planYearStart", "want MM-DD with day 1 to 28, got %s", m)
	}
	if err := b.InNetwork.validate(b, "inNetwork", InNetwork); err != nil {
		return err
	}
	if b.OutOfNetwork != nil {
		if err := b.OutOfNetwork.validate(b, "outOfNetwork", OutOfNetwork); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tier) validate(b *Benefits, path string, n Network) error {
	bad := func(field, format string, args ...any) error {
		return ketacover.Errorf(ketacover.EINVALID, "benefits.%s.%s: %s", path, field, fmt.Sprintf(format, args...))
	}
	for _, f := range []struct {
		name string
		v    Cents
	}{{"deductible", t.Deductible}, {"familyDeductible", t.FamilyDeductible}, {"copay", t.Copay}, {"oopMax", t.OOPMax}, {"familyOOPMax", t.FamilyOOPMax}} {
		if f.v < 0 {
			return bad(f.name, "want 0 or more, got %s", f.v)
		}
	}
	if t.Coinsurance < 0 || t.Coinsurance > Percent(100) {
		return bad("coinsurance", "want 0%% to 100%%, got %s", t.Coinsurance)
	}
	if t.AllowedOfBilled < 0 || t.AllowedOfBilled > Percent(100) {
		return bad("allowedOfBilled", "want 0%% to 100%% of the billed charge, got %s", t.AllowedOfBilled)
	}
	if t.AllowedOfBilled != 0 && n == InNetwork {
		return bad("allowedOfBilled", "in network the allowed amount is the contracted rate; give it in the price list")
	}
	switch t.CopayRule {
	case "", CopayNone:
		if t.Copay != 0 {
			return bad("copayRule", "a copay of %s needs a rule: %q, %q or %q", t.Copay, CopayInstead, CopayPlus, CopayAfterDeductible)
		}
	case CopayInstead, CopayPlus, CopayAfterDeductible:
	default:
		return bad("copayRule", "want %q, %q, %q or %q, got %q", CopayNone, CopayInstead, CopayPlus, CopayAfterDeductible, t.CopayRule)
	}
	if b.Coverage == SelfOnly {
		if t.FamilyDeductible != 0 || t.FamilyOOPMax != 0 {
			return bad("familyDeductible", "self-only coverage has no family amounts")
		}
	} else {
		if t.FamilyDeductible == 0 && t.Deductible != 0 {
			return bad("familyDeductible", "family coverage needs the family deductible")
		}
		if b.Embedded && t.Deductible > t.FamilyDeductible {
			return bad("deductible", "individual %s exceeds the family deductible %s", t.Deductible, t.FamilyDeductible)
		}
		if !t.NoOOPMax && t.FamilyOOPMax == 0 {
			return bad("familyOOPMax", "family coverage needs the family out-of-pocket maximum (or noOOPMax)")
		}
	}
	if t.NoOOPMax {
		if n == InNetwork && !b.Grandfathered {
			return bad("noOOPMax", "the ACA requires an in-network out-of-pocket maximum unless the plan is grandfathered")
		}
		if t.OOPMax != 0 || t.FamilyOOPMax != 0 {
			return bad("noOOPMax", "set either noOOPMax or the out-of-pocket maxima, not both")
		}
	} else if t.OOPMax == 0 && (b.Coverage == SelfOnly || b.Grandfathered) {
		// On non-grandfathered family coverage an absent individual cap
		// means the ACA self-only limit applies; elsewhere it is a mistake.
		return bad("oopMax", "want the out-of-pocket maximum (or noOOPMax)")
	}
	ind := t.OOPMax
	if b.Coverage == Family {
		ind = t.FamilyOOPMax
	}
	ded := t.Deductible
	if b.Coverage == Family {
		ded = t.FamilyDeductible
	}
	if !t.NoOOPMax && ind != 0 && ded > ind {
		return bad("deductible", "deductible %s exceeds the out-of-pocket maximum %s", ded, ind)
	}
	return nil
}

// Warnings lists facts about b that do not stop an estimate but that a
// person should check, for the plan year starting in planYear: an in-network
// cap above the ACA limit, HDHP figures outside the IRS limits, a copay
// before the deductible on an HDHP.
func (b *Benefits) Warnings(planYear int) []string {
	var w []string
	t := b.InNetwork
	if aca, err := ACA(planYear); err == nil && !b.Grandfathered {
		if t.OOPMax > aca.SelfOnly {
			w = append(w, fmt.Sprintf("the individual in-network out-of-pocket maximum %s is above the %d ACA limit %s; the estimate caps each person at %s (%s)", t.OOPMax, planYear, aca.SelfOnly, aca.SelfOnly, aca.Source))
		}
		if b.Coverage == Family && t.FamilyOOPMax > aca.Family {
			w = append(w, fmt.Sprintf("the family in-network out-of-pocket maximum %s is above the %d ACA limit %s", t.FamilyOOPMax, planYear, aca.Family))
		}
	} else if err != nil && !b.Grandfathered {
		w = append(w, fmt.Sprintf("no ACA out-of-pocket limit on file for plan year %d; the plan's own figures are used as given", planYear))
	}
	if b.HDHP {
		if h, err := HSA(planYear); err == nil {
			minDed, maxOOP, ded, oop := h.MinDeductibleSelfOnly, h.MaxOOPSelfOnly, t.Deductible, t.OOPMax
			if b.Coverage == Family {
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
		if r := t.CopayRule; r == CopayInstead || r == CopayPlus {
			w = append(w, "an HDHP pays only preventive care (and, from 2025, telehealth) before the deductible; in-clinic ketamine or esketamine is normally subject to the deductible (IRS Notice 2026-5 as summarised by RSM and KFF)")
		}
	}
	return w
}

// Met holds the amounts a person and family have met in one network tier so
// far this plan year.
type Met struct {
	Deductible       Cents `json:"deductible"`                 // the patient's own deductible spending
	FamilyDeductible Cents `json:"familyDeductible,omitempty"` // the whole family's, the patient's included
	OOP              Cents `json:"oop"`                        // the patient's own out-of-pocket spending
	FamilyOOP        Cents `json:"familyOOP,omitempty"`        // the whole family's, the patient's included
}

// Accumulators are the amounts met so far, per network, as of a date.
type Accumulators struct {
	// AsOf is the day the amounts were read (an EOB or the plan's portal);
	// they belong to the plan year containing it. Zero means "the plan year of
	// the first session".
	AsOf         ketacover.Date `json:"asOf,omitzero"`
	InNetwork    Met            `json:"inNetwork"`
	OutOfNetwork Met            `json:"outOfNetwork"`
}

// Validate reports the first bad field of a on its own; ValidateFor also
// checks it against the plan's coverage.
func (a Accumulators) Validate() error {
	for _, n := range []struct {
		path string
		m    Met
	}{{"inNetwork", a.InNetwork}, {"outOfNetwork", a.OutOfNetwork}} {
		bad := func(field, format string, args ...any) error {
			return ketacover.Errorf(ketacover.EINVALID, "met.%s.%s: %s", n.path, field, fmt.Sprintf(format, args...))
		}
		m := n.m
		for _, f := range []struct {
			name string
			v    Cents
		}{{"deductible", m.Deductible}, {"familyDeductible", m.FamilyDeductible}, {"oop", m.OOP}, {"familyOOP", m.FamilyOOP}} {
			if f.v < 0 {
				return bad(f.name, "want 0 or more, got %s", f.v)
			}
		}
		if m.OOP < m.Deductible {
			return bad("oop", "deductible spending %s counts toward the out-of-pocket maximum, so oop cannot be smaller", m.Deductible)
		}
	}
	return nil
}

// ValidateFor reports the first bad field of a for a plan with benefits b:
// family amounts exist only on family coverage and include the patient's.
func (a Accumulators) ValidateFor(b *Benefits) error {
	if err := a.Validate(); err != nil {
		return err
	}
	for _, n := range []struct {
		path string
		m    Met
	}{{"inNetwork", a.InNetwork}, {"outOfNetwork", a.OutOfNetwork}} {
		bad := func(field, format string, args ...any) error {
			return ketacover.Errorf(ketacover.EINVALID, "met.%s.%s: %s", n.path, field, fmt.Sprintf(format, args...))
		}
		m := n.m
		if b.Coverage == Family {
			if m.FamilyDeductible < m.Deductible {
				return bad("familyDeductible", "the family amount %s includes the patient's %s, so it cannot be smaller", m.FamilyDeductible, m.Deductible)
			}
			if m.FamilyOOP < m.OOP {
				return bad("familyOOP", "the family amount %s includes the patient's %s, so it cannot be smaller", m.FamilyOOP, m.OOP)
			}
		} else if m.FamilyDeductible != 0 || m.FamilyOOP != 0 {
			return bad("familyDeductible", "self-only coverage has no family amounts")
		}
	}
	return nil
}
