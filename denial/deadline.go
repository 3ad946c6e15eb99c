package denial

import (
	"regexp"
	"strings"
	"time"
)

// Deadline rules. A sentence states the reader's deadline when it names an
// amount of time, a filing verb, and is not one of the look-alikes the
// templates also print: the payer's decision clocks, continuation of
// benefits, peer-to-peer windows, corrected-claim limits and authorization
// periods (denial-letter-templates.md section 11).
var (
	numberWords = `one hundred (?:and )?eighty|one hundred (?:and )?twenty|sixty[- ]five|forty[- ]five|three|four|five|six|seven|ten|fourteen|fifteen|thirty|sixty|ninety`
	// An amount of time counts only in a deadline's grammar: "within 60
	// days", "you have 180 days", "120 days from/after/of ...", not "a
	// 12-month period".
	amountRe   = re(`(?:\b(?:within|have|has|up to)\s+(` + numberWords + `|\d{1,3})(?:\s*\((\d{1,3})\))?\s+(calendar |business |working )?(day|month)s?\b|\b(` + numberWords + `|\d{1,3})(?:\s*\((\d{1,3})\))?\s+(calendar |business |working )?(day|month)s?\s+(?:from|after|of|following)\b)`)
	byDateRe   = re(`\b(?:no later than|on or before|by)\s+`)
	filingVerb = re(`\b(appeal|reconsideration|redetermination|hearing|grievance|dispute|external review|request|ask|file|submit|send|write)\b`)
	payerClock = re(`\b(we|the plan|it|they|the (review|claims) (organization|administrator)|the IRO|the reviewer)\s+(will|must|should|shall|has to|have to)\s+(?:\w+\s+){0,3}?(decide|make|give|send|notify|respond|review|issue|tell|mail|complete|provide|let you know)\b|\b(decision|answer|response|determination|review)\s+(will|must|is to)\s+(?:\w+\s+){0,2}?be\s+(made|issued|sent|given|conducted|decided|completed)\b|\b(a|our) (decision|answer|response) within\b|\bwill decide\b|\bwe'll give\b|\byou (will|should) (get|receive|hear)\b|waiting (up to |for )?(\d+|thirty|seven) days|^\w+ \(\d+ (days|hours)\)`)
	lookAlike  = re(`keep (getting|receiving)|continue (getting|to get|to receive)|benefits will continue|services (will )?stop|aid paid pending|peer[- ]to[- ]peer|corrected claim|resubmi|timely filing|filing limit|authori[sz]ation is valid|valid through|new authori[sz]ation request`)
	reviewWord = re(`appeal|reconsideration|redetermination|hearing|review`)
	externalRe = re(`external review|external appeal|independent review|independent medical review|\bIMR\b|\bIRO\b`)
	hearingRe  = re(`\b(state|fair|state fair) hearing\b|\bhearing\b|administrative law judge`)
)

// anchor is what a deadline counts from, recognised by its wording.
type anchor struct {
	name string
	re   *regexp.Regexp
}

// anchors are tried in order: "the date of this notice" before "receipt"
// before "our decision".
var anchors = []anchor{
	{"notice-date", re(`date (of|on|listed at the top of) (this|the) (notice|letter|decision|eob)|date this notice was mailed|notice (of action )?(is|was) mailed|date of this ("[^"]+" )?(notice|letter)|from the date of this|date of this`)},
	{"receipt", re(`you receive|receiving (this|the|our)|receipt|you get (this|the)|following receipt`)},
	{"decision", re(`date of (our|the plan's|the) (appeal )?decision|date of the plan's|our (final )?decision`)},
}

var wordNumbers = map[string]int{
	"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "fourteen": 14, "fifteen": 15, "thirty": 30,
	"forty-five": 45, "forty five": 45, "sixty": 60, "sixty-five": 65, "sixty five": 65, "ninety": 90,
	"one hundred twenty": 120, "one hundred and twenty": 120, "one hundred eighty": 180, "one hundred and eighty": 180,
}

// deadline looks for a deadline in s; prev is the sentence before, which
// often names the kind of review ("You may ask for a fair hearing. Your
// request must be made within 90 days ...").
func (l *Letter) deadline(s sentence, prev string) {
	t := s.text
	if !strings.Contains(s.lower, "day") && !strings.Contains(s.lower, "month") && !strings.Contains(s.lower, "later than") &&
		!strings.Contains(s.lower, "before") && !strings.Contains(s.lower, " by ") {
		return
	}
	m := amountRe.FindStringSubmatch(t)
	if m == nil && !byDateRe.MatchString(t) {
		return
	}
	if payerClock.MatchString(t) || lookAlike.MatchString(t) || !filingVerb.MatchString(t) {
		return
	}
	d := Deadline{Finding: Finding{Field: "deadline", Sentence: t, Line: s.line, Rule: "amount-of-time"}}
	if m != nil {
		if m[1] == "" { // the second form: "120 days from ..."
			m = append(m[:1], m[5:9]...)
		}
		n := atoi(m[2])
		if n == 0 {
			n = atoi(m[1])
		}
		if n == 0 {
			n = wordNumbers[strings.ToLower(m[1])]
		}
		d.Amount = n
		switch {
		case strings.EqualFold(m[4], "month"):
			d.Unit = "months"
		case strings.EqualFold(strings.TrimSpace(m[3]), "calendar"):
			d.Unit = "calendar-days"
		case m[3] != "":
			d.Unit = "business-days"
		default:
			d.Unit = "days"
		}
		d.Value = strings.TrimSpace(m[0])
	}
	if loc := byDateRe.FindAllStringIndex(t, -1); loc != nil {
		for _, x := range loc {
			if date, n, ok := parseDateAt(t[x[1]:]); ok {
				d.By = date
				d.Value = strings.TrimSpace(t[x[0] : x[1]+n])
				d.Rule = "calendar-date"
				break
			}
		}
	}
	if d.Amount == 0 && d.By.IsZero() {
		return
	}
	for _, a := range anchors {
		if a.re.MatchString(t) {
			d.Anchor = a.name
			break
		}
	}
	kindText := t
	if !reviewWord.MatchString(t) {
		kindText = prev + " " + t
	}
	switch {
	case externalRe.MatchString(kindText):
		d.Kind = "external-review"
	case hearingRe.MatchString(kindText):
		d.Kind = "hearing"
	default:
		d.Kind = "appeal"
	}
	// "If you ask for an appeal after 65 days ..." repeats a deadline
	// already stated with its anchor.
	for _, e := range l.Deadlines {
		if d.Anchor == "" && e.Kind == d.Kind && e.Amount == d.Amount && e.By == d.By {
			return
		}
	}
	l.Deadlines = append(l.Deadlines, d)
}

// Expedited review.
var (
	expeditedRe = re(`\bexpedited\b|\bfast[- ]track\b|\bfast (appeal|decision|review|redetermination|reconsideration)|\burgent (appeal|review|request|situation|pre-service)|situation is urgent|involves urgent care|\b72 hours\b`)
	expeditedNo = re(`(cannot|can't|can not|may not|not able to) (ask for|request|get|file) (a |an )?(fast|expedited)|(fast|expedited)[^.]{0,60}(is|are) not (available|allowed|offered)|not (available|eligible) for (an? )?(fast|expedited)|not eligible for expedited|does not qualify for (an? )?(fast|expedited)|(fast|expedited)[^.]{0,40} (is |are )?only available for|will be denied if you already`)
)

func (l *Letter) expedited(s sentence) {
	t := s.text
	if !(rule{need: []string{"expedit", "fast", "urgent", "72 hours"}}).applies(s.lower) || !expeditedRe.MatchString(t) {
		return
	}
	f := Finding{Field: "expedited", Sentence: t, Line: s.line}
	if expeditedNo.MatchString(t) {
		f.Value, f.Rule = ExpeditedNotAvailable, "expedited-negated"
		if l.Expedited.Status == "" {
			l.Expedited.Status = ExpeditedNotAvailable
		}
	} else {
		f.Value, f.Rule = ExpeditedOffered, "expedited-offered"
		l.Expedited.Status = ExpeditedOffered
	}
	l.Expedited.Findings = append(l.Expedited.Findings, f)
}

// Regime signals (denial-letter-templates.md section 11).
var regimeRules = []rule{
	{"erisa", re(`section 502\(a\)|Employee Retirement Income Security Act|\bERISA\b|voluntary alternative dispute resolution|Employee Benefits Security Administration|866-444-3272|Summary Plan Description`), "erisa", []string{"502(a)", "employee retirement", "erisa", "voluntary alternative", "employee benefits security", "866-444-3272", "summary plan description"}},
	{"self-funded", re(`self-funded|self-insured`), "self-funded", []string{"self-funded", "self-insured"}},
	{"aca", re(`independent review organization|Consumer Assistance Program|four months after|4 months after|final internal adverse benefit determination`), "aca", []string{"independent review organization", "consumer assistance", "months after", "final internal adverse"}},
	{"medicare-advantage", re(`Notice of Denial of (Medical Coverage|Payment)|CMS-10003|0938-0829|Independent Review Entity|Medicare Advantage`), string("medicare-advantage"), []string{"notice of denial of", "cms-10003", "0938-0829", "independent review entity", "medicare advantage"}},
	{"medicare-part-d", re(`Medicare Part D|CMS-10146|0938-0976|redetermination`), "medicare-part-d", []string{"part d", "cms-10146", "0938-0976", "redetermination"}},
	{"medicare-ffs", re(`Medicare Summary Notice|CMS-20027|Maximum You May Be Billed`), "medicare-ffs", []string{"medicare summary notice", "cms-20027", "maximum you may be billed"}},
	{"medicaid", re(`\bMedicaid\b|\bMedi-Cal\b|State Hearing|Fair Hearing|aid paid pending|Notice of Action|Notice of Appeal Resolution|Ombudsman|\(CIN\)`), "medicaid", []string{"medicaid", "medi-cal", "hearing", "aid paid pending", "notice of action", "notice of appeal resolution", "ombudsman", "(cin)"}},
	{"tricare", re(`\bTRICARE\b|DoD Benefits Number`), "tricare", []string{"tricare", "dod benefits"}},
	{"fehb", re(`Federal Employees Health Benefits|\bFEHB\b|Office of Personnel Management`), "fehb", []string{"federal employees", "fehb", "office of personnel"}},
}

func (l *Letter) regimes(s sentence) {
	for _, r := range regimeRules {
		if r.applies(s.lower) && r.re.MatchString(s.text) && !has(l.Regimes, r.value) {
			l.Regimes = append(l.Regimes, Finding{Field: "regime", Value: r.value, Sentence: s.text, Line: s.line, Rule: r.name})
		}
	}
}

// Services: the therapies this project is about and their billing codes.
var serviceRules = []rule{
	{"esketamine", re(`\b(esketamine|spravato)\b`), "esketamine", []string{"esketamine", "spravato"}},
	{"ketamine", re(`(^|[^s])\bketamine\b`), "ketamine", []string{"ketamine"}},
}

var procedureCode = re(`\b(G2082|G2083|J0013|S0013|96365|96366|96367|96374|96375|J3490|J3590|99214|99215|90837)\b`)

func (l *Letter) services(s sentence) {
	for _, r := range serviceRules {
		if r.applies(s.lower) && r.re.MatchString(s.text) && !has(l.Services, r.value) {
			l.Services = append(l.Services, Finding{Field: "therapy", Value: r.value, Sentence: s.text, Line: s.line, Rule: r.name})
		}
	}
	if !strings.ContainsAny(s.text, "0123456789") {
		return
	}
	for _, c := range procedureCode.FindAllString(s.text, -1) {
		if !has(l.Services, c) {
			l.Services = append(l.Services, Finding{Field: "procedure-code", Value: c, Sentence: s.text, Line: s.line, Rule: "procedure-code"})
		}
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }
