package cost

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

// The published HHS tables for 1–8 persons, written out as HHS prints them,
// and sizes 9 and 10 from the published per-person increment for each
// person over 8 (2026: ASPE tables in the reference §2.1; 2025: the 90 FR
// 5917 table, 48 states $15,650 + $5,500, Alaska $19,550 + $6,880, Hawaii
// $17,990 + $6,330).
var publishedGuidelines = map[int]map[Region][10]int64{
	2025: {
		Region48:     {15650, 21150, 26650, 32150, 37650, 43150, 48650, 54150, 54150 + 5500, 54150 + 2*5500},
		RegionAlaska: {19550, 26430, 33310, 40190, 47070, 53950, 60830, 67710, 67710 + 6880, 67710 + 2*6880},
		RegionHawaii: {17990, 24320, 30650, 36980, 43310, 49640, 55970, 62300, 62300 + 6330, 62300 + 2*6330},
	},
	2026: {
		Region48:     {15960, 21640, 27320, 33000, 38680, 44360, 50040, 55720, 55720 + 5680, 55720 + 2*5680},
		RegionAlaska: {19950, 27050, 34150, 41250, 48350, 55450, 62550, 69650, 69650 + 7100, 69650 + 2*7100},
		RegionHawaii: {18360, 24890, 31420, 37950, 44480, 51010, 57540, 64070, 64070 + 6530, 64070 + 2*6530},
	},
}

func TestPovertyGuidelines(t *testing.T) {
	for year, regions := range publishedGuidelines {
		for region, table := range regions {
			for i, dollars := range table {
				size := i + 1
				t.Run(fmt.Sprintf("%d/%s/%d", year, region, size), func(t *testing.T) {
					got, err := PovertyGuideline(year, region, size)
					if err != nil {
						t.Fatal(err)
					}
					if got != ketacover.Dollars(dollars) {
						t.Errorf("%d %s, %d persons: got %s, want %s", year, region, size, got, ketacover.Dollars(dollars))
					}
				})
			}
		}
	}
}

func TestPovertyGuidelineErrors(t *testing.T) {
	if _, err := PovertyGuideline(2024, Region48, 1); ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
		t.Errorf("2024: err = %v, want not found", err)
	}
	if _, err := PovertyGuideline(2026, Region48, 0); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("size 0: err = %v, want invalid", err)
	}
	if _, err := PovertyGuideline(2026, "guam", 1); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("region guam: err = %v, want invalid", err)
	}
}

func TestRegionOf(t *testing.T) {
	tests := map[string]Region{"AK": RegionAlaska, "hi": RegionHawaii, "NY": Region48, "DC": Region48, "WY": Region48}
	for s, want := range tests {
		if got, err := RegionOf(s); err != nil || got != want {
			t.Errorf("RegionOf(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	for _, s := range []string{"PR", "GU", "", "XX"} {
		if _, err := RegionOf(s); err == nil {
			t.Errorf("RegionOf(%q): want an error", s)
		}
	}
	if len(states48DC) != 49 { // 48 contiguous states + DC
		t.Errorf("%d entries in the 48-states-and-DC list, want 49", len(states48DC))
	}
}

func TestGuidelinesOn(t *testing.T) {
	tests := []struct {
		date string
		year int
	}{
		{"2025-01-15", 2025}, {"2026-01-12", 2025}, {"2026-01-13", 2026}, {"2026-11-27", 2026},
	}
	for _, tc := range tests {
		g, err := GuidelinesOn(ketacover.MustDate(tc.date))
		if err != nil || g.Year != tc.year {
			t.Errorf("GuidelinesOn(%s) = %d, %v; want %d", tc.date, g.Year, err, tc.year)
		}
	}
	if _, err := GuidelinesOn(ketacover.MustDate("2025-01-14")); err == nil {
		t.Error("GuidelinesOn(2025-01-14): want not found, no older table is on file")
	}
}

func TestStanding(t *testing.T) {
	s, err := Standing(ketacover.Household{Size: 2, State: "NY", AnnualIncome: ketacover.Dollars(40000)}, 2026)
	if err != nil {
		t.Fatal(err)
	}
	// 40,000 / 21,640 = 1.84842…, rounded down to 184.84%.
	if s.Guideline != ketacover.Dollars(21640) || s.PercentFPL != 18484 {
		t.Errorf("standing = %s", s)
	}
	var within []string
	for _, b := range s.Bands {
		if b.Within {
			within = append(within, b.Percent.String())
		}
	}
	if diff := cmp.Diff([]string{"200%", "250%", "300%", "400%"}, within); diff != "" {
		t.Errorf("bands within (-want +got):\n%s", diff)
	}
	if want := "$40,000.00 is 184.84% of the 2026 poverty guideline for 2 persons in the 48 states and DC ($21,640.00)"; s.String() != want {
		t.Errorf("String() = %q\nwant %q", s.String(), want)
	}
	// Exactly at a limit counts as within it.
	s, err = Standing(ketacover.Household{Size: 1, State: "AK", AnnualIncome: ketacover.Dollars(19950) * 2}, 2026)
	if err != nil || s.PercentFPL != ketacover.Percent(200) || !s.Bands[3].Within {
		t.Errorf("Alaska at 200%%: %s, %v", s, err)
	}
}

func TestStandingErrors(t *testing.T) {
	tests := []struct {
		h    ketacover.Household
		want string
	}{
		{ketacover.Household{Size: 0, State: "NY"}, "household.size"},
		{ketacover.Household{Size: 2, State: "PR"}, "household.state: state \"PR\": the HHS poverty guidelines cover the 50 states and DC only"},
		{ketacover.Household{Size: 2}, "household.state"},
		{ketacover.Household{Size: 2, State: "NY", AnnualIncome: -1}, "household.annual_income"},
		{ketacover.Household{Size: 2, State: "NY", HSABalance: -1}, "household.hsa_balance"},
	}
	for _, tc := range tests {
		_, err := Standing(tc.h, 2026)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || ketacover.ErrorCode(err) != ketacover.EINVALID {
			t.Errorf("Standing(%+v) = %v, want an invalid error starting %s", tc.h, err, tc.want)
		}
	}
}
