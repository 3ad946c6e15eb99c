package policy

import "github.com/ketacover/ketacover"

// texts are the parts of a determination that depend on the policy alone
// (its name, provenance notes and limits), written once when the policy is
// compiled rather than on every judgment: they were a third of the
// allocations of judging a case against one policy.
type texts struct {
	versions []versionText                       // by version index
	limits   map[*ketacover.Coverage][]string    // a coverage's limits, each with its section
	auths    map[*ketacover.Authorization]string // an authorization in words, with its section
}

// versionText is what a determination says about one version.
type versionText struct {
	name  string   // policyName
	notes []string // provenanceNotes; a determination gets a copy
}

// writeTexts makes c's texts.
func (c *Compiled) writeTexts() {
	t := texts{
		versions: make([]versionText, len(c.Versions)),
		limits:   map[*ketacover.Coverage][]string{},
		auths:    map[*ketacover.Authorization]string{},
	}
	auth := func(a *ketacover.Authorization) {
		if a != nil {
			t.auths[a] = withSection(authorizationText(a), a.Section)
		}
	}
	for i := range c.Versions {
		v := &c.Versions[i]
		t.versions[i] = versionText{name: policyName(c, v), notes: provenanceNotes(c, v)}
		for j := range v.Coverage {
			cov := &v.Coverage[j]
			var lims []string
			for _, lim := range cov.Limits {
				lims = append(lims, withSection(lim.Text, lim.Section))
			}
			t.limits[cov] = lims
			auth(cov.Authorization)
			if cov.Continuation != nil {
				auth(cov.Continuation.Authorization)
			}
		}
	}
	c.texts = t
}

// versionText returns the texts of v, a version of c.
func (c *Compiled) versionText(v *ketacover.Version) versionText {
	for i := range c.texts.versions {
		if &c.Versions[i] == v {
			return c.texts.versions[i]
		}
	}
	return versionText{name: policyName(c, v), notes: provenanceNotes(c, v)}
}

// limitsText returns the limits of a coverage of c, then its
// authorization (a, which may be the continuation's), each with its
// section; nil when there are none.
func (c *Compiled) limitsText(cov *ketacover.Coverage, a *ketacover.Authorization) []string {
	lims, ok := c.texts.limits[cov]
	if !ok {
		for _, lim := range cov.Limits {
			lims = append(lims, withSection(lim.Text, lim.Section))
		}
	}
	n := len(lims)
	if a != nil {
		n++
	}
	if n == 0 {
		return nil
	}
	out := make([]string, len(lims), n)
	copy(out, lims)
	if a != nil {
		s, ok := c.texts.auths[a]
		if !ok {
			s = withSection(authorizationText(a), a.Section)
		}
		out = append(out, s)
	}
	return out
}
