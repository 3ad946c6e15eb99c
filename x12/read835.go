package x12

import (
	"fmt"
	"io"
	"unsafe"
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
	last [numSites]string
	sum  Summary835

	isaControl, gsControl, gsVersion string

	rm       *Remittance // open 835 transaction, nil outside one
	skipping bool        // inside a transaction set that is not an 835
	party    *Party      // N1 loop whose N3/N4/REF/PER come next
	lx       string      // current LX01
	claim    ClaimPayment
	open     bool            // claim holds a claim not yet handed out
	svc      *ServicePayment // open service line of the claim, or nil
}

func (d *decoder835) run() error {
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

func (d *decoder835) segment(s Segment) error {
	id := s.Elements[0]
	if d.rm == nil || d.skipping {
		return d.envelope(s)
	}
	switch string(id) {
	case "CLP":
		if err := d.flush(); err != nil {
			return err
		}
		d.startClaim(s)
	case "CAS":
		switch {
		case d.svc != nil:
			d.svc.Adjustments = d.cas(s, d.svc.Adjustments)
		case d.open:
			d.claim.Adjustments = d.cas(s, d.claim.Adjustments)
		default:
			d.x.AddProblem(s, "CAS outside a claim")
		}
	case "SVC":
		if !d.open {
			d.x.AddProblem(s, "SVC outside a claim")
			return nil
		}
		d.startService(s)
	case "DTM":
		d.dtm(s)
	case "REF":
		d.ref(s)
	case "AMT":
		d.amt(s)
	case "LQ":
		if d.svc == nil {
			d.x.AddProblem(s, "LQ outside a service line")
			return nil
		}
		d.svc.Remarks = append(d.svc.Remarks, Remark{Code: d.str(0, s.Element(2)), List: d.str(1, s.Element(1)), Segment: "LQ"})
	case "NM1":
		d.nm1(s)
	case "MOA":
		d.remarks(s, "MOA", 3, 7)
	case "MIA":
		d.remarks(s, "MIA", 5, 5)
		d.remarks(s, "MIA", 20, 23)
	case "LX":
		if err := d.flush(); err != nil {
			return err
		}
		d.lx, d.party = d.str(2, s.Element(1)), nil
	case "BPR":
		d.bpr(s)
	case "TRN":
		d.rm.Trace = Trace{Type: d.str(3, s.Element(1)), Number: d.ar.str(s.Element(2)), Originator: d.str(4, s.Element(3))}
	case "N1":
		d.n1(s)
	case "N3":
		if d.party != nil && !d.open {
			for i := 1; i <= s.Len(); i++ {
				d.party.Address.Lines = append(d.party.Address.Lines, d.ar.str(s.Element(i)))
			}
		}
	case "N4":
		if d.party != nil && !d.open {
			d.party.Address.City = d.ar.str(s.Element(1))
			d.party.Address.State = d.str(5, s.Element(2))
			d.party.Address.Postal = d.ar.str(s.Element(3))
		}
	case "PER":
		d.per(s)
	case "PLB":
		if err := d.flush(); err != nil {
			return err
		}
		d.plb(s)
	case "SE":
		return d.endTransaction()
	case "ST", "GE", "IEA", "GS", "ISA":
		// SE is missing (the Reader has reported it): end the transaction,
		// then handle the envelope segment.
		if err := d.endTransaction(); err != nil {
			return err
		}
		return d.envelope(s)
	}
	return nil
}

// envelope handles segments outside an 835 transaction set.
func (d *decoder835) envelope(s Segment) error {
	switch {
	case s.Is("ISA"):
		d.isaControl = d.ar.str(s.Element(13))
		d.sum.Interchanges++
	case s.Is("GS"):
		d.gsControl, d.gsVersion = d.ar.str(s.Element(6)), d.ar.str(s.Element(8))
		d.sum.Groups++
	case s.Is("ST"):
		if string(s.Element(1)) != "835" {
			d.x.AddProblem(s, "transaction set %s skipped: not an 835", clip(s.Element(1)))
			d.skipping = true
			return nil
		}
		d.skipping = false
		d.startTransaction(s)
	case s.Is("SE"):
		d.skipping = false
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

func (d *decoder835) startClaim(s Segment) {
	c := &d.claim
	c.reset()
	d.open, d.svc, d.party = true, nil, nil
	c.Remittance, c.Segment, c.Offset, c.HeaderNumber = d.rm, s.Number, s.Offset, d.lx
	c.PatientControlNumber = d.ar.str(s.Element(1))
	c.Status = d.str(6, s.Element(2))
	c.Billed = d.cents(s, 3, "CLP03 total claim charge")
	c.Paid = d.cents(s, 4, "CLP04 claim payment")
	c.PatientResponsibility = d.optCents(s, 5, "CLP05 patient responsibility")
	c.FilingIndicator = d.str(7, s.Element(6))
	c.PayerClaimNumber = d.ar.str(s.Element(7))
	c.FacilityCode = d.str(8, s.Element(8))
	c.FrequencyCode = d.str(9, s.Element(9))
	if len(c.PatientControlNumber) == 0 {
		d.x.AddProblem(s, "CLP01 patient control number is empty")
	}
	if len(c.Status) == 0 {
		d.x.AddProblem(s, "CLP02 claim status is empty")
	}
}

func (d *decoder835) startService(s Segment) {
	v := d.claim.addService()
	d.svc = v
	v.Segment, v.Offset = s.Number, s.Offset
	d.procedure(s, 1, &v.Procedure)
	v.Billed = d.cents(s, 2, "SVC02 line charge")
	v.Paid = d.cents(s, 3, "SVC03 line payment")
	v.RevenueCode = d.str(10, s.Element(4))
	v.Units = d.str(11, s.Element(5))
	if len(s.Element(6)) > 0 {
		d.procedure(s, 6, &v.Submitted)
	}
	v.SubmittedUnits = d.str(12, s.Element(7))
}

// procedure reads a composite procedure (SVC01, SVC06): qualifier, code,
// up to four modifiers, description, in one pass over the components.
func (d *decoder835) procedure(s Segment, i int, p *Procedure) {
	j := 0
	for c := range s.Components(i) {
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
		d.x.AddProblem(s, "SVC%02d has no procedure code (want qualifier%ccode, such as HC%cG2083)", i, s.Delimiters().Component, s.Delimiters().Component)
	}
}

// cas appends the CAS triplets (reason, amount, quantity at elements 2-4,
// 5-7 ... 17-19) to as.
func (d *decoder835) cas(s Segment, as []Adjustment) []Adjustment {
	g := d.str(16, s.Element(1))
	switch g {
	case "CO", "PR", "OA", "PI", "CR":
	default:
		d.x.AddProblem(s, "CAS01 group code %q is not CO, PR, OA, PI or CR", clip(s.Element(1)))
	}
	n := 0
	for i := 2; i <= 17; i += 3 {
		reason := s.Element(i)
		if len(reason) == 0 {
			if len(s.Element(i+1)) > 0 {
				d.x.AddProblem(s, "CAS%02d amount without a reason code", i+1)
			}
			continue
		}
		amt, err := ParseCents(s.Element(i + 1))
		if err != nil {
			d.x.AddProblem(s, "CAS%02d adjustment amount %q: %v", i+1, clip(s.Element(i+1)), err)
		}
		as = append(as, Adjustment{Group: g, Reason: d.str(17, reason), Amount: amt, Quantity: d.str(18, s.Element(i+2))})
		n++
	}
	if n == 0 {
		d.x.AddProblem(s, "CAS has no reason code")
	}
	return as
}

func (d *decoder835) dtm(s Segment) {
	q := s.Element(1)
	if len(q) == 0 {
		d.x.AddProblem(s, "DTM01 date qualifier is empty")
		return
	}
	dt, err := ParseDate(s.Element(2))
	if err != nil {
		d.x.AddProblem(s, "DTM02 date %q: %v", clip(s.Element(2)), err)
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
			d.x.AddProblem(s, "DTM*%s is not a service line date (472, 150, 151)", clip(q))
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

func (d *decoder835) ref(s Segment) {
	r := Ref{Qualifier: d.str(20, s.Element(1)), Value: d.ar.str(s.Element(2))}
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

func (d *decoder835) amt(s Segment) {
	a := Amount{Qualifier: d.str(21, s.Element(1)), Amount: d.cents(s, 2, "AMT02 amount")}
	switch {
	case d.svc != nil:
		d.svc.Amounts = append(d.svc.Amounts, a)
	case d.open:
		d.claim.Amounts = append(d.claim.Amounts, a)
	}
}

func (d *decoder835) nm1(s Segment) {
	if !d.open {
		return
	}
	e := Entity{Code: d.str(22, s.Element(1)), Last: d.str(23, s.Element(3)), First: d.str(24, s.Element(4)),
		Middle: d.str(25, s.Element(5)), IDQualifier: d.str(26, s.Element(8)), ID: d.ar.str(s.Element(9))}
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

func (d *decoder835) remarks(s Segment, seg string, from, to int) {
	if !d.open {
		d.x.AddProblem(s, "%s outside a claim", seg)
		return
	}
	for i := from; i <= to; i++ {
		if c := s.Element(i); len(c) > 0 {
			d.claim.Remarks = append(d.claim.Remarks, Remark{Code: d.str(27, c), List: "HE", Segment: seg})
		}
	}
}

func (d *decoder835) bpr(s Segment) {
	p := &d.rm.Payment
	p.Handling = d.str(28, s.Element(1))
	p.Amount = d.cents(s, 2, "BPR02 total payment")
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
			Amount: d.cents(s, i+1, fmt.Sprintf("PLB%02d adjustment amount", i+1)),
		})
	}
}

// cents parses a required amount element, recording a problem when it is
// absent or malformed.
func (d *decoder835) cents(s Segment, i int, what string) int64 {
	b := s.Element(i)
	v, err := ParseCents(b)
	if err != nil {
		if len(b) == 0 {
			d.x.AddProblem(s, "%s is missing", what)
		} else {
			d.x.AddProblem(s, "%s %q: %v", what, clip(b), err)
		}
	}
	return v
}

// optCents parses an optional amount element.
func (d *decoder835) optCents(s Segment, i int, what string) int64 {
	if len(s.Element(i)) == 0 {
		return 0
	}
	return d.cents(s, i, what)
}

const numSites = 36

// str returns the string for b at call site i: the one it returned last
// time when b is the same, else the interned one.
func (d *decoder835) str(i int, b []byte) string {
	if c := &d.last[i]; *c == string(b) {
		return *c
	}
	v := d.in.str(b)
	d.last[i] = v
	return v
}

// interner returns one shared string for each distinct short code (group
// codes, CARCs, qualifiers, procedure codes, repeated names), so that a
// claim costs an allocation only for the values that are its own (control
// numbers). It is a direct-mapped cache: a collision just allocates.
type interner struct{ tab [4096]string }

func newInterner() *interner { return new(interner) }

func (in *interner) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 24 {
		return string(b)
	}
	h := uint32(2166136261) // FNV-1a
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	e := &in.tab[h%uint32(len(in.tab))]
	if *e == string(b) {
		return *e
	}
	*e = string(b)
	return *e
}

// arena makes strings for a claim's own values (control numbers, member
// IDs) by copying them into shared 16 KiB chunks, one allocation per chunk
// instead of one per value: allocation and the garbage collection it drives
// were the largest cost of decoding. A chunk is only ever appended to, never
// rewritten, so the strings are immutable as Go requires; a string a caller
// keeps holds its chunk in memory, which is why chunks are small.
type arena struct{ buf []byte }

const arenaChunk = 16 << 10

func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaChunk/16 {
		return string(b)
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, arenaChunk)
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[n], len(b))
}
