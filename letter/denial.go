package letter

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/internal/strictyaml"
	"github.com/ketacover/ketacover/timeline"
)

// Denial is the payer's decision a letter answers: the notice's date, why
// it denied (as denial classes, and in its own words), the numbers it is
// filed under and where to send an appeal. It is read from a denial record
// (YAML or JSON, see ParseDenial), from a denial letter (FromLetter) or from
// a stored case's events (DenialFromEvents).
type Denial struct {
	// Date is the date printed on the notice; legal clocks count from it
	// (or from its receipt).
	Date ketacover.Date `yaml:"date" json:"date"`
	// Received is the day the notice arrived, when known; clocks that run
	// from receipt use it instead of the notice date.
	Received *ketacover.Date `yaml:"received,omitempty" json:"received,omitempty"`
	// Classes are the reasons for the denial as denial classes
	// (medical-necessity, experimental-investigational, prior-authorization,
	// benefit-limit, missing-information, coding, ...). An appeal answers
	// each one.
	Classes []denial.Class `yaml:"classes" json:"classes"`
	// Reason is the reason as the notice words it.
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// Reference is the payer's case, reference or appeal number.
	Reference string `yaml:"reference,omitempty" json:"reference,omitempty"`
	// Claim is the claim number of a denied claim.
	Claim string `yaml:"claim,omitempty" json:"claim,omitempty"`
	// Authorization is an authorization number on file for the services.
	Authorization string `yaml:"authorization,omitempty" json:"authorization,omitempty"`
	// Policy is the policy, guideline or plan provision the notice cites.
	Policy string `yaml:"policy,omitempty" json:"policy,omitempty"`
	// Service says whether the denial is of a request before treatment
	// (pre-service) or of a claim for treatment given (post-service). Empty:
	// post-service when a claim number or dates of service are given.
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// ServiceDates are the dates of service of a denied claim.
	ServiceDates []ketacover.Date `yaml:"service_dates,omitempty" json:"service_dates,omitempty"`
	// Amount is the amount billed that was denied.
	Amount ketacover.Cents `yaml:"amount,omitempty" json:"amount,omitempty"`
	// Level is the decision the notice is: 0 the initial denial, 1 the
	// decision on a first-level appeal, 2 on a second-level appeal.
	Level int `yaml:"level,omitempty" json:"level,omitempty"`
	// Reviewer is the reviewer the notice names, for a peer-to-peer call.
	Reviewer string `yaml:"reviewer,omitempty" json:"reviewer,omitempty"`
	// Address is where the notice says to send an appeal, one line each.
	Address []string `yaml:"address,omitempty" json:"address,omitempty"`
	// PeerToPeer is the telephone number the notice gives to schedule a
	// peer-to-peer call.
	PeerToPeer string `yaml:"peer_to_peer,omitempty" json:"peer_to_peer,omitempty"`
	// Codes are the claim adjustment codes of a denied claim.
	Codes []Adjustment `yaml:"codes,omitempty" json:"codes,omitempty"`
}

// Adjustment is one claim adjustment: group code, CARC and remark codes.
type Adjustment struct {
	Group string   `yaml:"group,omitempty" json:"group,omitempty"`
	CARC  string   `yaml:"carc" json:"carc"`
	RARCs []string `yaml:"rarc,omitempty" json:"rarc,omitempty"`
}

// The values of Denial.Service.
const (
	PreService  = "pre-service"
	PostService = "post-service"
)

// postService reports whether the denial is of care already given.
func (d *Denial) postService() bool {
	switch d.Service {
	case PostService:
		return true
	case PreService:
		return false
	}
	return d.Claim != "" || len(d.ServiceDates) > 0
}

// has reports whether d carries class c.
func (d *Denial) has(c denial.Class) bool {
	for _, x := range d.Classes {
		if x == c {
			return true
		}
	}
	return false
}

// Validate reports every problem of d as one EINVALID error, field by
// field.
func (d *Denial) Validate() error {
	probs := d.problems()
	if len(probs) == 0 {
		return nil
	}
	var msgs []string
	for _, p := range probs {
		msgs = append(msgs, p.field+": "+p.msg)
	}
	return ketacover.Errorf(ketacover.EINVALID, "denial: %s", strings.Join(msgs, "; "))
}

type problem struct{ field, msg string }

func (d *Denial) problems() []problem {
	var out []problem
	add := func(field, format string, args ...any) {
		out = append(out, problem{field, fmt.Sprintf(format, args...)})
	}
	if d.Date.IsZero() {
		add("date", "required: the date printed on the notice (YYYY-MM-DD)")
	}
	if d.Received != nil && !d.Date.IsZero() && d.Received.Before(d.Date) {
		add("received", "the notice was received (%s) before its date (%s)", d.Received, d.Date)
	}
	if len(d.Classes) == 0 {
		add("classes", "required: at least one denial class, one of %s", classList())
	}
	seen := map[denial.Class]bool{}
	for i, c := range d.Classes {
		switch {
		case !knownClass(c):
			add(fmt.Sprintf("classes[%d]", i), "want one of %s, got %q", classList(), c)
		case seen[c]:
			add(fmt.Sprintf("classes[%d]", i), "%s is listed twice", c)
		}
		seen[c] = true
	}
	switch d.Service {
	case "", PreService, PostService:
	default:
		add("service", "want %s or %s, got %q", PreService, PostService, d.Service)
	}
	if d.Level < 0 || d.Level > 2 {
		add("level", "want 0 (the initial denial), 1 or 2 (a decision on a first- or second-level appeal), got %d", d.Level)
	}
	if d.Amount < 0 {
		add("amount", "want 0 or more, got %s", d.Amount)
	}
	for i, a := range d.Codes {
		if strings.TrimSpace(a.CARC) == "" {
			add(fmt.Sprintf("codes[%d].carc", i), "required: the claim adjustment reason code, e.g. 50")
		}
	}
	return out
}

func knownClass(c denial.Class) bool {
	for _, k := range denial.Classes {
		if k == c {
			return true
		}
	}
	return false
}

func classList() string {
	s := make([]string, len(denial.Classes))
	for i, c := range denial.Classes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// ParseDenial reads a denial record (YAML or JSON) strictly: unknown
// fields, wrong types and bad values are errors naming the file, line and
// field. name is used in messages. The error is EINVALID.
//
//	date: 2026-12-15
//	classes: [medical-necessity]
//	reason: The documentation does not show failure of three antidepressants.
//	reference: UM-2026-118842
func ParseDenial(name string, data []byte) (*Denial, error) {
	var d Denial
	lines, err := strictyaml.Decode(name, data, &d)
	probs := &strictyaml.Problems{File: name}
	if err != nil {
		if !errors.As(err, &probs) {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s", err)
		}
		if syntaxOnly(probs) {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s", probs)
		}
	}
	for _, p := range d.problems() {
		if !covered(probs, p.field) {
			probs.List = append(probs.List, strictyaml.Problem{Line: lines.Line(p.field), Path: p.field, Msg: p.msg})
		}
	}
	if len(probs.List) > 0 {
		sort.SliceStable(probs.List, func(i, j int) bool { return probs.List[i].Line < probs.List[j].Line })
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", probs)
	}
	return &d, nil
}

func syntaxOnly(p *strictyaml.Problems) bool {
	for _, q := range p.List {
		if q.Path != "" {
			return false
		}
	}
	return true
}

// covered reports whether a problem was already found at field or above.
func covered(p *strictyaml.Problems, field string) bool {
	for _, q := range p.List {
		if q.Path == field || strings.HasPrefix(field, q.Path+".") || strings.HasPrefix(field, q.Path+"[") {
			return true
		}
	}
	return false
}

// FromLetter turns what denial.ReadLetter found in a denial letter into a
// Denial. Fields the letter did not show stay empty (a zero Date makes
// Validate fail, so a caller learns the notice date is needed).
func FromLetter(l denial.Letter) Denial {
	d := Denial{Date: l.NoticeDate, Classes: append([]denial.Class(nil), l.Classes...)}
	seen := map[string]bool{}
	for _, r := range l.Reasons {
		if seen[r.Sentence] || len(d.Reason)+len(r.Sentence) > 600 {
			continue
		}
		seen[r.Sentence] = true
		if d.Reason != "" {
			d.Reason += " "
		}
		d.Reason += r.Sentence
	}
	for _, r := range l.References {
		switch r.Field {
		case "claim-number":
			if d.Claim == "" {
				d.Claim = r.Value
			}
		case "authorization-number":
			if d.Authorization == "" {
				d.Authorization = r.Value
			}
		case "reference-number", "case-number", "appeal-number":
			if d.Reference == "" {
				d.Reference = r.Value
			}
		}
	}
	if len(l.Policies) > 0 {
		d.Policy = l.Policies[0].Value
	}
	for _, f := range l.Dates {
		if f.Field == "service-date" {
			if day, err := ketacover.ParseDate(f.Value); err == nil {
				d.ServiceDates = append(d.ServiceDates, day)
			}
		}
	}
	for _, c := range l.Classified {
		d.Codes = append(d.Codes, Adjustment{Group: c.Group, CARC: c.CARC, RARCs: c.RARCs})
	}
	return d
}

// DenialFromEvents returns the denial under dispute on a stored case's
// timeline: the last denial of a request or claim, or, when an appeal of it
// was decided and upheld, that decision (its level set). It reports false
// when the timeline holds no denial.
func DenialFromEvents(events []ketacover.Event) (Denial, bool) {
	if len(events) == 0 {
		return Denial{}, false
	}
	s := timeline.Fold(events)
	e := s.Denial
	if e == nil {
		return Denial{}, false
	}
	d := Denial{Date: e.Date, Reason: e.Details.Reason}
	if c := denial.Class(e.Details.DenialClass); c != "" {
		d.Classes = append(d.Classes, c)
	}
	if e.Kind == ketacover.EventClaimDenied {
		d.Service = PostService
		d.Claim = e.Details.Reference
		d.Amount = ketacover.Cents(e.Details.AmountCents)
		for _, carc := range e.Details.CARC {
			d.Codes = append(d.Codes, Adjustment{Group: e.Details.Group, CARC: carc, RARCs: e.Details.RARC})
			if len(d.Classes) == 0 {
				if c := denial.Classify(e.Details.Group, carc, e.Details.RARC).Class; c != "" {
					d.Classes = append(d.Classes, c)
				}
			}
		}
	} else {
		d.Service = PreService
		d.Reference = e.Details.Reference
	}
	if s.Decision != nil && s.Decision.Details.Outcome != ketacover.Overturned {
		d.Date = s.Decision.Date
		d.Level = s.AppealLevel
		if s.Decision.Details.Reference != "" {
			d.Reference = s.Decision.Details.Reference
		}
		if s.Decision.Details.Reason != "" {
			d.Reason = s.Decision.Details.Reason
		}
	}
	return d, true
}
