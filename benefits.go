package ketacover

import (
	"fmt"
	"time"
)

// CoverageLevel is who a plan covers: the member alone or a family
// (employee plus one counts as family coverage).
type CoverageLevel string

// The coverage levels.
const (
	CoverageSelfOnly CoverageLevel = "self-only"
	CoverageFamily   CoverageLevel = "family"
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
// (shared/reference/cost-and-payment.md §1.1 step 3).
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

// CostSharing is the patient's share in one network tier for the benefit
// that covers the treatment.
type CostSharing struct {
	Deductible       Cents     `yaml:"deductible,omitempty" json:"deductible" desc:"the individual deductible in dollars, e.g. \"2000.00\" (self-only coverage: the deductible)"`
	FamilyDeductible Cents     `yaml:"family_deductible,omitempty" json:"family_deductible,omitempty" desc:"family coverage only: the family deductible in dollars"`
	Coinsurance      Rate      `yaml:"coinsurance,omitempty" json:"coinsurance" desc:"the patient's share of the allowed amount after the deductible, e.g. \"20%\""`
	Copay            Cents     `yaml:"copay,omitempty" json:"copay,omitempty" desc:"a flat copay per visit in dollars; needs copay_rule"`
	CopayRule        CopayRule `yaml:"copay_rule,omitempty" json:"copay_rule,omitempty" desc:"how the copay combines with the deductible: none, instead (before the deductible, replacing it and coinsurance), plus (before the deductible, then deductible and coinsurance on the rest), after-deductible (replaces coinsurance once the deductible is met)" enum:"none,instead,plus,after-deductible"`
	OOPMax           Cents     `yaml:"oop_max,omitempty" json:"oop_max" desc:"the individual out-of-pocket maximum in dollars"`
	FamilyOOPMax     Cents     `yaml:"family_oop_max,omitempty" json:"family_oop_max,omitempty" desc:"family coverage only: the family out-of-pocket maximum in dollars"`
	// NoOOPMax says the tier has no out-of-pocket cap: allowed out of
	// network (some PPOs have none) and for grandfathered plans.
	NoOOPMax bool `yaml:"no_oop_max,omitempty" json:"no_oop_max,omitempty" desc:"the tier has no out-of-pocket maximum (some plans out of network; grandfathered plans)"`
	// AllowedOfBilled gives the allowed amount as a share of the billed
	// charge when the price list has no out-of-network allowed amount (plans
	// pay a percentage of "usual, customary and reasonable"; reference §1.1).
	AllowedOfBilled Rate `yaml:"allowed_of_billed,omitempty" json:"allowed_of_billed,omitempty" desc:"out of network only: the allowed amount as a percentage of the billed charge, when the price list gives no out-of-network allowed amount"`
}

// Benefits is the cost-sharing design of a commercial health plan for the
// benefit that pays for the treatment.
type Benefits struct {
	Coverage CoverageLevel `yaml:"coverage" json:"coverage" desc:"self-only or family coverage" enum:"self-only,family"`
	// Embedded says, for family coverage, that the deductible is embedded:
	// each person has an individual deductible inside the family one. False
	// means an aggregate (non-embedded) deductible: only the family amount
	// counts.
	Embedded bool `yaml:"embedded,omitempty" json:"embedded,omitempty" desc:"family coverage: each person has an individual deductible inside the family one (false: aggregate, only the family amount counts)"`
	// HDHP marks a high-deductible health plan that goes with an HSA.
	HDHP bool `yaml:"hdhp,omitempty" json:"hdhp,omitempty" desc:"a high-deductible health plan that goes with a health savings account"`
	// Grandfathered plans are exempt from the ACA out-of-pocket limit.
	// Others have an individual cap no higher than the ACA self-only
	// maximum, even on family coverage ("embedded OOP", reference §1.2).
	Grandfathered bool `yaml:"grandfathered,omitempty" json:"grandfathered,omitempty" desc:"a grandfathered plan, exempt from the ACA out-of-pocket limit"`
	// PlanYearStart is the month and day the plan year begins; the zero
	// value means January 1.
	PlanYearStart MonthDay     `yaml:"plan_year_start,omitempty" json:"plan_year_start,omitzero" desc:"the day the plan year begins, as MM-DD (default 01-01)"`
	InNetwork     CostSharing  `yaml:"in_network" json:"in_network" desc:"cost sharing with an in-network provider"`
	OutOfNetwork  *CostSharing `yaml:"out_of_network,omitempty" json:"out_of_network,omitempty" desc:"cost sharing out of network; leave out when the plan pays nothing out of network (an HMO or EPO)"`
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

// UnmarshalText reads "MM-DD" with a day from 1 to 28, so that every year
// has the day.
func (m *MonthDay) UnmarshalText(b []byte) error {
	t, err := time.Parse("01-02", string(b))
	if err != nil || t.Day() > 28 {
		return fmt.Errorf("want a plan year start as MM-DD (day 1 to 28), got %q", b)
	}
	*m = MonthDay{t.Month(), t.Day()}
	return nil
}

// PlanYear returns the first day of the plan year that contains d.
func (b *Benefits) PlanYear(d Date) Date {
	m := b.PlanYearStart
	if m.IsZero() {
		m = MonthDay{time.January, 1}
	}
	start := Date{Year: d.Year, Month: m.Month, Day: m.Day}
	if d.Before(start) {
		start.Year--
	}
	return start
}

// Validate reports every bad field of b, named by its path under
// "benefits", as an EINVALID error.
func (b *Benefits) Validate() error { return invalid(b.check, "benefits") }

// invalid runs a check under path and turns what it found into an EINVALID
// error listing the problems in field order.
func invalid(check func(fe *FieldErrors, path string), path string) error {
	var fe FieldErrors
	check(&fe, path)
	if len(fe) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: fe.Error()}
}

// check adds the problems of b, under path, to fe.
func (b *Benefits) check(fe *FieldErrors, path string) {
	switch b.Coverage {
	case CoverageSelfOnly, CoverageFamily:
	case "":
		fe.add(path+".coverage", "required: %q or %q", CoverageSelfOnly, CoverageFamily)
	default:
		fe.add(path+".coverage", "want %q or %q, got %q", CoverageSelfOnly, CoverageFamily, b.Coverage)
	}
	if b.Coverage == CoverageSelfOnly && b.Embedded {
		fe.add(path+".embedded", "only family coverage has an embedded deductible")
	}
	if m := b.PlanYearStart; !m.IsZero() && (m.Month < 1 || m.Month > 12 || m.Day < 1 || m.Day > 28) {
		fe.add(path+".plan_year_start", "want MM-DD with day 1 to 28, got %s", m)
	}
	b.InNetwork.check(fe, b, path+".in_network", InNetwork)
	if b.OutOfNetwork != nil {
		b.OutOfNetwork.check(fe, b, path+".out_of_network", OutOfNetwork)
	}
}

func (t *CostSharing) check(fe *FieldErrors, b *Benefits, path string, n Network) {
	n0 := len(*fe)
	for _, f := range []struct {
		name string
		v    Cents
	}{{"deductible", t.Deductible}, {"family_deductible", t.FamilyDeductible}, {"copay", t.Copay}, {"oop_max", t.OOPMax}, {"family_oop_max", t.FamilyOOPMax}} {
		if f.v < 0 {
			fe.add(path+"."+f.name, "want 0 or more, got %s", f.v)
		}
	}
	if t.Coinsurance < 0 || t.Coinsurance > Percent(100) {
		fe.add(path+".coinsurance", "want 0%% to 100%%, got %s", t.Coinsurance)
	}
	if t.AllowedOfBilled < 0 || t.AllowedOfBilled > Percent(100) {
		fe.add(path+".allowed_of_billed", "want 0%% to 100%% of the billed charge, got %s", t.AllowedOfBilled)
	} else if t.AllowedOfBilled != 0 && n == InNetwork {
		fe.add(path+".allowed_of_billed", "in network the allowed amount is the contracted rate, so give it in the price list")
	}
	switch t.CopayRule {
	case "", CopayNone:
		if t.Copay != 0 {
			fe.add(path+".copay_rule", "a copay of %s needs a rule: %q, %q or %q", t.Copay, CopayInstead, CopayPlus, CopayAfterDeductible)
		}
	case CopayInstead, CopayPlus, CopayAfterDeductible:
	default:
		fe.add(path+".copay_rule", "want %q, %q, %q or %q, got %q", CopayNone, CopayInstead, CopayPlus, CopayAfterDeductible, t.CopayRule)
	}
	switch b.Coverage {
	case CoverageSelfOnly:
		if t.FamilyDeductible != 0 {
			fe.add(path+".family_deductible", "self-only coverage has no family amounts")
		}
		if t.FamilyOOPMax != 0 {
			fe.add(path+".family_oop_max", "self-only coverage has no family amounts")
		}
	case CoverageFamily:
		if t.FamilyDeductible == 0 && t.Deductible != 0 {
			fe.add(path+".family_deductible", "family coverage needs the family deductible")
		}
		if b.Embedded && t.Deductible > t.FamilyDeductible {
			fe.add(path+".deductible", "individual %s exceeds the family deductible %s", t.Deductible, t.FamilyDeductible)
		}
		if !t.NoOOPMax && t.FamilyOOPMax == 0 {
			fe.add(path+".family_oop_max", "family coverage needs the family out-of-pocket maximum (or no_oop_max)")
		}
	}
	if t.NoOOPMax {
		if n == InNetwork && !b.Grandfathered {
			fe.add(path+".no_oop_max", "the ACA requires an in-network out-of-pocket maximum unless the plan is grandfathered")
		}
		if t.OOPMax != 0 || t.FamilyOOPMax != 0 {
			fe.add(path+".no_oop_max", "set either no_oop_max or the out-of-pocket maxima, not both")
		}
	} else if t.OOPMax == 0 && (b.Coverage == CoverageSelfOnly || b.Grandfathered) {
		// On non-grandfathered family coverage an absent individual cap
		// means the ACA self-only limit applies; elsewhere it is a mistake.
		fe.add(path+".oop_max", "want the out-of-pocket maximum (or no_oop_max)")
	}
	if len(*fe) > n0 {
		return // the comparison below would only repeat a problem
	}
	ded, oop := t.Deductible, t.OOPMax
	if b.Coverage == CoverageFamily {
		ded, oop = t.FamilyDeductible, t.FamilyOOPMax
	}
	if !t.NoOOPMax && oop != 0 && ded > oop {
		fe.add(path+".deductible", "deductible %s exceeds the out-of-pocket maximum %s", ded, oop)
	}
}

// Accumulator holds the amounts a person and family have met in one network
// tier so far this plan year.
type Accumulator struct {
	Deductible       Cents `yaml:"deductible,omitempty" json:"deductible" desc:"the patient's own spending toward the deductible, in dollars"`
	FamilyDeductible Cents `yaml:"family_deductible,omitempty" json:"family_deductible,omitempty" desc:"family coverage: the whole family's spending toward the deductible, the patient's included"`
	OOP              Cents `yaml:"oop,omitempty" json:"oop" desc:"the patient's own spending toward the out-of-pocket maximum (deductible spending included)"`
	FamilyOOP        Cents `yaml:"family_oop,omitempty" json:"family_oop,omitempty" desc:"family coverage: the whole family's spending toward the out-of-pocket maximum, the patient's included"`
}

// Accumulators are the amounts met so far, per network, as of a date.
type Accumulators struct {
	// AsOf is the day the amounts were read (an EOB or the plan's portal);
	// they belong to the plan year containing it. Zero means "the plan
	// year of the first session".
	AsOf         Date        `yaml:"as_of,omitempty" json:"as_of,omitzero" desc:"the day the amounts were read (an EOB or the plan's portal); they belong to the plan year containing it"`
	InNetwork    Accumulator `yaml:"in_network,omitempty" json:"in_network" desc:"amounts met in network"`
	OutOfNetwork Accumulator `yaml:"out_of_network,omitempty" json:"out_of_network" desc:"amounts met out of network"`
}

// Validate reports every bad field of a on its own, under "accumulators";
// ValidateFor also checks it against the plan's coverage.
func (a Accumulators) Validate() error { return invalid(a.check, "accumulators") }

// ValidateFor reports every bad field of a for a plan with benefits b:
// family amounts exist only on family coverage and include the patient's.
func (a Accumulators) ValidateFor(b *Benefits) error {
	return invalid(func(fe *FieldErrors, path string) { a.checkFor(fe, path, b) }, "accumulators")
}

func (a Accumulators) check(fe *FieldErrors, path string) {
	for _, n := range []struct {
		path string
		m    Accumulator
	}{{path + ".in_network", a.InNetwork}, {path + ".out_of_network", a.OutOfNetwork}} {
		m := n.m
		for _, f := range []struct {
			name string
			v    Cents
		}{{"deductible", m.Deductible}, {"family_deductible", m.FamilyDeductible}, {"oop", m.OOP}, {"family_oop", m.FamilyOOP}} {
			if f.v < 0 {
				fe.add(n.path+"."+f.name, "want 0 or more, got %s", f.v)
			}
		}
		if m.OOP < m.Deductible {
			fe.add(n.path+".oop", "deductible spending %s counts toward the out-of-pocket maximum, so oop cannot be smaller", m.Deductible)
		}
	}
}

func (a Accumulators) checkFor(fe *FieldErrors, path string, b *Benefits) {
	a.check(fe, path)
	for _, n := range []struct {
		path string
		m    Accumulator
	}{{path + ".in_network", a.InNetwork}, {path + ".out_of_network", a.OutOfNetwork}} {
		m := n.m
		if b.Coverage == CoverageFamily {
			if m.FamilyDeductible < m.Deductible {
				fe.add(n.path+".family_deductible", "the family amount %s includes the patient's %s, so it cannot be smaller", m.FamilyDeductible, m.Deductible)
			}
			if m.FamilyOOP < m.OOP {
				fe.add(n.path+".family_oop", "the family amount %s includes the patient's %s, so it cannot be smaller", m.FamilyOOP, m.OOP)
			}
			continue
		}
		if m.FamilyDeductible != 0 {
			fe.add(n.path+".family_deductible", "self-only coverage has no family amounts")
		}
		if m.FamilyOOP != 0 {
			fe.add(n.path+".family_oop", "self-only coverage has no family amounts")
		}
	}
}

// Household is what a sliding-scale programme asks about: who lives in the
// household and its annual income, and the money in a health savings or
// flexible spending account.
type Household struct {
	Size         int    `yaml:"size" json:"size" desc:"persons in the household, counted as the programme counts them"`
	AnnualIncome Cents  `yaml:"annual_income" json:"annual_income" desc:"gross yearly household income in dollars, usually last year's, e.g. \"42000\""`
	HSABalance   Cents  `yaml:"hsa_balance,omitempty" json:"hsa_balance,omitempty" desc:"money available in an HSA or FSA, in dollars"`
	State        string `yaml:"state,omitempty" json:"state,omitempty" desc:"two-letter code of the state of residence, when not patient.state"`
}

// Validate reports every bad field of h under "household".
func (h Household) Validate() error { return invalid(h.check, "household") }

func (h Household) check(fe *FieldErrors, path string) {
	if h.Size < 1 || h.Size > 50 {
		fe.add(path+".size", "want 1 to 50 persons, got %d", h.Size)
	}
	if h.AnnualIncome < 0 {
		fe.add(path+".annual_income", "want 0 or more, got %s", h.AnnualIncome)
	}
	if h.HSABalance < 0 {
		fe.add(path+".hsa_balance", "want 0 or more, got %s", h.HSABalance)
	}
	if h.State != "" && !statePattern.MatchString(h.State) {
		fe.add(path+".state", "want a two-letter state code such as TX, got %q", h.State)
	}
}
