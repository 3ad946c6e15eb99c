package cost

import (
	"fmt"

	"github.com/ketacover/ketacover"
)

// Scenario is a way of paying for the course.
type Scenario string

// The scenarios an estimate compares.
const (
	// ScenarioInNetwork: an in-network provider bills the plan; the patient
	// pays the cost sharing.
	ScenarioInNetwork Scenario = "in-network"
	// ScenarioOutOfNetwork: the patient pays an out-of-network clinic's
	// charge, files a superbill, and the plan reimburses its share of the
	// allowed amount (reference §1.6).
	ScenarioOutOfNetwork Scenario = "out-of-network"
	// ScenarioSelfPay: cash, no claim; nothing counts toward the deductible.
	ScenarioSelfPay Scenario = "self-pay"
)

// Request is everything an estimate needs.
type Request struct {
	// Benefits is nil for an uninsured patient: only self-pay is estimated.
	Benefits *ketacover.Benefits `json:"benefits,omitempty"`
	// Accumulators are the amounts met so far this plan year.
	Accumulators ketacover.Accumulators  `json:"accumulators"`
	Course       ketacover.TreatmentPlan `json:"course"`
	Prices       ketacover.PriceList     `json:"prices"`
	// NSAProtected says balance billing is forbidden out of network (an
	// out-of-network clinician at an in-network facility, an emergency, or a
	// state law). A stand-alone clinic the patient chose is normally not
	// protected (reference §1.5).
	NSAProtected bool `json:"nsa_protected,omitempty"`
}

// Validate reports the first bad part of r: the benefits, then the amounts
// met, then the course and its prices, each with every bad field named by
// its path ("benefits.in_network.coinsurance").
func (r *Request) Validate() error {
	if r.Benefits != nil {
		if err := r.Benefits.Validate(); err != nil {
			return err
		}
		if err := r.Accumulators.ValidateFor(r.Benefits); err != nil {
			return err
		}
	}
	if err := r.Course.Validate(); err != nil {
		return err
	}
	return r.Course.ValidatePrices(r.Prices)
}

// Estimate is a course of treatment priced under each scenario.
type Estimate struct {
	Therapy   ketacover.Therapy `json:"therapy"`
	Start     ketacover.Date    `json:"start"`
	End       ketacover.Date    `json:"end"`
	Sessions  int               `json:"sessions"`
	Scenarios []ScenarioCost    `json:"scenarios"`
	Warnings  []string          `json:"warnings,omitempty"`
}

// Scenario returns the scenario s of e, if estimated.
func (e *Estimate) Scenario(s Scenario) (*ScenarioCost, bool) {
	for i := range e.Scenarios {
		if e.Scenarios[i].Scenario == s {
			return &e.Scenarios[i], true
		}
	}
	return nil, false
}

// ScenarioCost is the course priced one way.
type ScenarioCost struct {
	Scenario Scenario `json:"scenario"`
	// Unavailable says why the scenario could not be estimated (no
	// out-of-network benefits, no allowed amount for a code); when set, the
	// other fields are empty.
	Unavailable string        `json:"unavailable,omitempty"`
	Sessions    []SessionCost `json:"sessions,omitempty"`
	Totals      Totals        `json:"totals"`
	PlanYears   []YearTotals  `json:"plan_years,omitempty"`
	// Working is the session whose arithmetic is spelled out: the first one
	// where the deductible is met or the cap is reached, else the first.
	Working int `json:"working_session,omitempty"`
}

// SessionCost is one session under one scenario.
type SessionCost struct {
	Number   int            `json:"number"`
	Date     ketacover.Date `json:"date"`
	Phase    string         `json:"phase"`
	PlanYear ketacover.Date `json:"plan_year,omitzero"` // first day of the plan year it falls in
	Lines    []LineCost     `json:"lines"`
	Totals
	// After is what has been met in the scenario's network after this
	// session.
	After ketacover.Accumulator `json:"after"`
	// Events marks what happened at this session: "plan year reset",
	// "deductible met", "out-of-pocket maximum reached".
	Events []string `json:"events,omitempty"`
}

// LineCost is one code line of a session.
type LineCost struct {
	Code  string             `json:"code"`
	Units int                `json:"units"`
	Part  ketacover.BillPart `json:"part"`
	Share Share              `json:"share"`
}

// Totals add up sessions.
type Totals struct {
	Billed      ketacover.Cents `json:"billed"`
	Allowed     ketacover.Cents `json:"allowed"`
	PlanPays    ketacover.Cents `json:"plan_pays"`
	PatientPays ketacover.Cents `json:"patient_pays"`
	BalanceBill ketacover.Cents `json:"balance_bill"`
	// DrugShare is the patient's share of the drug lines (what a
	// manufacturer's drug savings programme could lower).
	DrugShare ketacover.Cents `json:"drug_share"`
}

func (t *Totals) add(u Totals) {
	t.Billed += u.Billed
	t.Allowed += u.Allowed
	t.PlanPays += u.PlanPays
	t.PatientPays += u.PatientPays
	t.BalanceBill += u.BalanceBill
	t.DrugShare += u.DrugShare
}

// YearTotals are the totals of one plan year (or, for self-pay, one
// calendar year).
type YearTotals struct {
	Start    ketacover.Date `json:"start"`
	Sessions int            `json:"sessions"`
	Totals
}

// Events at a session.
const (
	EventReset      = "plan year reset"
	EventDeductible = "deductible met"
	EventOOP        = "out-of-pocket maximum reached"
)

// EstimateCourse prices r's course under every scenario the benefits allow,
// running sessions through the benefits in date order.
func EstimateCourse(r *Request) (*Estimate, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	sessions := r.Course.Sessions()
	if len(sessions) == 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "course: the phases give no sessions")
	}
	e := &Estimate{Therapy: r.Course.Therapy, Start: sessions[0].Date, End: sessions[len(sessions)-1].Date, Sessions: len(sessions)}
	if r.Benefits != nil {
		for y := r.Benefits.PlanYear(e.Start); !y.After(e.End); y = ketacover.NewDate(y.Year+1, y.Month, y.Day) {
			e.Warnings = append(e.Warnings, PlanWarnings(r.Benefits, y.Year)...)
		}
		for _, n := range []ketacover.Network{ketacover.InNetwork, ketacover.OutOfNetwork} {
			sc, warn, err := insured(r, sessions, n)
			if err != nil {
				return nil, err
			}
			e.Scenarios = append(e.Scenarios, sc)
			if n == ketacover.InNetwork {
				e.Warnings = append(e.Warnings, warn...)
			}
		}
	}
	e.Scenarios = append(e.Scenarios, selfPay(r, sessions))
	return e, nil
}

// priced returns the price of a line.
func priced(r *Request, ln ketacover.CodeLine) ketacover.Price {
	if ln.Price != nil {
		p := *ln.Price
		p.Code = ln.Code
		return p
	}
	p, _ := r.Prices.Lookup(ln.Code)
	return p
}

func insured(r *Request, sessions []ketacover.Session, n ketacover.Network) (ScenarioCost, []string, error) {
	sc := ScenarioCost{Scenario: ScenarioInNetwork}
	if n == ketacover.OutOfNetwork {
		sc.Scenario = ScenarioOutOfNetwork
		if r.Benefits.OutOfNetwork == nil {
			sc.Unavailable = "the plan has no out-of-network benefits"
			return sc, nil, nil
		}
	}
	// Every code needs an allowed amount before anything is computed.
	for _, s := range sessions {
		for _, ln := range s.Lines {
			p := priced(r, ln)
			if n == ketacover.InNetwork && p.Allowed == 0 {
				sc.Unavailable = fmt.Sprintf("no in-network allowed amount for %s; add it to the price list (the clinic, the plan or its Transparency in Coverage file can give it)", ln.Code)
				return sc, nil, nil
			}
			if n == ketacover.OutOfNetwork && p.OONAllowed == 0 && r.Benefits.OutOfNetwork.AllowedOfBilled == 0 {
				sc.Unavailable = fmt.Sprintf("no out-of-network allowed amount for %s; add oon_allowed to the price list or the plan's out-of-network allowed_of_billed percentage", ln.Code)
				return sc, nil, nil
			}
		}
	}
	l, err := NewLedger(r.Benefits, r.Accumulators, sessions[0].Date)
	if err != nil {
		return sc, nil, err
	}
	sc.Sessions = make([]SessionCost, 0, len(sessions))
	var year *YearTotals
	for _, s := range sessions {
		before := l.Met(n)
		reset, err := l.Advance(s.Date)
		if err != nil {
			return sc, nil, err
		}
		if year == nil || reset {
			sc.PlanYears = append(sc.PlanYears, YearTotals{Start: l.PlanYear()})
			year = &sc.PlanYears[len(sc.PlanYears)-1]
		}
		if reset {
			before = ketacover.Accumulator{}
		}
		c := SessionCost{Number: s.Number, Date: s.Date, Phase: s.Phase, PlanYear: l.PlanYear(), Lines: make([]LineCost, 0, len(s.Lines))}
		if reset {
			c.Events = append(c.Events, EventReset)
		}
		var dedRoom, oopRoom ketacover.Cents
		var unlimited bool
		for i, ln := range s.Lines {
			p := priced(r, ln)
			u := ketacover.Cents(ln.UnitCount())
			billed, allowed := p.Billed*u, p.Allowed*u
			if n == ketacover.OutOfNetwork {
				allowed = p.OONAllowed * u
				if p.OONAllowed == 0 {
					allowed = r.Benefits.OutOfNetwork.AllowedOfBilled.Of(billed)
				}
			}
			sh, err := l.Apply(s.Date, n, billed, allowed, r.NSAProtected)
			if err != nil {
				return sc, nil, err
			}
			if i == 0 {
				dedRoom, oopRoom, unlimited = sh.DeductibleRoom, sh.OOPRoom, sh.OOPUnlimited
			}
			c.Lines = append(c.Lines, LineCost{Code: ln.Code, Units: ln.UnitCount(), Part: p.Part, Share: sh})
			c.Billed += billed
			c.Allowed += allowed
			c.PlanPays += sh.PlanPays
			c.PatientPays += sh.PatientPays
			c.BalanceBill += sh.BalanceBill
			if p.Part == ketacover.PartDrug {
				c.DrugShare += sh.PatientPays
			}
		}
		c.After = l.Met(n)
		if dedRoom > 0 && c.After.Deductible-before.Deductible >= dedRoom {
			c.Events = append(c.Events, EventDeductible)
		}
		if !unlimited && oopRoom > 0 && c.After.OOP-before.OOP >= oopRoom {
			c.Events = append(c.Events, EventOOP)
		}
		if sc.Working == 0 && (hasEvent(c, EventDeductible) || hasEvent(c, EventOOP)) {
			sc.Working = s.Number
		}
		sc.Totals.add(c.Totals)
		year.Sessions++
		year.add(c.Totals)
		sc.Sessions = append(sc.Sessions, c)
	}
	if sc.Working == 0 {
		sc.Working = 1
	}
	return sc, l.Warnings(), nil
}

func hasEvent(c SessionCost, ev string) bool {
	for _, e := range c.Events {
		if e == ev {
			return true
		}
	}
	return false
}

func selfPay(r *Request, sessions []ketacover.Session) ScenarioCost {
	sc := ScenarioCost{Scenario: ScenarioSelfPay, Working: 1, Sessions: make([]SessionCost, 0, len(sessions))}
	var year *YearTotals
	for _, s := range sessions {
		if year == nil || year.Start.Year != s.Date.Year {
			sc.PlanYears = append(sc.PlanYears, YearTotals{Start: ketacover.NewDate(s.Date.Year, 1, 1)})
			year = &sc.PlanYears[len(sc.PlanYears)-1]
		}
		c := SessionCost{Number: s.Number, Date: s.Date, Phase: s.Phase, Lines: make([]LineCost, 0, len(s.Lines))}
		for _, ln := range s.Lines {
			p := priced(r, ln)
			u := ketacover.Cents(ln.UnitCount())
			cash := p.Cash
			if cash == 0 {
				cash = p.Billed
			}
			sh := Share{Billed: cash * u, PatientPays: cash * u}
			c.Lines = append(c.Lines, LineCost{Code: ln.Code, Units: ln.UnitCount(), Part: p.Part, Share: sh})
			c.Billed += sh.Billed
			c.PatientPays += sh.PatientPays
			if p.Part == ketacover.PartDrug {
				c.DrugShare += sh.PatientPays
			}
		}
		sc.Totals.add(c.Totals)
		year.Sessions++
		year.add(c.Totals)
		sc.Sessions = append(sc.Sessions, c)
	}
	return sc
}

// OnlyPlanYear returns a copy of e keeping the sessions of the plan year
// that begins in year (the calendar year for self-pay), with totals for
// those sessions. The course was run in full first, so what earlier
// sessions met still counts. A year with no sessions is an EINVALID error.
func (e *Estimate) OnlyPlanYear(year int) (*Estimate, error) {
	out := *e
	out.Scenarios = nil
	n := 0
	for _, sc := range e.Scenarios {
		c := sc
		c.Sessions, c.PlanYears, c.Totals, c.Working = nil, nil, Totals{}, 0
		if sc.Unavailable == "" {
			for _, y := range sc.PlanYears {
				if y.Start.Year == year {
					c.PlanYears = append(c.PlanYears, y)
				}
			}
			for _, s := range sc.Sessions {
				start := s.PlanYear
				if sc.Scenario == ScenarioSelfPay {
					start = ketacover.NewDate(s.Date.Year, 1, 1)
				}
				if start.Year != year {
					continue
				}
				c.Sessions = append(c.Sessions, s)
				c.Totals.add(s.Totals)
				if s.Number == sc.Working || c.Working == 0 && (hasEvent(s, EventDeductible) || hasEvent(s, EventOOP)) {
					c.Working = s.Number
				}
			}
			if len(c.Sessions) > 0 && c.Working == 0 {
				c.Working = c.Sessions[0].Number
			}
			n = max(n, len(c.Sessions))
		}
		out.Scenarios = append(out.Scenarios, c)
	}
	if n == 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "plan year %d: the course has no sessions in it (it runs %s to %s)", year, e.Start, e.End)
	}
	for _, sc := range out.Scenarios {
		if len(sc.Sessions) > 0 {
			out.Start, out.End, out.Sessions = sc.Sessions[0].Date, sc.Sessions[len(sc.Sessions)-1].Date, len(sc.Sessions)
			break
		}
	}
	return &out, nil
}
