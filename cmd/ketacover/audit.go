package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/ketacover/ketacover"
)

const auditUsage = `audit [--case ID] [--user NAME] [--limit N] [--json] [--db DB]

Prints the audit trail, newest first: every view and change of a case in
the clinic workbench, the API or this command line, every sign-in (and
failed one) and every change of a user — who, when (UTC), what, which case
and from which address ("cli" for the command line). Entries are
append-only: the database refuses to change or remove one.

  --case ID     only entries about this case
  --user NAME   only entries by this user
  --limit N     at most N entries (default 100; 0 for all)`

func runAudit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "audit")
	db := dbFlag(fs)
	caseID := fs.String("case", "", "")
	user := fs.String("user", "", "")
	limit := fs.Int("limit", 100, "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("audit takes no arguments")
	}
	if *limit < 0 {
		return usagef("--limit must not be negative")
	}
	s, err := openStore(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	al, ok := s.(ketacover.AuditLog)
	if !ok {
		return ketacover.Errorf(ketacover.EINVALID, "this database keeps no audit trail")
	}
	f := ketacover.AuditFilter{Limit: *limit}
	if *caseID != "" {
		f.CaseID = caseID
	}
	if *user != "" {
		f.Actor = user
	}
	es, err := al.Audit(ctx, f)
	if err != nil {
		return err
	}
	if err := auditCLI(ctx, e, s, "", ketacover.AuditLogView, *caseID, *user); err != nil {
		return err
	}
	if *asJSON {
		if es == nil {
			es = []ketacover.AuditEntry{}
		}
		return writeJSON(e, es)
	}
	if len(es) == 0 {
		fmt.Fprintln(e.stdout, "no audit entries")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN (UTC)\tWHO\tWHAT\tCASE\tDETAIL\tFROM")
	for _, a := range es {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.At.UTC().Format("2006-01-02 15:04:05"), a.Actor, a.Action, dashIfEmpty(a.CaseID), dashIfEmpty(a.Detail), a.Remote)
	}
	return tw.Flush()
}

// auditCLI appends what a command did with stored cases to the audit
// trail, as the workbench does for its pages: the command line reaches
// the same health information, so its views and changes are recorded
// too, with "cli" as where they came from. A store without an audit
// trail records nothing.
func auditCLI(ctx context.Context, e *env, s ketacover.Store, who, action, caseID, detail string) error {
	al, ok := s.(ketacover.AuditLog)
	if !ok {
		return nil
	}
	err := al.RecordAudit(ctx, []ketacover.AuditEntry{{At: e.now(), Actor: actor(e, who), Action: action, CaseID: caseID, Detail: detail, Remote: "cli"}})
	if err != nil {
		return fmt.Errorf("audit trail: %w", err)
	}
	return nil
}
