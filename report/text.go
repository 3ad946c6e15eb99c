// Package report renders determinations for people: the plain text that
// `ketacover check` prints.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ketacover/ketacover"
)

// Disclaimer is printed under every determination a person reads.
const Disclaimer = "Not medical or legal advice. ketacover compares the facts you gave with the payer's published criteria; only the payer decides coverage."

// TherapyFact is the one-line regulatory status of a therapy, never
// overstated. Sources: FDA approvals of Spravato (NDA 211243: TRD
// 2019-03-05, MDSI 2020, monotherapy for TRD 2025-01-17) and Ketalar's
// labeling as an anesthetic only (shared/reference/payer-policies.md §4).
func TherapyFact(t ketacover.Therapy) string {
	if t == ketacover.TherapyKetamineIV {
		return "IV ketamine is FDA-approved only as an anesthetic; its use for depression is off-label, and most payers treat it as investigational."
	}
	return "Esketamine (Spravato) is FDA-approved for treatment-resistant depression and for depressive symptoms in MDD with acute suicidal ideation or behavior, given in a REMS-certified setting."
}

// TherapyName names a therapy and indication in words.
func TherapyName(t ketacover.Therapy, ind ketacover.Indication) string {
	name := "Esketamine (Spravato)"
	if t == ketacover.TherapyKetamineIV {
		name = "IV ketamine"
	}
	switch ind {
	case ketacover.IndicationTRD:
		return name + " for treatment-resistant depression"
	case ketacover.IndicationMDSI:
		return name + " for MDD with acute suicidal ideation or behavior"
	}
	return name
}

// Mark is the symbol of a result.
func Mark(r ketacover.Result) string {
	switch r {
	case ketacover.Met:
		return "✓"
	case ketacover.NotMet:
		return "✗"
	}
	return "?"
}

// Headline is the short name of an outcome.
func Headline(o ketacover.Outcome) string {
	switch o {
	case ketacover.OutcomeMeets:
		return "MEETS CRITERIA"
	case ketacover.OutcomeDoesNotMeet:
		return "DOES NOT MEET CRITERIA"
	case ketacover.OutcomeInfoNeeded:
		return "MORE INFORMATION NEEDED"
	case ketacover.OutcomeNotCovered:
		return "NOT COVERED BY POLICY"
	case ketacover.OutcomeNoPolicy:
		return "NO POLICY ON FILE"
	}
	return strings.ToUpper(string(o))
}

// Text writes the determinations for one case as readable text.
func Text(w io.Writer, c *ketacover.Case, payer string, ds []ketacover.Determination) error {
	var b strings.Builder
	if payer == "" {
		payer = c.Plan.Payer
	}
	asOf := ""
	if len(ds) > 0 {
		asOf = ds[0].AsOf.String()
	}
	fmt.Fprintf(&b, "%s · %s · %s · date of service %s\n", TherapyName(c.Therapy.Drug, c.Therapy.Indication), payer, c.Plan.Type, asOf)
	fmt.Fprintf(&b, "%s\n", wrap(TherapyFact(c.Therapy.Drug), 0))
	for _, d := range ds {
		b.WriteString("\n")
		writeDetermination(&b, d)
	}
	fmt.Fprintf(&b, "\n%s\n", wrap(Disclaimer, 0))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDetermination(b *strings.Builder, d ketacover.Determination) {
	fmt.Fprintf(b, "%s\n%s\n", Headline(d.Outcome), wrap(d.Verdict, 0))
	p := d.Policy
	if p.ID != "" {
		if p.Reference {
			fmt.Fprintf(b, "  Reference profile %s (%s) — not any payer's policy\n", p.ID, p.Title)
		} else {
			fmt.Fprintf(b, "  Policy %s · %s · revised %s (%s)\n", p.ID, p.Title, p.Revised, p.RevisedBasis)
		}
		for _, s := range p.Sources {
			kind := "payer's own document"
			if s.Provenance == "secondary" {
				kind = "third-party summary"
			}
			fmt.Fprintf(b, "  Source (%s): %s\n", kind, s.URL)
		}
		if p.PriorAuth != "" && !p.Reference {
			fmt.Fprintf(b, "  Prior authorization: %s\n", p.PriorAuth)
		}
		if p.StanceText != "" && p.Stance != ketacover.StanceCovered {
			fmt.Fprintf(b, "  Policy statement: %s\n", p.StanceText)
		}
	}
	if len(d.Criteria) > 0 {
		b.WriteString("\nCriteria\n")
		for _, c := range d.Criteria {
			indent := strings.Repeat("  ", c.Depth+1)
			text := c.Text
			if c.Section != "" {
				text += " [" + c.Section + "]"
			}
			fmt.Fprintf(b, "%s%s %s\n", indent, Mark(c.Result), wrap(text, len(indent)+2))
			if c.Reason != "" {
				fmt.Fprintf(b, "%s    %s\n", indent, wrap(c.Reason, len(indent)+4))
			}
		}
	}
	list(b, "Questions to answer", questions(d.Questions), true)
	list(b, "Documents a reviewer will expect", d.Evidence, false)
	list(b, "Facts not recorded", d.Missing, false)
	list(b, "Limits", d.Limits, false)
	list(b, "Alternatives", d.Alternatives, false)
	list(b, "Notes", d.Notes, false)
}

func questions(qs []ketacover.Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Text
	}
	return out
}

func list(b *strings.Builder, title string, items []string, numbered bool) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	for i, it := range items {
		mark := "-"
		if numbered {
			mark = fmt.Sprintf("%d.", i+1)
		}
		fmt.Fprintf(b, "  %s %s\n", mark, wrap(it, 3+len(mark)))
	}
}

// wrap folds s at 100 columns, indenting continuation lines by indent.
func wrap(s string, indent int) string {
	const width = 100
	words := strings.Fields(s)
	var b strings.Builder
	col := indent
	for i, w := range words {
		n := len([]rune(w))
		if i > 0 && col+1+n > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = indent
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
	}
	return b.String()
}
