package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/cost"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/letter"
	"github.com/ketacover/ketacover/timeline"
	"github.com/ketacover/ketacover/web"
)

// The adapters that connect "ketacover serve" to the packages behind its
// pages: cost estimates, deadlines and documents. Each turns a package's
// answer into the shape the web package shows.

// costEstimator prices a case's course with package cost.
type costEstimator struct{}

var _ web.Estimator = costEstimator{}

func (costEstimator) Estimate(ctx context.Context, c *ketacover.Case, asOf ketacover.Date) (*web.Estimate, error) {
	r, notes, err := cost.FromCase(c, asOf)
	if err != nil {
		if len(c.Therapy.Prices) == 0 {
			return nil, ketacover.Errorf(ketacover.EINVALID, "A cost estimate needs the clinic's price for each billing code (and, for an insured estimate, your plan's deductible, coinsurance and out-of-pocket maximum). Ask the clinic for its prices or a Good Faith Estimate; then \"ketacover estimate\" with a case file that has them gives the figures session by session.")
		}
		return nil, err
	}
	e, err := cost.EstimateCourse(r)
	if err != nil {
		return nil, err
	}
	out := &web.Estimate{Notes: append(notes, e.Warnings...)}
	for _, sc := range e.Scenarios {
		label := scenarioLabel(sc.Scenario)
		if sc.Unavailable != "" {
			out.Lines = append(out.Lines, web.EstimateLine{Label: label, Amount: "not estimated: " + sc.Unavailable})
			continue
		}
		out.Lines = append(out.Lines, web.EstimateLine{Label: label + ": you pay", Amount: sc.Totals.PatientPays.String()})
		if sc.Scenario != cost.ScenarioSelfPay {
			out.Lines = append(out.Lines, web.EstimateLine{Label: label + ": the plan pays", Amount: sc.Totals.PlanPays.String()})
		}
	}
	out.Summary = fmt.Sprintf("%d sessions from %s to %s, priced each way you might pay. These are estimates from the figures given, not a bill.", e.Sessions, e.Start, e.End)
	opts, err := cost.PaymentOptions(cost.PayRequest{Estimate: e, PlanType: c.Plan.Type, State: c.Patient.State, Household: c.Patient.Household, On: asOf})
	if err == nil {
		out.PaymentOptions = paymentOptions(opts)
	} else {
		out.Notes = append(out.Notes, "Payment options: "+ketacover.ErrorMessage(err))
	}
	out.Sources = []string{"Cost-sharing order of operations and yearly limits: see \"ketacover estimate\" for the working and the sources of each figure."}
	return out, nil
}

func scenarioLabel(s cost.Scenario) string {
	switch s {
	case cost.ScenarioInNetwork:
		return "In network"
	case cost.ScenarioOutOfNetwork:
		return "Out of network, after superbill reimbursement"
	}
	return "Self-pay"
}

// paymentOptions turns the sections of cost's payment options (headed
// "== Name ==") into the page's list.
func paymentOptions(o *cost.Options) []web.PaymentOption {
	var out []web.PaymentOption
	for _, part := range strings.Split(o.Text(), "\n== ")[1:] {
		name, body, _ := strings.Cut(part, " ==\n")
		out = append(out, web.PaymentOption{Name: name, Detail: strings.TrimSpace(body)})
	}
	return out
}

// caseDeadlines gives the clocks that would run if the request were
// denied on a date, from the same rules as "ketacover deadlines".
//
// A self-check asks on every answer, and the clocks depend only on the
// plan type, the state, the therapy and the date (timeline.Open reads
// nothing else of a case; TestCaseDeadlinesDependOnlyOnKey checks), so
// they are kept per those four: a few thousand sets at most, dropped
// together when full.
type caseDeadlines struct {
	book *deadline.Book

	mu   sync.Mutex
	kept map[deadlineKey][]ketacover.Deadline
}

// deadlineKey is what the clocks of a self-check depend on.
type deadlineKey struct {
	plan   ketacover.PlanType
	state  string
	drug   ketacover.Therapy
	denied ketacover.Date
}

const maxKeptDeadlines = 4096

func newCaseDeadlines(book *deadline.Book) *caseDeadlines {
	return &caseDeadlines{book: book, kept: map[deadlineKey][]ketacover.Deadline{}}
}

var _ web.Deadliner = (*caseDeadlines)(nil)

func (d *caseDeadlines) Deadlines(ctx context.Context, c *ketacover.Case, denied ketacover.Date) ([]ketacover.Deadline, error) {
	state := c.Plan.State
	if state == "" {
		state = c.Patient.State
	}
	k := deadlineKey{c.Plan.Type, state, c.Therapy.Drug, denied}
	d.mu.Lock()
	ds, ok := d.kept[k]
	d.mu.Unlock()
	if !ok {
		ds = d.compute(c, denied)
		d.mu.Lock()
		if len(d.kept) >= maxKeptDeadlines {
			clear(d.kept)
		}
		d.kept[k] = ds
		d.mu.Unlock()
	}
	return slices.Clone(ds), nil // the caller's own: kept sets are never handed out
}

// compute opens the clocks of a request made and denied on one date.
func (d *caseDeadlines) compute(c *ketacover.Case, denied ketacover.Date) []ketacover.Deadline {
	events := []ketacover.Event{
		{Seq: 1, Kind: ketacover.EventPASubmitted, Date: denied},
		{Seq: 2, Kind: ketacover.EventPADenied, Date: denied},
	}
	sc := &ketacover.StoredCase{ID: "self-check", Case: *c}
	ds, _ := timeline.Open(sc, timeline.Fold(events), d.book, denied, timeline.DefaultReminders)
	timeline.Sort(ds)
	return ds
}

// letterDocuments writes the self-check's PDFs with package letter.
type letterDocuments struct{ w *letter.Writer }

var _ web.Documenter = letterDocuments{}

func (l letterDocuments) Document(ctx context.Context, kind web.DocumentKind, c *ketacover.Case, ds []ketacover.Determination) (*web.File, error) {
	in := letter.Input{Case: c}
	if len(ds) > 0 {
		in.Determination = &ds[0]
	}
	var k letter.Kind
	switch kind {
	case web.DocLMN:
		k = letter.KindLMN
	case web.DocSuperbill:
		k = letter.KindSuperbill
	case web.DocAppeal:
		k = letter.KindAppeal
		// A self-check has no denial yet: the letter is a draft for the
		// day one comes, its class the one the determination foresees,
		// dated the day it is written until the notice's date replaces it.
		in.Denial = &letter.Denial{Date: dayOf(ds), Classes: []denial.Class{foreseenClass(ds)}}
	default:
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no document %q", kind)
	}
	in.Date = dayOf(ds)
	doc, err := l.w.Build(k, in)
	if err != nil {
		return nil, err
	}
	b, err := doc.PDF()
	if err != nil {
		return nil, err
	}
	return &web.File{Name: strings.ReplaceAll(string(k), "_", "-") + ".pdf", ContentType: "application/pdf", Data: b}, nil
}

func dayOf(ds []ketacover.Determination) ketacover.Date {
	if len(ds) > 0 {
		return ds[0].AsOf
	}
	return ketacover.Date{}
}

// foreseenClass is the denial a determination makes likely.
func foreseenClass(ds []ketacover.Determination) denial.Class {
	if len(ds) > 0 {
		switch ds[0].Outcome {
		case ketacover.OutcomeNotCovered:
			return denial.Class("experimental-investigational")
		case ketacover.OutcomeInfoNeeded:
			return denial.Class("missing-information")
		}
	}
	return denial.Class("medical-necessity")
}
