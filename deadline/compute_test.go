package deadline

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

func mustBook(tb testing.TB) *Book {
	tb.Helper()
	b, err := Default()
	if err != nil {
		tb.Fatalf("embedded rules: %v", err)
	}
	return b
}

func mustRule(tb testing.TB, id string) Rule {
	tb.Helper()
	r, err := mustBook(tb).Rule(id)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func alsoDates(d Due) []string {
	var out []string
	for _, a := range d.Also {
		out = append(out, a.Date.String())
	}
	return out
}

// The four-month external review window of 45 CFR 147.136(d)(2)(i): the regulation's own
// example (October 30 -> March 1), month ends, leap days and the roll-forward.
func TestComputeFederalExternalMonths(t *testing.T) {
	r := mustRule(t, "federal.external.filing")
	tests := []struct {
		name     string
		received string
		want     string
		flags    []Flag
		also     []string
	}{
		{"147.136(d)(2)(i) example Oct 30 -> Mar 1 (2025: a Sunday, so Mon Mar 2)", "2025-10-30", "2026-03-02", []Flag{FlagMonthOverflow, FlagRolledForward, FlagOpen}, nil},
		{"147.136(d)(2)(i) Oct 30 -> Mar 1 in a year it is a weekday", "2026-10-30", "2027-03-01", []Flag{FlagMonthOverflow, FlagOpen}, nil},
		{"147.136(d)(2)(i) month end Oct 31 -> Mar 1, not AddDate's Mar 3", "2026-10-31", "2027-03-01", []Flag{FlagMonthOverflow, FlagOpen}, nil},
		{"147.136(d)(2)(i) leap year Oct 29 -> Feb 29", "2023-10-29", "2024-02-29", []Flag{FlagOpen}, nil},
		{"147.136(d)(2)(i) non-leap year Oct 29 -> Mar 1", "2024-10-29", "2025-03-03", []Flag{FlagMonthOverflow, FlagRolledForward, FlagOpen}, nil},
		{"147.136(d)(2)(i) Feb 29 anchor -> Jun 29 (Saturday -> Mon Jul 1)", "2024-02-29", "2024-07-01", []Flag{FlagRolledForward, FlagOpen}, nil},
		{"147.136(d)(2)(i) lands on Christmas (Thursday) -> Fri Dec 26", "2025-08-25", "2025-12-26", []Flag{FlagRolledForward, FlagOpen}, nil},
		{"147.136(d)(2)(i) lands on Saturday July 4 2026 -> Mon Jul 6", "2026-03-04", "2026-07-06", []Flag{FlagRolledForward, FlagOpen}, nil},
		{"147.136(d)(2)(i) lands on the observed Friday Jul 3 2026: statutory reading keeps it, observed reading gives Mon Jul 6", "2026-03-03", "2026-07-03", []Flag{FlagOpen}, []string{"2026-07-06"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(r, Anchor{Date: d(tt.received)})
			if err != nil {
				t.Fatal(err)
			}
			if got.Date.String() != tt.want {
				t.Errorf("due %s, want %s\n%s", got.Date, tt.want, got.Explanation)
			}
			if diff := cmp.Diff(tt.flags, got.Flags); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.also, alsoDates(got)); diff != "" {
				t.Errorf("alternatives (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeExplanation(t *testing.T) {
	tests := []struct {
		name string
		id   string
		a    Anchor
		want string
	}{
		{
			"29 CFR 2560.503-1(h)(3)(i) receipt known", "group.appeal.filing",
			Anchor{Date: d("2026-03-02")},
			"180 calendar days from receipt of the notice 2026-03-02 (29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)(2)(i), (b)(3)(i))",
		},
		{
			"29 CFR 2560.503-1(h)(3)(i) receipt unknown", "group.appeal.filing",
			Anchor{NoticeDate: d("2026-03-02")},
			"180 calendar days from receipt of the notice, taken as the notice date 2026-03-02 because receipt is unknown and cannot be earlier (29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)(2)(i), (b)(3)(i))",
		},
		{
			"45 CFR 147.136(d)(2)(i) overflow and roll-forward", "federal.external.filing",
			Anchor{Date: d("2025-10-31")},
			"4 months from receipt of the notice 2025-10-31; 2026-02-31 does not exist, so the last day is the first day of the next month, 2026-03-01; 2026-03-01 is a Sunday, so the last day rolls forward to Monday 2026-03-02 (45 CFR 147.136(d)(2)(i); 29 CFR 2590.715-2719(d)(2)(i))",
		},
		{
			"42 CFR 405.942(a) presumed receipt", "medicare.redetermination.filing",
			Anchor{NoticeDate: d("2026-03-02")},
			"120 calendar days from receipt of the notice, presumed 5 days after the notice date 2026-03-02, so from 2026-03-07 (42 CFR 405.942(a))",
		},
		{
			"42 CFR 431.221(d) mailing date unknown: the notice date is used", "medicaid-ffs.hearing.filing",
			Anchor{NoticeDate: d("2026-03-02")},
			"90 calendar days from the date the notice was mailed, taken as the notice date 2026-03-02 because the sending date is unknown (42 CFR 431.221(d))",
		},
		{
			"42 CFR 438.402(c)(2)(ii) notice date given as NoticeDate", "medicaid-managed.appeal.filing",
			Anchor{NoticeDate: d("2026-03-02")},
			"60 calendar days from the date on the notice 2026-03-02 (42 CFR 438.402(c)(2)(ii))",
		},
		{
			"42 CFR 422.568(b)(3) hours", "ma.pa.standard.part-b-drug",
			Anchor{At: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)},
			"72 hours from receipt of the request 2026-03-02 14:00 UTC, so by 2026-03-05 14:00 UTC (42 CFR 422.568(b)(3))",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(mustRule(t, tt.id), tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if got.Explanation != tt.want {
				t.Errorf("explanation\n got: %s\nwant: %s", got.Explanation, tt.want)
			}
		})
	}
}

// Receipt presumptions: Medicare A/B and Medicare Advantage count from receipt presumed 5 days
// after the notice date unless shown otherwise (42 CFR 405.942(a)(1), 422.582(b)).
func TestComputePresumedReceipt(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		a      Anchor
		want   string
		also   []string
		flags  []Flag
		reason string
	}{
		{"42 CFR 405.942(a)(1) notice only", "medicare.redetermination.filing", Anchor{NoticeDate: d("2026-03-02")}, "2026-07-05", nil, []Flag{FlagPresumedReceipt}, ""},
		{"42 CFR 422.582(b) 65 days from the notice date", "ma.reconsideration.filing", Anchor{NoticeDate: d("2026-01-30")}, "2026-04-05", nil, []Flag{FlagPresumedReceipt, FlagOpen, FlagSecondary}, ""},
		{"42 CFR 422.582(b) documented later receipt: earlier date shown", "ma.reconsideration.filing", Anchor{NoticeDate: d("2026-01-30"), Date: d("2026-02-10")}, "2026-04-05", []string{"2026-04-11"}, []Flag{FlagPresumedReceipt, FlagOpen, FlagSecondary}, "documented receipt"},
		{"42 CFR 422.582(b) documented earlier receipt rebuts the presumption", "ma.reconsideration.filing", Anchor{NoticeDate: d("2026-01-30"), Date: d("2026-01-31")}, "2026-04-01", []string{"2026-04-05"}, []Flag{FlagPresumedReceipt, FlagOpen, FlagSecondary}, "presumed receipt"},
		{"42 CFR 405.942(a) receipt only", "medicare.redetermination.filing", Anchor{Date: d("2026-03-10")}, "2026-07-08", nil, nil, ""},
		{"TRICARE expedited: 3 days from receipt presumed 5 days after mailing", "tricare.reconsideration.filing.expedited", Anchor{NoticeDate: d("2026-03-02")}, "2026-03-10", nil, []Flag{FlagPresumedReceipt, FlagSecondary}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(mustRule(t, tt.id), tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if got.Date.String() != tt.want {
				t.Errorf("due %s, want %s (%s)", got.Date, tt.want, got.Explanation)
			}
			if diff := cmp.Diff(tt.also, alsoDates(got)); diff != "" {
				t.Errorf("alternatives (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.flags, got.Flags); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
			if tt.reason != "" && !strings.Contains(got.Also[0].Why, tt.reason) {
				t.Errorf("alternative reason %q lacks %q", got.Also[0].Why, tt.reason)
			}
		})
	}
}

// Business days skip weekends and federal holidays (45 CFR 147.136(d)(2)(ii)-(iii); 42 CFR
// 431.244(f)(2) "working days").
func TestComputeBusinessDays(t *testing.T) {
	tests := []struct {
		name string
		id   string
		from string
		want string
		also []string
	}{
		{"147.136(d)(2)(ii)(A) 5 business days over the observed July 3 2026", "federal.external.preliminary", "2026-07-01", "2026-07-08", []string{"2026-07-09"}},
		{"147.136(d)(2)(iii)(B)(2) 10 business days over Thanksgiving", "federal.external.claimant-info", "2026-11-20", "2026-12-07", nil},
		{"431.244(f)(2) 3 working days over Christmas", "medicaid-managed.hearing.decision.expedited", "2026-12-24", "2026-12-30", nil},
		{"147.136(d)(2)(ii)(B) 1 business day from a Friday", "federal.external.preliminary-notice", "2026-03-06", "2026-03-09", nil},
		{"147.136(d)(2)(ii)(B) 1 business day from a Saturday", "federal.external.preliminary-notice", "2026-03-07", "2026-03-09", nil},
		{"147.136(d)(2)(iii)(B)(3) 5 business days over New Year (observed Fri 2021-12-31)", "federal.external.plan-documents", "2021-12-28", "2022-01-04", []string{"2022-01-05"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(mustRule(t, tt.id), Anchor{Date: d(tt.from)})
			if err != nil {
				t.Fatal(err)
			}
			if got.Date.String() != tt.want {
				t.Errorf("due %s, want %s", got.Date, tt.want)
			}
			if diff := cmp.Diff(tt.also, alsoDates(got)); diff != "" {
				t.Errorf("alternatives (-want +got):\n%s", diff)
			}
		})
	}
}

// State month counts whose missing-day handling is unknown show the earlier day and report the
// later one (regulations-and-appeals.md §1.3).
func TestComputeStateMonths(t *testing.T) {
	tests := []struct {
		name string
		id   string
		from string
		want string
		also []string
	}{
		{"Cal. HSC 1374.30 6 months from Aug 31 -> Feb 28", "ca.imr.filing", "2026-08-31", "2027-02-28", []string{"2027-03-01"}},
		{"Cal. HSC 1374.30 6 months from Aug 31 in a leap year -> Feb 29", "ca.imr.filing", "2027-08-31", "2028-02-29", []string{"2028-03-01"}},
		{"Cal. HSC 1374.30 6 months from Feb 29", "ca.imr.filing", "2028-02-29", "2028-08-29", nil},
		{"N.Y. Ins. Law 4914(b)(1) 4 months from Oct 31 -> Feb 28 (a Sunday: no roll-forward stated)", "ny.external.filing", "2026-10-31", "2027-02-28", []string{"2027-03-01"}},
		{"NAIC model 4 months from Jun 30 -> Oct 30", "naic.external.filing", "2026-06-30", "2026-10-30", nil},
		{"Kan. Admin. Regs. 129-8-11(a)(1) 120 + 3 days rolls from Sunday", "ks.medicaid-managed.hearing.filing", "2026-02-04", "2026-06-08", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(mustRule(t, tt.id), Anchor{Date: d(tt.from)})
			if err != nil {
				t.Fatal(err)
			}
			if got.Date.String() != tt.want {
				t.Errorf("due %s, want %s (%s)", got.Date, tt.want, got.Explanation)
			}
			if diff := cmp.Diff(tt.also, alsoDates(got)); diff != "" {
				t.Errorf("alternatives (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeHours(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	tests := []struct {
		name  string
		id    string
		a     Anchor
		want  time.Time
		flags []Flag
	}{
		{"29 CFR 2560.503-1(f)(2)(i) 72 hours across the DST change are elapsed hours", "group.pa.expedited",
			Anchor{At: time.Date(2026, 3, 6, 15, 30, 0, 0, ny)}, time.Date(2026, 3, 9, 16, 30, 0, 0, ny), nil},
		{"42 CFR 422.572(a)(2) 24 hours", "ma.pa.expedited.part-b-drug",
			Anchor{At: time.Date(2026, 12, 31, 22, 0, 0, 0, ny)}, time.Date(2027, 1, 1, 22, 0, 0, 0, ny), []Flag{FlagSecondary}},
		{"42 CFR 422.572(a)(2) time unknown: start of the day", "ma.pa.expedited.part-b-drug",
			Anchor{Date: d("2026-03-02")}, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), []Flag{FlagTimeUnknown, FlagSecondary}},
		{"29 CFR 2560.503-1(f)(2)(ii)(B) at least 24 hours before the course ends", "group.concurrent.filing",
			Anchor{At: time.Date(2026, 5, 1, 17, 0, 0, 0, ny)}, time.Date(2026, 4, 30, 17, 0, 0, 0, ny), []Flag{FlagOpen}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(mustRule(t, tt.id), tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if !got.At.Equal(tt.want) {
				t.Errorf("due %s, want %s", got.At, tt.want)
			}
			if got.Date != ketacover.DateOf(tt.want) {
				t.Errorf("due date %s, want %s", got.Date, ketacover.DateOf(tt.want))
			}
			if diff := cmp.Diff(tt.flags, got.Flags); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeExtension(t *testing.T) {
	got, err := Compute(mustRule(t, "group.pa.standard"), Anchor{Date: d("2026-03-02")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Date.String() != "2026-03-17" || !got.Has(FlagExtendable) {
		t.Fatalf("29 CFR 2560.503-1(f)(2)(iii)(A): due %s flags %v", got.Date, got.Flags)
	}
	if diff := cmp.Diff([]string{"2026-04-01"}, alsoDates(got)); diff != "" {
		t.Errorf("extension (-want +got):\n%s", diff)
	}
	ma, err := Compute(mustRule(t, "ma.pa.expedited.service"), Anchor{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ma.Also) != 1 || !ma.Also[0].At.Equal(time.Date(2026, 3, 19, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("42 CFR 422.572(b) extension: %+v", ma.Also)
	}
}

func TestComputeErrors(t *testing.T) {
	tests := []struct {
		name string
		id   string
		a    Anchor
		want string
	}{
		{"no date", "group.pa.standard", Anchor{}, "rule group.pa.standard counts from receipt of the request: give that date"},
		{"no receipt or notice", "group.appeal.filing", Anchor{}, "rule group.appeal.filing counts from receipt of the notice: give the date of receipt or the date on the notice"},
		{"receipt before notice", "group.appeal.filing", Anchor{Date: d("2026-03-01"), NoticeDate: d("2026-03-02")}, "rule group.appeal.filing: receipt 2026-03-01 is before the notice date 2026-03-02"},
		{"time off the date", "group.pa.expedited", Anchor{Date: d("2026-03-01"), At: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)}, "rule group.pa.expedited: anchor time 2026-03-02T01:00:00Z is not on anchor date 2026-03-01"},
		{"year out of range", "group.pa.standard", Anchor{Date: d("1960-01-04")}, "rule group.pa.standard: date 1960-01-04 outside the years 1971-9997"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compute(mustRule(t, tt.id), tt.a)
			if ketacover.ErrorCode(err) != ketacover.EINVALID || err.Error() != tt.want {
				t.Errorf("error = %v, want EINVALID %q", err, tt.want)
			}
		})
	}
	bad := mustRule(t, "group.pa.standard")
	bad.Citation = ""
	if _, err := Compute(bad, Anchor{Date: d("2026-03-02")}); ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), "citation") {
		t.Errorf("rule without citation: error = %v", err)
	}
}
