package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/document"
)

// critNode is one node of a determination's criteria tree, rebuilt from
// the flat list (each result carries its depth).
type critNode struct {
	r    ketacover.CriterionResult
	kids []*critNode
}

// criteriaTree rebuilds the tree of cs. The root is a synthetic "all"
// holding the top-level nodes, so a policy with a single criterion and one
// with a list look the same.
func criteriaTree(cs []ketacover.CriterionResult) *critNode {
	root := &critNode{r: ketacover.CriterionResult{Kind: "all", Depth: -1}}
	stack := []*critNode{root}
	for _, c := range cs {
		n := &critNode{r: c}
		for len(stack) > 1 && stack[len(stack)-1].r.Depth >= c.Depth {
			stack = stack[:len(stack)-1]
		}
		parent := stack[len(stack)-1]
		parent.kids = append(parent.kids, n)
		stack = append(stack, n)
	}
	// The policy's own top "all" node carries no criterion of its own:
	// its children are the list a reviewer reads.
	if len(root.kids) == 1 && root.kids[0].r.Kind == "all" {
		return root.kids[0]
	}
	return root
}

// leaves returns every criterion (leaf) under n in policy order.
func (n *critNode) leaves() []ketacover.CriterionResult {
	if n.r.Kind == "criterion" {
		return []ketacover.CriterionResult{n.r}
	}
	var out []ketacover.CriterionResult
	for _, k := range n.kids {
		out = append(out, k.leaves()...)
	}
	return out
}

// Leaves returns every criterion (leaf) of a determination, in policy
// order: what a letter must show one by one.
func Leaves(d *ketacover.Determination) []ketacover.CriterionResult {
	if d == nil {
		return nil
	}
	return criteriaTree(d.Criteria).leaves()
}

func status(r ketacover.Result) document.Status {
	switch r {
	case ketacover.Met:
		return document.StatusMet
	case ketacover.NotMet:
		return document.StatusNotMet
	}
	return document.StatusUnknown
}

func mark(r ketacover.Result) string {
	switch r {
	case ketacover.Met:
		return "✓"
	case ketacover.NotMet:
		return "✗"
	}
	return "?"
}

// groupText is a group's own text, or what it means when the policy gives
// none.
func groupText(r ketacover.CriterionResult) string {
	if strings.TrimSpace(r.Text) != "" {
		return r.Text
	}
	switch r.Kind {
	case "any":
		return "Any one of the following"
	case "not":
		return "None of the following"
	}
	return "All of the following"
}

// checklist lists every criterion of the determination with its section,
// its result and the case facts that meet it (or what is missing). A group
// of alternatives ("any") is one row whose facts are its options, so that
// every criterion's text appears; when the group is met only the options
// that meet it are shown. extra adds facts to a row (the packet's
// attachment numbers).
func (b *builder) checklist(caption string, extra func([]ketacover.CriterionResult) []document.Text) document.Checklist {
	cl := document.Checklist{Caption: caption}
	for _, n := range b.crit.kids {
		cl.Items = append(cl.Items, b.item(n, extra))
	}
	if b.crit.r.Kind == "criterion" { // a policy that is one criterion
		cl.Items = append(cl.Items, b.item(b.crit, extra))
	}
	return cl
}

func (b *builder) item(n *critNode, extra func([]ketacover.CriterionResult) []document.Text) document.Criterion {
	r := n.r
	it := document.Criterion{Status: status(r.Result), Section: r.Section}
	if r.Kind == "criterion" {
		it.Text = document.PlainText(r.Text)
		it.Facts = b.leafFacts(r)
	} else {
		it.Text = document.PlainText(groupText(r))
		it.Facts = b.groupFacts(n, "")
	}
	if extra != nil {
		it.Facts = append(it.Facts, extra(n.leaves())...)
	}
	return it
}

// leafFacts are the case facts a criterion read, and a blank for each fact
// it needs that the case lacks.
func (b *builder) leafFacts(r ketacover.CriterionResult) []document.Text {
	var out []document.Text
	for _, f := range factText(r.Reason) {
		if r.Result == ketacover.Met && strings.HasSuffix(f, " not recorded") {
			continue // a fact the criterion turned out not to need
		}
		out = append(out, document.PlainText(f))
	}
	if r.Result == ketacover.Unknown {
		for _, m := range r.Missing {
			out = append(out, document.Text{document.Blank(b.missingLabel(m))})
		}
	}
	if len(out) == 0 {
		out = append(out, document.Text{document.Blank("the record that shows this criterion is met")})
	}
	return out
}

// groupFacts lists a group's options as facts, indented by depth: each
// with its mark, its full text, its section when it differs from the
// group's, and the facts that decide it. When a group of alternatives is
// met, the options that did not decide it are listed after as also
// accepted, so that every criterion's text still appears.
func (b *builder) groupFacts(n *critNode, indent string) []document.Text {
	var out []document.Text
	met := n.r.Result == ketacover.Met && n.r.Kind == "any"
	option := func(k *critNode, mk string) document.Text {
		text := strings.TrimSuffix(k.r.Text, ".")
		if k.r.Kind != "criterion" {
			text = groupText(k.r)
		}
		// A criterion's text is the policy's (paraphrased) words and is
		// shown as written, capital included.
		line := document.Text{document.Plain(fmt.Sprintf("%s%s %s", indent, mk, text))}
		if k.r.Section != "" && k.r.Section != n.r.Section {
			line = append(line, document.Plain(" ("+k.r.Section+")"))
		}
		return line
	}
	var rest []*critNode
	for _, k := range n.kids {
		if met && k.r.Result != ketacover.Met {
			rest = append(rest, k)
			continue
		}
		line := option(k, mark(k.r.Result))
		if k.r.Kind != "criterion" {
			out = append(out, append(line, document.Plain(":")))
			out = append(out, b.groupFacts(k, indent+"  ")...)
			continue
		}
		var facts []string
		for _, f := range factText(k.r.Reason) {
			if k.r.Result == ketacover.Met && strings.HasSuffix(f, " not recorded") {
				continue
			}
			facts = append(facts, lowerFirst(f))
		}
		if len(facts) > 0 {
			line = append(line, document.Plain(": "+strings.Join(facts, "; ")))
		}
		if k.r.Result == ketacover.Unknown {
			for _, m := range k.r.Missing {
				line = append(line, document.Plain("; "), document.Blank(b.missingLabel(m)))
			}
		}
		out = append(out, line)
	}
	// The options that did not decide a met group of alternatives: the
	// policy accepts any one, so they are named, not argued.
	for _, k := range rest {
		out = append(out, option(k, "also accepted:"))
		if k.r.Kind != "criterion" {
			for _, l := range k.leaves() {
				out = append(out, document.PlainText(indent+"  also accepted: "+strings.TrimSuffix(l.Text, ".")))
			}
		}
	}
	return out
}

// policyLabel names a policy version for a letter: `RX501.105 "Esketamine
// Nasal Spray" (revised January 1, 2026)`.
func policyLabel(p ketacover.PolicyRef) string {
	var b strings.Builder
	if p.Number != "" {
		b.WriteString(p.Number + " ")
	}
	fmt.Fprintf(&b, "“%s”", p.Title)
	if p.Revised != "" {
		fmt.Fprintf(&b, " (%s)", revisedWords(p))
	}
	return b.String()
}

// revisedWords says which revision of a policy was read.
func revisedWords(p ketacover.PolicyRef) string {
	if p.Effective != nil {
		return "effective " + long(*p.Effective)
	}
	return "revised " + revisedText(p.Revised)
}

// decisive returns the criteria that decide the outcome and are not met
// (notMet) or not known (unknown): a criterion under a group of
// alternatives that is already met does not count, and one under a group
// that is not met counts only through the group.
func (b *builder) decisive() (notMet, unknown []*critNode) {
	var walk func(n *critNode)
	walk = func(n *critNode) {
		for _, k := range n.kids {
			switch {
			case k.r.Result == ketacover.Met:
				continue
			case k.r.Kind == "criterion" || k.r.Kind == "any" || k.r.Kind == "not":
				if k.r.Result == ketacover.NotMet {
					notMet = append(notMet, k)
				} else {
					unknown = append(unknown, k)
				}
			default:
				walk(k)
			}
		}
	}
	if b.crit == nil {
		return nil, nil
	}
	if b.crit.r.Kind == "criterion" {
		if b.crit.r.Result == ketacover.NotMet {
			return []*critNode{b.crit}, nil
		} else if b.crit.r.Result == ketacover.Unknown {
			return nil, []*critNode{b.crit}
		}
		return nil, nil
	}
	walk(b.crit)
	return notMet, unknown
}

// missingOf lists the blanks for the facts an undecided node needs.
func (b *builder) missingOf(n *critNode) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range n.leaves() {
		if l.Result != ketacover.Unknown {
			continue
		}
		for _, m := range l.Missing {
			lab := b.missingLabel(m)
			if !seen[lab] {
				seen[lab] = true
				out = append(out, lab)
			}
		}
	}
	return out
}

// shortText is a criterion's text cut to its first sentence, for prose.
func shortText(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}
