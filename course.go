package ketacover

import "fmt"

// BillPart says what a billed code pays for; manufacturer savings treat the
// drug and the treatment session differently.
type BillPart string

// The parts of a session's bill.
const (
	PartDrug    BillPart = "drug"    // the medication itself (J0013, S0013, J3490 for ketamine)
	PartService BillPart = "service" // administration, observation, evaluation (96365, 99215, …)
	// PartBundled is a code that pays for drug and service together (the
	// Medicare esketamine G-codes G2082/G2083); savings programmes that
	// treat the two separately cannot be applied to it
	// (shared/reference/cost-and-payment.md §1.6).
	PartBundled BillPart = "bundled"
)

// Price is what one unit of a billing code costs, per network.
type Price struct {
	Code        string   `yaml:"code,omitempty" json:"code" desc:"CPT or HCPCS code, e.g. 96365, J3490, G2083 (on a line's own price, default the line's code)"`
	Description string   `yaml:"description,omitempty" json:"description,omitempty"`
	Part        BillPart `yaml:"part" json:"part" desc:"what the code pays for: the drug, the service (administration, observation) or both bundled" enum:"drug,service,bundled"`
	Billed      Cents    `yaml:"billed" json:"billed" desc:"the provider's charge per unit, in dollars"`
	Cash        Cents    `yaml:"cash,omitempty" json:"cash,omitempty" desc:"the self-pay price per unit; default the billed charge"`
	Allowed     Cents    `yaml:"allowed,omitempty" json:"allowed,omitempty" desc:"the in-network contracted rate per unit (from the plan, an EOB or a Transparency in Coverage file)"`
	OONAllowed  Cents    `yaml:"oon_allowed,omitempty" json:"oon_allowed,omitempty" desc:"what the plan allows per unit out of network"`
	Source      string   `yaml:"source,omitempty" json:"source,omitempty" desc:"where the figures come from: a clinic's price sheet, an EOB, a TiC file"`
}

// PriceList is a set of prices, at most one per code.
type PriceList []Price

// Validate reports every bad entry of p under "prices".
func (p PriceList) Validate() error { return invalid(p.check, "prices") }

func (p PriceList) check(fe *FieldErrors, path string) {
	seen := map[string]int{}
	for i, pr := range p {
		at := fmt.Sprintf("%s[%d]", path, i)
		pr.check(fe, at)
		if j, ok := seen[pr.Code]; ok {
			fe.add(at+".code", "%s is priced twice (also %s[%d])", pr.Code, path, j)
		} else {
			seen[pr.Code] = i
		}
	}
}

func (pr Price) check(fe *FieldErrors, path string) {
	if !ValidBillingCode(pr.Code) {
		fe.add(path+".code", "want a CPT or HCPCS code (five letters or digits, e.g. 96365, J3490), got %q", pr.Code)
	}
	switch pr.Part {
	case PartDrug, PartService, PartBundled:
	default:
		fe.add(path+".part", "%s: want %q, %q or %q, got %q", pr.Code, PartDrug, PartService, PartBundled, pr.Part)
	}
	if pr.Billed <= 0 {
		fe.add(path+".billed", "%s: want the charge per unit, more than zero", pr.Code)
	}
	for _, f := range []struct {
		name string
		v    Cents
	}{{"cash", pr.Cash}, {"allowed", pr.Allowed}, {"oon_allowed", pr.OONAllowed}} {
		if f.v < 0 {
			fe.add(path+"."+f.name, "%s: want 0 or more, got %s", pr.Code, f.v)
		}
	}
}

// ValidBillingCode reports whether c looks like a CPT or HCPCS code: five
// upper-case letters or digits.
func ValidBillingCode(c string) bool {
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

// CodeLine is one billed code of a session. A price set on the line
// overrides the price list for that code.
type CodeLine struct {
	Code  string `yaml:"code" json:"code" desc:"CPT or HCPCS code billed at each session"`
	Units int    `yaml:"units,omitempty" json:"units,omitempty" desc:"units billed (default 1), e.g. 84 for J0013 at 84 mg"`
	Price *Price `yaml:"price,omitempty" json:"price,omitempty" desc:"a price for this line only; otherwise the price list's"`
}

// UnitCount returns the units billed, 1 when not given.
func (ln CodeLine) UnitCount() int {
	if ln.Units == 0 {
		return 1
	}
	return ln.Units
}

// Phase is one stretch of a treatment plan with a regular rhythm: a number
// of sessions per week, or one session every few weeks, for a number of
// weeks or until a number of sessions.
type Phase struct {
	Name       string     `yaml:"name,omitempty" json:"name" desc:"e.g. induction, series, maintenance"`
	PerWeek    int        `yaml:"per_week,omitempty" json:"per_week,omitempty" desc:"sessions per week, 1 to 7"`
	EveryWeeks int        `yaml:"every_weeks,omitempty" json:"every_weeks,omitempty" desc:"or one session every N weeks"`
	Weeks      int        `yaml:"weeks,omitempty" json:"weeks,omitempty" desc:"length of the phase in weeks"`
	Sessions   int        `yaml:"sessions,omitempty" json:"sessions,omitempty" desc:"or (also, as a cap) the number of sessions"`
	Lines      []CodeLine `yaml:"lines" json:"lines" desc:"the codes billed at each session"`
}

// TreatmentPlan is a course of treatment: phases one after another from
// Start.
type TreatmentPlan struct {
	Therapy Therapy `yaml:"therapy,omitempty" json:"therapy" desc:"default therapy.drug"`
	Start   Date    `yaml:"start,omitempty" json:"start" desc:"date of the first session; default therapy.start_date"`
	Phases  []Phase `yaml:"phases" json:"phases" desc:"the phases of the course, one after another"`
}

// Limits on a plan, so a typo cannot ask for a million sessions.
const (
	MaxCourseSessions = 1000
	MaxCourseWeeks    = 5 * 52
)

// Validate reports every bad field of tp under "course". Whether every line
// has a price is ValidatePrices' business.
func (tp TreatmentPlan) Validate() error {
	return invalid(func(fe *FieldErrors, path string) {
		switch tp.Therapy {
		case TherapyKetamineIV, TherapyEsketamine:
		default:
			fe.add(path+".therapy", "want %q or %q, got %q", TherapyKetamineIV, TherapyEsketamine, tp.Therapy)
		}
		if tp.Start.IsZero() {
			fe.add(path+".start", "want the date of the first session")
		}
		tp.check(fe, path)
	}, "course")
}

// check adds the problems of tp's phases to fe. A case may leave the
// therapy and start to therapy.drug and therapy.start_date, so those are
// checked by the caller.
func (tp TreatmentPlan) check(fe *FieldErrors, path string) {
	if len(tp.Phases) == 0 {
		fe.add(path+".phases", "want at least one phase")
	}
	weeks, sessions := 0, 0
	for i, ph := range tp.Phases {
		at := fmt.Sprintf("%s.phases[%d]", path, i)
		n0 := len(*fe)
		switch {
		case ph.PerWeek != 0 && ph.EveryWeeks != 0:
			fe.add(at+".per_week", "give per_week or every_weeks, not both")
		case ph.PerWeek < 0 || ph.PerWeek > 7:
			fe.add(at+".per_week", "want 1 to 7 sessions a week, got %d", ph.PerWeek)
		case ph.EveryWeeks < 0 || ph.EveryWeeks > 52:
			fe.add(at+".every_weeks", "want 1 to 52 weeks between sessions, got %d", ph.EveryWeeks)
		case ph.PerWeek == 0 && ph.EveryWeeks == 0:
			fe.add(at+".per_week", "give per_week (sessions a week) or every_weeks (weeks between sessions)")
		}
		switch {
		case ph.Weeks < 0:
			fe.add(at+".weeks", "want 0 or more weeks, got %d", ph.Weeks)
		case ph.Sessions < 0:
			fe.add(at+".sessions", "want 0 or more sessions, got %d", ph.Sessions)
		case ph.Weeks == 0 && ph.Sessions == 0:
			fe.add(at+".weeks", "give the phase's length in weeks or its number of sessions")
		case ph.Weeks > MaxCourseWeeks || ph.Sessions > MaxCourseSessions:
			fe.add(at, "the phase runs past %d weeks or %d sessions: split it into shorter estimates", MaxCourseWeeks, MaxCourseSessions)
		}
		if len(ph.Lines) == 0 {
			fe.add(at+".lines", "want the codes billed at each session")
		}
		for j, ln := range ph.Lines {
			lat := fmt.Sprintf("%s.lines[%d]", at, j)
			if ln.Units < 0 || ln.Units > 1000 {
				fe.add(lat+".units", "want 1 to 1000, got %d", ln.Units)
			}
			if ln.Price != nil {
				p := *ln.Price
				if p.Code == "" {
					p.Code = ln.Code
				}
				if p.Code != ln.Code {
					fe.add(lat+".price.code", "%q differs from the line's code %q", p.Code, ln.Code)
					continue
				}
				p.check(fe, lat+".price")
			} else if !ValidBillingCode(ln.Code) {
				fe.add(lat+".code", "want a CPT or HCPCS code (five letters or digits, e.g. 96365, J3490), got %q", ln.Code)
			}
		}
		if len(*fe) > n0 {
			continue
		}
		w, n := ph.span()
		weeks += w
		sessions += n
		if weeks > MaxCourseWeeks || sessions > MaxCourseSessions {
			fe.add(at, "the plan runs past %d weeks or %d sessions: split it into shorter estimates", MaxCourseWeeks, MaxCourseSessions)
			return
		}
	}
}

// ValidatePrices checks prices and reports every line of tp whose code has
// neither a price of its own nor one in prices. Paths are under "course"
// and "prices".
func (tp TreatmentPlan) ValidatePrices(prices PriceList) error {
	return invalid(func(fe *FieldErrors, _ string) {
		prices.check(fe, "prices")
		tp.checkPrices(fe, "course", prices)
	}, "")
}

func (tp TreatmentPlan) checkPrices(fe *FieldErrors, path string, prices PriceList) {
	for i, ph := range tp.Phases {
		for j, ln := range ph.Lines {
			if _, ok := prices.Lookup(ln.Code); ln.Price == nil && !ok {
				fe.add(fmt.Sprintf("%s.phases[%d].lines[%d].code", path, i, j), "%q has no price: add it to the price list or give the line a price", ln.Code)
			}
		}
	}
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
	Number int        `json:"number"` // 1-based
	Date   Date       `json:"date"`
	Phase  string     `json:"phase"`
	Lines  []CodeLine `json:"lines"`
}

// Sessions expands tp into dated sessions. Within a week, k sessions fall
// on days 0, ⌊7/k⌋, ⌊14/k⌋, … from the week's first day (twice weekly: day
// 0 and day 3, as a Monday–Thursday rhythm); each phase begins the day after
// the previous phase's last week ends. tp must be valid.
func (tp TreatmentPlan) Sessions() []Session {
	var out []Session
	start := tp.Start
	for _, ph := range tp.Phases {
		weeks, n := ph.span()
		for i := 0; i < n; i++ {
			var d Date
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
