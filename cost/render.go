package cost

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
)

// Disclaimer goes with every rendering of an estimate.
const Disclaimer = "An estimate from the figures given, not medical, legal, tax or financial advice; the plan's documents, its EOBs and the clinic's bill decide what is owed."

var scenarioTitle = map[Scenario]string{
	ScenarioInNetwork:    "In network",
	ScenarioOutOfNetwork: "Out of network (pay the clinic, file a superbill, the plan reimburses)",
	ScenarioSelfPay:      "Self-pay (cash, no claim)",
}

// scenarioNote is printed under a scenario's table.
var scenarioNote = map[Scenario]string{
	ScenarioOutOfNetwork: "You pay each charge up front; the plan's reimbursement typically arrives 4–8 weeks after the claim is filed (MedPrecision, a weak source). The superbill needs the rendering NPI, tax ID, CPT/HCPCS codes, ICD-10 diagnoses, dates and fees (reference §1.6).",
	ScenarioSelfPay:      "Self-pay patients are owed a Good Faith Estimate, which may cover a recurring series for up to 12 months; a bill at least $400 above it can be disputed within 120 days of the bill ($25 fee) (45 CFR 149.610, 149.620).",
}

// Text renders e as plain text: for each scenario a per-session table, the
// totals per plan year and for the course, and the working of one session.
func (e *Estimate) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Course: %s, %d sessions, %s to %s\n", e.Therapy, e.Sessions, e.Start, e.End)
	b.WriteString(Disclaimer + "\n")
	for _, w := range e.Warnings {
		fmt.Fprintf(&b, "Note: %s\n", w)
	}
	for i := range e.Scenarios {
		sc := &e.Scenarios[i]
		fmt.Fprintf(&b, "\n== %s ==\n", scenarioTitle[sc.Scenario])
		if sc.Unavailable != "" {
			fmt.Fprintf(&b, "Not estimated: %s.\n", sc.Unavailable)
			continue
		}
		b.WriteString(sc.table())
		if note := scenarioNote[sc.Scenario]; note != "" {
			b.WriteString(note + "\n")
		}
		// Self-pay is simple arithmetic; it is spelled out only when it is
		// the whole estimate (no benefits given).
		if sc.Scenario != ScenarioSelfPay || len(e.Scenarios) == 1 {
			if w := sc.working(); w != "" {
				b.WriteString("\n" + w)
			}
		}
	}
	return b.String()
}

// table renders the per-session table and the totals.
func (sc *ScenarioCost) table() string {
	var head []string
	var row func(c SessionCost) []string
	var total func(t Totals) []string
	switch sc.Scenario {
	case ScenarioSelfPay:
		head = []string{"#", "date", "phase", "you pay"}
		row = func(c SessionCost) []string {
			return []string{fmt.Sprint(c.Number), c.Date.String(), c.Phase, c.PatientPays.String()}
		}
		total = func(t Totals) []string { return []string{t.PatientPays.String()} }
	case ScenarioOutOfNetwork:
		head = []string{"#", "date", "phase", "you pay clinic", "allowed", "plan reimburses", "you pay net", "balance bill", "notes"}
		row = func(c SessionCost) []string {
			return []string{fmt.Sprint(c.Number), c.Date.String(), c.Phase, c.Billed.String(), c.Allowed.String(), c.PlanPays.String(), c.PatientPays.String(), c.BalanceBill.String(), strings.Join(c.Events, "; ")}
		}
		total = func(t Totals) []string {
			return []string{t.Billed.String(), t.Allowed.String(), t.PlanPays.String(), t.PatientPays.String(), t.BalanceBill.String(), ""}
		}
	default:
		head = []string{"#", "date", "phase", "billed", "allowed", "plan pays", "you pay", "notes"}
		row = func(c SessionCost) []string {
			return []string{fmt.Sprint(c.Number), c.Date.String(), c.Phase, c.Billed.String(), c.Allowed.String(), c.PlanPays.String(), c.PatientPays.String(), strings.Join(c.Events, "; ")}
		}
		total = func(t Totals) []string {
			return []string{t.Billed.String(), t.Allowed.String(), t.PlanPays.String(), t.PatientPays.String(), ""}
		}
	}
	rows := [][]string{head}
	for _, c := range sc.Sessions {
		rows = append(rows, row(c))
	}
	label := "plan year from"
	if sc.Scenario == ScenarioSelfPay {
		label = "year"
	}
	for _, y := range sc.PlanYears {
		name := fmt.Sprintf("%s %s", label, y.Start)
		if sc.Scenario == ScenarioSelfPay {
			name = fmt.Sprintf("%s %d", label, y.Start.Year)
		}
		rows = append(rows, append([]string{fmt.Sprintf("%s (%d sessions)", name, y.Sessions), "", ""}, total(y.Totals)...))
	}
	rows = append(rows, append([]string{fmt.Sprintf("total (%d sessions)", len(sc.Sessions)), "", ""}, total(sc.Totals)...))
	return columns(rows, len(sc.Sessions)+1)
}

// columns lays rows out in columns: the first three and a "notes" column
// left-aligned, amounts right-aligned. Rows from split on are totals: a rule
// comes before them and their label (cell 0) spans the first three columns.
func columns(rows [][]string, split int) string {
	n := len(rows[0])
	width := make([]int, n)
	for k, r := range rows {
		for i, c := range r {
			if k < split || i > 0 {
				width[i] = max(width[i], len([]rune(c)))
			}
		}
	}
	for _, r := range rows[split:] {
		if over := len([]rune(r[0])) - (width[0] + width[1] + width[2] + 4); over > 0 {
			width[2] += over
		}
	}
	pad := func(c string, w int, left bool) string {
		sp := strings.Repeat(" ", w-len([]rune(c)))
		if left {
			return c + sp
		}
		return sp + c
	}
	var b strings.Builder
	for k, r := range rows {
		var parts []string
		start := 0
		if k >= split {
			parts = append(parts, pad(r[0], width[0]+width[1]+width[2]+4, true))
			start = 3
		}
		for i := start; i < n; i++ {
			parts = append(parts, pad(r[i], width[i], i < 3 || rows[0][i] == "notes"))
		}
		if k == split {
			total := 2 * (n - 1)
			for _, w := range width {
				total += w
			}
			b.WriteString(strings.Repeat("-", total) + "\n")
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, "  "), " ") + "\n")
	}
	return b.String()
}

// working spells out the arithmetic of the scenario's working session.
func (sc *ScenarioCost) working() string {
	var c *SessionCost
	for i := range sc.Sessions {
		if sc.Sessions[i].Number == sc.Working {
			c = &sc.Sessions[i]
		}
	}
	if c == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "How session %d (%s) was worked out:\n", c.Number, c.Date)
	if sc.Scenario == ScenarioSelfPay {
		for _, ln := range c.Lines {
			fmt.Fprintf(&b, "  %s × %d: cash price %s a unit = %s\n", ln.Code, ln.Units, ln.Share.Billed/ketacover.Cents(ln.Units), ln.Share.PatientPays)
		}
		fmt.Fprintf(&b, "  you pay %s; a cash payment goes to no deductible or out-of-pocket maximum\n", c.PatientPays)
		return b.String()
	}
	for _, ln := range c.Lines {
		for _, s := range ln.Share.Working(ln.Code, ln.Units) {
			b.WriteString("  " + s + "\n")
		}
	}
	return b.String()
}

// Working spells out, step by step, how s was computed for a line of code
// and units, in the order of reference §1.1.
func (s Share) Working(code string, units int) []string {
	var w []string
	allowedFrom := "the contracted in-network rate"
	if s.Network == ketacover.OutOfNetwork {
		allowedFrom = "what the plan allows out of network"
	}
	w = append(w, fmt.Sprintf("%s × %d: billed %s; allowed %s (%s)", code, units, s.Billed, s.Allowed, allowedFrom))
	switch s.CopayRule {
	case ketacover.CopayInstead:
		w = append(w, fmt.Sprintf("copay %s instead of deductible and coinsurance", s.Copay))
	case ketacover.CopayPlus:
		w = append(w, fmt.Sprintf("copay %s first, before the deductible", s.Copay))
	}
	if s.CopayRule != ketacover.CopayInstead {
		w = append(w, fmt.Sprintf("deductible: %s left to meet, %s of this line goes toward it", s.DeductibleRoom, s.ToDeductible))
	}
	switch s.CopayRule {
	case ketacover.CopayAfterDeductible:
		w = append(w, fmt.Sprintf("after the deductible, copay %s instead of coinsurance", s.Copay))
	case ketacover.CopayNone, ketacover.CopayPlus:
		w = append(w, fmt.Sprintf("coinsurance: %s of the rest = %s", s.Coinsurance, s.CoinsuranceAmt))
	}
	if s.OOPUnlimited {
		w = append(w, fmt.Sprintf("cost share %s (no out-of-pocket maximum in this tier)", s.CostShare))
	} else if s.CappedOff > 0 {
		w = append(w, fmt.Sprintf("out-of-pocket maximum: %s of room left, so %s is taken off; cost share %s", s.OOPRoom, s.CappedOff, s.CostShare))
	} else {
		w = append(w, fmt.Sprintf("cost share %s (within the %s of out-of-pocket room left)", s.CostShare, s.OOPRoom))
	}
	w = append(w, fmt.Sprintf("plan pays allowed − cost share = %s − %s = %s", s.Allowed, s.CostShare, s.PlanPays))
	if s.Network == ketacover.OutOfNetwork {
		if s.BalanceBill > 0 {
			w = append(w, fmt.Sprintf("balance bill: billed − allowed = %s − %s = %s, not capped by the out-of-pocket maximum", s.Billed, s.Allowed, s.BalanceBill))
		} else if s.Billed > s.Allowed {
			w = append(w, "no balance bill: protected from balance billing")
		}
	}
	w = append(w, fmt.Sprintf("you pay %s", s.PatientPays))
	return w
}
