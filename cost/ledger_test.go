package cost

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

// claim is one line fed to a ledger in a test.
type claim struct {
	date    string
	net     ketacover.Network
	billed  ketacover.Cents
	allowed ketacover.Cents
}

// want is what a test checks for each claim.
type want struct {
	Copay, ToDeductible, Coinsurance, CostShare, BalanceBill, PatientPays, PlanPays ketacover.Cents
}

func got(s Share) want {
	return want{s.Copay, s.ToDeductible, s.CoinsuranceAmt, s.CostShare, s.BalanceBill, s.PatientPays, s.PlanPays}
}

// ded returns a want for a line paid entirely toward the deductible.
func ded(allowed ketacover.Cents) want {
	return want{ToDeductible: allowed, CostShare: allowed, PatientPays: allowed}
}

// coins returns a want for a line with toDed toward the deductible and coinsurance co.
func coins(allowed, toDed, co ketacover.Cents) want {
	cs := toDed + co
	return want{ToDeductible: toDed, Coinsurance: co, CostShare: cs, PatientPays: cs, PlanPays: allowed - cs}
}

func repeat(n int, c claim, dates ...string) []claim {
	out := make([]claim, n)
	for i := range out {
		out[i] = c
		out[i].date = dates[i]
	}
	return out
}

// The examples of shared/reference/cost-and-payment.md, run through the ledger.
func TestLedgerWorkedExamples(t *testing.T) {
	usd := ketacover.Dollars
	spravatoPPO := &ketacover.Benefits{ // §1.7 worked example: 2026 in-network Spravato, commercial PPO
		Coverage:  ketacover.CoverageSelfOnly,
		InNetwork: ketacover.CostSharing{Deductible: usd(2000), Coinsurance: ketacover.Percent(20), OOPMax: usd(5000)},
	}
	session := claim{net: ketacover.InNetwork, billed: usd(1200), allowed: usd(1000)}
	induction := []string{"2026-03-02", "2026-03-05", "2026-03-09", "2026-03-12", "2026-03-16", "2026-03-19", "2026-03-23", "2026-03-26"}
	weekly := []string{"2026-03-30", "2026-04-06", "2026-04-13", "2026-04-20", "2026-04-27", "2026-05-04", "2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01", "2026-06-08"}
	c200 := coins(usd(1000), 0, usd(200))

	tests := []struct {
		name     string
		b        *ketacover.Benefits
		met      ketacover.Accumulators
		claims   []claim
		want     []want
		wantMet  ketacover.Accumulator // in-network accumulators after the last claim
		wantYear string
	}{
		{
			name:    "§1.7 Spravato PPO: deductible in sessions 1-2, then 20% coinsurance for sessions 3-8 ($3,200 in month 1)",
			b:       spravatoPPO,
			claims:  repeat(8, session, induction...),
			want:    []want{ded(usd(1000)), ded(usd(1000)), c200, c200, c200, c200, c200, c200},
			wantMet: ketacover.Accumulator{Deductible: usd(2000), OOP: usd(3200)},
		},
		{
			name:   "§1.7 Spravato PPO continued: OOP cap mid-course uses the remaining $1,800 over nine weekly sessions, then $0",
			b:      spravatoPPO,
			met:    ketacover.Accumulators{InNetwork: ketacover.Accumulator{Deductible: usd(2000), OOP: usd(3200)}},
			claims: repeat(11, session, weekly...),
			want: []want{c200, c200, c200, c200, c200, c200, c200, c200, c200,
				{PlanPays: usd(1000)}, {PlanPays: usd(1000)}},
			wantMet: ketacover.Accumulator{Deductible: usd(2000), OOP: usd(5000)},
		},
		{
			name:    "§1.7 Spravato PPO: OOP cap reached partway through a session cuts the coinsurance",
			b:       spravatoPPO,
			met:     ketacover.Accumulators{InNetwork: ketacover.Accumulator{Deductible: usd(2000), OOP: usd(4900)}},
			claims:  []claim{session},
			want:    []want{{Coinsurance: usd(100), CostShare: usd(100), PatientPays: usd(100), PlanPays: usd(900)}},
			wantMet: ketacover.Accumulator{Deductible: usd(2000), OOP: usd(5000)},
		},
		{
			name:     "§1.7 Spravato PPO: plan-year reset mid-course (calendar plan year) starts the deductible again on Jan 1",
			b:        spravatoPPO,
			met:      ketacover.Accumulators{AsOf: ketacover.MustDate("2026-11-30"), InNetwork: ketacover.Accumulator{Deductible: usd(2000), OOP: usd(3200)}},
			claims:   repeat(4, session, "2026-12-14", "2026-12-28", "2027-01-11", "2027-01-25"),
			want:     []want{c200, c200, ded(usd(1000)), ded(usd(1000))},
			wantMet:  ketacover.Accumulator{Deductible: usd(2000), OOP: usd(2000)},
			wantYear: "2027-01-01",
		},
		{
			name: "§1.7 Spravato PPO: plan year starting July 1 resets on July 1, not Jan 1",
			b: &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, PlanYearStart: ketacover.MonthDay{Month: 7, Day: 1},
				InNetwork: ketacover.CostSharing{Deductible: usd(2000), Coinsurance: ketacover.Percent(20), OOPMax: usd(5000)}},
			met:      ketacover.Accumulators{InNetwork: ketacover.Accumulator{Deductible: usd(2000), OOP: usd(2000)}},
			claims:   repeat(3, session, "2026-12-28", "2027-01-11", "2027-07-05"),
			want:     []want{c200, c200, ded(usd(1000))},
			wantMet:  ketacover.Accumulator{Deductible: usd(1000), OOP: usd(1000)},
			wantYear: "2027-07-01",
		},
		{
			name: "§1.2 embedded family deductible $2,000/$6,000 (Lumity): the patient's own $2,000 ends the deductible although the family has met only $5,000",
			b: &ketacover.Benefits{Coverage: ketacover.CoverageFamily, Embedded: true,
				InNetwork: ketacover.CostSharing{Deductible: usd(2000), FamilyDeductible: usd(6000), Coinsurance: ketacover.Percent(20), OOPMax: usd(5000), FamilyOOPMax: usd(10000)}},
			met:     ketacover.Accumulators{InNetwork: ketacover.Accumulator{FamilyDeductible: usd(3000), FamilyOOP: usd(3000)}},
			claims:  repeat(3, session, induction...),
			want:    []want{ded(usd(1000)), ded(usd(1000)), c200},
			wantMet: ketacover.Accumulator{Deductible: usd(2000), FamilyDeductible: usd(5000), OOP: usd(2200), FamilyOOP: usd(5200)},
		},
		{
			name: "§1.2 embedded family deductible $2,000/$6,000 (Lumity): the family total ends the deductible before the patient's own",
			b: &ketacover.Benefits{Coverage: ketacover.CoverageFamily, Embedded: true,
				InNetwork: ketacover.CostSharing{Deductible: usd(2000), FamilyDeductible: usd(6000), Coinsurance: ketacover.Percent(20), OOPMax: usd(5000), FamilyOOPMax: usd(10000)}},
			met:     ketacover.Accumulators{InNetwork: ketacover.Accumulator{FamilyDeductible: usd(5500), FamilyOOP: usd(5500)}},
			claims:  repeat(2, session, induction...),
			want:    []want{coins(usd(1000), usd(500), usd(100)), c200},
			wantMet: ketacover.Accumulator{Deductible: usd(500), FamilyDeductible: usd(6000), OOP: usd(800), FamilyOOP: usd(6300)},
		},
		{
			name: "§1.2 aggregate HDHP family deductible $4,000 non-embedded (Venafi guide): no plan payment until the family total is met",
			b: &ketacover.Benefits{Coverage: ketacover.CoverageFamily, HDHP: true,
				InNetwork: ketacover.CostSharing{Deductible: usd(2000), FamilyDeductible: usd(4000), Coinsurance: ketacover.Percent(20), FamilyOOPMax: usd(17000)}},
			met:     ketacover.Accumulators{InNetwork: ketacover.Accumulator{FamilyDeductible: usd(1500), FamilyOOP: usd(1500)}},
			claims:  repeat(3, session, induction...),
			want:    []want{ded(usd(1000)), ded(usd(1000)), coins(usd(1000), usd(500), usd(100))},
			wantMet: ketacover.Accumulator{Deductible: usd(2500), FamilyDeductible: usd(4000), OOP: usd(2600), FamilyOOP: usd(4100)},
		},
		{
			name: "§1.2 ACA overlay: a family plan stating only a $21,200 family OOP caps each person at the 2026 self-only $10,600 (Hylant)",
			b: &ketacover.Benefits{Coverage: ketacover.CoverageFamily,
				InNetwork: ketacover.CostSharing{Deductible: usd(0), FamilyDeductible: usd(0), Coinsurance: ketacover.Percent(50), FamilyOOPMax: usd(21200)}},
			met:     ketacover.Accumulators{InNetwork: ketacover.Accumulator{OOP: usd(10500), FamilyOOP: usd(12000)}},
			claims:  []claim{session, session},
			want:    []want{{Coinsurance: usd(100), CostShare: usd(100), PatientPays: usd(100), PlanPays: usd(900)}, {PlanPays: usd(1000)}},
			wantMet: ketacover.Accumulator{OOP: usd(10600), FamilyOOP: usd(12100)},
		},
		{
			name: "§1.1 step 7 balance billing (CancerConnect/PAF): charge $250, allowed $200, plan pays 80% = $160, patient $40 + $50 = $90",
			b: &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly,
				InNetwork:    ketacover.CostSharing{Deductible: usd(500), Coinsurance: ketacover.Percent(10), OOPMax: usd(3000)},
				OutOfNetwork: &ketacover.CostSharing{Deductible: usd(1000), Coinsurance: ketacover.Percent(20), NoOOPMax: true}},
			met:     ketacover.Accumulators{OutOfNetwork: ketacover.Accumulator{Deductible: usd(1000), OOP: usd(1000)}},
			claims:  []claim{{net: ketacover.OutOfNetwork, billed: usd(250), allowed: usd(200)}},
			want:    []want{{Coinsurance: usd(40), CostShare: usd(40), BalanceBill: usd(50), PatientPays: usd(90), PlanPays: usd(160)}},
			wantMet: ketacover.Accumulator{}, // the in-network accumulators are untouched
		},
		{
			name: "§1.1 separate accumulators: out-of-network spending does not reduce the in-network deductible",
			b: &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly,
				InNetwork:    ketacover.CostSharing{Deductible: usd(500), Coinsurance: ketacover.Percent(10), OOPMax: usd(3000)},
				OutOfNetwork: &ketacover.CostSharing{Deductible: usd(1000), Coinsurance: ketacover.Percent(40), OOPMax: usd(6000)}},
			claims: []claim{
				{date: "2026-03-02", net: ketacover.OutOfNetwork, billed: usd(800), allowed: usd(600)},
				{date: "2026-03-05", net: ketacover.InNetwork, billed: usd(800), allowed: usd(600)},
			},
			want:    []want{{ToDeductible: usd(600), CostShare: usd(600), BalanceBill: usd(200), PatientPays: usd(800)}, coins(usd(600), usd(500), usd(10))},
			wantMet: ketacover.Accumulator{Deductible: usd(500), OOP: usd(510)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first := ketacover.MustDate("2026-03-02")
			if d := tc.claims[0].date; d != "" {
				first = ketacover.MustDate(d)
			}
			l, err := NewLedger(tc.b, tc.met, first)
			if err != nil {
				t.Fatal(err)
			}
			var gotW []want
			for _, c := range tc.claims {
				d := first
				if c.date != "" {
					d = ketacover.MustDate(c.date)
				}
				s, err := l.Apply(d, c.net, c.billed, c.allowed, false)
				if err != nil {
					t.Fatal(err)
				}
				gotW = append(gotW, got(s))
			}
			if diff := cmp.Diff(tc.want, gotW); diff != "" {
				t.Errorf("shares (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantMet, l.Met(ketacover.InNetwork)); diff != "" {
				t.Errorf("in-network met (-want +got):\n%s", diff)
			}
			if tc.wantYear != "" && l.PlanYear() != ketacover.MustDate(tc.wantYear) {
				t.Errorf("plan year = %s, want %s", l.PlanYear(), tc.wantYear)
			}
		})
	}
}

func TestLedgerCopayRules(t *testing.T) {
	// Constructed examples (the reference has none with copays): $1,000
	// allowed, $500 deductible unmet, 20% coinsurance, $50 copay.
	usd := ketacover.Dollars
	tier := func(r ketacover.CopayRule) ketacover.CostSharing {
		return ketacover.CostSharing{Deductible: usd(500), Coinsurance: ketacover.Percent(20), Copay: usd(50), CopayRule: r, OOPMax: usd(4000)}
	}
	tests := []struct {
		rule    ketacover.CopayRule
		want    want
		wantDed ketacover.Cents
	}{
		{ketacover.CopayInstead, want{Copay: usd(50), CostShare: usd(50), PatientPays: usd(50), PlanPays: usd(950)}, 0},
		// $50 copay, then $500 deductible, then 20% of $450.
		{ketacover.CopayPlus, want{Copay: usd(50), ToDeductible: usd(500), Coinsurance: usd(90), CostShare: usd(640), PatientPays: usd(640), PlanPays: usd(360)}, usd(500)},
		// $500 deductible, then the $50 copay instead of coinsurance.
		{ketacover.CopayAfterDeductible, want{Copay: usd(50), ToDeductible: usd(500), CostShare: usd(550), PatientPays: usd(550), PlanPays: usd(450)}, usd(500)},
		{ketacover.CopayNone, want{ToDeductible: usd(500), Coinsurance: usd(100), CostShare: usd(600), PatientPays: usd(600), PlanPays: usd(400)}, usd(500)},
	}
	for _, tc := range tests {
		t.Run(string(tc.rule), func(t *testing.T) {
			tr := tier(tc.rule)
			if tc.rule == ketacover.CopayNone {
				tr.Copay = 0
			}
			b := &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, InNetwork: tr}
			l, err := NewLedger(b, ketacover.Accumulators{}, ketacover.MustDate("2026-02-02"))
			if err != nil {
				t.Fatal(err)
			}
			s, err := l.Apply(ketacover.MustDate("2026-02-02"), ketacover.InNetwork, usd(1200), usd(1000), false)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got(s)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// Copays never count toward the deductible (§1.1 step 3).
			if m := l.Met(ketacover.InNetwork); m.Deductible != tc.wantDed || m.OOP != s.CostShare {
				t.Errorf("met = %+v, want deductible %s and oop %s", m, tc.wantDed, s.CostShare)
			}
		})
	}
}

func TestLedgerNSAProtected(t *testing.T) {
	b := &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly,
		InNetwork:    ketacover.CostSharing{Deductible: 0, Coinsurance: ketacover.Percent(20), OOPMax: ketacover.Dollars(3000)},
		OutOfNetwork: &ketacover.CostSharing{Coinsurance: ketacover.Percent(20), NoOOPMax: true}}
	l, err := NewLedger(b, ketacover.Accumulators{}, ketacover.MustDate("2026-02-02"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.Apply(ketacover.MustDate("2026-02-02"), ketacover.OutOfNetwork, ketacover.Dollars(250), ketacover.Dollars(200), true)
	if err != nil {
		t.Fatal(err)
	}
	if s.BalanceBill != 0 || s.PatientPays != ketacover.Dollars(40) {
		t.Errorf("protected line: balance bill %s, patient %s; want $0 and $40", s.BalanceBill, s.PatientPays)
	}
}

func TestLedgerErrors(t *testing.T) {
	b := &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, InNetwork: ketacover.CostSharing{Deductible: ketacover.Dollars(100), OOPMax: ketacover.Dollars(1000)}}
	if _, err := NewLedger(b, ketacover.Accumulators{AsOf: ketacover.MustDate("2026-05-01")}, ketacover.MustDate("2026-03-01")); err == nil {
		t.Error("asOf after the first session: want an error")
	}
	l, err := NewLedger(b, ketacover.Accumulators{}, ketacover.MustDate("2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Apply(ketacover.MustDate("2026-03-01"), ketacover.OutOfNetwork, 100, 100, false); err == nil {
		t.Error("out-of-network claim on a plan without OON benefits: want an error")
	}
	if _, err := l.Apply(ketacover.MustDate("2027-03-01"), ketacover.InNetwork, 100, 100, false); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Apply(ketacover.MustDate("2026-03-02"), ketacover.InNetwork, 100, 100, false); err == nil {
		t.Error("claim in an earlier plan year: want an error")
	}
}

func TestLedgerStaleAccumulators(t *testing.T) {
	b := &ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, InNetwork: ketacover.CostSharing{Deductible: ketacover.Dollars(100), OOPMax: ketacover.Dollars(1000)}}
	l, err := NewLedger(b, ketacover.Accumulators{AsOf: ketacover.MustDate("2025-12-15"), InNetwork: ketacover.Accumulator{Deductible: ketacover.Dollars(100), OOP: ketacover.Dollars(100)}}, ketacover.MustDate("2026-01-05"))
	if err != nil {
		t.Fatal(err)
	}
	if m := l.Met(ketacover.InNetwork); m != (ketacover.Accumulator{}) {
		t.Errorf("met from the previous plan year carried over: %+v", m)
	}
	if len(l.Warnings()) != 1 {
		t.Errorf("warnings = %q, want one about the stale amounts", l.Warnings())
	}
}

func TestBenefitsWarnings(t *testing.T) {
	usd := ketacover.Dollars
	tests := []struct {
		name string
		b    ketacover.Benefits
		year int
		want []string // substrings, one per warning, in order
	}{
		{"ordinary PPO", ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, InNetwork: ketacover.CostSharing{Deductible: usd(2000), Coinsurance: ketacover.Percent(20), OOPMax: usd(5000)}}, 2026, nil},
		{"OOP above the 2026 ACA limit", ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, InNetwork: ketacover.CostSharing{OOPMax: usd(11000)}}, 2026,
			[]string{"above the 2026 ACA limit $10,600.00"}},
		{"grandfathered plans are exempt", ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, Grandfathered: true, InNetwork: ketacover.CostSharing{OOPMax: usd(11000)}}, 2026, nil},
		{"2025 limit is lower", ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, InNetwork: ketacover.CostSharing{OOPMax: usd(9500)}}, 2025,
			[]string{"above the 2025 ACA limit $9,200.00"}},
		{"no ACA figure for 2027", ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, InNetwork: ketacover.CostSharing{OOPMax: usd(5000)}}, 2027,
			[]string{"no ACA out-of-pocket limit on file for plan year 2027"}},
		{"HDHP below the 2026 minimum deductible, copay before deductible", ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly, HDHP: true,
			InNetwork: ketacover.CostSharing{Deductible: usd(1500), Copay: usd(30), CopayRule: ketacover.CopayInstead, OOPMax: usd(5000)}}, 2026,
			[]string{"below the 2026 HDHP minimum $1,700.00", "an HDHP pays only preventive care"}},
		{"HDHP family: embedded individual deductible below the family minimum, OOP above the HDHP limit", ketacover.Benefits{Coverage: ketacover.CoverageFamily, HDHP: true, Embedded: true,
			InNetwork: ketacover.CostSharing{Deductible: usd(2000), FamilyDeductible: usd(4000), OOPMax: usd(8000), FamilyOOPMax: usd(17500)}}, 2026,
			[]string{"at least the IRS family minimum $3,400.00", "above the 2026 HDHP limit $17,000.00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.b.Validate(); err != nil {
				t.Fatal(err)
			}
			got := PlanWarnings(&tc.b, tc.year)
			if len(got) != len(tc.want) {
				t.Fatalf("warnings = %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestAllowedOfBilled(t *testing.T) {
	// A plan paying out of network on 60% of the billed charge (a UCR
	// percentage, reference §1.1 step 2) when the price list has no
	// out-of-network allowed amount.
	r := spravatoRequest()
	r.Prices[0].OONAllowed = 0
	r.Benefits.OutOfNetwork.AllowedOfBilled = ketacover.Percent(60)
	e, err := EstimateCourse(r)
	if err != nil {
		t.Fatal(err)
	}
	oon, _ := e.Scenario(ScenarioOutOfNetwork)
	if s := oon.Sessions[0]; s.Allowed != ketacover.Dollars(720) || s.BalanceBill != ketacover.Dollars(480) || s.PatientPays != ketacover.Dollars(1200) {
		t.Errorf("session 1: allowed %s, balance bill %s, patient %s", s.Allowed, s.BalanceBill, s.PatientPays)
	}
	r.Benefits.OutOfNetwork.AllowedOfBilled = 0
	e, _ = EstimateCourse(r)
	if oon, _ := e.Scenario(ScenarioOutOfNetwork); !strings.Contains(oon.Unavailable, "no out-of-network allowed amount for G2083") {
		t.Errorf("unavailable = %q", oon.Unavailable)
	}
}
