package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/cost"
)

const payUsage = `pay CASE [--scenario in-network|out-of-network|self-pay] [--rates FILE] [--json]

Works out the ways to pay for the course in the case file CASE, from the
same estimate as "ketacover estimate": financing (monthly payment, interest
and total for each offer's APR and term, and for "no interest if paid in
full" promotions the interest charged back if the balance is not cleared in
time), the household's income as a percentage of the federal poverty
guideline for sliding-scale fees (patient.household), paying from an HSA or
FSA, manufacturer savings for esketamine where the patient is eligible,
clinical trials, and a fundraising summary to paste into a campaign page
(nothing is posted anywhere).

  --scenario S  the way of paying to plan for; default the one plan.network
                names, else in network, else out of network, else self-pay
  --rates FILE  as for "ketacover estimate"
  --json        print the options as JSON

Financing terms are examples from secondary sources: check the lender's
current terms. Not medical, legal, tax or financial advice. Exit status: 0,
or 2 for a usage or input error.`

func runPay(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "pay")
	scenario := fs.String("scenario", "", "")
	ratesFile := fs.String("rates", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one case file, got %d arguments", len(pos))
	}
	switch cost.Scenario(*scenario) {
	case "", cost.ScenarioInNetwork, cost.ScenarioOutOfNetwork, cost.ScenarioSelfPay:
	default:
		return usagef("--scenario: want in-network, out-of-network or self-pay, got %q", *scenario)
	}
	ce, err := caseEstimate(e, pos[0], *ratesFile)
	if err != nil {
		return err
	}
	c := ce.c
	sc := cost.Scenario(*scenario)
	if sc == "" && (c.Plan.Network == "in-network" || c.Plan.Network == "out-of-network") {
		// The scenario the case names, if the estimate could price it;
		// otherwise the first that could be priced.
		if s, ok := ce.estimate.Scenario(cost.Scenario(c.Plan.Network)); ok && s.Unavailable == "" {
			sc = s.Scenario
		} else if ok {
			ce.notes = append(ce.notes, fmt.Sprintf("plan.network is %s but that scenario could not be estimated (%s), so another is used", c.Plan.Network, s.Unavailable))
		}
	}
	if c.Plan.Benefits == nil && c.Therapy.Drug == ketacover.TherapyEsketamine {
		// Only self-pay is estimated, but the plan type still decides
		// manufacturer savings.
		ce.notes = append(ce.notes, "manufacturer savings are judged on plan.type; with no plan.benefits the drug savings cannot be figured against an insured share")
	}
	if c.Patient.Household == nil {
		ce.notes = append(ce.notes, "no patient.household (size and yearly income): the sliding-scale standing against the poverty guidelines is not computed")
	}
	o, err := cost.PaymentOptions(cost.PayRequest{
		Estimate:  ce.estimate,
		Scenario:  sc,
		PlanType:  c.Plan.Type,
		State:     c.Patient.State,
		Household: c.Patient.Household,
	})
	if err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "%s: %s", pos[0], ketacover.ErrorMessage(err))
	}
	if c.Patient.ZIP != "" {
		o.Trials += fmt.Sprintf(" For this patient: ketacover trials near %s --within 100mi (after ketacover trials fetch or trials import).", c.Patient.ZIP)
	}
	var buf bytes.Buffer
	if *asJSON {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		out := payJSON{Case: pos[0], Disclaimer: cost.Disclaimer, Assumptions: ce.notes, Options: o}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("encode payment options: %w", err)
		}
	} else {
		fmt.Fprintf(&buf, "Payment options for %s\n", pos[0])
		ce.writeNotes(&buf)
		buf.WriteString(o.Text())
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

// payJSON is the JSON shape of pay --json.
type payJSON struct {
	Case        string        `json:"case"`
	Disclaimer  string        `json:"disclaimer"`
	Assumptions []string      `json:"assumptions"`
	Options     *cost.Options `json:"options"`
}
