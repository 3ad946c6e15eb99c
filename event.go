package ketacover

import (
	"context"
	"time"
)

// EventKind is what happened on a case. The timeline of a case is its
// events in order; the state of a case is derived from them.
type EventKind string

// The event kinds.
const (
	EventBenefitCheck          EventKind = "benefit-check"
	EventPASubmitted           EventKind = "pa-submitted"
	EventPAPended              EventKind = "pa-pended"
	EventPAApproved            EventKind = "pa-approved"
	EventPADenied              EventKind = "pa-denied"
	EventSession               EventKind = "session"
	EventClaimSubmitted        EventKind = "claim-submitted"
	EventClaimPaid             EventKind = "claim-paid"
	EventClaimDenied           EventKind = "claim-denied"
	EventAppealFiled           EventKind = "appeal-filed"
	EventPeerToPeer            EventKind = "peer-to-peer"
	EventAppealDecided         EventKind = "appeal-decided"
	EventExternalReviewRequest EventKind = "external-review-requested"
	EventExternalReviewDecided EventKind = "external-review-decided"
	EventStateComplaint        EventKind = "state-complaint"
	EventPatientPaid           EventKind = "patient-paid"
	EventNote                  EventKind = "note"
)

// EventKinds lists every kind in the order a case usually meets them.
var EventKinds = []EventKind{
	EventBenefitCheck, EventPASubmitted, EventPAPended, EventPAApproved, EventPADenied,
	EventSession, EventClaimSubmitted, EventClaimPaid, EventClaimDenied,
	EventAppealFiled, EventPeerToPeer, EventAppealDecided,
	EventExternalReviewRequest, EventExternalReviewDecided,
	EventStateComplaint, EventPatientPaid, EventNote,
}

// Valid reports whether k is a known kind.
func (k EventKind) Valid() bool {
	for _, x := range EventKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Event is one entry on a case's timeline. Events are appended, never
// changed or removed: the timeline is also the case's audit trail.
type Event struct {
	ID       int64     `json:"id"`
	CaseID   string    `json:"case_id"`
	Seq      int       `json:"seq"` // 1, 2, 3… within the case
	Kind     EventKind `json:"kind"`
	Date     Date      `json:"date"`     // when it happened (or the notice date)
	Recorded time.Time `json:"recorded"` // when it was recorded
	Actor    string    `json:"actor"`    // who recorded it
	Source   string    `json:"source"`   // cli, api, web, import
	Details  Details   `json:"details"`  // what the kind needs
	Note     string    `json:"note,omitempty"`
}

// Details carries the facts of an event; which fields matter depends on the
// kind.
type Details struct {
	Method      string   `json:"method,omitempty"`       // pa-submitted: portal, fax, x12-278, fhir-pas, phone, mail
	Reference   string   `json:"reference,omitempty"`    // authorization, claim, appeal or case number
	Units       int      `json:"units,omitempty"`        // pa-approved: sessions authorized; session: sessions given
	Start       *Date    `json:"start,omitempty"`        // pa-approved: first day authorized
	End         *Date    `json:"end,omitempty"`          // pa-approved: last day authorized
	Codes       []string `json:"codes,omitempty"`        // CPT/HCPCS codes
	Reason      string   `json:"reason,omitempty"`       // denials: the stated reason
	DenialClass string   `json:"denial_class,omitempty"` // denials: our classification
	CARC        []string `json:"carc,omitempty"`         // claim-denied: claim adjustment reason codes
	RARC        []string `json:"rarc,omitempty"`         // claim-denied: remark codes
	Group       string   `json:"group,omitempty"`        // claim-denied: CAS group code
	Level       int      `json:"level,omitempty"`        // appeal-filed, appeal-decided: 1 or 2
	Expedited   bool     `json:"expedited,omitempty"`    // urgent/expedited request or appeal
	Outcome     string   `json:"outcome,omitempty"`      // decisions: overturned, upheld, partial
	AmountCents int64    `json:"amount_cents,omitempty"` // claims and payments
	Payer       string   `json:"payer,omitempty"`        // benefit-check: who answered
	Agency      string   `json:"agency,omitempty"`       // state-complaint: where filed
}

// Decision outcomes.
const (
	Overturned = "overturned"
	Upheld     = "upheld"
	Partial    = "partial"
)

// Sources an event can come from.
const (
	SourceCLI    = "cli"
	SourceAPI    = "api"
	SourceWeb    = "web"
	SourceImport = "import"
)

// StoredCase is a case kept by the store: its file contents and identity.
type StoredCase struct {
	ID      string    `json:"id"`
	Case    Case      `json:"case"`
	Created time.Time `json:"created"`
	Actor   string    `json:"actor"`
}

// CaseFilter selects cases to list. Nil fields do not filter.
type CaseFilter struct {
	Payer   *string
	State   *string // patient state
	Therapy *Therapy
	Offset  int
	Limit   int
}

// Store keeps cases and their timelines.
type Store interface {
	// CreateCase stores a new case and returns it with its ID. Returns
	// EINVALID when the case is not valid, ECONFLICT when the ID is taken.
	CreateCase(ctx context.Context, c *Case, actor, source string) (*StoredCase, error)
	// Case returns one case. Returns ENOTFOUND.
	Case(ctx context.Context, id string) (*StoredCase, error)
	// Cases lists cases, newest first.
	Cases(ctx context.Context, f CaseFilter) ([]*StoredCase, error)
	// Append adds an event to a case's timeline after checking it against
	// the timeline so far (check, when not nil, is given the events already
	// stored, in order, and returns an error to refuse the event; it may
	// run more than once when a transaction is retried, so it must have no
	// side effects). The event's Seq, ID and Recorded are set by the store.
	// Returns ENOTFOUND when the case does not exist, EINVALID for an
	// unknown kind, a missing date or text that is not valid UTF-8, and the
	// check's error unchanged; nothing is written when it fails.
	Append(ctx context.Context, e *Event, check func([]Event) error) error
	// Events returns a case's timeline in order. Returns ENOTFOUND.
	Events(ctx context.Context, caseID string) ([]Event, error)
	// Timelines calls fn with every case and its events, for deadline
	// listings across cases. For speed the case is a summary: only its IDs,
	// creation, patient name and state, plan payer, type, state, network
	// and benefit, and therapy drug and indication are filled; use Case for
	// the whole case.
	Timelines(ctx context.Context, fn func(*StoredCase, []Event) error) error
	// Close releases the store.
	Close() error
}
