package deadline

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

func ids(m Match) []string {
	var out []string
	for _, r := range m.Rules {
		out = append(out, r.ID)
	}
	return out
}

func TestLookup(t *testing.T) {
	b := mustBook(t)
	tests := []struct {
		name      string
		q         Query
		want      []string
		ambiguous bool
		note      string // a substring of one of the notes
	}{
		{
			"42 CFR 422.568(b)(3) vs 422.568(b)(1)(ii): esketamine under MA shows both clocks",
			Query{Plan: ketacover.PlanMedicareAdvantage, Step: StepPADecision, Track: TrackStandard, Therapy: ketacover.TherapyEsketamine, On: d("2026-03-02")},
			[]string{"ma.pa.standard.service", "ma.od.standard.service.not-pa", "ma.pa.standard.part-b-drug"}, true, "G2082/G2083",
		},
		{
			"42 CFR 422.572(a)(2): a Part B drug request, expedited",
			Query{Plan: ketacover.PlanMedicareAdvantage, Step: StepPADecision, Track: TrackExpedited, Benefit: BenefitDrug},
			[]string{"ma.pa.expedited.part-b-drug"}, false, "",
		},
		{
			"42 CFR 422.568(b)(1)(i): 14 days before CMS-0057-F",
			Query{Plan: ketacover.PlanMedicareAdvantage, Step: StepPADecision, Track: TrackStandard, Benefit: BenefitService, On: d("2025-06-01")},
			[]string{"ma.pa.standard.service.before-2026"}, false, "",
		},
		{
			"42 CFR 438.210(d)(1): rating period unknown returns 14 and 7 days",
			Query{Plan: ketacover.PlanMedicaidManaged, Step: StepPADecision, Track: TrackStandard, Benefit: BenefitService},
			[]string{"medicaid-managed.pa.standard.before-2026", "medicaid-managed.pa.standard"}, true, "rating period",
		},
		{
			"42 CFR 438.210(d)(1): July 2026 rating period gets 7 days",
			Query{Plan: ketacover.PlanMedicaidManaged, Step: StepPADecision, Track: TrackStandard, Benefit: BenefitService, RatingPeriodStart: d("2026-07-01")},
			[]string{"medicaid-managed.pa.standard"}, false, "",
		},
		{
			"Cal. HSC 1374.30: CA insured plan uses IMR",
			Query{Plan: ketacover.PlanGroupFullyInsured, Step: StepExternalFiling, State: "CA"},
			[]string{"ca.imr.filing"}, false, "",
		},
		{
			"45 CFR 147.136(d)(2)(i): a self-funded plan in CA uses the federal process",
			Query{Plan: ketacover.PlanERISASelfFunded, Step: StepExternalFiling, State: "CA"},
			[]string{"federal.external.filing"}, false, "no CA rule on file",
		},
		{
			"NAIC model act by pseudo-state",
			Query{Plan: ketacover.PlanIndividual, Step: StepExternalDecision, Track: TrackExpedited, State: "NAIC"},
			[]string{"naic.external.decision.expedited"}, false, "",
		},
		{
			"29 CFR 2560.503-1(i)(2)(ii): one or two appeal levels",
			Query{Plan: ketacover.PlanERISASelfFunded, Step: StepAppealDecision, Track: TrackStandard},
			[]string{"group.appeal.decision.standard", "group.appeal.level1-of-2.standard"}, true, "two levels",
		},
		{
			"45 CFR 147.136(b)(3)(ii)(G): individual plans have one level",
			Query{Plan: ketacover.PlanIndividual, Step: StepAppealDecision, Track: TrackStandard},
			[]string{"group.appeal.decision.standard"}, false, "",
		},
		{
			"29 CFR 2560.503-1(i)(2): no track returns every track",
			Query{Plan: ketacover.PlanIndividual, Step: StepAppealDecision},
			[]string{"group.appeal.decision.expedited", "group.appeal.decision.standard", "group.appeal.decision.post-service"}, true, "track",
		},
		{
			"Kan. Admin. Regs. 129-8-11: a state rule replaces the federal one",
			Query{Plan: ketacover.PlanMedicaidManaged, Step: StepHearingFiling, State: "KS"},
			[]string{"ks.medicaid-managed.hearing.filing"}, false, "",
		},
		{
			"42 CFR 438.408(f)(2): unknown state gets the 90-day reading",
			Query{Plan: ketacover.PlanMedicaidManaged, Step: StepHearingFiling},
			[]string{"medicaid-managed.hearing.filing"}, false, "",
		},
		{
			"TRICARE 90 days; expedited track adds the 3-day rule",
			Query{Plan: ketacover.PlanTRICARE, Step: StepAppealFiling, Track: TrackExpedited},
			[]string{"tricare.reconsideration.filing.expedited"}, false, "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := b.Lookup(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ids(m)); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
			if m.Ambiguous != tt.ambiguous {
				t.Errorf("ambiguous = %v, want %v (notes %q)", m.Ambiguous, tt.ambiguous, m.Notes)
			}
			if tt.note != "" && !strings.Contains(strings.Join(m.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", m.Notes, tt.note)
			}
		})
	}
}

func TestLookupNotFound(t *testing.T) {
	b := mustBook(t)
	tests := []struct {
		name string
		q    Query
		code string
		want string
	}{
		{"CMS-0057-F excludes drugs: Medicaid esketamine PA is State-set",
			Query{Plan: ketacover.PlanMedicaidManaged, Step: StepPADecision, Track: TrackStandard, Therapy: ketacover.TherapyEsketamine},
			ketacover.ENOTFOUND, "no deadline rule on file for medicaid-managed, prior-authorization decision, standard, drug: CMS-0057-F's 7-day"},
		{"Original Medicare has no prior authorization here",
			Query{Plan: ketacover.PlanMedicareFFS, Step: StepPADecision},
			ketacover.ENOTFOUND, "Original Medicare has no prior authorization"},
		{"Medicaid FFS before 2026",
			Query{Plan: ketacover.PlanMedicaidFFS, Step: StepPADecision, Benefit: BenefitService, On: d("2025-12-31")},
			ketacover.ENOTFOUND, "before 2026-01-01 Medicaid fee-for-service prior-authorization timeframes were State-set"},
		{"FEHB has no rules", Query{Plan: ketacover.PlanFEHB, Step: StepAppealFiling}, ketacover.ENOTFOUND, "no deadline rule on file for fehb, appeal filing window"},
		{"bad plan", Query{Plan: "hmo", Step: StepAppealFiling}, ketacover.EINVALID, `unknown plan type "hmo"`},
		{"bad step", Query{Plan: ketacover.PlanTRICARE, Step: "appeal"}, ketacover.EINVALID, `unknown step "appeal"`},
		{"bad track", Query{Plan: ketacover.PlanTRICARE, Step: StepAppealFiling, Track: "urgent"}, ketacover.EINVALID, `track "urgent"`},
		{"bad state", Query{Plan: ketacover.PlanTRICARE, Step: StepAppealFiling, State: "California"}, ketacover.EINVALID, `state "California"`},
		{"bad therapy", Query{Plan: ketacover.PlanTRICARE, Step: StepAppealFiling, Therapy: "tms"}, ketacover.EINVALID, `unknown therapy "tms"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Lookup(tt.q)
			if ketacover.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v (%s), want %s containing %q", err, ketacover.ErrorCode(err), tt.code, tt.want)
			}
		})
	}
}

// Every plan type and step the issue lists resolves to at least one rule (or a recorded gap).
func TestLookupCoverage(t *testing.T) {
	b := mustBook(t)
	cases := []Query{
		{Plan: ketacover.PlanERISASelfFunded, Step: StepPADecision, Track: TrackStandard},
		{Plan: ketacover.PlanGroupFullyInsured, Step: StepConcurrentDecision},
		{Plan: ketacover.PlanGovernmentNonFed, Step: StepClaimDecision, Track: TrackPostService},
		{Plan: ketacover.PlanIndividual, Step: StepExternalDecision, Track: TrackStandard},
		{Plan: ketacover.PlanMedicareFFS, Step: StepAppealFiling},
		{Plan: ketacover.PlanMedicareAdvantage, Step: StepAppealFiling},
		{Plan: ketacover.PlanMedicarePartD, Step: StepAppeal2Filing},
		{Plan: ketacover.PlanMedicaidFFS, Step: StepHearingFiling},
		{Plan: ketacover.PlanMedicaidManaged, Step: StepAppealFiling},
		{Plan: ketacover.PlanGroupFullyInsured, Step: StepExternalFiling, State: "NY"},
		{Plan: ketacover.PlanTRICARE, Step: StepAppeal2Filing},
	}
	for _, q := range cases {
		if _, err := b.Lookup(q); err != nil {
			t.Errorf("Lookup(%+v): %v", q, err)
		}
	}
}
