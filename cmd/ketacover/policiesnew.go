package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

func lintBundled() []string {
	return policy.Lint(policies.FS, policy.LintOptions{RequireUnknown: true})
}

// skeleton is the policy file "policies new" writes. Every value a clinic
// must fill in from the payer's document is empty or marked FILL IN, so the
// file fails lint until it is done.
var skeleton = template.Must(template.New("policy").Parse(`# Policy skeleton for {{.Payer}}. Fill it in from the payer's own policy
# document, one criterion per line of the policy, then run
#   ketacover policies lint {{.Dir}}
# See policies/README.md in the ketacover source for the format and the
# functions a criterion can use. Leave out what the document does not say
# and list it under "missing".
id: {{.ID}}
payer: {{.Payer}}
payer_names: []
title: ""                 # FILL IN: the policy's title
number: ""                # the payer's policy number, if any
therapy: esketamine       # esketamine or ketamine-iv
applies_to:
  lines_of_business: [commercial]
missing: []
versions:
  - effective: null       # FILL IN: the effective date printed on the policy (YYYY-MM-DD)
    revised: ""           # FILL IN: revision or review date (YYYY-MM-DD)
    revised_basis: ""     # FILL IN: what that date is, e.g. "last review date"
    retrieved: "{{.Today}}"
    sources:
      - url: ""           # FILL IN: where the policy is published
        title: ""
        provenance: primary
    stance: covered-with-criteria   # or investigational, not-medically-necessary, excluded
    prior_auth: required
    coverage:
      - indication: trd
        authorization: {months: 0}  # FILL IN: initial approval length
        criteria:
          all:
            - id: age
              text: The patient is 18 years of age or older.
              section: ""   # FILL IN: the section of the policy
              cel: patient.age >= 18
              evidence: [date of birth]
              question: What is the patient's date of birth?
            - id: failed-antidepressants
              text: ""      # FILL IN: the policy's words
              section: ""
              cel: 'history.trials.failed(2, {"min_weeks": 6, "episode": "current"})'
              evidence: [pharmacy records or chart notes for each antidepressant trial]
              question: For each antidepressant tried in this episode, what was the dose, for how many weeks, and the response?
tests:
  - name: a case that meets every criterion
    case:
      patient: {age: 40}
      plan: {payer: {{.Payer}}, type: group-fully-insured}
      therapy: {drug: esketamine, indication: trd}
      history:
        trials:
          - {drug: sertraline, dose_adequate: true, weeks: 8, outcome: no-response, episode: current}
          - {drug: bupropion, dose_adequate: true, weeks: 8, outcome: no-response, episode: current}
    outcome: meets-criteria
  - name: a 17-year-old does not meet the age criterion
    patch: {patient: {age: 17}}
    outcome: does-not-meet
    criteria: {age: not-met}
`))

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

func policiesNew(e *env, args []string) error {
	fs := newFlags(e, "policies new")
	out := fs.String("o", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
		return usagef("want the payer's name, e.g. ketacover policies new \"Acme Health\"")
	}
	payer := strings.TrimSpace(pos[0])
	if strings.ContainsAny(payer, "\n\"'{}[]:#") {
		return ketacover.Errorf(ketacover.EINVALID, "payer name %q: use letters, digits, spaces and simple punctuation", payer)
	}
	id := strings.Trim(slugRE.ReplaceAllString(strings.ToLower(payer), "-"), "-") + "-esketamine"
	d, err := today(e)
	if err != nil {
		return err
	}
	dir := "."
	if *out != "" {
		dir = strings.TrimSuffix(*out, "/"+policy.NameOf(id))
	}
	var b strings.Builder
	if err := skeleton.Execute(&b, map[string]string{"Payer": payer, "ID": id, "Today": fmt.Sprintf("%04d-%02d", d.Year, d.Month), "Dir": dir}); err != nil {
		return err
	}
	if *out == "" {
		_, err := fmt.Fprint(e.stdout, b.String())
		return err
	}
	if _, err := os.Stat(*out); err == nil {
		return ketacover.Errorf(ketacover.ECONFLICT, "%s already exists; not overwriting it", *out)
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	fmt.Fprintf(e.stdout, "wrote %s; fill in the FILL IN fields from %s's policy document, then run: ketacover policies lint %s\n", *out, payer, dir)
	return nil
}
