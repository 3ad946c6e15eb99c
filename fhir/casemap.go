package fhir

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/ketacover/ketacover"
)

// Order is a draft order (or booked appointment) for IV ketamine or
// esketamine, found in a CDS Hooks context or a DTR request.
type Order struct {
	Type    string            // ServiceRequest, MedicationRequest or Appointment
	ID      string            // the resource id
	Therapy ketacover.Therapy // what is ordered
	Codes   []Coding          // the CPT and HCPCS codes on the order
	DoseMg  *float64          // esketamine dose per session, when the order says
	Reasons []CodeableConcept // reasonCode
	Start   *ketacover.Date   // first date of service, when the order says
	BasedOn []string          // Appointment.basedOn references
	Raw     json.RawMessage   // the resource as received
}

// Ref returns the order's relative reference, e.g. "ServiceRequest/1357".
func (o *Order) Ref() string { return o.Type + "/" + o.ID }

// orderView is the part of an order resource classify reads.
type orderView struct {
	ResourceType              string            `json:"resourceType"`
	ID                        string            `json:"id"`
	Code                      *CodeableConcept  `json:"code,omitempty"`
	MedicationCodeableConcept *CodeableConcept  `json:"medicationCodeableConcept,omitempty"`
	ServiceType               []CodeableConcept `json:"serviceType,omitempty"`
	AppointmentType           *CodeableConcept  `json:"appointmentType,omitempty"`
	ReasonCode                []CodeableConcept `json:"reasonCode,omitempty"`
	BasedOn                   []Reference       `json:"basedOn,omitempty"`
	DosageInstruction         []Dosage          `json:"dosageInstruction,omitempty"`
	OccurrenceDateTime        string            `json:"occurrenceDateTime,omitempty"`
	OccurrencePeriod          *Period           `json:"occurrencePeriod,omitempty"`
	Start                     string            `json:"start,omitempty"` // Appointment
}

// ClassifyOrder reads a draft order and reports whether it orders IV
// ketamine or esketamine. It returns nil, nil for any other order (not ours
// to answer) and an error for JSON that is not a resource.
func ClassifyOrder(raw json.RawMessage) (*Order, error) {
	var v orderView
	if err := decodeOrderView(raw, &v); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "order: %v", err)
	}
	var concepts []CodeableConcept
	switch v.ResourceType {
	case "ServiceRequest":
		if v.Code != nil {
			concepts = append(concepts, *v.Code)
		}
	case "MedicationRequest":
		if v.MedicationCodeableConcept != nil {
			concepts = append(concepts, *v.MedicationCodeableConcept)
		}
	case "Appointment":
		concepts = append(concepts, v.ServiceType...)
		if v.AppointmentType != nil {
			concepts = append(concepts, *v.AppointmentType)
		}
	default:
		return nil, nil
	}
	o := &Order{Type: v.ResourceType, ID: v.ID, Reasons: v.ReasonCode, Raw: raw}
	for _, b := range v.BasedOn {
		o.BasedOn = append(o.BasedOn, b.Reference)
	}
	o.Therapy, o.Codes = classify(concepts)
	if o.Therapy == "" {
		return nil, nil
	}
	if o.Therapy == ketacover.TherapyEsketamine {
		o.DoseMg = doseMg(v.DosageInstruction, false)
	}
	switch {
	case v.OccurrenceDateTime != "":
		o.Start = parseDate(v.OccurrenceDateTime)
	case v.OccurrencePeriod != nil:
		o.Start = parseDate(v.OccurrencePeriod.Start)
	case v.Start != "":
		o.Start = parseDate(v.Start)
	}
	return o, nil
}

// classify decides the therapy from an order's codes and names. Esketamine
// has codes of its own; the infusion and unclassified-drug codes count as IV
// ketamine only with ketamine named, and the name alone is enough.
func classify(concepts []CodeableConcept) (ketacover.Therapy, []Coding) {
	var therapy ketacover.Therapy
	var codes []Coding
	words := ""
	for _, cc := range concepts {
		words += " " + cc.Words()
		for _, c := range cc.Coding {
			if c.System == systemRxNorm && oneOf(c.Code, esketamineRxNorm...) {
				therapy = ketacover.TherapyEsketamine
			}
			for _, bc := range therapyCodes {
				sys := []string{bc.System}
				if bc.System == SystemHCPCS {
					sys = hcpcsSystems
				}
				if c.Code == bc.Code && oneOf(c.System, sys...) {
					codes = append(codes, Coding{System: bc.System, Code: bc.Code, Display: c.Display})
					if bc.Therapy == ketacover.TherapyEsketamine {
						therapy = ketacover.TherapyEsketamine
					}
				}
			}
		}
	}
	esk := strings.Contains(words, "esketamine") || strings.Contains(words, "spravato")
	ket := strings.Contains(strings.ReplaceAll(words, "esketamine", ""), "ketamine")
	switch {
	case therapy == ketacover.TherapyEsketamine || esk:
		therapy = ketacover.TherapyEsketamine
	case ket:
		therapy = ketacover.TherapyKetamineIV
	}
	return therapy, codes
}

// Record is what an EHR says about one patient: the resources a CDS Hooks
// prefetch or a DTR request carries. Add resources with Add, then build the
// case with Case. What Add reads from a resource it has seen before is
// shared with the records that read it first: treat the values in a
// Record as read-only.
type Record struct {
	Patient       *Patient
	Coverages     []Coverage
	Conditions    []Condition
	Medications   []medicationUse
	Observations  []Observation
	Practitioners []Practitioner
	Organizations []Organization
	Order         *Order
}

// Add checks raw as FHIR R4 (see Parse) and files it, or every entry of it
// when it is a Bundle. An OperationOutcome (a prefetch the client could not
// fill) is skipped. Resources ketacover does not read are checked and
// ignored.
func (r *Record) Add(raw json.RawMessage) error {
	h := filed.hash(raw)
	if f, ok := filed.get(h, raw); ok {
		r.merge(f)
		return nil
	}
	// What filed keeps was checked, so a resource it will keep is parsed
	// without also being kept by Check's cache.
	keep := len(raw) <= filedMaxBytes
	check := Check
	if keep {
		check = func(raw []byte) error { _, err := Parse(raw); return err }
	}
	if err := check(raw); err != nil {
		return err
	}
	f := &Record{}
	if err := f.add(raw); err != nil {
		return err
	}
	if keep {
		filed.put(h, raw, f)
	}
	r.merge(f)
	return nil
}

// merge files what f read after what r holds, as if r had read it.
func (r *Record) merge(f *Record) {
	if f.Patient != nil {
		r.Patient = f.Patient
	}
	r.Coverages = append(r.Coverages, f.Coverages...)
	r.Conditions = append(r.Conditions, f.Conditions...)
	r.Medications = append(r.Medications, f.Medications...)
	r.Observations = append(r.Observations, f.Observations...)
	r.Practitioners = append(r.Practitioners, f.Practitioners...)
	r.Organizations = append(r.Organizations, f.Organizations...)
}

func (r *Record) add(raw json.RawMessage) error {
	rt := ResourceType(raw)
	var err error
	switch rt {
	case "Bundle":
		var b Bundle
		if err = json.Unmarshal(raw, &b); err != nil {
			break
		}
		for i, e := range b.Entry {
			if len(e.Resource) == 0 {
				continue
			}
			if err := r.add(e.Resource); err != nil {
				return fmt.Errorf("entry[%d]: %w", i, err)
			}
		}
	case "Patient":
		var p Patient
		if err = json.Unmarshal(raw, &p); err == nil {
			r.Patient = &p
		}
	case "Coverage":
		var c Coverage
		if err = json.Unmarshal(raw, &c); err == nil {
			r.Coverages = append(r.Coverages, c)
		}
	case "Condition":
		var c Condition
		if err = json.Unmarshal(raw, &c); err == nil {
			r.Conditions = append(r.Conditions, c)
		}
	case "MedicationRequest", "MedicationStatement":
		var m medicationUse
		if err = json.Unmarshal(raw, &m); err == nil {
			m.reasons = m.statusReasons()
			r.Medications = append(r.Medications, m)
		}
	case "Observation":
		var o Observation
		if err = json.Unmarshal(raw, &o); err == nil {
			r.Observations = append(r.Observations, o)
		}
	case "Practitioner":
		var p Practitioner
		if err = json.Unmarshal(raw, &p); err == nil {
			r.Practitioners = append(r.Practitioners, p)
		}
	case "Organization":
		var o Organization
		if err = json.Unmarshal(raw, &o); err == nil {
			r.Organizations = append(r.Organizations, o)
		}
	}
	if err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "%s: %v", rt, err)
	}
	return nil
}

// ActiveCoverages returns the coverages whose status is active.
func (r *Record) ActiveCoverages() []Coverage {
	var out []Coverage
	for _, c := range r.Coverages {
		if c.Status == "active" {
			out = append(out, c)
		}
	}
	return out
}

// Case builds the case the record describes, for its order and a date of
// service asOf. Facts the record does not hold stay unknown (nil or
// empty), never false: the policy evaluation then asks for them. The notes
// say what was read and what could not be.
func (r *Record) Case(asOf ketacover.Date) (*ketacover.Case, []string) {
	return r.Base(asOf).For(r.Order)
}

// CaseBase is the case a record describes without its order: the patient,
// plan, prescriber, diagnoses, medication trials and scores on a date of
// service. A hook call with two orders reads them once (they were a
// twentieth of the call, read twice).
type CaseBase struct {
	c     ketacover.Case
	notes []string
}

// Base reads the record, but for its order, for a date of service asOf.
func (r *Record) Base(asOf ketacover.Date) *CaseBase {
	b := &CaseBase{}
	c := &b.c
	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	if p := r.Patient; p != nil {
		c.ID = "fhir-patient-" + p.ID
		c.Patient.BirthDate = parseDate(p.BirthDate)
		switch p.Gender {
		case "female", "male", "other":
			c.Patient.Sex = p.Gender
		}
		if n := currentName(p.Name); n != "" {
			c.Patient.Name = n
		}
		if a := currentAddress(p.Address); a != nil {
			if s := strings.ToUpper(strings.TrimSpace(a.State)); len(s) == 2 {
				c.Patient.State = s
			}
			if z := a.PostalCode; len(z) >= 5 && strings.Trim(z[:5], "0123456789") == "" {
				c.Patient.ZIP = z[:5]
			}
		}
	}
	if cov := r.ActiveCoverages(); len(cov) > 0 {
		r.plan(&c.Plan, cov[0])
	}
	if len(r.Practitioners) > 0 {
		pr := r.Practitioners[0]
		c.Prescriber.Name = currentName(pr.Name)
		for _, id := range pr.Identifier {
			if id.System == SystemNPI {
				c.Prescriber.NPI = id.Value
			}
		}
	}
	// Diagnoses: active conditions and the order's reasons.
	seen := map[string]bool{}
	addDx := func(cc CodeableConcept) {
		for _, cd := range cc.Coding {
			if cd.System == SystemICD10CM && cd.Code != "" && !seen[cd.Code] {
				seen[cd.Code] = true
				c.History.Diagnoses = append(c.History.Diagnoses, ketacover.Diagnosis{Code: cd.Code, Description: cd.Display})
			}
		}
	}
	for _, cond := range r.Conditions {
		if !conditionActive(cond) {
			continue
		}
		addDx(cond.Code)
	}
	// Medication history: antidepressant and augmentation trials.
	for _, m := range r.Medications {
		tr, ok := trialOf(m, asOf)
		if !ok {
			continue
		}
		c.History.Trials = append(c.History.Trials, tr)
	}
	if len(r.Medications) > 0 && len(c.History.Trials) == 0 {
		note("%d medication records were read, none of a known antidepressant or augmenting drug", len(r.Medications))
	}
	// Rating scales.
	for _, ob := range r.Observations {
		if !oneOf(ob.Status, "final", "amended", "corrected") {
			continue
		}
		if !ob.Code.Has(LOINCPHQ9, SystemLOINC) {
			continue
		}
		v, ok := obsValue(ob)
		d := obsDate(ob)
		if !ok || d == nil || v < 0 || v > 27 {
			note("PHQ-9 Observation %s has no usable score or date", ob.ID)
			continue
		}
		c.History.Scores = append(c.History.Scores, ketacover.Score{Scale: "PHQ-9", Value: v, Date: *d})
	}
	sort.SliceStable(c.History.Scores, func(i, j int) bool { return c.History.Scores[i].Date.Before(c.History.Scores[j].Date) })
	c.Normalize()
	b.notes = notes
	return b
}

// For returns the case for order o (nil: none) on b. The case shares b's
// lists, but for its diagnoses, which the order's reasons extend: treat
// the rest as read-only, as Record's values are.
func (b *CaseBase) For(o *Order) (*ketacover.Case, []string) {
	c := b.c
	c.History.Diagnoses = slices.Clip(c.History.Diagnoses) // appends copy
	seen := make(map[string]bool, len(c.History.Diagnoses))
	for _, d := range c.History.Diagnoses {
		seen[d.Code] = true
	}
	addDx := func(cc CodeableConcept) {
		for _, cd := range cc.Coding {
			if cd.System == SystemICD10CM && cd.Code != "" && !seen[cd.Code] {
				seen[cd.Code] = true
				c.History.Diagnoses = append(c.History.Diagnoses, ketacover.Diagnosis{Code: cd.Code, Description: cd.Display})
			}
		}
	}
	if o != nil {
		c.Therapy.Drug = o.Therapy
		c.Therapy.DoseMg = o.DoseMg
		c.Therapy.StartDate = o.Start
		for _, rc := range o.Reasons {
			addDx(rc)
		}
	}
	c.Therapy.Indication = ketacover.IndicationTRD
	if seen[icdSuicidalIdeation] {
		// Suicidal ideation recorded as an active condition or as the
		// order's reason: the request is for MDD with acute suicidal
		// ideation (Spravato's second indication).
		t := true
		c.History.Suicidality.Ideation = &t
		if c.Therapy.Drug == ketacover.TherapyEsketamine {
			c.Therapy.Indication = ketacover.IndicationMDSI
		}
	}
	return &c, slices.Clip(b.notes)
}

// plan fills the plan from a Coverage: the payer's name (the payor's
// display), the plan name, member ID and group number. The plan type is
// not in a Coverage in a form ketacover can rely on; the caller sets it.
func (r *Record) plan(p *ketacover.Plan, cov Coverage) {
	for _, ref := range cov.Payor {
		name := ref.Display
		if name == "" {
			name = r.orgName(ref.Reference)
		}
		if name != "" {
			p.Payer = name
			break
		}
	}
	p.MemberID = cov.SubscriberID
	for _, id := range cov.Identifier {
		if id.Type.Has("MB", systemV20203) && id.Value != "" {
			p.MemberID = id.Value
		}
	}
	for _, cl := range cov.Class {
		switch {
		case cl.Type.Has("plan", systemCoverageClass):
			p.Name = cl.Name
			if p.Name == "" {
				p.Name = cl.Value
			}
		case cl.Type.Has("group", systemCoverageClass):
			p.GroupNumber = cl.Value
		}
	}
}

// orgName finds the name of a referenced Organization in the record.
func (r *Record) orgName(ref string) string {
	id := ref[strings.LastIndex(ref, "/")+1:]
	id = strings.TrimPrefix(id, "#")
	for _, o := range r.Organizations {
		if o.ID == id && id != "" {
			return o.Name
		}
	}
	return ""
}

// conditionActive reports whether a condition counts now: not resolved,
// inactive or in remission, and not refuted or entered in error.
func conditionActive(c Condition) bool {
	for _, cd := range c.ClinicalStatus.Coding {
		if oneOf(cd.Code, "inactive", "remission", "resolved") {
			return false
		}
	}
	for _, cd := range c.VerificationStatus.Coding {
		if oneOf(cd.Code, "refuted", "entered-in-error") {
			return false
		}
	}
	return true
}

// trialOf turns a medication record into a trial when it names a drug
// ketacover knows as an antidepressant or augmenting agent.
func trialOf(m medicationUse, asOf ketacover.Date) (ketacover.Trial, bool) {
	if m.MedicationCodeableConcept == nil || oneOf(m.Status, "entered-in-error", "draft", "not-taken") {
		return ketacover.Trial{}, false
	}
	drug := drugName(m.MedicationCodeableConcept.Words())
	if drug == "" {
		return ketacover.Trial{}, false
	}
	tr := ketacover.Trial{Drug: drug}
	dosage := m.DosageInstruction
	if m.ResourceType == "MedicationStatement" {
		dosage = m.Dosage
	}
	tr.DoseMg = doseMg(dosage, true)
	var start, end *ketacover.Date
	switch {
	case m.EffectivePeriod != nil:
		start, end = parseDate(m.EffectivePeriod.Start), parseDate(m.EffectivePeriod.End)
		if end == nil && start != nil && m.Status == "active" {
			// Still taking it: the trial so far runs to the date of
			// service.
			d := asOf
			end = &d
		}
	case m.DispenseRequest != nil && m.DispenseRequest.ValidityPeriod != nil:
		start, end = parseDate(m.DispenseRequest.ValidityPeriod.Start), parseDate(m.DispenseRequest.ValidityPeriod.End)
	}
	tr.Start = start
	if start != nil && end != nil && !end.Before(*start) {
		tr.End = end
		w := math.Round(float64(start.DaysUntil(*end))/7*10) / 10
		tr.Weeks = &w
	}
	for _, sr := range m.reasons {
		if o := outcomeWord(sr); o != "" {
			tr.Outcome = o
		}
	}
	return tr, true
}

// outcomeWord reads a status reason recorded in ketacover's own outcome
// words (no-response, partial-response, intolerance, response, remission).
// FHIR has no standard code for a trial's outcome, so nothing else is
// guessed from free text.
func outcomeWord(cc CodeableConcept) string {
	cands := []string{cc.Text}
	for _, c := range cc.Coding {
		cands = append(cands, c.Code, c.Display)
	}
	for _, s := range cands {
		s = strings.ToLower(strings.TrimSpace(s))
		for _, o := range ketacover.Outcomes {
			if s == o || s == strings.ReplaceAll(o, "-", " ") {
				return o
			}
		}
	}
	return ""
}

// drugName finds the first known antidepressant or augmenting drug named
// in a medication's text and displays.
func drugName(words string) string {
	if strings.Contains(words, "lithium") {
		return "lithium"
	}
	for _, w := range strings.FieldsFunc(words, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if ketacover.DrugClass(w) != "" {
			return w
		}
	}
	return ""
}

// doseMg reads a dose in mg. With daily set it multiplies by the doses per
// day from the timing, and gives up when the timing does not say.
func doseMg(ds []Dosage, daily bool) *float64 {
	for _, d := range ds {
		for _, dr := range d.DoseAndRate {
			q := dr.DoseQuantity
			if q == nil || q.Value == nil || !(q.Code == "mg" || strings.EqualFold(q.Unit, "mg")) {
				continue
			}
			v := *q.Value
			if !daily {
				return &v
			}
			rp := d.Timing.Repeat
			if rp == nil || rp.Frequency == nil || rp.Period == nil || *rp.Period <= 0 {
				return nil
			}
			days := map[string]float64{"h": 1.0 / 24, "d": 1, "wk": 7}[rp.PeriodUnit]
			if days == 0 {
				return nil
			}
			perDay := *rp.Frequency / (*rp.Period * days)
			v = math.Round(v*perDay*100) / 100
			return &v
		}
	}
	return nil
}

func obsValue(o Observation) (int, bool) {
	switch {
	case o.ValueInteger != nil:
		return *o.ValueInteger, true
	case o.ValueQuantity != nil && o.ValueQuantity.Value != nil:
		v := *o.ValueQuantity.Value
		if v != math.Trunc(v) {
			return 0, false
		}
		return int(v), true
	}
	return 0, false
}

func obsDate(o Observation) *ketacover.Date {
	switch {
	case o.EffectiveDateTime != "":
		return parseDate(o.EffectiveDateTime)
	case o.EffectivePeriod != nil:
		return parseDate(o.EffectivePeriod.Start)
	case o.Issued != "":
		return parseDate(o.Issued)
	}
	return nil
}

// parseDate reads the calendar date of a FHIR date or dateTime with at
// least day precision, in the time zone it was written in (a civil date,
// never shifted to UTC). It returns nil for partial dates.
func parseDate(s string) *ketacover.Date {
	if len(s) < 10 {
		return nil
	}
	t, err := time.Parse(ketacover.DateLayout, s[:10])
	if err != nil {
		return nil
	}
	d := ketacover.DateOf(t)
	return &d
}

func currentName(ns []HumanName) string {
	for _, n := range ns {
		if n.Use != "old" && (n.Period == nil || n.Period.End == "") {
			if s := n.String(); s != "" {
				return s
			}
		}
	}
	if len(ns) > 0 {
		return ns[0].String()
	}
	return ""
}

func currentAddress(as []Address) *Address {
	for i, a := range as {
		if a.Use != "old" && (a.Period == nil || a.Period.End == "") {
			return &as[i]
		}
	}
	return nil
}
