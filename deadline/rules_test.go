package deadline

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// everyRule is one case per rule in the embedded data: the rule's citation, how the anchor is
// given ("date": the event day 2026-03-02, a Monday; "notice": the date on the notice
// 2026-03-02, receipt presumed; "at": 2026-03-02 09:00 UTC) and the due date or instant worked out
// by hand from the count the regulation states. TestEveryRuleHasACase keeps it complete.
var everyRule = []struct {
	id, citation, anchor, want string
}{
	{"federal.external.filing", "45 CFR 147.136(d)(2)(i); 29 CFR 2590.715-2719(d)(2)(i)", "date", "2026-07-02"},
	{"federal.external.incomplete-cure", "45 CFR 147.136(d)(2)(ii)(B)", "at", "2026-03-04T09:00Z"},
	{"federal.external.preliminary", "45 CFR 147.136(d)(2)(ii)(A)", "date", "2026-03-09"},
	{"federal.external.preliminary-notice", "45 CFR 147.136(d)(2)(ii)(B)", "date", "2026-03-03"},
	{"federal.external.claimant-info", "45 CFR 147.136(d)(2)(iii)(B)(2)", "date", "2026-03-16"},
	{"federal.external.plan-documents", "45 CFR 147.136(d)(2)(iii)(B)(3)", "date", "2026-03-09"},
	{"federal.external.decision.standard", "45 CFR 147.136(d)(2)(iii)(B)(6)", "date", "2026-04-16"},
	{"federal.external.decision.expedited", "45 CFR 147.136(d)(3)(iv)", "at", "2026-03-05T09:00Z"},
	{"federal.external.written-confirmation", "45 CFR 147.136(d)(3)(iv)", "at", "2026-03-04T09:00Z"},
	{"group.pa.expedited", "29 CFR 2560.503-1(f)(2)(i); 45 CFR 147.136(b)(2)(ii)(B), (b)(3)(ii)(B)", "at", "2026-03-05T09:00Z"},
	{"group.pa.expedited.incomplete-notice", "29 CFR 2560.503-1(f)(2)(i), (c)(1)(i)", "at", "2026-03-03T09:00Z"},
	{"group.pa.expedited.info-window", "29 CFR 2560.503-1(f)(2)(i)", "at", "2026-03-04T09:00Z"},
	{"group.pa.expedited.after-info", "29 CFR 2560.503-1(f)(2)(i)(A)-(B)", "at", "2026-03-04T09:00Z"},
	{"group.pa.standard", "29 CFR 2560.503-1(f)(2)(iii)(A)", "date", "2026-03-17"},
	{"group.pa.standard.misfiled-notice", "29 CFR 2560.503-1(c)(1)(i)", "date", "2026-03-07"},
	{"group.pa.standard.info-window", "29 CFR 2560.503-1(f)(2)(iii)(A)-(B), (f)(4)", "date", "2026-04-16"},
	{"group.concurrent.filing", "29 CFR 2560.503-1(f)(2)(ii)(B)", "at", "2026-03-01T09:00Z"},
	{"group.concurrent.decision", "29 CFR 2560.503-1(f)(2)(ii)(B)", "at", "2026-03-03T09:00Z"},
	{"group.claim.post-service", "29 CFR 2560.503-1(f)(2)(iii)(B)", "date", "2026-04-01"},
	{"group.appeal.filing", "29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)(2)(i), (b)(3)(i)", "date", "2026-08-29"},
	{"group.appeal.decision.expedited", "29 CFR 2560.503-1(i)(2)(i); 45 CFR 147.136(b)(2)(i), (b)(3)(i)", "at", "2026-03-05T09:00Z"},
	{"group.appeal.decision.standard", "29 CFR 2560.503-1(i)(2)(ii); 45 CFR 147.136(b)(3)(ii)(G)", "date", "2026-04-01"},
	{"group.appeal.level1-of-2.post-service", "29 CFR 2560.503-1(i)(2)(iii)(A)", "date", "2026-04-01"},
	{"group.appeal.decision.post-service", "29 CFR 2560.503-1(i)(2)(iii)(A); 45 CFR 147.136(b)(3)(ii)(G)", "date", "2026-05-01"},
	{"group.appeal.level1-of-2.standard", "29 CFR 2560.503-1(i)(2)(ii)", "date", "2026-03-17"},
	{"group.appeal2.decision.standard", "29 CFR 2560.503-1(i)(2)(ii), (c)(2)", "date", "2026-03-17"},
	{"group.appeal2.decision.expedited", "29 CFR 2560.503-1(i)(2)(i)", "at", "2026-03-05T09:00Z"},
	{"group.appeal2.decision.post-service", "29 CFR 2560.503-1(i)(2)(iii)(A)", "date", "2026-04-01"},
	{"aca.exhaustion.explanation", "45 CFR 147.136(b)(2)(ii)(F)(2), (b)(3)(ii)(F)(2); 29 CFR 2590.715-2719(b)(2)(ii)(F)(2)", "date", "2026-03-12"},
	{"aca.exhaustion.resubmission-notice", "45 CFR 147.136(b)(2)(ii)(F)(2), (b)(3)(ii)(F)(2)", "date", "2026-03-12"},
	{"medicaid-ffs.pa.standard", "CMS-0057-F (89 FR 8758); 42 CFR 440.230(e)", "date", "2026-03-09"},
	{"medicaid-ffs.pa.expedited", "CMS-0057-F (89 FR 8758); 42 CFR 440.230(e)", "at", "2026-03-05T09:00Z"},
	{"medicaid-ffs.hearing.filing", "42 CFR 431.221(d)", "date", "2026-05-31"},
	{"medicaid-ffs.hearing.decision", "42 CFR 431.244(f)(1)", "date", "2026-05-31"},
	{"medicaid-ffs.hearing.decision.expedited", "42 CFR 431.244(f)(3)(ii), (f)(2), 431.224(a)", "date", "2026-03-05"},
	{"medicaid-managed.pa.standard.before-2026", "42 CFR 438.210(d)(1)", "date", "2026-03-16"},
	{"medicaid-managed.pa.standard", "42 CFR 438.210(d)(1) (CMS-0057-F)", "date", "2026-03-09"},
	{"medicaid-managed.pa.expedited", "42 CFR 438.210(d)(2)", "at", "2026-03-05T09:00Z"},
	{"medicaid-managed.appeal.filing", "42 CFR 438.402(c)(2)(ii)", "date", "2026-05-01"},
	{"medicaid-managed.appeal.decision.standard", "42 CFR 438.408(b)(2)", "date", "2026-04-01"},
	{"medicaid-managed.appeal.decision.expedited", "42 CFR 438.408(b)(3)", "at", "2026-03-05T09:00Z"},
	{"medicaid-managed.hearing.filing", "42 CFR 438.408(f)(2)", "date", "2026-05-31"},
	{"medicaid-managed.hearing.decision.expedited", "42 CFR 431.244(f)(2)", "date", "2026-03-05"},
	{"medicaid-managed.continuation.filing", "42 CFR 438.420(a)", "date", "2026-03-12"},
	{"ma.pa.standard.service.before-2026", "42 CFR 422.568(b)(1)(i)", "date", "2026-03-16"},
	{"ma.pa.standard.service", "42 CFR 422.568(b)(1)(ii), 422.122 (CMS-0057-F, 89 FR 8758)", "date", "2026-03-09"},
	{"ma.od.standard.service.not-pa", "42 CFR 422.568(b)(1)(i)", "date", "2026-03-16"},
	{"ma.pa.standard.part-b-drug", "42 CFR 422.568(b)(3)", "at", "2026-03-05T09:00Z"},
	{"ma.pa.expedited.service", "42 CFR 422.572(a)(1), (b)", "at", "2026-03-05T09:00Z"},
	{"ma.pa.expedited.part-b-drug", "42 CFR 422.572(a)(2)", "at", "2026-03-03T09:00Z"},
	{"ma.reconsideration.filing", "42 CFR 422.582(b) (CY 2025 MA/Part D rule); CMS Parts C & D appeals guidance, effective 2025-01-01", "notice", "2026-05-06"},
	{"ma.reconsideration.decision.expedited", "42 CFR 422.590", "at", "2026-03-05T09:00Z"},
	{"ma.reconsideration.decision.standard.service", "42 CFR 422.590", "date", "2026-04-01"},
	{"ma.reconsideration.decision.standard.part-b-drug", "42 CFR 422.590", "date", "2026-03-09"},
	{"ma.reconsideration.decision.payment", "42 CFR 422.590", "date", "2026-05-01"},
	{"ma.alj.filing", "42 CFR 422.602(b)", "notice", "2026-05-06"},
	{"ma.effectuation.ire-reversal", "42 CFR 422.618(b)(1)", "at", "2026-03-05T09:00Z"},
	{"medicare.redetermination.filing", "42 CFR 405.942(a)", "notice", "2026-07-05"},
	{"medicare.redetermination.decision", "42 CFR 405.950", "date", "2026-05-01"},
	{"medicare.reconsideration.filing", "42 CFR 405.962(a)", "notice", "2026-09-03"},
	{"medicare.reconsideration.decision", "42 CFR 405.970", "date", "2026-05-01"},
	{"medicare.alj.filing", "42 CFR 405.1002(a)", "notice", "2026-05-06"},
	{"medicare.alj.decision", "42 CFR 405.1016", "date", "2026-05-31"},
	{"medicare.council.filing", "42 CFR 405.1102", "date", "2026-05-01"},
	{"medicare.council.decision", "42 CFR 405.1100", "date", "2026-05-31"},
	{"medicare.court.filing", "42 CFR 405.1130-405.1136", "date", "2026-05-01"},
	{"partd.coverage-determination.standard", "42 CFR 423.568(b)", "at", "2026-03-05T09:00Z"},
	{"partd.coverage-determination.expedited", "42 CFR 423.572(a)", "at", "2026-03-03T09:00Z"},
	{"partd.redetermination.filing", "42 CFR 423.582(b); CMS Parts C & D appeals guidance, effective 2025-01-01", "notice", "2026-05-06"},
	{"partd.redetermination.decision.standard", "42 CFR 423.590", "date", "2026-03-09"},
	{"partd.redetermination.decision.expedited", "42 CFR 423.590", "at", "2026-03-05T09:00Z"},
	{"partd.redetermination.decision.payment", "42 CFR 423.590", "date", "2026-03-16"},
	{"partd.ire.filing", "42 CFR 423.600", "date", "2026-05-01"},
	{"partd.ire.decision.standard", "42 CFR 423.600", "date", "2026-03-09"},
	{"partd.ire.decision.expedited", "42 CFR 423.600", "at", "2026-03-05T09:00Z"},
	{"ca.grievance.decision.standard", "Cal. Health & Safety Code \u00a7 1368.01", "date", "2026-04-01"},
	{"ca.grievance.decision.expedited", "Cal. Health & Safety Code \u00a7 1368.01", "date", "2026-03-05"},
	{"ca.imr.filing", "Cal. Health & Safety Code \u00a7\u00a7 1374.30-1374.35", "date", "2026-09-02"},
	{"ca.imr.decision.standard", "Cal. Health & Safety Code \u00a7 1374.33", "date", "2026-04-01"},
	{"ca.imr.decision.expedited", "Cal. Health & Safety Code \u00a7 1374.33(c)", "date", "2026-03-05"},
	{"ny.external.filing", "N.Y. Ins. Law \u00a7 4914(b)(1); N.Y. Pub. Health Law \u00a7 4914(2)(a)", "date", "2026-07-02"},
	{"ny.external.decision.standard", "N.Y. Ins. Law art. 49, title 2", "date", "2026-04-01"},
	{"ny.external.decision.expedited", "N.Y. Ins. Law art. 49, title 2", "at", "2026-03-05T09:00Z"},
	{"naic.external.filing", "NAIC Uniform Health Carrier External Review Model Act (2010) \u00a7\u00a7 6, 8", "date", "2026-07-02"},
	{"naic.external.decision.standard", "NAIC Uniform Health Carrier External Review Model Act (2010) \u00a7 8", "date", "2026-04-16"},
	{"naic.external.decision.expedited", "NAIC Uniform Health Carrier External Review Model Act (2010) \u00a7 9", "at", "2026-03-05T09:00Z"},
	{"ks.medicaid-managed.hearing.filing", "Kan. Admin. Regs. 129-8-11(a)(1)", "date", "2026-07-03"},
	{"tricare.reconsideration.filing", "32 CFR 199.10; TRICARE medical necessity appeals page (updated 2014-07-14)", "date", "2026-05-31"},
	{"tricare.reconsideration.filing.expedited", "32 CFR 199.10; TRICARE Quality Monitoring Contractor appeals page", "notice", "2026-03-10"},
	{"tricare.second-reconsideration.filing", "32 CFR 199.10; TRICARE medical necessity appeals page (updated 2014-07-14)", "date", "2026-05-31"},
}

func TestEveryRule(t *testing.T) {
	b := mustBook(t)
	for _, tt := range everyRule {
		t.Run(tt.citation+"/"+tt.id, func(t *testing.T) {
			r, err := b.Rule(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Citation != tt.citation {
				t.Errorf("citation %q, case names %q", r.Citation, tt.citation)
			}
			var a Anchor
			switch tt.anchor {
			case "date":
				a.Date = d("2026-03-02")
			case "notice":
				a.NoticeDate = d("2026-03-02")
			case "at":
				a.At = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			}
			got, err := Compute(r, a)
			if err != nil {
				t.Fatal(err)
			}
			if tt.anchor == "at" {
				if s := got.At.Format("2006-01-02T15:04Z"); s != tt.want {
					t.Errorf("due %s, want %s (%s)", s, tt.want, got.Explanation)
				}
			} else if got.Date.String() != tt.want {
				t.Errorf("due %s, want %s (%s)", got.Date, tt.want, got.Explanation)
			}
			if !strings.HasSuffix(got.Explanation, "("+r.Citation+")") {
				t.Errorf("explanation does not end with the citation: %s", got.Explanation)
			}
		})
	}
}

func TestEveryRuleHasACase(t *testing.T) {
	var cased []string
	for _, tt := range everyRule {
		cased = append(cased, tt.id)
	}
	for _, r := range mustBook(t).Rules() {
		if !slices.Contains(cased, r.ID) {
			t.Errorf("rule %s (%s) has no case in everyRule", r.ID, r.Where())
		}
	}
}

// No rule without a source: every rule names a citation, an http(s) source URL, a grade, where
// in the references it comes from, a known plan type and a known step.
func TestEveryRuleIsSourced(t *testing.T) {
	b := mustBook(t)
	if len(b.Rules()) == 0 {
		t.Fatal("no rules embedded")
	}
	for _, r := range b.Rules() {
		if bad := r.Validate(); len(bad) > 0 {
			t.Errorf("%s %s: %v", r.Where(), r.ID, bad)
		}
		if strings.TrimSpace(r.Citation) == "" || strings.TrimSpace(r.Ref) == "" {
			t.Errorf("%s %s: no citation or reference", r.Where(), r.ID)
		}
		u, err := url.Parse(r.Source)
		if err != nil || u.Host == "" || !strings.HasPrefix(u.Scheme, "http") {
			t.Errorf("%s %s: source %q is not a URL", r.Where(), r.ID, r.Source)
		}
		for _, p := range r.Plans {
			if !p.Valid() {
				t.Errorf("%s %s: unknown plan type %q", r.Where(), r.ID, p)
			}
		}
		if !r.Step.Valid() || r.Step.Label() == "" {
			t.Errorf("%s %s: unknown step %q", r.Where(), r.ID, r.Step)
		}
		if AnchorLabel(r.Anchor) == "" || GradeLabel(r.Grade) == "" {
			t.Errorf("%s %s: unknown anchor %q or grade %q", r.Where(), r.ID, r.Anchor, r.Grade)
		}
	}
	for _, c := range b.Classifications() {
		if c.Citation == "" || !strings.HasPrefix(c.Source, "http") || c.Note == "" {
			t.Errorf("classification %s/%v: unsourced", c.Therapy, c.Plans)
		}
	}
	for _, g := range b.Gaps() {
		if g.Note == "" || g.Ref == "" {
			t.Errorf("gap %s/%v: no note or reference", g.Step, g.Plans)
		}
	}
}

// The plan types the issue names each have rules for their appeal window.
func TestPlanTypesCovered(t *testing.T) {
	b := mustBook(t)
	for _, p := range []string{"erisa-self-funded", "group-fully-insured", "individual", "non-federal-government",
		"medicare-ffs", "medicare-advantage", "medicare-part-d", "medicaid-ffs", "medicaid-managed", "tricare"} {
		found := false
		for _, r := range b.Rules() {
			for _, q := range r.Plans {
				if string(q) == p {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no rule for plan type %s", p)
		}
	}
}
