package timeline

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
)

func ev(kind ketacover.EventKind, date string, d ketacover.Details) ketacover.Event {
	return ketacover.Event{Kind: kind, Date: ketacover.MustDate(date), Details: d}
}

// appendAll checks and appends each event, failing on the first refusal.
func appendAll(t *testing.T, events ...ketacover.Event) []ketacover.Event {
	t.Helper()
	var out []ketacover.Event
	for i := range events {
		if err := Check(out, &events[i]); err != nil {
			t.Fatalf("event %d (%s): %v", i, events[i].Kind, err)
		}
		out = append(out, events[i])
	}
	return out
}

func TestHappyPathThroughExternalReview(t *testing.T) {
	events := appendAll(t,
		ev(ketacover.EventBenefitCheck, "2026-01-05", ketacover.Details{}),
		ev(ketacover.EventPASubmitted, "2026-01-06", ketacover.Details{Method: "portal"}),
		ev(ketacover.EventPAPended, "2026-01-09", ketacover.Details{}),
		ev(ketacover.EventPADenied, "2026-01-20", ketacover.Details{Reason: "not medically necessary"}),
		ev(ketacover.EventAppealFiled, "2026-02-01", ketacover.Details{Level: 1}),
		ev(ketacover.EventPeerToPeer, "2026-02-03", ketacover.Details{}),
		ev(ketacover.EventAppealDecided, "2026-02-25", ketacover.Details{Level: 1, Outcome: ketacover.Upheld}),
		ev(ketacover.EventExternalReviewRequest, "2026-03-10", ketacover.Details{}),
		ev(ketacover.EventExternalReviewDecided, "2026-04-20", ketacover.Details{Outcome: ketacover.Overturned}),
		ev(ketacover.EventPASubmitted, "2026-04-21", ketacover.Details{}),
		ev(ketacover.EventPAApproved, "2026-04-22", ketacover.Details{Units: 8, Start: ptr("2026-04-22"), End: ptr("2026-07-21")}),
		ev(ketacover.EventSession, "2026-04-23", ketacover.Details{}),
		ev(ketacover.EventSession, "2026-04-26", ketacover.Details{Units: 2}),
	)
	s := Fold(events)
	if s.Phase != PhaseAuthorized {
		t.Errorf("phase = %s, want authorized", s.Phase)
	}
	if got := s.Authorization.Left(); got != 5 {
		t.Errorf("sessions left = %d, want 5", got)
	}
	if s.Sessions != 3 || s.P2P != 1 || s.BenefitChecks != 1 {
		t.Errorf("sessions %d, p2p %d, checks %d; want 3, 1, 1", s.Sessions, s.P2P, s.BenefitChecks)
	}
}

func TestRefusals(t *testing.T) {
	submitted := []ketacover.Event{ev(ketacover.EventPASubmitted, "2026-01-06", ketacover.Details{})}
	denied := append(append([]ketacover.Event{}, submitted...), ev(ketacover.EventPADenied, "2026-01-20", ketacover.Details{}))
	tests := []struct {
		name  string
		prior []ketacover.Event
		e     ketacover.Event
		code  string
		want  string
	}{
		{"approval with nothing pending", nil, ev(ketacover.EventPAApproved, "2026-01-10", ketacover.Details{}), ketacover.ECONFLICT,
			`cannot record pa-approved: the case is in state "new" (no prior-authorization request is pending; record pa-submitted first)`},
		{"second request while one is pending", submitted, ev(ketacover.EventPASubmitted, "2026-01-07", ketacover.Details{}), ketacover.ECONFLICT,
			`cannot record pa-submitted: the case is in state "pa-pending"`},
		{"appeal without a denial", submitted, ev(ketacover.EventAppealFiled, "2026-01-08", ketacover.Details{Level: 1}), ketacover.ECONFLICT,
			"there is no denial to appeal"},
		{"level 2 before level 1", denied, ev(ketacover.EventAppealFiled, "2026-01-21", ketacover.Details{Level: 2}), ketacover.ECONFLICT,
			"the next appeal is level 1, not level 2"},
		{"out-of-order date", denied, ev(ketacover.EventAppealFiled, "2026-01-02", ketacover.Details{Level: 1}), ketacover.EINVALID,
			"appeal-filed dated 2026-01-02 is before the case's last event (pa-denied on 2026-01-20)"},
		{"unknown kind", nil, ev("approved", "2026-01-02", ketacover.Details{}), ketacover.EINVALID,
			`unknown event kind "approved"`},
		{"decision without outcome", nil, ev(ketacover.EventAppealDecided, "2026-01-02", ketacover.Details{}), ketacover.EINVALID,
			`appeal-decided: outcome "": want overturned, upheld or partial`},
		{"external review straight after a denial", denied, ev(ketacover.EventExternalReviewRequest, "2026-01-22", ketacover.Details{}), ketacover.ECONFLICT,
			"external review normally follows an internal appeal"},
		{"claim paid with no claim and no reference", nil, ev(ketacover.EventClaimPaid, "2026-01-22", ketacover.Details{}), ketacover.ECONFLICT,
			"no claim has been submitted"},
		{"bad method", nil, ev(ketacover.EventPASubmitted, "2026-01-22", ketacover.Details{Method: "pigeon"}), ketacover.EINVALID,
			`method "pigeon": want one of portal, fax, phone, mail, x12-278, fhir-pas`},
		{"no date", nil, ketacover.Event{Kind: ketacover.EventNote}, ketacover.EINVALID, "note: the date it happened is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.prior, &tt.e)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := ketacover.ErrorCode(err); got != tt.code {
				t.Errorf("code = %s, want %s", got, tt.code)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestRemittanceNamesAnUnrecordedClaim(t *testing.T) {
	events := appendAll(t, ev(ketacover.EventClaimDenied, "2026-03-01", ketacover.Details{Reference: "PCN-9", CARC: []string{"50"}}))
	s := Fold(events)
	if s.Claims["PCN-9"] == nil || s.Claims["PCN-9"].Denied == nil || s.Phase != PhaseDenied {
		t.Errorf("claim not registered from the denial: %+v", s)
	}
}

func TestExpeditedExternalReviewAllowed(t *testing.T) {
	appendAll(t,
		ev(ketacover.EventPASubmitted, "2026-01-06", ketacover.Details{Expedited: true}),
		ev(ketacover.EventPADenied, "2026-01-07", ketacover.Details{Expedited: true}),
		ev(ketacover.EventExternalReviewRequest, "2026-01-07", ketacover.Details{Expedited: true}),
	)
}

func TestClaimDenialAndPayment(t *testing.T) {
	events := appendAll(t,
		ev(ketacover.EventSession, "2026-02-01", ketacover.Details{}),
		ev(ketacover.EventClaimSubmitted, "2026-02-02", ketacover.Details{Reference: "CLM-1"}),
		ev(ketacover.EventClaimDenied, "2026-03-01", ketacover.Details{Reference: "clm-1", CARC: []string{"50"}}),
		ev(ketacover.EventAppealFiled, "2026-03-05", ketacover.Details{Level: 1}),
		ev(ketacover.EventAppealDecided, "2026-04-01", ketacover.Details{Outcome: ketacover.Overturned}),
		ev(ketacover.EventClaimPaid, "2026-04-15", ketacover.Details{Reference: "CLM-1", AmountCents: 45000}),
	)
	s := Fold(events)
	if s.Phase != PhaseNew || s.Denial != nil {
		t.Errorf("phase %s, denial %v; want new and none", s.Phase, s.Denial)
	}
	if s.Claims["CLM-1"].Paid == nil {
		t.Error("claim not marked paid")
	}
}

func ptr(s string) *ketacover.Date {
	d := ketacover.MustDate(s)
	return &d
}

func TestOpenDeadlines(t *testing.T) {
	book, err := deadline.Default()
	if err != nil {
		t.Fatal(err)
	}
	mk := func(pt ketacover.PlanType) *ketacover.StoredCase {
		return &ketacover.StoredCase{ID: "c1", Case: ketacover.Case{
			Patient: ketacover.Patient{State: "OH"},
			Plan:    ketacover.Plan{Payer: "X", Type: pt},
			Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyKetamineIV, Indication: ketacover.IndicationTRD},
		}}
	}
	today := ketacover.MustDate("2026-03-01")
	tests := []struct {
		name   string
		plan   ketacover.PlanType
		events []ketacover.Event
		want   []string // step due
	}{
		{"ERISA denial opens a 180-day appeal window (29 CFR 2560.503-1(h)(3)(i))", ketacover.PlanERISASelfFunded,
			[]ketacover.Event{
				ev(ketacover.EventPASubmitted, "2026-01-06", ketacover.Details{}),
				ev(ketacover.EventPADenied, "2026-01-20", ketacover.Details{}),
			},
			[]string{"appeal-filing 2026-07-19"}},
		{"ERISA standard pre-service request: 15-day decision (29 CFR 2560.503-1(f)(2)(iii)(A))", ketacover.PlanERISASelfFunded,
			[]ketacover.Event{ev(ketacover.EventPASubmitted, "2026-02-02", ketacover.Details{})},
			[]string{"pa-decision 2026-02-17"}},
		{"ERISA pending level 1 appeal of a pre-service denial: 30 days (29 CFR 2560.503-1(i)(2)(ii))", ketacover.PlanERISASelfFunded,
			[]ketacover.Event{
				ev(ketacover.EventPASubmitted, "2026-01-06", ketacover.Details{}),
				ev(ketacover.EventPADenied, "2026-01-20", ketacover.Details{}),
				ev(ketacover.EventAppealFiled, "2026-02-01", ketacover.Details{Level: 1}),
			},
			[]string{"appeal-decision 2026-03-03", "appeal-decision 2026-02-16"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := appendAll(t, tt.events...)
			ds, notes := Open(mk(tt.plan), Fold(events), book, today, DefaultReminders)
			var got []string
			for _, d := range ds {
				got = append(got, d.Step+" "+d.Due.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s\nnotes: %v\n%+v", diff, notes, ds)
			}
		})
	}
}

func TestReauthorizationWarning(t *testing.T) {
	book, err := deadline.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := &ketacover.StoredCase{ID: "c1", Case: ketacover.Case{Plan: ketacover.Plan{Type: ketacover.PlanIndividual}}}
	events := appendAll(t,
		ev(ketacover.EventPASubmitted, "2026-01-06", ketacover.Details{}),
		ev(ketacover.EventPAApproved, "2026-01-08", ketacover.Details{Units: 2, End: ptr("2026-04-07")}),
		ev(ketacover.EventSession, "2026-01-10", ketacover.Details{}),
	)
	ds, _ := Open(c, Fold(events), book, ketacover.MustDate("2026-02-01"), DefaultReminders)
	if len(ds) != 1 || !ds[0].Warning || !strings.Contains(ds[0].Explanation, "1 of 2 authorized sessions left") {
		t.Fatalf("got %+v", ds)
	}
	ds, _ = Open(c, Fold(events[:2]), book, ketacover.MustDate("2026-02-01"), DefaultReminders)
	if len(ds) != 0 {
		t.Errorf("warned with 2 sessions and 65 days left: %+v", ds)
	}
	ds, _ = Open(c, Fold(events[:2]), book, ketacover.MustDate("2026-03-30"), DefaultReminders)
	if len(ds) != 1 || !strings.Contains(ds[0].Explanation, "ends 2026-04-07 (8 days)") {
		t.Errorf("no end-date warning: %+v", ds)
	}
}
