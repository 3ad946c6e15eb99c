// Package x12gen writes synthetic, valid and balanced X12 835 remittance
// advice files of any size, for benchmarks and tests of the x12 readers.
//
// Every claim balances (CLP03 - CLP04 = claim and line CAS), every line
// balances (SVC02 - SVC03 = line CAS), every transaction balances (BPR02 =
// sum of CLP04 - PLB) and every envelope count and control number matches.
// The content is fictional: made-up clinics, payers, patients and numbers in
// the shape of ketamine and esketamine (Spravato) billing.
package x12gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// Config says what to write.
type Config struct {
	// Size is the approximate size in bytes: transactions are written until
	// the output reaches it. Zero writes one transaction.
	Size int64
	// Seed makes the output reproducible.
	Seed uint64
	// ClaimsPerTransaction is the number of claims in each ST...SE; 0 means
	// 2000 (a large payer's weekly remittance to one clinic).
	ClaimsPerTransaction int
	// Element, Component, Repetition and Segment are the delimiters; zero
	// values mean * : ^ ~.
	Element, Component, Repetition, Segment byte
	// LineBreaks adds a newline after each segment terminator.
	LineBreaks bool
}

// Stats describes what Write835 wrote.
type Stats struct {
	Bytes        int64
	Segments     int
	Transactions int
	Claims       int
	Services     int
	Paid         int64 // sum of CLP04, in cents
}

type gen struct {
	w            *bufio.Writer
	cfg          Config
	rng          *rand.Rand
	seg          []byte
	st           Stats
	stCount      int // segments in the open transaction
	err          error
	claimCounter int
}

// Write835 writes one interchange with one functional group of 835
// transactions to w.
func Write835(w io.Writer, cfg Config) (Stats, error) {
	if cfg.ClaimsPerTransaction <= 0 {
		cfg.ClaimsPerTransaction = 2000
	}
	if cfg.Element == 0 {
		cfg.Element, cfg.Component, cfg.Repetition, cfg.Segment = '*', ':', '^', '~'
	}
	g := &gen{w: bufio.NewWriterSize(w, 1<<16), cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
	g.interchange()
	if g.err == nil {
		g.err = g.w.Flush()
	}
	if g.err != nil {
		return g.st, fmt.Errorf("write 835: %w", g.err)
	}
	return g.st, nil
}

func (g *gen) interchange() {
	e := g.cfg.Element
	isa := fmt.Sprintf("ISA%c00%c          %c00%c          %cZZ%cSYNTHPAYER     %cZZ%cSYNTHCLINIC    %c261105%c0930%c%c%c00501%c000000001%c0%cT%c%c",
		e, e, e, e, e, e, e, e, e, e, e, g.cfg.Repetition, e, e, e, e, e, g.cfg.Component)
	g.raw(isa)
	g.start("GS").s("HP").s("SYNTHPAYER").s("SYNTHCLINIC").s("20261105").s("0930").s("1").s("X").s("005010X221A1").end()
	n := 0
	for {
		n++
		g.transaction(n)
		if g.err != nil || g.st.Bytes >= g.cfg.Size {
			break
		}
	}
	g.start("GE").i(int64(n)).s("1").end()
	g.start("IEA").s("1").s("000000001").end()
}

// Payers and procedure mixes: fictional names; codes are the ones ketamine
// and esketamine clinics bill (G2082/G2083 Spravato sessions, 96365/96366
// infusions, J3490 unlisted drug, 99214 E/M, 90837 psychotherapy).
var payers = []string{"NORTHWIND HEALTH PLAN", "CASCADIA MUTUAL", "LAKESHORE CARE", "PRAIRIE HEALTH"}

func (g *gen) transaction(n int) {
	g.st.Transactions++
	g.stCount = 0
	ctrl := fmt.Sprintf("%04d", n%10000)
	g.start("ST").s("835").s(ctrl).s("005010X221A1").end()
	// BPR02 is known only after the claims; write the claims into a side
	// buffer first so that the payment amount leads, as it must.
	main := g.w
	var body bufWriter
	g.w = bufio.NewWriterSize(&body, 1<<16)
	claims := g.cfg.ClaimsPerTransaction
	var paid int64
	g.start("LX").s("1").end()
	for c := 0; c < claims; c++ {
		paid += g.claim()
	}
	var interest int64 = int64(g.rng.IntN(500))
	g.start("PLB").s("1234567893").s("20261231").c("L6", "INT"+ctrl).m(-interest).end()
	g.w.Flush()
	g.w = main
	bodySegs := g.stCount - 1
	g.stCount = 1
	date := g.date(300)
	g.start("BPR").s("I").m(paid + interest).s("C").s("ACH").s("CCP").s("01").s("999999992").s("DA").s("123456").s("1512345678").s("").s("01").s("999988880").s("DA").s("98765").s(date).end()
	g.start("TRN").s("1").s("EFT" + ctrl + date).s("1512345678").end()
	g.start("DTM").s("405").s(date).end()
	g.start("N1").s("PR").s(payers[n%len(payers)]).end()
	g.start("N3").s("100 EXAMPLE WAY").end()
	g.start("N4").s("SPRINGFIELD").s("IL").s("62701").end()
	g.start("PER").s("CX").s("PROVIDER SERVICES").s("TE").s("8005550100").end()
	g.start("N1").s("PE").s("SYNTHETIC KETAMINE CLINIC").s("XX").s("1234567893").end()
	g.start("REF").s("TJ").s("123456789").end()
	if g.err == nil {
		_, g.err = g.w.Write(body.b) // already counted in st.Bytes
	}
	g.stCount += bodySegs
	g.st.Paid += paid
	g.start("SE").i(int64(g.stCount + 1)).s(ctrl).end()
}

type bufWriter struct{ b []byte }

func (b *bufWriter) Write(p []byte) (int, error) { b.b = append(b.b, p...); return len(p), nil }

type line struct {
	code, mod string
	billed    int64
	adj       []adj
	paid      int64
	remark    string
}

type adj struct {
	group, reason string
	amount        int64
}

// claim writes one claim and returns its CLP04.
func (g *gen) claim() int64 {
	g.claimCounter++
	r := g.rng
	kind := r.IntN(20)
	var lines []line
	status := "1"
	switch {
	case kind < 9: // Spravato session paid with cost sharing
		code := "G2083"
		if r.IntN(3) == 0 {
			code = "G2082"
		}
		lines = append(lines, g.paidLine(code, "", 90000+int64(r.IntN(40000))))
		if r.IntN(3) == 0 {
			l := line{code: "99214", mod: "25", billed: 20000}
			l.adj = []adj{{"CO", "97", l.billed}}
			l.remark = "N20"
			lines = append(lines, l)
		}
	case kind < 12: // IV ketamine infusion denied as not medically necessary or investigational
		status = "4"
		reason, remark := "50", "N180"
		if r.IntN(2) == 0 {
			reason, remark = "55", "N623"
		}
		lines = append(lines, g.deniedLine("96365", reason, remark, 60000), g.deniedLine("96366", reason, remark, 25000))
		lines = append(lines, g.deniedLine("J3490", "16", "N350", 45000))
	case kind < 14: // no prior authorization on file
		status = "4"
		lines = append(lines, g.deniedLine("G2083", "197", "M62", 98000))
	case kind < 16: // psychotherapy with deductible
		lines = append(lines, g.paidLine("90837", "", 25000+int64(r.IntN(10000))))
	case kind < 18: // benefit limit reached
		status = "4"
		lines = append(lines, g.deniedLine("G2083", "119", "N362", 98000))
	default: // reversal of an earlier payment
		status = "22"
		l := g.paidLine("G2083", "", 98000)
		l.billed, l.paid = -l.billed, -l.paid
		for i := range l.adj {
			l.adj[i].amount = -l.adj[i].amount
		}
		lines = append(lines, l)
	}
	var billed, paid, pr int64
	for _, l := range lines {
		billed += l.billed
		paid += l.paid
		for _, a := range l.adj {
			if a.group == "PR" {
				pr += a.amount
			}
		}
	}
	pcn := "SYN" + strconv.Itoa(g.claimCounter)
	from := g.date(280)
	g.start("CLP").s(pcn).s(status).m(billed).m(paid).m(pr).s("12").s("PAY" + strconv.Itoa(1000000000+g.claimCounter)).s("11").s("1").end()
	g.start("NM1").s("QC").s("1").s(lastNames[r.IntN(len(lastNames))]).s(firstNames[r.IntN(len(firstNames))]).s("").s("").s("").s("MI").s("M" + strconv.Itoa(100000000+r.IntN(900000000))).end()
	g.start("NM1").s("82").s("1").s("RIVERA").s("ANA").s("").s("").s("").s("XX").s("1234567893").end()
	if status == "4" && r.IntN(2) == 0 {
		g.start("MOA").s("").s("").s("N130").end()
	}
	g.start("DTM").s("232").s(from).end()
	g.start("DTM").s("233").s(from).end()
	for i, l := range lines {
		g.start("SVC")
		if l.mod != "" {
			g.c("HC", l.code, l.mod)
		} else {
			g.c("HC", l.code)
		}
		units := "1"
		if l.billed < 0 {
			units = "-1"
		}
		g.m(l.billed).m(l.paid).s("").s(units).end()
		g.start("DTM").s("472").s(from).end()
		for _, a := range groupAdjustments(l.adj) {
			g.start("CAS").s(a[0].group)
			for k, t := range a {
				if k > 0 {
					g.s("") // no quantity
				}
				g.s(t.reason).m(t.amount)
			}
			g.end()
		}
		g.start("REF").s("6R").s(pcn + "-" + strconv.Itoa(i+1)).end()
		if l.paid != 0 {
			g.start("AMT").s("B6").m(l.billed - sumGroup(l.adj, "CO")).end()
		}
		if l.remark != "" {
			g.start("LQ").s("HE").s(l.remark).end()
		}
		g.st.Services++
	}
	g.st.Claims++
	return paid
}

// groupAdjustments puts adjustments of the same group into one CAS, as
// payers do (CAS*PR*1*20.00**2*30.00).
func groupAdjustments(as []adj) [][]adj {
	var out [][]adj
	for _, a := range as {
		if n := len(out); n > 0 && out[n-1][0].group == a.group && len(out[n-1]) < 6 {
			out[n-1] = append(out[n-1], a)
			continue
		}
		out = append(out, []adj{a})
	}
	return out
}

func sumGroup(as []adj, group string) int64 {
	var t int64
	for _, a := range as {
		if a.group == group {
			t += a.amount
		}
	}
	return t
}

func (g *gen) paidLine(code, mod string, billed int64) line {
	r := g.rng
	allowed := billed * int64(40+r.IntN(40)) / 100
	ded := int64(0)
	if r.IntN(4) == 0 {
		ded = min(allowed/2, int64(r.IntN(30000)))
	}
	coins := (allowed - ded) * int64(r.IntN(3)*10) / 100
	copay := int64(0)
	if r.IntN(3) == 0 {
		copay = min(allowed-ded-coins, 2500)
	}
	l := line{code: code, mod: mod, billed: billed}
	l.adj = append(l.adj, adj{"CO", "45", billed - allowed})
	for _, a := range []adj{{"PR", "1", ded}, {"PR", "2", coins}, {"PR", "3", copay}} {
		if a.amount > 0 {
			l.adj = append(l.adj, a)
		}
	}
	l.paid = allowed - ded - coins - copay
	return l
}

func (g *gen) deniedLine(code, reason, remark string, billed int64) line {
	return line{code: code, billed: billed, adj: []adj{{"CO", reason, billed}}, remark: remark}
}

var (
	lastNames  = []string{"DOE", "ROE", "POE", "LOE", "MOE", "SMITH", "GARCIA", "NGUYEN", "OKAFOR", "KOWALSKI"}
	firstNames = []string{"JANE", "JOHN", "ALEX", "SAM", "MARIA", "WEI", "AMARA", "PIOTR", "LENA", "OMAR"}
)

// date returns a date within n days after 2026-01-01 as CCYYMMDD.
func (g *gen) date(n int) string {
	d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rng.IntN(n))
	return d.Format("20060102")
}

// Segment writing: start, then elements, then end.

func (g *gen) start(id string) *gen {
	g.seg = append(g.seg[:0], id...)
	return g
}

func (g *gen) s(v string) *gen {
	g.seg = append(g.seg, g.cfg.Element)
	g.seg = append(g.seg, v...)
	return g
}

func (g *gen) i(v int64) *gen {
	g.seg = append(g.seg, g.cfg.Element)
	g.seg = strconv.AppendInt(g.seg, v, 10)
	return g
}

// m writes cents as a decimal amount with two places.
func (g *gen) m(cents int64) *gen {
	g.seg = append(g.seg, g.cfg.Element)
	if cents < 0 {
		g.seg = append(g.seg, '-')
		cents = -cents
	}
	g.seg = strconv.AppendInt(g.seg, cents/100, 10)
	g.seg = append(g.seg, '.', byte('0'+cents%100/10), byte('0'+cents%10))
	return g
}

// c writes a composite element.
func (g *gen) c(parts ...string) *gen {
	g.seg = append(g.seg, g.cfg.Element)
	for i, p := range parts {
		if i > 0 {
			g.seg = append(g.seg, g.cfg.Component)
		}
		g.seg = append(g.seg, p...)
	}
	return g
}

func (g *gen) end() {
	g.seg = append(g.seg, g.cfg.Segment)
	if g.cfg.LineBreaks {
		g.seg = append(g.seg, '\n')
	}
	g.write(g.seg)
	g.stCount++
	g.st.Segments++
}

func (g *gen) raw(s string) {
	b := append([]byte(s), g.cfg.Segment)
	if g.cfg.LineBreaks {
		b = append(b, '\n')
	}
	g.write(b)
	g.st.Segments++
}

func (g *gen) write(b []byte) {
	if g.err != nil {
		return
	}
	n, err := g.w.Write(b)
	g.st.Bytes += int64(n)
	g.err = err
}
