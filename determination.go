package ketacover

// Outcome is the overall result of judging a case against a policy.
type Outcome string

// The outcomes.
const (
	OutcomeMeets       Outcome = "meets-criteria"
	OutcomeDoesNotMeet Outcome = "does-not-meet"
	OutcomeInfoNeeded  Outcome = "information-needed"
	OutcomeNotCovered  Outcome = "not-covered"
	OutcomeNoPolicy    Outcome = "no-policy"
)

// Result is the three-valued result of one criterion.
type Result string

// The results. Unknown means a fact the criterion needs is not recorded.
const (
	Met     Result = "met"
	NotMet  Result = "not-met"
	Unknown Result = "unknown"
)

// Determination is ketacover's judgment of one case against one policy
// version, with everything needed to explain it.
type Determination struct {
	Outcome Outcome `json:"outcome"`
	// ReferenceOutcome is, for OutcomeNoPolicy, the outcome against the
	// reference profile.
	ReferenceOutcome Outcome           `json:"reference_outcome,omitempty"`
	Verdict          string            `json:"verdict"`
	AsOf             Date              `json:"as_of"`
	Policy           PolicyRef         `json:"policy"`
	Criteria         []CriterionResult `json:"criteria"`
	Questions        []Question        `json:"questions"`
	Evidence         []string          `json:"evidence"`
	Missing          []string          `json:"missing_facts"`
	Limits           []string          `json:"limits"`
	// Authorization is what an approval would grant, when the policy says.
	Authorization *Authorization `json:"authorization,omitempty"`
	Alternatives  []string       `json:"alternatives"`
	Notes         []string       `json:"notes"`
}

// PolicyRef identifies the policy version a determination used.
type PolicyRef struct {
	ID           string     `json:"id"`
	Payer        string     `json:"payer"`
	Title        string     `json:"title"`
	Number       string     `json:"number,omitempty"`
	Therapy      Therapy    `json:"therapy"`
	Indication   Indication `json:"indication"`
	Revised      string     `json:"revised"`
	RevisedBasis string     `json:"revised_basis"`
	Effective    *Date      `json:"effective,omitempty"`
	Stance       Stance     `json:"stance"`
	StanceText   string     `json:"stance_text,omitempty"`
	PriorAuth    string     `json:"prior_auth"`
	Sources      []Source   `json:"sources"`
	Secondary    bool       `json:"secondary_source"`
	Reference    bool       `json:"reference_profile"`
}

// CriterionResult is the result of one node of the criteria tree. Depth
// gives its place in the tree for display.
type CriterionResult struct {
	ID       string   `json:"id,omitempty"`
	Kind     string   `json:"kind"` // criterion, all, any, not
	Depth    int      `json:"depth"`
	Text     string   `json:"text"`
	Section  string   `json:"section,omitempty"`
	Result   Result   `json:"result"`
	Reason   string   `json:"reason,omitempty"`
	Missing  []string `json:"missing_facts,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

// Question is something to ask because a criterion is unknown.
type Question struct {
	Criterion string `json:"criterion"`
	Text      string `json:"text"`
}
