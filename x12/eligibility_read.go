package x12

import (
	"io"
	"slices"
	"strings"
)

// hlLevel is an HL segment of the open transaction that may be a parent.
type hlLevel struct {
	id, parent, code string
}

type decoder271 struct {
	x  *Reader
	h  Handler271
	in *interner // one string per distinct code, name or plan: a batch repeats them member after member
	// hint is the capacity a member's benefits start with: the last
	// member's count, as members of one batch are alike.
	hint int
	sum  Summary271

	position // in the envelope; skipping a set that is not a 271

	inSet  bool // inside a 271 transaction set
	head   Eligibility
	levels []hlLevel
	level  string // HL03 of the open HL: 20, 21, 22 or 23
	// upperA and upperB hold the AAA of loops 2100A and 2100B, given to
	// every member below them; givenA and givenB say a member has them.
	upperA, upperB []Rejection
	givenA, givenB bool
	// sub is the open subscriber; dep the open dependent, nil when none.
	sub      *Eligibility
	subShown bool // sub has been handed out, or a dependent carries it
	dep      *Eligibility
	eb       *Benefit // the open 2110 loop, nil before the first EB
	lsOpen   bool     // inside LS/LE (loop 2120)
	lsID     string   // LS01
	lsNumber int      // segment number of the open LS
}

// upper returns the AAA of the source and receiver above the open level.
func (d *decoder271) upper() []Rejection {
	return append(slices.Clone(d.upperA), d.upperB...)
}

// dropUpper ends the AAA of the source (a) and the receiver (b); those no
// member carries go to the summary so that a rejected request still shows.
func (d *decoder271) dropUpper(a, b bool) {
	if a {
		if !d.givenA {
			d.sum.Rejections = append(d.sum.Rejections, d.upperA...)
		}
		d.upperA, d.givenA = nil, false
	}
	if b {
		if !d.givenB {
			d.sum.Rejections = append(d.sum.Rejections, d.upperB...)
		}
		d.upperB, d.givenB = nil, false
	}
}

func (d *decoder271) run() error {
	for {
		s, err := d.x.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := d.segment(s); err != nil {
			return err
		}
	}
}

// member returns the eligibility the segments now read belong to.
func (d *decoder271) member() *Eligibility {
	if d.dep != nil {
		return d.dep
	}
	return d.sub
}

// person returns the Member whose 2100 loop is open.
func (d *decoder271) person() *Member {
	if d.dep != nil {
		return d.dep.Dependent
	}
	if d.sub != nil {
		return &d.sub.Subscriber
	}
	return nil
}

func (d *decoder271) segment(s Segment) error {
	if !d.inSet || d.skipping {
		return d.envelope(s)
	}
	switch string(s.Elements[0]) {
	case "HL":
		return d.hl(s)
	case "EB":
		return d.benefit(s)
	case "NM1":
		d.nm1(s)
	case "N3":
		if p := d.person(); p != nil && !d.lsOpen && d.eb == nil {
			for i := 1; i <= s.Len(); i++ {
				p.Address.Lines = append(p.Address.Lines, string(s.Element(i)))
			}
		}
	case "N4":
		if p := d.person(); p != nil && !d.lsOpen && d.eb == nil {
			p.Address.City, p.Address.State, p.Address.Postal = string(s.Element(1)), string(s.Element(2)), string(s.Element(3))
		}
	case "DMG":
		d.dmg(s)
	case "TRN":
		if p := d.person(); p != nil {
			p.Traces = append(p.Traces, Trace{Type: d.in.str(s.Element(1)), Number: string(s.Element(2)), Originator: d.in.str(s.Element(3))})
		}
	case "DTP":
		d.dtp(s)
	case "REF":
		r := Ref{Qualifier: d.in.str(s.Element(1)), Value: string(s.Element(2))}
		switch {
		case d.eb != nil:
			d.eb.Refs = append(d.eb.Refs, r)
		case d.person() != nil:
			p := d.person()
			p.Refs = append(p.Refs, r)
		}
	case "MSG":
		if d.eb == nil {
			d.x.AddProblem(s, "MSG outside a benefit loop (2110): want it after an EB")
			return nil
		}
		d.eb.Messages = append(d.eb.Messages, d.in.str(s.Element(1)))
	case "AAA":
		d.aaa(s)
	case "LS":
		if d.eb == nil {
			d.x.AddProblem(s, "LS outside a benefit loop (2110): want it after an EB")
			return nil
		}
		if d.lsOpen {
			d.x.AddProblem(s, "LS while the LS at segment %d is still open (no LE)", d.lsNumber)
		}
		d.lsOpen, d.lsID, d.lsNumber = true, string(s.Element(1)), s.Number
	case "LE":
		if !d.lsOpen {
			d.x.AddProblem(s, "LE without an LS")
			return nil
		}
		if string(s.Element(1)) != d.lsID {
			d.x.AddProblem(s, "LE01 %q does not match LS01 %q (segment %d)", clip(s.Element(1)), clip([]byte(d.lsID)), d.lsNumber)
		}
		d.lsOpen = false
	case "BHT":
		d.bht(s)
	case "SE":
		return d.endTransaction(s)
	case "ST", "GE", "IEA", "GS", "ISA":
		// SE is missing (the Reader has reported it): end the transaction,
		// then handle the envelope segment.
		if err := d.endTransaction(s); err != nil {
			return err
		}
		return d.envelope(s)
	}
	return nil
}

// envelope handles segments outside a 271 transaction set.
func (d *decoder271) envelope(s Segment) error {
	if d.step(d.x, s, "271", "a 271", copyString, &d.sum.Interchanges, &d.sum.Groups) {
		d.startTransaction(s)
	}
	return nil
}

// copyString is string(b) as a function value.
func copyString(b []byte) string { return string(b) }

func (d *decoder271) startTransaction(s Segment) {
	v := string(s.Element(3))
	if v == "" {
		v = d.gsVersion
	}
	if v != Version271 {
		d.x.AddProblem(s, "271 version %q; this reader follows %s", v, Version271)
	}
	d.inSet = true
	d.head = Eligibility{Interchange: d.isaControl, Group: d.gsControl, ControlNumber: string(s.Element(2)), Version: v}
	d.levels, d.level = d.levels[:0], ""
	d.upperA, d.upperB, d.givenA, d.givenB = nil, nil, false, false
	d.sub, d.dep, d.eb, d.lsOpen, d.subShown = nil, nil, nil, false, false
	d.sum.Transactions++
}

func (d *decoder271) endTransaction(s Segment) error {
	if d.lsOpen {
		d.x.AddProblem(s, "LS at segment %d has no LE before %s", d.lsNumber, s.ID())
	}
	err := d.flushMember(true)
	d.dropUpper(true, true)
	d.inSet, d.sub, d.dep, d.eb, d.lsOpen = false, nil, nil, nil, false
	return err
}

func (d *decoder271) bht(s Segment) {
	d.head.Reference = string(s.Element(3))
	if string(s.Element(2)) == "13" {
		d.x.AddProblem(s, "BHT02 is 13 (a request); a 271 answers with 11")
	}
	if b := s.Element(4); len(b) > 0 {
		dt, err := ParseDate(b)
		if err != nil {
			d.x.AddProblem(s, "BHT04 date %q: %v", clip(b), err)
		}
		d.head.Date = dt
	}
}

// hl opens a hierarchical level. A subscriber or dependent loop ends at the
// next HL.
func (d *decoder271) hl(s Segment) error {
	if d.lsOpen {
		d.x.AddProblem(s, "LS at segment %d has no LE before HL", d.lsNumber)
		d.lsOpen = false
	}
	id, parent, code := string(s.Element(1)), string(s.Element(2)), string(s.Element(3))
	if id == "" {
		d.x.AddProblem(s, "HL01 hierarchical ID is empty")
	}
	if parent != "" && !slices.ContainsFunc(d.levels, func(l hlLevel) bool { return l.id == parent }) {
		d.x.AddProblem(s, "HL02 parent %q is not an earlier HL01 of this transaction", clip(s.Element(2)))
	}
	// Only sources, receivers and the open subscriber can be parents: keep
	// those, so that memory does not grow with the members of a batch.
	if code == "22" {
		d.levels = slices.DeleteFunc(d.levels, func(l hlLevel) bool { return l.code == "22" })
	}
	if (code == "20" || code == "21" || code == "22") && len(d.levels) < 1000 {
		d.levels = append(d.levels, hlLevel{id, parent, code})
	}
	switch code {
	case "20", "21":
		if err := d.flushMember(true); err != nil {
			return err
		}
		d.dropUpper(code == "20", true)
		d.sub, d.dep = nil, nil
	case "22":
		if err := d.flushMember(true); err != nil {
			return err
		}
		e := d.head
		e.Segment, e.Offset = s.Number, s.Offset
		e.Rejections = d.upper()
		d.givenA, d.givenB = true, true
		e.Benefits = make([]Benefit, 0, d.hint)
		d.sub, d.dep, d.subShown = &e, nil, false
	case "23":
		if err := d.flushMember(false); err != nil {
			return err
		}
		if d.sub == nil {
			d.x.AddProblem(s, "dependent level (HL03 23) without a subscriber level (22) before it")
			e := d.head
			e.Rejections = d.upper()
			d.givenA, d.givenB = true, true
			d.sub = &e
		}
		e := *d.sub
		e.Segment, e.Offset = s.Number, s.Offset
		e.Subscriber = d.sub.Subscriber
		e.Benefits = make([]Benefit, 0, d.hint)
		e.Rejections = slices.Clone(d.sub.Rejections)
		e.Dependent = &Member{}
		d.dep = &e
		d.subShown = true // the dependent carries the subscriber
	default:
		d.x.AddProblem(s, "HL03 level code %q: want 20 (information source), 21 (receiver), 22 (subscriber) or 23 (dependent)", clip(s.Element(3)))
		return nil
	}
	d.level, d.eb = code, nil
	return nil
}

// flushMember hands out the open dependent, and the open subscriber too
// when all is true and it has not been handed out or carried by a
// dependent.
func (d *decoder271) flushMember(all bool) error {
	if d.dep != nil {
		e := d.dep
		d.dep, d.eb = nil, nil
		if err := d.emit(e); err != nil {
			return err
		}
	}
	if all && d.sub != nil && !d.subShown {
		d.subShown = true
		e := d.sub
		if err := d.emit(e); err != nil {
			return err
		}
	}
	if !all && d.sub != nil && !d.subShown && (len(d.sub.Benefits) > 0 || len(d.sub.Rejections) > len(d.upperA)+len(d.upperB)) {
		// A subscriber with benefits of its own, then a dependent: both
		// are members.
		d.subShown = true
		if err := d.emit(d.sub); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder271) emit(e *Eligibility) error {
	d.hint = min(max(len(e.Benefits), 4), 64)
	d.sum.Members++
	d.sum.Benefits += len(e.Benefits)
	if d.h.Member != nil {
		return d.h.Member(e)
	}
	return nil
}

func (d *decoder271) nm1(s Segment) {
	in := d.in.str
	e := Entity{Code: in(s.Element(1)), Last: in(s.Element(3)), First: in(s.Element(4)),
		Middle: in(s.Element(5)), IDQualifier: in(s.Element(8)), ID: string(s.Element(9))}
	switch {
	case d.lsOpen:
		d.eb.Related = append(d.eb.Related, e)
	case d.eb != nil:
		d.x.AddProblem(s, "NM1 after an EB outside LS/LE: a benefit's related entity belongs in loop 2120")
	case d.level == "20":
		d.head.Source = e
	case d.level == "21":
		d.head.Receiver = e
	case d.person() != nil:
		d.person().Entity = e
	default:
		d.x.AddProblem(s, "NM1 outside an HL level")
	}
}

func (d *decoder271) dmg(s Segment) {
	p := d.person()
	if p == nil || d.eb != nil {
		d.x.AddProblem(s, "DMG outside a subscriber or dependent name loop (2100C/2100D)")
		return
	}
	if f := string(s.Element(1)); f != "D8" {
		d.x.AddProblem(s, "DMG01 date format %q: want D8", clip(s.Element(1)))
	} else if dt, err := ParseDate(s.Element(2)); err != nil {
		d.x.AddProblem(s, "DMG02 birth date %q: %v", clip(s.Element(2)), err)
	} else {
		p.BirthDate = dt
	}
	p.Sex = d.in.str(s.Element(3))
}

func (d *decoder271) dtp(s Segment) {
	v := DateValue{Qualifier: d.in.str(s.Element(1)), Format: d.in.str(s.Element(2)), Value: d.in.str(s.Element(3))}
	if v.Format == "D8" {
		dt, err := ParseDate(s.Element(3))
		if err != nil {
			d.x.AddProblem(s, "DTP03 date %q: %v", clip(s.Element(3)), err)
		}
		v.Date = dt
	}
	switch {
	case d.eb != nil:
		d.eb.Dates = append(d.eb.Dates, v)
	case d.person() != nil:
		p := d.person()
		p.Dates = append(p.Dates, v)
	default:
		d.x.AddProblem(s, "DTP outside a subscriber or dependent loop")
	}
}

func (d *decoder271) aaa(s Segment) {
	loop := map[string]string{"20": "2100A", "21": "2100B", "22": "2100C", "23": "2100D"}[d.level]
	if d.eb != nil && len(loop) == 5 {
		loop = "2110" + loop[4:]
	}
	r := Rejection{Segment: s.Number, Offset: s.Offset, Loop: loop, Text: segmentText(s)}
	switch {
	case d.level == "20":
		d.upperA = append(d.upperA, r)
	case d.level == "21":
		d.upperB = append(d.upperB, r)
	case d.member() != nil:
		m := d.member()
		m.Rejections = append(m.Rejections, r)
	default:
		d.x.AddProblem(s, "AAA outside an HL level")
	}
}

// benefit reads an EB segment and opens its 2110 loop.
func (d *decoder271) benefit(s Segment) error {
	m := d.member()
	if m == nil {
		d.x.AddProblem(s, "EB outside a subscriber or dependent level (HL03 22 or 23)")
		return nil
	}
	if d.lsOpen {
		d.x.AddProblem(s, "LS at segment %d has no LE before EB", d.lsNumber)
		d.lsOpen = false
	}
	in := d.in.str
	b := Benefit{Segment: s.Number, Offset: s.Offset, Text: segmentText(s),
		Code: in(s.Element(1)), CoverageLevel: in(s.Element(2)), InsuranceType: in(s.Element(4)),
		Plan: in(s.Element(5)), Period: in(s.Element(6)), QuantityQualifier: in(s.Element(9)),
		Quantity: in(s.Element(10)), AuthRequired: in(s.Element(11)), InNetwork: in(s.Element(12))}
	if b.Code == "" {
		d.x.AddProblem(s, "EB01 eligibility or benefit code is empty")
	}
	for st := range s.Repetitions(3) {
		if len(st) > 0 {
			b.ServiceTypes = append(b.ServiceTypes, in(st))
		}
	}
	if e := s.Element(7); len(e) > 0 {
		v, err := ParseCents(e)
		if err != nil {
			d.x.AddProblem(s, "EB07 amount %q: %v", clip(e), err)
		} else {
			b.Amount = &v
		}
	}
	if e := s.Element(8); len(e) > 0 {
		v, err := ParsePercent(e)
		if err != nil {
			d.x.AddProblem(s, "EB08 percent %q: %v", clip(e), err)
		} else {
			b.Percent = &v
		}
	}
	switch b.AuthRequired {
	case "", "Y", "N", "U":
	default:
		d.x.AddProblem(s, "EB11 authorization indicator %q: want Y, N or U", clip(s.Element(11)))
	}
	switch b.InNetwork {
	case "", "Y", "N", "W", "U":
	default:
		d.x.AddProblem(s, "EB12 in-network indicator %q: want Y, N, W or U", clip(s.Element(12)))
	}
	if len(s.Element(13)) > 0 {
		j := 0
		for c := range s.Components(13) {
			j++
			switch {
			case j == 1:
				b.Procedure.Qualifier = in(c)
			case j == 2:
				b.Procedure.Code = in(c)
			case j <= 6:
				if len(c) > 0 {
					b.Procedure.Modifiers = append(b.Procedure.Modifiers, in(c))
				}
			case j == 7:
				b.Procedure.Description = string(c)
			}
		}
		if b.Procedure.Code == "" {
			d.x.AddProblem(s, "EB13 has no procedure code (want qualifier%ccode, such as HC%c96365)", s.Delimiters().Component, s.Delimiters().Component)
		}
	}
	m.Benefits = append(m.Benefits, b)
	d.eb = &m.Benefits[len(m.Benefits)-1]
	return nil
}

// segmentText returns the segment as sent, without its terminator, in one
// allocation (Segment.String joins, then copies).
func segmentText(s Segment) string {
	n := len(s.Elements) - 1
	for _, e := range s.Elements {
		n += len(e)
	}
	var b strings.Builder
	b.Grow(n)
	sep := s.Delimiters().Element
	for i, e := range s.Elements {
		if i > 0 {
			b.WriteByte(sep)
		}
		b.Write(e)
	}
	return b.String()
}
