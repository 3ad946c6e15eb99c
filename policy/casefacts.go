package policy

import (
	"reflect"

	"github.com/ketacover/ketacover"
)

// The clinical parts of a case as records, field by field. Each list of
// names is the struct's fields in declaration order, named as in the case
// file (their yaml names); each builder fills them in the same order. The
// rules are those of the reflective walk (Facts.value): a nil pointer, an
// empty string, a zero date or a nil list is not recorded (a CEL unknown
// naming its path); list elements leave out
// what is not recorded and record no paths.

var (
	patientNames    = [...]string{"name", "birth_date", "age", "sex", "state", "zip", "address", "phone", "household"}
	planNames       = [...]string{"payer", "name", "type", "network", "benefit", "formulary", "member_id", "group_number", "subscriber", "state", "benefits", "accumulators", "line_of_business"}
	therapyNames    = [...]string{"drug", "indication", "dose_mg", "dose_mg_per_kg", "sessions", "schedule", "start_date", "continuation", "with_oral_antidepressant", "oral_antidepressant", "oral_antidepressant_new", "oral_antidepressant_stable_weeks", "site", "course", "prices"}
	siteNames       = [...]string{"name", "npi", "tin", "address", "phone", "fax", "rems_certified", "rems_patient_enrolled", "monitoring_2h"}
	historyNames    = [...]string{"diagnoses", "diagnosis_confirmed_by", "episode", "trials", "psychotherapy", "scores", "contraindications", "suicidality", "other_treatments"}
	episodeNames    = [...]string{"recurrent", "duration_months", "psychotic_features", "start"}
	contraNames     = [...]string{"aneurysmal_vascular_disease", "arteriovenous_malformation", "intracerebral_hemorrhage", "hypersensitivity", "psychosis", "psychosis_history", "psychosis_benefit_outweighs_risk", "bipolar", "substance_use", "pregnant", "uncontrolled_hypertension", "concurrent_neuromodulation", "concurrent_ketamine"}
	substanceNames  = [...]string{"disorder", "active", "remission_months", "in_treatment", "concurrent_mood_altering_use"}
	suicidalNames   = [...]string{"ideation", "behavior", "intent", "hospitalization_needed", "inpatient_now", "discharged_days_ago", "self_care_impaired", "daily_thoughts_of_death"}
	diagnosisNames  = [...]string{"code", "description"}
	therapyItemName = [...]string{"type", "weeks", "sessions", "episode", "outcome"}
	scoreNames      = [...]string{"scale", "value", "date", "days_ago"}
	trialNames      = [...]string{"drug", "class", "role", "dose_mg", "dose_adequate", "max_tolerated", "weeks", "adherence_pct", "outcome", "improvement_pct", "episode", "start", "end", "augments", "notes", "ended_days_ago"}
	prescriberNames = [...]string{"name", "credentials", "npi", "specialty", "psychiatrist_consulted", "pdmp_checked", "phone", "fax", "organization"}
)

const (
	nRecords = 10
	nFields  = len(patientNames) + len(planNames) + len(therapyNames) + len(siteNames) + len(historyNames) +
		len(episodeNames) + len(contraNames) + len(substanceNames) + len(suicidalNames) + len(prescriberNames)
)

var (
	patientShape    = newShape("patient", patientNames[:])
	planShape       = newShape("plan", planNames[:])
	therapyShape    = newShape("therapy", therapyNames[:])
	siteShape       = newShape("therapy.site", siteNames[:])
	historyShape    = newShape("history", historyNames[:])
	episodeShape    = newShape("history.episode", episodeNames[:])
	contraShape     = newShape("history.contraindications", contraNames[:])
	substanceShape  = newShape("history.contraindications.substance_use", substanceNames[:])
	suicidalShape   = newShape("history.suicidality", suicidalNames[:])
	prescriberShape = newShape("prescriber", prescriberNames[:])
	trialShape      = newItemShape(trialNames[:])
	diagnosisShape  = newItemShape(diagnosisNames[:])
	therapyShapeL   = newItemShape(therapyItemName[:])
	scoreShape      = newItemShape(scoreNames[:])
)

// fill writes a record's fields in order.
type fill struct {
	f *Facts
	r *record
	i int
}

// begin takes the next record of f for shape s.
func (f *Facts) begin(s *shape) fill {
	r := &f.recs[f.nrec]
	f.nrec++
	n := len(s.names)
	r.shape, r.vals = s, f.vals[f.nval:f.nval+n:f.nval+n]
	f.nval += n
	return fill{f, r, 0}
}

// set sets the next field to v.
func (w *fill) set(v any) {
	w.r.vals[w.i] = v
	w.i++
}

// missing records the next field as not recorded.
func (w *fill) missing() {
	w.set(w.r.shape.unknowns[w.i])
}

// skip leaves the next field out (a value derived later fills it).
func (w *fill) skip() { w.i++ }

func (w *fill) str(s string) {
	if s == "" {
		w.missing()
		return
	}
	w.set(w.f.str(s))
}

func (w *fill) boolean(b *bool) {
	if b == nil {
		w.missing()
		return
	}
	w.set(*b)
}

func (w *fill) integer(n *int) {
	if n == nil {
		w.missing()
		return
	}
	w.set(w.f.integer(int64(*n)))
}

func (w *fill) float(x *float64) {
	if x == nil {
		w.missing()
		return
	}
	w.set(w.f.num(*x))
}

func (w *fill) date(d *ketacover.Date) {
	if d == nil || d.IsZero() {
		w.missing()
		return
	}
	w.set(w.f.str(d.String()))
}

// reflected fills the next field by the reflective walk: for the parts of
// the case only cost estimates read.
func (w *fill) reflected(v reflect.Value) {
	w.set(w.f.value(v, w.r.shape.paths[w.i]))
}

func (f *Facts) patient(p *ketacover.Patient) *record {
	w := f.begin(patientShape)
	w.str(p.Name)
	w.date(p.BirthDate)
	w.integer(p.Age)
	w.str(p.Sex)
	w.str(p.State)
	w.str(p.ZIP)
	w.str(p.Address)
	w.str(p.Phone)
	if p.Household == nil {
		w.missing()
	} else {
		w.reflected(reflect.ValueOf(p.Household))
	}
	return w.r
}

func (f *Facts) plan(p *ketacover.Plan) *record {
	w := f.begin(planShape)
	w.str(p.Payer)
	w.str(p.Name)
	w.str(string(p.Type))
	w.str(p.Network)
	w.str(p.Benefit)
	w.str(p.Formulary)
	w.str(p.MemberID)
	w.str(p.GroupNumber)
	w.str(p.Subscriber)
	w.str(p.State)
	if p.Benefits == nil {
		w.missing()
	} else {
		w.reflected(reflect.ValueOf(p.Benefits))
	}
	if p.Accumulators == nil {
		w.missing()
	} else {
		w.reflected(reflect.ValueOf(p.Accumulators))
	}
	w.skip() // line_of_business, derived
	return w.r
}

func (f *Facts) therapy(t *ketacover.TherapyRequest) *record {
	w := f.begin(therapyShape)
	w.str(string(t.Drug))
	w.str(string(t.Indication))
	w.float(t.DoseMg)
	w.float(t.DoseMgPerKg)
	w.integer(t.Sessions)
	w.str(t.Schedule)
	w.date(t.StartDate)
	w.boolean(t.Continuation)
	w.boolean(t.WithOralAD)
	w.str(t.OralAD)
	w.boolean(t.OralADNew)
	w.integer(t.OralADStableWeeks)
	w.set(f.site(&t.Site))
	if t.Course == nil {
		w.missing()
	} else {
		w.reflected(reflect.ValueOf(t.Course))
	}
	if t.Prices == nil {
		w.missing()
	} else {
		w.reflected(reflect.ValueOf(t.Prices))
	}
	return w.r
}

func (f *Facts) site(s *ketacover.Site) *record {
	w := f.begin(siteShape)
	w.str(s.Name)
	w.str(s.NPI)
	w.str(s.TIN)
	w.str(s.Address)
	w.str(s.Phone)
	w.str(s.Fax)
	w.boolean(s.REMSCertified)
	w.boolean(s.REMSPatient)
	w.boolean(s.Monitoring2h)
	return w.r
}

func (f *Facts) history(h *ketacover.History) *record {
	w := f.begin(historyShape)
	if h.Diagnoses == nil {
		w.missing()
	} else {
		l := f.items(len(h.Diagnoses), diagnosisShape)
		for i := range h.Diagnoses {
			d := &h.Diagnoses[i]
			e := &elemFill{f: f, r: l[i].(*record)}
			e.str(d.Code)
			e.str(d.Description)
		}
		w.set(l)
	}
	w.str(h.ConfirmedBy)
	w.set(f.episode(&h.Episode))
	if h.Trials == nil {
		w.missing()
	} else {
		l := f.items(len(h.Trials), trialShape)
		for i := range h.Trials {
			f.trial(l[i].(*record), &h.Trials[i])
		}
		w.set(l)
	}
	if h.Psychotherapy == nil {
		w.missing()
	} else {
		l := f.items(len(h.Psychotherapy), therapyShapeL)
		for i := range h.Psychotherapy {
			p := &h.Psychotherapy[i]
			e := &elemFill{f: f, r: l[i].(*record)}
			e.str(p.Type)
			e.integer(p.Weeks)
			e.integer(p.Sessions)
			e.str(p.Episode)
			e.str(p.Outcome)
		}
		w.set(l)
	}
	if h.Scores == nil {
		w.missing()
	} else {
		l := f.items(len(h.Scores), scoreShape)
		for i := range h.Scores {
			s := &h.Scores[i]
			e := &elemFill{f: f, r: l[i].(*record)}
			e.str(s.Scale)
			e.set(f.integer(int64(s.Value)))
			e.date(&s.Date)
			e.set(f.integer(int64(s.Date.DaysUntil(f.AsOf))))
		}
		w.set(l)
	}
	w.set(f.contraindications(&h.Contraindication))
	w.set(f.suicidality(&h.Suicidality))
	if h.OtherTreatments == nil {
		w.missing()
	} else {
		l := make([]any, len(h.OtherTreatments))
		for i, s := range h.OtherTreatments {
			if s != "" {
				l[i] = s
			}
		}
		w.set(l)
	}
	return w.r
}

// trial fills the record of one medication trial, with the days since it
// ended (or, with no end date, started) on the date of service. Like every
// list element it leaves out what is not recorded and records no paths.
func (f *Facts) trial(r *record, t *ketacover.Trial) {
	w := &elemFill{f: f, r: r}
	w.str(t.Drug)
	w.str(t.Class)
	w.str(t.Role)
	w.float(t.DoseMg)
	w.boolean(t.DoseAdequate)
	w.boolean(t.MaxTolerated)
	w.float(t.Weeks)
	w.integer(t.Adherence)
	w.str(t.Outcome)
	w.integer(t.Improvement)
	w.str(t.Episode)
	w.date(t.Start)
	w.date(t.End)
	w.str(t.Augments)
	w.str(t.Notes)
	end := t.End
	if end == nil {
		end = t.Start
	}
	if end != nil {
		w.set(f.integer(int64(end.DaysUntil(f.AsOf))))
	}
}

// items returns a list of n records of shape s, made in three
// allocations (the list, the records, their values) whatever n is: a Go
// map per element was two to four.
func (f *Facts) items(n int, s *shape) []any {
	l := make([]any, n)
	recs := make([]record, n)
	k := len(s.names)
	vals := make([]any, n*k)
	for i := range recs {
		recs[i] = record{shape: s, vals: vals[i*k : (i+1)*k : (i+1)*k]}
		l[i] = &recs[i]
	}
	return l
}

// elemFill writes a list element's record in order; a field not recorded
// stays nil (left out).
type elemFill struct {
	f *Facts
	r *record
	i int
}

func (w *elemFill) set(v any) {
	w.r.vals[w.i] = v
	w.i++
}

func (w *elemFill) str(s string) {
	if s == "" {
		w.i++
		return
	}
	w.set(w.f.str(s))
}

func (w *elemFill) boolean(b *bool) {
	if b == nil {
		w.i++
		return
	}
	w.set(*b)
}

func (w *elemFill) integer(n *int) {
	if n == nil {
		w.i++
		return
	}
	w.set(w.f.integer(int64(*n)))
}

func (w *elemFill) float(x *float64) {
	if x == nil {
		w.i++
		return
	}
	w.set(w.f.num(*x))
}

func (w *elemFill) date(d *ketacover.Date) {
	if d == nil || d.IsZero() {
		w.i++
		return
	}
	w.set(w.f.str(d.String()))
}

func (f *Facts) episode(e *ketacover.Episode) *record {
	w := f.begin(episodeShape)
	w.boolean(e.Recurrent)
	w.integer(e.DurationMonths)
	w.boolean(e.PsychoticFeature)
	w.date(e.Start)
	return w.r
}

func (f *Facts) contraindications(c *ketacover.Contraindications) *record {
	w := f.begin(contraShape)
	w.boolean(c.AneurysmalVascularDisease)
	w.boolean(c.AVM)
	w.boolean(c.IntracerebralHemorrhage)
	w.boolean(c.Hypersensitivity)
	w.boolean(c.Psychosis)
	w.boolean(c.PsychosisHistory)
	w.boolean(c.PsychosisBenefitOutweighs)
	w.boolean(c.Bipolar)
	if c.SubstanceUse == nil {
		w.missing()
	} else {
		w.set(f.substanceUse(c.SubstanceUse))
	}
	w.boolean(c.Pregnant)
	w.boolean(c.UncontrolledHypertension)
	w.boolean(c.ConcurrentNeuromodulation)
	w.boolean(c.ConcurrentKetamine)
	return w.r
}

func (f *Facts) substanceUse(s *ketacover.SubstanceUse) *record {
	w := f.begin(substanceShape)
	w.boolean(s.Disorder)
	w.boolean(s.Active)
	w.integer(s.RemissionMonths)
	w.boolean(s.InTreatment)
	w.boolean(s.ConcurrentMoodUs)
	return w.r
}

func (f *Facts) suicidality(s *ketacover.Suicidality) *record {
	w := f.begin(suicidalShape)
	w.boolean(s.Ideation)
	w.boolean(s.Behavior)
	w.boolean(s.Intent)
	w.boolean(s.HospitalizationNeeded)
	w.boolean(s.InpatientNow)
	w.integer(s.DischargedDaysAgo)
	w.boolean(s.SelfCareImpaired)
	w.boolean(s.DailyThoughtsOfDeath)
	return w.r
}

func (f *Facts) prescriber(p *ketacover.Prescriber) *record {
	w := f.begin(prescriberShape)
	w.str(p.Name)
	w.str(p.Credentials)
	w.str(p.NPI)
	w.str(p.Specialty)
	w.boolean(p.Consulted)
	w.boolean(p.PDMPChecked)
	w.str(p.Phone)
	w.str(p.Fax)
	w.str(p.Organization)
	return w.r
}
