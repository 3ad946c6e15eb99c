package deadline

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/ketacover/ketacover"
)

// Step is a stage of a coverage fight that has a clock.
type Step string

// The steps. A "-filing" step is the claimant's window; the others are the deadline of whoever
// decides (payer, independent reviewer, agency) unless Who says otherwise.
const (
	StepPADecision             Step = "pa-decision"              // initial pre-service (prior-authorization) decision
	StepPAIncompleteNotice     Step = "pa-incomplete-notice"     // payer tells the claimant a request is incomplete or misfiled
	StepPAInfoWindow           Step = "pa-info-window"           // claimant's time to supply missing information
	StepPADecisionAfterInfo    Step = "pa-decision-after-info"   // decision once missing information arrives
	StepConcurrentFiling       Step = "concurrent-filing"        // latest time to ask to extend an ongoing course and get the fast clock
	StepConcurrentDecision     Step = "concurrent-decision"      // decision on a request to extend an ongoing course
	StepClaimDecision          Step = "claim-decision"           // post-service claim decision
	StepAppealFiling           Step = "appeal-filing"            // first-level appeal (internal appeal, redetermination, reconsideration)
	StepAppealDecision         Step = "appeal-decision"          // first-level appeal decision
	StepAppeal2Filing          Step = "appeal2-filing"           // second-level appeal
	StepAppeal2Decision        Step = "appeal2-decision"         // second-level appeal decision
	StepExternalFiling         Step = "external-filing"          // external review request (federal or state)
	StepExternalIncompleteCure Step = "external-incomplete-cure" // time to perfect an incomplete external review request
	StepExternalPreliminary    Step = "external-preliminary"     // plan's preliminary review of an external review request
	StepExternalPrelimNotice   Step = "external-preliminary-notice"
	StepExternalClaimantInfo   Step = "external-claimant-info" // claimant's time to send more information to the reviewer
	StepExternalPlanDocuments  Step = "external-plan-documents"
	StepExternalDecision       Step = "external-decision"
	StepExternalConfirmation   Step = "external-written-confirmation" // written confirmation of an oral expedited decision
	StepHearingFiling          Step = "hearing-filing"                // ALJ hearing (Medicare) or State fair hearing (Medicaid)
	StepHearingDecision        Step = "hearing-decision"
	StepCouncilFiling          Step = "council-filing" // Medicare Appeals Council review
	StepCouncilDecision        Step = "council-decision"
	StepCourtFiling            Step = "court-filing"           // federal district court
	StepContinuationFiling     Step = "continuation-filing"    // ask in time to keep benefits during the appeal
	StepExhaustionExplanation  Step = "exhaustion-explanation" // plan explains a claimed procedural violation
	StepExhaustionResubmission Step = "exhaustion-resubmission-notice"
	StepEffectuation           Step = "effectuation" // payer carries out a reversal
)

// stepLabels is the text a person reads for each step, and the list of known steps.
var stepLabels = map[Step]string{
	StepPADecision:             "prior-authorization decision",
	StepPAIncompleteNotice:     "notice that the request is incomplete or improperly filed",
	StepPAInfoWindow:           "time to supply missing information",
	StepPADecisionAfterInfo:    "decision after missing information",
	StepConcurrentFiling:       "request to extend an ongoing course of treatment",
	StepConcurrentDecision:     "decision on extending an ongoing course of treatment",
	StepClaimDecision:          "claim decision",
	StepAppealFiling:           "appeal filing window",
	StepAppealDecision:         "appeal decision",
	StepAppeal2Filing:          "second-level appeal filing window",
	StepAppeal2Decision:        "second-level appeal decision",
	StepExternalFiling:         "external review filing window",
	StepExternalIncompleteCure: "time to complete an external review request",
	StepExternalPreliminary:    "preliminary review of the external review request",
	StepExternalPrelimNotice:   "notice of the preliminary review result",
	StepExternalClaimantInfo:   "time to send more information to the independent reviewer",
	StepExternalPlanDocuments:  "plan's documents to the independent reviewer",
	StepExternalDecision:       "external review decision",
	StepExternalConfirmation:   "written confirmation of the external review decision",
	StepHearingFiling:          "hearing request window",
	StepHearingDecision:        "hearing decision",
	StepCouncilFiling:          "Medicare Appeals Council request window",
	StepCouncilDecision:        "Medicare Appeals Council decision",
	StepCourtFiling:            "federal court filing window",
	StepContinuationFiling:     "request to continue benefits during the appeal",
	StepExhaustionExplanation:  "explanation of a procedural violation",
	StepExhaustionResubmission: "notice of the right to resubmit the internal appeal",
	StepEffectuation:           "carrying out a reversal",
}

// Label returns the words a person reads for s.
func (s Step) Label() string { return stepLabels[s] }

// Valid reports whether s is a known step.
func (s Step) Valid() bool { _, ok := stepLabels[s]; return ok }

// Steps returns every known step.
func Steps() []Step {
	out := make([]Step, 0, len(stepLabels))
	for s := range stepLabels {
		out = append(out, s)
	}
	return out
}

// Track separates clocks that differ for the same step: urgent pre-service requests,
// ordinary pre-service requests, and payment (post-service) requests.
type Track string

// The tracks. A rule with no tracks applies on every track.
const (
	TrackExpedited   Track = "expedited"    // urgent / fast / expedited pre-service
	TrackStandard    Track = "standard"     // non-urgent pre-service
	TrackPostService Track = "post-service" // payment for care already given
)

// Benefit says whether a request is for a drug or for an item or service. Medicare Advantage
// and the CMS-0057-F clocks differ by it, and esketamine sits between the two.
type Benefit string

// The benefits. BenefitAny in a rule means the clock does not depend on it.
const (
	BenefitAny     Benefit = "any"
	BenefitDrug    Benefit = "drug"
	BenefitService Benefit = "service"
)

// Unit is how a Count is measured.
type Unit string

// The units.
const (
	CalendarDays Unit = "calendar-days"
	BusinessDays Unit = "business-days" // Monday to Friday, less federal holidays ("working days" too)
	Hours        Unit = "hours"
	Months       Unit = "months"
)

// Count is a length of time in a Unit.
type Count struct {
	N    int  `yaml:"n"`
	Unit Unit `yaml:"unit"`
}

func (c Count) String() string {
	words := map[Unit]string{CalendarDays: "calendar day", BusinessDays: "business day", Hours: "hour", Months: "month"}
	w := words[c.Unit]
	if c.N != 1 {
		w += "s"
	}
	return fmt.Sprintf("%d %s", c.N, w)
}

// Anchor kinds: the event a clock counts from. The caller gives the date of that event.
const (
	AnchorRequestReceived   = "request-received"    // the deciding body receives the request, claim or appeal
	AnchorNoticeReceived    = "notice-received"     // the claimant receives the notice
	AnchorNoticeDate        = "notice-date"         // the date printed on the notice
	AnchorNoticeMailed      = "notice-mailed"       // the notice is mailed
	AnchorNoticeSent        = "notice-sent"         // the notice is sent (mail or electronic)
	AnchorIRORequest        = "iro-received"        // the independent reviewer receives the request
	AnchorIROAssigned       = "iro-assigned"        // the independent reviewer is assigned
	AnchorIRONoticeReceived = "iro-notice-received" // the claimant receives the reviewer's eligibility notice
	AnchorReviewCompleted   = "review-completed"    // the preliminary review is completed
	AnchorOralNotice        = "oral-notice"         // an oral decision is given
	AnchorCaseFileReceived  = "case-file-received"  // the agency receives the plan's case file
	AnchorInfoReceived      = "info-received"       // missing information arrives (or the time to send it ends, if earlier)
	AnchorIncompleteNotice  = "incomplete-notice"   // the claimant receives the notice that information is missing
	AnchorExplanationAsked  = "explanation-asked"   // the claimant asks for an explanation
	AnchorReviewerRejected  = "reviewer-rejected"   // an external reviewer or court rejects immediate review
	AnchorAuthorizationEnds = "authorization-ends"  // the approved period or number of treatments runs out
	AnchorReversalReceived  = "reversal-received"   // the payer receives a reversing decision
)

var anchorLabels = map[string]string{
	AnchorRequestReceived:   "receipt of the request",
	AnchorNoticeReceived:    "receipt of the notice",
	AnchorNoticeDate:        "the date on the notice",
	AnchorNoticeMailed:      "the date the notice was mailed",
	AnchorNoticeSent:        "the date the notice was sent",
	AnchorIRORequest:        "the independent reviewer's receipt of the request",
	AnchorIROAssigned:       "assignment of the independent reviewer",
	AnchorIRONoticeReceived: "receipt of the independent reviewer's notice",
	AnchorReviewCompleted:   "completion of the preliminary review",
	AnchorOralNotice:        "the oral notice",
	AnchorCaseFileReceived:  "the agency's receipt of the plan's case file",
	AnchorInfoReceived:      "receipt of the missing information (or the end of the time to send it, if earlier)",
	AnchorIncompleteNotice:  "receipt of the notice that information is missing",
	AnchorExplanationAsked:  "the request for an explanation",
	AnchorReviewerRejected:  "the reviewer's or court's rejection of immediate review",
	AnchorAuthorizationEnds: "the end of the authorized course",
	AnchorReversalReceived:  "receipt of the reversing decision",
}

// AnchorLabel returns the words a person reads for an anchor kind ("" if unknown).
func AnchorLabel(kind string) string { return anchorLabels[kind] }

// Month overflow: what a month count does when the target month lacks the anchor's day.
const (
	OverflowFirstOfNext = "first-of-next-month" // 45 CFR 147.136(d)(2)(i): Oct 30 + 4 months = Mar 1
	OverflowLastOfMonth = "last-of-month"
	OverflowUnknown     = "unknown" // the source does not say: Compute gives the earlier date and reports the later
)

// Who acts by the deadline.
const (
	WhoPayer    = "payer"
	WhoClaimant = "claimant"
	WhoReviewer = "reviewer" // independent review organization or entity
	WhoAgency   = "agency"   // State agency, OMHA, the Council
)

// Grades: how sure the references are, copied from them.
var grades = map[string]string{
	"V":     "primary text read",
	"V-CMS": "CMS form text quoting the regulation",
	"S+":    "two or more agreeing verbatim third-party quotations",
	"S":     "secondary source only",
	"K":     "not confirmed in a source",
}

// GradeLabel explains a grade code.
func GradeLabel(g string) string { return grades[g] }

// Extension is a lengthening of a decision clock the decider may take.
type Extension struct {
	Count `yaml:",inline"`
	When  string `yaml:"when"` // the conditions, in words
}

// Effective limits a rule to a period. Basis says which date is compared: the request date
// (Query.On) or, for Medicaid managed care, the start of the plan's rating period.
type Effective struct {
	From  ketacover.Date `yaml:"from"`
	Until ketacover.Date `yaml:"until"` // inclusive; zero: no end
	Basis string         `yaml:"basis"` // "request-date" (default) or "rating-period-start"
}

// Rule is one cited clock.
type Rule struct {
	ID      string               `yaml:"id"`
	Plans   []ketacover.PlanType `yaml:"plans"`
	Step    Step                 `yaml:"step"`
	Tracks  []Track              `yaml:"tracks"` // empty: every track
	Benefit Benefit              `yaml:"benefit"`
	State   string               `yaml:"state"` // "" federal; two-letter code; "NAIC" for the model act
	Who     string               `yaml:"who"`
	Count   Count                `yaml:"count"`
	Before  bool                 `yaml:"before"` // the deadline is Count before the anchor, not after
	Anchor  string               `yaml:"anchor"`
	// PresumedReceiptDays is added to the date on a notice when actual receipt is unknown.
	PresumedReceiptDays int `yaml:"presumed_receipt_days"`
	// MailDays is added to the count when the notice is served by mail (a state rule).
	MailDays      int        `yaml:"mail_days"`
	MonthOverflow string     `yaml:"month_overflow"`
	RollForward   bool       `yaml:"roll_forward"` // a last day on a weekend or federal holiday moves to the next business day
	Bound         string     `yaml:"bound"`        // "minimum": the plan may allow longer; "maximum": the state or plan may set shorter
	Extension     *Extension `yaml:"extension"`
	Effective     *Effective `yaml:"effective"`
	// Condition, when set, is a fact the rule depends on that a Query cannot state ("the plan
	// has two levels of appeal"); Lookup returns the rule beside the others and says so.
	Condition string `yaml:"condition"`
	Citation  string `yaml:"citation"`
	Source    string `yaml:"source"` // URL of the text
	Seen      string `yaml:"seen"`   // URL of the copy actually read, when not Source
	Grade     string `yaml:"grade"`
	Ref       string `yaml:"ref"` // where in shared/reference the fact is recorded
	Note      string `yaml:"note"`
	Open      string `yaml:"open"` // a question the references left open; shown with every due date

	file string // where the rule was loaded from, for messages
	line int
}

// Where returns "file:line" of the rule's definition.
func (r Rule) Where() string { return fmt.Sprintf("%s:%d", r.file, r.line) }

// OnTrack reports whether the rule applies on track t (any track when t is empty).
func (r Rule) OnTrack(t Track) bool {
	if t == "" || len(r.Tracks) == 0 {
		return true
	}
	for _, u := range r.Tracks {
		if u == t {
			return true
		}
	}
	return false
}

// AppliesTo reports whether the rule covers plan type p.
func (r Rule) AppliesTo(p ketacover.PlanType) bool {
	for _, q := range r.Plans {
		if q == p {
			return true
		}
	}
	return false
}

var (
	idRE    = regexp.MustCompile(`^[a-z0-9]+(?:[.-][a-z0-9]+)*$`)
	stateRE = regexp.MustCompile(`^(?:[A-Z]{2}|NAIC)$`)
)

// Validate checks a rule on its own; it returns field problems keyed by field name.
func (r *Rule) Validate() map[string]string {
	bad := map[string]string{}
	if !idRE.MatchString(r.ID) {
		bad["id"] = fmt.Sprintf("want lowercase words joined by '.' or '-', got %q", r.ID)
	}
	if len(r.Plans) == 0 {
		bad["plans"] = "want at least one plan type"
	}
	for _, p := range r.Plans {
		if !p.Valid() {
			bad["plans"] = fmt.Sprintf("unknown plan type %q", p)
		}
	}
	if !r.Step.Valid() {
		bad["step"] = fmt.Sprintf("unknown step %q", r.Step)
	}
	for _, t := range r.Tracks {
		switch t {
		case TrackExpedited, TrackStandard, TrackPostService:
		default:
			bad["tracks"] = fmt.Sprintf("want expedited, standard or post-service, got %q", t)
		}
	}
	switch r.Benefit {
	case BenefitAny, BenefitDrug, BenefitService:
	default:
		bad["benefit"] = fmt.Sprintf("want any, drug or service, got %q", r.Benefit)
	}
	if r.State != "" && !stateRE.MatchString(r.State) {
		bad["state"] = fmt.Sprintf("want a two-letter state code or NAIC, got %q", r.State)
	}
	switch r.Who {
	case WhoPayer, WhoClaimant, WhoReviewer, WhoAgency:
	default:
		bad["who"] = fmt.Sprintf("want payer, claimant, reviewer or agency, got %q", r.Who)
	}
	switch r.Count.Unit {
	case CalendarDays, BusinessDays, Hours, Months:
		if r.Count.N <= 0 || r.Count.N > 1000 {
			bad["count.n"] = fmt.Sprintf("want 1-1000, got %d", r.Count.N)
		}
	default:
		bad["count.unit"] = fmt.Sprintf("want calendar-days, business-days, hours or months, got %q", r.Count.Unit)
	}
	if _, ok := anchorLabels[r.Anchor]; !ok {
		bad["anchor"] = fmt.Sprintf("unknown anchor %q", r.Anchor)
	}
	if r.PresumedReceiptDays < 0 || r.PresumedReceiptDays > 30 {
		bad["presumed_receipt_days"] = fmt.Sprintf("want 0-30, got %d", r.PresumedReceiptDays)
	}
	if r.PresumedReceiptDays > 0 && r.Anchor != AnchorNoticeReceived {
		bad["presumed_receipt_days"] = "only a clock from receipt of a notice can presume receipt"
	}
	if r.MailDays < 0 || r.MailDays > 30 {
		bad["mail_days"] = fmt.Sprintf("want 0-30, got %d", r.MailDays)
	}
	switch {
	case r.Count.Unit == Months && r.MonthOverflow == "":
		bad["month_overflow"] = "a month count must say what happens when the day does not exist"
	case r.Count.Unit != Months && r.MonthOverflow != "":
		bad["month_overflow"] = "only a month count has a month overflow"
	case r.MonthOverflow != "" && r.MonthOverflow != OverflowFirstOfNext && r.MonthOverflow != OverflowLastOfMonth && r.MonthOverflow != OverflowUnknown:
		bad["month_overflow"] = fmt.Sprintf("want first-of-next-month, last-of-month or unknown, got %q", r.MonthOverflow)
	}
	if r.Before && (r.Count.Unit == Months || r.RollForward || r.PresumedReceiptDays > 0) {
		bad["before"] = "a count before the anchor takes no months, roll-forward or presumption"
	}
	if r.Bound != "" && r.Bound != "minimum" && r.Bound != "maximum" {
		bad["bound"] = fmt.Sprintf("want minimum or maximum, got %q", r.Bound)
	}
	if e := r.Extension; e != nil {
		if e.N <= 0 || (e.Unit != CalendarDays && e.Unit != Hours && e.Unit != BusinessDays) {
			bad["extension"] = "want a positive count in calendar-days, business-days or hours"
		}
		if strings.TrimSpace(e.When) == "" {
			bad["extension.when"] = "say when the extension is allowed"
		}
	}
	if e := r.Effective; e != nil {
		if e.From.IsZero() && e.Until.IsZero() {
			bad["effective"] = "want from, until or both"
		}
		if !e.Until.IsZero() && e.Until.Before(e.From) {
			bad["effective"] = "until is before from"
		}
		if e.Basis != "" && e.Basis != "request-date" && e.Basis != "rating-period-start" {
			bad["effective.basis"] = fmt.Sprintf("want request-date or rating-period-start, got %q", e.Basis)
		}
	}
	if strings.TrimSpace(r.Citation) == "" {
		bad["citation"] = "every rule needs its CFR, statute or manual citation"
	}
	if u, err := url.Parse(r.Source); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad["source"] = fmt.Sprintf("want an http(s) URL of the source, got %q", r.Source)
	}
	if r.Seen != "" {
		if u, err := url.Parse(r.Seen); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad["seen"] = fmt.Sprintf("want an http(s) URL, got %q", r.Seen)
		}
	}
	if _, ok := grades[r.Grade]; !ok {
		bad["grade"] = fmt.Sprintf("want V, V-CMS, S+, S or K, got %q", r.Grade)
	}
	if r.Grade == "K" && r.Open == "" {
		bad["open"] = "a rule graded K (not confirmed) must say what is open"
	}
	if strings.TrimSpace(r.Ref) == "" {
		bad["ref"] = "say where in shared/reference (or which source) the fact comes from"
	}
	return bad
}

// Classification says which benefit a therapy is under a plan type's clocks.
type Classification struct {
	Plans    []ketacover.PlanType `yaml:"plans"`
	Therapy  ketacover.Therapy    `yaml:"therapy"`
	Benefits []Benefit            `yaml:"benefits"` // more than one: the law is unclear; all are shown
	Note     string               `yaml:"note"`
	Citation string               `yaml:"citation"`
	Source   string               `yaml:"source"`
	Grade    string               `yaml:"grade"`
	Ref      string               `yaml:"ref"`

	file string
	line int
}

// Gap records a clock the references could not settle, so no rule is given for it.
type Gap struct {
	Plans   []ketacover.PlanType `yaml:"plans"`
	Step    Step                 `yaml:"step"`
	Benefit Benefit              `yaml:"benefit"`
	Note    string               `yaml:"note"`
	Ref     string               `yaml:"ref"`

	file string
	line int
}
