package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// command is one subcommand: its name, a one-line summary, its usage text
// and the function that runs it.
type command struct {
	name    string
	summary string
	usage   string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands is the table of every subcommand. Each command lives in a file
// named for it.
func commands() []command {
	return []command{
		{"help", "show help for ketacover or one command", "help [COMMAND]", runHelp},
		{"serve", "start the web app (patient self-check, policy browser) and the JSON API; prints the URL", serveUsage, runServe},
		{"rates", "scan price-transparency files for negotiated rates by code and provider", ratesUsage, runRates},
		{"check", "judge a case against the payer's policy, criterion by criterion", checkUsage, runCheck},
		{"policies", "list, show, lint or scaffold payer policies", policiesUsage, runPolicies},
		{"schema", "print the JSON Schema of the case file format", schemaUsage, runSchema},
		{"case", "keep cases and their timelines: new, list, show, event", caseUsage, runCase},
		{"deadlines", "every open deadline across cases, soonest first, or as a calendar", deadlinesUsage, runDeadlines},
		{"help-contacts", "who regulates a plan and where free help is, for a state and plan type", "help-contacts STATE PLAN-TYPE [--json]", runHelpContacts},
		{"era", "read an X12 835 remittance: claims, adjustments, denial class and next action", eraUsage, runEra},
		{"eligibility", "read an X12 271 eligibility response: mental health benefits, deductible and out-of-pocket met, prior-auth flags; fill a case's plan benefits", eligibilityUsage, runEligibility},
		{"pa", "write an X12 278 prior-authorization request (services review) for a case", paUsage, runPa},
		{"denial", "read a denial letter (text or PDF): reasons, policy, dates, numbers, deadline, expedited", denialUsage, runDenial},
		{"letter", "write a letter of medical necessity, PA packet, appeal, external review, P2P sheet, superbill or GFE", letterUsage, runLetter},
		{"estimate", "estimate a course's cost per session: in network, out of network with a superbill, self-pay", estimateUsage, runEstimate},
		{"pay", "ways to pay for a course: financing, sliding scale, HSA/FSA, manufacturer savings, trials, fundraiser", payUsage, runPay},
		{"trials", "fetch, import and search ketamine and esketamine clinical trials near a ZIP code", trialsUsage, runTrials},
		{"zips", "update the ZIP code centroids from a Census ZCTA Gazetteer file", zipsUsage, runZips},
		{"backup", "copy the live SQLite case database to a file (encrypted when the database is)", backupUsage, runBackup},
		{"pas", "build a Da Vinci PAS prior-authorization request bundle, or read a PAS response onto a case", pasUsage, runPas},
		{"user", "add and manage the people who sign in to the clinic workbench (admin, staff, read-only)", userUsage, runUser},
		{"audit", "the audit trail: who viewed or changed which case, when and from where (workbench, API or command line)", auditUsage, runAudit},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func runHelp(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		printHelp(e.stdout)
		return nil
	}
	c, ok := lookup(args[0])
	if !ok {
		return usagef("unknown command %q", args[0])
	}
	fmt.Fprintf(e.stdout, "%s\n\nusage: ketacover %s\n", c.summary, c.usage)
	return nil
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "ketacover: coverage, appeals and costs for ketamine and esketamine (Spravato) treatment")
	fmt.Fprintln(w, "Not medical or legal advice.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: ketacover COMMAND [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
}

// newFlags returns a FlagSet for a command that reports errors as usage
// errors rather than exiting.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args with fs, allowing flags after positional
// arguments (ketacover check case.yaml --json), and returns the positional
// arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			msg := err.Error()
			if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
				msg = "unknown flag " + rest
			}
			return nil, usageError{msg}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
