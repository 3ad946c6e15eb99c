package policy_test

import (
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

// BenchmarkLoadLibrary loads and compiles the whole bundled library.
func BenchmarkLoadLibrary(b *testing.B) {
	for b.Loop() {
		if _, err := policy.Load(policies.FS); err != nil {
			b.Fatal(err)
		}
	}
}

// benchCase is a realistic esketamine case: four trials, scores, the usual
// contraindications recorded.
const benchCase = `
patient: {birth_date: 1979-03-14, sex: female, state: TX}
plan: {payer: Texas Medicaid, type: medicaid-managed}
therapy:
  drug: esketamine
  indication: trd
  dose_mg: 84
  with_oral_antidepressant: true
  site: {rems_certified: true, rems_patient_enrolled: true, monitoring_2h: true}
history:
  diagnoses: [{code: F33.2}]
  diagnosis_confirmed_by: scid
  episode: {recurrent: true, duration_months: 14, psychotic_features: false}
  trials:
    - {drug: sertraline, dose_mg: 200, dose_adequate: true, weeks: 10, outcome: no-response, episode: current, adherence_pct: 95}
    - {drug: venlafaxine, dose_mg: 225, dose_adequate: true, weeks: 8, outcome: partial-response, improvement_pct: 20, episode: current}
    - {drug: bupropion, dose_mg: 450, dose_adequate: true, weeks: 6, outcome: no-response, episode: current}
    - {drug: aripiprazole, dose_mg: 5, weeks: 8, outcome: no-response, episode: current, augments: venlafaxine}
  psychotherapy: [{type: CBT, weeks: 16, episode: current, outcome: partial-response}]
  scores:
    - {scale: PHQ-9, value: 22, date: 2026-10-30}
    - {scale: MADRS, value: 34, date: 2026-10-30}
  contraindications:
    aneurysmal_vascular_disease: false
    arteriovenous_malformation: false
    intracerebral_hemorrhage: false
    hypersensitivity: false
    psychosis: false
    psychosis_history: false
    bipolar: false
    pregnant: false
    substance_use: {disorder: false}
  suicidality: {ideation: false}
prescriber: {specialty: psychiatry, pdmp_checked: true}
`

// BenchmarkCheck judges one case against every policy that governs it,
// facts included (what "ketacover check" does per case).
func BenchmarkCheck(b *testing.B) {
	lib, err := policy.Load(policies.FS)
	if err != nil {
		b.Fatal(err)
	}
	c, err := casefile.Parse("bench.yaml", []byte(benchCase))
	if err != nil {
		b.Fatal(err)
	}
	asOf := ketacover.MustDate("2026-11-27")
	b.ReportAllocs()
	for b.Loop() {
		f, err := policy.NewFacts(c, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if ds := lib.Check(f, ""); len(ds) == 0 {
			b.Fatal("no determination")
		}
	}
}

// BenchmarkCheckEveryPayer judges the same case against every payer in the
// library in turn (the policy browser's comparison view).
func BenchmarkCheckEveryPayer(b *testing.B) {
	lib, err := policy.Load(policies.FS)
	if err != nil {
		b.Fatal(err)
	}
	c, err := casefile.Parse("bench.yaml", []byte(benchCase))
	if err != nil {
		b.Fatal(err)
	}
	var payers []string
	for _, p := range lib.Policies() {
		if !p.Reference {
			payers = append(payers, p.Payer)
		}
	}
	f, err := policy.NewFacts(c, ketacover.MustDate("2026-11-27"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range payers {
			lib.Check(f, p)
		}
	}
}

// BenchmarkNewFacts builds the facts of one case: the part of a check
// that does not depend on the policies.
func BenchmarkNewFacts(b *testing.B) {
	c, err := casefile.Parse("bench.yaml", []byte(benchCase))
	if err != nil {
		b.Fatal(err)
	}
	asOf := ketacover.MustDate("2026-11-27")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.NewFacts(c, asOf); err != nil {
			b.Fatal(err)
		}
	}
}
