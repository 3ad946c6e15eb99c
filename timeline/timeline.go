// Package timeline derives the state of a case from its events, decides
// which events may come next, and lists the legal clocks the state leaves
// running. It is pure: dates come in as arguments.
package timeline

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
)

// Phase is where a case stands in its coverage fight.
type Phase string

// The phases.
const (
	PhaseNew        Phase = "new"             // no request yet
	PhasePending    Phase = "pa-pending"      // prior authorization submitted, no decision
	PhasePended     Phase = "pa-pended"       // the payer asked for more information
	PhaseAuthorized Phase = "authorized"      // approved
	PhaseDenied     Phase = "denied"          // a denial stands and no appeal is pending
	PhaseAppealing  Phase = "appealing"       // an internal appeal is pending
	PhaseExternal   Phase = "external-review" // an external review is pending
	PhaseFinal      Phase = "final-denial"    // the external review upheld the denial
)

// State is what a case's events add up to.
type State struct {
	Phase         Phase
	Last          *ketacover.Event // the latest event
	Request       *ketacover.Event // the pending prior-authorization request
	Pended        *ketacover.Event // the payer's request for information
	Authorization *Authorization   // the current approval
	Denial        *ketacover.Event // the denial under dispute (pa-denied or claim-denied)
	Appeal        *ketacover.Event // the pending appeal, or the last one filed
	AppealLevel   int              // the highest appeal level filed against the current denial
	Decision      *ketacover.Event // the last appeal decision on the current denial
	External      *ketacover.Event // the pending or decided external review request
	ExternalDone  *ketacover.Event // the external review decision
	Claims        map[string]*Claim
	Sessions      int   // sessions given over the whole case
	PatientPaid   int64 // cents
	BenefitChecks int
	P2P           int // peer-to-peer calls
}

// Authorization is an approval and how much of it is used.
type Authorization struct {
	Reference string
	Units     int // sessions approved (0: not stated)
	Used      int // sessions given since the approval
	Start     *ketacover.Date
	End       *ketacover.Date
	Codes     []string
	Approved  ketacover.Date
}

// Left returns the sessions left, or -1 when the approval states none.
func (a *Authorization) Left() int {
	if a.Units == 0 {
		return -1
	}
	return a.Units - a.Used
}

// Claim is one claim's progress.
type Claim struct {
	Reference string
	Submitted ketacover.Date
	Paid      *ketacover.Event
	Denied    *ketacover.Event
}

// Fold derives the state from events already checked, in order.
func Fold(events []ketacover.Event) State {
	s := State{Phase: PhaseNew, Claims: map[string]*Claim{}}
	for i := range events {
		s.apply(&events[i])
	}
	return s
}

func (s *State) apply(e *ketacover.Event) {
	s.Last = e
	d := e.Details
	switch e.Kind {
	case ketacover.EventBenefitCheck:
		s.BenefitChecks++
	case ketacover.EventPASubmitted:
		s.Request, s.Pended = e, nil
		s.Phase = PhasePending
	case ketacover.EventPAPended:
		s.Pended = e
		s.Phase = PhasePended
	case ketacover.EventPAApproved:
		s.Authorization = &Authorization{Reference: d.Reference, Units: d.Units, Start: d.Start, End: d.End, Codes: d.Codes, Approved: e.Date}
		s.Request, s.Pended = nil, nil
		s.resolveDispute()
		s.Phase = PhaseAuthorized
	case ketacover.EventPADenied:
		s.Request, s.Pended = nil, nil
		s.openDispute(e)
	case ketacover.EventSession:
		n := max(d.Units, 1)
		s.Sessions += n
		if s.Authorization != nil {
			s.Authorization.Used += n
		}
	case ketacover.EventClaimSubmitted:
		s.Claims[claimKey(d.Reference)] = &Claim{Reference: d.Reference, Submitted: e.Date}
	case ketacover.EventClaimPaid:
		if c := s.claimOrNew(d.Reference, e.Date); c != nil {
			c.Paid = e
			if s.Denial == c.Denied && c.Denied != nil {
				s.resolveDispute()
				s.Phase = s.restingPhase()
			}
		}
	case ketacover.EventClaimDenied:
		if c := s.claimOrNew(d.Reference, e.Date); c != nil {
			c.Denied = e
		}
		s.openDispute(e)
	case ketacover.EventAppealFiled:
		s.Appeal, s.Decision = e, nil
		s.AppealLevel = d.Level
		s.Phase = PhaseAppealing
	case ketacover.EventPeerToPeer:
		s.P2P++
	case ketacover.EventAppealDecided:
		s.Decision = e
		if d.Outcome == ketacover.Overturned || d.Outcome == ketacover.Partial {
			s.resolveDispute()
			s.Phase = s.restingPhase()
		} else {
			s.Phase = PhaseDenied
		}
	case ketacover.EventExternalReviewRequest:
		s.External, s.ExternalDone = e, nil
		s.Phase = PhaseExternal
	case ketacover.EventExternalReviewDecided:
		s.ExternalDone = e
		if d.Outcome == ketacover.Overturned || d.Outcome == ketacover.Partial {
			s.resolveDispute()
			s.Phase = s.restingPhase()
		} else {
			s.Phase = PhaseFinal
		}
	case ketacover.EventPatientPaid:
		s.PatientPaid += d.AmountCents
	}
}

func (s *State) openDispute(e *ketacover.Event) {
	s.Denial, s.Appeal, s.Decision, s.External, s.ExternalDone = e, nil, nil, nil, nil
	s.AppealLevel = 0
	s.Phase = PhaseDenied
}

func (s *State) resolveDispute() {
	s.Denial, s.Appeal, s.Decision, s.External, s.ExternalDone = nil, nil, nil, nil, nil
	s.AppealLevel = 0
}

// restingPhase is the phase once no dispute is open.
func (s *State) restingPhase() Phase {
	switch {
	case s.Request != nil && s.Pended != nil:
		return PhasePended
	case s.Request != nil:
		return PhasePending
	case s.Authorization != nil:
		return PhaseAuthorized
	}
	return PhaseNew
}

func claimKey(ref string) string { return strings.ToUpper(strings.TrimSpace(ref)) }

// claim finds a claim by reference; with no reference, the only claim or
// the latest submitted one.
func (s *State) claim(ref string) *Claim {
	if ref != "" {
		return s.Claims[claimKey(ref)]
	}
	var latest *Claim
	for _, c := range s.Claims {
		if latest == nil || latest.Submitted.Before(c.Submitted) {
			latest = c
		}
	}
	return latest
}

// claimOrNew finds a claim by reference, or registers one a remittance
// names that was never recorded as submitted (an 835 is proof enough that
// the claim exists).
func (s *State) claimOrNew(ref string, on ketacover.Date) *Claim {
	if c := s.claim(ref); c != nil || ref == "" {
		return c
	}
	c := &Claim{Reference: ref, Submitted: on}
	s.Claims[claimKey(ref)] = c
	return c
}

// Check decides whether e may be appended to a timeline whose events so
// far are prior. It returns an EINVALID error for a malformed event and an
// ECONFLICT error, naming the case's state and the event, for one the
// state does not allow.
func Check(prior []ketacover.Event, e *ketacover.Event) error {
	if err := checkDetails(e); err != nil {
		return err
	}
	s := Fold(prior)
	if s.Last != nil && e.Date.Before(s.Last.Date) {
		return ketacover.Errorf(ketacover.EINVALID, "%s dated %s is before the case's last event (%s on %s); events are recorded in the order they happened", e.Kind, e.Date, s.Last.Kind, s.Last.Date)
	}
	refuse := func(why string) error {
		return ketacover.Errorf(ketacover.ECONFLICT, "cannot record %s: the case is in state %q (%s)", e.Kind, s.Phase, why)
	}
	d := e.Details
	switch e.Kind {
	case ketacover.EventPASubmitted:
		if s.Phase == PhasePending || s.Phase == PhasePended {
			return refuse("a prior-authorization request is already pending; record its decision first")
		}
		if s.Phase == PhaseAppealing || s.Phase == PhaseExternal {
			return refuse("an appeal of the denial is pending; record its decision first")
		}
	case ketacover.EventPAPended:
		if s.Phase != PhasePending {
			return refuse("only a pending prior-authorization request can be pended; record pa-submitted first")
		}
	case ketacover.EventPAApproved, ketacover.EventPADenied:
		if s.Phase != PhasePending && s.Phase != PhasePended {
			return refuse("no prior-authorization request is pending; record pa-submitted first")
		}
	case ketacover.EventClaimPaid, ketacover.EventClaimDenied:
		// With a reference the claim may be one never recorded as
		// submitted (a remittance names it); without one it must be
		// clear which claim is meant.
		if d.Reference == "" && len(s.Claims) == 0 {
			return refuse("no claim has been submitted; record claim-submitted first, or give the claim's --ref")
		}
	case ketacover.EventClaimSubmitted:
		if d.Reference != "" && s.Claims[claimKey(d.Reference)] != nil {
			return refuse(fmt.Sprintf("claim %q was already submitted", d.Reference))
		}
	case ketacover.EventAppealFiled:
		switch {
		case s.Denial == nil:
			return refuse("there is no denial to appeal")
		case s.Phase == PhaseAppealing:
			return refuse(fmt.Sprintf("the level %d appeal is still pending; record its decision first", s.AppealLevel))
		case s.Phase == PhaseExternal || s.Phase == PhaseFinal:
			return refuse("the denial has gone to external review")
		case d.Level != s.AppealLevel+1:
			return refuse(fmt.Sprintf("the next appeal is level %d, not level %d", s.AppealLevel+1, d.Level))
		}
	case ketacover.EventAppealDecided:
		if s.Phase != PhaseAppealing {
			return refuse("no appeal is pending; record appeal-filed first")
		}
		if d.Level != 0 && d.Level != s.AppealLevel {
			return refuse(fmt.Sprintf("the pending appeal is level %d, not level %d", s.AppealLevel, d.Level))
		}
	case ketacover.EventPeerToPeer:
		if s.Phase != PhasePending && s.Phase != PhasePended && s.Phase != PhaseDenied && s.Phase != PhaseAppealing {
			return refuse("a peer-to-peer review belongs to a pending request, a denial or an appeal")
		}
	case ketacover.EventExternalReviewRequest:
		switch {
		case s.Denial == nil:
			return refuse("there is no denial to take to external review")
		case s.Phase == PhaseAppealing:
			return refuse("the internal appeal is still pending; record its decision first")
		case s.Phase == PhaseExternal:
			return refuse("an external review is already pending")
		case s.Phase == PhaseFinal:
			return refuse("the external review has already decided")
		case s.AppealLevel == 0 && !d.Expedited:
			return refuse("external review normally follows an internal appeal; file appeal-filed --level 1 first, or mark the request --expedited where the law allows going straight to an expedited external review")
		}
	case ketacover.EventExternalReviewDecided:
		if s.Phase != PhaseExternal {
			return refuse("no external review is pending; record external-review-requested first")
		}
	}
	return nil
}

// checkDetails checks the fields each kind needs.
func checkDetails(e *ketacover.Event) error {
	bad := func(format string, args ...any) error {
		return ketacover.Errorf(ketacover.EINVALID, "%s: "+format, append([]any{e.Kind}, args...)...)
	}
	if !e.Kind.Valid() {
		return ketacover.Errorf(ketacover.EINVALID, "unknown event kind %q; want one of %s", e.Kind, kindList())
	}
	if e.Date.IsZero() {
		return bad("the date it happened is required")
	}
	d := e.Details
	switch e.Kind {
	case ketacover.EventPASubmitted:
		if d.Method != "" && !oneOf(d.Method, Methods...) {
			return bad("method %q: want one of %s", d.Method, strings.Join(Methods, ", "))
		}
	case ketacover.EventPAApproved:
		if d.Units < 0 {
			return bad("units must be 0 or more, got %d", d.Units)
		}
		if d.Start != nil && d.End != nil && d.End.Before(*d.Start) {
			return bad("the authorization ends (%s) before it starts (%s)", d.End, d.Start)
		}
	case ketacover.EventSession:
		if d.Units < 0 {
			return bad("sessions must be 1 or more, got %d", d.Units)
		}
	case ketacover.EventAppealFiled:
		if d.Level != 1 && d.Level != 2 {
			return bad("level must be 1 or 2, got %d", d.Level)
		}
	case ketacover.EventAppealDecided, ketacover.EventExternalReviewDecided:
		if !oneOf(d.Outcome, ketacover.Overturned, ketacover.Upheld, ketacover.Partial) {
			return bad("outcome %q: want overturned, upheld or partial", d.Outcome)
		}
	case ketacover.EventPatientPaid, ketacover.EventClaimPaid:
		if d.AmountCents < 0 {
			return bad("amount must not be negative")
		}
	}
	return nil
}

// Methods are the ways a prior-authorization request is sent.
var Methods = []string{"portal", "fax", "phone", "mail", "x12-278", "fhir-pas"}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func kindList() string {
	s := make([]string, len(ketacover.EventKinds))
	for i, k := range ketacover.EventKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
