package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/timeline"
	"github.com/ketacover/ketacover/tracking"
)

const deadlinesUsage = `deadlines [--within 30d] [--ics] [--json] [--db DB]
          [--sessions-left N] [--days-left N]

Lists every open deadline across the stored cases, soonest first: decisions
the payer owes, windows the patient must act in, and reauthorization
reminders (fewer than --sessions-left sessions left, default 2, or the
authorization ending within --days-left days, default 14). Each line names
the rule and citation behind it. Overdue deadlines are always shown.

  --within 30d   only deadlines due within 30 days (days: 30d or 30)
  --ics          write an RFC 5545 calendar with reminders instead, for any
                 calendar app: ketacover deadlines --ics > deadlines.ics`

func runDeadlines(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "deadlines")
	db := dbFlag(fs)
	within := fs.String("within", "", "")
	ics := fs.Bool("ics", false, "")
	asJSON := fs.Bool("json", false, "")
	rem := timeline.DefaultReminders
	fs.IntVar(&rem.SessionsLeft, "sessions-left", rem.SessionsLeft, "")
	fs.IntVar(&rem.DaysLeft, "days-left", rem.DaysLeft, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("deadlines takes no arguments")
	}
	days := 0
	if *within != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(*within, "d"))
		if err != nil || n <= 0 {
			return usagef("--within: want a number of days such as 30d, got %q", *within)
		}
		days = n
	}
	if rem.SessionsLeft < 0 || rem.DaysLeft < 0 {
		return usagef("--sessions-left and --days-left must not be negative")
	}
	s, err := openStore(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	book, err := deadline.Default()
	if err != nil {
		return err
	}
	day, err := today(e)
	if err != nil {
		return err
	}
	ds, err := timeline.Agenda(ctx, s, book, day, rem, days)
	if err != nil {
		return err
	}
	if err := auditCLI(ctx, e, s, "", ketacover.AuditDeadlines, "", ""); err != nil {
		return err
	}
	switch {
	case *ics:
		cal := tracking.Calendar(ds, e.now())
		_, err := cal.WriteTo(e.stdout)
		return err
	case *asJSON:
		if ds == nil {
			ds = []ketacover.Deadline{}
		}
		return writeJSON(e, ds)
	}
	if len(ds) == 0 {
		fmt.Fprintln(e.stdout, "no open deadlines")
		return nil
	}
	var b strings.Builder
	for _, d := range ds {
		writeDeadline(&b, d, day)
	}
	b.WriteString("\nDeadlines are computed from the rules cited; the dates on the payer's own notices come first. Not legal advice.\n")
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}
