package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/timeline"
	"github.com/ketacover/ketacover/x12"
)

const eraImportUsage = `era import FILE [--received YYYY-MM-DD] [--db DB]

Reads an X12 835 and puts what it says on the matching stored cases: a
denied claim becomes a claim-denied event (with its CARC/RARC codes and
denial class) and starts the appeal clock; a paid claim becomes claim-paid;
a reversal becomes a note. A claim matches a case when its patient control
number (CLP01) is the case's ID or a reference recorded on the case (a
claim-submitted --ref), or when its payer claim number (CLP07) is. Claims
that match no case are listed so nothing is lost. Importing the same file
twice adds nothing the second time.

  --received DATE  when the remittance arrived (default: its production date,
                   else its payment date), which starts the appeal clock`

// eraIndex maps claim references to the cases they belong to.
type eraIndex map[string]string

func buildEraIndex(ctx context.Context, s ketacover.Store) (eraIndex, error) {
	idx := eraIndex{}
	err := s.Timelines(ctx, func(c *ketacover.StoredCase, events []ketacover.Event) error {
		idx[strings.ToUpper(c.ID)] = c.ID
		for _, e := range events {
			if r := e.Details.Reference; r != "" {
				idx[strings.ToUpper(r)] = c.ID
			}
		}
		return nil
	})
	return idx, err
}

func (idx eraIndex) match(c *x12.ClaimPayment) (string, bool) {
	for _, ref := range []string{c.PatientControlNumber, c.PayerClaimNumber, c.Ref("F8")} {
		if ref == "" {
			continue
		}
		if id, ok := idx[strings.ToUpper(ref)]; ok {
			return id, true
		}
	}
	return "", false
}

// eraOutcome is what an import did with one claim.
type eraOutcome struct {
	claim  string
	caseID string
	kind   ketacover.EventKind
	what   string
	err    error
}

func runEraImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "era import")
	db := dbFlag(fs)
	received := fs.String("received", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one 835 FILE")
	}
	var recv *ketacover.Date
	if recv, err = optDate("--received", *received); err != nil {
		return err
	}
	name := pos[0]
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such file", name)
		}
		return ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
	}
	defer f.Close()
	s, err := openStore(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	idx, err := buildEraIndex(ctx, s)
	if err != nil {
		return err
	}
	who := actor(e, "")
	cl := classifier{}
	var results []eraOutcome
	h := x12.Handler835{Claim: func(c *x12.ClaimPayment) error {
		ec := cl.claim(c)
		out := eraOutcome{claim: c.PatientControlNumber}
		id, ok := idx.match(c)
		if !ok {
			out.what = fmt.Sprintf("no stored case has patient control number %q or payer claim number %q", c.PatientControlNumber, c.PayerClaimNumber)
			results = append(results, out)
			return nil
		}
		out.caseID = id
		ev := eraEvent(ec, recv)
		ev.CaseID, ev.Actor, ev.Source = id, who, ketacover.SourceImport
		out.kind = ev.Kind
		err := s.Append(ctx, ev, func(prior []ketacover.Event) error {
			for _, p := range prior {
				if p.Kind == ev.Kind && p.Date == ev.Date && strings.EqualFold(p.Details.Reference, ev.Details.Reference) && p.Source == ketacover.SourceImport {
					return ketacover.Errorf(ketacover.ECONFLICT, "already imported (event %d)", p.Seq)
				}
			}
			return timeline.Check(prior, ev)
		})
		switch {
		case err != nil && ketacover.ErrorCode(err) == ketacover.EINTERNAL:
			return err
		case err != nil:
			out.err = err
		default:
			out.what = eventSummary(*ev)
		}
		results = append(results, out)
		return nil
	}}
	sum, err := x12.Read835(f, h)
	for _, p := range sum.Problems {
		fmt.Fprintf(e.stderr, "warning: %s: %s\n", name, p)
	}
	if err != nil {
		var se *x12.SyntaxError
		if errors.As(err, &se) {
			err = ketacover.Errorf(ketacover.EINVALID, "%s: %v (claims before the error were imported as listed above)", name, err)
		} else {
			err = fmt.Errorf("%s: %w", name, err)
		}
	}
	reportEraImport(e, name, results)
	if err != nil {
		return err
	}
	return eraDeadlines(ctx, e, s, results)
}

// eraEvent turns a remittance claim into the timeline event it means.
func eraEvent(ec eraClaim, recv *ketacover.Date) *ketacover.Event {
	c := ec.ClaimPayment
	date := ec.Remittance.Date
	if recv != nil {
		date = *recv
	}
	ev := &ketacover.Event{Date: date, Details: ketacover.Details{Reference: c.PatientControlNumber}}
	if c.Reversal() {
		ev.Kind = ketacover.EventNote
		ev.Note = fmt.Sprintf("835 reversal of claim %s (payer claim %s): %s taken back", c.PatientControlNumber, c.PayerClaimNumber, money(-c.Paid))
		return ev
	}
	var carc, rarc []string
	var denied int64
	var first *eraAdjustment
	for i := range ec.Classified {
		a := &ec.Classified[i]
		if !a.Denial {
			continue
		}
		if first == nil {
			first = a
		}
		denied += a.Amount
		carc = appendNew(carc, a.CARC)
		for _, r := range a.RARCs {
			rarc = appendNew(rarc, r)
		}
	}
	if first == nil {
		ev.Kind = ketacover.EventClaimPaid
		ev.Details.AmountCents = c.Paid
		ev.Note = fmt.Sprintf("835: billed %s, paid %s, patient responsibility %s", money(c.Billed), money(c.Paid), money(c.PatientResponsibility))
		return ev
	}
	ev.Kind = ketacover.EventClaimDenied
	ev.Details.CARC, ev.Details.RARC = carc, rarc
	ev.Details.Group = first.Group
	ev.Details.DenialClass = string(first.Class)
	ev.Details.Reason = first.Reason
	ev.Details.AmountCents = denied
	if first.Class == denial.Class("") {
		ev.Details.DenialClass = "unclassified"
	}
	return ev
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func reportEraImport(e *env, name string, results []eraOutcome) {
	var attached, skipped, unmatched int
	var b strings.Builder
	for _, r := range results {
		switch {
		case r.caseID == "":
			unmatched++
			fmt.Fprintf(&b, "  not matched  claim %s: %s\n", r.claim, r.what)
		case r.err != nil:
			skipped++
			fmt.Fprintf(&b, "  not recorded claim %s → case %s: %s\n", r.claim, r.caseID, ketacover.ErrorMessage(r.err))
		default:
			attached++
			fmt.Fprintf(&b, "  recorded     claim %s → case %s: %s %s\n", r.claim, r.caseID, r.kind, r.what)
		}
	}
	fmt.Fprintf(e.stdout, "%s: %d claim(s): %d recorded on cases, %d not recorded, %d matched no case\n%s", name, len(results), attached, skipped, unmatched, b.String())
}

// eraDeadlines prints the clocks the import started, soonest first.
func eraDeadlines(ctx context.Context, e *env, s ketacover.Store, results []eraOutcome) error {
	cases := map[string]bool{}
	for _, r := range results {
		if r.caseID != "" && r.err == nil && r.kind == ketacover.EventClaimDenied {
			cases[r.caseID] = true
		}
	}
	if len(cases) == 0 {
		return nil
	}
	book, err := deadline.Default()
	if err != nil {
		return err
	}
	day, err := today(e)
	if err != nil {
		return err
	}
	var all []ketacover.Deadline
	ids := make([]string, 0, len(cases))
	for id := range cases {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		sc, err := s.Case(ctx, id)
		if err != nil {
			return err
		}
		events, err := s.Events(ctx, id)
		if err != nil {
			return err
		}
		ds, _ := timeline.Open(sc, timeline.Fold(events), book, day, timeline.DefaultReminders)
		all = append(all, ds...)
	}
	timeline.Sort(all)
	var b strings.Builder
	b.WriteString("\nClocks started by the denials\n")
	for _, d := range all {
		writeDeadline(&b, d, day)
	}
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}
