package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policy"
)

const policiesUsage = `policies list [--policies DIR] [--json]
       policies show ID [--policies DIR] [--json]
       policies lint [DIR]
       policies new PAYER [-o FILE]

list  every policy in the library: payer, therapy, stance, revision, source
show  one policy: its versions, sources, criteria and limits
lint  check a folder of policy files (default: the bundled library): every
      field known, a source URL and revision date on every version, text and
      a section on every criterion, valid CEL, passing tests that show every
      criterion both met and not met; exit 0 when clean, 1 when not
new   write a policy skeleton for PAYER to fill in from the payer's document`

func runPolicies(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: list, show, lint or new")
	}
	switch args[0] {
	case "list":
		return policiesList(e, args[1:])
	case "show":
		return policiesShow(e, args[1:])
	case "lint":
		return policiesLint(e, args[1:])
	case "new":
		return policiesNew(e, args[1:])
	}
	return usagef("unknown subcommand %q; want list, show, lint or new", args[0])
}

// policySummary is one row of policies list --json.
type policySummary struct {
	ID         string            `json:"id"`
	Payer      string            `json:"payer"`
	Title      string            `json:"title"`
	Number     string            `json:"number,omitempty"`
	Therapy    ketacover.Therapy `json:"therapy"`
	Stance     ketacover.Stance  `json:"stance"`
	Revised    string            `json:"revised"`
	Provenance string            `json:"provenance"`
	URL        string            `json:"url"`
	Reference  bool              `json:"reference_profile"`
}

func policiesList(e *env, args []string) error {
	fs := newFlags(e, "policies list")
	dir := fs.String("policies", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("list takes no arguments")
	}
	lib, err := loadLibrary(*dir)
	if err != nil {
		return err
	}
	var rows []policySummary
	for _, p := range lib.Policies() {
		v := p.Versions[len(p.Versions)-1]
		prov := "primary"
		if policy.Secondary(&v) {
			prov = "secondary"
		}
		rows = append(rows, policySummary{p.ID, p.Payer, p.Title, p.Number, p.Therapy, v.Stance, v.Revised, prov, v.Sources[0].URL, p.Reference})
	}
	if *asJSON {
		return writeJSON(e, rows)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPAYER\tTHERAPY\tSTANCE\tREVISED\tSOURCE")
	for _, r := range rows {
		payer := r.Payer
		if r.Reference {
			payer = "(reference profile)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, payer, r.Therapy, r.Stance, r.Revised, r.Provenance)
	}
	return tw.Flush()
}

func policiesShow(e *env, args []string) error {
	fs := newFlags(e, "policies show")
	dir := fs.String("policies", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one policy ID")
	}
	lib, err := loadLibrary(*dir)
	if err != nil {
		return err
	}
	p, err := lib.Policy(pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		pol := p.Policy
		pol.Tests = nil
		return writeJSON(e, pol)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s %s", p.ID, p.Payer, p.Title)
	if p.Number != "" {
		fmt.Fprintf(&b, " (%s)", p.Number)
	}
	fmt.Fprintf(&b, "\ntherapy: %s", p.Therapy)
	if p.Benefit != "" {
		fmt.Fprintf(&b, " · %s benefit", p.Benefit)
	}
	b.WriteString("\n")
	for i := len(p.Versions) - 1; i >= 0; i-- {
		v := p.Versions[i]
		eff := "date not given"
		if v.Effective != nil {
			eff = v.Effective.String()
		}
		fmt.Fprintf(&b, "\nVersion revised %s (%s); effective %s; read %s\n", v.Revised, v.RevisedBasis, eff, v.Retrieved)
		for _, s := range v.Sources {
			fmt.Fprintf(&b, "  source (%s): %s\n", s.Provenance, s.URL)
		}
		fmt.Fprintf(&b, "  stance: %s; prior authorization: %s\n", v.Stance, v.PriorAuth)
		if v.StanceText != "" {
			fmt.Fprintf(&b, "  %s\n", v.StanceText)
		}
		for _, ch := range v.Changes {
			fmt.Fprintf(&b, "  changed: %s\n", ch)
		}
		for _, cov := range v.Coverage {
			fmt.Fprintf(&b, "  %s:\n", strings.ToUpper(string(cov.Indication)))
			showTree(&b, &cov.Criteria, 2)
			if cov.Authorization != nil {
				fmt.Fprintf(&b, "    authorization: %s\n", authText(cov.Authorization))
			}
			for _, l := range cov.Limits {
				fmt.Fprintf(&b, "    limit: %s\n", l.Text)
			}
			if ct := cov.Continuation; ct != nil {
				b.WriteString("    continuation:\n")
				if ct.Text != "" {
					fmt.Fprintf(&b, "      %s\n", ct.Text)
				}
				if ct.Criteria != nil {
					showTree(&b, ct.Criteria, 3)
				}
			}
		}
	}
	for _, m := range p.Missing {
		fmt.Fprintf(&b, "\nnot in the sources: %s", m)
	}
	b.WriteString("\n")
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}

func showTree(b *strings.Builder, n *ketacover.Node, depth int) {
	indent := strings.Repeat("  ", depth)
	switch {
	case len(n.All) > 0:
		fmt.Fprintf(b, "%sall of:%s\n", indent, sectionOf(n))
		for i := range n.All {
			showTree(b, &n.All[i], depth+1)
		}
	case len(n.Any) > 0:
		fmt.Fprintf(b, "%sany of:%s\n", indent, sectionOf(n))
		for i := range n.Any {
			showTree(b, &n.Any[i], depth+1)
		}
	case n.Not != nil:
		fmt.Fprintf(b, "%snot:%s\n", indent, sectionOf(n))
		showTree(b, n.Not, depth+1)
	default:
		fmt.Fprintf(b, "%s- %s [%s]\n%s    %s\n", indent, n.Text, n.Section, indent, n.CEL)
	}
}

func sectionOf(n *ketacover.Node) string {
	if n.Text == "" {
		return ""
	}
	return " " + n.Text
}

func authText(a *ketacover.Authorization) string {
	if a.Text != "" {
		return a.Text
	}
	var parts []string
	if a.Months > 0 {
		parts = append(parts, fmt.Sprintf("%d months", a.Months))
	}
	if a.Days > 0 {
		parts = append(parts, fmt.Sprintf("%d days", a.Days))
	}
	if a.MaxSessions > 0 {
		parts = append(parts, fmt.Sprintf("at most %d sessions", a.MaxSessions))
	}
	if a.MaxUnits > 0 {
		parts = append(parts, fmt.Sprintf("at most %d %s", a.MaxUnits, a.Unit))
	}
	return strings.Join(parts, ", ")
}

func policiesLint(e *env, args []string) error {
	fs := newFlags(e, "policies lint")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("want at most one folder")
	}
	var probs []string
	where := "the bundled library"
	if len(pos) == 1 {
		st, err := os.Stat(pos[0])
		if err != nil || !st.IsDir() {
			return ketacover.Errorf(ketacover.EINVALID, "%s: not a folder of policy files", pos[0])
		}
		where = pos[0]
		probs = policy.Lint(os.DirFS(pos[0]), policy.LintOptions{})
	} else {
		probs = lintBundled()
	}
	for _, p := range probs {
		fmt.Fprintln(e.stderr, p)
	}
	if len(probs) > 0 {
		fmt.Fprintf(e.stderr, "%d problem%s in %s\n", len(probs), plural(len(probs)), where)
		return exitStatus(exitNo)
	}
	fmt.Fprintf(e.stdout, "%s: every policy is well formed and its tests pass\n", where)
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
