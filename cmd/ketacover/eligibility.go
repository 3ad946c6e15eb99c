package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/x12"
)

const eligibilityUsage = `eligibility read FILE [--service-type CODE] [--member ID] [--json]
       eligibility read FILE --case CASE [-o OUT] [--service-type CODE] [--member ID] [--copay-rule RULE]

Reads an X12 271 eligibility and benefits response (005010X279A1) and shows,
for each member, what the plan covers for the service types that pay for
ketamine and esketamine treatment (mental health MH, psychiatric A4/A7/A8,
psychotherapy A6, mental health provider and facility CE-CH, medical care 1,
office visit 98, pharmacy 88): active coverage, the deductible and the
out-of-pocket maximum with the amounts met and remaining, coinsurance and
copay, in and out of network, and whether prior authorization is required,
each with the EB segment it comes from. A kind of benefit not given for the
service type is taken from the plan-wide benefits (service type 30), and a
note says so. Only the codes ../shared/reference/standards.md section 6.2
lists are interpreted; others are shown as sent.

  --service-type CODE  show only this service type (default: each one above
                       that the 271 names; with --case, MH)
  --member ID          the member ID to read when the 271 has several
  --json               print the members and their benefits as JSON
  --case CASE          fill plan.benefits and plan.accumulators of the case
                       file CASE from the 271 (the member whose ID is
                       plan.member_id, or the only one); without -o, print
                       the YAML to paste into the case
  -o OUT               write the whole case, filled, to OUT
  --copay-rule RULE    how the copay combines with the deductible (none,
                       instead, plus, after-deductible): a 271 never says

The case is written only when it is valid with the 271's figures: what the
271 does not give (often the out-of-pocket maximum, the coverage level or
the copay rule) must already be in the case, or the command lists it and
writes nothing. Problems in the file are printed to standard error with
their segment number and byte offset; a file that is not X12 or is cut
short exits with status 2. A 271 says what the plan's records showed on the
day it was sent; it is not a promise of payment. Not legal advice.`

// runEligibility dispatches the eligibility subcommands.
func runEligibility(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: read")
	}
	if args[0] != "read" {
		return usagef("unknown eligibility subcommand %q; want read", args[0])
	}
	return runEligibilityRead(ctx, e, args[1:])
}

// eligibilityJSON is the JSON shape of "eligibility read --json".
type eligibilityJSON struct {
	File       string          `json:"file"`
	Disclaimer string          `json:"disclaimer"`
	Members    []memberJSON    `json:"members"`
	Rejections []x12.Rejection `json:"rejections,omitempty"`
	Summary    x12.Summary271  `json:"summary"`
}

type memberJSON struct {
	*x12.Eligibility
	Coverage []*x12.Coverage `json:"coverage"`
}

const eligibilityDisclaimer = "What the plan's records showed when the 271 was sent; not a promise of payment. Not legal advice."

func runEligibilityRead(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "eligibility read")
	st := fs.String("service-type", "", "")
	member := fs.String("member", "", "")
	asJSON := fs.Bool("json", false, "")
	caseFile := fs.String("case", "", "")
	out := fs.String("o", "", "")
	copayRule := fs.String("copay-rule", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one 271 FILE, got %d argument(s)", len(pos))
	}
	if *out != "" && *caseFile == "" {
		return usagef("-o writes a case: give the case file with --case")
	}
	if *caseFile != "" && *asJSON {
		return usagef("--json shows the 271; with --case the output is the case")
	}
	switch ketacover.CopayRule(*copayRule) {
	case "", ketacover.CopayNone, ketacover.CopayInstead, ketacover.CopayPlus, ketacover.CopayAfterDeductible:
	default:
		return usagef("--copay-rule: want none, instead, plus or after-deductible, got %q", *copayRule)
	}
	if *st != "" && !validServiceType(*st) {
		return usagef("--service-type: want a service type code such as MH, 30 or A8, got %q", *st)
	}
	name := pos[0]
	members, sum, err := readEligibility(e, name)
	if err != nil {
		return err
	}
	if *member != "" {
		members = slices.DeleteFunc(members, func(m *x12.Eligibility) bool { return !memberHasID(m, *member) })
		if len(members) == 0 {
			return ketacover.Errorf(ketacover.ENOTFOUND, "%s: no member with ID %s", name, *member)
		}
	}
	if *caseFile != "" {
		return fillCase(e, name, members, sum, *caseFile, *out, *st, ketacover.CopayRule(*copayRule))
	}
	var buf bytes.Buffer
	if *asJSON {
		doc := eligibilityJSON{File: name, Disclaimer: eligibilityDisclaimer, Members: []memberJSON{}, Rejections: sum.Rejections, Summary: sum}
		for _, m := range members {
			mj := memberJSON{Eligibility: m}
			for _, code := range serviceTypesShown(m, *st) {
				mj.Coverage = append(mj.Coverage, m.Coverage(code))
			}
			doc.Members = append(doc.Members, mj)
		}
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("encode eligibility: %w", err)
		}
	} else {
		for _, r := range sum.Rejections {
			fmt.Fprintf(&buf, "Rejected by the payer (loop %s): %s [segment %d, byte %d]\n\n", r.Loop, r.Text, r.Segment, r.Offset)
		}
		for _, m := range members {
			writeMember(&buf, m, serviceTypesShown(m, *st))
		}
		fmt.Fprintf(&buf, "%s: %d transaction(s), %d member(s), %d benefit segment(s), %d problem(s). %s\n",
			name, sum.Transactions, sum.Members, sum.Benefits, sum.ProblemCount, eligibilityDisclaimer)
		if sum.Transactions == 0 {
			fmt.Fprintf(&buf, "no 271 transaction set found\n")
		}
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

// readEligibility reads every member of a 271 file, printing its problems
// as warnings.
func readEligibility(e *env, name string) ([]*x12.Eligibility, x12.Summary271, error) {
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, x12.Summary271{}, ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such file", name)
		}
		return nil, x12.Summary271{}, ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
	}
	defer f.Close()
	var members []*x12.Eligibility
	sum, err := x12.Read271(f, x12.Handler271{Member: func(m *x12.Eligibility) error {
		members = append(members, m)
		return nil
	}})
	for _, p := range sum.Problems {
		fmt.Fprintf(e.stderr, "warning: %s: %s\n", name, p)
	}
	if n := sum.ProblemCount - len(sum.Problems); n > 0 {
		fmt.Fprintf(e.stderr, "warning: %s: %d more problems not shown\n", name, n)
	}
	if err != nil {
		var se *x12.SyntaxError
		if errors.As(err, &se) {
			return nil, sum, ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
		}
		return nil, sum, fmt.Errorf("%s: %w", name, err)
	}
	return members, sum, nil
}

func validServiceType(s string) bool {
	if len(s) < 1 || len(s) > 2 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func memberHasID(m *x12.Eligibility, id string) bool {
	return m.Subscriber.ID == id || m.Dependent != nil && m.Dependent.ID == id
}

// serviceTypesShown returns the service types to show for a member: the
// one asked for, else each service type of interest that an EB names, else
// MH.
func serviceTypesShown(m *x12.Eligibility, st string) []string {
	if st != "" {
		return []string{st}
	}
	var out []string
	for _, code := range x12.ServiceTypesOfInterest {
		if slices.ContainsFunc(m.Benefits, func(b x12.Benefit) bool { return b.HasServiceType(code) }) {
			out = append(out, code)
		}
	}
	if len(out) == 0 {
		out = []string{"MH"}
	}
	return out
}

func personName(en x12.Entity) string {
	n := en.Last
	if en.First != "" {
		n += ", " + strings.TrimSpace(en.First+" "+en.Middle)
	}
	if en.ID != "" {
		n += fmt.Sprintf(" (%s %s)", en.IDQualifier, en.ID)
	}
	return n
}

func writeMember(w io.Writer, m *x12.Eligibility, sts []string) {
	p := m.Patient()
	fmt.Fprintf(w, "Eligibility from %s for %s", personName(m.Source), personName(p.Entity))
	if m.Dependent != nil {
		fmt.Fprintf(w, ", dependent of %s", personName(m.Subscriber.Entity))
	}
	fmt.Fprintf(w, "\n  response %s to %s", m.ControlNumber, personName(m.Receiver))
	if !m.Date.IsZero() {
		fmt.Fprintf(w, ", sent %s", m.Date)
	}
	fmt.Fprintln(w)
	var facts []string
	if !p.BirthDate.IsZero() {
		facts = append(facts, "born "+p.BirthDate.String())
	}
	if d := p.PlanBegin(); !d.IsZero() {
		facts = append(facts, "plan begin "+d.String())
	} else if d := m.Subscriber.PlanBegin(); !d.IsZero() {
		facts = append(facts, "plan begin "+d.String())
	}
	for _, b := range m.Benefits {
		if b.Plan != "" {
			facts = append(facts, "plan "+b.Plan)
			break
		}
	}
	if len(facts) > 0 {
		fmt.Fprintf(w, "  %s\n", strings.Join(facts, ", "))
	}
	for _, r := range m.Rejections {
		fmt.Fprintf(w, "  rejected by the payer (loop %s): %s [segment %d, byte %d]\n", r.Loop, r.Text, r.Segment, r.Offset)
	}
	for _, b := range m.Benefits {
		what := x12.BenefitText(b.Code)
		if what == "" {
			what = "EB01 " + b.Code
		}
		for _, r := range b.Related {
			fmt.Fprintf(w, "  %s: %s [segment %d: %s]\n", what, personName(r), b.Segment, b.Text)
		}
	}
	for _, code := range sts {
		writeCoverage(w, m.Coverage(code))
	}
	fmt.Fprintln(w)
}

func writeCoverage(w io.Writer, c *x12.Coverage) {
	name := c.Name
	if name == "" {
		name = "service type not in the reference's list"
	}
	status := "coverage not stated"
	switch c.Status {
	case "active":
		status = "active coverage"
	case "inactive":
		status = "inactive"
	case "not-covered":
		status = "NOT COVERED"
	}
	if c.Level != "" {
		status += ", " + string(c.Level)
	}
	fmt.Fprintf(w, "\n  %s %s: %s\n", c.ServiceType, name, status)
	for _, s := range c.StatusFrom {
		fmt.Fprintf(w, "      %s\n", s)
	}
	if len(c.Figures) == 0 {
		fmt.Fprintf(w, "    no deductible, out-of-pocket, coinsurance or copay given\n")
	}
	for _, f := range c.Figures {
		v := f.Value()
		switch f.Period {
		case "", "remaining":
		case "visit":
			v += " per visit"
		default:
			v += " a " + f.Period
		}
		fmt.Fprintf(w, "    %s, %s: %s\n", f.What, strings.ReplaceAll(string(f.Network), "-", " "), v)
		if len(f.From) == 2 {
			fmt.Fprintf(w, "      from the amount less the amount remaining:\n")
		}
		for _, s := range f.From {
			fmt.Fprintf(w, "      %s\n", s)
		}
	}
	switch c.AuthRequired() {
	case "Y":
		fmt.Fprintf(w, "    prior authorization: REQUIRED\n")
	case "N":
		fmt.Fprintf(w, "    prior authorization: not required\n")
	default:
		fmt.Fprintf(w, "    prior authorization: not stated\n")
	}
	for _, a := range c.Authorization {
		what := c.ServiceType
		if a.Procedure != "" {
			what = a.Procedure
		}
		fmt.Fprintf(w, "      %s, %s: %s\n        %s\n", what, x12.NetworkText(a.Network), x12.AuthText(a.Required), a.From)
		for _, m := range a.Messages {
			fmt.Fprintf(w, "        message: %s\n", m)
		}
	}
	for _, o := range c.Other {
		what := o.What
		if o.Procedure != "" {
			what = o.Procedure + ": " + what
		}
		fmt.Fprintf(w, "    also, %s, %s:\n      %s\n", what, x12.NetworkText(o.Network), o.From)
		for _, m := range o.Messages {
			fmt.Fprintf(w, "      message: %s\n", m)
		}
	}
	for _, n := range c.Notes {
		fmt.Fprintf(w, "    note: %s\n", n)
	}
}

// fillCase fills the case's plan.benefits and plan.accumulators from the
// member of the 271 the case is about, and writes the case to out or the
// YAML to paste to standard output. Nothing is written unless the result
// is a valid case.
func fillCase(e *env, name string, members []*x12.Eligibility, sum x12.Summary271, caseFile, out, st string, rule ketacover.CopayRule) error {
	c, err := casefile.Load(caseFile)
	if err != nil {
		return err
	}
	m, err := caseMember(name, members, sum, c)
	if err != nil {
		return err
	}
	if st == "" {
		st = "MH"
	}
	cov := m.Coverage(st)
	switch cov.Status {
	case "not-covered", "inactive":
		fmt.Fprintf(e.stderr, "warning: %s: the 271 says %s is %s (%s)\n", name, st, cov.Status, cov.StatusFrom[0])
	}
	b := ketacover.Benefits{}
	if c.Plan.Benefits != nil {
		b = *c.Plan.Benefits
		if b.OutOfNetwork != nil {
			o := *b.OutOfNetwork
			b.OutOfNetwork = &o
		}
	}
	a := ketacover.Accumulators{}
	if c.Plan.Accumulators != nil {
		a = *c.Plan.Accumulators
	}
	cov.Apply(&b, &a)
	if rule != "" {
		for _, f := range cov.Figures {
			switch f.Field {
			case "plan.benefits.in_network.copay":
				b.InNetwork.CopayRule = rule
			case "plan.benefits.out_of_network.copay":
				if b.OutOfNetwork != nil {
					b.OutOfNetwork.CopayRule = rule
				}
			}
		}
	}
	var bad []string
	if err := b.Validate(); err != nil {
		bad = append(bad, ketacover.ErrorMessage(err))
	}
	if err := a.ValidateFor(&b); err != nil && len(bad) == 0 {
		bad = append(bad, ketacover.ErrorMessage(err))
	}
	if len(bad) > 0 {
		writeCoverage(e.stderr, cov)
		return ketacover.Errorf(ketacover.EINVALID, "%s: with the figures of %s the case is not valid, so nothing is written: %s; add what the 271 does not give to the case (or --copay-rule) and run again",
			caseFile, name, strings.ReplaceAll(strings.Join(bad, "; "), "benefits.", "plan.benefits."))
	}
	c.Plan.Benefits, c.Plan.Accumulators = &b, nil
	if a != (ketacover.Accumulators{}) {
		c.Plan.Accumulators = &a
	}
	if out == "" {
		frag, err := benefitsFragment(name, cov, c.Plan.Benefits, c.Plan.Accumulators)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(frag)
		return err
	}
	data, err := os.ReadFile(caseFile)
	if err != nil {
		return fmt.Errorf("read case: %w", err)
	}
	filled, err := withPlan(data, c.Plan.Benefits, c.Plan.Accumulators)
	if err != nil {
		return fmt.Errorf("%s: %w", caseFile, err)
	}
	if _, err := casefile.Parse(out, filled); err != nil {
		return fmt.Errorf("the filled case does not read back: %w", err)
	}
	if err := writeOutput(e, out, filled); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: plan.benefits and plan.accumulators from %s (%s, service type %s)\n", out, name, personName(m.Patient().Entity), st)
	for _, f := range cov.Figures {
		if f.Field != "" {
			fmt.Fprintf(e.stdout, "  %s = %s  [segment %s]\n", f.Field, f.Value(), segmentList(f.From))
		}
	}
	for _, n := range cov.Notes {
		fmt.Fprintf(e.stdout, "  note: %s\n", n)
	}
	return nil
}

// caseMember picks the member a case is about: by plan.member_id, else the
// only one.
func caseMember(name string, members []*x12.Eligibility, sum x12.Summary271, c *ketacover.Case) (*x12.Eligibility, error) {
	if len(members) == 0 {
		msg := fmt.Sprintf("%s: no member in the 271", name)
		for _, r := range sum.Rejections {
			msg += fmt.Sprintf("; rejected by the payer: %s (segment %d)", r.Text, r.Segment)
		}
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", msg)
	}
	m := members[0]
	if id := c.Plan.MemberID; id != "" {
		i := slices.IndexFunc(members, func(m *x12.Eligibility) bool { return memberHasID(m, id) })
		if i < 0 {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: no member with the case's plan.member_id %s", name, id)
		}
		m = members[i]
	} else if len(members) > 1 {
		var ids []string
		for _, m := range members {
			ids = append(ids, m.Patient().ID)
		}
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %d members (%s): set plan.member_id in the case or give --member", name, len(members), strings.Join(ids, ", "))
	}
	if len(m.Rejections) > 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: the payer rejected the request for %s: %s (segment %d)", name, personName(m.Patient().Entity), m.Rejections[0].Text, m.Rejections[0].Segment)
	}
	return m, nil
}

func segmentList(ss []x12.Source) string {
	var n []string
	for _, s := range ss {
		n = append(n, fmt.Sprint(s.Segment))
	}
	return strings.Join(n, ", ")
}

// benefitsFragment renders plan.benefits and plan.accumulators as YAML to
// paste into a case, with a comment naming the EB segment behind each
// figure.
func benefitsFragment(name string, cov *x12.Coverage, b *ketacover.Benefits, a *ketacover.Accumulators) ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# plan.benefits and plan.accumulators from %s, service type %s, sent %s.\n", name, cov.ServiceType, cov.AsOf)
	for _, f := range cov.Figures {
		if f.Field == "" {
			continue
		}
		for i, s := range f.From {
			lead := fmt.Sprintf("# %s = %s:", f.Field, f.Value())
			if i > 0 {
				lead = "#" + strings.Repeat(" ", len(lead)-1)
			}
			fmt.Fprintf(&buf, "%s segment %d: %s\n", lead, s.Segment, s.Text)
		}
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	plan := struct {
		Benefits     *ketacover.Benefits     `yaml:"benefits"`
		Accumulators *ketacover.Accumulators `yaml:"accumulators,omitempty"`
	}{b, a}
	if err := enc.Encode(map[string]any{"plan": plan}); err != nil {
		return nil, fmt.Errorf("encode benefits: %w", err)
	}
	return buf.Bytes(), enc.Close()
}

// withPlan returns the case file data with plan.benefits and
// plan.accumulators replaced. A YAML file keeps its other content and
// comments; a JSON file (it starts with "{") stays JSON.
func withPlan(data []byte, b *ketacover.Benefits, a *ketacover.Accumulators) ([]byte, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, err
		}
		var plan map[string]json.RawMessage
		if err := json.Unmarshal(doc["plan"], &plan); err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		var err error
		if plan["benefits"], err = json.Marshal(b); err != nil {
			return nil, err
		}
		delete(plan, "accumulators")
		if a != nil {
			if plan["accumulators"], err = json.Marshal(a); err != nil {
				return nil, err
			}
		}
		if doc["plan"], err = json.Marshal(plan); err != nil {
			return nil, err
		}
		out, err := json.MarshalIndent(doc, "", "  ")
		return append(out, '\n'), err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the case is not a YAML mapping")
	}
	plan := mapValue(doc.Content[0], "plan")
	if plan == nil || plan.Kind != yaml.MappingNode {
		return nil, errors.New("the case has no plan mapping")
	}
	if err := setKey(plan, "benefits", b); err != nil {
		return nil, err
	}
	if a != nil {
		if err := setKey(plan, "accumulators", a); err != nil {
			return nil, err
		}
	} else {
		deleteKey(plan, "accumulators")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func setKey(m *yaml.Node, key string, v any) error {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			n.HeadComment, n.LineComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment
			m.Content[i+1] = &n
			return nil
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, &n)
	return nil
}

func deleteKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}
