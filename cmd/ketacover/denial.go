package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
)

const denialUsage = `denial read FILE [--json]

Reads a denial letter (text, or PDF through poppler's pdftotext) with fixed
rules and shows what it found, each with the sentence and line behind it:
the reasons and their denial class with the usual next action, the policy
or plan provision cited, the dates, member and claim or reference numbers,
the appeal deadline the letter states, and whether an expedited appeal is
offered. The letter's own words decide; this is a reading aid, not legal
advice.`

// runDenial dispatches the denial subcommands.
func runDenial(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: read")
	}
	switch args[0] {
	case "read":
		return runDenialRead(ctx, e, args[1:])
	}
	return usagef("unknown denial subcommand %q; want read", args[0])
}

// denialDisclaimer goes with every reading, in text and JSON.
const denialDisclaimer = "Read by fixed rules from the letter's text; check each finding against the letter. Not legal advice."

type denialOut struct {
	File string `json:"file"`
	denial.Letter
	Next       []denialNext `json:"next"`
	Disclaimer string       `json:"disclaimer"`
}

type denialNext struct {
	Class  denial.Class  `json:"class"`
	Action denial.Action `json:"action"`
	Why    string        `json:"why"`
}

func runDenialRead(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "denial read")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one letter FILE, got %d argument(s)", len(pos))
	}
	name := pos[0]
	text, err := denial.LetterText(ctx, name)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such file", name)
	case errors.Is(err, denial.ErrNoPDFTool):
		return fmt.Errorf("%s is a PDF: %w", name, err)
	case err != nil:
		return ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
	}
	if strings.TrimSpace(text) == "" {
		return ketacover.Errorf(ketacover.EINVALID, "%s: no text found (a scanned PDF needs OCR first)", name)
	}
	out := denialOut{File: name, Letter: denial.ReadLetter(text), Next: []denialNext{}, Disclaimer: denialDisclaimer}
	for _, c := range out.Classes {
		a, why := denial.Next(c)
		out.Next = append(out.Next, denialNext{c, a, why})
	}
	var buf bytes.Buffer
	if *asJSON {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("encode letter: %w", err)
		}
	} else {
		writeLetterText(&buf, out)
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

func writeLetterText(w io.Writer, o denialOut) {
	l := o.Letter
	fmt.Fprintf(w, "%s: denial letter\n", o.File)
	if len(l.Classes) == 0 {
		fmt.Fprintf(w, "\nReason: none found by the rules; read the letter.\n")
	}
	for _, n := range o.Next {
		fmt.Fprintf(w, "\nDenial class: %s\n  next: %s: %s\n", n.Class, n.Action, n.Why)
		for _, r := range l.Reasons {
			if denial.Class(r.Value) == n.Class {
				finding(w, "  because", r)
			}
		}
	}
	for _, r := range l.Reasons {
		if r.Value == "" {
			finding(w, "Stated reason (unclassified)", r)
		}
	}
	for _, c := range l.Classified {
		codes := strings.TrimPrefix(c.Group+"-"+c.CARC, "-")
		if len(c.RARCs) > 0 {
			codes += " " + strings.Join(c.RARCs, " ")
		}
		class := string(c.Class)
		if class == "" {
			class = "unclassified"
		}
		fmt.Fprintf(w, "Code %s: %s; next: %s\n", codes, class, c.Action)
	}
	fmt.Fprintln(w)
	for _, p := range l.Policies {
		finding(w, "Policy cited: "+p.Value, p)
	}
	for _, d := range l.Dates {
		finding(w, strings.ReplaceAll(d.Field, "-", " ")+": "+d.Value, d)
	}
	for _, m := range l.Members {
		finding(w, "member ID: "+m.Value, m)
	}
	for _, r := range l.References {
		finding(w, strings.ReplaceAll(r.Field, "-", " ")+": "+r.Value, r)
	}
	fmt.Fprintln(w)
	if d := l.AppealDeadline; d != nil {
		finding(w, "Appeal deadline: "+deadlineText(*d), d.Finding)
	} else {
		fmt.Fprintf(w, "Appeal deadline: not found in the letter; the plan type's rules apply\n")
	}
	for _, d := range l.Deadlines {
		if l.AppealDeadline == nil || d.Sentence != l.AppealDeadline.Sentence {
			finding(w, "Other deadline ("+d.Kind+"): "+deadlineText(d), d.Finding)
		}
	}
	fmt.Fprintf(w, "Expedited appeal: %s\n", l.Expedited.Status)
	for _, f := range l.Expedited.Findings {
		finding(w, "  "+f.Value, f)
	}
	if len(l.Regimes) > 0 {
		fmt.Fprintln(w)
		for _, r := range l.Regimes {
			finding(w, "Plan regime signal: "+r.Value, r)
		}
	}
	var svc []string
	for _, s := range l.Services {
		svc = append(svc, s.Value)
	}
	if len(svc) > 0 {
		fmt.Fprintf(w, "Services named: %s\n", strings.Join(svc, ", "))
	}
	fmt.Fprintf(w, "\n%s\n", o.Disclaimer)
}

func deadlineText(d denial.Deadline) string {
	if !d.By.IsZero() {
		return "by " + d.By.String()
	}
	s := fmt.Sprintf("%d %s", d.Amount, strings.ReplaceAll(d.Unit, "-", " "))
	switch d.Anchor {
	case "notice-date":
		s += " from the date of the notice"
	case "receipt":
		s += " from receipt of the notice"
	case "decision":
		s += " from the date of the decision"
	}
	return s
}

func finding(w io.Writer, label string, f denial.Finding) {
	fmt.Fprintf(w, "%s  (line %d: %q)\n", label, f.Line, clipText(f.Sentence, 140))
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
