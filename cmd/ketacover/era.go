package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/tracking"
	"github.com/ketacover/ketacover/x12"
)

const eraUsage = `era read FILE [--json]
       era import FILE [--received DATE] [--db DB]

Reads an X12 835 remittance advice (005010X221A1) and shows each claim: what
was billed and paid, every adjustment with its group code, CARC and remark
codes, and what kind of denial it is with the next action. --json prints one
JSON object per claim (JSON lines); amounts are integer cents. Envelope and
content problems are printed to standard error with their segment number and
byte offset; a file that is not X12 or is cut short exits with status 2 after
the claims read before the error. Not legal advice.

` + eraImportUsage

// runEra dispatches the era subcommands.
func runEra(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: read or import")
	}
	switch args[0] {
	case "read":
		return runEraRead(ctx, e, args[1:])
	case "import":
		return runEraImport(ctx, e, args[1:])
	}
	return usagef("unknown era subcommand %q; want read or import", args[0])
}

// eraClaim is one JSON line of "era read --json": the claim as the 835
// states it, the transaction it came in, and our classification of each
// adjustment.
type eraClaim struct {
	Remittance eraRemittance `json:"remittance"`
	*x12.ClaimPayment
	Imbalance  int64           `json:"imbalance,omitempty"` // CLP03 - CLP04 - CAS; nonzero means the claim does not balance
	Classified []eraAdjustment `json:"classified"`
}

type eraRemittance struct {
	ControlNumber string         `json:"controlNumber"`
	Payer         string         `json:"payer"`
	Payee         string         `json:"payee"`
	PayeeID       string         `json:"payeeId,omitempty"`
	Method        string         `json:"method"`
	Amount        int64          `json:"amount"`
	Trace         string         `json:"trace"`
	Date          ketacover.Date `json:"date,omitzero"` // production date, else payment date: the earliest an appeal clock can start
}

// eraAdjustment is one adjustment with its classification. The code
// tables' sources are left out of the JSON lines (they are the same on
// every line); "ketacover denial" and the denial package carry them.
type eraAdjustment struct {
	Line           int           `json:"line,omitempty"` // 1-based service line; 0 for the claim level
	Procedure      string        `json:"procedure,omitempty"`
	Amount         int64         `json:"amount"`
	Group          string        `json:"group"`
	CARC           string        `json:"carc"`
	RARCs          []string      `json:"rarcs,omitempty"`
	Class          denial.Class  `json:"class,omitempty"`
	Action         denial.Action `json:"action"`
	Denial         bool          `json:"denial"`
	ExternalReview bool          `json:"externalReview,omitempty"`
	NoAppealRights bool          `json:"noAppealRights,omitempty"`
	Reason         string        `json:"reason"`
}

// classifier classifies a remittance's adjustments, remembering the
// answers (denial.Memo).
type classifier struct{ memo denial.Memo }

func (cl *classifier) classify(line int, proc string, a x12.Adjustment, rarcs []string) eraAdjustment {
	r := cl.memo.Classify(a.Group, a.Reason, rarcs)
	return eraAdjustment{Line: line, Procedure: proc, Amount: a.Amount, Group: r.Group, CARC: r.CARC, RARCs: r.RARCs,
		Class: r.Class, Action: r.Action, Denial: r.Denial, ExternalReview: r.ExternalReview, NoAppealRights: r.NoAppealRights, Reason: r.Reason}
}

func runEraRead(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "era read")
	asJSON := fs.Bool("json", false, "print one JSON object per claim")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one 835 FILE, got %d argument(s)", len(pos))
	}
	name := pos[0]
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such file", name)
		}
		return ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
	}
	defer f.Close()

	var (
		buf  bytes.Buffer
		last *x12.Remittance
		cl   classifier
	)
	// Each claim is rendered into buf and written whole, so the output is
	// never a half-written line even when reading stops at an error.
	flush := func() error {
		_, err := e.stdout.Write(buf.Bytes())
		buf.Reset()
		return err
	}
	h := x12.Handler835{
		Claim: func(c *x12.ClaimPayment) error {
			ec := cl.claim(c)
			if *asJSON {
				if err := json.NewEncoder(&buf).Encode(ec); err != nil {
					return fmt.Errorf("encode claim %s: %w", c.PatientControlNumber, err)
				}
			} else {
				if c.Remittance != last {
					writeRemittanceHeader(&buf, c.Remittance)
					last = c.Remittance
				}
				writeClaimText(&buf, ec)
			}
			return flush()
		},
		Remittance: func(rm *x12.Remittance) error {
			if *asJSON {
				return nil
			}
			if rm != last {
				writeRemittanceHeader(&buf, rm)
				last = rm
			}
			writeRemittanceTotals(&buf, rm)
			return flush()
		},
	}
	sum, err := x12.Read835(f, h)
	for _, p := range sum.Problems {
		fmt.Fprintf(e.stderr, "warning: %s: %s\n", name, p)
	}
	if n := sum.ProblemCount - len(sum.Problems); n > 0 {
		fmt.Fprintf(e.stderr, "warning: %s: %d more problems not shown\n", name, n)
	}
	if err != nil {
		var se *x12.SyntaxError
		if errors.As(err, &se) {
			return ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if !*asJSON {
		fmt.Fprintf(&buf, "%s: %d transaction(s), %d claim(s), %d service line(s), %d problem(s). Not legal advice.\n",
			name, sum.Transactions, sum.Claims, sum.Services, sum.ProblemCount)
		if sum.Transactions == 0 {
			fmt.Fprintf(&buf, "no 835 transaction set found\n")
		}
		return flush()
	}
	return nil
}

// claim pairs each adjustment with the remark codes that explain it: the
// line's LQ remarks and the claim's MOA/MIA remarks.
func (cl *classifier) claim(c *x12.ClaimPayment) eraClaim {
	ec := eraClaim{ClaimPayment: c, Imbalance: c.Imbalance(), Classified: []eraAdjustment{}}
	if rm := c.Remittance; rm != nil {
		ec.Remittance = eraRemittance{ControlNumber: rm.ControlNumber, Payer: rm.Payer.Name, Payee: rm.Payee.Name, PayeeID: rm.Payee.ID,
			Method: rm.Payment.Method, Amount: rm.Payment.Amount, Trace: rm.Trace.Number, Date: rm.Date()}
	}
	claimRemarks := x12.RARCs(c.Remarks)
	for _, a := range c.Adjustments {
		ec.Classified = append(ec.Classified, cl.classify(0, "", a, claimRemarks))
	}
	for i := range c.Services {
		s := &c.Services[i]
		remarks := append(x12.RARCs(s.Remarks), claimRemarks...)
		for _, a := range s.Adjustments {
			ec.Classified = append(ec.Classified, cl.classify(i+1, procedureText(s.Procedure), a, remarks))
		}
	}
	return ec
}

func procedureText(p x12.Procedure) string {
	parts := append([]string{p.Qualifier, p.Code}, p.Modifiers...)
	return strings.TrimRight(strings.Join(parts, ":"), ":")
}

func writeRemittanceHeader(w io.Writer, rm *x12.Remittance) {
	payee := rm.Payee.Name
	if rm.Payee.ID != "" {
		payee += fmt.Sprintf(" (%s %s)", rm.Payee.IDQualifier, rm.Payee.ID)
	}
	fmt.Fprintf(w, "Remittance %s from %s to %s\n", rm.ControlNumber, rm.Payer.Name, payee)
	fmt.Fprintf(w, "  %s %s", rm.Payment.Method, money(rm.Payment.Amount))
	if !rm.Payment.Date.IsZero() {
		fmt.Fprintf(w, " on %s", rm.Payment.Date)
	}
	if rm.Trace.Number != "" {
		fmt.Fprintf(w, ", trace %s", rm.Trace.Number)
	}
	if !rm.ProductionDate.IsZero() {
		fmt.Fprintf(w, ", produced %s", rm.ProductionDate)
	}
	fmt.Fprintln(w)
}

func writeClaimText(w io.Writer, ec eraClaim) {
	c := ec.ClaimPayment
	fmt.Fprintf(w, "\n  Claim %s", c.PatientControlNumber)
	if c.PayerClaimNumber != "" {
		fmt.Fprintf(w, " (payer claim %s)", c.PayerClaimNumber)
	}
	fmt.Fprintf(w, ": %s\n", x12.StatusText(c.Status))
	if p := c.Patient; p.Last != "" {
		fmt.Fprintf(w, "    patient %s", strings.TrimSpace(p.Last+", "+p.First+" "+p.Middle))
		if p.ID != "" {
			fmt.Fprintf(w, " (%s %s)", p.IDQualifier, p.ID)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "    billed %s, paid %s, patient responsibility %s\n", money(c.Billed), money(c.Paid), money(c.PatientResponsibility))
	if ec.Imbalance != 0 {
		fmt.Fprintf(w, "    does not balance: billed - paid - adjustments = %s\n", money(ec.Imbalance))
	}
	line := -1
	for _, a := range ec.Classified {
		if a.Line != line {
			line = a.Line
			if line == 0 {
				fmt.Fprintf(w, "    claim adjustments:\n")
			} else {
				s := c.Services[line-1]
				fmt.Fprintf(w, "    line %d %s", line, procedureText(s.Procedure))
				if !s.ServiceDate.IsZero() {
					fmt.Fprintf(w, " on %s", s.ServiceDate)
				}
				fmt.Fprintf(w, ": billed %s, paid %s\n", money(s.Billed), money(s.Paid))
			}
		}
		class := string(a.Class)
		switch {
		case class != "":
		case a.Action == denial.Review:
			class = "unclassified"
		default:
			class = "not a denial"
		}
		codes := a.Group + "-" + a.CARC
		if len(a.RARCs) > 0 {
			codes += " " + strings.Join(a.RARCs, " ")
		}
		fmt.Fprintf(w, "      %s %s: %s; next: %s\n", codes, money(a.Amount), class, a.Action)
		if a.Denial || a.Action == denial.Review {
			fmt.Fprintf(w, "        why: %s\n", a.Reason)
		}
	}
}

func writeRemittanceTotals(w io.Writer, rm *x12.Remittance) {
	for _, a := range rm.ProviderAdjustments {
		fmt.Fprintf(w, "  provider-level adjustment %s %s: %s to the payment\n", a.Reason, a.Reference, signed(-a.Amount))
	}
	if d := rm.Imbalance(); d != 0 {
		fmt.Fprintf(w, "  payment does not balance: BPR02 differs from claims paid less provider adjustments by %s\n", money(d))
	}
	fmt.Fprintf(w, "  %d claim(s), paid %s\n\n", rm.Claims, money(rm.TotalPaid))
}

// money formats cents as dollars: 118000 -> $1,180.00, -450 -> -$4.50,
// as the import's messages do.
func money(c int64) string { return tracking.Money(c) }

// signed formats cents with an explicit sign: +$4.50, -$12.00.
func signed(c int64) string {
	if c >= 0 {
		return "+" + money(c)
	}
	return money(c)
}
