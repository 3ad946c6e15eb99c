package x12_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/x12"
)

// batch271 generates a 271 batch of n subscribers, each with the 16
// benefit segments of testdata/271/mh-self.271 (deductible and
// out-of-pocket amounts and remaining in and out of network, coinsurance,
// authorization flags, a limitation), in one transaction set with a valid
// envelope. It is built at bench time, never committed.
func batch271(n int) []byte {
	var b bytes.Buffer
	segs := 0
	seg := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteString("~\n")
		segs++
	}
	b.WriteString(isaStar + "\n")
	b.WriteString("GS*HB*NWHPAYER*KETACLINIC*20261120*0915*1*X*005010X279A1~\n")
	segs = 0
	seg("ST*271*0001*005010X279A1")
	seg("BHT*0022*11*BATCH*20261120*0915")
	seg("HL*1**20*1")
	seg("NM1*PR*2*NORTHWIND HEALTH PLAN*****PI*NWH01")
	seg("HL*2*1*21*1")
	seg("NM1*1P*2*HARBOR KETAMINE CLINIC*****XX*1234567893")
	const p = "NORTHWIND PPO 2000"
	for i := range n {
		seg("HL*%d*2*22*0", i+3)
		seg("TRN*2*KC-%08d*1234567893", i)
		seg("NM1*IL*1*DOE*JANE****MI*NWH%09d", i)
		seg("DMG*D8*19850314*F")
		seg("DTP*346*D8*20260101")
		seg("EB*1*IND*30^MH^A8*PR*%s", p)
		for _, net := range []string{"Y", "N"} {
			seg("EB*C*IND*MH^A8*PR*%s*23*%d.00*****%s", p, 2000+i%7*100, net)
			seg("EB*C*IND*MH^A8*PR*%s*29*%d.50*****%s", p, 1000+i%13*10, net)
			seg("EB*G*IND*MH^A8*PR*%s*23*5000.00*****%s", p, net)
			seg("EB*G*IND*MH^A8*PR*%s*29*%d.00*****%s", p, 4000-i%11*10, net)
		}
		seg("EB*A*IND*MH^A8*PR*%s***0.2****Y", p)
		seg("EB*A*IND*MH^A8*PR*%s***0.4****N", p)
		seg("EB*1*IND*MH*PR*%s******Y*Y", p)
		seg("MSG*PRIOR AUTHORIZATION REQUIRED FOR OUTPATIENT MENTAL HEALTH SERVICES")
		seg("EB*1*IND*MH*PR*%s******Y*Y*HC:G2083", p)
		seg("EB*F*IND*MH*PR*%s*23***VS*20**Y", p)
	}
	fmt.Fprintf(&b, "SE*%d*0001~\nGE*1*1~\nIEA*1*000000001~\n", segs+1)
	return b.Bytes()
}

// BenchmarkRead271 reads a batch of 20,000 members (about 18 MB): the
// tokenizer, the envelope checks and the member loops.
func BenchmarkRead271(b *testing.B) {
	data := batch271(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		members := 0
		sum, err := x12.Read271(bytes.NewReader(data), x12.Handler271{Member: func(*x12.Eligibility) error { members++; return nil }})
		if err != nil || len(sum.Problems) != 0 || members != 20000 {
			b.Fatalf("err %v, problems %v, %d members", err, sum.Problems, members)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/20000, "ns/member")
}

// BenchmarkCoverage271 maps one member's benefits for MH to figures and
// applies them to plan benefits: what "eligibility read --case" does once.
func BenchmarkCoverage271(b *testing.B) {
	var e *x12.Eligibility
	if _, err := x12.Read271(bytes.NewReader(batch271(1)), x12.Handler271{Member: func(m *x12.Eligibility) error { e = m; return nil }}); err != nil || e == nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := e.Coverage("MH")
		var bn ketacover.Benefits
		var a ketacover.Accumulators
		c.Apply(&bn, &a)
		if len(c.Figures) != 14 {
			b.Fatalf("%d figures", len(c.Figures))
		}
	}
}

// BenchmarkWrite278 writes one 278 request from a case.
func BenchmarkWrite278(b *testing.B) {
	c := case278()
	b.ReportAllocs()
	for b.Loop() {
		r, err := x12.ServicesReviewFor(c, opts278)
		if err != nil {
			b.Fatal(err)
		}
		if err := x12.Write278(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
