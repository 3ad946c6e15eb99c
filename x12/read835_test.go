package x12_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/x12"
)

// claimLine is a compact view of a claim for table tests.
type claimLine struct {
	PCN, Status, ICN      string
	Billed, Paid, PR      int64
	Services, Adjustments int
	Imbalance             int64
}

type read835Result struct {
	claims  []*x12.ClaimPayment
	remits  []*x12.Remittance
	summary x12.Summary835
	err     error
}

func read835(t testing.TB, r io.Reader) read835Result {
	t.Helper()
	var res read835Result
	res.summary, res.err = x12.Read835(r, x12.Handler835{
		Claim:      func(c *x12.ClaimPayment) error { res.claims = append(res.claims, c.Clone()); return nil },
		Remittance: func(rm *x12.Remittance) error { res.remits = append(res.remits, rm); return nil },
	})
	return res
}

func read835File(t testing.TB, path string) read835Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return read835(t, f)
}

func lines(cs []*x12.ClaimPayment) []claimLine {
	var out []claimLine
	for _, c := range cs {
		n := len(c.Adjustments)
		for _, s := range c.Services {
			n += len(s.Adjustments)
		}
		out = append(out, claimLine{c.PatientControlNumber, c.Status, c.PayerClaimNumber, c.Billed, c.Paid, c.PatientResponsibility, len(c.Services), n, c.Imbalance()})
	}
	return out
}

func problems(ps []x12.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// The three LinuxForHealth 835 samples, read in place. Expected amounts are
// the ones SOURCES.md gives (800-450=350; 1200-495=705; 541-34=507;
// 10323.64-912=9411.64): every claim balances.
func TestRead835Samples(t *testing.T) {
	tests := []struct {
		file     string
		claims   []claimLine
		payment  int64
		payer    string
		problems []string
	}{
		{"lfh-managed-care.835", []claimLine{
			{"5554555444", "1", "94060555410000", 80000, 45000, 30000, 1, 2, 0},
			{"8765432112", "1", "94077799230000", 120000, 49500, 60000, 1, 3, 0},
		}, 94500, "RUSHMORE LIFE", []string{
			// BPR16 in the sample is 20002316: month 23.
			`segment 4 (byte 176): BPR16 date "20002316": want a date as CCYYMMDD`,
		}},
		{"lfh-cob-contractural-adjustment.835", []claimLine{
			{"0001000055", "2", "50650619501", 54100, 3400, 0, 1, 2, 0},
		}, 3400, "YOUR TAX DOLLARS AT WORK", []string{
			// ISA16 is ":" but SVC01 is written HC>55669.
			`segment 21 (byte 630): SVC01 has no procedure code (want qualifier:code, such as HC:G2083)`,
		}},
		{"lfh-secondary-payment.835", []claimLine{
			{"L0004828311", "2", "05090256390", 1032364, 91200, 0, 0, 1, 0},
			{"0001000053", "2", "05630626430", 75150, 31000, 22000, 2, 4, 0},
		}, 122200, "YOUR TAX DOLLARS AT WORK", []string{
			`segment 29 (byte 846): SVC01 has no procedure code (want qualifier:code, such as HC:G2083)`,
			`segment 34 (byte 947): SVC01 has no procedure code (want qualifier:code, such as HC:G2083)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := read835File(t, sample(t, tt.file))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if diff := cmp.Diff(tt.claims, lines(res.claims)); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			if len(res.remits) != 1 {
				t.Fatalf("%d remittances, want 1", len(res.remits))
			}
			rm := res.remits[0]
			if rm.Payment.Amount != tt.payment || rm.Payer.Name != tt.payer || rm.Imbalance() != 0 {
				t.Errorf("remittance: paid %d by %q, imbalance %d; want %d by %q, balanced", rm.Payment.Amount, rm.Payer.Name, rm.Imbalance(), tt.payment, tt.payer)
			}
			if diff := cmp.Diff(tt.problems, problems(res.summary.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// One claim in full, from the sample where every field is present.
func TestRead835SampleClaimDetail(t *testing.T) {
	res := read835File(t, sample(t, "lfh-secondary-payment.835"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	got := res.claims[1]
	want := &x12.ClaimPayment{
		Segment: 24, Offset: 682, HeaderNumber: "2",
		PatientControlNumber: "0001000053", Status: "2", Billed: 75150, Paid: 31000, PatientResponsibility: 22000,
		FilingIndicator: "12", PayerClaimNumber: "05630626430",
		Patient:       x12.Entity{Code: "QC", Last: "BAKI", First: "ANGI", IDQualifier: "MI", ID: "456789123"},
		Rendering:     x12.Entity{Code: "82", Last: "SMITH JONES PA", IDQualifier: "BS", ID: "34426"},
		StatementFrom: ketacover.MustDate("2005-01-06"), StatementTo: ketacover.MustDate("2005-01-06"),
		Services: []x12.ServicePayment{
			{Segment: 29, Offset: 846, Procedure: x12.Procedure{Qualifier: "HC>12345>26"}, Billed: 16650, Paid: 3000, Units: "1.00",
				ServiceDate: ketacover.MustDate("2005-01-06"),
				Adjustments: []x12.Adjustment{{Group: "OA", Reason: "23", Amount: 13650}},
				Refs:        []x12.Ref{{Qualifier: "1B", Value: "43285"}},
				Amounts:     []x12.Amount{{Qualifier: "B6", Amount: 15000}}},
			{Segment: 34, Offset: 947, Procedure: x12.Procedure{Qualifier: "HC>66543>26"}, Billed: 58500, Paid: 28000, RevenueCode: "220", Units: "1.00",
				ServiceDate: ketacover.MustDate("2005-01-06"),
				Adjustments: []x12.Adjustment{{Group: "PR", Reason: "1", Amount: 15000}, {Group: "PR", Reason: "2", Amount: 7000}, {Group: "CO", Reason: "42", Amount: 8500}},
				Refs:        []x12.Ref{{Qualifier: "1B", Value: "43285"}},
				Amounts:     []x12.Amount{{Qualifier: "B6", Amount: 50000}}},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(x12.ClaimPayment{}, "Remittance"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("claim (-want +got):\n%s", diff)
	}
	if got.Remittance == nil || got.Remittance.Trace.Number != "0012524965" || got.Remittance.Date() != ketacover.MustDate("2005-04-12") {
		t.Errorf("claim's remittance: %+v", got.Remittance)
	}
}

func TestRead835Fixtures(t *testing.T) {
	tests := []struct {
		file     string
		claims   []claimLine
		payers   []string
		payments []int64
	}{
		{"multi-cas.835", []claimLine{
			{"KC-2026-0001", "1", "NWH26309000123", 118000, 41250, 6000, 2, 5, 0},
			{"KC-2026-0002", "4", "NWH26309000124", 150000, 0, 0, 2, 2, 0},
			{"KC-2026-0003", "1", "NWH26309000125", 30000, 27900, 0, 1, 6, 0},
		}, []string{"NORTHWIND HEALTH PLAN"}, []int64{69600}},
		{"reversal.835", []claimLine{
			{"KC-2026-0001", "22", "NWH26309000123", -118000, -41250, -6000, 2, 5, 0},
			{"KC-2026-0001", "1", "NWH26335000777", 118000, 47250, 6000, 2, 5, 0},
		}, []string{"NORTHWIND HEALTH PLAN"}, []int64{6000}},
		{"delims-newline.835", []claimLine{
			{"KC-2026-0010", "1", "NWH26309000200", 98000, 41250, 6000, 1, 2, 0},
		}, []string{"NORTHWIND HEALTH PLAN"}, []int64{41250}},
		{"multi-transaction.835", []claimLine{
			{"KC-2026-0001", "1", "NWH26309000123", 118000, 41250, 6000, 2, 5, 0},
			{"KC-2026-0002", "4", "NWH26309000124", 150000, 0, 0, 2, 2, 0},
			{"KC-2026-0003", "1", "NWH26309000125", 30000, 27900, 0, 1, 6, 0},
			{"KC-2026-0020", "4", "PH26310000001", 98000, 0, 0, 1, 1, 0},
		}, []string{"NORTHWIND HEALTH PLAN", "CASCADIA MUTUAL", "LAKESHORE CARE", "PRAIRIE HEALTH"}, []int64{41250, 0, 27900, 0}},
		{"missing-se.835", []claimLine{
			{"KC-2026-0001", "1", "NWH26309000123", 118000, 41250, 6000, 2, 5, 0},
			{"KC-2026-0002", "4", "NWH26309000124", 150000, 0, 0, 2, 2, 0},
		}, []string{"NORTHWIND HEALTH PLAN", "CASCADIA MUTUAL"}, []int64{41250, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := read835File(t, filepath.Join("testdata", tt.file))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if diff := cmp.Diff(tt.claims, lines(res.claims)); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			var payers []string
			var payments []int64
			for _, rm := range res.remits {
				payers = append(payers, rm.Payer.Name)
				payments = append(payments, rm.Payment.Amount)
				if rm.Imbalance() != 0 {
					t.Errorf("transaction %s does not balance: %d", rm.ControlNumber, rm.Imbalance())
				}
			}
			if diff := cmp.Diff(tt.payers, payers); diff != "" {
				t.Errorf("payers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.payments, payments); diff != "" {
				t.Errorf("payments (-want +got):\n%s", diff)
			}
		})
	}
}

// The esketamine claim of multi-cas.835 in full: a CAS with three PR
// triplets, a bundled E/M line with LQ remark, the prior authorization REF.
func TestRead835ClaimDetail(t *testing.T) {
	res := read835File(t, filepath.Join("testdata", "multi-cas.835"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := &x12.ClaimPayment{
		Segment: 18, Offset: 647, HeaderNumber: "1",
		PatientControlNumber: "KC-2026-0001", Status: "1", Billed: 118000, Paid: 41250, PatientResponsibility: 6000,
		FilingIndicator: "12", PayerClaimNumber: "NWH26309000123", FacilityCode: "11", FrequencyCode: "1",
		Patient:       x12.Entity{Code: "QC", Last: "DOE", First: "JANE", Middle: "Q", IDQualifier: "MI", ID: "NWH987654321"},
		Rendering:     x12.Entity{Code: "82", Last: "RIVERA", First: "ANA", IDQualifier: "XX", ID: "1234567893"},
		Refs:          []x12.Ref{{Qualifier: "G1", Value: "PA26-55501"}},
		StatementFrom: ketacover.MustDate("2026-10-20"), StatementTo: ketacover.MustDate("2026-10-20"), Received: ketacover.MustDate("2026-10-22"),
		Services: []x12.ServicePayment{
			{Segment: 25, Offset: 868, Procedure: x12.Procedure{Qualifier: "HC", Code: "G2083"}, Billed: 98000, Paid: 41250, Units: "1",
				ServiceDate: ketacover.MustDate("2026-10-20"), ControlNumber: "L1-0001",
				Adjustments: []x12.Adjustment{{Group: "CO", Reason: "45", Amount: 50750}, {Group: "PR", Reason: "1", Amount: 2000},
					{Group: "PR", Reason: "2", Amount: 3000}, {Group: "PR", Reason: "3", Amount: 1000}},
				Amounts: []x12.Amount{{Qualifier: "B6", Amount: 47250}}},
			{Segment: 31, Offset: 1006, Procedure: x12.Procedure{Qualifier: "HC", Code: "99214", Modifiers: []string{"25"}}, Billed: 20000, Units: "1",
				ServiceDate: ketacover.MustDate("2026-10-20"), ControlNumber: "L2-0001",
				Adjustments: []x12.Adjustment{{Group: "CO", Reason: "97", Amount: 20000}},
				Remarks:     []x12.Remark{{Code: "N20", List: "HE", Segment: "LQ"}}},
		},
	}
	if diff := cmp.Diff(want, res.claims[0], cmpopts.IgnoreFields(x12.ClaimPayment{}, "Remittance"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("claim (-want +got):\n%s", diff)
	}
	c3 := res.claims[2]
	wantCAS := []x12.Adjustment{{"CO", "45", 100, "1"}, {"CO", "253", 200, ""}, {"CO", "59", 300, ""}, {"CO", "97", 400, ""}, {"CO", "234", 500, ""}, {"CO", "16", 600, "2"}}
	if diff := cmp.Diff(wantCAS, c3.Services[0].Adjustments); diff != "" {
		t.Errorf("six-triplet CAS (-want +got):\n%s", diff)
	}
	c2 := res.claims[1]
	if diff := cmp.Diff([]x12.Remark{{Code: "N130", List: "HE", Segment: "MOA"}}, c2.Remarks); diff != "" {
		t.Errorf("MOA remarks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]x12.Remark{{Code: "N350", List: "HE", Segment: "LQ"}, {Code: "M119", List: "HE", Segment: "LQ"}}, c2.Services[1].Remarks); diff != "" {
		t.Errorf("LQ remarks (-want +got):\n%s", diff)
	}
	rm := res.remits[0]
	wantPLB := []x12.ProviderAdjustment{{Provider: "1234567893", FiscalPeriod: ketacover.MustDate("2026-12-31"), Reason: "L6", Reference: "INT-2026-11", Amount: -450}}
	if diff := cmp.Diff(wantPLB, rm.ProviderAdjustments); diff != "" {
		t.Errorf("PLB (-want +got):\n%s", diff)
	}
	if rm.TotalPaid != 69150 || rm.Claims != 3 || rm.Trace.Number != "EFT20261107A" || rm.Payment.Date != ketacover.MustDate("2026-11-07") {
		t.Errorf("remittance totals: %+v", rm)
	}
	if got := rm.Payee; got.Name != "HARBOR KETAMINE CLINIC" || got.ID != "1234567893" || got.Address.City != "SPRINGFIELD" || len(got.Refs) != 1 {
		t.Errorf("payee: %+v", got)
	}
	if got := rm.Payer.Contacts; len(got) != 2 || got[1].Numbers[1] != (x12.Ref{Qualifier: "EM", Value: "edi@example.com"}) {
		t.Errorf("payer contacts: %+v", got)
	}
}

func TestRead835Reversal(t *testing.T) {
	res := read835File(t, filepath.Join("testdata", "reversal.835"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	rev, corr := res.claims[0], res.claims[1]
	if !rev.Reversal() || corr.Reversal() {
		t.Errorf("Reversal() = %v, %v; want true, false", rev.Reversal(), corr.Reversal())
	}
	if corr.Ref("F8") != rev.PayerClaimNumber {
		t.Errorf("corrected claim's F8 %q does not point at the reversed claim %q", corr.Ref("F8"), rev.PayerClaimNumber)
	}
	if rev.Services[0].Units != "-1" || rev.Services[0].Adjustments[0].Amount != -50750 {
		t.Errorf("reversed line: %+v", rev.Services[0])
	}
}

func TestRead835Truncated(t *testing.T) {
	res := read835File(t, filepath.Join("testdata", "truncated.835"))
	if !x12.IsTruncated(res.err) {
		t.Fatalf("error %v, want a truncation error", res.err)
	}
	want := "segment 46 (byte 1324): input ends inside segment \"SVC*HC:J3490*90\": no segment terminator '~'; the file is truncated"
	if res.err.Error() != want {
		t.Errorf("error\n got %s\nwant %s", res.err, want)
	}
	// The claim that was complete is delivered; the cut one is not.
	if diff := cmp.Diff([]claimLine{{"KC-2026-0001", "1", "NWH26309000123", 118000, 41250, 6000, 2, 5, 0}}, lines(res.claims)); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	if len(res.remits) != 0 {
		t.Errorf("a truncated transaction was reported as complete")
	}
}

func TestRead835ContentProblems(t *testing.T) {
	head := isaStar + "GS*HP*S*R*20261105*0930*1*X*005010X221A1~ST*835*0001*005010X221A1~BPR*I*0*C*NON~"
	tests := []struct {
		name string
		body string // segments between BPR and SE
		want []string
	}{
		{"bad amount", "CLP*A1*1*12x.00*0**12~", []string{`segment 5 (byte 186): CLP03 total claim charge "12x.00": want a decimal amount such as 123.45`}},
		{"three decimals", "CLP*A1*1*10.005*0**12~", []string{`segment 5 (byte 186): CLP03 total claim charge "10.005": want a decimal amount such as 123.45`}},
		{"missing payment", "CLP*A1*1*10.00~", []string{`segment 5 (byte 186): CLP04 claim payment is missing`}},
		{"impossible date", "CLP*A1*1*0*0~DTM*232*20260230~", []string{`segment 6 (byte 199): DTM02 date "20260230": want a date as CCYYMMDD`}},
		{"CAS outside a claim", "CAS*CO*45*10.00~", []string{`segment 5 (byte 186): CAS outside a claim`}},
		{"SVC outside a claim", "SVC*HC:G2083*10*0~", []string{`segment 5 (byte 186): SVC outside a claim`}},
		{"bad group code", "CLP*A1*1*10*0~CAS*OI*45*10~", []string{`segment 6 (byte 200): CAS01 group code "OI" is not CO, PR, OA, PI or CR`}},
		{"CAS without reason", "CLP*A1*1*10*0~CAS*CO~", []string{`segment 6 (byte 200): CAS has no reason code`}},
		{"empty patient control number", "CLP**1*10*0~", []string{`segment 5 (byte 186): CLP01 patient control number is empty`}},
		{"line date at claim level is kept", "CLP*A1*1*0*0~DTM*036*20261231~", nil},
		{"claim date at line level", "CLP*A1*1*0*0~SVC*HC:G2083*0*0~DTM*232*20261020~", []string{`segment 7 (byte 216): DTM*232 is not a service line date (472, 150, 151)`}},
		// Segments decoded straight from their bytes still get the
		// tokenizer's checks and the same problems as split ones.
		{"NUL in a segment ID", "CLP*A1*1*0*0~CL\x00*X~", []string{`segment 6 (byte 199): segment ID "CL\x00" is not 2 or 3 letters or digits`}},
		{"four-letter segment ID", "CLP*A1*1*0*0~CLPX*A2~", []string{`segment 6 (byte 199): segment ID "CLPX" is not 2 or 3 letters or digits`}},
		{"CAS amount without a reason", "CLP*A1*1*10*0~CAS*CO**10~", []string{`segment 6 (byte 200): CAS03 amount without a reason code`, `segment 6 (byte 200): CAS has no reason code`}},
		{"CAS seventh triplet ignored", "CLP*A1*1*7*0~CAS*CO*1*1**2*1**3*1**4*1**5*1**6*1**7*1~", nil},
		{"short segments", "CLP*A1*1*0*0~NM1*QC~DTM*232~", []string{`segment 7 (byte 206): DTM02 date "": want a date as CCYYMMDD`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := strings.Count(tt.body, "~") + 3
			in := head + tt.body + "SE*" + itoa(n) + "*0001~GE*1*1~IEA*1*000000001~"
			res := read835(t, strings.NewReader(in))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if diff := cmp.Diff(tt.want, problems(res.summary.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// A non-835 transaction set is skipped with a problem, not misread.
func TestRead835SkipsOtherTransactions(t *testing.T) {
	res := read835File(t, sample(t, "lfh-subscriber-health-benefit-check.271"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.claims) != 0 || res.summary.Transactions != 0 {
		t.Errorf("read %d claims, %d transactions from a 271", len(res.claims), res.summary.Transactions)
	}
	if diff := cmp.Diff([]string{"segment 3 (byte 161): transaction set 271 skipped: not an 835"}, problems(res.summary.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// An error from the handler stops reading and comes back unchanged.
func TestRead835HandlerError(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	f, err := os.Open(filepath.Join("testdata", "multi-cas.835"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = x12.Read835(f, x12.Handler835{Claim: func(c *x12.ClaimPayment) error { n++; return stop }})
	if err != stop || n != 1 {
		t.Errorf("err %v after %d claims, want %v after 1", err, n, stop)
	}
}

func TestParseCents(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"541.00", 54100, true}, {"-9.00", -900, true}, {"945", 94500, true}, {".5", 50, true}, {"5.", 500, true},
		{"0", 0, true}, {"10323.64", 1032364, true}, {"1.230", 123, true}, {"-0.01", -1, true},
		{"999999999999999.99", 99999999999999999, true},
		{"", 0, false}, {"-", 0, false}, {".", 0, false}, {"1.234", 0, false}, {"1,000.00", 0, false},
		{"+5", 0, false}, {"1e3", 0, false}, {"1.2.3", 0, false}, {"1000000000000000", 0, false}, {" 5", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := x12.ParseCents([]byte(tt.in))
			if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
				t.Errorf("ParseCents(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"20261105", "2026-11-05"}, {"20240229", "2024-02-29"}, {"20000229", "2000-02-29"},
		{"20250229", ""}, {"19000229", ""}, {"20261305", ""}, {"20261100", ""}, {"2026110", ""}, {"2026-11-05", ""}, {"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := x12.ParseDate([]byte(tt.in))
			if tt.want == "" {
				if err == nil {
					t.Errorf("ParseDate(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

// Clone survives the reader's reuse of its claim value.
func TestClaimCloneIsIndependent(t *testing.T) {
	var kept, seen []*x12.ClaimPayment
	f, err := os.Open(filepath.Join("testdata", "multi-cas.835"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = x12.Read835(f, x12.Handler835{Claim: func(c *x12.ClaimPayment) error {
		kept = append(kept, c.Clone())
		seen = append(seen, c)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if seen[0] != seen[2] {
		t.Fatalf("the reader is expected to reuse its claim value")
	}
	if kept[0].PatientControlNumber != "KC-2026-0001" || kept[0].Services[0].Procedure.Code != "G2083" || len(kept[0].Services) != 2 {
		t.Errorf("clone changed after reading on: %+v", kept[0])
	}
}
