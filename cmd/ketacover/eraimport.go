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
	"github.com/ketacover/ketacover/tracking"
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
	im, err := tracking.ImportERA(ctx, s, f, tracking.ImportOptions{Received: recv, Actor: actor(e, "")})
	for _, p := range im.Problems {
		fmt.Fprintf(e.stderr, "warning: %s: %s\n", name, p)
	}
	if err != nil {
		if code := ketacover.ErrorCode(err); code == ketacover.EINVALID {
			err = ketacover.Errorf(code, "%s: %s as listed above", name, ketacover.ErrorMessage(err))
		} else {
			err = fmt.Errorf("%s: %w", name, err)
		}
	}
	reportEraImport(e, name, im)
	if aerr := auditERAImport(ctx, e, s, im); aerr != nil {
		return errors.Join(err, aerr)
	}
	if err != nil {
		return err
	}
	return eraDeadlines(ctx, e, s, im)
}

func reportEraImport(e *env, name string, im *tracking.Import) {
	var b strings.Builder
	for _, r := range im.Outcomes {
		switch {
		case r.CaseID == "":
			fmt.Fprintf(&b, "  not matched  claim %s: %s\n", r.Claim, r.Unmatched)
		case r.Refused != "":
			fmt.Fprintf(&b, "  not recorded claim %s → case %s: %s\n", r.Claim, r.CaseID, r.Refused)
		default:
			fmt.Fprintf(&b, "  recorded     claim %s → case %s: %s %s\n", r.Claim, r.CaseID, r.Event.Kind, eventSummary(*r.Event))
		}
	}
	recorded, refused, unmatched := im.Counts()
	fmt.Fprintf(e.stdout, "%s: %d claim(s): %d recorded on cases, %d not recorded, %d matched no case\n%s", name, len(im.Outcomes), recorded, refused, unmatched, b.String())
}

// eraDeadlines prints the clocks the import started, soonest first.
func eraDeadlines(ctx context.Context, e *env, s ketacover.Store, im *tracking.Import) error {
	ids := im.Denials()
	if len(ids) == 0 {
		return nil
	}
	sort.Strings(ids)
	book, err := deadline.Default()
	if err != nil {
		return err
	}
	day, err := today(e)
	if err != nil {
		return err
	}
	all, err := tracking.CaseClocks(ctx, s, book, day, ids)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("\nClocks started by the denials\n")
	for _, d := range all {
		writeDeadline(&b, d, day)
	}
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}

// auditERAImport records what an import did: one entry per event it
// appended to a case and one for the import, as the workbench's upload
// does.
func auditERAImport(ctx context.Context, e *env, s ketacover.Store, im *tracking.Import) error {
	if im == nil {
		return nil
	}
	for _, o := range im.Outcomes {
		if o.CaseID == "" || o.Event == nil || o.Refused != "" {
			continue
		}
		if err := auditCLI(ctx, e, s, "", ketacover.AuditEventAppend, o.CaseID, fmt.Sprintf("%s #%d from an 835", o.Event.Kind, o.Event.Seq)); err != nil {
			return err
		}
	}
	rec, ref, un := im.Counts()
	return auditCLI(ctx, e, s, "", ketacover.AuditERAImport, "", fmt.Sprintf("%d recorded, %d not recorded, %d unmatched", rec, ref, un))
}
