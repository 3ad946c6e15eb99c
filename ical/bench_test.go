package ical

import (
	"fmt"
	"testing"
	"time"

	"github.com/ketacover/ketacover"
)

// BenchmarkMarshal10k renders a calendar of 10,000 all-day deadline events, each with two
// alarms and a folded description: `ketacover deadlines --ics` over 10,000 open cases.
func BenchmarkMarshal10k(b *testing.B) {
	c := Calendar{ProdID: "-//ketacover//deadlines//EN", Name: "ketacover deadlines"}
	for i := range 10000 {
		c.Events = append(c.Events, Event{
			UID:         fmt.Sprintf("case-%d.group.appeal.filing@ketacover", i),
			Stamp:       stamp,
			Summary:     fmt.Sprintf("File internal appeal (case %d)", i),
			Description: "180 calendar days from receipt of the notice 2026-03-02 (29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)(2)(i), (b)(3)(i)). Not legal advice.",
			Date:        ketacover.MustDate("2026-08-29").AddDays(i % 365),
			Transparent: true,
			Alarms:      []Alarm{{Before: 7 * 24 * time.Hour}, {Before: 15 * time.Hour}},
		})
	}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		out, err := Marshal(c)
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.SetBytes(int64(n))
}
