package ketacover

import "time"

// Deadline is one open clock on a case: a decision the payer owes, a
// window the patient must act in, or an authorization running out.
type Deadline struct {
	CaseID      string    `json:"case_id"`
	Step        string    `json:"step"`  // e.g. appeal-filing, pa-decision, reauthorization
	Label       string    `json:"label"` // the step in words
	Who         string    `json:"who"`   // payer, claimant (the patient or clinic), reviewer, agency
	Due         Date      `json:"due"`
	At          time.Time `json:"at,omitzero"` // hour clocks only
	Explanation string    `json:"explanation"`
	Citation    string    `json:"citation,omitempty"`
	Source      string    `json:"source,omitempty"`
	Open        string    `json:"open_question,omitempty"`
	Condition   string    `json:"condition,omitempty"` // a fact the rule depends on that the case does not record`
	Flags       []string  `json:"flags,omitempty"`
	Also        []string  `json:"alternatives,omitempty"`
	RuleID      string    `json:"rule_id,omitempty"`
	// Trigger is the event whose date started the clock.
	Trigger EventKind `json:"trigger,omitempty"`
	// Warning marks an operational reminder (an authorization running
	// low) rather than a legal deadline.
	Warning bool `json:"warning,omitempty"`
}
