package ketacover

import (
	"fmt"
	"regexp"
	"strings"
)

// Case is one patient's request for coverage of one therapy: who the
// patient is, what plan pays, what is requested and the clinical history a
// payer's criteria are judged against. Optional facts are pointers or empty
// lists: a fact that is not recorded is unknown, never false.
type Case struct {
	ID         string         `yaml:"id,omitempty" json:"id,omitempty" desc:"a label for the case, e.g. the clinic's patient account number"`
	Patient    Patient        `yaml:"patient" json:"patient"`
	Plan       Plan           `yaml:"plan" json:"plan"`
	Therapy    TherapyRequest `yaml:"therapy" json:"therapy"`
	History    History        `yaml:"history" json:"history"`
	Prescriber Prescriber     `yaml:"prescriber" json:"prescriber"`
}

// Patient is the person treated.
type Patient struct {
	Name      string     `yaml:"name,omitempty" json:"name,omitempty" desc:"full name, for letters"`
	BirthDate *Date      `yaml:"birth_date,omitempty" json:"birth_date,omitempty" desc:"date of birth (YYYY-MM-DD); age is computed from it on the date of service"`
	Age       *int       `yaml:"age,omitempty" json:"age,omitempty" desc:"age in years, when the birth date is not given"`
	Sex       string     `yaml:"sex,omitempty" json:"sex,omitempty" desc:"female, male or other" enum:"female,male,other"`
	State     string     `yaml:"state,omitempty" json:"state,omitempty" desc:"two-letter US state or territory code where the patient lives"`
	ZIP       string     `yaml:"zip,omitempty" json:"zip,omitempty" desc:"five-digit ZIP code, for distances to clinics and trials"`
	Address   string     `yaml:"address,omitempty" json:"address,omitempty" desc:"postal address, for letters"`
	Phone     string     `yaml:"phone,omitempty" json:"phone,omitempty"`
	Household *Household `yaml:"household,omitempty" json:"household,omitempty" desc:"household size and income, for sliding-scale fees (percent of the federal poverty guideline) and an HSA or FSA balance"`
}

// Plan is the health plan asked to pay.
type Plan struct {
	Payer        string        `yaml:"payer" json:"payer" desc:"the insurer or administrator as on the member card, e.g. UnitedHealthcare, Highmark, Texas Medicaid"`
	Name         string        `yaml:"name,omitempty" json:"name,omitempty" desc:"the plan or product name"`
	Type         PlanType      `yaml:"type" json:"type" desc:"the legal regime of the plan; decides appeal rules and deadlines"`
	Network      string        `yaml:"network,omitempty" json:"network,omitempty" desc:"whether the treating clinic is in the plan's network" enum:"in-network,out-of-network"`
	Benefit      string        `yaml:"benefit,omitempty" json:"benefit,omitempty" desc:"which benefit the drug is billed under" enum:"medical,pharmacy"`
	Formulary    string        `yaml:"formulary,omitempty" json:"formulary,omitempty" desc:"the formulary product, where coverage depends on it (e.g. Select Health RxCore or RxSelect)"`
	MemberID     string        `yaml:"member_id,omitempty" json:"member_id,omitempty"`
	GroupNumber  string        `yaml:"group_number,omitempty" json:"group_number,omitempty"`
	Subscriber   string        `yaml:"subscriber,omitempty" json:"subscriber,omitempty" desc:"the insured person's name when not the patient"`
	State        string        `yaml:"state,omitempty" json:"state,omitempty" desc:"state whose law governs an insured plan, when not the patient's state"`
	Benefits     *Benefits     `yaml:"benefits,omitempty" json:"benefits,omitempty" desc:"the plan's cost sharing for the benefit that pays for the treatment (deductible, coinsurance, copay, out-of-pocket maximum), from the summary of benefits; amounts in dollars as text, e.g. \"2000.00\""`
	Accumulators *Accumulators `yaml:"accumulators,omitempty" json:"accumulators,omitempty" desc:"what the patient (and family) have already paid toward the deductible and out-of-pocket maximum this plan year"`
}

// TherapyRequest is what the prescriber asks the plan to cover.
type TherapyRequest struct {
	Drug              Therapy        `yaml:"drug" json:"drug" desc:"ketamine-iv (off-label, intravenous) or esketamine (Spravato nasal spray)"`
	Indication        Indication     `yaml:"indication" json:"indication" desc:"trd (treatment-resistant depression) or mdsi (MDD with acute suicidal ideation or behavior)"`
	DoseMg            *float64       `yaml:"dose_mg,omitempty" json:"dose_mg,omitempty" desc:"dose per session in mg (esketamine 56 or 84; IV ketamine usually by weight)"`
	DoseMgPerKg       *float64       `yaml:"dose_mg_per_kg,omitempty" json:"dose_mg_per_kg,omitempty" desc:"IV ketamine dose in mg per kg"`
	Sessions          *int           `yaml:"sessions,omitempty" json:"sessions,omitempty" desc:"number of sessions requested"`
	Schedule          string         `yaml:"schedule,omitempty" json:"schedule,omitempty" desc:"the schedule in words, e.g. twice weekly for 4 weeks"`
	StartDate         *Date          `yaml:"start_date,omitempty" json:"start_date,omitempty" desc:"first date of service; the policy version in force that day is used"`
	Continuation      *bool          `yaml:"continuation,omitempty" json:"continuation,omitempty" desc:"true when this is a request to continue therapy already authorized"`
	WithOralAD        *bool          `yaml:"with_oral_antidepressant,omitempty" json:"with_oral_antidepressant,omitempty" desc:"the patient will take an oral antidepressant alongside"`
	OralAD            string         `yaml:"oral_antidepressant,omitempty" json:"oral_antidepressant,omitempty" desc:"the oral antidepressant's name"`
	OralADNew         *bool          `yaml:"oral_antidepressant_new,omitempty" json:"oral_antidepressant_new,omitempty" desc:"the oral antidepressant is newly started or optimized (not one already failed)"`
	OralADStableWeeks *int           `yaml:"oral_antidepressant_stable_weeks,omitempty" json:"oral_antidepressant_stable_weeks,omitempty" desc:"weeks on a stable dose of that oral antidepressant"`
	Site              Site           `yaml:"site" json:"site"`
	Course            *TreatmentPlan `yaml:"course,omitempty" json:"course,omitempty" desc:"the treatment plan as phases of sessions with the codes billed at each, for cost estimates; default: a course built from drug, sessions and start_date"`
	Prices            PriceList      `yaml:"prices,omitempty" json:"prices,omitempty" desc:"the clinic's prices per billing code, for cost estimates"`
}

// Site is where the therapy is given.
type Site struct {
	Name          string `yaml:"name,omitempty" json:"name,omitempty"`
	NPI           string `yaml:"npi,omitempty" json:"npi,omitempty"`
	TIN           string `yaml:"tin,omitempty" json:"tin,omitempty"`
	Address       string `yaml:"address,omitempty" json:"address,omitempty"`
	Phone         string `yaml:"phone,omitempty" json:"phone,omitempty"`
	Fax           string `yaml:"fax,omitempty" json:"fax,omitempty"`
	REMSCertified *bool  `yaml:"rems_certified,omitempty" json:"rems_certified,omitempty" desc:"the setting is certified in the Spravato REMS"`
	REMSPatient   *bool  `yaml:"rems_patient_enrolled,omitempty" json:"rems_patient_enrolled,omitempty" desc:"the patient is enrolled in the Spravato REMS"`
	Monitoring2h  *bool  `yaml:"monitoring_2h,omitempty" json:"monitoring_2h,omitempty" desc:"the patient is observed for at least 2 hours after each dose"`
}

// History is the clinical record a policy's criteria read.
type History struct {
	Diagnoses        []Diagnosis       `yaml:"diagnoses,omitempty" json:"diagnoses,omitempty"`
	ConfirmedBy      string            `yaml:"diagnosis_confirmed_by,omitempty" json:"diagnosis_confirmed_by,omitempty" desc:"how the depressive episode was confirmed" enum:"scid,dsm-clinical-interview,mental-health-professional"`
	Episode          Episode           `yaml:"episode" json:"episode"`
	Trials           []Trial           `yaml:"trials,omitempty" json:"trials,omitempty" desc:"every medication trial: antidepressants and augmentation agents"`
	Psychotherapy    []Psychotherapy   `yaml:"psychotherapy,omitempty" json:"psychotherapy,omitempty"`
	Scores           []Score           `yaml:"scores,omitempty" json:"scores,omitempty" desc:"rating-scale scores with their dates"`
	Contraindication Contraindications `yaml:"contraindications" json:"contraindications"`
	Suicidality      Suicidality       `yaml:"suicidality" json:"suicidality"`
	OtherTreatments  []string          `yaml:"other_treatments,omitempty" json:"other_treatments,omitempty" desc:"other treatments tried, e.g. ECT, TMS"`
}

// Diagnosis is one ICD-10-CM diagnosis.
type Diagnosis struct {
	Code        string `yaml:"code" json:"code" desc:"ICD-10-CM code, e.g. F33.2"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
}

// Episode describes the current depressive episode.
type Episode struct {
	Recurrent        *bool `yaml:"recurrent,omitempty" json:"recurrent,omitempty" desc:"MDD is recurrent (more than one episode)"`
	DurationMonths   *int  `yaml:"duration_months,omitempty" json:"duration_months,omitempty" desc:"length of the current episode in months"`
	PsychoticFeature *bool `yaml:"psychotic_features,omitempty" json:"psychotic_features,omitempty" desc:"the episode has psychotic features"`
	Start            *Date `yaml:"start,omitempty" json:"start,omitempty"`
}

// Trial is one treatment attempt with one drug.
type Trial struct {
	Drug         string   `yaml:"drug" json:"drug" desc:"generic name, e.g. sertraline"`
	Class        string   `yaml:"class,omitempty" json:"class,omitempty" desc:"drug class; filled in from the drug name when known" enum:"ssri,snri,tca,maoi,bupropion,mirtazapine,trazodone,vortioxetine,vilazodone,nefazodone,atypical-antipsychotic,lithium,thyroid,buspirone,other"`
	Role         string   `yaml:"role,omitempty" json:"role,omitempty" desc:"antidepressant, or augmentation (a second agent added to an antidepressant); filled in from the class when not given" enum:"antidepressant,augmentation"`
	DoseMg       *float64 `yaml:"dose_mg,omitempty" json:"dose_mg,omitempty" desc:"daily dose in mg"`
	DoseAdequate *bool    `yaml:"dose_adequate,omitempty" json:"dose_adequate,omitempty" desc:"the prescriber documents the dose as adequate (therapeutic)"`
	MaxTolerated *bool    `yaml:"max_tolerated,omitempty" json:"max_tolerated,omitempty" desc:"the dose was the maximally tolerated labeled dose"`
	Weeks        *float64 `yaml:"weeks,omitempty" json:"weeks,omitempty" desc:"weeks at that dose"`
	Adherence    *int     `yaml:"adherence_pct,omitempty" json:"adherence_pct,omitempty" desc:"adherence in percent of doses taken"`
	Outcome      string   `yaml:"outcome,omitempty" json:"outcome,omitempty" desc:"no-response, partial-response, intolerance, response, remission or ongoing" enum:"no-response,partial-response,intolerance,response,remission,ongoing"`
	Improvement  *int     `yaml:"improvement_pct,omitempty" json:"improvement_pct,omitempty" desc:"improvement on a rating scale during the trial, in percent"`
	Episode      string   `yaml:"episode,omitempty" json:"episode,omitempty" desc:"current or prior depressive episode" enum:"current,prior"`
	Start        *Date    `yaml:"start,omitempty" json:"start,omitempty"`
	End          *Date    `yaml:"end,omitempty" json:"end,omitempty"`
	Augments     string   `yaml:"augments,omitempty" json:"augments,omitempty" desc:"for augmentation: the antidepressant it was added to"`
	Notes        string   `yaml:"notes,omitempty" json:"notes,omitempty"`
}

// Psychotherapy is one course of psychotherapy.
type Psychotherapy struct {
	Type     string `yaml:"type" json:"type" desc:"e.g. CBT, IPT, behavioral activation"`
	Weeks    *int   `yaml:"weeks,omitempty" json:"weeks,omitempty"`
	Sessions *int   `yaml:"sessions,omitempty" json:"sessions,omitempty"`
	Episode  string `yaml:"episode,omitempty" json:"episode,omitempty" enum:"current,prior"`
	Outcome  string `yaml:"outcome,omitempty" json:"outcome,omitempty" enum:"no-response,partial-response,intolerance,response,remission,ongoing"`
}

// Score is one rating-scale score.
type Score struct {
	Scale string `yaml:"scale" json:"scale" desc:"PHQ-9, MADRS, HAM-D (17-item), QIDS (QIDS-SR16 or QIDS-C16) or BDI-II" enum:"PHQ-9,MADRS,HAM-D,QIDS,BDI-II"`
	Value int    `yaml:"value" json:"value"`
	Date  Date   `yaml:"date" json:"date"`
}

// Contraindications records conditions policies and the label exclude or
// weigh. Each is true, false or not recorded (unknown).
type Contraindications struct {
	AneurysmalVascularDisease *bool         `yaml:"aneurysmal_vascular_disease,omitempty" json:"aneurysmal_vascular_disease,omitempty" desc:"aneurysmal vascular disease (thoracic or abdominal aorta, intracranial, peripheral arterial)"`
	AVM                       *bool         `yaml:"arteriovenous_malformation,omitempty" json:"arteriovenous_malformation,omitempty"`
	IntracerebralHemorrhage   *bool         `yaml:"intracerebral_hemorrhage,omitempty" json:"intracerebral_hemorrhage,omitempty" desc:"history of intracerebral hemorrhage"`
	Hypersensitivity          *bool         `yaml:"hypersensitivity,omitempty" json:"hypersensitivity,omitempty" desc:"hypersensitivity to esketamine, ketamine or excipients"`
	Psychosis                 *bool         `yaml:"psychosis,omitempty" json:"psychosis,omitempty" desc:"current psychotic symptoms"`
	PsychosisHistory          *bool         `yaml:"psychosis_history,omitempty" json:"psychosis_history,omitempty" desc:"any history of psychosis"`
	PsychosisBenefitOutweighs *bool         `yaml:"psychosis_benefit_outweighs_risk,omitempty" json:"psychosis_benefit_outweighs_risk,omitempty" desc:"with a history of psychosis, the prescriber judges the benefit greater than the risk"`
	Bipolar                   *bool         `yaml:"bipolar,omitempty" json:"bipolar,omitempty" desc:"present or past bipolar disorder, mania or hypomania"`
	SubstanceUse              *SubstanceUse `yaml:"substance_use,omitempty" json:"substance_use,omitempty"`
	Pregnant                  *bool         `yaml:"pregnant,omitempty" json:"pregnant,omitempty"`
	UncontrolledHypertension  *bool         `yaml:"uncontrolled_hypertension,omitempty" json:"uncontrolled_hypertension,omitempty"`
	ConcurrentNeuromodulation *bool         `yaml:"concurrent_neuromodulation,omitempty" json:"concurrent_neuromodulation,omitempty" desc:"ECT, TMS, VNS or DBS given at the same time"`
	ConcurrentKetamine        *bool         `yaml:"concurrent_ketamine,omitempty" json:"concurrent_ketamine,omitempty" desc:"ketamine given at the same time as esketamine"`
}

// SubstanceUse records a substance use disorder.
type SubstanceUse struct {
	Disorder         *bool `yaml:"disorder" json:"disorder" desc:"a substance use disorder has been diagnosed"`
	Active           *bool `yaml:"active,omitempty" json:"active,omitempty" desc:"the disorder is active (not in remission)"`
	RemissionMonths  *int  `yaml:"remission_months,omitempty" json:"remission_months,omitempty" desc:"months of complete abstinence"`
	InTreatment      *bool `yaml:"in_treatment,omitempty" json:"in_treatment,omitempty" desc:"the disorder is being treated or medically managed"`
	ConcurrentMoodUs *bool `yaml:"concurrent_mood_altering_use,omitempty" json:"concurrent_mood_altering_use,omitempty" desc:"current use of alcohol, marijuana, stimulants or hallucinogens"`
}

// Suicidality records the facts an MDSI request is judged on.
type Suicidality struct {
	Ideation              *bool `yaml:"ideation,omitempty" json:"ideation,omitempty" desc:"acute suicidal ideation"`
	Behavior              *bool `yaml:"behavior,omitempty" json:"behavior,omitempty" desc:"acute suicidal behavior"`
	Intent                *bool `yaml:"intent,omitempty" json:"intent,omitempty" desc:"suicidal ideation with intent"`
	HospitalizationNeeded *bool `yaml:"hospitalization_needed,omitempty" json:"hospitalization_needed,omitempty" desc:"acute psychiatric hospitalization is needed (or would be within 24–48 hours without treatment)"`
	InpatientNow          *bool `yaml:"inpatient_now,omitempty" json:"inpatient_now,omitempty" desc:"currently in acute or subacute inpatient care for suicidality"`
	DischargedDaysAgo     *int  `yaml:"discharged_days_ago,omitempty" json:"discharged_days_ago,omitempty" desc:"days since discharge from inpatient care for suicidality"`
	SelfCareImpaired      *bool `yaml:"self_care_impaired,omitempty" json:"self_care_impaired,omitempty" desc:"so severe that self-care and usual activities are impossible, with hopelessness, helplessness and anhedonia"`
	DailyThoughtsOfDeath  *bool `yaml:"daily_thoughts_of_death,omitempty" json:"daily_thoughts_of_death,omitempty" desc:"thoughts of dying or self-harm for part of every day"`
}

// Prescriber is the clinician asking for coverage.
type Prescriber struct {
	Name         string `yaml:"name,omitempty" json:"name,omitempty"`
	Credentials  string `yaml:"credentials,omitempty" json:"credentials,omitempty" desc:"e.g. MD, DO, PMHNP-BC"`
	NPI          string `yaml:"npi,omitempty" json:"npi,omitempty"`
	Specialty    string `yaml:"specialty,omitempty" json:"specialty,omitempty" desc:"the prescriber's specialty" enum:"psychiatry,psychiatric-nurse-practitioner,mental-health-prescriber,primary-care,anesthesiology,other"`
	Consulted    *bool  `yaml:"psychiatrist_consulted,omitempty" json:"psychiatrist_consulted,omitempty" desc:"prescribed in consultation with a psychiatrist"`
	PDMPChecked  *bool  `yaml:"pdmp_checked,omitempty" json:"pdmp_checked,omitempty" desc:"the state prescription drug monitoring program was checked"`
	Phone        string `yaml:"phone,omitempty" json:"phone,omitempty"`
	Fax          string `yaml:"fax,omitempty" json:"fax,omitempty"`
	Organization string `yaml:"organization,omitempty" json:"organization,omitempty"`
}

// FieldError is one problem with one field of a value, by its path.
type FieldError struct {
	Field   string
	Message string
}

// FieldErrors is every problem Validate found, in field order.
type FieldErrors []FieldError

func (fe FieldErrors) Error() string {
	var b strings.Builder
	for i, e := range fe {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", e.Field, e.Message)
	}
	return b.String()
}

func (fe *FieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{field, fmt.Sprintf(format, args...)})
}

var (
	icd10Pattern = regexp.MustCompile(`^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$`)
	statePattern = regexp.MustCompile(`^[A-Z]{2}$`)
	zipPattern   = regexp.MustCompile(`^[0-9]{5}$`)
	npiPattern   = regexp.MustCompile(`^[0-9]{10}$`)
)

// Validate checks every rule a case must satisfy that decoding alone cannot
// (known codes, value ranges, consistent dates) and returns FieldErrors.
func (c *Case) Validate() error {
	var fe FieldErrors
	p := c.Patient
	if p.Age != nil && (*p.Age < 0 || *p.Age > 130) {
		fe.add("patient.age", "want an age from 0 to 130, got %d", *p.Age)
	}
	oneOf(&fe, "patient.sex", p.Sex, "female", "male", "other")
	if p.State != "" && !statePattern.MatchString(p.State) {
		fe.add("patient.state", "want a two-letter state code such as TX, got %q", p.State)
	}
	if p.ZIP != "" && !zipPattern.MatchString(p.ZIP) {
		fe.add("patient.zip", "want a five-digit ZIP code, got %q", p.ZIP)
	}
	if c.Plan.Payer == "" {
		fe.add("plan.payer", "required: the insurer or plan administrator")
	}
	if c.Plan.Type == "" {
		fe.add("plan.type", "required: one of %s", planTypeList())
	} else if !c.Plan.Type.Valid() {
		fe.add("plan.type", "want one of %s, got %q", planTypeList(), c.Plan.Type)
	}
	oneOf(&fe, "plan.network", c.Plan.Network, "in-network", "out-of-network")
	oneOf(&fe, "plan.benefit", c.Plan.Benefit, "medical", "pharmacy")
	if c.Plan.State != "" && !statePattern.MatchString(c.Plan.State) {
		fe.add("plan.state", "want a two-letter state code, got %q", c.Plan.State)
	}
	t := c.Therapy
	switch t.Drug {
	case TherapyKetamineIV, TherapyEsketamine:
	case "":
		fe.add("therapy.drug", "required: ketamine-iv or esketamine")
	default:
		fe.add("therapy.drug", "want ketamine-iv or esketamine, got %q", t.Drug)
	}
	switch t.Indication {
	case IndicationTRD, IndicationMDSI:
	case "":
		fe.add("therapy.indication", "required: trd or mdsi")
	default:
		fe.add("therapy.indication", "want trd or mdsi, got %q", t.Indication)
	}
	positive(&fe, "therapy.dose_mg", t.DoseMg)
	positive(&fe, "therapy.dose_mg_per_kg", t.DoseMgPerKg)
	if t.Sessions != nil && *t.Sessions < 1 {
		fe.add("therapy.sessions", "want at least 1, got %d", *t.Sessions)
	}
	if t.Site.NPI != "" && !npiPattern.MatchString(t.Site.NPI) {
		fe.add("therapy.site.npi", "want a 10-digit NPI, got %q", t.Site.NPI)
	}
	h := c.History
	for i, d := range h.Diagnoses {
		if !icd10Pattern.MatchString(d.Code) {
			fe.add(fmt.Sprintf("history.diagnoses[%d].code", i), "want an ICD-10-CM code such as F33.2, got %q", d.Code)
		}
	}
	oneOf(&fe, "history.diagnosis_confirmed_by", h.ConfirmedBy, "scid", "dsm-clinical-interview", "mental-health-professional")
	if h.Episode.DurationMonths != nil && *h.Episode.DurationMonths < 0 {
		fe.add("history.episode.duration_months", "want 0 or more, got %d", *h.Episode.DurationMonths)
	}
	for i, tr := range h.Trials {
		path := fmt.Sprintf("history.trials[%d]", i)
		if strings.TrimSpace(tr.Drug) == "" {
			fe.add(path+".drug", "required: the drug's generic name")
		}
		oneOf(&fe, path+".class", tr.Class, TrialClasses...)
		oneOf(&fe, path+".role", tr.Role, "antidepressant", "augmentation")
		positive(&fe, path+".dose_mg", tr.DoseMg)
		if tr.Weeks != nil && *tr.Weeks < 0 {
			fe.add(path+".weeks", "want 0 or more weeks, got %g", *tr.Weeks)
		}
		if tr.Adherence != nil && (*tr.Adherence < 0 || *tr.Adherence > 100) {
			fe.add(path+".adherence_pct", "want a percentage from 0 to 100, got %d", *tr.Adherence)
		}
		if tr.Improvement != nil && (*tr.Improvement < -100 || *tr.Improvement > 100) {
			fe.add(path+".improvement_pct", "want a percentage from -100 to 100, got %d", *tr.Improvement)
		}
		oneOf(&fe, path+".outcome", tr.Outcome, Outcomes...)
		oneOf(&fe, path+".episode", tr.Episode, "current", "prior")
		if tr.Start != nil && tr.End != nil && tr.End.Before(*tr.Start) {
			fe.add(path+".end", "the trial ends (%s) before it starts (%s)", tr.End, tr.Start)
		}
	}
	for i, pt := range h.Psychotherapy {
		path := fmt.Sprintf("history.psychotherapy[%d]", i)
		if strings.TrimSpace(pt.Type) == "" {
			fe.add(path+".type", "required: e.g. CBT")
		}
		oneOf(&fe, path+".episode", pt.Episode, "current", "prior")
		oneOf(&fe, path+".outcome", pt.Outcome, Outcomes...)
	}
	for i, s := range h.Scores {
		path := fmt.Sprintf("history.scores[%d]", i)
		sc, ok := Scales[s.Scale]
		if !ok {
			fe.add(path+".scale", "want one of PHQ-9, MADRS, HAM-D, QIDS, BDI-II, got %q", s.Scale)
		} else if s.Value < 0 || s.Value > sc.Max {
			fe.add(path+".value", "want a %s score from 0 to %d, got %d", s.Scale, sc.Max, s.Value)
		}
		if s.Date.IsZero() {
			fe.add(path+".date", "required: the date the score was taken")
		}
	}
	if su := h.Contraindication.SubstanceUse; su != nil && su.RemissionMonths != nil && *su.RemissionMonths < 0 {
		fe.add("history.contraindications.substance_use.remission_months", "want 0 or more, got %d", *su.RemissionMonths)
	}
	if h.Suicidality.DischargedDaysAgo != nil && *h.Suicidality.DischargedDaysAgo < 0 {
		fe.add("history.suicidality.discharged_days_ago", "want 0 or more, got %d", *h.Suicidality.DischargedDaysAgo)
	}
	c.validateCost(&fe)
	oneOf(&fe, "prescriber.specialty", c.Prescriber.Specialty, "psychiatry", "psychiatric-nurse-practitioner", "mental-health-prescriber", "primary-care", "anesthesiology", "other")
	if c.Prescriber.NPI != "" && !npiPattern.MatchString(c.Prescriber.NPI) {
		fe.add("prescriber.npi", "want a 10-digit NPI, got %q", c.Prescriber.NPI)
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

// validateCost checks the facts a cost estimate reads: benefits, amounts
// met, the course, prices and household.
func (c *Case) validateCost(fe *FieldErrors) {
	if h := c.Patient.Household; h != nil {
		h.check(fe, "patient.household")
	}
	b := c.Plan.Benefits
	if b != nil {
		b.check(fe, "plan.benefits")
	}
	if a := c.Plan.Accumulators; a != nil {
		if b != nil {
			a.checkFor(fe, "plan.accumulators", b)
		} else {
			a.check(fe, "plan.accumulators")
		}
	}
	t := c.Therapy
	if tp := t.Course; tp != nil {
		switch tp.Therapy {
		case "", t.Drug:
		case TherapyKetamineIV, TherapyEsketamine:
			fe.add("therapy.course.therapy", "the course is for %s but therapy.drug is %s; leave it out to use therapy.drug", tp.Therapy, t.Drug)
		default:
			fe.add("therapy.course.therapy", "want %q or %q, got %q", TherapyKetamineIV, TherapyEsketamine, tp.Therapy)
		}
		if t.StartDate != nil && !tp.Start.IsZero() && tp.Start.Before(*t.StartDate) {
			fe.add("therapy.course.start", "the course starts (%s) before therapy.start_date (%s)", tp.Start, t.StartDate)
		}
		tp.check(fe, "therapy.course")
	}
	t.Prices.check(fe, "therapy.prices")
	if t.Course != nil && len(t.Prices) > 0 {
		// With no price list at all the course is simply not priced yet
		// (a coverage check needs no prices); with one, every code billed
		// must be in it.
		t.Course.checkPrices(fe, "therapy.course", t.Prices)
	}
}

func oneOf(fe *FieldErrors, field, v string, allowed ...string) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	fe.add(field, "want one of %s, got %q", strings.Join(allowed, ", "), v)
}

func positive(fe *FieldErrors, field string, v *float64) {
	if v != nil && *v <= 0 {
		fe.add(field, "want a positive number, got %g", *v)
	}
}

func planTypeList() string {
	s := make([]string, len(PlanTypes))
	for i, p := range PlanTypes {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// Outcomes are the recorded results of a trial.
var Outcomes = []string{"no-response", "partial-response", "intolerance", "response", "remission", "ongoing"}

// TrialClasses are the drug classes a trial may name.
var TrialClasses = []string{"ssri", "snri", "tca", "maoi", "bupropion", "mirtazapine", "trazodone", "vortioxetine", "vilazodone", "nefazodone", "atypical-antipsychotic", "lithium", "thyroid", "buspirone", "other"}

// Scale describes a depression rating scale.
type Scale struct {
	Name string
	Max  int // highest possible total score
}

// Scales are the rating scales a case may record, with their score ranges:
// PHQ-9 0–27, MADRS 0–60, HAM-D (17-item) 0–52, QIDS (16-item) 0–27,
// BDI-II 0–63.
var Scales = map[string]Scale{
	"PHQ-9":  {"PHQ-9", 27},
	"MADRS":  {"MADRS", 60},
	"HAM-D":  {"HAM-D", 52},
	"QIDS":   {"QIDS", 27},
	"BDI-II": {"BDI-II", 63},
}
