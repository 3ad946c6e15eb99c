package x12_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/x12"
)

type read271Result struct {
	members []*x12.Eligibility
	summary x12.Summary271
	err     error
}

func read271(t testing.TB, r io.Reader) read271Result {
	t.Helper()
	var res read271Result
	res.summary, res.err = x12.Read271(r, x12.Handler271{
		Member: func(e *x12.Eligibility) error { res.members = append(res.members, e); return nil },
	})
	return res
}

func read271File(t testing.TB, path string) read271Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return read271(t, f)
}

// figureLines is a compact view of a coverage's figures for table tests:
// "field value (what, network) <- segments".
func figureLines(c *x12.Coverage) []string {
	var out []string
	for _, f := range c.Figures {
		var segs []string
		for _, s := range f.From {
			segs = append(segs, fmt.Sprint(s.Segment))
		}
		field := f.Field
		if field == "" {
			field = "(shown)"
		}
		out = append(out, fmt.Sprintf("%s %s %s %s <- %s", field, f.Value(), f.Network, f.Period, strings.Join(segs, ",")))
	}
	return out
}

func authLines(c *x12.Coverage) []string {
	var out []string
	for _, a := range c.Authorization {
		out = append(out, fmt.Sprintf("%s %s %s <- %d", a.Required, a.Procedure, a.Network, a.From.Segment))
	}
	return out
}

// The LinuxForHealth 271 sample, read in place: an active HMO plan with a
// primary care provider and a $10 in-network, $30 out-of-network copay per
// visit for a list of service types that includes MH.
func TestRead271Sample(t *testing.T) {
	res := read271File(t, sample(t, "lfh-subscriber-health-benefit-check.271"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.members) != 1 {
		t.Fatalf("%d members, want 1", len(res.members))
	}
	if len(res.summary.Problems) != 0 {
		t.Errorf("problems: %v", problems(res.summary.Problems))
	}
	e := res.members[0]
	head := []string{e.ControlNumber, e.Version, e.Reference, e.Date.String(), e.Source.Last, e.Source.ID, e.Receiver.Last,
		e.Subscriber.Last, e.Subscriber.First, e.Subscriber.ID, e.Subscriber.BirthDate.String(), e.Subscriber.Sex, e.Subscriber.PlanBegin().String(),
		e.Subscriber.Address.City, e.Subscriber.Traces[0].Number}
	want := []string{"4321", "005010X279A1", "10001234", "2006-05-01", "ABC COMPANY", "841610001", "BONE AND JOIN CLINIC",
		"SMITH", "JOHN", "123456789", "1963-05-19", "M", "2006-01-01", "KANSAS CITY", "93175-012547"}
	if diff := cmp.Diff(want, head); diff != "" {
		t.Errorf("header and member (-want +got):\n%s", diff)
	}
	if len(e.Benefits) != 5 {
		t.Fatalf("%d benefits, want 5", len(e.Benefits))
	}
	if pcp := e.Benefits[1]; pcp.Code != "L" || len(pcp.Related) != 1 || pcp.Related[0].Code != "P3" || pcp.Related[0].Last != "JONES" {
		t.Errorf("EB*L with its 2120 loop: %+v", pcp)
	}
	if st := e.Benefits[2].ServiceTypes; len(st) != 10 || st[8] != "MH" {
		t.Errorf("EB03 repetitions of segment 21: %q", st)
	}

	c := e.Coverage("MH")
	if c.Status != "active" || len(c.StatusFrom) != 1 || c.StatusFrom[0].Text != "EB*1**1^33^35^47^86^88^98^AL^MH^UC" {
		t.Errorf("status %q from %v, want active from segment 21", c.Status, c.StatusFrom)
	}
	wantFigures := []string{
		"plan.benefits.in_network.copay $10.00 in-network visit <- 22",
		"plan.benefits.out_of_network.copay $30.00 out-of-network visit <- 23",
	}
	if diff := cmp.Diff(wantFigures, figureLines(c)); diff != "" {
		t.Errorf("figures (-want +got):\n%s", diff)
	}
	if f := c.Figures[0].From[0]; f.Segment != 22 || f.Offset != 635 || f.Text != "EB*B**1^33^35^47^86^88^98^AL^MH^UC*HM*GOLD 123 PLAN*27*10.00*****Y" {
		t.Errorf("copay source %+v", f)
	}
	var b ketacover.Benefits
	var a ketacover.Accumulators
	c.Apply(&b, &a)
	wantB := ketacover.Benefits{InNetwork: ketacover.CostSharing{Copay: 1000}, OutOfNetwork: &ketacover.CostSharing{Copay: 3000}}
	if diff := cmp.Diff(wantB, b); diff != "" {
		t.Errorf("benefits (-want +got):\n%s", diff)
	}
	if a != (ketacover.Accumulators{}) {
		t.Errorf("accumulators %+v: the sample gives no amounts met", a)
	}
	// The sample gives no deductible, out-of-pocket maximum or level: the
	// case still needs them, and Validate says so.
	if err := b.Validate(); err == nil || !strings.Contains(err.Error(), "benefits.coverage: required") {
		t.Errorf("Validate() = %v, want the coverage level required", err)
	}
}

func TestRead271Fixtures(t *testing.T) {
	tests := []struct {
		file        string
		st          string
		patient     string
		status      string
		figures     []string
		auth        []string
		benefits    ketacover.Benefits
		accum       ketacover.Accumulators
		notes       []string // each must be among the coverage's notes
		otherCount  int
		authSummary string
	}{
		{
			file: "mh-self.271", st: "MH", patient: "DOE JANE", status: "active",
			figures: []string{
				"plan.benefits.in_network.deductible $2,000.00 in-network calendar year <- 17",
				"(shown) $1,250.00 in-network remaining <- 18",
				"plan.accumulators.in_network.deductible $750.00 in-network  <- 17,18",
				"plan.benefits.out_of_network.deductible $4,000.00 out-of-network calendar year <- 19",
				"(shown) $4,000.00 out-of-network remaining <- 20",
				"plan.accumulators.out_of_network.deductible $0.00 out-of-network  <- 19,20",
				"plan.benefits.in_network.oop_max $5,000.00 in-network calendar year <- 21",
				"(shown) $4,100.00 in-network remaining <- 22",
				"plan.accumulators.in_network.oop $900.00 in-network  <- 21,22",
				"plan.benefits.out_of_network.oop_max $10,000.00 out-of-network calendar year <- 23",
				"(shown) $9,800.00 out-of-network remaining <- 24",
				"plan.accumulators.out_of_network.oop $200.00 out-of-network  <- 23,24",
				"plan.benefits.in_network.coinsurance 20% in-network  <- 25",
				"plan.benefits.out_of_network.coinsurance 40% out-of-network  <- 26",
			},
			auth: []string{"Y  Y <- 27", "Y G2083 Y <- 29"}, authSummary: "Y",
			benefits: ketacover.Benefits{Coverage: ketacover.CoverageSelfOnly,
				InNetwork:    ketacover.CostSharing{Deductible: 200000, OOPMax: 500000, Coinsurance: 2000},
				OutOfNetwork: &ketacover.CostSharing{Deductible: 400000, OOPMax: 1000000, Coinsurance: 4000}},
			accum: ketacover.Accumulators{AsOf: ketacover.MustDate("2026-11-20"),
				InNetwork: ketacover.Accumulator{Deductible: 75000, OOP: 90000}, OutOfNetwork: ketacover.Accumulator{OOP: 20000}},
			otherCount: 3, // the G2083 benefit, the 96365 exclusion, the visit limit
		},
		{
			// A dependent on an HMO family plan: plan-wide (EB03 30)
			// deductible and out-of-pocket amounts, MH coinsurance and copay
			// without EB12, nothing out of network.
			file: "mh-family.271", st: "MH", patient: "DOE EMMA", status: "active",
			figures: []string{
				"plan.benefits.in_network.deductible $1,500.00 in-network calendar year <- 18",
				"(shown) $300.00 in-network remaining <- 19",
				"plan.accumulators.in_network.deductible $1,200.00 in-network  <- 18,19",
				"plan.benefits.in_network.family_deductible $3,000.00 in-network calendar year <- 20",
				"(shown) $1,100.00 in-network remaining <- 21",
				"plan.accumulators.in_network.family_deductible $1,900.00 in-network  <- 20,21",
				"plan.benefits.in_network.oop_max $6,000.00 in-network calendar year <- 22",
				"(shown) $4,800.00 in-network remaining <- 23",
				"plan.accumulators.in_network.oop $1,200.00 in-network  <- 22,23",
				"plan.benefits.in_network.family_oop_max $12,000.00 in-network calendar year <- 24",
				"(shown) $9,000.00 in-network remaining <- 25",
				"plan.accumulators.in_network.family_oop $3,000.00 in-network  <- 24,25",
				"plan.benefits.in_network.coinsurance 10% in-network  <- 26",
				"plan.benefits.in_network.copay $25.00 in-network visit <- 27",
			},
			auth: []string{"N  Y <- 29"}, authSummary: "N",
			benefits: ketacover.Benefits{Coverage: ketacover.CoverageFamily,
				InNetwork: ketacover.CostSharing{Deductible: 150000, FamilyDeductible: 300000, OOPMax: 600000, FamilyOOPMax: 1200000, Coinsurance: 1000, Copay: 2500}},
			accum: ketacover.Accumulators{AsOf: ketacover.MustDate("2026-11-20"),
				InNetwork: ketacover.Accumulator{Deductible: 120000, FamilyDeductible: 190000, OOP: 120000, FamilyOOP: 300000}},
			notes: []string{
				"not covered out of network (segment 28): plan.benefits.out_of_network is removed",
				"no deductible is given for MH: the plan-wide ones (EB03 30, health benefit plan coverage) are used",
				"coinsurance at segment 26 does not say in or out of network (EB12): taken for in-network",
				"a 271 does not say how the in-network copay combines with the deductible: set plan.benefits.in_network.copay_rule (instead, plus or after-deductible)",
			},
			otherCount: 0,
		},
		{
			// The same file asked about pharmacy (88): no EB names it, so
			// the plan's own status and amounts are used, and no MH figure.
			file: "mh-family.271", st: "88", patient: "DOE EMMA", status: "active",
			figures: []string{
				"plan.benefits.in_network.deductible $1,500.00 in-network calendar year <- 18",
				"(shown) $300.00 in-network remaining <- 19",
				"plan.accumulators.in_network.deductible $1,200.00 in-network  <- 18,19",
				"plan.benefits.in_network.family_deductible $3,000.00 in-network calendar year <- 20",
				"(shown) $1,100.00 in-network remaining <- 21",
				"plan.accumulators.in_network.family_deductible $1,900.00 in-network  <- 20,21",
				"plan.benefits.in_network.oop_max $6,000.00 in-network calendar year <- 22",
				"(shown) $4,800.00 in-network remaining <- 23",
				"plan.accumulators.in_network.oop $1,200.00 in-network  <- 22,23",
				"plan.benefits.in_network.family_oop_max $12,000.00 in-network calendar year <- 24",
				"(shown) $9,000.00 in-network remaining <- 25",
				"plan.accumulators.in_network.family_oop $3,000.00 in-network  <- 24,25",
			},
			benefits: ketacover.Benefits{Coverage: ketacover.CoverageFamily,
				InNetwork: ketacover.CostSharing{Deductible: 150000, FamilyDeductible: 300000, OOPMax: 600000, FamilyOOPMax: 1200000}},
			accum: ketacover.Accumulators{AsOf: ketacover.MustDate("2026-11-20"),
				InNetwork: ketacover.Accumulator{Deductible: 120000, FamilyDeductible: 190000, OOP: 120000, FamilyOOP: 300000}},
			notes: []string{"no EB says whether 88 is covered: the plan's status (EB03 30) is shown"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.st, func(t *testing.T) {
			res := read271File(t, filepath.Join("testdata", "271", tt.file))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.summary.Problems) != 0 {
				t.Errorf("problems: %v", problems(res.summary.Problems))
			}
			if len(res.members) != 1 {
				t.Fatalf("%d members, want 1", len(res.members))
			}
			e := res.members[0]
			if p := e.Patient(); p.Last+" "+p.First != tt.patient {
				t.Errorf("patient %s %s, want %s", p.Last, p.First, tt.patient)
			}
			c := e.Coverage(tt.st)
			if c.Status != tt.status {
				t.Errorf("status %q, want %q", c.Status, tt.status)
			}
			if diff := cmp.Diff(tt.figures, figureLines(c)); diff != "" {
				t.Errorf("figures (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.auth, authLines(c)); diff != "" {
				t.Errorf("authorization (-want +got):\n%s", diff)
			}
			if got := c.AuthRequired(); got != tt.authSummary {
				t.Errorf("AuthRequired() = %q, want %q", got, tt.authSummary)
			}
			if len(c.Other) != tt.otherCount {
				t.Errorf("%d other EBs, want %d: %v", len(c.Other), tt.otherCount, c.Other)
			}
			if tt.otherCount == 3 {
				o := c.Other[1]
				want := x12.OtherBenefit{What: "non-covered", Procedure: "96365", Network: "Y", Messages: []string{"KETAMINE INFUSION FOR DEPRESSION NOT COVERED"},
					From: x12.Source{Segment: 30, Offset: 1268, Text: "EB*I*IND*MH*PR*NORTHWIND PPO 2000*******Y*HC:96365"}}
				if diff := cmp.Diff(want, o); diff != "" {
					t.Errorf("procedure-level exclusion (-want +got):\n%s", diff)
				}
			}
			for _, n := range tt.notes {
				if !strings.Contains(strings.Join(c.Notes, "\n"), n) {
					t.Errorf("note %q missing from:\n%s", n, strings.Join(c.Notes, "\n"))
				}
			}
			var b ketacover.Benefits
			var a ketacover.Accumulators
			c.Apply(&b, &a)
			if diff := cmp.Diff(tt.benefits, b); diff != "" {
				t.Errorf("benefits (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.accum, a); diff != "" {
				t.Errorf("accumulators (-want +got):\n%s", diff)
			}
			if err := a.ValidateFor(&b); err != nil {
				t.Errorf("accumulators do not fit the benefits: %v", err)
			}
		})
	}
}

// Apply keeps what the case already has when the 271 does not say it, and
// drops out-of-network cost sharing when the 271 says there is none.
func TestCoverageApplyOntoCase(t *testing.T) {
	res := read271File(t, filepath.Join("testdata", "271", "mh-family.271"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	b := ketacover.Benefits{Coverage: ketacover.CoverageFamily, Embedded: true, HDHP: true,
		InNetwork:    ketacover.CostSharing{Deductible: 99900, CopayRule: ketacover.CopayInstead, Coinsurance: 3000},
		OutOfNetwork: &ketacover.CostSharing{Deductible: 500000}}
	a := ketacover.Accumulators{AsOf: ketacover.MustDate("2026-01-01"), OutOfNetwork: ketacover.Accumulator{Deductible: 100}}
	res.members[0].Coverage("MH").Apply(&b, &a)
	want := ketacover.Benefits{Coverage: ketacover.CoverageFamily, Embedded: true, HDHP: true,
		InNetwork: ketacover.CostSharing{Deductible: 150000, FamilyDeductible: 300000, OOPMax: 600000, FamilyOOPMax: 1200000,
			Coinsurance: 1000, Copay: 2500, CopayRule: ketacover.CopayInstead}}
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("benefits (-want +got):\n%s", diff)
	}
	if err := b.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	wantA := ketacover.Accumulators{AsOf: ketacover.MustDate("2026-11-20"), OutOfNetwork: ketacover.Accumulator{Deductible: 100},
		InNetwork: ketacover.Accumulator{Deductible: 120000, FamilyDeductible: 190000, OOP: 120000, FamilyOOP: 300000}}
	if diff := cmp.Diff(wantA, a); diff != "" {
		t.Errorf("accumulators (-want +got):\n%s", diff)
	}
}

// AAA segments: of a subscriber (carried by the member) and of a source
// with no member below it (kept in the summary).
func TestRead271Rejected(t *testing.T) {
	res := read271File(t, filepath.Join("testdata", "271", "rejected.271"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.members) != 1 {
		t.Fatalf("%d members, want 1", len(res.members))
	}
	want := []x12.Rejection{{Segment: 12, Offset: 436, Loop: "2100C", Text: "AAA*N**75*C"}}
	if diff := cmp.Diff(want, res.members[0].Rejections); diff != "" {
		t.Errorf("member rejections (-want +got):\n%s", diff)
	}
	want = []x12.Rejection{{Segment: 18, Offset: 584, Loop: "2100A", Text: "AAA*Y**42*R"}}
	if diff := cmp.Diff(want, res.summary.Rejections); diff != "" {
		t.Errorf("summary rejections (-want +got):\n%s", diff)
	}
	if res.summary.Transactions != 2 || len(res.summary.Problems) != 0 {
		t.Errorf("summary %+v", res.summary)
	}
}

// A file with a defect in nearly every segment: each is reported with its
// segment number and byte offset, and what can be read is read.
func TestRead271Malformed(t *testing.T) {
	res := read271File(t, filepath.Join("testdata", "271", "malformed.271"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := []string{
		`segment 4 (byte 193): BHT04 date "20261131": want a date as CCYYMMDD`,
		`segment 7 (byte 290): EB outside a subscriber or dependent level (HL03 22 or 23)`,
		`segment 10 (byte 364): HL02 parent "9" is not an earlier HL01 of this transaction`,
		`segment 12 (byte 415): DMG02 birth date "19850230": want a date as CCYYMMDD`,
		`segment 13 (byte 434): EB07 amount "2,000.00": want a decimal amount such as 123.45`,
		`segment 14 (byte 487): EB08 percent "20": above 1.0: want a decimal fraction such as 0.20 for 20%`,
		`segment 15 (byte 532): EB12 in-network indicator "X": want Y, N, W or U`,
		`segment 16 (byte 582): LE without an LS`,
		`segment 17 (byte 591): HL03 level code "99": want 20 (information source), 21 (receiver), 22 (subscriber) or 23 (dependent)`,
		`segment 18 (byte 604): SE01 says "99" segments, transaction set 0009 has 16 (ST through SE)`,
	}
	if diff := cmp.Diff(want, problems(res.summary.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(res.members) != 1 || len(res.members[0].Benefits) != 3 {
		t.Fatalf("want one member with 3 benefits, got %d members", len(res.members))
	}
	c := res.members[0].Coverage("MH")
	// The copay is the one figure that can be read.
	if diff := cmp.Diff([]string{"plan.benefits.in_network.copay $25.00 in-network visit <- 15"}, figureLines(c)); diff != "" {
		t.Errorf("figures (-want +got):\n%s", diff)
	}
}

func TestRead271Truncated(t *testing.T) {
	res := read271File(t, filepath.Join("testdata", "271", "truncated.271"))
	const want = `segment 25 (byte 1001): input ends inside segment "EB*A*IND*MH^A8*PR*NORTHW...": no segment terminator '~'; the file is truncated`
	if res.err == nil || res.err.Error() != want || !x12.IsTruncated(res.err) {
		t.Fatalf("error %v, want %s", res.err, want)
	}
	var se *x12.SyntaxError
	if !errors.As(res.err, &se) || se.Segment != 25 || se.Offset != 1001 {
		t.Errorf("error %#v", res.err)
	}
	// The member whose loop was cut is not handed out: its benefits are
	// incomplete.
	if len(res.members) != 0 {
		t.Errorf("%d members handed out from a truncated loop", len(res.members))
	}
}

// Other transaction sets are skipped with a problem; an error from the
// handler stops reading.
func TestRead271SkipsAndStops(t *testing.T) {
	res := read271File(t, filepath.Join("testdata", "multi-cas.835"))
	if res.err != nil || res.summary.Transactions != 0 || len(res.members) != 0 {
		t.Fatalf("835 read as 271: %+v %v", res.summary, res.err)
	}
	if p := problems(res.summary.Problems); len(p) != 1 || !strings.Contains(p[0], "transaction set 835 skipped: not a 271") {
		t.Errorf("problems %q", p)
	}
	stop := errors.New("stop")
	f, err := os.Open(filepath.Join("testdata", "271", "mh-self.271"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := x12.Read271(f, x12.Handler271{Member: func(*x12.Eligibility) error { return stop }}); err != stop {
		t.Errorf("err = %v, want the handler's", err)
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   string
		want ketacover.Rate
		err  bool
	}{
		{"0.2", 2000, false},
		{"0.20", 2000, false},
		{".1", 1000, false},
		{"1", 10000, false},
		{"1.0", 10000, false},
		{"0", 0, false},
		{"0.125", 1250, false},
		{"0.00010", 1, false},
		{"0.00001", 0, true},
		{"20", 0, true},
		{"1.01", 0, true},
		{"-0.2", 0, true},
		{"", 0, true},
		{".", 0, true},
		{"0.2%", 0, true},
		{"1234567", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := x12.ParsePercent([]byte(tt.in))
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("ParsePercent(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

// In a batch, a dependent's parent is its subscriber however many members
// came before: no false HL02 problem past the first thousand levels.
func TestRead271BatchParents(t *testing.T) {
	var b strings.Builder
	b.WriteString(isaStar + "GS*HB*S*R*20261120*0915*1*X*005010X279A1~ST*271*0001*005010X279A1~BHT*0022*11*B*20261120*0915~")
	b.WriteString("HL*1**20*1~NM1*PR*2*PAYER*****PI*P1~HL*2*1*21*1~NM1*1P*2*CLINIC*****XX*1234567893~")
	segs, id := 6, 3
	for i := range 1200 {
		fmt.Fprintf(&b, "HL*%d*2*22*1~NM1*IL*1*DOE*JOHN****MI*M%d~HL*%d*%d*23*0~NM1*03*1*DOE*EMMA~EB*1**30~", id, i, id+1, id)
		segs += 5
		id += 2
	}
	fmt.Fprintf(&b, "SE*%d*0001~GE*1*1~IEA*1*000000001~", segs+1)
	res := read271(t, strings.NewReader(b.String()))
	if res.err != nil || len(res.summary.Problems) != 0 || len(res.members) != 1200 {
		t.Fatalf("err %v, %d members, problems %v", res.err, len(res.members), problems(res.summary.Problems))
	}
	if m := res.members[1199]; m.Dependent == nil || m.Subscriber.ID != "M1199" {
		t.Errorf("last member %+v", m)
	}
}
