package x12

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ketacover/ketacover"
)

// Coverage is what a 271 says about one service type for one member, put
// in the terms the cost estimator reads (ketacover.Benefits and
// ketacover.Accumulators), with the EB segment behind each figure and a
// note for each thing it could not say.
type Coverage struct {
	ServiceType string         `json:"serviceType"`
	Name        string         `json:"name,omitempty"`
	AsOf        ketacover.Date `json:"asOf,omitzero"` // BHT04: the amounts met are as of this day

	// Status is active, inactive or not-covered (EB01 1, 6 or I), or empty
	// when no EB says.
	Status     string   `json:"status,omitempty"`
	StatusFrom []Source `json:"statusFrom,omitempty"`
	// OutOfNetwork is false when an EB says the service is not covered
	// out of network (EB01 I with EB12 N), nil when none says.
	OutOfNetwork *bool `json:"outOfNetwork,omitempty"`
	// Level is self-only or family (EB02 IND or FAM), empty when no EB
	// says.
	Level ketacover.CoverageLevel `json:"level,omitempty"`

	Figures       []Figure       `json:"figures"`
	Authorization []AuthFlag     `json:"authorization,omitempty"`
	Other         []OtherBenefit `json:"other,omitempty"` // other EBs of the service type (limitations, contacts, procedure-level benefits)
	Notes         []string       `json:"notes,omitempty"`
}

// OtherBenefit is an EB that gives no plan figure: a limitation, a contact,
// or a benefit for one procedure (EB13) such as HC:96365.
type OtherBenefit struct {
	What      string   `json:"what"` // EB01 in words, or "EB01 X" for a code the reference does not list
	Procedure string   `json:"procedure,omitempty"`
	Network   string   `json:"network,omitempty"`  // EB12 as sent
	Messages  []string `json:"messages,omitempty"` // MSG of the EB's loop
	From      Source   `json:"from"`
}

// Source is the segment a figure comes from.
type Source struct {
	Segment int    `json:"segment"`
	Offset  int64  `json:"offset"`
	Text    string `json:"text"`
}

func (s Source) String() string {
	return fmt.Sprintf("segment %d (byte %d): %s", s.Segment, s.Offset, s.Text)
}

func sourceOf(b *Benefit) Source { return Source{Segment: b.Segment, Offset: b.Offset, Text: b.Text} }

// Figure is one amount or rate the 271 gives. Field is the case field it
// fills (plan.benefits.in_network.deductible, plan.accumulators.
// out_of_network.oop); it is empty for a figure that is only shown (an
// amount remaining). An amount met is computed from two segments, the
// yearly amount and the amount remaining, and names both.
type Figure struct {
	Field   string            `json:"field,omitempty"`
	What    string            `json:"what"`
	Network ketacover.Network `json:"network"`
	Amount  *ketacover.Cents  `json:"amount,omitempty"`
	Rate    *ketacover.Rate   `json:"rate,omitempty"`
	Period  string            `json:"period,omitempty"` // EB06 in words
	From    []Source          `json:"from"`
}

// Value returns the figure as text: "$2,000.00" or "20%".
func (f Figure) Value() string {
	switch {
	case f.Amount != nil:
		return f.Amount.String()
	case f.Rate != nil:
		return f.Rate.String()
	}
	return ""
}

// AuthFlag is an EB11 authorization indicator: for the service type, or
// for one procedure (EB13).
type AuthFlag struct {
	Required  string   `json:"required"` // EB11: Y, N, U
	Procedure string   `json:"procedure,omitempty"`
	Network   string   `json:"network,omitempty"`  // EB12 as sent
	Messages  []string `json:"messages,omitempty"` // MSG of the EB's loop
	From      Source   `json:"from"`
}

// tier is one network's EB12 code and case field name.
type tier struct {
	network ketacover.Network
	code    string // EB12
	field   string
}

var tiers = []tier{
	{ketacover.InNetwork, "Y", "in_network"},
	{ketacover.OutOfNetwork, "N", "out_of_network"},
}

// Coverage reads the member's benefits for service type st (a code of X12
// list 1365 such as MH) into figures. A kind of benefit (deductible,
// out-of-pocket, coinsurance, copay) not given for st is taken from the
// plan-wide benefits (EB03 30), then from EBs with no service type, and a
// note says so. Procedure-level EBs (EB13) never become plan figures.
func (e *Eligibility) Coverage(st string) *Coverage {
	c := &Coverage{ServiceType: st, Name: ServiceTypeText(st), AsOf: e.Date, Figures: []Figure{}}
	c.status(e, st)
	// Out-of-network figures are read only when some EB speaks of out of
	// network (EB12 N) other than to say it is not covered.
	oon := (c.OutOfNetwork == nil || *c.OutOfNetwork) &&
		slices.ContainsFunc(e.Benefits, func(b Benefit) bool { return b.InNetwork == "N" && b.Code != ebNonCovered })
	for _, k := range []struct {
		code, name string
	}{{ebDeductible, "deductible"}, {ebOOP, "out-of-pocket maximum"}, {ebCoinsurance, "coinsurance"}, {ebCopay, "copay"}} {
		bs, scope := e.pick(st, k.code)
		if len(bs) == 0 {
			continue
		}
		if scope != st {
			c.notef("no %s is given for %s: %s", k.name, st, scopeText(scope))
		}
		for _, t := range tiers {
			if t.code == "N" && !oon {
				continue
			}
			sel, unstated := byNetwork(bs, t.code)
			if unstated {
				c.notef("%s at segment %d does not say in or out of network (EB12): taken for %s", k.name, sel[0].Segment, t.network)
			}
			switch k.code {
			case ebDeductible, ebOOP:
				c.amounts(k.code, sel, t)
			case ebCoinsurance:
				c.coinsurance(sel, t)
			case ebCopay:
				c.copay(sel, t)
			}
		}
	}
	if c.Level == "" {
		if slices.ContainsFunc(c.Figures, func(f Figure) bool { return strings.Contains(f.Field, ".family_") }) {
			c.Level = ketacover.CoverageFamily
		} else if len(c.Figures) > 0 {
			c.notef("no EB02 coverage level on the active coverage: set plan.benefits.coverage (self-only or family)")
		}
	}
	c.extras(e, st)
	return c
}

// pick returns the plan-level EBs of kind code for st, else for the plan
// (30), else with no service type, and the scope it found them in.
func (e *Eligibility) pick(st, code string) ([]*Benefit, string) {
	for _, scope := range []string{st, ServiceTypePlan, ""} {
		var out []*Benefit
		for i := range e.Benefits {
			b := &e.Benefits[i]
			if b.Code != code || b.Procedure.Code != "" {
				continue
			}
			if scope == "" && len(b.ServiceTypes) == 0 || scope != "" && b.HasServiceType(scope) {
				out = append(out, b)
			}
		}
		if len(out) > 0 {
			return out, scope
		}
	}
	return nil, ""
}

func scopeText(scope string) string {
	if scope == "" {
		return "the EB segments without a service type (EB03) are used"
	}
	return "the plan-wide ones (EB03 " + scope + ", " + ServiceTypeText(scope) + ") are used"
}

// byNetwork returns the EBs whose EB12 is code; when there are none, those
// whose EB12 says neither in nor out of network, with unstated true.
func byNetwork(bs []*Benefit, code string) (sel []*Benefit, unstated bool) {
	for _, b := range bs {
		if b.InNetwork == code {
			sel = append(sel, b)
		}
	}
	if len(sel) > 0 {
		return sel, false
	}
	for _, b := range bs {
		if b.InNetwork != "Y" && b.InNetwork != "N" {
			sel = append(sel, b)
		}
	}
	return sel, len(sel) > 0
}

// status reads active coverage, inactive and non-covered EBs for st (or the
// plan) and the coverage level of the active coverage.
func (c *Coverage) status(e *Eligibility, st string) {
	for _, scope := range []string{st, ServiceTypePlan} {
		var active, inactive, excluded []*Benefit
		for i := range e.Benefits {
			b := &e.Benefits[i]
			if b.Procedure.Code != "" || !b.HasServiceType(scope) {
				continue
			}
			switch b.Code {
			case ebActive:
				active = append(active, b)
			case ebInactive:
				inactive = append(inactive, b)
			case ebNonCovered:
				if b.InNetwork == "N" {
					no := false
					c.OutOfNetwork = &no
					c.notef("not covered out of network (segment %d): plan.benefits.out_of_network is removed", b.Segment)
					continue
				}
				excluded = append(excluded, b)
			}
		}
		var from []*Benefit
		switch {
		case len(excluded) > 0:
			c.Status, from = "not-covered", excluded
		case len(inactive) > 0:
			c.Status, from = "inactive", inactive
		case len(active) > 0:
			c.Status, from = "active", active
		}
		if from == nil {
			continue
		}
		for _, b := range from {
			c.StatusFrom = append(c.StatusFrom, sourceOf(b))
		}
		if scope != st {
			c.notef("no EB says whether %s is covered: the plan's status (EB03 30) is shown", st)
		}
		for _, b := range active {
			switch b.CoverageLevel {
			case levelIndividual:
				c.Level = ketacover.CoverageSelfOnly
			case levelFamily:
				c.Level = ketacover.CoverageFamily
			}
		}
		return
	}
	c.notef("no EB says whether %s or the plan is active (EB01 1, 6 or I)", st)
}

// amounts turns deductible or out-of-pocket EBs of one network into the
// yearly amount, the amount remaining and the amount met, per coverage
// level.
func (c *Coverage) amounts(code string, bs []*Benefit, t tier) {
	name, metName, word := "deductible", "deductible", "deductible"
	if code == ebOOP {
		name, metName, word = "oop_max", "oop", "out-of-pocket maximum"
	}
	for _, lv := range []string{levelIndividual, levelFamily} {
		var total, remaining *Benefit
		for _, b := range bs {
			level := b.CoverageLevel
			if level == "" {
				level = levelIndividual
			}
			if level != lv {
				continue
			}
			if b.Amount == nil {
				c.notef("%s at segment %d has no amount (EB07)", word, b.Segment)
				continue
			}
			if *b.Amount < 0 {
				c.notef("%s at segment %d is negative: not used", word, b.Segment)
				continue
			}
			slot := &total
			switch b.Period {
			case periodCalendarYear, "":
			case periodRemaining:
				slot = &remaining
			default:
				c.notef("%s at segment %d is for time period %q, which the reference does not list (EB06 23 calendar year, 29 remaining): not used", word, b.Segment, b.Period)
				continue
			}
			if *slot != nil {
				if *(*slot).Amount != *b.Amount {
					c.notef("%s at segment %d differs from segment %d: the first is used", word, b.Segment, (*slot).Segment)
				}
				continue
			}
			*slot = b
		}
		field, mfield, who := name, metName, "individual"
		if lv == levelFamily {
			field, mfield, who = "family_"+name, "family_"+metName, "family"
		}
		if total != nil {
			if total.CoverageLevel == "" {
				c.notef("%s at segment %d has no coverage level (EB02): taken as the individual amount", word, total.Segment)
			}
			if total.Period == "" {
				c.notef("%s at segment %d has no time period (EB06): taken as the yearly amount", word, total.Segment)
			}
			c.add(Figure{Field: "plan.benefits." + t.field + "." + field, What: fmt.Sprintf("%s, %s", word, who),
				Network: t.network, Amount: cents(*total.Amount), Period: PeriodText(total.Period), From: []Source{sourceOf(total)}})
		}
		if remaining != nil {
			c.add(Figure{What: fmt.Sprintf("%s remaining, %s", word, who), Network: t.network,
				Amount: cents(*remaining.Amount), Period: PeriodText(remaining.Period), From: []Source{sourceOf(remaining)}})
		}
		switch {
		case total != nil && remaining != nil && *remaining.Amount > *total.Amount:
			c.notef("%s remaining at segment %d is more than the amount at segment %d: the amount met is not computed", word, remaining.Segment, total.Segment)
		case total != nil && remaining != nil:
			c.add(Figure{Field: "plan.accumulators." + t.field + "." + mfield, What: fmt.Sprintf("%s met, %s", word, who),
				Network: t.network, Amount: cents(*total.Amount - *remaining.Amount), From: []Source{sourceOf(total), sourceOf(remaining)}})
		case remaining != nil:
			c.notef("%s remaining at segment %d without the yearly amount: the amount met is not known", word, remaining.Segment)
		}
	}
}

func (c *Coverage) coinsurance(bs []*Benefit, t tier) {
	var used *Benefit
	for _, b := range bs {
		if b.Percent == nil {
			c.notef("coinsurance at segment %d has no percent (EB08)", b.Segment)
			continue
		}
		if used != nil {
			if *used.Percent != *b.Percent {
				c.notef("coinsurance at segment %d differs from segment %d: the first is used", b.Segment, used.Segment)
			}
			continue
		}
		used = b
	}
	if used == nil {
		return
	}
	// EB08 of a co-insurance EB is the patient's share (Stedi, "Patient
	// responsibility": https://stedi.com/docs/healthcare/eligibility-patient-responsibility-benefits),
	// which is what plan.benefits.*.coinsurance holds.
	r := *used.Percent
	c.add(Figure{Field: "plan.benefits." + t.field + ".coinsurance", What: "coinsurance (the patient's share)", Network: t.network, Rate: &r, From: []Source{sourceOf(used)}})
}

func (c *Coverage) copay(bs []*Benefit, t tier) {
	var used *Benefit
	for _, b := range bs {
		if b.Amount == nil {
			c.notef("copay at segment %d has no amount (EB07): a percentage copay has no place in plan.benefits", b.Segment)
			continue
		}
		if *b.Amount < 0 {
			c.notef("copay at segment %d is negative: not used", b.Segment)
			continue
		}
		if used != nil {
			if *used.Amount != *b.Amount {
				c.notef("copay at segment %d differs from segment %d: the first is used", b.Segment, used.Segment)
			}
			continue
		}
		used = b
	}
	if used == nil {
		return
	}
	period := PeriodText(used.Period)
	if period == "" && used.Period != "" {
		period = "time period " + used.Period
	}
	c.add(Figure{Field: "plan.benefits." + t.field + ".copay", What: "copay", Network: t.network, Amount: cents(*used.Amount), Period: period, From: []Source{sourceOf(used)}})
	c.notef("a 271 does not say how the %s copay combines with the deductible: set plan.benefits.%s.copay_rule (instead, plus or after-deductible)", t.network, t.field)
}

// extras collects the authorization indicators and the other EBs of st.
func (c *Coverage) extras(e *Eligibility, st string) {
	for i := range e.Benefits {
		b := &e.Benefits[i]
		forST := b.HasServiceType(st)
		relevant := forST || b.HasServiceType(ServiceTypePlan) || len(b.ServiceTypes) == 0 || b.Procedure.Code != ""
		if relevant && b.AuthRequired != "" {
			c.Authorization = append(c.Authorization, AuthFlag{Required: b.AuthRequired, Procedure: b.Procedure.Code, Network: b.InNetwork, Messages: b.Messages, From: sourceOf(b)})
		}
		switch b.Code {
		case ebActive, ebInactive, ebNonCovered, ebDeductible, ebOOP, ebCoinsurance, ebCopay:
			if b.Procedure.Code == "" {
				continue
			}
		}
		if forST || b.Procedure.Code != "" {
			what := BenefitText(b.Code)
			if what == "" {
				what = "EB01 " + b.Code
			}
			c.Other = append(c.Other, OtherBenefit{What: what, Procedure: b.Procedure.Code, Network: b.InNetwork, Messages: b.Messages, From: sourceOf(b)})
		}
	}
}

// AuthRequired reports Y when an EB for the service type (not a single
// procedure) says authorization is required, N when one says it is not and
// none says it is, and "" otherwise.
func (c *Coverage) AuthRequired() string {
	v := ""
	for _, a := range c.Authorization {
		if a.Procedure != "" {
			continue
		}
		switch a.Required {
		case "Y":
			return "Y"
		case "N":
			v = "N"
		}
	}
	return v
}

func (c *Coverage) add(f Figure) { c.Figures = append(c.Figures, f) }

func (c *Coverage) notef(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !slices.Contains(c.Notes, n) {
		c.Notes = append(c.Notes, n)
	}
}

func cents(v int64) *ketacover.Cents {
	c := ketacover.Cents(v)
	return &c
}

// Apply copies what the coverage gives onto b and a: the coverage level,
// each figure with a Field, and the day the amounts met were read. Fields
// the 271 does not give keep their values; out-of-network cost sharing is
// added when the 271 gives some and removed when it says the service is
// not covered out of network. The result is not validated: a 271 rarely
// gives everything plan.benefits needs (an out-of-pocket maximum, a copay
// rule), so the caller validates and says what is missing.
func (c *Coverage) Apply(b *ketacover.Benefits, a *ketacover.Accumulators) {
	if c.Level != "" {
		b.Coverage = c.Level
	}
	met := false
	for _, f := range c.Figures {
		parts := strings.Split(f.Field, ".")
		if len(parts) != 4 {
			continue
		}
		switch parts[1] {
		case "benefits":
			cs := &b.InNetwork
			if parts[2] == "out_of_network" {
				if b.OutOfNetwork == nil {
					b.OutOfNetwork = &ketacover.CostSharing{}
				}
				cs = b.OutOfNetwork
			}
			setCostSharing(cs, parts[3], f)
		case "accumulators":
			m := &a.InNetwork
			if parts[2] == "out_of_network" {
				m = &a.OutOfNetwork
			}
			setAccumulator(m, parts[3], *f.Amount)
			met = true
		}
	}
	if c.OutOfNetwork != nil && !*c.OutOfNetwork {
		b.OutOfNetwork = nil
	}
	if met {
		a.AsOf = c.AsOf
	}
}

func setCostSharing(cs *ketacover.CostSharing, name string, f Figure) {
	switch name {
	case "deductible":
		cs.Deductible = *f.Amount
	case "family_deductible":
		cs.FamilyDeductible = *f.Amount
	case "oop_max":
		cs.OOPMax = *f.Amount
		cs.NoOOPMax = false
	case "family_oop_max":
		cs.FamilyOOPMax = *f.Amount
		cs.NoOOPMax = false
	case "coinsurance":
		cs.Coinsurance = *f.Rate
	case "copay":
		cs.Copay = *f.Amount
	}
}

func setAccumulator(m *ketacover.Accumulator, name string, v ketacover.Cents) {
	switch name {
	case "deductible":
		m.Deductible = v
	case "family_deductible":
		m.FamilyDeductible = v
	case "oop":
		m.OOP = v
	case "family_oop":
		m.FamilyOOP = v
	}
}
