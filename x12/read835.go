package x12

import (
	"fmt"
	"io"

	"github.com/ketacover/ketacover"
)

// Version835 is the implementation guide this reader follows.
const Version835 = "005010X221A1"

// Handler835 receives what Read835 finds. Both functions are optional; an
// error returned by either stops Read835, which returns it unchanged.
type Handler835 struct {
	// Claim is called once per claim, in input order, when the claim is
	// complete. The value and everything it points to (except its
	// Remittance) is reused after Claim returns: keep c.Clone().
	Claim func(c *ClaimPayment) error
	// Remittance is called at the end of each 835 transaction set with its
	// header, provider-level adjustments (PLB) and totals.
	Remittance func(rm *Remittance) error
}

// Summary835 counts what Read835 read and lists the problems it found.
type Summary835 struct {
	Interchanges int       `json:"interchanges"`
	Groups       int       `json:"groups"`
	Transactions int       `json:"transactions"` // 835 transaction sets
	Claims       int       `json:"claims"`
	Services     int       `json:"services"`
	Segments     int       `json:"segments"`
	Bytes        int64     `json:"bytes"`
	Problems     []Problem `json:"problems,omitempty"` // at most the first 100
	ProblemCount int       `json:"problemCount"`       // all of them
}

// Read835 reads the X12 835 remittance advice in r (005010X221A1; any
// number of interchanges, groups and transaction sets) and streams its
// claims to h.Claim. Envelope and content defects (counts, a missing SE, an
// amount that does not parse, a segment out of place) are collected in the
// summary's Problems and reading goes on; input that is not X12 or ends
// early returns a *SyntaxError, after the claims that were complete. Memory
// use does not grow with the size of the input.
func Read835(r io.Reader, h Handler835) (Summary835, error) {
	d := decoder835{x: NewReader(r), h: h, in: newInterner()}
	err := d.run()
	d.sum.Segments = d.x.Segments()
	d.sum.Bytes = d.x.Offset()
	d.sum.Problems = d.x.Problems()
	d.sum.ProblemCount = d.x.ProblemCount()
	return d.sum, err
}

type decoder835 struct {
	x  *Reader
	h  Handler835
	in *interner
	ar arena
	// last holds, per call site, the string it returned last time: a
	// remittance repeats the same codes and names claim after claim, and a
	// comparison is cheaper than the interner's hash.
	last  [numSites]lastStr
	dates dateCache
	sum   Summary835

	position // in the envelope; skipping a set that is not an 835

	rm    *Remittance // open 835 transaction, nil outside one
	party *Party      // N1 loop whose N3/N4/REF/PER come next
	lx    string      // current LX01
	claim ClaimPayment
	open  bool            // claim holds a claim not yet handed out
	svc   *ServicePayment // open service line of the claim, or nil
}

// run decodes segment after segment. The segments that make up nearly all
// of a remittance (the claim and service-line loops) are decoded straight
// from the segment's bytes with a fields cursor, element after element in
// the order they come, without splitting them first; the rest (headers,
// envelopes, segments with problems) go through the Reader's split Segment
// as before. Splitting every segment and then reading its elements back
// was a quarter of the decoding time.
func (d *decoder835) run() error {
	x := d.x
	for {
		if err := x.advance(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		k := segKey(x.cur, x.d.Element)
		if !x.checkFast(k) {
			x.check(x.segment())
		}
		if err := d.segment(k); err != nil {
			return err
		}
	}
}

// fields returns a cursor over the data elements of the current segment,
// whose ID is k.
func (d *decoder835) fields(k uint32) fields {
	n := 3
	if k < 1<<16 {
		n = 2
	}
	b := d.x.cur
	if len(b) <= n {
		return fields{es: d.x.d.Element}
	}
	return fields{b: b[n+1:], es: d.x.d.Element}
}

// fields walks the data elements of a segment in order. next returns the
// next element, or nil once there are none left, as Segment.Element does
// past the last one.
type fields struct {
	b  []byte // the elements not yet returned; nil when none are left
	es byte
}

func (f *fields) next() []byte {
	b := f.b
	for i, c := range b {
		if c == f.es {
			f.b = b[i+1:]
			return b[:i:i]
		}
	}
	f.b = nil
	return b
}

// skip passes over n elements.
func (f *fields) skip(n int) {
	for ; n > 0 && f.b != nil; n-- {
		f.next()
	}
}

// problem records a problem at the current segment.
func (d *decoder835) problem(format string, args ...any) {
	d.x.problem(d.x.n, d.x.curOff, format, args...)
}

func (d *decoder835) segment(k uint32) error {
	if d.rm == nil || d.skipping {
		return d.envelope(d.x.segment())
	}
	switch k {
	case idCLP:
		if err := d.flush(); err != nil {
			return err
		}
		f := d.fields(k)
		d.startClaim(&f)
	case idCAS:
		f := d.fields(k)
		switch {
		case d.svc != nil:
			d.svc.Adjustments = d.cas(&f, d.svc.Adjustments)
		case d.open:
			d.claim.Adjustments = d.cas(&f, d.claim.Adjustments)
		default:
			d.problem("CAS outside a claim")
		}
	case idSVC:
		if !d.open {
			d.problem("SVC outside a claim")
			return nil
		}
		f := d.fields(k)
		d.startService(&f)
	case idDTM:
		f := d.fields(k)
		d.dtm(&f)
	case idREF:
		f := d.fields(k)
		d.ref(&f)
	case idAMT:
		f := d.fields(k)
		d.amt(&f)
	case idLQ:
		if d.svc == nil {
			d.problem("LQ outside a service line")
			return nil
		}
		f := d.fields(k)
		list := f.next()
		d.svc.Remarks = append(d.svc.Remarks, Remark{Code: d.str(0, f.next()), List: d.str(1, list), Segment: "LQ"})
	case idNM1:
		if d.open {
			f := d.fields(k)
			d.nm1(&f)
		}
	case idMOA:
		f := d.fields(k)
		f.skip(2)
		d.remarks(&f, "MOA", 5)
	case idMIA:
		s := d.x.segment()
		d.remarksMIA(s)
	case idLX:
		if err := d.flush(); err != nil {
			return err
		}
		f := d.fields(k)
		d.lx, d.party = d.str(2, f.next()), nil
	case idBPR:
		d.bpr(d.x.segment())
	case idTRN:
		s := d.x.segment()
		d.rm.Trace = Trace{Type: d.str(3, s.Element(1)), Number: d.ar.str(s.Element(2)), Originator: d.str(4, s.Element(3))}
	case idN1:
		d.n1(d.x.segment())
	case idN3:
		if d.party != nil && !d.open {
			s := d.x.segment()
			for i := 1; i <= s.Len(); i++ {
				d.party.Address.Lines = append(d.party.Address.Lines, d.ar.str(s.Element(i)))
			}
		}
	case idN4:
		if d.party != nil && !d.open {
			s := d.x.segment()
			d.party.Address.City = d.ar.str(s.Element(1))
			d.party.Address.State = d.str(5, s.Element(2))
			d.party.Address.Postal = d.ar.str(s.Element(3))
		}
	case idPER:
		d.per(d.x.segment())
	case idPLB:
		if err := d.flush(); err != nil {
			return err
		}
		d.plb(d.x.segment())
	case idSE:
		return d.endTransaction()
	case idST, idGE, idIEA, idGS, idISA:
		// SE is missing (the Reader has reported it): end the transaction,
		// then handle the envelope segment.
		if err := d.endTransaction(); err != nil {
			return err
		}
		return d.envelope(d.x.segment())
	}
	return nil
}

// Segment IDs as segKey returns them: the ID's bytes in a word, first byte
// lowest, so that dispatch is an integer switch.
const (
	idCLP = 'C' | 'L'<<8 | 'P'<<16
	idCAS = 'C' | 'A'<<8 | 'S'<<16
	idSVC = 'S' | 'V'<<8 | 'C'<<16
	idDTM = 'D' | 'T'<<8 | 'M'<<16
	idREF = 'R' | 'E'<<8 | 'F'<<16
	idAMT = 'A' | 'M'<<8 | 'T'<<16
	idLQ  = 'L' | 'Q'<<8
	idNM1 = 'N' | 'M'<<8 | '1'<<16
	idMOA = 'M' | 'O'<<8 | 'A'<<16
	idMIA = 'M' | 'I'<<8 | 'A'<<16
	idLX  = 'L' | 'X'<<8
	idBPR = 'B' | 'P'<<8 | 'R'<<16
	idTRN = 'T' | 'R'<<8 | 'N'<<16
	idN1  = 'N' | '1'<<8
	idN3  = 'N' | '3'<<8
	idN4  = 'N' | '4'<<8
	idPER = 'P' | 'E'<<8 | 'R'<<16
	idPLB = 'P' | 'L'<<8 | 'B'<<16
	idSE  = 'S' | 'E'<<8
	idST  = 'S' | 'T'<<8
	idGS  = 'G' | 'S'<<8
	idGE  = 'G' | 'E'<<8
	idISA = 'I' | 'S'<<8 | 'A'<<16
	idIEA = 'I' | 'E'<<8 | 'A'<<16
)

// envelope handles segments outside an 835 transaction set.
func (d *decoder835) envelope(s Segment) error {
	if d.step(d.x, s, "835", "an 835", d.ar.str, &d.sum.Interchanges, &d.sum.Groups) {
		d.startTransaction(s)
	}
	return nil
}

func (d *decoder835) startTransaction(s Segment) {
	v := d.ar.str(s.Element(3))
	if v == "" {
		v = d.gsVersion
	}
	if v != Version835 {
		d.x.AddProblem(s, "835 version %q; this reader follows %s", v, Version835)
	}
	d.rm = &Remittance{Interchange: d.isaControl, Group: d.gsControl, ControlNumber: d.ar.str(s.Element(2)),
		Version: v, Segment: s.Number, Offset: s.Offset}
	d.party, d.lx, d.svc, d.open = nil, "", nil, false
	d.sum.Transactions++
}

func (d *decoder835) endTransaction() error {
	if err := d.flush(); err != nil {
		return err
	}
	rm := d.rm
	d.rm, d.party = nil, nil
	if d.h.Remittance != nil {
		return d.h.Remittance(rm)
	}
	return nil
}

// flush hands the open claim to the handler.
func (d *decoder835) flush() error {
	if !d.open {
		return nil
	}
	d.open, d.svc = false, nil
	d.rm.Claims++
	d.rm.TotalPaid += d.claim.Paid
	d.sum.Claims++
	d.sum.Services += len(d.claim.Services)
	if d.h.Claim != nil {
		return d.h.Claim(&d.claim)
	}
	return nil
}

func (d *decoder835) startClaim(f *fields) {
	c := &d.claim
	c.reset()
	d.open, d.svc, d.party = true, nil, nil
	c.Remittance, c.Segment, c.Offset, c.HeaderNumber = d.rm, d.x.n, d.x.curOff, d.lx
	c.PatientControlNumber = d.ar.str(f.next())
	c.Status = d.str(6, f.next())
	c.Billed = d.cents(f.next(), "CLP03 total claim charge")
	c.Paid = d.cents(f.next(), "CLP04 claim payment")
	c.PatientResponsibility = d.optCents(f.next(), "CLP05 patient responsibility")
	c.FilingIndicator = d.str(7, f.next())
	c.PayerClaimNumber = d.ar.str(f.next())
	c.FacilityCode = d.str(8, f.next())
	c.FrequencyCode = d.str(9, f.next())
	if len(c.PatientControlNumber) == 0 {
		d.problem("CLP01 patient control number is empty")
	}
	if len(c.Status) == 0 {
		d.problem("CLP02 claim status is empty")
	}
}

func (d *decoder835) startService(f *fields) {
	v := d.claim.addService()
	d.svc = v
	v.Segment, v.Offset = d.x.n, d.x.curOff
	d.procedure(f.next(), 1, &v.Procedure)
	v.Billed = d.cents(f.next(), "SVC02 line charge")
	v.Paid = d.cents(f.next(), "SVC03 line payment")
	v.RevenueCode = d.str(10, f.next())
	v.Units = d.str(11, f.next())
	if b := f.next(); len(b) > 0 {
		d.procedure(b, 6, &v.Submitted)
	}
	v.SubmittedUnits = d.str(12, f.next())
}

// procedure reads composite procedure b (SVC01, SVC06, element i):
// qualifier, code, up to four modifiers, description, in one pass over the
// components.
func (d *decoder835) procedure(b []byte, i int, p *Procedure) {
	j := 0
	for c := range split(b, d.x.d.Component) {
		j++
		switch {
		case j == 1:
			p.Qualifier = d.str(13, c)
		case j == 2:
			p.Code = d.str(14, c)
		case j <= 6:
			if len(c) > 0 {
				p.Modifiers = append(p.Modifiers, d.str(15, c))
			}
		case j == 7:
			p.Description = string(c)
		}
	}
	if p.Code == "" {
		cs := d.x.d.Component
		d.problem("SVC%02d has no procedure code (want qualifier%ccode, such as HC%cG2083)", i, cs, cs)
	}
}

// cas appends the CAS triplets (reason, amount, quantity at elements 2-4,
// 5-7 ... 17-19) to as.
func (d *decoder835) cas(f *fields, as []Adjustment) []Adjustment {
	gb := f.next()
	g := d.str(16, gb)
	switch g {
	case "CO", "PR", "OA", "PI", "CR":
	default:
		d.problem("CAS01 group code %q is not CO, PR, OA, PI or CR", clip(gb))
	}
	n := 0
	for i := 2; i <= 17 && f.b != nil; i += 3 {
		reason, amount, quantity := f.next(), f.next(), f.next()
		if len(reason) == 0 {
			if len(amount) > 0 {
				d.problem("CAS%02d amount without a reason code", i+1)
			}
			continue
		}
		amt, err := ParseCents(amount)
		if err != nil {
			d.problem("CAS%02d adjustment amount %q: %v", i+1, clip(amount), err)
		}
		as = append(as, Adjustment{Group: g, Reason: d.str(17, reason), Amount: amt, Quantity: d.str(18, quantity)})
		n++
	}
	if n == 0 {
		d.problem("CAS has no reason code")
	}
	return as
}

func (d *decoder835) dtm(f *fields) {
	q := f.next()
	if len(q) == 0 {
		d.problem("DTM01 date qualifier is empty")
		return
	}
	b := f.next()
	dt, err := d.dates.parse(b)
	if err != nil {
		d.problem("DTM02 date %q: %v", clip(b), err)
		return
	}
	switch {
	case d.svc != nil:
		switch string(q) {
		case "472":
			d.svc.ServiceDate = dt
		case "150":
			d.svc.PeriodStart = dt
		case "151":
			d.svc.PeriodEnd = dt
		default:
			d.problem("DTM*%s is not a service line date (472, 150, 151)", clip(q))
		}
	case d.open:
		switch string(q) {
		case "232":
			d.claim.StatementFrom = dt
		case "233":
			d.claim.StatementTo = dt
		case "050":
			d.claim.Received = dt
		default:
			d.claim.Dates = append(d.claim.Dates, Dated{Qualifier: d.str(19, q), Date: dt})
		}
	default:
		if string(q) == "405" {
			d.rm.ProductionDate = dt
		}
	}
}

func (d *decoder835) ref(f *fields) {
	q := f.next()
	r := Ref{Qualifier: d.str(20, q), Value: d.ar.str(f.next())}
	switch {
	case d.svc != nil:
		if r.Qualifier == "6R" {
			d.svc.ControlNumber = r.Value
			return
		}
		d.svc.Refs = append(d.svc.Refs, r)
	case d.open:
		d.claim.Refs = append(d.claim.Refs, r)
	case d.party != nil:
		d.party.Refs = append(d.party.Refs, r)
	default:
		d.rm.Refs = append(d.rm.Refs, r)
	}
}

func (d *decoder835) amt(f *fields) {
	q := f.next()
	a := Amount{Qualifier: d.str(21, q), Amount: d.cents(f.next(), "AMT02 amount")}
	switch {
	case d.svc != nil:
		d.svc.Amounts = append(d.svc.Amounts, a)
	case d.open:
		d.claim.Amounts = append(d.claim.Amounts, a)
	}
}

// nm1 reads NM101, NM103-105, NM108 and NM109.
func (d *decoder835) nm1(f *fields) {
	var e Entity
	e.Code = d.str(22, f.next())
	f.skip(1)
	e.Last = d.str(23, f.next())
	e.First = d.str(24, f.next())
	e.Middle = d.str(25, f.next())
	f.skip(2)
	e.IDQualifier = d.str(26, f.next())
	e.ID = d.ar.str(f.next())
	switch e.Code {
	case "QC":
		d.claim.Patient = e
	case "IL":
		d.claim.Subscriber = e
	case "82":
		d.claim.Rendering = e
	default:
		d.claim.Others = append(d.claim.Others, e)
	}
}

// remarks reads n remark codes from f (MOA03-07).
func (d *decoder835) remarks(f *fields, seg string, n int) {
	if !d.open {
		d.problem("%s outside a claim", seg)
		return
	}
	for ; n > 0 && f.b != nil; n-- {
		if c := f.next(); len(c) > 0 {
			d.claim.Remarks = append(d.claim.Remarks, Remark{Code: d.str(27, c), List: "HE", Segment: seg})
		}
	}
}

// remarksMIA reads the remark codes of MIA05 and MIA20-23.
func (d *decoder835) remarksMIA(s Segment) {
	for _, r := range [2][2]int{{5, 5}, {20, 23}} {
		if !d.open {
			d.problem("MIA outside a claim")
			continue
		}
		for i := r[0]; i <= r[1]; i++ {
			if c := s.Element(i); len(c) > 0 {
				d.claim.Remarks = append(d.claim.Remarks, Remark{Code: d.str(27, c), List: "HE", Segment: "MIA"})
			}
		}
	}
}

func (d *decoder835) bpr(s Segment) {
	p := &d.rm.Payment
	p.Handling = d.str(28, s.Element(1))
	p.Amount = d.cents(s.Element(2), "BPR02 total payment")
	p.CreditDebit = d.str(29, s.Element(3))
	p.Method = d.str(30, s.Element(4))
	p.Format = d.str(31, s.Element(5))
	if b := s.Element(16); len(b) > 0 {
		dt, err := ParseDate(b)
		if err != nil {
			d.x.AddProblem(s, "BPR16 date %q: %v", clip(b), err)
		}
		p.Date = dt
	}
}

func (d *decoder835) n1(s Segment) {
	if d.open {
		return
	}
	var p *Party
	switch string(s.Element(1)) {
	case "PR":
		p = &d.rm.Payer
	case "PE":
		p = &d.rm.Payee
	default:
		d.party = nil
		return
	}
	*p = Party{Name: d.ar.str(s.Element(2)), IDQualifier: d.str(32, s.Element(3)), ID: d.ar.str(s.Element(4))}
	d.party = p
}

func (d *decoder835) per(s Segment) {
	if d.party == nil || d.open {
		return
	}
	c := Contact{Function: d.str(33, s.Element(1)), Name: d.ar.str(s.Element(2))}
	for i := 3; i+1 <= s.Len(); i += 2 {
		if len(s.Element(i)) > 0 {
			c.Numbers = append(c.Numbers, Ref{Qualifier: d.str(34, s.Element(i)), Value: d.ar.str(s.Element(i + 1))})
		}
	}
	d.party.Contacts = append(d.party.Contacts, c)
}

func (d *decoder835) plb(s Segment) {
	provider := d.ar.str(s.Element(1))
	var period = d.rm.ProductionDate
	if b := s.Element(2); len(b) > 0 {
		dt, err := ParseDate(b)
		if err != nil {
			d.x.AddProblem(s, "PLB02 fiscal period date %q: %v", clip(b), err)
		}
		period = dt
	}
	for i := 3; i+1 <= s.Len() && i <= 13; i += 2 {
		if len(s.Element(i)) == 0 {
			continue
		}
		d.rm.ProviderAdjustments = append(d.rm.ProviderAdjustments, ProviderAdjustment{
			Provider: provider, FiscalPeriod: period,
			Reason: d.str(35, s.Component(i, 1)), Reference: d.ar.str(s.Component(i, 2)),
			Amount: d.cents(s.Element(i+1), fmt.Sprintf("PLB%02d adjustment amount", i+1)),
		})
	}
}

// cents parses a required amount element, recording a problem at the
// current segment when it is absent or malformed.
func (d *decoder835) cents(b []byte, what string) int64 {
	v, err := ParseCents(b)
	if err != nil {
		if len(b) == 0 {
			d.problem("%s is missing", what)
		} else {
			d.problem("%s %q: %v", what, clip(b), err)
		}
	}
	return v
}

// optCents parses an optional amount element.
func (d *decoder835) optCents(b []byte, what string) int64 {
	if len(b) == 0 {
		return 0
	}
	return d.cents(b, what)
}

// dateCache remembers the last date parsed: a claim's statement dates and
// its lines' service dates are usually one and the same day.
type dateCache struct {
	key  uint64 // the 8 bytes of the last valid date; 0 before the first
	date ketacover.Date
}

func (c *dateCache) parse(b []byte) (ketacover.Date, error) {
	if len(b) != 8 {
		return ParseDate(b)
	}
	k := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	if k == c.key && k != 0 {
		return c.date, nil
	}
	dt, err := ParseDate(b)
	if err == nil {
		c.key, c.date = k, dt
	}
	return dt, err
}
