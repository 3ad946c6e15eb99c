package letter

import (
	"regexp"
	"slices"
	"sort"
	"strconv"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/evidence"
)

// The purposes a letter cites evidence for, as the evidence library's
// topic words (evidence/data/*.yaml).
const (
	topicEfficacy    = "efficacy"
	topicMaintenance = "maintenance"
	topicApproval    = "fda-approval"
	topicREMS        = "rems"
	topicMonotherapy = "monotherapy"
	topicGuideline   = "guideline"
	topicOffLabel    = "off-label"
)

// support returns the evidence claims about the case's therapy and
// indication that carry topic, strongest first (see rank).
func (b *builder) support(topic string) []evidence.Match {
	t := b.c.Therapy
	ms := b.w.ev.Find(evidence.Query{Therapy: t.Drug, Indication: t.Indication, Topic: topic})
	var out []evidence.Match
	for _, m := range ms {
		if topic == topicGuideline && len(m.Claim.Topics) < 2 {
			// A claim that only says a guideline exists says nothing about
			// this therapy, so it supports no argument.
			continue
		}
		out = append(out, m)
	}
	rank(out)
	return out
}

// efficacy returns the efficacy claims, and for a continuation request (or
// a course with maintenance) the relapse-prevention ones after them.
func (b *builder) efficacy() []evidence.Match {
	out := b.support(topicEfficacy)
	if b.continuing() {
		for _, m := range b.support(topicMaintenance) {
			if !containsMatch(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// continuing reports whether treatment goes past the induction: a
// continuation request, or a course longer than 8 weeks.
func (b *builder) continuing() bool {
	t := b.c.Therapy
	if t.Continuation != nil && *t.Continuation {
		return true
	}
	n, ok := b.sessions()
	return ok && n > 8
}

func containsMatch(ms []evidence.Match, m evidence.Match) bool {
	return slices.ContainsFunc(ms, func(x evidence.Match) bool { return x.Entry.ID == m.Entry.ID && x.Claim.ID == m.Claim.ID })
}

// sizeRE finds the number of patients a claim reports, "n=676".
var sizeRE = regexp.MustCompile(`\bn\s*[=≈]\s*(\d+)`)

// size is the number of patients a claim's study enrolled, or 0 when the
// claim does not say.
func size(m evidence.Match) int {
	if s := sizeRE.FindStringSubmatch(m.Claim.Text); s != nil {
		n, _ := strconv.Atoi(s[1])
		return n
	}
	return 0
}

// rank orders claims strongest first, by a rule a reader can check:
// regulatory facts (an FDA approval settles whether a use is on-label),
// then trials and reviews by the number of patients they report, largest
// first; claims that report no number keep library order after them.
func rank(ms []evidence.Match) {
	sort.SliceStable(ms, func(i, j int) bool {
		ri, rj := ms[i].Entry.Kind == evidence.KindRegulatory, ms[j].Entry.Kind == evidence.KindRegulatory
		if ri != rj {
			return ri
		}
		return size(ms[i]) > size(ms[j])
	})
}

// strongest returns up to n distinct entries' claims for a peer-to-peer
// call: the claims that answer the denial's classes first, then efficacy.
// An off-label statement is a concession, not support, so it is left out.
func (b *builder) strongest(n int) []evidence.Match {
	var pool []evidence.Match
	addAll := func(ms []evidence.Match) {
		for _, m := range ms {
			if slices.Contains(m.Claim.Topics, topicOffLabel) {
				continue
			}
			if !slices.ContainsFunc(pool, func(x evidence.Match) bool { return x.Entry.ID == m.Entry.ID }) {
				pool = append(pool, m)
			}
		}
	}
	if b.den != nil && b.den.has("experimental-investigational") && b.c.Therapy.Drug == ketacover.TherapyEsketamine {
		addAll(b.support(topicApproval))
	}
	addAll(b.efficacy())
	addAll(b.support(topicGuideline))
	if len(pool) > n {
		pool = pool[:n]
	}
	return pool
}

// containsTopic reports whether the claim of m carries topic t.
func containsTopic(m evidence.Match, t string) bool { return slices.Contains(m.Claim.Topics, t) }
