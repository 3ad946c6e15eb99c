package cost

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
)

// PayRequest asks for the ways to pay for an estimated course.
type PayRequest struct {
	Estimate *Estimate `json:"-"`
	// Scenario is how the patient will pay; empty picks in network if it was
	// estimated, else out of network, else self-pay.
	Scenario Scenario `json:"scenario,omitempty"`
	// PlanType is the patient's plan type, for manufacturer savings; empty
	// when uninsured.
	PlanType ketacover.PlanType `json:"plan_type,omitempty"`
	// State is the two-letter code of the patient's state of residence, for
	// the poverty-guideline region and state exclusions of savings
	// programmes; Household.State wins when set.
	State string `json:"state,omitempty"`
	// Household is for the sliding scale and the HSA/FSA balance; nil skips
	// them.
	Household *ketacover.Household `json:"household,omitempty"`
	// On is the day the options are looked at; it picks the poverty
	// guidelines in effect. Zero means the course's start.
	On ketacover.Date `json:"on,omitzero"`
	// Offers are the financing offers to show; nil means ExampleOffers.
	Offers []Offer `json:"offers,omitempty"`
}

// Options are the ways to pay, with figures.
type Options struct {
	Therapy    ketacover.Therapy `json:"therapy"`
	Scenario   Scenario          `json:"scenario"`
	Amount     ketacover.Cents   `json:"amount"` // the patient's total in the scenario
	Financing  []Financing       `json:"financing"`
	FPL        *FPLStanding      `json:"fpl,omitempty"`
	FPLMissing string            `json:"fpl_missing,omitempty"` // why the sliding-scale standing was not computed
	HSAFSA     HSAFSA            `json:"hsa_fsa"`
	Savings    *Savings          `json:"savings,omitempty"`
	Trials     string            `json:"trials"`
	Fundraiser string            `json:"fundraiser"`
}

// TrialsNote points to clinical trials as a way to be treated at no cost.
const TrialsNote = "Clinical trials: participants in a trial usually receive the study drug and visits at no cost; search recruiting ketamine and esketamine studies near you (ketacover trials near ZIP). A trial may give a placebo, and eligibility is decided by the study team."

// PaymentOptions works out the ways to pay for r.Estimate.
func PaymentOptions(r PayRequest) (*Options, error) {
	e := r.Estimate
	if e == nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "payment options need an estimate")
	}
	sc, err := pickScenario(e, r.Scenario)
	if err != nil {
		return nil, err
	}
	o := &Options{Therapy: e.Therapy, Scenario: sc.Scenario, Amount: sc.Totals.PatientPays, Trials: TrialsNote}
	offers := r.Offers
	if offers == nil {
		offers = ExampleOffers
	}
	if o.Amount > 0 {
		if o.Financing, err = Finance(o.Amount, offers); err != nil {
			return nil, err
		}
	}
	state := r.State
	if r.Household != nil && r.Household.State != "" {
		state = r.Household.State
	}
	var balance ketacover.Cents
	if r.Household != nil {
		if err := r.Household.Validate(); err != nil {
			return nil, err
		}
		h := *r.Household
		h.State = state
		balance = h.HSABalance
		on := r.On
		if on.IsZero() {
			on = e.Start
		}
		g, err := GuidelinesOn(on)
		switch {
		case err != nil:
			o.FPLMissing = ketacover.ErrorMessage(err)
		case state == "":
			o.FPLMissing = "no state of residence given, and the poverty guidelines differ for Alaska and Hawaii"
		default:
			if _, err := RegionOf(state); err != nil {
				// Puerto Rico and the territories: a programme there sets
				// its own rule, which is not an error in the request.
				o.FPLMissing = ketacover.ErrorMessage(err)
				break
			}
			st, err := Standing(h, g.Year)
			if err != nil {
				return nil, err
			}
			o.FPL = &st
		}
	} else {
		o.FPLMissing = "no household size and income given"
	}
	o.HSAFSA = HSAFSAUse(e.Therapy, o.Amount, balance, e.Start.Year)
	if e.Therapy == ketacover.TherapyEsketamine {
		in, _ := e.Scenario(ScenarioInNetwork)
		s := SpravatoSavings(e.Therapy, in, r.PlanType, state)
		o.Savings = &s
	}
	if o.Fundraiser, err = Fundraiser(e, sc.Scenario); err != nil {
		return nil, err
	}
	return o, nil
}

func pickScenario(e *Estimate, want Scenario) (*ScenarioCost, error) {
	if want != "" {
		sc, ok := e.Scenario(want)
		if !ok || sc.Unavailable != "" {
			why := "it was not estimated"
			if ok {
				why = sc.Unavailable
			}
			return nil, ketacover.Errorf(ketacover.EINVALID, "scenario %q: %s", want, why)
		}
		return sc, nil
	}
	for _, s := range []Scenario{ScenarioInNetwork, ScenarioOutOfNetwork, ScenarioSelfPay} {
		if sc, ok := e.Scenario(s); ok && sc.Unavailable == "" {
			return sc, nil
		}
	}
	return nil, ketacover.Errorf(ketacover.EINVALID, "the estimate has no priced scenario")
}

// Fundraiser writes a fundraising summary from an estimate, for a patient
// to paste into a campaign page: what the treatment is, what insurance pays,
// what remains and when. Nothing is posted anywhere; the text names no one.
func Fundraiser(e *Estimate, s Scenario) (string, error) {
	sc, err := pickScenario(e, s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	what := map[ketacover.Therapy]string{
		ketacover.TherapyEsketamine: "esketamine (Spravato), a nasal spray taken under observation at a certified treatment centre and approved by the FDA for treatment-resistant depression",
		ketacover.TherapyKetamineIV: "ketamine infusions at a clinic; ketamine is FDA-approved as an anesthetic, and its use for depression is off-label and often not covered by insurance",
	}[e.Therapy]
	fmt.Fprintf(&b, "I am raising money for a course of treatment for depression: %s. The plan is %d sessions between %s and %s.\n\n",
		what, e.Sessions, longDate(e.Start), longDate(e.End))
	t := sc.Totals
	switch sc.Scenario {
	case ScenarioInNetwork:
		fmt.Fprintf(&b, "The clinic's charges come to about %s. My health plan is expected to pay about %s, which leaves about %s for me to pay.\n", t.Billed, t.PlanPays, t.PatientPays)
	case ScenarioOutOfNetwork:
		fmt.Fprintf(&b, "The clinic is outside my plan's network, so I pay about %s up front and file the receipts with my plan. I expect it to reimburse about %s, which leaves about %s for me to pay.\n", t.Billed, t.PlanPays, t.PatientPays)
	default:
		fmt.Fprintf(&b, "Insurance will not pay for this treatment, so the whole cost of about %s is mine to pay.\n", t.PatientPays)
	}
	b.WriteString("\nWhen the money is needed:\n")
	var month string
	var sum ketacover.Cents
	flush := func() {
		if month != "" && sum > 0 {
			fmt.Fprintf(&b, "  %s: %s\n", month, sum)
		}
	}
	for _, c := range sc.Sessions {
		m := fmt.Sprintf("%s %d", c.Date.Month, c.Date.Year)
		if m != month {
			flush()
			month, sum = m, 0
		}
		sum += c.PatientPays
	}
	flush()
	if sc.Scenario == ScenarioOutOfNetwork {
		b.WriteString("(Before reimbursement arrives, which can take weeks, I need the full charge of each session.)\n")
	}
	if sc.Scenario == ScenarioSelfPay {
		b.WriteString("\nThese are estimates from the clinic's prices; the real bills may differ. Thank you for any help.\n")
	} else {
		b.WriteString("\nThese are estimates from my plan's cost sharing and the clinic's prices; the real bills may differ. Thank you for any help.\n")
	}
	return b.String(), nil
}

func longDate(d ketacover.Date) string { return fmt.Sprintf("%s %d, %d", d.Month, d.Day, d.Year) }

// Text renders o as plain text.
func (o *Options) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Ways to pay for %s (%s): your estimated share %s\n", o.Therapy, o.Scenario, o.Amount)
	b.WriteString(Disclaimer + "\n")

	b.WriteString("\n== Financing ==\n")
	if len(o.Financing) == 0 {
		b.WriteString("Nothing to finance.\n")
	}
	for _, f := range o.Financing {
		fmt.Fprintf(&b, "%s (%s APR):", f.Offer.Name, f.Offer.APR)
		if !f.Eligible {
			fmt.Fprintf(&b, " needs a purchase of at least %s.\n", f.Offer.MinPurchase)
			continue
		}
		if l := f.Loan; l != nil {
			fmt.Fprintf(&b, " %d payments of %s (last %s); interest %s; total %s.\n", l.Months, l.Payment, l.LastPayment, l.TotalInterest, l.TotalPaid)
		}
		if d := f.Deferred; d != nil {
			fmt.Fprintf(&b, " pay %s a month to clear it in %d months with no interest. Paying half that, %s a month, leaves %s at the end, and then %s of interest is charged back to the purchase date.\n",
				d.PaymentToAvoid, d.Months, d.Monthly, d.BalanceAtEnd, d.RetroactiveInterest)
		}
		fmt.Fprintf(&b, "  Source: %s\n", f.Offer.Source)
	}

	b.WriteString("\n== Sliding scale ==\n")
	if o.FPL != nil {
		b.WriteString(o.FPL.String() + ".\n")
		for _, band := range o.FPL.Bands {
			mark := "above"
			if band.Within {
				mark = "within"
			}
			fmt.Fprintf(&b, "  %s of the guideline: %s (%s)\n", band.Percent, band.Limit, mark)
		}
		b.WriteString("Each programme sets its own bands; ask the clinic or health centre for its sliding-fee schedule.\n")
		fmt.Fprintf(&b, "Source: %s\n", o.FPL.Source)
	} else {
		fmt.Fprintf(&b, "Not computed: %s.\n", o.FPLMissing)
	}

	b.WriteString("\n== HSA / FSA ==\n")
	h := o.HSAFSA
	b.WriteString(h.Basis + "\n" + h.Letter + "\n")
	for _, c := range h.Caveats {
		b.WriteString("- " + c + "\n")
	}
	if h.FromBalance > 0 {
		fmt.Fprintf(&b, "Your account balance covers %s of your share.\n", h.FromBalance)
	}
	if l := h.Limits; l != nil {
		fmt.Fprintf(&b, "%d HSA contribution limits: %s self-only, %s family, plus %s at 55 or older (%s).\n", l.Year, l.ContributionSelfOnly, l.ContributionFamily, l.CatchUp55, l.Source)
	}

	if s := o.Savings; s != nil {
		fmt.Fprintf(&b, "\n== %s ==\n", s.Programme)
		if s.Eligible {
			b.WriteString("Likely eligible.\n")
		} else {
			b.WriteString("Not eligible.\n")
		}
		for _, r := range s.Reasons {
			b.WriteString("- " + r + "\n")
		}
		if s.Computed {
			fmt.Fprintf(&b, "Estimated drug savings over the course: %s.\n", s.DrugSavings)
		}
		if s.Eligible {
			b.WriteString("Observation rebate: " + s.ObservationRebateWhy + ".\n")
		}
		b.WriteString(WithMe.JJPAFNote + "\n")
	}

	b.WriteString("\n== Clinical trials ==\n" + o.Trials + "\n")
	b.WriteString("\n== Fundraising summary (copy it yourself; nothing is posted) ==\n" + o.Fundraiser)
	return b.String()
}
