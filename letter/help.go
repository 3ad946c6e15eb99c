package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/contacts"
	"github.com/ketacover/ketacover/document"
)

// helpState is the state whose help applies: the state whose law governs
// the plan, else the patient's.
func (b *builder) helpState() string {
	if s := b.c.Plan.State; s != "" {
		return s
	}
	return b.c.Patient.State
}

// helpSection adds, on a page of its own, who regulates the patient's plan
// and where free help is, from the contacts directory, with every gap
// shown (contacts.Text renders the same Help for the command line).
func (b *builder) helpSection() {
	b.add(document.PageBreak{})
	b.heading(1, "For "+firstNonEmpty(b.c.Patient.Name, "the patient")+": where to get help")
	b.para(document.Plain("This page is for the patient's copy; it need not be sent to the plan. If the plan upholds its decision, or you have a question about your rights, the offices below can help. Keep a copy of this letter, of every notice from the plan and of anything you send."))
	state := b.helpState()
	if state == "" {
		b.para(document.Plain("Who regulates the plan and where to find free help depend on the state: "), document.Blank("patient's state"), document.Plain("."))
		return
	}
	h, err := b.w.help.Resolve(state, b.c.Plan.Type)
	if err != nil {
		msg := ketacover.ErrorMessage(err)
		if ketacover.ErrorCode(err) == ketacover.ENOTFOUND {
			msg = "its directory has no entry for " + state
		}
		b.para(document.Plain(fmt.Sprintf("ketacover cannot list help contacts here: %s. Ask the plan's member services who regulates the plan, and look for the state's consumer assistance program.", msg)))
		b.para(document.Plain(contacts.Disclaimer))
		return
	}
	b.para(document.Plain(fmt.Sprintf("For a %s in %s:", h.PlanName, h.StateName)))
	for _, n := range h.Notes {
		b.para(document.Plain(n))
	}
	entries := func(title string, es []contacts.Entry) {
		if len(es) == 0 {
			return
		}
		b.heading(2, title)
		var items []document.Text
		for _, e := range es {
			t := document.Text{document.Strong(e.Name), document.Plain(". ")}
			if e.AppliesTo != "" {
				t = append(t, document.Plain("For "+strings.TrimSuffix(e.AppliesTo, ".")+". "))
			}
			phone := "Phone " + e.Phone
			if e.TTY != "" {
				phone += " (TTY " + e.TTY + ")"
			}
			t = append(t, document.Plain(phone+"; "+e.Website+". "+e.Why+" "),
				document.Emph(fmt.Sprintf("Source: %s, read %s.", e.Source, long(e.Seen))))
			items = append(items, t)
		}
		b.add(document.List{Items: items})
	}
	entries("Who regulates the plan and takes complaints", h.Regulators)
	entries("Free help", h.Assistance)
	if len(h.Gaps) > 0 {
		b.heading(2, "Not in ketacover's data")
		var items []document.Text
		for _, g := range h.Gaps {
			what := g.Reason
			switch {
			case g.NotApplicable:
				what = "none in this state: " + g.Reason
			case what == "" || what == "not yet sourced":
				what = "not yet sourced: no telephone number could be confirmed from an official page, so none is shown"
			case !strings.HasPrefix(what, "not yet sourced"):
				what = "not yet sourced: " + what
			}
			t := document.Text{document.Plain(capital(contacts.RoleName(g.Role)) + ": " + strings.TrimSuffix(what, ".") + ".")}
			if g.Source != "" {
				t = append(t, document.Plain(" "), document.Emph("Source: "+g.Source+"."))
			}
			items = append(items, t)
		}
		b.add(document.List{Items: items})
	}
	b.para(document.Plain(contacts.Disclaimer))
}
