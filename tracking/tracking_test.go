package tracking

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/sqlite"
)

var ctx = context.Background()

const remit = `ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *261020*1200*^*00501*000000101*0*P*:~
GS*HP*PAYER*CLINIC*20261020*1200*101*X*005010X221A1~
ST*835*0001~
BPR*I*450.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988888*DA*98765*20261020~
TRN*1*12345*1512345678~
DTM*405*20261019~
N1*PR*EXAMPLE HEALTH PLAN~
N1*PE*EXAMPLE CLINIC*XX*1234567893~
CLP*CLM-77*4*1180.00*0.00*0.00*12*PAYCLM1~
CAS*CO*50*1180.00~
NM1*QC*1*RUIZ*ANA~
CLP*ACCT-1001*1*600.00*450.00*150.00*12*PAYCLM2~
CAS*PR*1*150.00~
NM1*QC*1*RUIZ*ANA~
CLP*ZZZ-9*4*100.00*0.00*0.00*12*PAYCLM3~
CAS*CO*16*100.00~
NM1*QC*1*DOE*JOHN~
SE*16*0001~
GE*1*101~
IEA*1*000000101~
`

func store(t *testing.T) *sqlite.DB {
	t.Helper()
	d, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "k.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	c, err := casefile.Parse("case.yaml", []byte("id: ACCT-1001\npatient: {name: Ana Ruiz, birth_date: 1980-01-01, state: OH}\nplan: {payer: Example Health Plan, type: erisa-self-funded}\ntherapy: {drug: ketamine-iv, indication: trd}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateCase(ctx, c, "tester", ketacover.SourceCLI); err != nil {
		t.Fatal(err)
	}
	e := &ketacover.Event{CaseID: "ACCT-1001", Kind: ketacover.EventClaimSubmitted, Date: ketacover.MustDate("2026-10-05"), Actor: "tester", Source: ketacover.SourceCLI, Details: ketacover.Details{Reference: "CLM-77"}}
	if err := d.Append(ctx, e, nil); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestImportERA: the denial and the payment land on the case the claim
// references name, the stranger's claim is listed as unmatched, and a
// second import records nothing.
func TestImportERA(t *testing.T) {
	d := store(t)
	im, err := ImportERA(ctx, d, strings.NewReader(remit), ImportOptions{Actor: "biller"})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Claim, Case, Kind, Class, Refused string }
	var got []row
	for _, o := range im.Outcomes {
		r := row{Claim: o.Claim, Case: o.CaseID, Refused: o.Refused}
		if o.Event != nil {
			r.Kind, r.Class = string(o.Event.Kind), o.Event.Details.DenialClass
		}
		got = append(got, r)
	}
	want := []row{
		{"CLM-77", "ACCT-1001", "claim-denied", "medical-necessity", ""},
		{"ACCT-1001", "ACCT-1001", "claim-paid", "", ""},
		{"ZZZ-9", "", "", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ACCT-1001"}, im.Denials()); diff != "" {
		t.Errorf("denials (-want +got):\n%s", diff)
	}
	den := im.Outcomes[0].Event
	if den.Date != ketacover.MustDate("2026-10-19") || den.Actor != "biller" || den.Source != ketacover.SourceImport || den.Details.AmountCents != 118000 || den.Details.CARC[0] != "50" {
		t.Errorf("denial event %+v", den)
	}

	again, err := ImportERA(ctx, d, strings.NewReader(remit), ImportOptions{Actor: "biller"})
	if err != nil {
		t.Fatal(err)
	}
	if rec, ref, un := again.Counts(); rec != 0 || ref != 2 || un != 1 || !strings.Contains(again.Outcomes[0].Refused, "already imported") {
		t.Errorf("second import: %d recorded, %d refused (%q), %d unmatched", rec, ref, again.Outcomes[0].Refused, un)
	}
}

func TestImportERANotX12(t *testing.T) {
	d := store(t)
	im, err := ImportERA(ctx, d, strings.NewReader("hello, this is not a remittance"), ImportOptions{Actor: "biller"})
	if ketacover.ErrorCode(err) != ketacover.EINVALID || im == nil || len(im.Outcomes) != 0 {
		t.Errorf("not X12: %v, %+v; want EINVALID and no outcomes", err, im)
	}
}

func TestCalendar(t *testing.T) {
	ds := []ketacover.Deadline{{CaseID: "ACCT-1001", Step: "appeal-filing", Label: "file the internal appeal", Who: "claimant", Due: ketacover.MustDate("2027-04-17"), Explanation: "180 days.", RuleID: "erisa-appeal-filing", Trigger: ketacover.EventClaimDenied}}
	var b bytes.Buffer
	if _, err := Calendar(ds, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"UID:case-ACCT-1001.erisa-appeal-filing.claim-denied@ketacover", "DTSTART;VALUE=DATE:20270417", "SUMMARY:file the internal appeal — case ACCT-1001", "TRIGGER:-P7D"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("calendar lacks %q:\n%s", want, b.String())
		}
	}
}
