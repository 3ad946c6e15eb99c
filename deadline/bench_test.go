package deadline

import (
	"testing"
	"time"

	"github.com/ketacover/ketacover"
)

// BenchmarkComputeAll computes every embedded rule once per iteration (90 rules, a mix of
// calendar, business-day, month and hour clocks); ns/op divided by the rule count is the cost
// of one deadline.
func BenchmarkComputeAll(b *testing.B) {
	rules := mustBook(b).Rules()
	a := Anchor{Date: d("2026-03-02"), At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), NoticeDate: d("2026-03-02")}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rules {
			if _, err := Compute(r, a); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rules)), "ns/deadline")
}

// BenchmarkOpenDeadlines10k is the deadline side of `ketacover deadlines` over 10,000 open
// cases: look up the appeal window of each case's plan and compute it from its notice date.
func BenchmarkOpenDeadlines10k(b *testing.B) {
	book := mustBook(b)
	plans := []ketacover.PlanType{ketacover.PlanERISASelfFunded, ketacover.PlanMedicareAdvantage, ketacover.PlanMedicaidManaged, ketacover.PlanMedicareFFS, ketacover.PlanIndividual}
	steps := []Step{StepAppealFiling, StepHearingFiling, StepAppealFiling, StepAppeal2Filing, StepExternalFiling}
	type c struct {
		q Query
		a Anchor
	}
	cases := make([]c, 10000)
	for i := range cases {
		cases[i] = c{Query{Plan: plans[i%5], Step: steps[i%5]}, Anchor{NoticeDate: d("2026-01-01").AddDays(i % 300)}}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, cs := range cases {
			m, err := book.Lookup(cs.q)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range m.Rules {
				if _, err := Compute(r, cs.a); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

func BenchmarkHolidays(b *testing.B) {
	for b.Loop() {
		if _, err := Holidays(2026); err != nil {
			b.Fatal(err)
		}
	}
}
