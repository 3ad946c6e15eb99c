package crd

import (
	"strings"

	"github.com/ketacover/ketacover"
)

// systemCardType is the CDS Hooks card type code system the CRD guide uses
// for card topics (shared/reference/standards.md §1.1; the sample response
// uses it).
const systemCardType = "http://terminology.hl7.org/CodeSystem/cdshooks-card-type"

const disclaimer = "_Coverage guidance from the payer's published policy as ketacover reads it; the payer's own decision governs. Not medical or legal advice._"

// cards returns the cards for the clinician where something needs doing:
// documentation to gather, a prior authorization to request, or an order
// the policy does not cover. Coverage itself travels only in the system
// action (CRD resp-25). "info" is used throughout except for a likely
// denial, which is a reimbursement risk ("warning"); never "critical".
func (s *Server) cards(a *assessment) []Card {
	d := a.d
	drug := therapyName(a.c.Therapy.Drug)
	var b strings.Builder
	card := Card{Indicator: "info", Source: Source{Label: s.cfg.Label, Topic: &Coding{System: systemCardType, Code: "guideline", Display: "Guideline"}}}
	switch {
	case a.covered == "not-covered":
		card.Indicator = "warning"
		card.Summary = drug + " is likely not covered by " + payerName(a) + " for this patient"
		b.WriteString(d.Verdict)
		b.WriteString("\n\n")
		for _, cr := range d.Criteria {
			if cr.Kind == "criterion" && cr.Result == ketacover.NotMet {
				b.WriteString("- Not met: ")
				b.WriteString(cr.Text)
				b.WriteString(section(cr.Section))
				b.WriteString("\n")
			}
		}
		if len(d.Alternatives) > 0 {
			b.WriteString("\nAlternatives:\n")
			for _, alt := range d.Alternatives {
				b.WriteString("- ")
				b.WriteString(alt)
				b.WriteString("\n")
			}
		}
	case a.form != nil:
		card.Summary = "Documentation needed for " + payerName(a) + " coverage of " + drug
		b.WriteString(d.Verdict)
		b.WriteString("\n\nQuestions still open (DTR questionnaire ")
		b.WriteString(a.form.Canonical())
		b.WriteString("):\n")
		for _, q := range d.Questions {
			b.WriteString("- ")
			b.WriteString(q.Text)
			b.WriteString("\n")
		}
	case a.paNeeded == "auth-needed":
		card.Summary = "Prior authorization required by " + payerName(a) + " for " + drug + "; the criteria appear met"
		b.WriteString(d.Verdict)
		b.WriteString("\n")
		if len(d.Evidence) > 0 {
			b.WriteString("\nAttach to the request:\n")
			for _, e := range d.Evidence {
				b.WriteString("- ")
				b.WriteString(e)
				b.WriteString("\n")
			}
		}
	case a.covered == "indeterminate":
		card.Summary = "No " + payerName(a) + " policy for " + drug + " on file; check coverage with the payer"
		b.WriteString(d.Verdict)
		b.WriteString("\n")
	default:
		return nil
	}
	if a.c.Therapy.Drug == ketacover.TherapyKetamineIV {
		b.WriteString("\nIV ketamine is FDA-approved only as an anesthetic; its use for depression is off-label.\n")
	}
	b.WriteString("\n")
	b.WriteString(disclaimer)
	card.Summary = clip(card.Summary, 139)
	card.Detail = b.String()
	for _, src := range a.d.Policy.Sources {
		if src.URL != "" && len(card.Links) < 3 {
			card.Links = append(card.Links, Link{Label: clip(firstNonEmpty(src.Title, "Payer policy"), 100), URL: src.URL, Type: "absolute"})
		}
	}
	// The associated resource is the order the system action updates (for
	// an appointment with no code of its own, the order it is based on).
	card.Extension = map[string]any{"davinci-crd.associated-resource": []any{map[string]string{"reference": a.order.Ref()}}}
	return []Card{card}
}

func therapyName(t ketacover.Therapy) string {
	if t == ketacover.TherapyEsketamine {
		return "Esketamine (Spravato)"
	}
	return "IV ketamine"
}

func payerName(a *assessment) string {
	if a.payer != "" {
		return a.payer
	}
	return "the payer"
}

func section(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
