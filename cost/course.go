package cost

import (
	"fmt"

	"github.com/ketacover/ketacover"
)

// Part says what a billed code pays for; manufacturer savings treat the drug
// and the treatment session differently.
type Part string

// The parts of a session's bill.
const (
	PartDrug    Part = "drug"    // the medication itself (J0013, S0013, J3490 for ketamine)
	PartService Part = "service" // administration, observation, evaluation (96365, 99215, …)
	// PartBundled is a code that pays for drug and service together (the
	// Medicare esketamine G-codes G2082/G2083); savings programmes that
	// treat the two separately cannot be applied to it (reference §1.7).
	PartBundled Part = "bundled"
)

// Price is what one unit of a billing code costs, per network.
type Price struct {
	Code        string `json:"code"` // CPT or HCPCS
	Description string `json:"description,omitempty"`
	Part        Part   `json:"part"`
	Billed      Cents  `json:"billed"`               // the provider's charge per unit
	Cash        Cents  `json:"cash,omitempty"`       // the self-pay price per unit; zero means the billed charge
	Allowed     Cents  `json:"allowed,omitempty"`    // the in-network contracted rate per unit; zero means unknown
	OONAllowed  Cents  `json:"oonAllowed,omitempty"` // the out-of-network allowed amount per unit; zero means unknown
	Source      string `json:"source,omitempty"`     // where the figures come from (a clinic's price sheet, a TiC file, an EOB)
}

// PriceList is a set of prices, at most one per code.
type PriceList []Price

// Validate reports the first bad entry of p.
func (p PriceList) Validate() error {
	seen := map[string]int{}
	for i, pr := range p {
		if field, msg := pr.check(); field != "" {
			return ketacover.Errorf(ketacover.EINVALID, "prices[%d] (%s).%s: %s", i, pr.Code, field, msg)
		}
		if j, ok := seen[pr.Code]; ok {
			return ketacover.Errorf(ketacover.EINVALID, "prices[%d] (%s).code: priced twice (also prices[%d])", i, pr.Code, j)
		}
		seen[pr.Code] = i
	}
	return nil
}

// check returns the first bad field of pr and what is wrong with it.
func (pr Price) check() (field, msg string) {
	if !validCode(pr.Code) {
		return "code", fmt.Sprintf("want a CPT or HCPCS code (five letters or digits, e.g. 96365, J3490), got %q", pr.Code)
	}
	switch pr.Part {
	case PartDrug, PartService, PartBundled:
	default:
		return "part", fmt.Sprintf("want %q, %q or %q, got %q", PartDrug, PartService, PartBundled, pr.Part)
	}
	if pr.Billed <= 0 {
		return "billed", "want the charge per unit, more than zero"
	}
	for _, f := range []struct {
		name string
		v    Cents
	}{{"cash", pr.Cash}, {"allowed", pr.Allowed}, {"oonAllowed", pr.OONAllowed}} {
		if f.v < 0 {
			return f.name, fmt.Sprintf("want 0 or more, got %s", f.v)
		}
	}
	return "", ""
}

func validCode(c string) bool {
	if len(c) != 5 {
		return false
	}
	for _, r := range c {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Lookup returns the price of code.
func (p PriceList) Lookup(code string) (Price, bool) {
	for _, pr := range p {
		if pr.Code == code {
			return pr, true
		}
	}
	return Price{}, false
}

// Line is one billed code of a session. A price set on the line overrides
// the price list for that code.
type Line struct {
	Code  string `json:"code"`
	Units int    `json:"units,omitempty"` // zero means 1
	Price *Price `json:"price,omitempty"`
}

func (ln Line) units() int {
	if ln.Units == 0 {
		return 1
	}
	return ln.Units
}

// Phase is one stretch of a treatment plan with a regular rhythm: a number of
// sessions per week, or one session every few weeks, for a number of weeks
// or until a number of sessions.
type Phase struct {
	Name       string `json:"name"`                 // "induction", "series", "maintenance"
	PerWeek    int    `json:"perWeek,omitempty"`    // sessions per week, 1–7
	EveryWeeks int    `json:"everyWeeks,omitempty"` // or one session every N weeks
	Weeks      int    `json:"weeks,omitempty"`      // length of the phase in weeks
	Sessions   int    `json:"sessions,omitempty"`   // or (also) the number of sessions
	Lines      []Line `json:"lines"`                // the codes billed at each session
}

// TreatmentPlan is a course of treatment: phases one after another from
// Start.
type TreatmentPlan struct {
	Therapy ketacover.Therapy `json:"therapy"`
	Start   ketacover.Date    `json:"start"`
	Phases  []Phase           `json:"phases"`
}

// Limits on a plan, so a typo cannot ask for a million sessions.
const (
	maxSessions = 1000
	maxWeeks    = 5 * 52
)

// Validate reports the first bad field of tp. Whether every line has a price
// is ValidatePrices' business.
func (tp TreatmentPlan) Validate() error {
	bad := func(field, format string, args ...any) error {
		return ketacover.Errorf(ketacover.EINVALID, "plan.%s: %s", field, fmt.Sprintf(format, args...))
	}
	switch tp.Therapy {
	case ketacover.TherapyKetamineIV, ketacover.TherapyEsketamine:
	default:
		return bad("therapy", "want %q or %q, got %q", ketacover.TherapyKetamineIV, ketacover.TherapyEsketamine, tp.Therapy)
	}
	if tp.Start.IsZero() {
		return bad("start", "want the date of the first session")
	}
	if len(tp.Phases) == 0 {
		return bad("phases", "want at least one phase")
	}
	weeks, sessions := 0, 0
	for i, ph := range tp.Phases {
		at := fmt.Sprintf("phases[%d]", i)
		switch {
		case ph.PerWeek != 0 && ph.EveryWeeks != 0:
			return bad(at+".perWeek", "give perWeek or everyWeeks, not both")
		case ph.PerWeek < 0 || ph.PerWeek > 7:
			return bad(at+".perWeek", "want 1 to 7 sessions a week, got %d", ph.PerWeek)
		case ph.EveryWeeks < 0 || ph.EveryWeeks > 52:
			return bad(at+".everyWeeks", "want 1 to 52 weeks between sessions, got %d", ph.EveryWeeks)
		case ph.PerWeek == 0 && ph.EveryWeeks == 0:
			return bad(at+".perWeek", "give perWeek (sessions a week) or everyWeeks (weeks between sessions)")
		case ph.Weeks < 0 || ph.Sessions < 0:
			return bad(at+".weeks", "weeks and sessions must not be negative")
		case ph.Weeks == 0 && ph.Sessions == 0:
			return bad(at+".weeks", "give the phase's length in weeks or its number of sessions")
		case len(ph.Lines) == 0:
			return bad(at+".lines", "want the codes billed at each session")
		}
		for j, ln := range ph.Lines {
			lat := fmt.Sprintf("%s.lines[%d]", at, j)
			if ln.Units < 0 || ln.Units > 1000 {
				return bad(lat+".units", "want 1 to 1000, got %d", ln.Units)
			}
			if ln.Price != nil {
				p := *ln.Price
				if p.Code == "" {
					p.Code = ln.Code
				}
				if p.Code != ln.Code {
					return bad(lat+".price.code", "%q differs from the line's code %q", p.Code, ln.Code)
				}
				if field, msg := p.check(); field != "" {
					return bad(lat+".price."+field, "%s", msg)
				}
			} else if !validCode(ln.Code) {
				return bad(lat+".code", "want a CPT or HCPCS code (five letters or digits, e.g. 96365, J3490), got %q", ln.Code)
			}
		}
		w, n := ph.span()
		weeks += w
		sessions += n
		if weeks > maxWeeks || sessions > maxSessions {
			return bad(at, "the plan runs past %d weeks or %d sessions; split it into shorter estimates", maxWeeks, maxSessions)
		}
	}
	return nil
}

// ValidatePrices checks prices and reports the first line of tp whose code
// has neither a price of its own nor one in prices.
func (tp TreatmentPlan) ValidatePrices(prices PriceList) error {
	if err := prices.Validate(); err != nil {
		return err
	}
	for i, ph := range tp.Phases {
		for j, ln := range ph.Lines {
			if _, ok := prices.Lookup(ln.Code); ln.Price == nil && !ok {
				return ketacover.Errorf(ketacover.EINVALID, "plan.phases[%d].lines[%d].code: %q has no price; add it to the price list or give the line a price", i, j, ln.Code)
			}
		}
	}
	return nil
}

// span returns the phase's length in weeks and its number of sessions.
func (ph Phase) span() (weeks, sessions int) {
	if ph.PerWeek > 0 {
		switch {
		case ph.Sessions > 0 && ph.Weeks > 0:
			return ph.Weeks, min(ph.Sessions, ph.Weeks*ph.PerWeek)
		case ph.Sessions > 0:
			return (ph.Sessions + ph.PerWeek - 1) / ph.PerWeek, ph.Sessions
		}
		return ph.Weeks, ph.Weeks * ph.PerWeek
	}
	switch {
	case ph.Sessions > 0 && ph.Weeks > 0:
		return ph.Weeks, min(ph.Sessions, (ph.Weeks+ph.EveryWeeks-1)/ph.EveryWeeks)
	case ph.Sessions > 0:
		return ph.Sessions * ph.EveryWeeks, ph.Sessions
	}
	return ph.Weeks, (ph.Weeks + ph.EveryWeeks - 1) / ph.EveryWeeks
}

// Session is one dated visit of a course with its code lines.
type Session struct {
	Number int            `json:"number"` // 1-based
	Date   ketacover.Date `json:"date"`
	Phase  string         `json:"phase"`
	Lines  []Line         `json:"lines"`
}

// Sessions expands tp into dated sessions. Within a week, k sessions fall
// on days 0, ⌊7/k⌋, ⌊14/k⌋, … from the week's first day (twice weekly: day 0
// and day 3, as a Monday–Thursday rhythm); each phase begins the day after
// the previous phase's last week ends. tp must be valid.
func (tp TreatmentPlan) Sessions() []Session {
	var out []Session
	start := tp.Start
	for _, ph := range tp.Phases {
		weeks, n := ph.span()
		for i := 0; i < n; i++ {
			var d ketacover.Date
			if ph.PerWeek > 0 {
				week, k := i/ph.PerWeek, i%ph.PerWeek
				d = start.AddDays(7*week + k*7/ph.PerWeek)
			} else {
				d = start.AddDays(7 * ph.EveryWeeks * i)
			}
			out = append(out, Session{Number: len(out) + 1, Date: d, Phase: ph.Name, Lines: ph.Lines})
		}
		start = start.AddDays(7 * weeks)
	}
	return out
}

// EsketamineCourse returns the labelled Spravato schedule for weeks weeks
// from start: twice weekly in weeks 1–4 (induction), weekly in weeks 5–8,
// then every maintenanceEvery weeks (1 or 2) (label via reference §4.2).
// lines are the codes billed at each session.
func EsketamineCourse(start ketacover.Date, weeks, maintenanceEvery int, lines []Line) TreatmentPlan {
	tp := TreatmentPlan{Therapy: ketacover.TherapyEsketamine, Start: start}
	add := func(name string, perWeek, every, w int) {
		if w > 0 {
			tp.Phases = append(tp.Phases, Phase{Name: name, PerWeek: perWeek, EveryWeeks: every, Weeks: w, Lines: lines})
		}
	}
	add("induction", 2, 0, min(weeks, 4))
	add("weekly", 1, 0, min(max(weeks-4, 0), 4))
	add("maintenance", 0, maintenanceEvery, max(weeks-8, 0))
	return tp
}

// KetamineIVCourse returns an IV ketamine course from start: a series of
// seriesSessions infusions spread over seriesWeeks weeks (commonly 6 over 2–3
// weeks; reference §4.1), then maintenanceSessions boosters every
// maintenanceEvery weeks. The rhythm of maintenance is the clinic's choice;
// no schedule is standard for this off-label use.
func KetamineIVCourse(start ketacover.Date, seriesSessions, seriesWeeks, maintenanceSessions, maintenanceEvery int, lines []Line) TreatmentPlan {
	perWeek := 1
	if seriesWeeks > 0 {
		perWeek = (seriesSessions + seriesWeeks - 1) / seriesWeeks
	}
	tp := TreatmentPlan{Therapy: ketacover.TherapyKetamineIV, Start: start,
		Phases: []Phase{{Name: "series", PerWeek: perWeek, Sessions: seriesSessions, Lines: lines}}}
	if maintenanceSessions > 0 {
		tp.Phases = append(tp.Phases, Phase{Name: "maintenance", EveryWeeks: maintenanceEvery, Sessions: maintenanceSessions, Lines: lines})
	}
	return tp
}
