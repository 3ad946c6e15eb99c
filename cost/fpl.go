package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ketacover/ketacover"
)

// Region is a table of the HHS poverty guidelines: one for the 48
// contiguous states and the District of Columbia, one for Alaska, one for
// Hawaii.
type Region string

// The regions of the HHS poverty guidelines.
const (
	Region48     Region = "48-states-dc"
	RegionAlaska Region = "alaska"
	RegionHawaii Region = "hawaii"
)

// RegionOf returns the poverty-guideline region of a US state or DC by its
// two-letter postal code. The guidelines are not defined for Puerto Rico and
// the territories, so those are an EINVALID error: a programme there sets its
// own rule.
func RegionOf(state string) (Region, error) {
	s := strings.ToUpper(strings.TrimSpace(state))
	switch s {
	case "AK":
		return RegionAlaska, nil
	case "HI":
		return RegionHawaii, nil
	}
	if _, ok := states48DC[s]; ok {
		return Region48, nil
	}
	return "", ketacover.Errorf(ketacover.EINVALID, "state %q: the HHS poverty guidelines cover the 50 states and DC only; want a two-letter state code", state)
}

var states48DC = map[string]struct{}{}

func init() {
	for _, s := range strings.Fields("AL AZ AR CA CO CT DE DC FL GA ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY") {
		states48DC[s] = struct{}{}
	}
}

// Guidelines is one year's HHS poverty guidelines. The published tables are
// exactly Base + (n−1)×Increment for household size n (HHS lists 1–8 persons
// and says to add the increment for each person beyond 8).
type Guidelines struct {
	Year      int                        `json:"year"`
	Effective ketacover.Date             `json:"effective"`
	Base      map[Region]ketacover.Cents `json:"base"`      // one person
	Increment map[Region]ketacover.Cents `json:"increment"` // each additional person
	Source    string                     `json:"source"`
	Notes     map[Region]string          `json:"notes,omitempty"`
}

// PovertyGuidelines are the HHS poverty guidelines on file, oldest first.
var PovertyGuidelines = []Guidelines{
	{
		Year:      2025,
		Effective: ketacover.MustDate("2025-01-15"),
		Base:      map[Region]ketacover.Cents{Region48: ketacover.Dollars(15650), RegionAlaska: ketacover.Dollars(19550), RegionHawaii: ketacover.Dollars(17990)},
		Increment: map[Region]ketacover.Cents{Region48: ketacover.Dollars(5500), RegionAlaska: ketacover.Dollars(6880), RegionHawaii: ketacover.Dollars(6330)},
		Source:    "HHS, Annual Update of the HHS Poverty Guidelines, 90 FR 5917 (2025-01-17, FR Doc. 2025-01377); ASPE https://aspe.hhs.gov/topics/poverty-economic-mobility/poverty-guidelines",
		Notes: map[Region]string{
			RegionAlaska: "2025 Alaska increment as quoted by a federal TRIO income table (secondary)",
			RegionHawaii: "2025 Hawaii increment as quoted by a federal TRIO income table and LegalClarity (2 persons $24,320) (secondary)",
		},
	},
	{
		Year:      2026,
		Effective: ketacover.MustDate("2026-01-13"),
		Base:      map[Region]ketacover.Cents{Region48: ketacover.Dollars(15960), RegionAlaska: ketacover.Dollars(19950), RegionHawaii: ketacover.Dollars(18360)},
		Increment: map[Region]ketacover.Cents{Region48: ketacover.Dollars(5680), RegionAlaska: ketacover.Dollars(7100), RegionHawaii: ketacover.Dollars(6530)},
		Source:    "HHS, Annual Update of the HHS Poverty Guidelines, 91 FR 1797 (2026-01-15, FR Doc. 2026-00755); ASPE https://aspe.hhs.gov/topics/poverty-economic-mobility/poverty-guidelines (2026 tables)",
	},
}

// PovertyGuideline returns the guideline for a household of size persons in
// region for guideline year year.
func PovertyGuideline(year int, region Region, size int) (ketacover.Cents, error) {
	g, err := guidelinesOf(year)
	if err != nil {
		return 0, err
	}
	return g.For(region, size)
}

// For returns the guideline for a household of size persons in region.
func (g Guidelines) For(region Region, size int) (ketacover.Cents, error) {
	base, ok := g.Base[region]
	if !ok {
		return 0, ketacover.Errorf(ketacover.EINVALID, "poverty guidelines: unknown region %q (want %s, %s or %s)", region, Region48, RegionAlaska, RegionHawaii)
	}
	if size < 1 {
		return 0, ketacover.Errorf(ketacover.EINVALID, "household size %d: want 1 or more persons", size)
	}
	return base + ketacover.Cents(size-1)*g.Increment[region], nil
}

func guidelinesOf(year int) (Guidelines, error) {
	for _, g := range PovertyGuidelines {
		if g.Year == year {
			return g, nil
		}
	}
	return Guidelines{}, ketacover.Errorf(ketacover.ENOTFOUND, "no HHS poverty guidelines on file for %d (have %s)", year, yearsOf(len(PovertyGuidelines), func(i int) int { return PovertyGuidelines[i].Year }))
}

// GuidelinesOn returns the guidelines in effect on day d: each year's take
// effect on the date HHS set (mid-January), so early January still uses the
// year before.
func GuidelinesOn(d ketacover.Date) (Guidelines, error) {
	i := sort.Search(len(PovertyGuidelines), func(i int) bool { return PovertyGuidelines[i].Effective.After(d) })
	if i == 0 {
		return Guidelines{}, ketacover.Errorf(ketacover.ENOTFOUND, "no HHS poverty guidelines on file in effect on %s", d)
	}
	return PovertyGuidelines[i-1], nil
}

// FPLStanding is where a household's income sits against the poverty
// guidelines.
type FPLStanding struct {
	Year       int             `json:"year"`
	Region     Region          `json:"region"`
	Size       int             `json:"size"`
	Income     ketacover.Cents `json:"income"`
	Guideline  ketacover.Cents `json:"guideline"`   // 100% of the guideline
	PercentFPL ketacover.Rate  `json:"percent_fpl"` // income as a percentage of the guideline, rounded down to 0.01%
	Source     string          `json:"source"`
	// Bands says, for the common programme cut-offs, the income limit and
	// whether the household is at or under it. Each programme picks its own
	// multiples (100%, 125%, 150%, 200%, …); these are for orientation.
	Bands []FPLBand `json:"bands"`
}

// FPLBand is one multiple of the guideline.
type FPLBand struct {
	Percent ketacover.Rate  `json:"percent"`
	Limit   ketacover.Cents `json:"limit"`
	Within  bool            `json:"within"`
}

// CommonFPLBands are cut-offs sliding-fee programmes often use
// (shared/reference/cost-and-payment.md §2.1); a programme's own bands win.
var CommonFPLBands = []ketacover.Rate{ketacover.Percent(100), ketacover.Percent(125), ketacover.Percent(150), ketacover.Percent(200), ketacover.Percent(250), ketacover.Percent(300), ketacover.Percent(400)}

// Standing computes h's income as a percentage of the poverty guideline of
// year in the region of h.State, which must be set (see GuidelinesOn for which year a programme date falls in).
func Standing(h ketacover.Household, year int) (FPLStanding, error) {
	if err := h.Validate(); err != nil {
		return FPLStanding{}, err
	}
	g, err := guidelinesOf(year)
	if err != nil {
		return FPLStanding{}, err
	}
	region, err := RegionOf(h.State)
	if err != nil {
		return FPLStanding{}, ketacover.Errorf(ketacover.EINVALID, "household.state: %s", ketacover.ErrorMessage(err))
	}
	gl, err := g.For(region, h.Size)
	if err != nil {
		return FPLStanding{}, err
	}
	s := FPLStanding{
		Year: year, Region: region, Size: h.Size, Income: h.AnnualIncome, Guideline: gl,
		// Rounded down so a household never looks eligible by rounding.
		PercentFPL: ketacover.Rate(int64(h.AnnualIncome) * 10000 / int64(gl)),
		Source:     g.Source,
	}
	for _, p := range CommonFPLBands {
		limit := p.Of(gl)
		s.Bands = append(s.Bands, FPLBand{Percent: p, Limit: limit, Within: h.AnnualIncome <= limit})
	}
	return s, nil
}

// String gives a one-line summary, e.g. "$40,000.00 is 184.84% of the 2026
// poverty guideline for 2 persons in the 48 states and DC ($21,640.00)".
func (s FPLStanding) String() string {
	where := map[Region]string{Region48: "the 48 states and DC", RegionAlaska: "Alaska", RegionHawaii: "Hawaii"}[s.Region]
	persons := "persons"
	if s.Size == 1 {
		persons = "person"
	}
	return fmt.Sprintf("%s is %s of the %d poverty guideline for %d %s in %s (%s)", s.Income, s.PercentFPL, s.Year, s.Size, persons, where, s.Guideline)
}
