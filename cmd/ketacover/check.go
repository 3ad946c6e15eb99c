package main

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
	"github.com/ketacover/ketacover/report"
)

const checkUsage = `check CASE [--payer P] [--as-of YYYY-MM-DD] [--policies DIR] [--json]

Judges the case file CASE (YAML or JSON; see "ketacover schema case") against
the payer policies that govern it, criterion by criterion: met (✓), not met
(✗) or unknown (?) when a fact is not recorded, with the reason, the policy's
section, the questions whose answers would decide it and the documents a
reviewer will expect. A payer with no policy on file is judged against the
reference profile of criteria most payers share.

  --payer P        judge against payer P instead of the case's plan.payer
  --as-of DATE     date of service (default: therapy.start_date, else today)
  --policies DIR   also load the policy files in DIR (they replace bundled
                   policies with the same id)
  --json           print the determinations as JSON

Exit status: 0 meets the criteria, 1 does not meet or not covered, 3 more
information needed (or no policy on file), 2 usage or input error.`

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "check")
	payer := fs.String("payer", "", "")
	asOf := fs.String("as-of", "", "")
	dir := fs.String("policies", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one case file, got %d arguments", len(pos))
	}
	c, err := casefile.Load(pos[0])
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
	ds := lib.Check(f, *payer)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(checkJSON{Case: pos[0], Payer: payerOr(*payer, c), Disclaimer: report.Disclaimer, Determinations: ds}); err != nil {
			return err
		}
	} else if err := report.Text(e.stdout, c, *payer, ds); err != nil {
		return err
	}
	return exitStatus(checkStatus(ds))
}

// checkJSON is the stable JSON shape of check --json.
type checkJSON struct {
	Case           string                    `json:"case"`
	Payer          string                    `json:"payer"`
	Disclaimer     string                    `json:"disclaimer"`
	Determinations []ketacover.Determination `json:"determinations"`
}

func payerOr(p string, c *ketacover.Case) string {
	if p != "" {
		return p
	}
	return c.Plan.Payer
}

// checkStatus is the exit status of a check: the most favourable outcome
// among the governing policies decides it.
func checkStatus(ds []ketacover.Determination) int {
	best := exitNo
	for _, d := range ds {
		switch d.Outcome {
		case ketacover.OutcomeMeets:
			return exitOK
		case ketacover.OutcomeInfoNeeded:
			best = exitMoreInfo
		case ketacover.OutcomeNoPolicy:
			if d.ReferenceOutcome != ketacover.OutcomeDoesNotMeet && d.ReferenceOutcome != ketacover.OutcomeNotCovered {
				best = exitMoreInfo
			}
		}
	}
	return best
}

// loadLibrary loads the bundled policies and, when dir is set, the policies
// in dir on top of them.
func loadLibrary(dir string) (*policy.Library, error) {
	if dir == "" {
		return policy.Load(policies.FS)
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, ketacover.Errorf(ketacover.EINVALID, "--policies %s: not a folder", dir)
	}
	return policy.Load(policies.FS, os.DirFS(dir))
}

// today returns the current civil date, or KETACOVER_TODAY when set (so a
// run can be reproduced as of a given day).
func today(e *env) (ketacover.Date, error) {
	if s := e.getenv("KETACOVER_TODAY"); s != "" {
		d, err := ketacover.ParseDate(s)
		if err != nil {
			return ketacover.Date{}, ketacover.Errorf(ketacover.EINVALID, "KETACOVER_TODAY: %s", err)
		}
		return d, nil
	}
	return ketacover.DateOf(e.now().In(time.Local)), nil
}

// serviceDate is the date a case is judged on.
func serviceDate(e *env, flag string, c *ketacover.Case) (ketacover.Date, error) {
	if flag != "" {
		d, err := ketacover.ParseDate(flag)
		if err != nil {
			return ketacover.Date{}, usagef("--as-of: %s", err)
		}
		return d, nil
	}
	if c.Therapy.StartDate != nil {
		return *c.Therapy.StartDate, nil
	}
	return today(e)
}
