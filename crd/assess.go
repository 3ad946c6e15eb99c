package crd

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/fhir"
	"github.com/ketacover/ketacover/internal/jsonscan"
	"github.com/ketacover/ketacover/policy"
)

// extCoverageInformation is the CRD Coverage Information extension
// (shared/reference/standards.md §1.1; CoverageInformation.fsh).
const extCoverageInformation = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"

// assessment is one order judged: the determination and the coverage
// assertion made from it.
type assessment struct {
	order     *fhir.Order
	c         *ketacover.Case
	d         ketacover.Determination
	form      *fhir.Form // the DTR form, when documentation is asked for
	id        string     // coverage-assertion-id
	asOf      ketacover.Date
	payer     string
	secondary bool

	covered    string   // covered | not-covered | conditional | indeterminate
	paNeeded   string   // no-auth | auth-needed | conditional | indeterminate, "" for none
	docNeeded  []string // clinical | admin | patient | conditional | indeterminate
	docPurpose []string // withpa | withclaim | withorder | retain-doc | OTH
	infoNeeded []string // performer | location | timeframe | contract-window | detail-code | OTH
}

// caseBases reads a record's case without its order once for each date
// of service of a call's orders (most often one date for all of them).
type caseBases struct {
	rec   *fhir.Record
	dates []ketacover.Date
	bases []*fhir.CaseBase
}

func (cb *caseBases) at(asOf ketacover.Date) *fhir.CaseBase {
	if i := slices.Index(cb.dates, asOf); i >= 0 {
		return cb.bases[i]
	}
	b := cb.rec.Base(asOf)
	cb.dates = append(cb.dates, asOf)
	cb.bases = append(cb.bases, b)
	return b
}

// assess judges one order for the patient whose record bases reads.
func (s *Server) assess(bases *caseBases, cov *coverageInfo, o *fhir.Order, hookInstance string, secondary bool) *assessment {
	asOf := ketacover.DateOf(s.cfg.Now())
	if o.Start != nil {
		asOf = *o.Start
	}
	c, _ := bases.at(asOf).For(o)
	if cov.payer != "" {
		c.Plan.Payer = cov.payer
	}
	if cov.planType != "" {
		c.Plan.Type = cov.planType
	}
	a := &assessment{order: o, c: c, asOf: asOf, payer: c.Plan.Payer, secondary: secondary}
	sum := sha256.Sum256([]byte(hookInstance + "\x00" + o.Ref()))
	a.id = "ketacover-" + hex.EncodeToString(sum[:8])
	a.d = judge(s.cfg.Library, c, asOf)
	a.decide(s.cfg.BaseURL)
	if a.form != nil {
		// The session outlives the call: it keeps its own copy of the
		// order's JSON, which points into the request body.
		oc := *o
		oc.Raw = bytes.Clone(o.Raw)
		s.sessions.put(a.id, &session{c: c, asOf: asOf, order: &oc})
	}
	return a
}

// judge evaluates the case and returns the most favourable determination
// (policy.Check sorts them so).
func judge(lib *policy.Library, c *ketacover.Case, asOf ketacover.Date) ketacover.Determination {
	f, err := policy.NewFacts(c, asOf)
	if err != nil {
		return ketacover.Determination{Outcome: ketacover.OutcomeNoPolicy, Verdict: "The case could not be evaluated: " + err.Error(), AsOf: asOf}
	}
	f.NoReasons = true // cards and the DTR questionnaire show none
	d := lib.Check(f, "")[0]
	f.Release()
	return d
}

// decide maps the determination to CRD's coverage assertion codes,
// keeping the extension's invariants: questionnaire needs doc-needed,
// not-covered has no pa-needed, info-needed exactly when something is
// conditional. On a secondary hook (order-select) no documentation is
// asked for (CRD hook-19).
func (a *assessment) decide(base string) {
	d := a.d
	required := d.Policy.PriorAuth == "required"
	pa := "indeterminate"
	switch d.Policy.PriorAuth {
	case "required":
		pa = "auth-needed"
	case "not-required":
		pa = "no-auth"
	}
	switch d.Outcome {
	case ketacover.OutcomeMeets:
		a.covered, a.paNeeded = "covered", pa
		if required && !a.secondary {
			a.docNeeded, a.docPurpose = []string{"clinical"}, []string{"withpa"}
		}
	case ketacover.OutcomeInfoNeeded:
		a.covered, a.paNeeded = "conditional", pa
		a.infoNeeded = []string{"OTH"}
		if !a.secondary {
			a.docNeeded = []string{"clinical"}
			if required {
				a.docPurpose = []string{"withpa"}
			} else {
				a.docPurpose = []string{"withorder"}
			}
			a.form = fhir.NewForm(base, a.c, &a.d)
			if len(a.form.Facts) == 0 {
				a.form = nil
			}
		}
	case ketacover.OutcomeDoesNotMeet, ketacover.OutcomeNotCovered:
		a.covered = "not-covered"
	default: // no policy on file
		a.covered = "indeterminate"
	}
}

func policySource(d ketacover.Determination) string {
	for _, s := range d.Policy.Sources {
		if s.URL != "" {
			return s.URL
		}
	}
	return ""
}

func policyName(d ketacover.Determination) string {
	p := d.Policy
	s := strings.TrimSpace(p.Payer + " " + p.Title)
	if p.Number != "" {
		s += " (" + p.Number + ")"
	}
	if p.Revised != "" {
		s += ", " + p.Revised
	}
	return s
}

// systemAction is the update of the order that adds the coverage
// information. Nothing else of the resource changes (CRD resp-37): the
// extension is spliced into the JSON as received (the order was checked as
// R4 on the way in, and every other element goes back with the same
// value), and an earlier coverage-information extension is replaced. ext
// is the extension's JSON (appendExtension). The tests check each action
// resource with google/fhir.
func systemAction(order json.RawMessage, ext []byte) (Action, error) {
	out, ok := spliceExtension(order, ext)
	if !ok {
		var err error
		if out, err = replaceExtension(order, ext); err != nil {
			return Action{}, err
		}
	}
	return Action{Type: "update", Description: "Add coverage information", Resource: out, valid: true}, nil
}

// replaceExtension is spliceExtension for any order, through a map.
func replaceExtension(order json.RawMessage, b []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(order, &m); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "order: %v", err)
	}
	var exts []json.RawMessage
	if raw, ok := m["extension"]; ok {
		if err := json.Unmarshal(raw, &exts); err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "order extension: %v", err)
		}
	}
	kept := exts[:0]
	for _, e := range exts {
		var h struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(e, &h) == nil && h.URL == extCoverageInformation {
			continue
		}
		kept = append(kept, e)
	}
	kept = append(kept, b)
	var err error
	if m["extension"], err = json.Marshal(kept); err != nil {
		return nil, err
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("coverage information system action: %w", err)
	}
	return out, nil
}

// spliceExtension is systemAction's edit done on the order's bytes: the
// members of the order are copied as they are, in their order, except its
// extension array, which is written back without any earlier
// coverage-information extension and with ext at its end (or added as the
// last member). Decoding the order into a map and encoding it again was a
// tenth of a hook call. It reports false, and systemAction takes the long
// way, when the order is not plain JSON for members (see members), names
// a member twice, or has an extension element it cannot read as
// encoding/json would.
func spliceExtension(order, ext []byte) ([]byte, bool) {
	order = bytes.Trim(order, " \t\r\n") // JSON's whitespace only
	var (
		keys    [32][]byte
		nkeys   int
		exts    []byte // the order's extension array
		spanBuf [32][2]int
		spans   = spanBuf[:0]
	)
	ok := jsonscan.Members(order, func(m jsonscan.Member) bool {
		if nkeys == len(keys) {
			return false
		}
		for _, k := range keys[:nkeys] {
			if string(k) == string(m.Key) {
				return false
			}
		}
		keys[nkeys] = m.Key
		nkeys++
		if string(m.Key) == "extension" {
			exts = m.Value
			return true
		}
		spans = append(spans, [2]int{m.Start, m.End})
		return true
	})
	if !ok {
		return nil, false
	}
	out := make([]byte, 0, len(order)+len(ext)+32)
	out = append(out, '{')
	for _, sp := range spans {
		out = append(out, order[sp[0]:sp[1]]...)
		out = append(out, ',')
	}
	out = append(out, `"extension":[`...)
	if exts != nil && string(exts) != "null" {
		if len(exts) < 2 || exts[0] != '[' {
			return nil, false
		}
		i := jsonscan.SkipWS(exts, 1)
		for i < len(exts) && exts[i] != ']' {
			end, ok := jsonscan.SkipValue(exts, i)
			if !ok {
				return nil, false
			}
			e := exts[i:end]
			url, ok := extensionURL(e)
			if !ok {
				return nil, false
			}
			if url != extCoverageInformation {
				out = append(out, e...)
				out = append(out, ',')
			}
			i = jsonscan.SkipWS(exts, end)
			if i < len(exts) && exts[i] == ',' {
				i = jsonscan.SkipWS(exts, i+1)
			}
		}
	}
	out = append(out, ext...)
	out = append(out, "]}"...)
	return out, true
}

// extensionURL reads the url of an extension element as json.Unmarshal
// into a struct with that one field would ("" when it has none or is not
// an object); ok is false when the element is not plain enough to tell.
func extensionURL(e []byte) (string, bool) {
	if len(e) == 0 || e[0] != '{' {
		return "", true // not an object: json.Unmarshal fails, the element is kept
	}
	var url string
	seen := false
	ok := jsonscan.Members(e, func(m jsonscan.Member) bool {
		switch {
		case string(m.Key) == "url":
			if seen || (m.Value[0] != '"' && string(m.Value) != "null") {
				return false
			}
			seen = true
			if string(m.Value) == "null" {
				return true
			}
			v, ok := jsonscan.PlainString(m.Value)
			url = v
			return ok
		case jsonscan.FoldEq(m.Key, "url"):
			return false
		}
		return true
	})
	return url, ok
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
