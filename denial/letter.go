package denial

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
)

// Finding is one thing the letter reader found, with the sentence behind
// it and the rule that fired, so a person can check every finding.
type Finding struct {
	Field    string `json:"field"`
	Value    string `json:"value"`
	Sentence string `json:"sentence"`
	Line     int    `json:"line"` // 1-based line of the letter where the sentence starts
	Rule     string `json:"rule"`
}

// Deadline is a time limit the letter states for the reader to act.
type Deadline struct {
	Kind   string         `json:"kind"`             // appeal, external-review, hearing
	Amount int            `json:"amount,omitempty"` // 180
	Unit   string         `json:"unit,omitempty"`   // days, calendar-days, business-days, months
	Anchor string         `json:"anchor,omitempty"` // notice-date, receipt, decision, or "" when the letter does not say
	By     ketacover.Date `json:"by,omitzero"`      // a calendar date the letter names ("no later than August 30, 2027")
	Finding
}

// Expedited says whether the letter offers a faster review.
type Expedited struct {
	Status   string    `json:"status"` // offered, not-available, not-mentioned
	Findings []Finding `json:"findings,omitempty"`
}

// The values of Expedited.Status.
const (
	ExpeditedOffered      = "offered"
	ExpeditedNotAvailable = "not-available"
	ExpeditedNotMentioned = "not-mentioned"
)

// Letter is what ReadLetter finds in a denial letter. Every finding carries
// its sentence; fields the letter does not state stay empty.
type Letter struct {
	Classes    []Class        `json:"classes"`              // distinct classes of the reasons, in order found
	Reasons    []Finding      `json:"reasons"`              // Value is the class ("" for a stated reason no rule classifies)
	Codes      []Finding      `json:"codes,omitempty"`      // CARC and RARC codes the letter quotes
	Classified []Result       `json:"classified,omitempty"` // Classify applied to the quoted codes
	Policies   []Finding      `json:"policies,omitempty"`   // policy, plan provision, rule or criteria set cited
	NoticeDate ketacover.Date `json:"noticeDate,omitzero"`
	Dates      []Finding      `json:"dates,omitempty"`      // Field notice-date, service-date, received-date, decision-date
	Members    []Finding      `json:"members,omitempty"`    // member identifiers
	References []Finding      `json:"references,omitempty"` // claim, reference, case, appeal, authorization numbers
	Deadlines  []Deadline     `json:"deadlines,omitempty"`
	// AppealDeadline is the first deadline of kind appeal, else of kind
	// hearing (a Medicaid fee-for-service notice offers a fair hearing and
	// no plan appeal). After a final internal decision only external review
	// is left, and it stays nil.
	AppealDeadline *Deadline `json:"appealDeadline,omitempty"`
	Expedited      Expedited `json:"expedited"`
	Regimes        []Finding `json:"regimes,omitempty"`  // signals of the plan's legal regime (erisa, aca, medicare-advantage ...); a signal, not a determination
	Services       []Finding `json:"services,omitempty"` // therapy and procedure codes named
}

// ReadLetter reads the text of a denial letter with fixed, explainable
// rules. It never fails: what it cannot find stays empty.
func ReadLetter(text string) Letter {
	text = normalizeText(text)
	sents := splitSentences(text)
	var l Letter
	prev := ""
	for _, s := range sents {
		l.reasons(s)
		l.codes(s)
		l.policies(s)
		l.dates(s)
		l.ids(s)
		l.deadline(s, prev)
		l.expedited(s)
		l.regimes(s)
		l.services(s)
		prev = s.text
	}
	l.letterDate(text)
	l.finish()
	return l
}

func (l *Letter) finish() {
	seen := map[Class]bool{}
	for _, r := range l.Reasons {
		if c := Class(r.Value); c != "" && !seen[c] {
			seen[c] = true
			l.Classes = append(l.Classes, c)
		}
	}
	for _, r := range l.Classified {
		if r.Class != "" && !seen[r.Class] {
			seen[r.Class] = true
			l.Classes = append(l.Classes, r.Class)
		}
	}
	for _, d := range l.Dates {
		if d.Field == "notice-date" {
			l.NoticeDate, _ = ketacover.ParseDate(d.Value)
			break
		}
	}
	for _, kind := range []string{"appeal", "hearing"} {
		for i := range l.Deadlines {
			if l.AppealDeadline == nil && l.Deadlines[i].Kind == kind {
				l.AppealDeadline = &l.Deadlines[i]
			}
		}
	}
	if l.Expedited.Status == "" {
		l.Expedited.Status = ExpeditedNotMentioned
	}
	if l.Classes == nil {
		l.Classes = []Class{}
	}
	if l.Reasons == nil {
		l.Reasons = []Finding{}
	}
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(`(?i)` + s) }

// rule is a pattern that, when it matches a sentence, yields value. need
// lists words (lower case) of which the sentence must contain one before
// the regular expression runs: a cheap filter that keeps reading fast.
type rule struct {
	name  string
	re    *regexp.Regexp
	value string
	need  []string
}

// applies reports whether the sentence (lower-cased) has one of the words
// the rule needs.
func (r rule) applies(lower string) bool {
	for _, w := range r.need {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return len(r.need) == 0
}

// Reason rules, by class. They look for the words payers use to say why
// (regulations-and-appeals.md section 2; denial-letter-templates.md
// sections 9-11; the phrase lists of Fight Health Insurance's classifier
// described there).
var reasonRules = []rule{
	{"not-medically-necessary", re(`\bnot (deemed )?medically necessary|\bnot (medically )?(reasonable and )?necessary\b|\bmedically unnecessary`), string(MedicalNecessity), []string{"necess"}},
	{"criteria-not-met", re(`(does|do|did) not meet (our |the |your plan's |the plan's )?(medical necessity|clinical|coverage) (criteria|guidelines)|medical necessity criteria (were|was|are|is) not met|criteria for [^.]{3,60} (were|was) not met|(do|does) not show a response`), string(MedicalNecessity), []string{"not meet", "not met", "not show"}},
	{"frequency-not-supported", re(`(frequency|number of (visits|sessions|infusions|units)) (billed )?(does not|do not|is not|are not) (meet|supported|support)|not medically necessary as billed|do not explain why more frequent`), string(MedicalNecessity), []string{"frequen", "number of", "necessary as billed"}},
	{"experimental", re(`\bexperimental\b|\binvestigational\b|\bunproven\b|not (been )?proven (to be )?effective|evidence [^.]{0,60}\binsufficient\b|insufficient (scientific )?evidence`), string(ExperimentalInvestigational), []string{"experiment", "investig", "unproven", "proven", "insufficient"}},
	{"not-fda-approved", re(`not (been )?approved by the (U\.?S\.? )?Food and Drug Administration for|not FDA[- ]approved for|\boff-label\b`), string(ExperimentalInvestigational), []string{"food and drug", "fda", "off-label"}},
	{"no-prior-authorization", re(`(prior |pre-?)?(authori[sz]ation|approval|precertification|pre-certification)( was| is| had| has)? (not|never) (been )?(obtained|requested|received|on file)|no (prior )?(authori[sz]ation|precertification|approval) (was |is )?(on file|obtained|found)|without (a |an )?(prior )?(authori[sz]ation|precertification|approval)|no authori[sz]ation on file`), string(PriorAuthorization), []string{"authori", "approval", "precert", "pre-cert"}},
	{"authorization-exceeded", re(`exceeds? the (number of )?(authori[sz]ed|approved) (number of )?(units|visits|sessions|treatments|infusions)|outside the authori[sz]ed (dates|period)|authori[sz]ation (number )?(is |was )?(missing|invalid|expired)`), string(PriorAuthorization), []string{"authori", "approved"}},
	{"benefit-limit", re(`benefit (maximum|limit)|(visit|session|treatment) (limit|maximum)|maximum (number of )?(visits|sessions|treatments|benefits?)\b|(annual|lifetime|calendar[- ]year) (maximum|limit)|(have|has) (been )?(used all|exhausted)|benefits? (have|has) been exhausted|exceeds (this|the) (plan's )?limit|you have used all`), string(BenefitLimit), []string{"maximum", "limit", "exhausted", "used all"}},
	{"missing-information", re(`(did not|have not|has not|could not) (receive|get)[^.]{0,40}(records|information|documentation)|(missing|incomplete|insufficient) (medical )?(information|documentation|records)|required information was missing|(information|records|documentation) (was|were) (missing|not (received|included|provided|submitted))|did not include the`), string(MissingInformation), []string{"information", "records", "documentation", "did not include"}},
	{"unprocessable", re(`(unable|not able) to process (this|the|your) claim|denied as incomplete`), string(MissingInformation), []string{"process", "incomplete"}},
	{"coding", re(`(procedure|diagnosis|billing|CPT|HCPCS|ICD-10)( code)?s? [^.]{0,60}(invalid|incorrect|inconsistent|does not (match|support)|not valid)|without modifier|modifier [^.]{0,30}(missing|invalid|required)|included in the (payment|allowance) for|not (paid|payable|billed) separately|bundled|for the diagnosis reported|(invalid|incorrect|wrong) (procedure |diagnosis )?code`), string(Coding), []string{"code", "modifier", "included in the", "separately", "bundled", "diagnosis reported"}},
	{"not-covered", re(`(is|are) not (a )?covered (benefit|service)|not (a )?covered (benefit|service|Part D drug)|not covered (under|by) (your|the|this) (plan|policy|contract|benefit)|\bexclud(ed|es)\b|\bexclusion\b|(is|are) not a benefit|plan does not (cover|provide (coverage|benefits))|not a covered`), string(NonCovered), []string{"cover", "exclu", "benefit"}},
	{"eligibility", re(`coverage (ended|terminated|was terminated|had ended|was not (in effect|active))|(were|was) not (enrolled|eligible|a member)|not (eligible|enrolled) on the date|before (your|the) coverage (began|started)|unable to (identify|verify) (the )?(member|patient|eligibility|coverage)`), string(Eligibility), []string{"coverage", "enrolled", "eligible", "member", "identify", "verify"}},
	{"timely-filing", re(`timely filing|after the (filing|time) limit|filing (limit|deadline) [^.]{0,40}(passed|expired)|not (filed|submitted|received) (within|on time)`), string(TimelyFiling), []string{"timely", "limit", "deadline", "filed", "submitted", "received"}},
	{"out-of-network", re(`\bout[- ]of[- ]network\b|\bnon[- ]?(participating|contracted|network) (provider|facility)|not (in|part of) (our|your|the) [^.]{0,30}network|providers available in your network`), string(OutOfNetwork), []string{"network", "participating", "contracted"}},
	{"duplicate", re(`\bduplicate\b|(already|previously) (been )?(processed|paid|billed)`), string(Duplicate), []string{"duplicate", "already", "previously"}},
	{"patient-responsibility", re(`applied to (your|the) (deductible|coinsurance|copay)|you may owe|your share\b|patient responsibility`), string(PatientResponsibility), []string{"applied to", "owe", "your share", "patient responsibility"}},
}

// skipReason matches sentences that describe rights or hypothetical cases,
// not this denial's reason: appeal instructions and model-notice boilerplate
// mention "medical necessity" and "experimental" whatever the reason was.
var skipReason = re(`^(if|when|whether|unless|for certain|who may|what if|can i|how do|other resources)\b|\bexternal review\b|\bexternal appeal\b|independent (medical )?review|you (may|can|have the right to) (ask|request|appeal|file|send|get|call|also)|\bappeal rights\b|your right to`)

// reasonLabel marks a line that states the reason by label.
var reasonLabel = re(`^(reason( for (denial|upholding (the )?denial|the denial|our decision))?|why (we|line \d+ was) denied[^:]*|denial reason)\s*:\s*(.+)$`)

func (l *Letter) reasons(s sentence) {
	text := s.text
	labelled := false
	if m := reasonLabel.FindStringSubmatch(text); m != nil {
		text, labelled = m[len(m)-1], true
	}
	lower := s.lower
	if labelled {
		lower = strings.ToLower(text)
	}
	var hits []rule
	for _, r := range reasonRules {
		if r.applies(lower) && r.re.MatchString(text) {
			hits = append(hits, r)
		}
	}
	if !labelled && (len(hits) == 0 || skipReason.MatchString(text)) {
		return
	}
	for _, r := range hits {
		l.Reasons = append(l.Reasons, Finding{Field: "reason", Value: r.value, Sentence: s.text, Line: s.line, Rule: r.name})
	}
	if labelled && len(hits) == 0 {
		l.Reasons = append(l.Reasons, Finding{Field: "reason", Value: "", Sentence: s.text, Line: s.line, Rule: "reason-label"})
	}
}

// Codes quoted in a letter: a group code with a CARC (CO-50), a CARC after
// "reason code", remark codes after "remark".
var (
	groupCARC  = regexp.MustCompile(`\b(CO|PR|OA|PI|CR)[- ](\d{1,3}|A1|B13)\b`)
	reasonCode = re(`\b(?:reason|adjustment|denial) codes?:?\s+(\d{1,3})\b`)
	remarkCode = regexp.MustCompile(`\b(MA\d{2,3}|N\d{1,3}|M\d{1,3})\b`)
	remarkWord = re(`\bremarks?\b|\bRARC\b|denial codes?`)
)

func (l *Letter) codes(s sentence) {
	if !strings.Contains(s.lower, "code") && !strings.Contains(s.lower, "remark") && !hasGroupCode(s.text) {
		return
	}
	var carcsFound [][2]string
	for _, m := range groupCARC.FindAllStringSubmatch(s.text, -1) {
		carcsFound = append(carcsFound, [2]string{m[1], m[2]})
	}
	if len(carcsFound) == 0 {
		for _, m := range reasonCode.FindAllStringSubmatch(s.text, -1) {
			carcsFound = append(carcsFound, [2]string{"", m[1]})
		}
	}
	var rarcsFound []string
	if remarkWord.MatchString(s.text) {
		for _, m := range remarkCode.FindAllString(s.text, -1) {
			if !slices.Contains(rarcsFound, m) {
				rarcsFound = append(rarcsFound, m)
			}
		}
	}
	for _, c := range carcsFound {
		v := c[1]
		if c[0] != "" {
			v = c[0] + "-" + c[1]
		}
		l.Codes = append(l.Codes, Finding{Field: "carc", Value: v, Sentence: s.text, Line: s.line, Rule: "quoted-code"})
		l.Classified = append(l.Classified, Classify(c[0], c[1], rarcsFound))
	}
	for _, r := range rarcsFound {
		l.Codes = append(l.Codes, Finding{Field: "rarc", Value: r, Sentence: s.text, Line: s.line, Rule: "quoted-code"})
	}
}

// hasGroupCode is a cheap check for "CO-", "PR 96" and the like before the
// regular expression runs.
func hasGroupCode(t string) bool {
	for _, g := range []string{"CO", "PR", "OA", "PI", "CR"} {
		for i := strings.Index(t, g); i >= 0; {
			if j := i + 2; j+1 < len(t) && (t[j] == '-' || t[j] == ' ') && (t[j+1] >= '0' && t[j+1] <= '9' || t[j+1] == 'A' || t[j+1] == 'B') {
				return true
			}
			k := strings.Index(t[i+2:], g)
			if k < 0 {
				break
			}
			i += 2 + k
		}
	}
	return false
}

// Policy rules: what the payer says it relied on.
var policyRules = []rule{
	{"medical-policy", re(`\b((?:Medical|Clinical|Coverage|Pharmacy|Drug|Reimbursement|Payment) (?:Policy|Policy Bulletin|Coverage Policy|Guideline)(?: Bulletin)?(?:(?:\s+(?:#|No\.|Number)?\s*[A-Z]{0,4}[-. ]?\d[\w.\-]*)(?:,?\s*"[^"]{3,80}")?|,?\s*"[^"]{3,80}"))`), "", []string{"policy", "guideline"}},
	{"clinical-policy", re(`\b(clinical policy\s+[A-Z]{1,4}-[\w.\-]+(?:\s*"[^"]{3,80}")?)`), "", []string{"clinical policy"}},
	{"um-guideline", re(`\b((?:Behavioral Health |Utilization Management )+Guideline\s+[A-Z]{1,4}-?\d[\w.\-]*)`), "", []string{"guideline"}},
	{"plan-document", re(`\b((?:Chapter|Section|Article)\s+[\w.]+(?:,\s*(?:Section|Part)\s+[\w.]+)?(?:\s*\([^)]{3,40}\))?(?:,\s*[A-Z][\w ,]{3,40})?\s+of\s+(?:your|the)\s+(?:Evidence of Coverage|Certificate of Coverage|Summary Plan Description|Plan Document|Member Handbook|Benefit Booklet)(?: for the [A-Z][\w ]{3,60}Plan)?)`), "", []string{"evidence of coverage", "certificate of coverage", "summary plan description", "plan document", "member handbook", "benefit booklet"}},
	{"plan-document", regexp.MustCompile(`\b((?:Evidence of Coverage|Certificate of Coverage|Summary Plan Description|Plan Document|Member Handbook|Benefit Booklet)(?:,\s*(?:(?:Section|Chapter|Article|Part)\s+[\w.]+(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)*)?|Schedule of Benefits))?)`), "", []string{"evidence of coverage", "certificate of coverage", "summary plan description", "plan document", "member handbook", "benefit booklet"}},
	{"coverage-determination", re(`\b((?:Local|National) Coverage Determination(?:\s*\(?(?:LCD|NCD)\)?)?\s*(?:L\d{5}|\d{2,3}\.\d+)?|\bL\d{5}\b)`), "", []string{"coverage determination", "l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"}},
	{"regulation", re(`\b(\d{1,2}\s*C\.?F\.?R\.?\s*(?:§+|section|part)?\s*\d+(?:\.\d+)?(?:\([a-z0-9]+\))*)`), "", []string{"cfr", "c.f.r"}},
	{"statute", regexp.MustCompile(`\b((?:[A-Z][a-z]+ (?:and )?)+Code,? (?:[Ss]ection|§)\s*\d+(?:[.\-]\d+)*)`), "", []string{" code"}},
	{"tricare-manual", re(`\b(TRICARE Policy Manual[^.;]{0,60})`), "", []string{"tricare policy manual"}},
	{"criteria-set", re(`\b(InterQual(?: [A-Z][\w ]{2,40}criteria)?|MCG (?:Care )?Guidelines)`), "", []string{"interqual", "mcg"}},
	{"medicare-rules", re(`\b(Medicare coverage rules(?: for Part [A-D] drugs)?)`), "", []string{"medicare coverage rules"}},
}

// notPolicy drops rights boilerplate that matches the shapes above.
var notPolicy = re(`section 502\(a\)`)

func (l *Letter) policies(s sentence) {
	for _, r := range policyRules {
		if !r.applies(s.lower) {
			continue
		}
		for _, m := range r.re.FindAllStringSubmatch(s.text, -1) {
			v := strings.TrimRight(strings.TrimSpace(m[1]), ",;")
			if v == "" || notPolicy.MatchString(v) || l.hasPolicy(v) {
				continue
			}
			l.Policies = append(l.Policies, Finding{Field: "policy", Value: v, Sentence: s.text, Line: s.line, Rule: r.name})
		}
	}
}

// hasPolicy reports whether v, or a longer citation containing it, is
// already recorded.
func (l *Letter) hasPolicy(v string) bool {
	for _, p := range l.Policies {
		if strings.Contains(p.Value, v) {
			return true
		}
	}
	return false
}

// Dates.
const monthRe = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

var (
	dateRe = re(`\b(?:` + monthRe + `\.?\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2})|(\d{1,2})\s+` + monthRe + `\.?\s+(\d{4}))\b`)
	// dateLabel finds a labelled date: the label, then a date right after.
	dateLabel = re(`(date of (?:this )?notice|notice date|date of (?:this )?letter|letter date|date mailed|mailing date|statement date|date\(s\) of service|dates? of service|service dates?|date received|received date|date of (?:the )?(?:denial|decision|determination)|decision date|(?:^|[^a-z ])date)\s*:\s*`)
)

var months = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// parseDateAt parses the date that starts s (after optional spaces).
func parseDateAt(s string) (ketacover.Date, int, bool) {
	loc := dateRe.FindStringSubmatchIndex(s)
	if loc == nil || strings.TrimSpace(s[:loc[0]]) != "" {
		return ketacover.Date{}, 0, false
	}
	d, ok := dateFromMatch(s, loc)
	return d, loc[1], ok
}

func dateFromMatch(s string, loc []int) (ketacover.Date, bool) {
	g := func(i int) string {
		if loc[2*i] < 0 {
			return ""
		}
		return s[loc[2*i]:loc[2*i+1]]
	}
	var y, m, d int
	switch {
	case g(1) != "":
		m, d, y = months[strings.ToLower(g(1))[:3]], atoi(g(2)), atoi(g(3))
	case g(4) != "":
		m, d, y = atoi(g(4)), atoi(g(5)), atoi(g(6))
	case g(7) != "":
		y, m, d = atoi(g(7)), atoi(g(8)), atoi(g(9))
	default:
		d, m, y = atoi(g(10)), months[strings.ToLower(g(11))[:3]], atoi(g(12))
	}
	date := ketacover.NewDate(y, timeMonth(m), d)
	if m < 1 || m > 12 || d < 1 || date.Day != d {
		return ketacover.Date{}, false
	}
	return date, true
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func (l *Letter) dates(s sentence) {
	if !strings.Contains(s.lower, "date") {
		return
	}
	for _, loc := range dateLabel.FindAllStringSubmatchIndex(s.text, -1) {
		label := strings.ToLower(strings.Trim(s.text[loc[2]:loc[3]], " :"))
		d, _, ok := parseDateAt(s.text[loc[1]:])
		if !ok {
			continue
		}
		field := "notice-date"
		switch {
		case strings.Contains(label, "service"):
			field = "service-date"
		case strings.Contains(label, "received"):
			field = "received-date"
		case strings.Contains(label, "denial"), strings.Contains(label, "decision"), strings.Contains(label, "determination"):
			field = "decision-date"
		}
		l.Dates = append(l.Dates, Finding{Field: field, Value: d.String(), Sentence: s.text, Line: s.line, Rule: "date-label"})
	}
}

// letterDate takes a line near the top that is only a date ("November 3,
// 2026") as the notice date when no labelled one was found.
func (l *Letter) letterDate(text string) {
	for _, d := range l.Dates {
		if d.Field == "notice-date" {
			return
		}
	}
	for i, line := range strings.Split(text, "\n") {
		if i >= 25 {
			return
		}
		t := strings.TrimSpace(line)
		if d, n, ok := parseDateAt(t); ok && n == len(t) {
			l.Dates = append([]Finding{{Field: "notice-date", Value: d.String(), Sentence: t, Line: i + 1, Rule: "date-line"}}, l.Dates...)
			return
		}
	}
}

// Identifiers: a label, then a value with at least one digit.
var (
	memberLabel = re(`\b(member (?:id(?: number)?|number|no\.?|#)|plan member number|id (?:number|no\.?|#)|identification (?:number|no\.?)|subscriber (?:id|number|no\.?)|medicare number|medicaid (?:id|number|no\.?)(?: \(cin\))?|client index number \(cin\)|dod benefits number|enrollee id|beneficiary id)\s*[:#]?\s*([A-Z0-9][A-Z0-9\-]{3,})`)
	refLabel    = re(`\b(claim (?:number|no\.?|#|id)|claim #|reference (?:number|no\.?|#)|ref\.? #|case (?:number|no\.?|#)|appeal (?:number|no\.?|#)|(?:prior )?authori[sz]ation (?:request )?(?:number|no\.?|#)|request (?:number|no\.?|#)|tracking (?:number|no\.?|#)|patient account (?:number|no\.?|#))\s*[:#]?\s*([A-Z0-9][A-Z0-9\-]{3,})`)
)

// Words one of which an identifier label needs, to skip the expressions.
var idWords = []string{"member", "id", "subscriber", "identification", "medicare", "medicaid", "cin", "benefits number",
	"claim", "reference", "ref", "case", "appeal", "authori", "request", "tracking", "account"}

func (l *Letter) ids(s sentence) {
	if !(rule{need: idWords}).applies(s.lower) {
		return
	}
	for _, m := range memberLabel.FindAllStringSubmatch(s.text, -1) {
		if hasDigit(m[2]) && !has(l.Members, m[2]) {
			l.Members = append(l.Members, Finding{Field: "member-id", Value: m[2], Sentence: s.text, Line: s.line, Rule: "label:" + strings.ToLower(m[1])})
		}
	}
	for _, m := range refLabel.FindAllStringSubmatch(s.text, -1) {
		if !hasDigit(m[2]) || has(l.References, m[2]) {
			continue
		}
		label := strings.ToLower(m[1])
		field := "reference-number"
		switch {
		case strings.HasPrefix(label, "claim"):
			field = "claim-number"
		case strings.HasPrefix(label, "case"):
			field = "case-number"
		case strings.HasPrefix(label, "appeal"):
			field = "appeal-number"
		case strings.Contains(label, "authori"):
			field = "authorization-number"
		case strings.HasPrefix(label, "patient account"):
			field = "account-number"
		}
		l.References = append(l.References, Finding{Field: field, Value: m[2], Sentence: s.text, Line: s.line, Rule: "label:" + label})
	}
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func has(fs []Finding, v string) bool {
	for _, f := range fs {
		if f.Value == v {
			return true
		}
	}
	return false
}
