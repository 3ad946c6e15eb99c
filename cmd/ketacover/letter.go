package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/document"
	"github.com/ketacover/ketacover/letter"
	"github.com/ketacover/ketacover/policy"
)

const letterUsage = `letter KIND CASE [--denial FILE] [--level 1|2] [--expedited] [--date YYYY-MM-DD] [--format pdf|html|txt] [-o FILE] [--db DB]

Writes a document for CASE — a case file, or the ID of a stored case (then
the denial, sessions and authorization come from its timeline) — from the
case and its determination against the payer's policy (as "ketacover
check" makes it).
KIND is one of:

  lmn              letter of medical necessity
  pa-packet        prior-authorization packet: cover sheet, criteria
                   checklist with attachments, attachments to add
  appeal           internal appeal (--level 1 or 2, --expedited)
  external-review  request for external review by an independent reviewer
  p2p              peer-to-peer preparation sheet for the prescriber
  superbill        itemized statement for out-of-network reimbursement
  gfe              Good Faith Estimate for a self-pay patient

  --denial FILE    the denial an appeal, external review or peer-to-peer
                   call answers: a denial letter (text, or PDF read with
                   poppler's pdftotext) or a denial record (.yaml, .yml or
                   .json: date, classes, reason, reference, ...)
  --level N        internal appeal level, 1 (default) or 2
  --expedited      ask for the expedited (urgent) track
  --date DATE      date of the document (default: today)
  --format F       pdf, html or txt (default: from the -o file's extension,
                   else txt)
  -o FILE          write to FILE instead of standard output
  --payer P        judge against payer P instead of the case's plan.payer
  --policies DIR   also load the policy files in DIR

A fact the case does not hold is never guessed: the document shows a
marked blank ("[dose of sertraline — missing]"). Every blank is listed on
standard error and the exit status is 3 until none remain, so that no one
sends an incomplete letter by accident. The document is still written, for
review. Nothing in it is medical or legal advice; each document says so.`

// letterOptions are what a letter needs besides the case; the command
// fills them from flags, and a stored case's caller from its own input.
type letterOptions struct {
	Kind      letter.Kind
	Denial    *letter.Denial
	Level     int
	Expedited bool
	Date      ketacover.Date
	Format    document.Format
	Out       string // file to write; "" for standard output
	Payer     string
	Policies  string
}

func runLetter(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "letter")
	denialFile := fs.String("denial", "", "")
	level := fs.Int("level", 1, "")
	expedited := fs.Bool("expedited", false, "")
	date := fs.String("date", "", "")
	format := fs.String("format", "", "")
	out := fs.String("o", "", "")
	payer := fs.String("payer", "", "")
	dir := fs.String("policies", "", "")
	db := dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want KIND and CASE, got %d argument(s)", len(pos))
	}
	kind, err := letter.ParseKind(pos[0])
	if err != nil {
		return usagef("%s", ketacover.ErrorMessage(err))
	}
	if *level != 1 && *level != 2 {
		return usagef("--level: want 1 or 2, got %d", *level)
	}
	opt := letterOptions{Kind: kind, Level: *level, Expedited: *expedited, Out: *out, Payer: *payer, Policies: *dir}
	if opt.Format, err = letterFormat(*format, *out); err != nil {
		return err
	}
	if *date != "" {
		if opt.Date, err = ketacover.ParseDate(*date); err != nil {
			return usagef("--date: %s", err)
		}
	} else if opt.Date, err = today(e); err != nil {
		return err
	}
	if *denialFile != "" {
		if opt.Denial, err = readDenial(ctx, *denialFile); err != nil {
			return err
		}
	}
	c, events, err := letterCase(ctx, e, pos[1], *db)
	if err != nil {
		return err
	}
	return writeLetter(e, c, events, opt)
}

// letterCase reads CASE: a case file when one exists at that path, else
// the stored case with that ID and its timeline (the denial, sessions and
// authorization then come from the events).
func letterCase(ctx context.Context, e *env, arg, db string) (*ketacover.Case, []ketacover.Event, error) {
	if _, err := os.Stat(arg); err == nil || strings.ContainsAny(arg, "/\\") || strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".json") {
		c, err := casefile.Load(arg)
		return c, nil, err
	}
	return storedCase(ctx, e, arg, db, ketacover.AuditDocument, "letter")
}

// letterFormat picks the output format: the flag, else the output file's
// extension, else text.
func letterFormat(flag, out string) (document.Format, error) {
	if flag != "" {
		f, err := document.ParseFormat(flag)
		if err != nil {
			return "", usagef("--format: %s", ketacover.ErrorMessage(err))
		}
		return f, nil
	}
	switch strings.ToLower(filepath.Ext(out)) {
	case ".pdf":
		return document.FormatPDF, nil
	case ".html", ".htm":
		return document.FormatHTML, nil
	}
	return document.FormatText, nil
}

// readDenial reads --denial FILE: a denial record by its extension, else a
// denial letter (text or PDF) read by the letter reader.
func readDenial(ctx context.Context, name string) (*letter.Denial, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		data, err := os.ReadFile(name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, ketacover.Errorf(ketacover.ENOTFOUND, "--denial %s: no such file", name)
			}
			return nil, fmt.Errorf("read denial record: %w", err)
		}
		return letter.ParseDenial(name, data)
	}
	text, err := denial.LetterText(ctx, name)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "--denial %s: no such file", name)
	case errors.Is(err, denial.ErrNoPDFTool):
		return nil, fmt.Errorf("--denial %s is a PDF: %w", name, err)
	case err != nil:
		return nil, ketacover.Errorf(ketacover.EINVALID, "--denial %s: %v", name, err)
	}
	if strings.TrimSpace(text) == "" {
		return nil, ketacover.Errorf(ketacover.EINVALID, "--denial %s: no text found (a scanned PDF needs OCR first)", name)
	}
	d := letter.FromLetter(denial.ReadLetter(text))
	if err := d.Validate(); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "--denial %s: the letter reader could not find everything a letter needs (%s); write a denial record (.yaml) instead", name, strings.TrimPrefix(ketacover.ErrorMessage(err), "denial: "))
	}
	return &d, nil
}

// writeLetter judges the case, builds the document, writes it and lists
// its blanks. events are a stored case's timeline (nil for a case file).
func writeLetter(e *env, c *ketacover.Case, events []ketacover.Event, opt letterOptions) error {
	lib, err := loadLibrary(opt.Policies)
	if err != nil {
		return err
	}
	asOf, err := serviceDate(e, "", c)
	if err != nil {
		return err
	}
	f, err := policy.NewFacts(c, asOf)
	if err != nil {
		return err
	}
	ds := lib.Check(f, opt.Payer)
	in := letter.Input{Case: c, Events: events, Determination: &ds[0], Denial: opt.Denial, Date: opt.Date, Level: opt.Level, Expedited: opt.Expedited}
	if p, err := lib.Policy(ds[0].Policy.ID); err == nil {
		if v, ok := p.Version(asOf); ok {
			in.PolicyCodes = v.Codes
		}
	}
	w, err := letter.Default()
	if err != nil {
		return err
	}
	doc, err := w.Build(opt.Kind, in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := doc.Render(&buf, opt.Format); err != nil {
		return err
	}
	if err := writeOutput(e, opt.Out, buf.Bytes()); err != nil {
		return err
	}
	blanks := doc.Blanks()
	if len(blanks) == 0 {
		return nil
	}
	// One line per missing fact, with where it first appears: the same
	// fact often shows in a table and again in the prose.
	var order []string
	where, more := map[string]string{}, map[string]int{}
	for _, m := range blanks {
		if _, ok := where[m.Label]; !ok {
			order = append(order, m.Label)
			where[m.Label] = m.Where
			continue
		}
		more[m.Label]++
	}
	fmt.Fprintf(e.stderr, "ketacover letter: the %s has %d blank(s) to fill before it is sent:\n", opt.Kind, len(blanks))
	for _, l := range order {
		s := fmt.Sprintf("  - %s: %s", l, where[l])
		if n := more[l]; n > 0 {
			s += fmt.Sprintf(", and %d more place(s)", n)
		}
		fmt.Fprintln(e.stderr, s)
	}
	return exitStatus(exitMoreInfo)
}

// writeOutput writes b to the file named out, through a temporary file in
// the same folder so that a failure never leaves half a document, or to
// standard output when out is empty.
func writeOutput(e *env, out string, b []byte) error {
	if out == "" || out == "-" {
		_, err := e.stdout.Write(b)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".ketacover-letter-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
