package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/x12"
)

const paUsage = `pa x12-278 CASE --payer-id ID [-o FILE] [--control N] [--time HHMM] [--sender ID] [--receiver ID] [--service-type CODE] [--urgent] [--production] [--one-line]

Writes an X12 278 request for review (005010X217), the electronic prior
authorization request a payer that takes 278 directly receives, for the
therapy of the case file CASE: the payer as utilization management
organization, the prescriber (else the treating site) as requester by NPI,
the subscriber, the ICD-10-CM diagnoses, and one service line per billing
code with its units and sessions and the first date of service. The codes
are therapy.course's, or else: esketamine J0013 per mg (G2082 up to 56 mg,
G2083 above, under Medicare), IV ketamine 96365 and J3490 per session. The
interchange is read back before it is written: control numbers and the
SE, GE and IEA counts always match.

  --payer-id ID       the payer's electronic ID (required)
  -o FILE             write to FILE instead of standard output
  --control N         interchange, group and transaction control number,
                      1 to 999999999, unique for each request you send
                      (default: from the clock)
  --time HHMM         the time of the request (default: now); the date is
                      today (KETACOVER_TODAY when set)
  --sender ID         ISA06 and GS02 (default: the requester's NPI)
  --receiver ID       ISA08 and GS03 (default: the payer ID)
  --service-type CODE UM03 (default MH, mental health)
  --urgent            ask for an expedited review (UM06 U)
  --production        mark the interchange as production (ISA15 P); the
                      default is test (T)
  --one-line          no line break after each segment

Left out, because the reference the project follows gives no qualifier for
them: a dependent patient, the rendering site's own loop, the place of
service, a date range and prior authorization numbers. Check the payer's
companion guide before sending. Not legal advice.`

// runPa dispatches the pa subcommands.
func runPa(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: x12-278")
	}
	if args[0] != "x12-278" {
		return usagef("unknown pa subcommand %q; want x12-278", args[0])
	}
	return runPaX12278(ctx, e, args[1:])
}

func runPaX12278(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "pa x12-278")
	payerID := fs.String("payer-id", "", "")
	out := fs.String("o", "", "")
	control := fs.String("control", "", "")
	at := fs.String("time", "", "")
	sender := fs.String("sender", "", "")
	receiver := fs.String("receiver", "", "")
	st := fs.String("service-type", "MH", "")
	urgent := fs.Bool("urgent", false, "")
	production := fs.Bool("production", false, "")
	oneLine := fs.Bool("one-line", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one case file, got %d argument(s)", len(pos))
	}
	if *payerID == "" {
		return usagef("--payer-id: required: the payer's electronic ID (from its companion guide or your clearinghouse)")
	}
	if !validServiceType(*st) {
		return usagef("--service-type: want a service type code such as MH, got %q", *st)
	}
	day, err := today(e)
	if err != nil {
		return err
	}
	o := x12.ServicesReviewOptions{PayerID: *payerID, SenderID: *sender, ReceiverID: *receiver, Date: day,
		Time: e.now().Format("1504"), Production: *production, Urgent: *urgent, OneLine: *oneLine, Service: *st}
	if *at != "" {
		o.Time = *at
	}
	if *control != "" {
		n, err := strconv.Atoi(*control)
		if err != nil || n < 1 || n > 999999999 {
			return usagef("--control: want a number from 1 to 999999999, got %q", *control)
		}
		o.Control = n
	} else {
		o.Control = int(e.now().Unix()%999999999) + 1
	}
	c, err := casefile.Load(pos[0])
	if err != nil {
		return err
	}
	r, err := x12.ServicesReviewFor(c, o)
	if err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "%s: %s", pos[0], ketacover.ErrorMessage(err))
	}
	var buf bytes.Buffer
	if err := x12.Write278(&buf, r); err != nil {
		return err
	}
	if err := checkInterchange(buf.Bytes()); err != nil {
		return fmt.Errorf("the 278 written does not read back: %w", err)
	}
	if err := writeOutput(e, *out, buf.Bytes()); err != nil {
		return err
	}
	w := e.stderr
	if *out != "" {
		w = e.stdout
		fmt.Fprintf(w, "wrote %s: ", *out)
	}
	fmt.Fprintf(w, "278 request %s (control %d) to %s for %s %s:", r.Reference, o.Control, r.UMO.Name, r.Subscriber.First, r.Subscriber.Last)
	for _, l := range r.Services {
		fmt.Fprintf(w, " %s × %d over %d session(s) from %s;", l.Code, l.Units, l.Visits, l.Start)
	}
	fmt.Fprintf(w, " diagnoses %s. Check the payer's companion guide before sending. Not legal advice.\n", strings.Join(r.Diagnoses, ", "))
	return nil
}

// checkInterchange reads an interchange back with the tokenizer and fails
// on any envelope problem.
func checkInterchange(b []byte) error {
	rd := x12.NewReader(bytes.NewReader(b))
	for {
		_, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if ps := rd.Problems(); len(ps) > 0 {
		return fmt.Errorf("%s", ps[0])
	}
	return nil
}
