package x12

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
)

// Version278 is the implementation guide of the 278 request Write278
// writes.
const Version278 = "005010X217"

// The codes Write278 emits and where each comes from. Section numbers are
// of ../shared/reference/standards.md; the segment order inside loops 2000E
// and 2000F follows the 278 segment positions (TRN 0200, UM 0400, DTP 0700,
// HI 0800, SV1 0810, HSD 0900) listed at
// http://help.truecommerce.com/en/articles/10221066-x12-278-health-care-services-review-information.
//
//   - ISA: the delimiters * ^ : ~ and version 00501 (section 6: ISA11 is the
//     repetition separator, ISA16 the component separator). ISA01/ISA03 00
//     (no authorization or security information), ISA05/ISA07 ZZ (mutually
//     defined), ISA14 0 (no acknowledgment requested) and ISA15 T/P (test,
//     production) are not in the reference; they are the X12 interchange
//     control values listed by Stedi (https://stedi.com/edi/x12-004010/segment/ISA,
//     https://stedi.com/edi/x12-006030/element/I13) and Oracle's X12 guide
//     (https://docs.oracle.com/cd/E19398-01/820-1275/agdgb/index.html).
//   - GS08 and ST03 005010X217 (section 6). GS01 HI, the functional group
//     of a 278, is not in the reference: Stedi's X217 page names it
//     (https://www.stedi.com/edi/hipaa/transaction-set/278-A1), as does
//     envelope.go. GS07 X (the X12 agency) is not in the reference either;
//     every sample under ../shared/samples/x12 carries it.
//   - BHT01 0007, BHT02 13 request (section 6.3).
//   - HL03 20 UMO, 21 requester, 22 subscriber, EV patient event, SS service
//     (section 6.3 loop list and skeleton); HL04 1 has children, 0 none
//     (skeleton).
//   - NM1*X3 UMO with PI payer ID; NM1*1P requester with XX NPI; NM1*IL
//     subscriber with MI member ID; NM102 1 person, 2 organization (section
//     6.3 skeleton; XX is the NPI qualifier in section 6.1).
//   - DMG*D8 with F or M (section 6.3 skeleton; M in the 271 sample).
//   - TRN*1 with the trace number and "1" plus the requester's EIN (skeleton;
//     TRN03 format: http://www.eedi.net/278004010X094A1/57_278004010X094A1.htm).
//   - UM01 HS, UM02 I initial or R renewal, UM03 service type (list 1365),
//     UM06 U urgent (section 6.3).
//   - HI ABK principal ICD-10-CM, ABF other (section 6.3).
//   - SV1 HC:code, charge, UN, units; HSD*VS visits (skeleton); DTP*472 D8
//     service date (section 6.3).
//
// Left out because the reference gives no qualifier for them: the patient
// as a dependent (loop 2000D), event and service provider NM1 loops (2010E,
// 2010F: the rendering site), UM04 place of service, a requested date range
// (DTP with RD8), prior authorization numbers on a renewal (REF) and
// attachments (PWK).

// ServicesReview is a 278 request for review (005010X217) for one patient
// event: the utilization management organization (UMO) asked, the
// requester, the subscriber (who is the patient), the diagnoses and the
// services requested.
type ServicesReview struct {
	Envelope  Envelope
	Reference string // BHT03: the requester's reference for this request; TRN02 of the event

	UMO        Organization // loop 2010A, NM1*X3
	Requester  Party278     // loop 2010B, NM1*1P
	Subscriber Subscriber   // loop 2010C, NM1*IL and DMG

	// TraceOriginator is TRN03: "1" followed by the requester's EIN.
	TraceOriginator string
	Certification   string   // UM02: I initial, R renewal
	ServiceType     string   // UM03: a code of list 1365, such as MH
	Urgent          bool     // UM06 U: an expedited review
	Diagnoses       []string // ICD-10-CM codes, principal first (HI ABK, ABF)
	Services        []ServiceLine
}

// Envelope is what the ISA, GS and ST segments carry.
type Envelope struct {
	SenderID   string         // ISA06 (ZZ) and GS02, at most 15 characters
	ReceiverID string         // ISA08 (ZZ) and GS03, at most 15 characters
	Control    int            // ISA13, GS06 and ST02: 1 to 999999999, unique per sender
	Date       ketacover.Date // ISA09, GS04, BHT04
	Time       string         // HHMM: ISA10, GS05, BHT05
	Production bool           // ISA15 P; false writes T (test)
	// OneLine writes the interchange without a line break after each
	// segment terminator, for receivers that refuse them.
	OneLine bool
}

// Organization is a payer or UMO: its name and payer ID.
type Organization struct {
	Name string
	ID   string // NM109 with NM108 PI
}

// Party278 is the requester: a person (the prescriber) or an organization
// (the treating site), identified by NPI.
type Party278 struct {
	Person bool
	Last   string // or the organization's name
	First  string
	NPI    string // NM109 with NM108 XX
}

// Subscriber is the member, who is also the patient.
type Subscriber struct {
	Last, First string
	MemberID    string         // NM109 with NM108 MI
	BirthDate   ketacover.Date // DMG02; zero leaves DMG out
	Sex         string         // DMG03: F or M; empty leaves it out
}

// ServiceLine is one service requested (loop 2000F).
type ServiceLine struct {
	Code   string          // CPT or HCPCS code (SV101 HC)
	Charge ketacover.Cents // SV102: the charge for all units; zero when unknown
	Units  int             // SV104 in units (UN)
	Visits int             // HSD*VS: sessions; zero leaves HSD out
	Start  ketacover.Date  // DTP*472: the first date of service
	Trace  string          // TRN02 of the service
}

var (
	npiRE     = regexp.MustCompile(`^[0-9]{10}$`)
	codeRE    = regexp.MustCompile(`^[0-9A-Z]{5}$`)
	icd10RE   = regexp.MustCompile(`^[A-TV-Z][0-9][0-9AB](\.?[0-9A-TV-Z]{1,4})?$`)
	hhmmRE    = regexp.MustCompile(`^([01][0-9]|2[0-3])[0-5][0-9]$`)
	originRE  = regexp.MustCompile(`^[139][0-9A-Z]{9}$`)
	serviceRE = regexp.MustCompile(`^[0-9A-Z]{1,2}$`)
)

// maxDiagnoses is the number of composites of an HI segment.
const maxDiagnoses = 12

// Validate reports every field of r that cannot be written, named by its
// path, as an EINVALID error. Values may not contain the interchange's
// delimiters (* ^ : ~) or line breaks.
func (r *ServicesReview) Validate() error {
	var p []string
	bad := func(field, format string, args ...any) { p = append(p, field+": "+fmt.Sprintf(format, args...)) }
	need := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			bad(field, "required")
		}
	}
	text := func(field, v string, max int) {
		if strings.ContainsAny(v, "*^:~\r\n") {
			bad(field, "%q contains a delimiter (* ^ : ~) or a line break", v)
		} else if len(v) > max {
			bad(field, "%q is longer than %d characters", v, max)
		}
	}
	env := r.Envelope
	need("envelope.sender", env.SenderID)
	text("envelope.sender", env.SenderID, 15)
	need("envelope.receiver", env.ReceiverID)
	text("envelope.receiver", env.ReceiverID, 15)
	if env.Control < 1 || env.Control > 999999999 {
		bad("envelope.control", "want 1 to 999999999, got %d", env.Control)
	}
	if env.Date.IsZero() || env.Date.Year < 2000 || env.Date.Year > 2099 {
		bad("envelope.date", "want a date in 2000 to 2099, got %s", env.Date)
	}
	if !hhmmRE.MatchString(env.Time) {
		bad("envelope.time", "want HHMM, got %q", env.Time)
	}
	need("reference", r.Reference)
	text("reference", r.Reference, 30)
	need("umo.name", r.UMO.Name)
	text("umo.name", r.UMO.Name, 60)
	need("umo.id", r.UMO.ID)
	text("umo.id", r.UMO.ID, 80)
	need("requester.last", r.Requester.Last)
	text("requester.last", r.Requester.Last, 60)
	text("requester.first", r.Requester.First, 35)
	if !npiRE.MatchString(r.Requester.NPI) {
		bad("requester.npi", "want a 10-digit NPI, got %q", r.Requester.NPI)
	}
	s := r.Subscriber
	need("subscriber.last", s.Last)
	text("subscriber.last", s.Last, 60)
	text("subscriber.first", s.First, 35)
	need("subscriber.member_id", s.MemberID)
	text("subscriber.member_id", s.MemberID, 80)
	if s.Sex != "" && s.Sex != "F" && s.Sex != "M" {
		bad("subscriber.sex", "want F or M, got %q", s.Sex)
	}
	if !originRE.MatchString(r.TraceOriginator) {
		bad("trace_originator", "want 1 and a 9-digit EIN (or 3 and a DUNS, 9 and an assigned number), got %q", r.TraceOriginator)
	}
	if r.Certification != "I" && r.Certification != "R" {
		bad("certification", "want I (initial) or R (renewal), got %q", r.Certification)
	}
	if !serviceRE.MatchString(r.ServiceType) {
		bad("service_type", "want a service type code such as MH, got %q", r.ServiceType)
	}
	if len(r.Diagnoses) == 0 {
		bad("diagnoses", "want at least the principal ICD-10-CM diagnosis")
	}
	if len(r.Diagnoses) > maxDiagnoses {
		bad("diagnoses", "at most %d fit in one HI segment, got %d", maxDiagnoses, len(r.Diagnoses))
	}
	for i, d := range r.Diagnoses {
		if !icd10RE.MatchString(d) {
			bad(fmt.Sprintf("diagnoses[%d]", i), "want an ICD-10-CM code such as F33.2, got %q", d)
		}
	}
	if len(r.Services) == 0 {
		bad("services", "want at least one service")
	}
	for i, l := range r.Services {
		at := fmt.Sprintf("services[%d]", i)
		if !codeRE.MatchString(l.Code) {
			bad(at+".code", "want a CPT or HCPCS code such as 96365, got %q", l.Code)
		}
		if l.Units < 1 || l.Units > 99999 {
			bad(at+".units", "want 1 to 99999, got %d", l.Units)
		}
		if l.Visits < 0 || l.Visits > 9999 {
			bad(at+".visits", "want 0 to 9999, got %d", l.Visits)
		}
		if l.Charge < 0 {
			bad(at+".charge", "want 0 or more, got %s", l.Charge)
		}
		need(at+".trace", l.Trace)
		text(at+".trace", l.Trace, 50)
	}
	if len(p) == 0 {
		return nil
	}
	return ketacover.Errorf(ketacover.EINVALID, "278 request: %s", strings.Join(p, "; "))
}

// Write278 validates r and writes it as one interchange holding one
// functional group and one 278 transaction set, with SE, GE and IEA counts
// and control numbers that match. Nothing is written when r is invalid.
func Write278(w io.Writer, r *ServicesReview) error {
	if err := r.Validate(); err != nil {
		return err
	}
	env := r.Envelope
	var segs []string
	add := func(elems ...string) { segs = append(segs, strings.TrimRight(strings.Join(elems, "*"), "*")) }
	date8 := func(d ketacover.Date) string { return fmt.Sprintf("%04d%02d%02d", d.Year, d.Month, d.Day) }
	ctrl := strconv.Itoa(env.Control)
	usage := "T"
	if env.Production {
		usage = "P"
	}
	isa := fmt.Sprintf("ISA*00*%-10s*00*%-10s*ZZ*%-15s*ZZ*%-15s*%s*%s*^*00501*%09d*0*%s*:", "", "", env.SenderID, env.ReceiverID,
		date8(env.Date)[2:], env.Time, env.Control, usage)
	segs = append(segs, isa)
	add("GS", "HI", env.SenderID, env.ReceiverID, date8(env.Date), env.Time, ctrl, "X", Version278)
	st := len(segs)
	add("ST", "278", fmt.Sprintf("%04d", env.Control), Version278)
	add("BHT", "0007", "13", r.Reference, date8(env.Date), env.Time)
	add("HL", "1", "", "20", "1")
	add("NM1", "X3", "2", r.UMO.Name, "", "", "", "", "PI", r.UMO.ID)
	add("HL", "2", "1", "21", "1")
	if rq := r.Requester; rq.Person {
		add("NM1", "1P", "1", rq.Last, rq.First, "", "", "", "XX", rq.NPI)
	} else {
		add("NM1", "1P", "2", rq.Last, "", "", "", "", "XX", rq.NPI)
	}
	add("HL", "3", "2", "22", "1")
	s := r.Subscriber
	add("NM1", "IL", "1", s.Last, s.First, "", "", "", "MI", s.MemberID)
	if !s.BirthDate.IsZero() {
		add("DMG", "D8", date8(s.BirthDate), s.Sex)
	}
	add("HL", "4", "3", "EV", "1")
	add("TRN", "1", r.Reference, r.TraceOriginator)
	level := ""
	if r.Urgent {
		level = "U"
	}
	add("UM", "HS", r.Certification, r.ServiceType, "", "", level)
	hi := []string{"HI"}
	for i, d := range r.Diagnoses {
		q := "ABF"
		if i == 0 {
			q = "ABK"
		}
		hi = append(hi, q+":"+strings.ReplaceAll(d, ".", ""))
	}
	add(hi...)
	for i, l := range r.Services {
		add("HL", strconv.Itoa(5+i), "4", "SS", "0")
		add("TRN", "1", l.Trace, r.TraceOriginator)
		add("UM", "HS", r.Certification, r.ServiceType)
		if !l.Start.IsZero() {
			add("DTP", "472", "D8", date8(l.Start))
		}
		add("SV1", "HC:"+l.Code, amount(l.Charge), "UN", strconv.Itoa(l.Units))
		if l.Visits > 0 {
			add("HSD", "VS", strconv.Itoa(l.Visits))
		}
	}
	add("SE", strconv.Itoa(len(segs)-st+1), fmt.Sprintf("%04d", env.Control))
	add("GE", "1", ctrl)
	add("IEA", "1", fmt.Sprintf("%09d", env.Control))

	sep := "~\n"
	if env.OneLine {
		sep = "~"
	}
	var b bytes.Buffer
	for _, s := range segs {
		b.WriteString(s)
		b.WriteString(sep)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// amount writes cents as an X12 decimal amount: 84000 is "840", 12345 is
// "123.45", 0 is "0".
func amount(c ketacover.Cents) string {
	s := strconv.FormatInt(int64(c)/100, 10)
	if f := int64(c) % 100; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", f), "0")
	}
	return s
}
