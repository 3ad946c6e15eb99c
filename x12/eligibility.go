package x12

import (
	"errors"
	"io"
	"slices"

	"github.com/ketacover/ketacover"
)

// Version271 is the implementation guide the 271 reader follows.
const Version271 = "005010X279A1"

// The codes this file reads are the ones ../shared/reference/standards.md
// section 6.2 gives (005010X279A1):
//   - HL03 hierarchical level: 20 information source (2000A), 21 receiver
//     (2000B), 22 subscriber (2000C), 23 dependent (2000D) — section 6.2's
//     loop list with section 6.4's "HL level codes 20/21/22/23";
//   - BHT02 11 response, 13 request (section 6.3);
//   - DTP*346 plan begin and the D8 date format (section 6.2; 6.3 skeleton);
//   - LS/LE wrapping loop 2120 (section 6.2);
//   - EB01-EB13 as tabled in section 6.2.
// Other qualifiers (REF, TRN, DTP other than 346, AAA elements) are kept as
// sent and never interpreted.

// Eligibility is what a 271 says about one member: a subscriber (loop
// 2000C) or a dependent (loop 2000D), with the benefits (loop 2110) that
// apply to that person.
type Eligibility struct {
	Interchange   string         `json:"interchange"`       // ISA13
	Group         string         `json:"group"`             // GS06
	ControlNumber string         `json:"controlNumber"`     // ST02
	Version       string         `json:"version,omitempty"` // ST03, else GS08
	Reference     string         `json:"reference"`         // BHT03: echoes the 270's reference
	Date          ketacover.Date `json:"date,omitzero"`     // BHT04: the day the payer answered; amounts met are as of it
	Segment       int            `json:"segment"`           // number of the member's HL segment
	Offset        int64          `json:"offset"`            // byte offset of the member's HL segment

	Source     Entity  `json:"source"`              // 2100A information source (NM1*PR, the payer)
	Receiver   Entity  `json:"receiver"`            // 2100B information receiver (NM1*1P, the provider)
	Subscriber Member  `json:"subscriber"`          // 2100C
	Dependent  *Member `json:"dependent,omitempty"` // 2100D, when the benefits are a dependent's

	Benefits   []Benefit   `json:"benefits,omitempty"`   // 2110C or 2110D, in input order
	Rejections []Rejection `json:"rejections,omitempty"` // AAA of this member and of the source and receiver above it
}

// Patient returns the person the benefits are for: the dependent when
// there is one, else the subscriber.
func (e *Eligibility) Patient() *Member {
	if e.Dependent != nil {
		return e.Dependent
	}
	return &e.Subscriber
}

// Member is a subscriber or dependent: loop 2100C or 2100D.
type Member struct {
	Entity
	Address   Address        `json:"address,omitzero"`   // N3, N4
	BirthDate ketacover.Date `json:"birthDate,omitzero"` // DMG02 (DMG01 D8)
	Sex       string         `json:"sex,omitempty"`      // DMG03 as sent
	Traces    []Trace        `json:"traces,omitempty"`   // TRN
	Refs      []Ref          `json:"refs,omitempty"`     // REF, qualifiers as sent
	Dates     []DateValue    `json:"dates,omitempty"`    // DTP
}

// PlanBegin returns the plan begin date (DTP*346), zero when not sent.
func (m *Member) PlanBegin() ketacover.Date {
	for _, d := range m.Dates {
		if d.Qualifier == "346" {
			return d.Date
		}
	}
	return ketacover.Date{}
}

// DateValue is a DTP segment: a qualifier and a date. Date is set when the
// format is D8; other formats (periods) are kept as sent in Value.
type DateValue struct {
	Qualifier string         `json:"qualifier"`     // DTP01
	Format    string         `json:"format"`        // DTP02
	Value     string         `json:"value"`         // DTP03 as sent
	Date      ketacover.Date `json:"date,omitzero"` // DTP03 when DTP02 is D8
}

// Benefit is one EB segment with the segments of its loop 2110 (MSG, DTP,
// REF) and the entities of its loop 2120 (NM1 between LS and LE). Text is
// the EB segment as sent, so that every figure drawn from it can show it.
type Benefit struct {
	Segment int    `json:"segment"`
	Offset  int64  `json:"offset"`
	Text    string `json:"text"`

	Code              string          `json:"code"`                        // EB01 eligibility or benefit information
	CoverageLevel     string          `json:"coverageLevel,omitempty"`     // EB02: IND, FAM, ...
	ServiceTypes      []string        `json:"serviceTypes,omitempty"`      // EB03 repetitions
	InsuranceType     string          `json:"insuranceType,omitempty"`     // EB04
	Plan              string          `json:"plan,omitempty"`              // EB05 plan coverage description
	Period            string          `json:"period,omitempty"`            // EB06 time period qualifier
	Amount            *int64          `json:"amount,omitempty"`            // EB07 in cents
	Percent           *ketacover.Rate `json:"percent,omitempty"`           // EB08, a decimal fraction read as a Rate (0.2 is 20%)
	QuantityQualifier string          `json:"quantityQualifier,omitempty"` // EB09 as sent
	Quantity          string          `json:"quantity,omitempty"`          // EB10 as sent
	AuthRequired      string          `json:"authRequired,omitempty"`      // EB11: Y, N, U
	InNetwork         string          `json:"inNetwork,omitempty"`         // EB12: Y, N, W, U
	Procedure         Procedure       `json:"procedure,omitzero"`          // EB13 composite: HC and a CPT/HCPCS code

	Messages []string    `json:"messages,omitempty"` // MSG01
	Dates    []DateValue `json:"dates,omitempty"`    // DTP
	Refs     []Ref       `json:"refs,omitempty"`     // REF
	Related  []Entity    `json:"related,omitempty"`  // NM1 in loop 2120 (NM1*P3 primary care provider)
}

// HasServiceType reports whether EB03 lists code.
func (b *Benefit) HasServiceType(code string) bool { return slices.Contains(b.ServiceTypes, code) }

// Rejection is an AAA segment: the payer could not answer (part of) the
// request. Its elements are kept as sent: the reference names the segment's
// purpose but not its codes.
type Rejection struct {
	Segment int    `json:"segment"`
	Offset  int64  `json:"offset"`
	Loop    string `json:"loop"` // where it was: 2100A, 2100B, 2100C, 2100D, 2110C, 2110D
	Text    string `json:"text"` // the AAA segment as sent
}

// Handler271 receives what Read271 finds. An error returned by Member stops
// Read271, which returns it unchanged.
type Handler271 struct {
	// Member is called once per subscriber or dependent, in input order,
	// when its loop ends. The value is the handler's to keep. A subscriber
	// whose benefits are all given for dependents is not handed out on its
	// own; each dependent carries it.
	Member func(e *Eligibility) error
}

// Summary271 counts what Read271 read and lists the problems it found.
type Summary271 struct {
	Interchanges int         `json:"interchanges"`
	Groups       int         `json:"groups"`
	Transactions int         `json:"transactions"` // 271 transaction sets
	Members      int         `json:"members"`
	Benefits     int         `json:"benefits"` // EB segments handed out
	Segments     int         `json:"segments"`
	Bytes        int64       `json:"bytes"`
	Rejections   []Rejection `json:"rejections,omitempty"` // AAA of a source or receiver with no member below it
	Problems     []Problem   `json:"problems,omitempty"`   // at most the first 100
	ProblemCount int         `json:"problemCount"`
}

// Read271 reads the X12 271 eligibility responses in r (005010X279A1; any
// number of interchanges, groups and transaction sets) and hands each
// member with its benefits to h.Member. Envelope and content defects (counts,
// a missing SE, an amount that does not parse, a segment out of place) are
// collected in the summary's Problems, each with its segment number and
// byte offset, and reading goes on; input that is not X12 or ends early
// returns a *SyntaxError after the members that were complete.
func Read271(r io.Reader, h Handler271) (Summary271, error) {
	d := decoder271{x: NewReader(r), h: h, in: newInterner()}
	err := d.run()
	d.sum.Segments = d.x.Segments()
	d.sum.Bytes = d.x.Offset()
	d.sum.Problems = d.x.Problems()
	d.sum.ProblemCount = d.x.ProblemCount()
	return d.sum, err
}

// ParsePercent parses an X12 percentage written as a decimal fraction
// (EB08: "0.2" is 20%, "1" is 100%) into a Rate in basis points, without
// going through floating point. More than four decimals are accepted only
// when the extra digits are zeros; values above 1 are refused (a sender
// writing "20" for 20% would otherwise be read as 2000%).
func ParsePercent(b []byte) (ketacover.Rate, error) {
	n, ok := parseFixed(b, 4, 6)
	if !ok {
		return 0, errPercent
	}
	if n > 10000 {
		return 0, errPercentRange
	}
	return ketacover.Rate(n), nil
}

var (
	errPercent      = errors.New("want a decimal fraction such as 0.20 for 20%")
	errPercentRange = errors.New("above 1.0: want a decimal fraction such as 0.20 for 20%")
)
