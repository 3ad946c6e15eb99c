package deadline_test

import (
	"fmt"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
)

// An employer plan denied an esketamine prior authorization with a notice dated 2026-03-02;
// the date the patient received it is unknown.
func Example() {
	book, err := deadline.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	dues, _, err := book.Deadlines(
		deadline.Query{Plan: ketacover.PlanERISASelfFunded, Step: deadline.StepAppealFiling},
		deadline.Anchor{NoticeDate: ketacover.MustDate("2026-03-02")},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range dues {
		fmt.Println(d.Date, d.Flags)
		fmt.Println(d.Explanation)
	}
	// Output:
	// 2026-08-29 [receipt-unknown minimum]
	// 180 calendar days from receipt of the notice, taken as the notice date 2026-03-02 because receipt is unknown and cannot be earlier (29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)(2)(i), (b)(3)(i))
}

// A Medicare Advantage plan received a Spravato (G2082) prior-authorization request at 14:00 on
// 2026-03-02. Whether it is a Part B drug request is unresolved, so both clocks come back.
func Example_esketamineMedicareAdvantage() {
	book, _ := deadline.Default()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	dues, m, err := book.Deadlines(
		deadline.Query{Plan: ketacover.PlanMedicareAdvantage, Step: deadline.StepPADecision, Track: deadline.TrackStandard,
			Therapy: ketacover.TherapyEsketamine, On: ketacover.DateOf(at)},
		deadline.Anchor{At: at},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ambiguous:", m.Ambiguous)
	for _, d := range dues {
		fmt.Println(d.RuleID, d.Date, d.Citation)
	}
	// Output:
	// ambiguous: true
	// ma.pa.standard.service 2026-03-09 42 CFR 422.568(b)(1)(ii), 422.122 (CMS-0057-F, 89 FR 8758)
	// ma.od.standard.service.not-pa 2026-03-16 42 CFR 422.568(b)(1)(i)
	// ma.pa.standard.part-b-drug 2026-03-05 42 CFR 422.568(b)(3)
}
