package web

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
)

// The self-check form: its questions as data, and how its answers become a
// ketacover.Case. Every yes/no question has a third answer, "not sure",
// which leaves the fact unrecorded, so that a criterion reading it is
// unknown and never counted as false.

// question is one yes / no / not sure question.
type question struct {
	Key   string
	Label string
	Help  string
	set   func(c *ketacover.Case, v *bool)
}

func sud(c *ketacover.Case) *ketacover.SubstanceUse {
	if c.History.Contraindication.SubstanceUse == nil {
		c.History.Contraindication.SubstanceUse = &ketacover.SubstanceUse{}
	}
	return c.History.Contraindication.SubstanceUse
}

var treatmentQuestions = []question{
	{"continuation", "Is this a request to continue treatment the plan already approved?", "Answer No for a first request. Renewals are judged on different criteria, usually proof that the treatment helps.",
		func(c *ketacover.Case, v *bool) { c.Therapy.Continuation = v }},
	{"oral_ad", "Will you take an antidepressant by mouth alongside?", "Esketamine's label describes it together with an oral antidepressant, and most policies ask for one.",
		func(c *ketacover.Case, v *bool) { c.Therapy.WithOralAD = v }},
	{"oral_ad_new", "Is that antidepressant newly started, or at a new dose?", "Some policies want a new or adjusted antidepressant, not one that has already failed.",
		func(c *ketacover.Case, v *bool) { c.Therapy.OralADNew = v }},
	{"rems_certified", "Spravato only: is the clinic certified in the Spravato REMS?", "REMS (Risk Evaluation and Mitigation Strategy) is the FDA's safety program for esketamine: it is given only in certified clinics. The clinic can tell you.",
		func(c *ketacover.Case, v *bool) { c.Therapy.Site.REMSCertified = v }},
	{"rems_enrolled", "Spravato only: are you enrolled in the Spravato REMS?", "The clinic enrolls you with a form before your first dose.",
		func(c *ketacover.Case, v *bool) { c.Therapy.Site.REMSPatient = v }},
	{"monitoring_2h", "Will you be watched at the clinic for at least 2 hours after each dose?", "The Spravato REMS requires at least 2 hours of monitoring after each dose.",
		func(c *ketacover.Case, v *bool) { c.Therapy.Site.Monitoring2h = v }},
}

var diagnosisQuestions = []question{
	{"recurrent", "Have you had more than one episode of depression?", "A recurrent depression comes back after a time of feeling well. Your diagnosis code tells: F33 means recurrent, F32 a single episode.",
		func(c *ketacover.Case, v *bool) { c.History.Episode.Recurrent = v }},
	{"psychotic", "Does this episode include psychotic features?", "Psychotic features are hearing or seeing things others do not, or firm beliefs that are not true. Some policies exclude them.",
		func(c *ketacover.Case, v *bool) { c.History.Episode.PsychoticFeature = v }},
}

// contraQuestions are the conditions policies and esketamine's label weigh.
// The first four are the label's contraindications (SPRAVATO prescribing
// information, section 4; https://www.janssenlabels.com/package-insert/product-monograph/prescribing-information/SPRAVATO-pi.pdf).
var contraQuestions = []question{
	{"aneurysm", "Aneurysm or other disease of the blood vessels (aneurysmal vascular disease)?", "A weak, bulging spot in an artery, for example in the aorta or the brain. Esketamine's label says not to use it then, because it raises blood pressure.",
		func(c *ketacover.Case, v *bool) { c.History.Contraindication.AneurysmalVascularDisease = v }},
	{"avm", "Arteriovenous malformation (AVM)?", "A tangle of blood vessels where arteries connect straight to veins, often in the brain. Also a contraindication on the label.",
		func(c *ketacover.Case, v *bool) { c.History.Contraindication.AVM = v }},
	{"ich", "Ever had bleeding in the brain (intracerebral hemorrhage)?", "A bleed inside the brain, for example a hemorrhagic stroke. Also a contraindication on the label.",
		func(c *ketacover.Case, v *bool) { c.History.Contraindication.IntracerebralHemorrhage = v }},
	{"hypersensitivity", "Ever had an allergic reaction to esketamine or ketamine?", "An allergy to the drug or its ingredients rules it out.",
		func(c *ketacover.Case, v *bool) { c.History.Contraindication.Hypersensitivity = v }},
	{"psychosis", "Psychotic symptoms now?", "Hearing or seeing things others do not, or firm beliefs that are not true, at present.",
		func(c *ketacover.Case, v *bool) { c.History.Contraindication.Psychosis = v }},
	{"bipolar", "Ever diagnosed with bipolar disorder, mania or hypomania?", "Most policies cover these treatments for major depression, not bipolar depression.",
		func(c *ketacover.Case, v *bool) { c.History.Contraindication.Bipolar = v }},
	{"pregnant", "Pregnant now?", "",
		func(c *ketacover.Case, v *bool) { c.History.Contraindication.Pregnant = v }},
	{"hypertension", "Blood pressure that stays high despite treatment?", "Uncontrolled high blood pressure.",
		func(c *ketacover.Case, v *bool) { c.History.Contraindication.UncontrolledHypertension = v }},
}

var substanceQuestions = []question{
	{"sud", "Ever diagnosed with a substance use disorder (alcohol or drugs)?", "Many policies exclude an active substance use disorder, or ask for a time in remission.",
		func(c *ketacover.Case, v *bool) {
			if v != nil {
				sud(c).Disorder = v
			}
		}},
	{"sud_active", "If so: is it active now (not in remission)?", "",
		func(c *ketacover.Case, v *bool) {
			if v != nil {
				sud(c).Active = v
			}
		}},
	{"sud_use", "Do you use alcohol, cannabis, stimulants or hallucinogens now?", "Some policies ask about current use of mood-altering substances.",
		func(c *ketacover.Case, v *bool) {
			if v != nil {
				sud(c).ConcurrentMoodUs = v
			}
		}},
}

// suicideQuestions are the facts a request for MDD with acute suicidal
// ideation or behavior is judged on.
var suicideQuestions = []question{
	{"ideation", "Thinking about suicide now (acute suicidal ideation)?", "",
		func(c *ketacover.Case, v *bool) { c.History.Suicidality.Ideation = v }},
	{"behavior", "A recent suicide attempt or steps toward one (acute suicidal behavior)?", "",
		func(c *ketacover.Case, v *bool) { c.History.Suicidality.Behavior = v }},
	{"intent", "Thoughts of suicide with an intent to act?", "",
		func(c *ketacover.Case, v *bool) { c.History.Suicidality.Intent = v }},
	{"hospital", "Has a clinician said you need, or would soon need, hospital care for this?", "Some policies ask whether hospitalization is needed or would be within a day or two without treatment.",
		func(c *ketacover.Case, v *bool) { c.History.Suicidality.HospitalizationNeeded = v }},
}

var prescriberQuestions = []question{
	{"consulted", "Is a psychiatrist prescribing, or consulted about, this treatment?", "Several policies require a psychiatrist, or a prescriber working with one.",
		func(c *ketacover.Case, v *bool) { c.Prescriber.Consulted = v }},
}

// Row limits: enough for any history, small enough to bound a request.
const (
	maxTrials = 12
	maxScores = 6
	maxPsych  = 4
)

// checkForm is the self-check form as submitted: the raw answers, so a
// page can show them again, and the problems found, by field name.
type checkForm struct {
	vals   url.Values
	Trials int // rows shown
	Scores int
	Psych  int
	Errors map[string]string
}

// Value returns the answer to a field.
func (f *checkForm) Value(key string) string { return f.vals.Get(key) }

// Is reports whether a field's answer is v (for checked and selected).
func (f *checkForm) Is(key, v string) bool { return f.vals.Get(key) == v }

// Has reports whether v is among a multi-valued field's answers.
func (f *checkForm) Has(key, v string) bool {
	for _, x := range f.vals[key] {
		if x == v {
			return true
		}
	}
	return false
}

// Error returns the problem with a field, if any.
func (f *checkForm) Error(key string) string { return f.Errors[key] }

// Hidden lists the answers as name/value pairs, sorted, for the hidden
// fields that carry them to "change my answers" and to the documents: the
// server keeps nothing between requests.
func (f *checkForm) Hidden() [][2]string {
	var out [][2]string
	f.hidden(func(k, v string) { out = append(out, [2]string{k, v}) })
	return out
}

// hidden calls fn with every answer to carry, in key order.
func (f *checkForm) hidden(fn func(k, v string)) {
	for _, k := range sortedKeys(f.vals) {
		if k == "action" || !isFormKey(k) || !f.shown(k) {
			continue
		}
		for _, v := range f.vals[k] {
			if v != "" {
				fn(k, v)
			}
		}
	}
}

// shown reports whether a row field belongs to a row the form shows
// (answers for rows beyond the limits are dropped, not carried along).
func (f *checkForm) shown(key string) bool {
	group, rest, ok := strings.Cut(key, ".")
	if !ok {
		return true
	}
	idx, _, _ := strings.Cut(rest, ".")
	i, err := strconv.Atoi(idx)
	if err != nil {
		return false
	}
	switch group {
	case "trial":
		return i < f.Trials
	case "score":
		return i < f.Scores
	case "psych":
		return i < f.Psych
	}
	return false
}

// newCheckForm wraps submitted answers, with at least the default rows and
// one row more for every filled row, up to the limits.
func newCheckForm(v url.Values) *checkForm {
	if v == nil {
		v = url.Values{}
	}
	f := &checkForm{vals: v, Errors: map[string]string{}}
	f.Trials = rows(v, "trial", 3, maxTrials)
	f.Scores = rows(v, "score", 2, maxScores)
	f.Psych = rows(v, "psych", 1, maxPsych)
	return f
}

// rows is the number of rows to show for a repeated group: the highest
// row index submitted plus one, at least min.
func rows(v url.Values, prefix string, min, max int) int {
	n := min
	for k := range v {
		if len(k) <= len(prefix) || k[len(prefix)] != '.' || k[:len(prefix)] != prefix {
			continue
		}
		rest := k[len(prefix)+1:]
		idx, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < max && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// addRow adds an empty row to a group, for the button that works without
// JavaScript.
func (f *checkForm) addRow(group string) {
	switch group {
	case "trial":
		f.Trials = min(f.Trials+1, maxTrials)
	case "score":
		f.Scores = min(f.Scores+1, maxScores)
	case "psych":
		f.Psych = min(f.Psych+1, maxPsych)
	}
}

// binder reads typed values from the answers and collects problems.
type binder struct {
	f *checkForm
}

func (b binder) str(key string) string { return strings.TrimSpace(b.f.vals.Get(key)) }

func (b binder) fail(key, format string, args ...any) {
	if _, ok := b.f.Errors[key]; !ok {
		b.f.Errors[key] = fmt.Sprintf(format, args...)
	}
}

// tri reads a yes / no / not sure answer.
func (b binder) tri(key string) *bool {
	switch b.str(key) {
	case "yes":
		t := true
		return &t
	case "no":
		f := false
		return &f
	case "", "unsure":
		return nil
	}
	b.fail(key, "choose Yes, No or Not sure")
	return nil
}

func (b binder) integer(key string, lo, hi int, what string) *int {
	s := b.str(key)
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		b.fail(key, "enter %s as a whole number from %d to %d", what, lo, hi)
		return nil
	}
	return &n
}

func (b binder) number(key string, lo, hi float64, what string) *float64 {
	s := b.str(key)
	if s == "" {
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x < lo || x > hi {
		b.fail(key, "enter %s as a number from %g to %g", what, lo, hi)
		return nil
	}
	return &x
}

func (b binder) date(key, what string) *ketacover.Date {
	s := b.str(key)
	if s == "" {
		return nil
	}
	d, err := ketacover.ParseDate(s)
	if err != nil {
		b.fail(key, "enter %s as a date, YYYY-MM-DD", what)
		return nil
	}
	return &d
}

func (b binder) choice(key string, allowed ...string) string {
	s := b.str(key)
	if s == "" {
		return ""
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	b.fail(key, "choose one of the options")
	return ""
}

// caseOf turns the answers into a case and a date of service. Problems are
// left in f.Errors by field name; the case is usable only when there are
// none.
func (f *checkForm) caseOf() (*ketacover.Case, *ketacover.Date) {
	b := binder{f}
	c := &ketacover.Case{}
	// rowOf maps a list index in the case to the form row it came from,
	// so that Validate's problems land on the right row.
	rowOf := map[string][]int{}

	c.Plan.Payer = b.str("payer")
	if c.Plan.Payer == "" {
		b.fail("payer", "enter the name on your insurance card, e.g. Aetna or Highmark")
	}
	pt := b.str("plan_type")
	switch {
	case pt == "":
		b.fail("plan_type", "choose the kind of plan; your card or your plan documents say which")
	case !ketacover.PlanType(pt).Valid():
		b.fail("plan_type", "choose one of the options")
	default:
		c.Plan.Type = ketacover.PlanType(pt)
	}
	if st := b.str("state"); st != "" {
		if !validState(st) {
			b.fail("state", "choose your state from the list")
		} else {
			c.Patient.State = st
		}
	}

	switch th := b.str("therapy"); th {
	case string(ketacover.TherapyEsketamine), string(ketacover.TherapyKetamineIV):
		c.Therapy.Drug = ketacover.Therapy(th)
	case "":
		b.fail("therapy", "choose the treatment you are asking about")
	default:
		b.fail("therapy", "choose one of the options")
	}
	switch ind := b.str("indication"); ind {
	case string(ketacover.IndicationTRD), string(ketacover.IndicationMDSI):
		c.Therapy.Indication = ketacover.Indication(ind)
	case "":
		b.fail("indication", "choose what the treatment is for")
	default:
		b.fail("indication", "choose one of the options")
	}
	asOf := b.date("date", "the date of the first treatment")
	c.Therapy.StartDate = asOf
	if name := b.str("oral_ad_name"); name != "" {
		c.Therapy.OralAD = name
	}
	for _, q := range treatmentQuestions {
		q.set(c, b.tri(q.Key))
	}

	c.Patient.Age = b.integer("age", 0, 130, "your age")
	switch code := b.str("diagnosis"); code {
	case "":
	case "other":
		other := strings.ToUpper(b.str("diagnosis_other"))
		if other == "" {
			b.fail("diagnosis_other", "type the code, e.g. F33.2, or choose \"I don't know\" above")
		} else {
			c.History.Diagnoses = []ketacover.Diagnosis{{Code: other}}
		}
	default:
		if !knownDiagnosis(code) {
			b.fail("diagnosis", "choose one of the options")
		} else {
			c.History.Diagnoses = []ketacover.Diagnosis{{Code: code}}
		}
	}
	c.History.ConfirmedBy = b.choice("confirmed_by", confirmationValues...)
	for _, q := range diagnosisQuestions {
		q.set(c, b.tri(q.Key))
	}
	c.History.Episode.DurationMonths = b.integer("episode_months", 0, 600, "the months of this episode")

	outcomes := trialOutcomeValues
	for i := range f.Trials {
		k := func(field string) string { return rowKey("trial", i, field) }
		t := ketacover.Trial{
			Drug:      strings.ToLower(b.str(k("drug"))),
			DoseMg:    b.number(k("dose"), 0.001, 10000, "the daily dose in mg"),
			Weeks:     b.number(k("weeks"), 0, 520, "the weeks taken"),
			Outcome:   b.choice(k("outcome"), outcomes...),
			Episode:   b.choice(k("episode"), "current", "prior"),
			Adherence: b.integer(k("adherence"), 0, 100, "the share of doses taken, in percent"),
		}
		t.DoseAdequate = b.tri(k("adequate"))
		empty := t.Drug == "" && t.DoseMg == nil && t.Weeks == nil && t.Outcome == "" && t.Episode == "" && t.Adherence == nil && t.DoseAdequate == nil
		if empty {
			continue
		}
		if t.Drug == "" {
			b.fail(k("drug"), "enter the medicine's name, or clear this row")
			continue
		}
		c.History.Trials = append(c.History.Trials, t)
		rowOf["trials"] = append(rowOf["trials"], i)
	}
	for i := range f.Psych {
		k := func(field string) string { return rowKey("psych", i, field) }
		p := ketacover.Psychotherapy{
			Type:    b.str(k("type")),
			Weeks:   b.integer(k("weeks"), 0, 520, "the weeks of therapy"),
			Outcome: b.choice(k("outcome"), outcomes...),
			Episode: b.choice(k("episode"), "current", "prior"),
		}
		if p.Type == "" && p.Weeks == nil && p.Outcome == "" && p.Episode == "" {
			continue
		}
		if p.Type == "" {
			b.fail(k("type"), "enter the kind of therapy (e.g. CBT), or clear this row")
			continue
		}
		c.History.Psychotherapy = append(c.History.Psychotherapy, p)
		rowOf["psychotherapy"] = append(rowOf["psychotherapy"], i)
	}
	if others := f.vals["other"]; len(others) > 0 {
		c.History.OtherTreatments = []string{}
		for _, o := range others {
			switch {
			case o == "none":
			case contains(otherTreatmentValues, o):
				c.History.OtherTreatments = append(c.History.OtherTreatments, o)
			default:
				b.fail("other", "choose from the list")
			}
		}
	}
	for i := range f.Scores {
		k := func(field string) string { return rowKey("score", i, field) }
		scale := b.choice(k("scale"), scaleNameList...)
		value := b.integer(k("value"), 0, 63, "the score")
		date := b.date(k("date"), "the date of the score")
		if scale == "" && value == nil && date == nil {
			continue
		}
		switch {
		case scale == "":
			b.fail(k("scale"), "choose the scale, or clear this row")
		case value == nil:
			b.fail(k("value"), "enter the score, or clear this row")
		case date == nil:
			b.fail(k("date"), "enter the date it was taken; an approximate date is fine")
		default:
			c.History.Scores = append(c.History.Scores, ketacover.Score{Scale: scale, Value: *value, Date: *date})
			rowOf["scores"] = append(rowOf["scores"], i)
		}
	}

	for _, q := range contraQuestions {
		q.set(c, b.tri(q.Key))
	}
	for _, q := range substanceQuestions {
		q.set(c, b.tri(q.Key))
	}
	if m := b.integer("sud_remission_months", 0, 1200, "the months in remission"); m != nil {
		sud(c).RemissionMonths = m
	}
	for _, q := range suicideQuestions {
		q.set(c, b.tri(q.Key))
	}
	c.Prescriber.Specialty = b.choice("specialty", specialtyValues...)
	for _, q := range prescriberQuestions {
		q.set(c, b.tri(q.Key))
	}

	// The case's own rules (score ranges per scale, ICD-10 shape, dates)
	// apply too; their problems are shown at the field they concern.
	if len(f.Errors) == 0 {
		if err := c.Validate(); err != nil {
			if fe, ok := err.(ketacover.FieldErrors); ok {
				for _, e := range fe {
					b.fail(fieldOf(e.Field, rowOf), "%s", e.Message)
				}
			} else {
				b.fail("", "%s", err)
			}
		}
	}
	c.Normalize()
	return c, asOf
}

// fieldOf maps a case path from Validate to the form field that sets it.
func fieldOf(path string, rowOf map[string][]int) string {
	if m := rowPath.FindStringSubmatch(path); m != nil {
		group := map[string]string{"trials": "trial", "scores": "score", "psychotherapy": "psych"}[m[1]]
		field := map[string]string{"dose_mg": "dose", "adherence_pct": "adherence", "dose_adequate": "adequate"}[m[3]]
		if field == "" {
			field = m[3]
		}
		i, _ := strconv.Atoi(m[2])
		if rows := rowOf[m[1]]; i < len(rows) {
			i = rows[i]
		}
		return fmt.Sprintf("%s.%d.%s", group, i, field)
	}
	switch path {
	case "patient.age":
		return "age"
	case "patient.state":
		return "state"
	case "plan.payer":
		return "payer"
	case "plan.type":
		return "plan_type"
	case "therapy.drug":
		return "therapy"
	case "therapy.indication":
		return "indication"
	}
	if strings.HasPrefix(path, "history.diagnoses") {
		return "diagnosis_other"
	}
	return ""
}

var rowPath = regexp.MustCompile(`^history\.(trials|scores|psychotherapy)\[([0-9]+)\]\.([a-z_]+)$`)

func validState(s string) bool {
	for _, st := range states {
		if st.Code == s {
			return true
		}
	}
	return false
}

func knownDiagnosis(code string) bool {
	for _, d := range diagnoses {
		if d.Code == code {
			return true
		}
	}
	return false
}

// The answers each choice allows, listed once rather than on every
// request.
var (
	trialOutcomeValues   = values(trialOutcomes)
	confirmationValues   = values(confirmations)
	otherTreatmentValues = values(otherTreatments)
	specialtyValues      = values(specialties)
	scaleNameList        = scaleNames()
)

func scaleNames() []string {
	out := make([]string, len(scaleWords))
	for i, s := range scaleWords {
		out[i] = s.Scale
	}
	return out
}

func values(opts []struct{ Value, Label string }) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Value
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
