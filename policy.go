package ketacover

// Policy is one payer's published medical or pharmacy policy for one
// therapy, encoded from its source document. A policy keeps every version
// we have read; a case is judged by the version in force on its date of
// service.
type Policy struct {
	ID         string       `yaml:"id" json:"id" desc:"a stable identifier, e.g. hcsc-rx501-105"`
	Payer      string       `yaml:"payer" json:"payer" desc:"the payer as users name it"`
	PayerNames []string     `yaml:"payer_names,omitempty" json:"payer_names,omitempty" desc:"other names of the payer or of plans that use this policy, as the source names them"`
	Title      string       `yaml:"title" json:"title"`
	Number     string       `yaml:"number,omitempty" json:"number,omitempty" desc:"the payer's policy number"`
	Therapy    Therapy      `yaml:"therapy" json:"therapy"`
	Benefit    string       `yaml:"benefit,omitempty" json:"benefit,omitempty" desc:"medical or pharmacy benefit, when the payer publishes one policy per benefit"`
	AppliesTo  AppliesTo    `yaml:"applies_to" json:"applies_to"`
	Missing    []string     `yaml:"missing,omitempty" json:"missing,omitempty" desc:"what the sources did not show (cut-off sections, unknown dates); shown to users"`
	Versions   []Version    `yaml:"versions" json:"versions"`
	Tests      []PolicyTest `yaml:"tests,omitempty" json:"tests,omitempty"`

	// Reference marks the reference profile used when a payer has no
	// policy on file. It is not any payer's policy.
	Reference bool `yaml:"reference,omitempty" json:"reference,omitempty"`
	// SharedBy lists the library policies whose criteria the reference
	// profile's criteria are drawn from.
	SharedBy []string `yaml:"shared_by,omitempty" json:"shared_by,omitempty"`
}

// AppliesTo says which cases a policy governs. An empty list means any.
type AppliesTo struct {
	LinesOfBusiness []string     `yaml:"lines_of_business,omitempty" json:"lines_of_business,omitempty" desc:"commercial, medicare, medicaid, tricare, va"`
	PlanTypes       []PlanType   `yaml:"plan_types,omitempty" json:"plan_types,omitempty"`
	States          []string     `yaml:"states,omitempty" json:"states,omitempty"`
	Indications     []Indication `yaml:"indications,omitempty" json:"indications,omitempty"`
	Formularies     []string     `yaml:"formularies,omitempty" json:"formularies,omitempty"`
}

// Stance is a policy's position on the therapy.
type Stance string

// The stances.
const (
	StanceCovered            Stance = "covered-with-criteria"
	StanceInvestigational    Stance = "investigational"
	StanceNotMedicallyNeeded Stance = "not-medically-necessary"
	StanceExcluded           Stance = "excluded"
)

// Covers reports whether the stance allows coverage at all.
func (s Stance) Covers() bool { return s == StanceCovered }

// Version is one revision of a policy as published.
type Version struct {
	Effective     *Date      `yaml:"effective,omitempty" json:"effective,omitempty" desc:"first date of service this version governs; absent when the source does not say"`
	Revised       string     `yaml:"revised" json:"revised" desc:"revision, review or publication date of the text read: YYYY-MM-DD, or YYYY-MM when the source gives only the month"`
	RevisedBasis  string     `yaml:"revised_basis" json:"revised_basis" desc:"what that date is, in the source's words (effective date, last review, notice date)"`
	Retrieved     string     `yaml:"retrieved" json:"retrieved" desc:"when the source was read (YYYY-MM or YYYY-MM-DD)"`
	Sources       []Source   `yaml:"sources" json:"sources"`
	Stance        Stance     `yaml:"stance" json:"stance"`
	StanceText    string     `yaml:"stance_text,omitempty" json:"stance_text,omitempty" desc:"the policy's own statement of its position, paraphrased"`
	StanceSection string     `yaml:"stance_section,omitempty" json:"stance_section,omitempty"`
	PriorAuth     string     `yaml:"prior_auth" json:"prior_auth" desc:"required, not-required or unknown" enum:"required,not-required,unknown"`
	Codes         []Code     `yaml:"codes,omitempty" json:"codes,omitempty"`
	Coverage      []Coverage `yaml:"coverage,omitempty" json:"coverage,omitempty" desc:"criteria per indication; empty when the therapy is not covered"`
	Changes       []string   `yaml:"changes,omitempty" json:"changes,omitempty" desc:"what changed from the previous version"`
}

// Source is a document a version was encoded from.
type Source struct {
	URL        string `yaml:"url" json:"url"`
	Title      string `yaml:"title,omitempty" json:"title,omitempty"`
	Provenance string `yaml:"provenance" json:"provenance" desc:"primary: the payer's own document or a verbatim copy; secondary: a third-party summary" enum:"primary,secondary"`
	Reference  string `yaml:"reference,omitempty" json:"reference,omitempty" desc:"where in ketacover's reference notes this source is summarised"`
}

// Code is a billing code a policy lists.
type Code struct {
	System string `yaml:"system" json:"system" enum:"CPT,HCPCS,ICD-10-CM,NDC,RxNorm"`
	Code   string `yaml:"code" json:"code"`
	Note   string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Coverage is a policy's rule for one indication: the criteria for an
// initial authorization, its limits, and the criteria to continue.
type Coverage struct {
	Indication    Indication     `yaml:"indication" json:"indication"`
	Criteria      Node           `yaml:"criteria" json:"criteria"`
	Authorization *Authorization `yaml:"authorization,omitempty" json:"authorization,omitempty"`
	Continuation  *Continuation  `yaml:"continuation,omitempty" json:"continuation,omitempty"`
	Limits        []Limit        `yaml:"limits,omitempty" json:"limits,omitempty"`
	// Incomplete says which criteria the sources did not show (a cut-off
	// list, an unpublished section). A case that meets every criterion
	// seen then needs more information, never "meets".
	Incomplete string `yaml:"incomplete,omitempty" json:"incomplete,omitempty" desc:"which criteria the sources did not show; a case meeting the rest needs more information"`
}

// Authorization is the approval an initial request can get.
type Authorization struct {
	Months      int    `yaml:"months,omitempty" json:"months,omitempty"`
	Days        int    `yaml:"days,omitempty" json:"days,omitempty"`
	MaxSessions int    `yaml:"max_sessions,omitempty" json:"max_sessions,omitempty"`
	MaxUnits    int    `yaml:"max_units,omitempty" json:"max_units,omitempty" desc:"e.g. devices"`
	Unit        string `yaml:"unit,omitempty" json:"unit,omitempty"`
	Section     string `yaml:"section,omitempty" json:"section,omitempty"`
	Text        string `yaml:"text,omitempty" json:"text,omitempty"`
}

// Continuation is the rule for reauthorization.
type Continuation struct {
	Authorization *Authorization `yaml:"authorization,omitempty" json:"authorization,omitempty"`
	Criteria      *Node          `yaml:"criteria,omitempty" json:"criteria,omitempty"`
	Renewable     *bool          `yaml:"renewable,omitempty" json:"renewable,omitempty" desc:"false when the policy allows no renewal (e.g. MDSI within the same episode)"`
	Text          string         `yaml:"text,omitempty" json:"text,omitempty"`
	Section       string         `yaml:"section,omitempty" json:"section,omitempty"`
}

// Limit is a quantity or frequency limit.
type Limit struct {
	Text    string `yaml:"text" json:"text"`
	Section string `yaml:"section,omitempty" json:"section,omitempty"`
}

// Node is one node of a criteria tree: either a group (All, Any or Not) or
// a leaf criterion with a CEL expression over the case.
type Node struct {
	All []Node `yaml:"all,omitempty" json:"all,omitempty"`
	Any []Node `yaml:"any,omitempty" json:"any,omitempty"`
	Not *Node  `yaml:"not,omitempty" json:"not,omitempty"`

	ID       string   `yaml:"id,omitempty" json:"id,omitempty"`
	Text     string   `yaml:"text,omitempty" json:"text,omitempty" desc:"the criterion as the policy states it, paraphrased"`
	Section  string   `yaml:"section,omitempty" json:"section,omitempty" desc:"where in the policy it stands"`
	CEL      string   `yaml:"cel,omitempty" json:"cel,omitempty" desc:"a CEL expression over the case that is true when the criterion is met"`
	Evidence []string `yaml:"evidence,omitempty" json:"evidence,omitempty" desc:"documents a reviewer will expect"`
	Question string   `yaml:"question,omitempty" json:"question,omitempty" desc:"what to ask when the facts are not recorded"`
}

// IsLeaf reports whether n is a criterion rather than a group.
func (n *Node) IsLeaf() bool { return len(n.All) == 0 && len(n.Any) == 0 && n.Not == nil }

// Walk calls fn for n and every node below it, depth first.
func (n *Node) Walk(fn func(*Node)) {
	fn(n)
	for i := range n.All {
		n.All[i].Walk(fn)
	}
	for i := range n.Any {
		n.Any[i].Walk(fn)
	}
	if n.Not != nil {
		n.Not.Walk(fn)
	}
}

// PolicyTest is a case a policy file carries to prove its criteria: a base
// case (or a patch to the policy's first test case) and the results expected.
type PolicyTest struct {
	Name     string            `yaml:"name" json:"name"`
	AsOf     *Date             `yaml:"as_of,omitempty" json:"as_of,omitempty"`
	Case     map[string]any    `yaml:"case,omitempty" json:"case,omitempty" desc:"a whole case"`
	Patch    map[string]any    `yaml:"patch,omitempty" json:"patch,omitempty" desc:"a JSON merge patch (RFC 7396) applied to the first test's case; null deletes a fact"`
	Outcome  Outcome           `yaml:"outcome" json:"outcome"`
	Criteria map[string]Result `yaml:"criteria,omitempty" json:"criteria,omitempty" desc:"expected result of named criteria"`
}
