package letter

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/document"
)

// long formats a date for prose: "December 7, 2026".
func long(d ketacover.Date) string { return d.Time().Format("January 2, 2006") }

// short formats a date for tables and forms, as US payers print them:
// "12/07/2026".
func short(d ketacover.Date) string { return d.Time().Format("01/02/2006") }

// revisedText formats a policy revision, which may give only a month:
// "2026-01-01" is "January 1, 2026", "2024-11" is "November 2024".
func revisedText(s string) string {
	if d, err := ketacover.ParseDate(s); err == nil {
		return long(d)
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return t.Format("January 2006")
	}
	return s
}

// therapyName is the therapy in full, as a reviewer expects to read it.
func therapyName(t ketacover.Therapy) string {
	switch t {
	case ketacover.TherapyEsketamine:
		return "esketamine nasal spray (Spravato)"
	case ketacover.TherapyKetamineIV:
		return "intravenous (IV) ketamine"
	}
	return string(t)
}

// therapyShort is the therapy's short name for later mentions.
func therapyShort(t ketacover.Therapy) string {
	switch t {
	case ketacover.TherapyEsketamine:
		return "esketamine"
	case ketacover.TherapyKetamineIV:
		return "IV ketamine"
	}
	return string(t)
}

// indicationName is the indication in words.
func indicationName(i ketacover.Indication) string {
	switch i {
	case ketacover.IndicationTRD:
		return "treatment-resistant depression"
	case ketacover.IndicationMDSI:
		return "major depressive disorder with acute suicidal ideation or behavior"
	}
	return string(i)
}

// who is how a letter refers to the patient after the first mention:
// "Ms. Whitfield", "Mr. Bell", or the full name when the case records no
// sex (or "other"), or "the patient" when it records no name.
func (b *builder) who() string {
	name := strings.TrimSpace(b.c.Patient.Name)
	if name == "" {
		return "the patient"
	}
	fields := strings.Fields(name)
	last := fields[len(fields)-1]
	switch b.c.Patient.Sex {
	case "female":
		return "Ms. " + last
	case "male":
		return "Mr. " + last
	}
	return name
}

// she is the pronoun for the patient as a subject, by the sex the case
// records, or who when it records none (or "other").
func (b *builder) she() string {
	switch b.c.Patient.Sex {
	case "female":
		return "she"
	case "male":
		return "he"
	}
	return b.who()
}

// her is the possessive: "her", "his", or "Jordan Lee's".
func (b *builder) her() string {
	switch b.c.Patient.Sex {
	case "female":
		return "her"
	case "male":
		return "his"
	}
	return b.who() + "'s"
}

// herObj is the pronoun as an object: "her", "him", or who.
func (b *builder) herObj() string {
	switch b.c.Patient.Sex {
	case "female":
		return "her"
	case "male":
		return "him"
	}
	return b.who()
}

// whoCap is who at the start of a sentence.
func (b *builder) whoCap() string { return capital(b.who()) }

func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lowers the first letter of s unless it begins an acronym
// ("Major depressive" → "major depressive", "MDD" stays).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || len(s) < 2 {
		return s
	}
	r2, _ := utf8.DecodeRuneInString(s[n:])
	if unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// patientRun is the patient's full name, or a blank.
func (b *builder) patientRun() document.Run {
	return document.Fact(b.c.Patient.Name, "patient's full name")
}

// doseRuns is the dose per session.
func (b *builder) doseRuns() []document.Run {
	t := b.c.Therapy
	switch {
	case t.Drug == ketacover.TherapyKetamineIV && t.DoseMgPerKg != nil:
		return []document.Run{document.Plain(num(*t.DoseMgPerKg) + " mg/kg per infusion")}
	case t.Drug == ketacover.TherapyKetamineIV && t.DoseMg != nil:
		return []document.Run{document.Plain(num(*t.DoseMg) + " mg per infusion")}
	case t.DoseMg != nil:
		return []document.Run{document.Plain(num(*t.DoseMg) + " mg per session")}
	case t.Drug == ketacover.TherapyKetamineIV:
		return []document.Run{document.Blank("ketamine dose per infusion (mg/kg)")}
	}
	return []document.Run{document.Blank("esketamine dose per session (56 or 84 mg)")}
}

// num formats a number without a needless decimal: 84, 0.5.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// scheduleRuns is the schedule in words: the case's own words, else the
// course's phases.
func (b *builder) scheduleRuns() []document.Run {
	if s := strings.TrimSpace(b.c.Therapy.Schedule); s != "" {
		return []document.Run{document.Plain(s)}
	}
	if tp := b.c.Therapy.Course; tp != nil && len(tp.Phases) > 0 {
		return []document.Run{document.Plain(courseWords(*tp))}
	}
	return []document.Run{document.Blank("treatment schedule (e.g. twice weekly for 4 weeks)")}
}

// courseWords describes the phases of a course: "twice weekly for 4 weeks,
// then weekly for 4 weeks".
func courseWords(tp ketacover.TreatmentPlan) string {
	var parts []string
	for _, ph := range tp.Phases {
		var s string
		switch {
		case ph.PerWeek == 1:
			s = "weekly"
		case ph.PerWeek == 2:
			s = "twice weekly"
		case ph.PerWeek > 2:
			s = fmt.Sprintf("%d times a week", ph.PerWeek)
		case ph.EveryWeeks == 1:
			s = "weekly"
		case ph.EveryWeeks > 1:
			s = fmt.Sprintf("every %d weeks", ph.EveryWeeks)
		}
		switch {
		case ph.Weeks > 0 && ph.Sessions > 0:
			s += fmt.Sprintf(" for %d weeks (up to %d sessions)", ph.Weeks, ph.Sessions)
		case ph.Weeks > 0:
			s += fmt.Sprintf(" for %d weeks", ph.Weeks)
		case ph.Sessions > 0:
			s += fmt.Sprintf(" for %d sessions", ph.Sessions)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", then ")
}

// sessions returns the number of sessions requested: therapy.sessions, or
// the course's count.
func (b *builder) sessions() (int, bool) {
	t := b.c.Therapy
	if t.Sessions != nil {
		return *t.Sessions, true
	}
	if tp := b.course(); tp != nil {
		return len(tp.Sessions()), true
	}
	return 0, false
}

// sessionsRun is the number of sessions in words, or a blank.
func (b *builder) sessionsRun() document.Run {
	if n, ok := b.sessions(); ok {
		return document.Plain(plural(n, "session"))
	}
	return document.Blank("number of sessions requested")
}

// start is the first date of treatment.
func (b *builder) start() (ketacover.Date, bool) {
	t := b.c.Therapy
	if t.StartDate != nil {
		return *t.StartDate, true
	}
	if t.Course != nil && !t.Course.Start.IsZero() {
		return t.Course.Start, true
	}
	return ketacover.Date{}, false
}

func (b *builder) startRun() document.Run {
	if d, ok := b.start(); ok {
		return document.Plain(long(d))
	}
	return document.Blank("first date of treatment")
}

// course is the case's treatment plan, its start filled in, or nil when
// the case gives none.
func (b *builder) course() *ketacover.TreatmentPlan {
	t := b.c.Therapy
	if t.Course == nil || len(t.Course.Phases) == 0 {
		return nil
	}
	tp := *t.Course
	if tp.Start.IsZero() {
		d, ok := b.start()
		if !ok {
			return nil
		}
		tp.Start = d
	}
	if tp.Therapy == "" {
		tp.Therapy = t.Drug
	}
	if err := tp.Validate(); err != nil {
		return nil
	}
	return &tp
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// diagnosisText is one diagnosis in words: "major depressive disorder,
// recurrent, severe without psychotic features (ICD-10-CM F33.2)".
func diagnosisText(dx ketacover.Diagnosis) string {
	if d := strings.TrimSpace(dx.Description); d != "" {
		return fmt.Sprintf("%s (ICD-10-CM %s)", lowerFirst(strings.TrimSuffix(d, ".")), dx.Code)
	}
	return "a diagnosis of ICD-10-CM " + dx.Code
}

// diagnosesRuns names every diagnosis, or a blank.
func (b *builder) diagnosesRuns() []document.Run {
	dx := b.c.History.Diagnoses
	if len(dx) == 0 {
		return []document.Run{document.Blank("diagnosis with its ICD-10-CM code")}
	}
	parts := make([]string, len(dx))
	for i, d := range dx {
		parts[i] = diagnosisText(d)
	}
	return []document.Run{document.Plain(joinAnd(parts))}
}

// diagnosisCodes lists the ICD-10-CM codes.
func (b *builder) diagnosisCodes() []string {
	var out []string
	for _, d := range b.c.History.Diagnoses {
		out = append(out, d.Code)
	}
	return out
}

// joinAnd joins words as a list in prose: "a, b and c".
func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// missing reports whether the determination lists path as a fact it
// needs and the case lacks.
func (b *builder) missing(path string) bool {
	if b.d == nil {
		return false
	}
	for _, m := range b.d.Missing {
		if m == path {
			return true
		}
	}
	return false
}

// trialPath matches a fact path of one trial, e.g.
// history.trials[0].adherence_pct.
var trialPath = regexp.MustCompile(`^history\.trials\[(\d+)\]\.([a-z_]+)$`)

// missingLabel names a missing fact, from its path in the case, the way a
// blank shows it: "adherence to fluoxetine (% of doses taken)".
func (b *builder) missingLabel(path string) string {
	if m := trialPath.FindStringSubmatch(path); m != nil {
		i, _ := strconv.Atoi(m[1])
		drug := "trial " + m[1]
		if i < len(b.c.History.Trials) {
			drug = b.c.History.Trials[i].Drug
		}
		switch m[2] {
		case "dose_mg":
			return "daily dose of " + drug
		case "weeks":
			return "weeks on " + drug
		case "adherence_pct":
			return "adherence to " + drug + " (% of doses taken)"
		case "improvement_pct":
			return "improvement on a rating scale during the " + drug + " trial (%)"
		case "outcome":
			return "outcome of the " + drug + " trial"
		case "dose_adequate":
			return "whether the " + drug + " dose was adequate"
		case "max_tolerated":
			return "whether " + drug + " reached the maximally tolerated dose"
		case "episode":
			return "whether the " + drug + " trial was in the current episode"
		case "class":
			return "drug class of " + drug
		}
		return strings.ReplaceAll(m[2], "_", " ") + " of " + drug
	}
	if sc, ok := strings.CutPrefix(path, "history.scores."); ok {
		return sc + " score and its date"
	}
	if l, ok := missingLabels[path]; ok {
		return l
	}
	i := strings.LastIndex(path, ".")
	return strings.ReplaceAll(path[i+1:], "_", " ")
}

var missingLabels = map[string]string{
	"patient.age":                                "patient's date of birth",
	"patient.birth_date":                         "patient's date of birth",
	"history.diagnoses":                          "diagnosis with its ICD-10-CM code",
	"history.diagnosis_confirmed_by":             "how the diagnosis was confirmed (e.g. structured clinical interview)",
	"history.episode.recurrent":                  "whether the depression is recurrent",
	"history.episode.duration_months":            "length of the current episode (months)",
	"history.episode.psychotic_features":         "whether the episode has psychotic features",
	"history.trials":                             "medication trials (drug, dose, weeks, outcome)",
	"history.psychotherapy":                      "psychotherapy tried (type, weeks, outcome)",
	"history.scores":                             "rating-scale scores with dates",
	"therapy.with_oral_antidepressant":           "whether an oral antidepressant is taken alongside",
	"therapy.oral_antidepressant_new":            "whether the oral antidepressant is newly started",
	"therapy.dose_mg":                            "dose per session (mg)",
	"therapy.site.rems_certified":                "REMS certification of the treatment setting",
	"therapy.site.rems_patient_enrolled":         "the patient's REMS enrollment",
	"therapy.site.monitoring_2h":                 "two-hour post-dose monitoring at the site",
	"prescriber.specialty":                       "prescriber's specialty",
	"prescriber.psychiatrist_consulted":          "whether a psychiatrist was consulted",
	"prescriber.pdmp_checked":                    "whether the state PDMP was checked",
	"history.suicidality.ideation":               "whether there is acute suicidal ideation",
	"history.suicidality.behavior":               "whether there is acute suicidal behavior",
	"history.suicidality.intent":                 "whether suicidal ideation comes with intent",
	"history.suicidality.hospitalization_needed": "whether hospitalization is needed",
}

// factText turns a criterion's reason (the engine's "label: value; ..."
// summary of the facts it read) into sentences a reviewer reads.
func factText(reason string) []string {
	var out []string
	for _, part := range strings.Split(reason, "; ") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		for _, e := range enumWords {
			part = strings.ReplaceAll(part, ": "+e[0], ": "+e[1])
		}
		part = fieldWords.Replace(part)
		part = isoDate.ReplaceAllStringFunc(part, func(s string) string {
			d, err := ketacover.ParseDate(s)
			if err != nil {
				return s
			}
			return short(d)
		})
		out = append(out, capital(part))
	}
	return out
}

// enumWords are case-file values as a reader says them, longest first so
// that no replacement eats part of another.
var enumWords = [][2]string{
	{"psychiatric-nurse-practitioner", "psychiatric nurse practitioner"},
	{"mental-health-professional", "a mental health professional"},
	{"dsm-clinical-interview", "DSM-5 clinical interview"},
	{"scid", "structured clinical interview (SCID)"},
}

// fieldWords are the case-file field names the engine's reasons mention
// ("adherence_pct not recorded"), as a reader says them.
var fieldWords = strings.NewReplacer(
	"improvement_pct", "improvement on a rating scale",
	"adherence_pct", "adherence",
	"dose_mg", "dose",
	"dose_adequate", "whether the dose was adequate",
	"max_tolerated", "whether the dose was the maximum tolerated",
)

// isoDate finds the engine's YYYY-MM-DD dates in a reason.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
