package ketacover

import (
	"fmt"
	"testing"
	"time"
)

// TestDateString checks the hand-written formatting against Sprintf, the
// form it replaced, for every day of four centuries and for out-of-range
// fields (which fall back to Sprintf).
func TestDateString(t *testing.T) {
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2300; d = d.AddDate(0, 0, 1) {
		got := DateOf(d).String()
		if want := d.Format(DateLayout); got != want {
			t.Fatalf("%v: String() = %q, want %q", d, got, want)
		}
	}
	for _, d := range []Date{{0, 1, 1}, {9999, 12, 31}, {10000, 1, 1}, {-1, 1, 1}, {2026, 13, 40}, {2026, 100, 1}, {2026, 1, 100}, {2026, -1, 5}} {
		if got, want := d.String(), fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day); got != want {
			t.Errorf("%#v: String() = %q, want %q", d, got, want)
		}
	}
	if got := (Date{}).String(); got != "" {
		t.Errorf("zero Date: String() = %q, want empty", got)
	}
}
