package trials

import (
	"fmt"
	"strings"
)

// Text renders matches as a plain-text list, nearest first: distance, NCT
// number, status, title, the nearest site and a contact, and the study page
// address. It ends with the caveat that the study team decides eligibility.
func Text(ms []Match) string {
	var b strings.Builder
	if len(ms) == 0 {
		b.WriteString("No studies match.\n")
	}
	for _, m := range ms {
		p := &m.Study.Protocol
		dist := "distance unknown"
		if m.Miles >= 0 {
			dist = fmt.Sprintf("%.1f mi", m.Miles)
		}
		fmt.Fprintf(&b, "%s  %s  %s\n", m.Study.NCTID(), p.Status.OverallStatus, p.Identification.BriefTitle)
		var where []string
		if s := m.Site; s != nil {
			for _, x := range []string{s.Facility, s.City, s.State, s.Zip} {
				if x != "" {
					where = append(where, x)
				}
			}
		}
		if len(where) > 0 {
			fmt.Fprintf(&b, "  %s: %s\n", dist, strings.Join(where, ", "))
		}
		var iv []string
		for _, x := range p.ArmsInterventions.Interventions {
			iv = append(iv, x.Name)
		}
		if len(iv) > 0 {
			fmt.Fprintf(&b, "  interventions: %s\n", strings.Join(iv, ", "))
		}
		if e := p.Eligibility; e.MinimumAge != "" || e.MaximumAge != "" {
			fmt.Fprintf(&b, "  ages: %s to %s\n", orAny(e.MinimumAge), orAny(e.MaximumAge))
		}
		if c := contact(m); c != "" {
			fmt.Fprintf(&b, "  contact: %s\n", c)
		}
		fmt.Fprintf(&b, "  https://clinicaltrials.gov/study/%s\n", m.Study.NCTID())
	}
	b.WriteString("\nA trial may give a placebo, and the study team decides who is eligible. Not medical advice.\n")
	return b.String()
}

func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}

// contact returns the nearest site's first contact, else the study's.
func contact(m Match) string {
	var cs []Contact
	if m.Site != nil {
		cs = m.Site.Contacts
	}
	if len(cs) == 0 {
		cs = m.Study.Protocol.ContactsLocations.CentralContacts
	}
	for _, c := range cs {
		var parts []string
		for _, x := range []string{c.Name, c.Phone, c.Email} {
			if x != "" {
				parts = append(parts, x)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, ", ")
		}
	}
	return ""
}
