package x12

import "github.com/ketacover/ketacover"

// Money in this file is integer cents (an X12 amount of "541.00" is 54100);
// negative amounts keep their sign (reversals, CAS amounts that raise the
// payment). Dates are civil dates; a zero Date means the segment was absent.

// Remittance is one 835 transaction set (ST...SE): one payment or
// notification from a payer to a payee, with its claims.
type Remittance struct {
	Interchange   string `json:"interchange"`       // ISA13
	Group         string `json:"group"`             // GS06
	ControlNumber string `json:"controlNumber"`     // ST02
	Version       string `json:"version,omitempty"` // ST03, else GS08
	Segment       int    `json:"segment"`           // number of the ST segment
	Offset        int64  `json:"offset"`            // byte offset of the ST segment

	Payment        Payment        `json:"payment"`
	Trace          Trace          `json:"trace"`
	ProductionDate ketacover.Date `json:"productionDate,omitzero"` // DTM*405
	Refs           []Ref          `json:"refs,omitempty"`          // header REF (EV receiver, F2 version)
	Payer          Party          `json:"payer"`                   // loop 1000A, N1*PR
	Payee          Party          `json:"payee"`                   // loop 1000B, N1*PE

	// Set when the transaction ends (at SE); zero while its claims stream.
	ProviderAdjustments []ProviderAdjustment `json:"providerAdjustments,omitempty"` // PLB
	Claims              int                  `json:"claims"`
	TotalPaid           int64                `json:"totalPaid"` // sum of CLP04
}

// Imbalance returns BPR02 minus (the sum of CLP04 minus the provider-level
// adjustments): zero for a balanced transaction. Valid once the transaction
// has ended.
func (rm *Remittance) Imbalance() int64 {
	var plb int64
	for _, a := range rm.ProviderAdjustments {
		plb += a.Amount
	}
	return rm.Payment.Amount - (rm.TotalPaid - plb)
}

// Date returns the date the remittance speaks from: the production date
// (DTM*405), else the payment's effective date (BPR16). A denial's appeal
// clock usually runs from when it was received, which this date bounds
// from below.
func (rm *Remittance) Date() ketacover.Date {
	if !rm.ProductionDate.IsZero() {
		return rm.ProductionDate
	}
	return rm.Payment.Date
}

// Payment is the BPR segment: how much, and how it moves.
type Payment struct {
	Handling    string         `json:"handling"`         // BPR01: C payment with advice, H notification only, I, P, U, X
	Amount      int64          `json:"amount"`           // BPR02 total actual provider payment
	CreditDebit string         `json:"creditDebit"`      // BPR03: C or D
	Method      string         `json:"method"`           // BPR04: ACH, CHK, BOP, FWT, NON
	Format      string         `json:"format,omitempty"` // BPR05
	Date        ketacover.Date `json:"date,omitzero"`    // BPR16 effective or check date
}

// Trace is the TRN reassociation trace: the check or EFT number.
type Trace struct {
	Type       string `json:"type"`                 // TRN01
	Number     string `json:"number"`               // TRN02 check or EFT trace number
	Originator string `json:"originator,omitempty"` // TRN03 payer identifier
}

// Party is a payer or payee (an N1 loop).
type Party struct {
	Name        string    `json:"name"`                  // N102
	IDQualifier string    `json:"idQualifier,omitempty"` // N103: XX NPI, FI tax ID, PI payer ID, XV CMS plan ID
	ID          string    `json:"id,omitempty"`          // N104
	Address     Address   `json:"address,omitzero"`
	Refs        []Ref     `json:"refs,omitempty"`
	Contacts    []Contact `json:"contacts,omitempty"`
}

// Address is N3 and N4.
type Address struct {
	Lines  []string `json:"lines,omitempty"`
	City   string   `json:"city,omitempty"`
	State  string   `json:"state,omitempty"`
	Postal string   `json:"postal,omitempty"`
}

// Contact is a PER segment.
type Contact struct {
	Function string `json:"function"` // PER01: CX claims, BL technical, IC website
	Name     string `json:"name,omitempty"`
	Numbers  []Ref  `json:"numbers,omitempty"` // qualifier TE, EM, UR, FX, EX and the number
}

// Ref is a qualified reference (REF, or a PER communication number).
type Ref struct {
	Qualifier string `json:"qualifier"`
	Value     string `json:"value"`
}

// Amount is a qualified amount (AMT), in cents.
type Amount struct {
	Qualifier string `json:"qualifier"` // B6 allowed, AU coverage, F5 patient paid, I interest
	Amount    int64  `json:"amount"`
}

// Dated is a qualified date (DTM) not given its own field.
type Dated struct {
	Qualifier string         `json:"qualifier"`
	Date      ketacover.Date `json:"date"`
}

// Entity is a person or organization named in an NM1 segment.
type Entity struct {
	Code        string `json:"code"`                  // NM101: QC patient, IL insured, 82 rendering, TT crossover carrier
	Last        string `json:"last,omitempty"`        // NM103, or the organization name
	First       string `json:"first,omitempty"`       // NM104
	Middle      string `json:"middle,omitempty"`      // NM105
	IDQualifier string `json:"idQualifier,omitempty"` // NM108: MI member ID, XX NPI, HN HICN, MR Medicaid
	ID          string `json:"id,omitempty"`          // NM109
}

// Adjustment is one CAS triplet: who bears it (the group code), why (the
// CARC) and how much.
type Adjustment struct {
	Group    string `json:"group"`              // CAS01: CO, PR, OA, PI, CR
	Reason   string `json:"reason"`             // CARC
	Amount   int64  `json:"amount"`             // cents; negative raises the payment
	Quantity string `json:"quantity,omitempty"` // units adjusted, as sent
}

// Remark is a remittance advice remark code: LQ at the service line, or
// MOA/MIA at the claim.
type Remark struct {
	Code    string `json:"code"`
	List    string `json:"list"`    // HE: RARC list; RX: NCPDP reject/payment codes
	Segment string `json:"segment"` // LQ, MOA or MIA
}

// IsRARC reports whether the remark is a RARC (not an NCPDP code).
func (r Remark) IsRARC() bool { return r.List == "HE" }

// RARCs returns the codes of the remarks that are RARCs, in order: what
// denial.Classify reads beside a CARC.
func RARCs(rs []Remark) []string {
	var out []string
	for _, r := range rs {
		if r.IsRARC() {
			out = append(out, r.Code)
		}
	}
	return out
}

// ProviderAdjustment is one PLB reason and amount: a provider-level
// adjustment such as interest (L6) or a recoupment (WO, FB). A positive
// amount reduces the payment.
type ProviderAdjustment struct {
	Provider     string         `json:"provider"`              // PLB01
	FiscalPeriod ketacover.Date `json:"fiscalPeriod,omitzero"` // PLB02
	Reason       string         `json:"reason"`                // PLB03-1 and so on
	Reference    string         `json:"reference,omitempty"`
	Amount       int64          `json:"amount"`
}

// Claim statuses of CLP02 (005010X221A1; list also in
// ../shared/reference/standards.md section 6.1).
const (
	StatusPrimary   = "1"
	StatusSecondary = "2"
	StatusTertiary  = "3"
	StatusDenied    = "4"
	StatusReversal  = "22" // reversal of a previous payment
)

// ClaimPayment is one claim of an 835 (loop 2100, CLP) with its service
// lines. Read835 reuses the value it hands to its callback; call Clone to
// keep one.
//
// An import matches it to a stored case by PatientControlNumber (our own
// claim ID, sent back by the payer) or by PayerClaimNumber, and starts the
// appeal clock from Remittance.Date (or a later date of receipt).
type ClaimPayment struct {
	Remittance *Remittance `json:"-"`       // the transaction this claim is in
	Segment    int         `json:"segment"` // number of the CLP segment
	Offset     int64       `json:"offset"`  // byte offset of the CLP segment

	HeaderNumber          string `json:"headerNumber,omitempty"`     // LX01
	PatientControlNumber  string `json:"patientControlNumber"`       // CLP01
	Status                string `json:"status"`                     // CLP02
	Billed                int64  `json:"billed"`                     // CLP03 total claim charge
	Paid                  int64  `json:"paid"`                       // CLP04
	PatientResponsibility int64  `json:"patientResponsibility"`      // CLP05
	FilingIndicator       string `json:"filingIndicator,omitempty"`  // CLP06: 12 PPO, HM HMO, MB Medicare B, MC Medicaid
	PayerClaimNumber      string `json:"payerClaimNumber,omitempty"` // CLP07 (ICN)
	FacilityCode          string `json:"facilityCode,omitempty"`     // CLP08 place of service or type of bill
	FrequencyCode         string `json:"frequencyCode,omitempty"`    // CLP09

	Patient    Entity   `json:"patient,omitzero"`    // NM1*QC
	Subscriber Entity   `json:"subscriber,omitzero"` // NM1*IL
	Rendering  Entity   `json:"rendering,omitzero"`  // NM1*82
	Others     []Entity `json:"others,omitempty"`    // other NM1 (TT crossover carrier, PR corrected payer, 74 corrected insured)

	StatementFrom ketacover.Date `json:"statementFrom,omitzero"` // DTM*232
	StatementTo   ketacover.Date `json:"statementTo,omitzero"`   // DTM*233
	Received      ketacover.Date `json:"received,omitzero"`      // DTM*050 claim received by the payer
	Dates         []Dated        `json:"dates,omitempty"`        // other claim DTM

	Adjustments []Adjustment     `json:"adjustments,omitempty"` // claim-level CAS
	Remarks     []Remark         `json:"remarks,omitempty"`     // MOA and MIA remark codes
	Refs        []Ref            `json:"refs,omitempty"`        // claim REF (1L group, F8 original ref, G1 prior auth)
	Amounts     []Amount         `json:"amounts,omitempty"`     // claim AMT
	Services    []ServicePayment `json:"services,omitempty"`
}

// ServicePayment is one service line (loop 2110, SVC).
type ServicePayment struct {
	Segment int   `json:"segment"`
	Offset  int64 `json:"offset"`

	Procedure      Procedure      `json:"procedure"`                // SVC01
	Billed         int64          `json:"billed"`                   // SVC02 line charge
	Paid           int64          `json:"paid"`                     // SVC03
	RevenueCode    string         `json:"revenueCode,omitempty"`    // SVC04
	Units          string         `json:"units,omitempty"`          // SVC05 units paid, as sent
	Submitted      Procedure      `json:"submitted,omitzero"`       // SVC06: the code billed, when the payer paid another
	SubmittedUnits string         `json:"submittedUnits,omitempty"` // SVC07
	ServiceDate    ketacover.Date `json:"serviceDate,omitzero"`     // DTM*472
	PeriodStart    ketacover.Date `json:"periodStart,omitzero"`     // DTM*150
	PeriodEnd      ketacover.Date `json:"periodEnd,omitzero"`       // DTM*151
	ControlNumber  string         `json:"controlNumber,omitempty"`  // REF*6R line item control number

	Adjustments []Adjustment `json:"adjustments,omitempty"`
	Remarks     []Remark     `json:"remarks,omitempty"` // LQ
	Refs        []Ref        `json:"refs,omitempty"`    // other REF (0K policy, 1B provider ID)
	Amounts     []Amount     `json:"amounts,omitempty"` // AMT (B6 allowed)
}

// Procedure is a composite procedure code: qualifier (HC for CPT/HCPCS,
// NU for revenue codes, N4 for NDC), code and modifiers.
type Procedure struct {
	Qualifier   string   `json:"qualifier"`
	Code        string   `json:"code"`
	Modifiers   []string `json:"modifiers,omitempty"`
	Description string   `json:"description,omitempty"`
}

// Allowed returns the allowed amount (AMT*B6) and whether the payer sent it.
func (s *ServicePayment) Allowed() (int64, bool) {
	for _, a := range s.Amounts {
		if a.Qualifier == "B6" {
			return a.Amount, true
		}
	}
	return 0, false
}

// Imbalance returns SVC02 - SVC03 - (sum of line CAS): zero when the line
// balances.
func (s *ServicePayment) Imbalance() int64 {
	return s.Billed - s.Paid - sumAdjustments(s.Adjustments)
}

// Reversal reports whether the claim reverses an earlier payment (CLP02 22).
func (c *ClaimPayment) Reversal() bool { return c.Status == StatusReversal }

// Denied reports whether the payer denied the claim (CLP02 4).
func (c *ClaimPayment) Denied() bool { return c.Status == StatusDenied }

// Imbalance returns CLP03 - CLP04 - (claim and line CAS): zero when the
// claim balances, the check standards.md section 6.1 gives.
func (c *ClaimPayment) Imbalance() int64 {
	d := c.Billed - c.Paid - sumAdjustments(c.Adjustments)
	for i := range c.Services {
		d -= sumAdjustments(c.Services[i].Adjustments)
	}
	return d
}

// AllAdjustments calls fn for every adjustment of the claim, claim level
// first, then each line's, with the line (nil at claim level).
func (c *ClaimPayment) AllAdjustments(fn func(line *ServicePayment, a Adjustment)) {
	for _, a := range c.Adjustments {
		fn(nil, a)
	}
	for i := range c.Services {
		for _, a := range c.Services[i].Adjustments {
			fn(&c.Services[i], a)
		}
	}
}

// Ref returns the value of the claim's first REF with qualifier q ("G1"
// prior authorization number, "F8" original reference number).
func (c *ClaimPayment) Ref(q string) string {
	for _, r := range c.Refs {
		if r.Qualifier == q {
			return r.Value
		}
	}
	return ""
}

func sumAdjustments(as []Adjustment) int64 {
	var t int64
	for _, a := range as {
		t += a.Amount
	}
	return t
}

// Clone returns a deep copy of c that Read835 will not overwrite.
func (c *ClaimPayment) Clone() *ClaimPayment {
	d := *c
	d.Others = append([]Entity(nil), c.Others...)
	d.Dates = append([]Dated(nil), c.Dates...)
	d.Adjustments = append([]Adjustment(nil), c.Adjustments...)
	d.Remarks = append([]Remark(nil), c.Remarks...)
	d.Refs = append([]Ref(nil), c.Refs...)
	d.Amounts = append([]Amount(nil), c.Amounts...)
	d.Services = make([]ServicePayment, len(c.Services))
	for i := range c.Services {
		s := c.Services[i]
		s.Procedure.Modifiers = append([]string(nil), s.Procedure.Modifiers...)
		s.Submitted.Modifiers = append([]string(nil), s.Submitted.Modifiers...)
		s.Adjustments = append([]Adjustment(nil), s.Adjustments...)
		s.Remarks = append([]Remark(nil), s.Remarks...)
		s.Refs = append([]Ref(nil), s.Refs...)
		s.Amounts = append([]Amount(nil), s.Amounts...)
		d.Services[i] = s
	}
	return &d
}

// reset empties c for reuse, keeping the capacity of its slices.
func (c *ClaimPayment) reset() {
	svcs := c.Services[:0]
	*c = ClaimPayment{
		Others:      c.Others[:0],
		Dates:       c.Dates[:0],
		Adjustments: c.Adjustments[:0],
		Remarks:     c.Remarks[:0],
		Refs:        c.Refs[:0],
		Amounts:     c.Amounts[:0],
		Services:    svcs,
	}
}

// addService appends an empty service line, reusing an old slot's slices.
func (c *ClaimPayment) addService() *ServicePayment {
	n := len(c.Services)
	if n < cap(c.Services) {
		c.Services = c.Services[:n+1]
		s := &c.Services[n]
		*s = ServicePayment{
			Procedure:   Procedure{Modifiers: s.Procedure.Modifiers[:0]},
			Submitted:   Procedure{Modifiers: s.Submitted.Modifiers[:0]},
			Adjustments: s.Adjustments[:0],
			Remarks:     s.Remarks[:0],
			Refs:        s.Refs[:0],
			Amounts:     s.Amounts[:0],
		}
		return s
	}
	c.Services = append(c.Services, ServicePayment{})
	return &c.Services[n]
}

// IsZero reports whether no procedure was sent (for JSON omitzero).
func (p Procedure) IsZero() bool { return p.Qualifier == "" && p.Code == "" && p.Description == "" }

// IsZero reports whether no address was sent (for JSON omitzero).
func (a Address) IsZero() bool {
	return len(a.Lines) == 0 && a.City == "" && a.State == "" && a.Postal == ""
}

// claimStatuses are the CLP02 claim status codes of the 835, in words (X12
// code list as carried in openemr/openemr src/Billing/BillingUtilities.php
// CLAIM_STATUS_CODES_CLP02; also standards.md section 6.1).
var claimStatuses = map[string]string{
	"1":  "processed as primary",
	"2":  "processed as secondary",
	"3":  "processed as tertiary",
	"4":  "denied",
	"19": "processed as primary, forwarded to another payer",
	"20": "processed as secondary, forwarded to another payer",
	"21": "processed as tertiary, forwarded to another payer",
	"22": "reversal of a previous payment",
	"23": "not our claim, forwarded to another payer",
	"25": "predetermination pricing only, no payment",
}

// StatusText returns CLP02 in words, or "status CODE" for a code not listed.
func StatusText(code string) string {
	if s, ok := claimStatuses[code]; ok {
		return s
	}
	return "status " + code
}
