package cost

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
)

// Default course lengths when a case gives no number of sessions.
const (
	// DefaultEsketamineSessions is the labelled induction: twice weekly
	// for weeks 1–4 (reference §4.2).
	DefaultEsketamineSessions = 8
	// DefaultKetamineIVSessions is the common initial series of 6
	// infusions (reference §4.1); no schedule is standard for this
	// off-label use.
	DefaultKetamineIVSessions = 6
	// esketamineMaintenanceEvery is the rhythm assumed after week 8: the
	// label allows every week or every two weeks.
	esketamineMaintenanceEvery = 2
	// ketamineIVPerWeek is the rhythm assumed for a default IV series: 6
	// infusions over 2 weeks.
	ketamineIVPerWeek = 3
)

// perMgCodes are drug codes billed in 1 mg units (HCPCS J0013 "esketamine,
// nasal spray, 1 mg", which replaced S0013 on 2026-01-01; reference §1.6).
var perMgCodes = map[string]bool{"J0013": true, "S0013": true}

// FromCase builds the estimate request for a case: the plan's benefits and
// the amounts met (plan.benefits, plan.accumulators), the course
// (therapy.course, or one built from therapy.drug, sessions and
// start_date) and the prices (therapy.prices). today stands in for a
// missing start date. It returns, in words, every assumption it made, so
// that they can be shown next to the figures. An error names the case
// field to add or fix.
func FromCase(c *ketacover.Case, today ketacover.Date) (*Request, []string, error) {
	var notes []string
	t := c.Therapy
	r := &Request{Benefits: c.Plan.Benefits, Prices: t.Prices}
	if r.Benefits == nil {
		notes = append(notes, "the case has no plan.benefits, so only self-pay is estimated: add the plan's deductible, coinsurance and out-of-pocket maximum (from its summary of benefits) to see what insurance would pay")
	} else {
		if lob := c.Plan.Type.LineOfBusiness(); lob != "" && lob != "commercial" {
			notes = append(notes, fmt.Sprintf("plan.benefits is applied the way commercial plans share costs; %s coverage has its own rules, so check the figures with the plan", c.Plan.Type))
		}
		if c.Plan.Accumulators != nil {
			r.Accumulators = *c.Plan.Accumulators
		} else {
			notes = append(notes, "no plan.accumulators: nothing is assumed met toward the deductible or out-of-pocket maximum when the course starts")
		}
	}
	start := ketacover.Date{}
	switch {
	case t.Course != nil && !t.Course.Start.IsZero():
		start = t.Course.Start
	case t.StartDate != nil:
		start = *t.StartDate
	default:
		start = today
		notes = append(notes, fmt.Sprintf("no therapy.start_date: the course is assumed to start today, %s", today))
	}
	if t.Course != nil {
		r.Course = *t.Course
		r.Course.Start = start
		if r.Course.Therapy == "" {
			r.Course.Therapy = t.Drug
		}
	} else {
		tp, note, err := defaultCourse(c, start)
		if err != nil {
			return nil, nil, err
		}
		r.Course = tp
		notes = append(notes, note)
	}
	if len(r.Prices) == 0 && !selfPriced(r.Course) {
		return nil, nil, ketacover.Errorf(ketacover.EINVALID, "therapy.prices: an estimate needs the clinic's prices: for each billing code its part (drug, service or bundled), its charge (billed), and where known the in-network allowed amount, the out-of-network allowed amount and the cash price")
	}
	if err := r.Validate(); err != nil {
		return nil, nil, ketacover.Errorf(ketacover.EINVALID, "%s", casePaths(ketacover.ErrorMessage(err)))
	}
	if a := r.Accumulators.AsOf; r.Benefits != nil && a.After(r.Course.Start) {
		return nil, nil, ketacover.Errorf(ketacover.EINVALID, "plan.accumulators.as_of: %s is after the first session %s; give the amounts met before treatment starts", a, r.Course.Start)
	}
	return r, notes, nil
}

// casePaths rewrites the paths of a request's problems as the case names
// them.
func casePaths(msg string) string {
	return strings.NewReplacer(
		"benefits.", "plan.benefits.",
		"accumulators.", "plan.accumulators.",
		"course.", "therapy.course.",
		"prices[", "therapy.prices[",
	).Replace(msg)
}

// selfPriced reports whether every line of tp carries its own price.
func selfPriced(tp ketacover.TreatmentPlan) bool {
	for _, ph := range tp.Phases {
		for _, ln := range ph.Lines {
			if ln.Price == nil {
				return false
			}
		}
	}
	return len(tp.Phases) > 0
}

// defaultCourse builds the course a case implies when it gives none: the
// drug's usual schedule for the number of sessions requested, billing at
// each session every code of the price list once (drug codes priced per mg
// once per mg of the dose, and only the G-code that fits the dose).
func defaultCourse(c *ketacover.Case, start ketacover.Date) (ketacover.TreatmentPlan, string, error) {
	t := c.Therapy
	lines, linesNote, err := defaultLines(c)
	if err != nil {
		return ketacover.TreatmentPlan{}, "", err
	}
	n := 0
	if t.Sessions != nil {
		n = *t.Sessions
	}
	var tp ketacover.TreatmentPlan
	var rhythm string
	switch t.Drug {
	case ketacover.TherapyEsketamine:
		if n == 0 {
			n = DefaultEsketamineSessions
			rhythm = fmt.Sprintf("no therapy.sessions: the %d-session induction of the label is assumed", n)
		}
		// Enough weeks for n sessions: 2 a week in weeks 1–4, 1 a week in
		// weeks 5–8, then one every 2 weeks; the last phase is cut to n.
		weeks := 0
		switch {
		case n <= 8:
			weeks = (n + 1) / 2
		case n <= 12:
			weeks = 4 + n - 8
		default:
			weeks = 8 + esketamineMaintenanceEvery*(n-12)
		}
		tp = EsketamineCourse(start, weeks, esketamineMaintenanceEvery, lines)
		last := &tp.Phases[len(tp.Phases)-1]
		before := 0
		for _, ph := range tp.Phases[:len(tp.Phases)-1] {
			before += phaseSessions(ph)
		}
		last.Sessions = n - before
		if rhythm == "" {
			rhythm = fmt.Sprintf("%d sessions", n)
		}
		rhythm += fmt.Sprintf(" on the labelled Spravato schedule: twice a week in weeks 1–4, weekly in weeks 5–8, then every %d weeks (the label allows every 1 or 2 weeks)", esketamineMaintenanceEvery)
	case ketacover.TherapyKetamineIV:
		if n == 0 {
			n = DefaultKetamineIVSessions
			rhythm = fmt.Sprintf("no therapy.sessions: a series of %d infusions is assumed", n)
		} else {
			rhythm = fmt.Sprintf("%d infusions", n)
		}
		weeks := (n + ketamineIVPerWeek - 1) / ketamineIVPerWeek
		tp = KetamineIVCourse(start, n, weeks, 0, 0, lines)
		rhythm += fmt.Sprintf(", %d a week (a series of 6 over 2–3 weeks is common; no schedule is standard for this off-label use)", ketamineIVPerWeek)
	default:
		return ketacover.TreatmentPlan{}, "", ketacover.Errorf(ketacover.EINVALID, "therapy.drug: want ketamine-iv or esketamine to build a course, got %q", t.Drug)
	}
	return tp, "no therapy.course: " + rhythm + "; " + linesNote + ". Give therapy.course for another schedule or other codes.", nil
}

func phaseSessions(ph ketacover.Phase) int {
	tp := ketacover.TreatmentPlan{Phases: []ketacover.Phase{ph}}
	return len(tp.Sessions())
}

// defaultLines bills every code of the case's price list at each session.
func defaultLines(c *ketacover.Case) ([]ketacover.CodeLine, string, error) {
	t := c.Therapy
	if len(t.Prices) == 0 {
		return nil, "", ketacover.Errorf(ketacover.EINVALID, "therapy.prices: an estimate needs the clinic's prices: for each billing code billed at a session its part (drug, service or bundled), its charge (billed), and where known the in-network allowed amount, the out-of-network allowed amount and the cash price")
	}
	_, has82 := t.Prices.Lookup("G2082")
	_, has83 := t.Prices.Lookup("G2083")
	var lines []ketacover.CodeLine
	var words []string
	for _, p := range t.Prices {
		ln := ketacover.CodeLine{Code: p.Code}
		switch {
		case perMgCodes[p.Code]:
			if t.DoseMg == nil || *t.DoseMg != float64(int(*t.DoseMg)) || *t.DoseMg < 1 {
				return nil, "", ketacover.Errorf(ketacover.EINVALID, "therapy.dose_mg: %s is billed per mg, so the estimate needs the dose in whole mg (56 or 84 for esketamine)", p.Code)
			}
			ln.Units = int(*t.DoseMg)
		case has82 && has83 && (p.Code == "G2082" || p.Code == "G2083"):
			// G2082 is esketamine up to 56 mg, G2083 over 56 mg (reference
			// §1.6); a session bills one of them.
			if t.DoseMg == nil {
				return nil, "", ketacover.Errorf(ketacover.EINVALID, "therapy.dose_mg: the prices list G2082 (up to 56 mg) and G2083 (over 56 mg); the dose decides which is billed")
			}
			if (p.Code == "G2082") != (*t.DoseMg <= 56) {
				continue
			}
		}
		lines = append(lines, ln)
		if ln.Units > 1 {
			words = append(words, fmt.Sprintf("%s × %d", ln.Code, ln.Units))
		} else {
			words = append(words, ln.Code)
		}
	}
	return lines, "each session bills " + strings.Join(words, ", ") + " from therapy.prices", nil
}
