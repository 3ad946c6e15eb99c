package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/cost"
	"github.com/ketacover/ketacover/rates"
)

const estimateUsage = `estimate CASE [--plan-year YYYY] [--rates FILE] [--json]

Estimates what the course of treatment in the case file CASE costs, session
by session, under each way of paying: in network (the plan pays its share of
the contracted rate), out of network (you pay the clinic and file a
superbill; the plan reimburses its share of what it allows, and the clinic
may bill you the rest) and self-pay. Sessions run through the plan's
deductible, coinsurance, copay and out-of-pocket maximum in date order,
including a new plan year mid-course. The arithmetic of one session is
spelled out.

The case supplies plan.benefits (cost sharing), plan.accumulators (amounts
met so far), therapy.course (or therapy.drug, sessions and start_date for
the usual schedule) and therapy.prices (the clinic's prices per code); see
"ketacover schema case". Without plan.benefits only self-pay is estimated.
Every assumption made is listed with the figures.

  --plan-year YYYY  show only the sessions of the plan year that begins in
                    YYYY (earlier sessions still count toward the deductible)
  --rates FILE      fill in-network allowed amounts missing from the prices
                    from a negotiated-rates file written by "ketacover rates
                    scan" (.parquet, .csv or .db), by billing code and, when
                    the case gives them, therapy.site NPI or TIN
  --json            print the estimate as JSON

An estimate, not medical, legal, tax or financial advice. Exit status: 0
estimated, 2 usage or input error.`

func runEstimate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "estimate")
	planYear := fs.String("plan-year", "", "")
	ratesFile := fs.String("rates", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one case file, got %d arguments", len(pos))
	}
	year := 0
	if *planYear != "" {
		if year, err = strconv.Atoi(*planYear); err != nil || year < 1900 || year > 2200 {
			return usagef("--plan-year: want a year such as 2026, got %q", *planYear)
		}
	}
	ce, err := caseEstimate(e, pos[0], *ratesFile)
	if err != nil {
		return err
	}
	est := ce.estimate
	if year != 0 {
		if est, err = est.OnlyPlanYear(year); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if *asJSON {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(estimateJSON{Case: pos[0], Disclaimer: cost.Disclaimer, Network: ce.c.Plan.Network, Assumptions: ce.notes, Estimate: est}); err != nil {
			return fmt.Errorf("encode estimate: %w", err)
		}
	} else {
		fmt.Fprintf(&buf, "Cost estimate for %s\n", pos[0])
		ce.writeNotes(&buf)
		buf.WriteString(est.Text())
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

// estimateJSON is the JSON shape of estimate --json.
type estimateJSON struct {
	Case        string         `json:"case"`
	Disclaimer  string         `json:"disclaimer"`
	Network     string         `json:"network,omitempty"` // plan.network: which scenario applies to this clinic
	Assumptions []string       `json:"assumptions"`
	Estimate    *cost.Estimate `json:"estimate"`
}

// caseEst is a case with its estimate and the assumptions behind it.
type caseEst struct {
	c        *ketacover.Case
	req      *cost.Request
	estimate *cost.Estimate
	notes    []string
}

// caseEstimate loads a case file and estimates its course, filling
// allowed amounts from a rates file when one is given.
func caseEstimate(e *env, path, ratesFile string) (*caseEst, error) {
	c, err := casefile.Load(path)
	if err != nil {
		return nil, err
	}
	now, err := today(e)
	if err != nil {
		return nil, err
	}
	r, notes, err := cost.FromCase(c, now)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %s", path, ketacover.ErrorMessage(err))
	}
	if ratesFile != "" {
		more, err := allowedFromRates(ratesFile, r, c.Therapy.Site)
		if err != nil {
			return nil, err
		}
		notes = append(notes, more...)
	}
	switch c.Plan.Network {
	case "in-network", "out-of-network":
		if r.Benefits != nil {
			notes = append(notes, fmt.Sprintf("plan.network says the clinic is %s, so the %s scenario is the one that applies", c.Plan.Network, c.Plan.Network))
		}
	}
	est, err := cost.EstimateCourse(r)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %s", path, ketacover.ErrorMessage(err))
	}
	return &caseEst{c: c, req: r, estimate: est, notes: notes}, nil
}

func (ce *caseEst) writeNotes(buf *bytes.Buffer) {
	if len(ce.notes) == 0 {
		return
	}
	buf.WriteString("Assumptions:\n")
	for _, n := range ce.notes {
		fmt.Fprintf(buf, "- %s\n", n)
	}
}

// allowedFromRates fills the in-network allowed amount of every priced code
// that has none from the negotiated rates in file, for the case's site
// (NPI or TIN) when given. It returns what it did, in words.
func allowedFromRates(file string, r *cost.Request, site ketacover.Site) ([]string, error) {
	var codes []string
	need := map[string]bool{}
	for _, p := range r.Prices {
		if p.Allowed == 0 {
			need[p.Code] = true
		}
	}
	for _, ph := range r.Course.Phases {
		for _, ln := range ph.Lines {
			if ln.Price != nil && ln.Price.Allowed == 0 {
				need[ln.Code] = true
			}
		}
	}
	for c := range need {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	if len(codes) == 0 {
		return []string{fmt.Sprintf("--rates %s: every code already has an in-network allowed amount in therapy.prices, so none was taken from the file", file)}, nil
	}
	q := rates.Query{Codes: codes}
	who := ""
	if site.NPI != "" {
		q.NPIs = []string{site.NPI}
		who = "NPI " + site.NPI
	}
	if site.TIN != "" {
		q.TINs = []string{site.TIN}
		who = strings.TrimPrefix(who+" or TIN "+site.TIN, " or ")
	}
	if who == "" {
		who = "any provider (the case gives no therapy.site NPI or TIN)"
	}
	found, err := rates.Lookup(file, q)
	if ketacover.ErrorCode(err) == ketacover.ENOTFOUND && !strings.Contains(err.Error(), "no such rates file") {
		return []string{fmt.Sprintf("--rates %s: no negotiated rate for %s at %s", file, strings.Join(codes, ", "), who)}, nil
	}
	if err != nil {
		return nil, err
	}
	start := r.Course.Start.String()
	allowed := map[string]ketacover.Cents{}
	var notes []string
	for _, code := range codes {
		var amounts []ketacover.Cents
		var first *rates.Rate
		for i := range found {
			x := &found[i]
			if x.BillingCode != code || x.NegotiatedType == "percentage" ||
				x.ExpirationDate != "" && x.ExpirationDate < start || x.BillingClass == "institutional" {
				continue
			}
			c, err := x.Cents()
			if err != nil || c <= 0 {
				continue
			}
			if first == nil {
				first = x
			}
			amounts = append(amounts, ketacover.Cents(c))
		}
		if first == nil {
			notes = append(notes, fmt.Sprintf("--rates %s: no usable in-network rate for %s at %s (percentages of charges, expired and institutional rates are not used)", file, code, who))
			continue
		}
		allowed[code] = amounts[0]
		msg := fmt.Sprintf("--rates %s: %s allowed %s a unit in network (%s rate of %s, plan %q", file, code, amounts[0], first.NegotiatedType, orDash(first.ReportingEntityName), orDash(first.PlanName))
		if lo, hi := slices.Min(amounts), slices.Max(amounts); lo != hi {
			msg += fmt.Sprintf("; %d rates found from %s to %s, the first listed is used — check which applies to this plan", len(amounts), lo, hi)
		}
		notes = append(notes, msg+")")
	}
	prices := slices.Clone(r.Prices)
	for i := range prices {
		if a, ok := allowed[prices[i].Code]; ok && prices[i].Allowed == 0 {
			prices[i].Allowed = a
		}
	}
	r.Prices = prices
	phases := slices.Clone(r.Course.Phases)
	for i := range phases {
		lines := slices.Clone(phases[i].Lines)
		for j := range lines {
			if p := lines[j].Price; p != nil && p.Allowed == 0 {
				if a, ok := allowed[lines[j].Code]; ok {
					cp := *p
					cp.Allowed = a
					lines[j].Price = &cp
				}
			}
		}
		phases[i].Lines = lines
	}
	r.Course.Phases = phases
	return notes, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
