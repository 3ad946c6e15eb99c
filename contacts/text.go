package contacts

import (
	"fmt"
	"strings"
)

// Text renders h as plain text for a person: who regulates the plan, where
// free help is, what is not yet in our data (shown, never hidden), and the
// disclaimer. Letters and the CLI use it; the web renders the same Help.
func Text(h Help) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Where to get help: %s, %s\n", h.StateName, h.PlanName)
	for _, n := range h.Notes {
		b.WriteString("\n")
		b.WriteString(wrap(n, 78, ""))
	}
	section := func(title string, es []Entry) {
		if len(es) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, e := range es {
			fmt.Fprintf(&b, "\n  %s\n", e.Name)
			if e.AppliesTo != "" {
				b.WriteString(wrap("For: "+e.AppliesTo, 78, "    "))
			}
			fmt.Fprintf(&b, "    Phone:   %s", e.Phone)
			if e.TTY != "" {
				fmt.Fprintf(&b, " (TTY %s)", e.TTY)
			}
			b.WriteString("\n")
			fmt.Fprintf(&b, "    Website: %s\n", e.Website)
			b.WriteString(wrap(e.Why, 78, "    "))
			fmt.Fprintf(&b, "    Source:  %s (read %s)\n", e.Source, e.Seen)
		}
	}
	section("Who regulates your plan and takes complaints", h.Regulators)
	section("Free help", h.Assistance)
	if len(h.Gaps) > 0 {
		b.WriteString("\nNot in our data\n")
		for _, g := range h.Gaps {
			what := g.Reason
			switch {
			case g.NotApplicable:
				what = "none in this state: " + g.Reason
			case what == "" || what == "not yet sourced":
				what = "not yet sourced: we could not confirm a phone number from an official page, so none is shown"
			case !strings.HasPrefix(what, "not yet sourced"):
				what = "not yet sourced: " + what
			}
			b.WriteString(hang("  - "+capitalize(roleName(g.Role))+": "+what, 78, "    "))
			if g.Source != "" {
				fmt.Fprintf(&b, "    Source:  %s\n", g.Source)
			}
		}
	}
	b.WriteString("\n")
	b.WriteString(wrap(Disclaimer, 78, ""))
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// wrap breaks s into lines of at most width columns, each starting with
// indent, and ends it with a newline.
func wrap(s string, width int, indent string) string { return hang(indent+s, width, indent) }

// hang wraps s (which carries its own first-line indent) at width columns,
// starting continuation lines with indent.
func hang(s string, width int, indent string) string {
	lead := len(s) - len(strings.TrimLeft(s, " "))
	var b strings.Builder
	line, start := s[:lead], lead
	for _, w := range strings.Fields(s) {
		if len(line) > start && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line, start = indent, len(indent)
		}
		if len(line) > start {
			line += " "
		}
		line += w
	}
	b.WriteString(line + "\n")
	return b.String()
}
