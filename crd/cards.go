package crd

import (
	"fmt"
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
		card.Summary = fmt.Sprintf("%s is likely not covered by %s for this patient", drug, payerName(a))
		fmt.Fprintf(&b, "%s\n\n", d.Verdict)
		for _, cr := range d.Criteria {
			if cr.Kind == "criterion" && cr.Result == ketacover.NotMet {
				fmt.Fprintf(&b, "- Not met: %s%s\n", cr.Text, section(cr.Section))
			}
		}
		if len(d.Alternatives) > 0 {
			b.WriteString("\nAlternatives:\n")
			for _, alt := range d.Alternatives {
				fmt.Fprintf(&b, "- %s\n", alt)
			}
		}
	case a.form != nil:
		card.Summary = fmt.Sprintf("Documentation needed for %s coverage of %s", payerName(a), drug)
		fmt.Fprintf(&b, "%s\n\nQuestions still open (DTR questionnaire %s):\n", d.Verdict, a.form.Canonical())
		for _, q := range d.Questions {
			fmt.Fprintf(&b, "- %s\n", q.Text)
		}
	case a.paNeeded == "auth-needed":
		card.Summary = fmt.Sprintf("Prior authorization required by %s for %s; the criteria appear met", payerName(a), drug)
		fmt.Fprintf(&b, "%s\n", d.Verdict)
		if len(d.Evidence) > 0 {
			b.WriteString("\nAttach to the request:\n")
			for _, e := range d.Evidence {
				fmt.Fprintf(&b, "- %s\n", e)
			}
		}
	case a.covered == "indeterminate":
		card.Summary = fmt.Sprintf("No %s policy for %s on file; check coverage with the payer", payerName(a), drug)
		fmt.Fprintf(&b, "%s\n", d.Verdict)
	default:
		return nil
	}
	if a.c.Therapy.Drug == ketacover.TherapyKetamineIV {
		b.WriteString("\nIV ketamine is FDA-approved only as an anesthetic; its use for depression is off-label.\n")
	}
	b.WriteString("\n" + disclaimer)
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
