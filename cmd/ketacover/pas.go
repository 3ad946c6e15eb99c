package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/fhir"
	"github.com/ketacover/ketacover/policy"
	"github.com/ketacover/ketacover/timeline"
)

const pasUsage = `pas build CASE [-o FILE] [--as-of DATE] [--policies DIR] [--db DB]
       pas read FILE [--case ID] [--json] [--db DB]

Da Vinci PAS (Prior Authorization Support), the FHIR form of a prior
authorization request that maps to an X12 278.

pas build writes the PAS request Bundle for a case: the Claim (use
preauthorization) first, then the Patient, Coverage, insurer and requesting
Organizations, Practitioner and the ServiceRequest for the therapy, with
the documents the payer's policy expects named as supporting information.
CASE is a case file, or the ID of a stored case. The bundle is checked as
FHIR R4 before it is written.

  -o FILE          write the bundle to FILE instead of standard output
  --as-of DATE     date of service for the policy check (default: the
                   case's start date, else today)
  --policies DIR   also load the policy files in DIR

pas read reads a PAS response Bundle (a ClaimResponse first): each item's
review action (X12 306: A1 certified, A2 partly, A3 not certified, A4
pended, A6 modified, CT contact payer), the authorization number, units,
dates and the payer's reasons. With --case it records the decision on the
stored case's timeline (pa-approved, pa-denied or pa-pended; a pa-submitted
first if the case has no request pending); reading the same response again
records nothing.

  --case ID        record the decision on stored case ID
  --json           print the decision as JSON`

func runPas(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: build or read")
	}
	switch args[0] {
	case "build":
		return pasBuild(ctx, e, args[1:])
	case "read":
		return pasRead(ctx, e, args[1:])
	}
	return usagef("unknown subcommand %q; want build or read", args[0])
}

func pasBuild(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "pas build")
	out := fs.String("o", "", "")
	asOf := fs.String("as-of", "", "")
	dir := fs.String("policies", "", "")
	db := dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one case file or stored case ID")
	}
	c, err := loadCase(ctx, e, pos[0], *db)
	if err != nil {
		return err
	}
	lib, err := loadLibrary(*dir)
	if err != nil {
		return err
	}
	date, err := serviceDate(e, *asOf, c)
	if err != nil {
		return err
	}
	f, err := policy.NewFacts(c, date)
	if err != nil {
		return err
	}
	var evidence []string
	if ds := lib.Check(f, ""); len(ds) > 0 {
		evidence = ds[0].Evidence
	}
	b, err := fhir.BuildPAS(c, fhir.PASOptions{Now: e.now(), Evidence: evidence})
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = e.stdout.Write(b)
		return err
	}
	if err := writeFileAtomic(*out, b); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote the PAS request for case %s to %s\n", c.ID, *out)
	return nil
}

// loadCase reads a case file, or a stored case when arg is not a file.
func loadCase(ctx context.Context, e *env, arg, db string) (*ketacover.Case, error) {
	if _, err := os.Stat(arg); err == nil {
		return casefile.Load(arg)
	}
	if strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".json") {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: no such case file", arg)
	}
	c, _, err := storedCase(ctx, e, arg, db, ketacover.AuditCaseView, "pas build")
	return c, err
}

// writeFileAtomic writes through a temporary file in the same folder, so
// that a failure never leaves half a bundle behind.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func pasRead(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "pas read")
	caseID := fs.String("case", "", "")
	asJSON := fs.Bool("json", false, "")
	who := fs.String("actor", "", "")
	db := dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one PAS response file")
	}
	raw, err := os.ReadFile(pos[0])
	if err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "%s: %v", pos[0], err)
	}
	d, err := fhir.ReadPASResponse(raw)
	if err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "%s: %s", pos[0], ketacover.ErrorMessage(err))
	}
	if *asJSON {
		if err := writeJSON(e, d); err != nil {
			return err
		}
	} else {
		printDecision(e, pos[0], d)
	}
	if *caseID == "" {
		return nil
	}
	return recordDecision(ctx, e, *db, *caseID, actor(e, *who), d)
}

func printDecision(e *env, file string, d *fhir.Decision) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: PAS response %s of %s → %s\n", file, d.ClaimResponse, d.Date, d.Kind)
	for _, it := range d.Items {
		fmt.Fprintf(&b, "  item %d: %s %s", it.Sequence, it.Action, it.Display)
		if it.Number != "" {
			fmt.Fprintf(&b, ", number %s", it.Number)
		}
		if it.Units > 0 {
			fmt.Fprintf(&b, ", %d units", it.Units)
		}
		if it.Start != nil || it.End != nil {
			fmt.Fprintf(&b, ", %s to %s", dashIfEmpty(it.Start.String()), dashIfEmpty(it.End.String()))
		}
		if len(it.Codes) > 0 {
			fmt.Fprintf(&b, ", codes %s", strings.Join(it.Codes, ","))
		}
		for _, r := range it.Reasons {
			fmt.Fprintf(&b, ", reason %s", r)
		}
		b.WriteString("\n")
	}
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "  payer's note: %s\n", n)
	}
	for _, er := range d.Errors {
		fmt.Fprintf(&b, "  error: %s\n", er)
	}
	fmt.Fprint(e.stdout, b.String())
}

// recordDecision appends the decision to a stored case's timeline, after a
// pa-submitted when no request is pending (the response is proof one was
// sent), unless the same response was already recorded.
func recordDecision(ctx context.Context, e *env, db, caseID, who string, d *fhir.Decision) error {
	if d.Kind == ketacover.EventNote && len(d.Items) == 0 {
		return nil
	}
	s, err := openStore(ctx, e, db)
	if err != nil {
		return err
	}
	defer s.Close()
	events, err := s.Events(ctx, caseID)
	if err != nil {
		return err
	}
	ev := d.Event(caseID)
	ev.Actor = who
	for _, old := range events {
		if old.Kind == ev.Kind && old.Date == ev.Date && old.Note == ev.Note {
			fmt.Fprintf(e.stdout, "already recorded on case %s (event %d)\n", caseID, old.Seq)
			return nil
		}
	}
	st := timeline.Fold(events)
	if ev.Kind != ketacover.EventNote && st.Phase != timeline.PhasePending && st.Phase != timeline.PhasePended {
		sub := &ketacover.Event{CaseID: caseID, Kind: ketacover.EventPASubmitted, Date: d.Date, Actor: who, Source: ketacover.SourceImport,
			Details: ketacover.Details{Method: "fhir-pas"}, Note: "recorded from PAS response " + d.ClaimResponse + " (the request itself was not recorded)"}
		if err := s.Append(ctx, sub, func(prior []ketacover.Event) error { return timeline.Check(prior, sub) }); err != nil {
			return err
		}
		if err := auditCLI(ctx, e, s, who, ketacover.AuditEventAppend, caseID, fmt.Sprintf("%s #%d from a PAS response", sub.Kind, sub.Seq)); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "recorded pa-submitted on %s for case %s (event %d)\n", sub.Date, caseID, sub.Seq)
	}
	if err := s.Append(ctx, &ev, func(prior []ketacover.Event) error { return timeline.Check(prior, &ev) }); err != nil {
		return err
	}
	if err := auditCLI(ctx, e, s, who, ketacover.AuditEventAppend, caseID, fmt.Sprintf("%s #%d from a PAS response", ev.Kind, ev.Seq)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "recorded %s on %s for case %s (event %d)\n", ev.Kind, ev.Date, caseID, ev.Seq)
	events, err = s.Events(ctx, caseID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "state: %s\n", timeline.Fold(events).Phase)
	return nil
}
