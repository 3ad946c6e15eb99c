package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/ketacover/ketacover"
)

// Payers, states and plan types SampleCase cycles through, so that list
// filters have something to select.
var (
	samplePayers = []string{"Aetna", "Highmark", "Texas Medicaid", "UnitedHealthcare", "Tufts Health Plan"}
	sampleStates = []string{"TX", "PA", "MA", "CA", "NY", "OH", "FL"}
	samplePlans  = []ketacover.PlanType{
		ketacover.PlanERISASelfFunded, ketacover.PlanGroupFullyInsured, ketacover.PlanIndividual,
		ketacover.PlanMedicareAdvantage, ketacover.PlanMedicaidManaged,
	}
)

// SampleCase returns a valid, realistically sized case (a patient, a plan,
// a therapy request, trials and scores: about 1.5 KB of JSON) that varies
// with i. It has no ID.
func SampleCase(i int) *ketacover.Case {
	yes, no := true, false
	age := 30 + i%40
	sessions := 8 + i%4
	dose := 56.0
	if i%3 == 0 {
		dose = 84
	}
	wk := func(w float64) *float64 { return &w }
	mg := func(m float64) *float64 { return &m }
	pct := func(p int) *int { return &p }
	drug := ketacover.TherapyEsketamine
	if i%4 == 3 {
		drug = ketacover.TherapyKetamineIV
	}
	c := &ketacover.Case{
		Patient: ketacover.Patient{
			Name:  fmt.Sprintf("Patient %d", i),
			Age:   &age,
			Sex:   []string{"female", "male", "other"}[i%3],
			State: sampleStates[i%len(sampleStates)],
			ZIP:   fmt.Sprintf("%05d", 10000+i%89999),
		},
		Plan: ketacover.Plan{
			Payer:    samplePayers[i%len(samplePayers)],
			Name:     "Choice POS II",
			Type:     samplePlans[i%len(samplePlans)],
			Network:  "in-network",
			Benefit:  "medical",
			MemberID: fmt.Sprintf("W%09d", i),
		},
		Therapy: ketacover.TherapyRequest{
			Drug:       drug,
			Indication: ketacover.IndicationTRD,
			DoseMg:     &dose,
			Sessions:   &sessions,
			Schedule:   "twice weekly for 4 weeks",
			StartDate:  ptr(ketacover.NewDate(2026, 1, 5).AddDays(i % 300)),
			WithOralAD: &yes,
			OralAD:     "venlafaxine",
			Site: ketacover.Site{
				Name:          "Riverside Interventional Psychiatry",
				NPI:           "1234567893",
				REMSCertified: &yes,
				REMSPatient:   &yes,
				Monitoring2h:  &yes,
			},
		},
		History: ketacover.History{
			Diagnoses:   []ketacover.Diagnosis{{Code: "F33.2", Description: "Major depressive disorder, recurrent severe without psychotic features"}},
			ConfirmedBy: "dsm-clinical-interview",
			Trials: []ketacover.Trial{
				{Drug: "sertraline", Class: "ssri", Role: "antidepressant", DoseMg: mg(200), Weeks: wk(10), Outcome: "no-response", Episode: "current"},
				{Drug: "bupropion", Class: "bupropion", Role: "antidepressant", DoseMg: mg(450), Weeks: wk(8), Outcome: "partial-response", Improvement: pct(20), Episode: "current"},
				{Drug: "aripiprazole", Class: "atypical-antipsychotic", Role: "augmentation", DoseMg: mg(10), Weeks: wk(6), Outcome: "intolerance", Augments: "bupropion"},
			},
			Scores: []ketacover.Score{
				{Scale: "PHQ-9", Value: 19 + i%8, Date: ketacover.NewDate(2025, 12, 1).AddDays(i % 30)},
				{Scale: "MADRS", Value: 32, Date: ketacover.NewDate(2025, 12, 2)},
			},
			Contraindication: ketacover.Contraindications{
				AneurysmalVascularDisease: &no, AVM: &no, IntracerebralHemorrhage: &no,
				Psychosis: &no, Bipolar: &no, UncontrolledHypertension: &no,
			},
		},
		Prescriber: ketacover.Prescriber{
			Name: "Dana Okafor", Credentials: "MD", NPI: "1093817465", Specialty: "psychiatry",
		},
	}
	return c
}

// SampleEvents returns n events for caseID as a clinic would record them: a
// benefit check, a prior-auth submission, an approval, then sessions, each a
// few days after the one before. Seq, ID and Recorded are left for the store.
func SampleEvents(caseID string, i, n int) []ketacover.Event {
	day := ketacover.NewDate(2026, 1, 5).AddDays(i % 300)
	var es []ketacover.Event
	for k := range n {
		e := ketacover.Event{CaseID: caseID, Date: day.AddDays(3 * k), Actor: "front-desk", Source: ketacover.SourceCLI}
		switch k {
		case 0:
			e.Kind = ketacover.EventBenefitCheck
			e.Details.Payer = samplePayers[i%len(samplePayers)]
		case 1:
			e.Kind = ketacover.EventPASubmitted
			e.Details.Method = "portal"
			e.Details.Codes = []string{"S0013", "G2082"}
		case 2:
			e.Kind = ketacover.EventPAApproved
			e.Details.Units = 8
			e.Details.Reference = fmt.Sprintf("PA%08d", i)
			e.Details.Start, e.Details.End = ptr(day.AddDays(6)), ptr(day.AddDays(6).AddMonths(3).AddDays(-1))
		default:
			e.Kind = ketacover.EventSession
			e.Details.Units = 1
			e.Note = "tolerated well; BP at 2 h 128/82"
		}
		es = append(es, e)
	}
	return es
}

func ptr[T any](v T) *T { return &v }

// WalkEach is the loop of the engines' timeline-walk benchmarks: it walks
// every timeline b.N times and fails unless each walk visits cases cases
// and events events in all.
func WalkEach(b *testing.B, walk func(context.Context, func(*ketacover.StoredCase, []ketacover.Event) error) error, cases, events int) {
	b.Helper()
	for b.Loop() {
		nc, ne := 0, 0
		err := walk(context.Background(), func(c *ketacover.StoredCase, es []ketacover.Event) error {
			nc++
			ne += len(es)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if nc != cases || ne != events {
			b.Fatalf("walked %d cases and %d events, want %d and %d", nc, ne, cases, events)
		}
	}
}
