package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/report"
	"github.com/ketacover/ketacover/tracking"
)

// This file holds the plain words the pages use for ketacover's codes, and
// the help text shown next to every question.

// planTypeWords names each plan type for a patient, with how to tell.
var planTypeWords = []struct {
	Type  ketacover.PlanType
	Label string
}{
	{ketacover.PlanERISASelfFunded, "Job-based plan that the employer pays for itself (self-funded, ERISA)"},
	{ketacover.PlanGroupFullyInsured, "Job-based plan bought from an insurance company (fully insured)"},
	{ketacover.PlanIndividual, "Plan you bought yourself (Marketplace or direct from an insurer)"},
	{ketacover.PlanGovernmentNonFed, "State or local government employer plan"},
	{ketacover.PlanFEHB, "Federal employee plan (FEHB)"},
	{ketacover.PlanMedicareFFS, "Original Medicare (Parts A and B)"},
	{ketacover.PlanMedicareAdvantage, "Medicare Advantage (Part C)"},
	{ketacover.PlanMedicarePartD, "Medicare drug plan (Part D)"},
	{ketacover.PlanMedicaidFFS, "Medicaid paid directly by the state"},
	{ketacover.PlanMedicaidManaged, "Medicaid through a health plan (managed care)"},
	{ketacover.PlanTRICARE, "TRICARE (military health system)"},
	{ketacover.PlanVA, "Veterans Health Administration (VA)"},
}

func planTypeLabel(t ketacover.PlanType) string {
	for _, w := range planTypeWords {
		if w.Type == t {
			return w.Label
		}
	}
	return string(t)
}

// states are the two-letter codes of the states, DC and the territories.
var states = []struct{ Code, Name string }{
	{"AL", "Alabama"}, {"AK", "Alaska"}, {"AZ", "Arizona"}, {"AR", "Arkansas"}, {"CA", "California"},
	{"CO", "Colorado"}, {"CT", "Connecticut"}, {"DE", "Delaware"}, {"DC", "District of Columbia"},
	{"FL", "Florida"}, {"GA", "Georgia"}, {"HI", "Hawaii"}, {"ID", "Idaho"}, {"IL", "Illinois"},
	{"IN", "Indiana"}, {"IA", "Iowa"}, {"KS", "Kansas"}, {"KY", "Kentucky"}, {"LA", "Louisiana"},
	{"ME", "Maine"}, {"MD", "Maryland"}, {"MA", "Massachusetts"}, {"MI", "Michigan"}, {"MN", "Minnesota"},
	{"MS", "Mississippi"}, {"MO", "Missouri"}, {"MT", "Montana"}, {"NE", "Nebraska"}, {"NV", "Nevada"},
	{"NH", "New Hampshire"}, {"NJ", "New Jersey"}, {"NM", "New Mexico"}, {"NY", "New York"},
	{"NC", "North Carolina"}, {"ND", "North Dakota"}, {"OH", "Ohio"}, {"OK", "Oklahoma"}, {"OR", "Oregon"},
	{"PA", "Pennsylvania"}, {"RI", "Rhode Island"}, {"SC", "South Carolina"}, {"SD", "South Dakota"},
	{"TN", "Tennessee"}, {"TX", "Texas"}, {"UT", "Utah"}, {"VT", "Vermont"}, {"VA", "Virginia"},
	{"WA", "Washington"}, {"WV", "West Virginia"}, {"WI", "Wisconsin"}, {"WY", "Wyoming"},
	{"AS", "American Samoa"}, {"GU", "Guam"}, {"MP", "Northern Mariana Islands"}, {"PR", "Puerto Rico"},
	{"VI", "U.S. Virgin Islands"},
}

// diagnoses are the ICD-10-CM codes of major depressive disorder a patient
// may find on a visit summary, with their official titles (ICD-10-CM
// Tabular List, categories F32 and F33; CDC NCHS,
// https://www.cdc.gov/nchs/icd/icd-10-cm/files.html).
var diagnoses = []struct{ Code, Title string }{
	{"F32.0", "Major depressive disorder, single episode, mild"},
	{"F32.1", "Major depressive disorder, single episode, moderate"},
	{"F32.2", "Major depressive disorder, single episode, severe without psychotic features"},
	{"F32.3", "Major depressive disorder, single episode, severe with psychotic features"},
	{"F32.4", "Major depressive disorder, single episode, in partial remission"},
	{"F32.9", "Major depressive disorder, single episode, unspecified"},
	{"F33.0", "Major depressive disorder, recurrent, mild"},
	{"F33.1", "Major depressive disorder, recurrent, moderate"},
	{"F33.2", "Major depressive disorder, recurrent severe without psychotic features"},
	{"F33.3", "Major depressive disorder, recurrent, severe with psychotic symptoms"},
	{"F33.41", "Major depressive disorder, recurrent, in partial remission"},
	{"F33.9", "Major depressive disorder, recurrent, unspecified"},
}

// trialOutcomes words the outcome of a medicine tried.
var trialOutcomes = []struct{ Value, Label string }{
	{"no-response", "Did not help"},
	{"partial-response", "Helped a little, not enough"},
	{"intolerance", "Had to stop because of side effects"},
	{"ongoing", "Still taking it"},
	{"response", "Helped"},
	{"remission", "Symptoms went away"},
}

// confirmations words how the diagnosis was confirmed.
var confirmations = []struct{ Value, Label string }{
	{"scid", "A structured interview (such as the SCID-5)"},
	{"dsm-clinical-interview", "A clinical interview using the DSM-5 criteria"},
	{"mental-health-professional", "A psychiatrist, psychologist or other mental health professional"},
}

// specialties words the prescriber's specialty.
var specialties = []struct{ Value, Label string }{
	{"psychiatry", "Psychiatrist"},
	{"psychiatric-nurse-practitioner", "Psychiatric nurse practitioner"},
	{"mental-health-prescriber", "Another mental health prescriber"},
	{"primary-care", "Primary care doctor"},
	{"anesthesiology", "Anesthesiologist"},
	{"other", "Other"},
}

// scaleWords explains each rating scale.
var scaleWords = []struct{ Scale, Label string }{
	{"PHQ-9", "PHQ-9 (9 questions you answer yourself, 0–27)"},
	{"MADRS", "MADRS (asked by a clinician, 0–60)"},
	{"HAM-D", "HAM-D / HDRS-17 (asked by a clinician, 0–52)"},
	{"QIDS", "QIDS-16 (0–27)"},
	{"BDI-II", "BDI-II (21 questions you answer yourself, 0–63)"},
}

// otherTreatments are the other treatments a policy may ask about.
var otherTreatments = []struct{ Value, Label string }{
	{"ECT", "ECT (electroconvulsive therapy)"},
	{"TMS", "TMS (transcranial magnetic stimulation)"},
	{"esketamine", "Spravato (esketamine) before"},
	{"ketamine", "Ketamine before"},
}

// outcomeWords are a determination's outcome in a patient's words: a short
// headline and what it means.
func outcomeWords(o ketacover.Outcome, ref ketacover.Outcome) (headline, meaning string) {
	switch o {
	case ketacover.OutcomeMeets:
		return "Your answers meet this policy's criteria",
			"Every criterion we read is met by the facts you gave. This is not an approval: your prescriber still asks the plan, usually for prior authorization, and sends the records listed below."
	case ketacover.OutcomeDoesNotMeet:
		return "Your answers do not meet this policy's criteria",
			"At least one criterion is not met by the facts you gave (marked ✗ below). Some can change — another medicine tried for long enough, a score taken — and your prescriber can still ask for an exception or appeal a denial."
	case ketacover.OutcomeInfoNeeded:
		return "More information is needed",
			"Some facts the policy asks about are not known yet (marked ? below). Ask your prescriber the questions listed; once they are answered, check again."
	case ketacover.OutcomeNotCovered:
		return "This policy does not cover this treatment",
			"The payer's policy says it does not pay for this treatment (for example because it calls it investigational). A request is likely to be denied; you can still ask, appeal, or look at the alternatives and ways to pay below."
	case ketacover.OutcomeNoPolicy:
		m := "We have no policy from this payer on file, so we compared your answers with a reference profile: the FDA label plus the criteria most payers share. It is not your payer's policy — ask your payer for theirs."
		switch ref {
		case ketacover.OutcomeMeets:
			m += " Against the reference profile, your answers meet the criteria."
		case ketacover.OutcomeDoesNotMeet:
			m += " Against the reference profile, your answers do not meet the criteria."
		case ketacover.OutcomeInfoNeeded:
			m += " Against the reference profile, more information is needed."
		case ketacover.OutcomeNotCovered:
			m += " Most payers in our library do not cover this treatment."
		}
		return "No policy on file for this payer", m
	}
	return string(o), ""
}

// outcomeClass is the CSS class of an outcome's colour.
func outcomeClass(o ketacover.Outcome) string {
	switch o {
	case ketacover.OutcomeMeets:
		return "good"
	case ketacover.OutcomeInfoNeeded, ketacover.OutcomeNoPolicy:
		return "unsure"
	}
	return "bad"
}

func resultWord(r ketacover.Result) string {
	switch r {
	case ketacover.Met:
		return "Met"
	case ketacover.NotMet:
		return "Not met"
	}
	return "Not known yet"
}

func stanceWords(s ketacover.Stance) string {
	switch s {
	case ketacover.StanceCovered:
		return "Covered when criteria are met"
	case ketacover.StanceInvestigational:
		return "Not covered: called investigational"
	case ketacover.StanceNotMedicallyNeeded:
		return "Not covered: called not medically necessary"
	case ketacover.StanceExcluded:
		return "Not covered: excluded"
	}
	return string(s)
}

// stanceShort is a stance in two or three words, for tables.
func stanceShort(s ketacover.Stance) string {
	switch s {
	case ketacover.StanceCovered:
		return "Covered with criteria"
	case ketacover.StanceInvestigational:
		return "Investigational"
	case ketacover.StanceNotMedicallyNeeded:
		return "Not medically necessary"
	case ketacover.StanceExcluded:
		return "Excluded"
	}
	return string(s)
}

// provenanceShort is a source's provenance in two words, for tables.
func provenanceShort(p string) string {
	if p == "secondary" {
		return "summary only"
	}
	return "payer's document"
}

func provenanceWords(p string) string {
	if p == "secondary" {
		return "third-party summary — confirm with the payer"
	}
	return "the payer's own document"
}

func priorAuthWords(p string) string {
	switch p {
	case "required":
		return "Prior authorization required"
	case "not-required":
		return "No prior authorization required"
	}
	return "Prior authorization: not stated in the sources"
}

func therapyShort(t ketacover.Therapy) string {
	if t == ketacover.TherapyKetamineIV {
		return "IV ketamine"
	}
	return "Esketamine (Spravato)"
}

// funcs are the template functions.
var funcs = template.FuncMap{
	"mark":         report.Mark,
	"resultWord":   resultWord,
	"therapyName":  report.TherapyName,
	"therapyShort": therapyShort,
	"therapyFact":  report.TherapyFact,
	"planType":     planTypeLabel,
	"stance":       stanceWords,
	"provenance":   provenanceWords,
	"provShort":    provenanceShort,
	"stanceShort":  stanceShort,
	"priorAuth":    priorAuthWords,
	"outcomeClass": outcomeClass,
	"lower":        strings.ToLower,
	"add":          func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i
		}
		return s
	},
	"key":         func(prefix string, i int, field string) string { return prefix + "." + strconv.Itoa(i) + "." + field },
	"disclaim":    func() string { return report.Disclaimer },
	"tri":         func(f *checkForm, q question) triArgs { return triArgs{F: f, Q: q} },
	"authWords":   authWords,
	"join":        strings.Join,
	"money":       tracking.Money,
	"dueWords":    dueWords,
	"resultClass": func(r ketacover.Result) string { return string(r) },
	"list":        func(s ...string) []string { return s },
	"eventTone":   eventTone,
}

// eventTone is the colour of an event's mark on a case's timeline: bad
// for a denial or an upheld decision, good for an approval, a payment or
// an overturned decision, "" otherwise.
func eventTone(e ketacover.Event) string {
	switch e.Kind {
	case ketacover.EventPADenied, ketacover.EventClaimDenied:
		return "bad"
	case ketacover.EventPAApproved, ketacover.EventClaimPaid:
		return "good"
	case ketacover.EventAppealDecided, ketacover.EventExternalReviewDecided:
		switch e.Details.Outcome {
		case "overturned", "partial":
			return "good"
		case "upheld":
			return "bad"
		}
	}
	return ""
}

// dueWords says how far off a deadline is.
func dueWords(days int) string {
	switch {
	case days < -1:
		return fmt.Sprintf("overdue by %d days", -days)
	case days == -1:
		return "overdue by 1 day"
	case days == 0:
		return "due today"
	case days == 1:
		return "tomorrow"
	}
	return fmt.Sprintf("in %d days", days)
}

// drugNames are the generic names the self-check suggests for a medicine
// tried: the antidepressants and augmenting agents whose class ketacover
// knows (ketacover.DrugClass; a test keeps the two in step).
var drugNames = []string{
	"amitriptyline", "aripiprazole", "brexpiprazole", "bupropion", "buspirone", "cariprazine",
	"citalopram", "clomipramine", "desipramine", "desvenlafaxine", "doxepin", "duloxetine",
	"escitalopram", "fluoxetine", "fluvoxamine", "imipramine", "isocarboxazid", "levomilnacipran",
	"levothyroxine", "liothyronine", "lithium", "lurasidone", "mirtazapine", "nefazodone",
	"nortriptyline", "olanzapine", "paroxetine", "phenelzine", "protriptyline", "quetiapine",
	"risperidone", "selegiline", "sertraline", "tranylcypromine", "trazodone", "trimipramine",
	"venlafaxine", "vilazodone", "vortioxetine", "ziprasidone",
}

// triArgs are what the "tri" template reads: the form and one question.
type triArgs struct {
	F *checkForm
	Q question
}
