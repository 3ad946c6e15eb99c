package deadline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

var d = ketacover.MustDate

// The observed days OPM published for 2022 and 2023
// (https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/#url=Historical-Data, as
// transcribed in gist tillahoffmann/809742bf), and for 2026 (Independence Day on a Saturday,
// observed Friday 2026-07-03).
func TestHolidaysObservedMatchOPM(t *testing.T) {
	tests := []struct {
		year int
		want []string
	}{
		{2022, []string{"2021-12-31", "2022-01-17", "2022-02-21", "2022-05-30", "2022-06-20", "2022-07-04", "2022-09-05", "2022-10-10", "2022-11-11", "2022-11-24", "2022-12-26"}},
		{2023, []string{"2023-01-02", "2023-01-16", "2023-02-20", "2023-05-29", "2023-06-19", "2023-07-04", "2023-09-04", "2023-10-09", "2023-11-10", "2023-11-23", "2023-12-25"}},
		{2026, []string{"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"}},
	}
	for _, tt := range tests {
		hs, err := Holidays(tt.year)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hs {
			got = append(got, h.Observed.String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Holidays(%d) observed (-want +got):\n%s", tt.year, diff)
		}
	}
}

func TestHolidaysHistory(t *testing.T) {
	tests := []struct {
		name string
		day  string
		want string // holiday name, "" for none
	}{
		{"5 USC 6103(a) MLK not before 1986", "1985-01-21", ""},
		{"5 USC 6103(a) MLK first year 1986", "1986-01-20", "Birthday of Martin Luther King, Jr."},
		{"5 USC 6103(a) Juneteenth not before 2021", "2020-06-19", ""},
		{"5 USC 6103(a) Juneteenth 2021 (Saturday)", "2021-06-19", "Juneteenth National Independence Day"},
		{"Veterans Day fourth Monday of October 1975", "1975-10-27", "Veterans Day"},
		{"Veterans Day not Nov 11 in 1975", "1975-11-11", ""},
		{"Veterans Day Nov 11 from 1978", "1978-11-11", "Veterans Day"},
		{"Memorial Day last Monday 2026", "2026-05-25", "Memorial Day"},
		{"Thanksgiving fourth Thursday 2026", "2026-11-26", "Thanksgiving Day"},
		{"Inauguration Day excluded (6103(c))", "2025-01-20", "Birthday of Martin Luther King, Jr."},
		{"Inauguration Day 2021 excluded", "2021-01-20", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok, err := FederalHoliday(d(tt.day), false)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if ok {
				got = h.Name
			}
			if got != tt.want {
				t.Errorf("FederalHoliday(%s) = %q, want %q", tt.day, got, tt.want)
			}
		})
	}
}

func TestFederalHolidayObservedReading(t *testing.T) {
	tests := []struct {
		day      string
		observed bool
		want     bool
	}{
		{"2026-07-03", false, false}, // Friday before a Saturday July 4: not the statutory day
		{"2026-07-03", true, true},
		{"2026-07-04", false, true},
		{"2021-12-31", true, true}, // New Year's Day 2022 (Saturday) observed the year before
		{"2021-12-31", false, false},
		{"2023-01-02", true, true}, // New Year's Day 2023 (Sunday) observed Monday
	}
	for _, tt := range tests {
		_, got, err := FederalHoliday(d(tt.day), tt.observed)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("FederalHoliday(%s, observed=%v) = %v, want %v", tt.day, tt.observed, got, tt.want)
		}
	}
}

func TestBusinessDay(t *testing.T) {
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-03-02", true},  // Monday
		{"2026-03-01", false}, // Sunday
		{"2026-02-28", false}, // Saturday
		{"2026-12-25", false}, // Christmas, Friday
		{"2026-11-26", false}, // Thanksgiving
		{"2026-11-27", true},  // the Friday after is not a federal holiday
	}
	for _, tt := range tests {
		got, err := BusinessDay(d(tt.day), false)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("BusinessDay(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
}

func TestHolidaysYearRange(t *testing.T) {
	for _, y := range []int{MinYear - 1, MaxYear + 1} {
		if _, err := Holidays(y); ketacover.ErrorCode(err) != ketacover.EINVALID {
			t.Errorf("Holidays(%d) error = %v, want EINVALID", y, err)
		}
	}
	for y := MinYear; y <= 2100; y++ {
		hs, err := Holidays(y)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(hs); i++ {
			if !hs[i-1].Date.Before(hs[i].Date) {
				t.Fatalf("Holidays(%d) out of order: %v then %v", y, hs[i-1], hs[i])
			}
		}
		for _, h := range hs {
			if wd := h.Observed.Weekday(); wd == 0 || wd == 6 {
				t.Fatalf("Holidays(%d): %s observed on a weekend %s", y, h.Name, h.Observed)
			}
		}
	}
}
