package web

import (
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/report"
)

// checkResult is the answer to a check, the one view-model behind both
// POST /api/v1/check (JSON) and the self-check's result page.
type checkResult struct {
	Payer       string                    `json:"payer"`
	PlanType    ketacover.PlanType        `json:"plan_type"`
	Therapy     ketacover.Therapy         `json:"therapy"`
	Indication  ketacover.Indication      `json:"indication"`
	AsOf        ketacover.Date            `json:"as_of"`
	Outcome     ketacover.Outcome         `json:"outcome"`
	TherapyFact string                    `json:"therapy_fact"`
	Disclaimer  string                    `json:"disclaimer"`
	Results     []ketacover.Determination `json:"determinations"`
}

// newCheckResult builds the view-model of a check. The overall outcome is
// the most favourable of the governing policies' (Library.Check sorts them
// so).
func newCheckResult(c *ketacover.Case, payer string, asOf ketacover.Date, ds []ketacover.Determination) checkResult {
	if payer == "" {
		payer = c.Plan.Payer
	}
	r := checkResult{
		Payer:       payer,
		PlanType:    c.Plan.Type,
		Therapy:     c.Therapy.Drug,
		Indication:  c.Therapy.Indication,
		AsOf:        asOf,
		TherapyFact: report.TherapyFact(c.Therapy.Drug),
		Disclaimer:  report.Disclaimer,
		Results:     make([]ketacover.Determination, len(ds)),
	}
	// The API promises lists, never null: fill the lists a determination
	// leaves nil.
	for i, d := range ds {
		d.Criteria = nonNil(d.Criteria)
		d.Questions = nonNil(d.Questions)
		d.Evidence = nonNil(d.Evidence)
		d.Missing = nonNil(d.Missing)
		d.Limits = nonNil(d.Limits)
		d.Alternatives = nonNil(d.Alternatives)
		d.Notes = nonNil(d.Notes)
		d.Policy.Sources = nonNil(d.Policy.Sources)
		r.Results[i] = d
	}
	if len(ds) > 0 {
		r.Outcome = ds[0].Outcome
	}
	return r
}

// resultPage is the self-check's result page: the check in plain words,
// what to ask the doctor, and the hooks' sections. Its fields are direct,
// not embedded: the template reaches a promoted field by a reflective
// search that allocates on every access.
type resultPage struct {
	Payer       string
	PlanLabel   string
	TherapyName string
	TherapyFact string
	AsOf        ketacover.Date
	Headline    string
	Meaning     string
	Class       string
	Policies    []policyResult
	// Ask is what to ask the prescriber to document: the questions of
	// every unknown criterion, without repeats; Evidence the records a
	// reviewer will expect.
	Ask      []string
	Evidence []string
	// NotMet are the criteria the answers do not meet, with the reason:
	// what stands in the way.
	NotMet []criterionRow
	Form   *checkForm

	Estimate     *Estimate
	EstimateErr  string
	Deadlines    []ketacover.Deadline
	DeadlinesErr string
	Documents    []DocumentKind
}

// policyResult is one determination in plain words.
type policyResult struct {
	Policy       ketacover.PolicyRef
	Verdict      string
	Headline     string
	Meaning      string
	Class        string
	Criteria     []criterionRow
	Limits       []string
	Alternatives []string
	Notes        []string
	Missing      []string
}

// criterionRow is one line of the criteria list, flat: the template
// reads plain fields (a field reached through embedded structs costs a
// reflective search on every access).
type criterionRow struct {
	Depth   int
	Text    string
	Section string
	Reason  string
	Mark    string // ✓ ✗ ?
	Word    string // Met, Not met, Not known yet
	Class   string // met, not-met, unknown
	Group   bool   // an all/any/not node rather than a criterion
}

func newResultPage(res checkResult, f *checkForm) resultPage {
	p := resultPage{
		Payer:       res.Payer,
		PlanLabel:   planTypeLabel(res.PlanType),
		TherapyName: report.TherapyName(res.Therapy, res.Indication),
		TherapyFact: res.TherapyFact,
		AsOf:        res.AsOf,
		Form:        f,
		Documents:   DocumentKinds,
	}
	var ref ketacover.Outcome
	if len(res.Results) > 0 {
		ref = res.Results[0].ReferenceOutcome
	}
	p.Headline, p.Meaning = outcomeWords(res.Outcome, ref)
	p.Class = outcomeClass(res.Outcome)
	seenQ, seenE := map[string]bool{}, map[string]bool{}
	p.Policies = make([]policyResult, 0, len(res.Results))
	for _, d := range res.Results {
		pr := policyResult{
			Policy: d.Policy, Verdict: d.Verdict, Class: outcomeClass(d.Outcome),
			Limits: d.Limits, Alternatives: d.Alternatives, Notes: d.Notes, Missing: d.Missing,
			Criteria: make([]criterionRow, 0, len(d.Criteria)),
		}
		pr.Headline, pr.Meaning = outcomeWords(d.Outcome, d.ReferenceOutcome)
		for _, c := range d.Criteria {
			if c.Kind == "criterion" && c.Result == ketacover.NotMet && !d.Policy.Reference {
				p.NotMet = append(p.NotMet, criterionRow{Text: c.Text, Section: c.Section, Reason: c.Reason})
			}
			pr.Criteria = append(pr.Criteria, criterionRow{
				Depth:   c.Depth,
				Text:    c.Text,
				Section: c.Section,
				Reason:  c.Reason,
				Mark:    report.Mark(c.Result),
				Word:    resultWord(c.Result),
				Class:   string(c.Result),
				Group:   c.Kind != "criterion",
			})
		}
		p.Policies = append(p.Policies, pr)
		for _, q := range d.Questions {
			if !seenQ[q.Text] {
				seenQ[q.Text] = true
				p.Ask = append(p.Ask, q.Text)
			}
		}
		for _, e := range d.Evidence {
			if !seenE[e] {
				seenE[e] = true
				p.Evidence = append(p.Evidence, e)
			}
		}
	}
	return p
}
