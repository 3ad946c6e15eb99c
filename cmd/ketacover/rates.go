package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/rates"
)

const ratesUsage = `rates scan FILE... --codes CODES [--npi NPI]... [--tin TIN]... -o OUT
       rates lookup RATES-FILE --codes CODES [--npi NPI]... [--tin TIN]...

scan reads Transparency in Coverage in-network-rates files (v1 or v2, plain or
gzip'd, local paths or http(s) URLs) and tables of contents (whose in-network
files it follows) and keeps the negotiated rates for the billing codes asked
for, at the providers asked for (an NPI, or any NPI under a TIN; none named
keeps every provider). It writes one row per plan, code, provider, negotiated
type, rate, billing class, setting, service codes, modifiers and expiration
to OUT: .parquet (for DuckDB, Spark, Trino), .csv or .db (SQLite). Files are
streamed: memory stays small whatever their size. A Parquet OUT of more rows
than --part-rows rolls over into parts beside it (rates.parquet,
rates.part0001.parquet, ...); DuckDB's read_parquet('rates*.parquet') reads
them all, and so do lookup and estimate --rates. A file that is malformed or
cut short is reported with its byte offset and JSON path, the rows read before
it are kept, and the exit status is 2.

lookup prints the rates in a file that scan wrote.

Flags:
  --codes LIST    billing codes, comma-separated (e.g. 96365,96366,G2082,G2083,J0013,S0013,J3490,90791)
  --npi NPI       a provider's 10-digit NPI (repeat, or comma-separate)
  --tin TIN       a provider's tax ID (EIN), with or without the dash (repeat, or comma-separate)
  -o OUT          output file (scan)
  --parallel N    files read at once (default 2)
  --tmp DIR       directory for spill files (default the system's)
  --part-rows N   rows in each Parquet file before the next part starts
                  (default 8388608; the Parquet writer's memory grows with
                  the rows of one file)
  --quiet         no progress line

Rates are what the plan says it pays the provider; what a patient owes also
depends on the deductible, coinsurance and copays. Not financial advice.`

// listFlag collects a repeatable, comma-separable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func runRates(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: scan or lookup")
	}
	switch args[0] {
	case "scan":
		return runRatesScan(ctx, e, args[1:])
	case "lookup":
		return runRatesLookup(ctx, e, args[1:])
	}
	return usagef("unknown rates subcommand %q; want scan or lookup", args[0])
}

func runRatesScan(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "rates scan")
	var codes, npis, tins listFlag
	fs.Var(&codes, "codes", "")
	fs.Var(&npis, "npi", "")
	fs.Var(&tins, "tin", "")
	out := fs.String("o", "", "")
	parallel := fs.Int("parallel", 2, "")
	tmp := fs.String("tmp", "", "")
	partRows := fs.Int64("part-rows", rates.PartRows, "")
	quiet := fs.Bool("quiet", false, "")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("want at least one in-network-rates or table-of-contents FILE")
	}
	if *out == "" {
		return usagef("want -o OUT (.parquet, .csv or .db)")
	}
	if _, err := rates.FormatOf(*out); err != nil {
		return usagef("%s", ketacover.ErrorMessage(err))
	}
	q := rates.Query{Codes: codes, NPIs: npis, TINs: tins}
	if err := q.Validate(); err != nil {
		return err
	}
	if *partRows < 1 {
		return usagef("--part-rows %d: want at least 1", *partRows)
	}
	o, err := rates.CreateParts(*out, *partRows)
	if err != nil {
		return err
	}
	if e.getenv("GOMEMLIMIT") == "" {
		// The scan's live memory is a few tens of MiB whatever the file
		// size; a soft limit keeps the garbage collector from letting the
		// heap double past it (the target is under 128 MB resident). The
		// binary alone is already ~70 MB resident before a scan starts
		// (40-50 MB of its own pages, ~16 MB of heap from package
		// initialisation), so the limit leaves room for those.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(80 << 20))
	}
	var pr rates.Progress
	stop := progress(e.stderr, &pr, *quiet)
	start := time.Now()
	results, err := rates.ScanFiles(ctx, files, rates.Options{Query: q, TempDir: *tmp, Progress: &pr, Parallel: *parallel}, o)
	stop()
	if err != nil {
		o.Abort()
		return err
	}
	if err := o.Close(); err != nil {
		return err
	}
	failed := 0
	var rows, bytes int64
	for _, r := range results {
		rows += r.Rows
		bytes += r.Bytes
		kind := r.Kind
		if kind == "" {
			kind = "unread"
		}
		fmt.Fprintf(e.stdout, "%s: %s, %d rows from %s of JSON\n", r.Source, kind, r.Rows, size(r.Bytes))
		for _, w := range r.Warnings {
			fmt.Fprintf(e.stderr, "ketacover rates scan: %s: warning: %s\n", r.Source, w)
		}
		if r.Err != nil {
			failed++
			fmt.Fprintf(e.stderr, "ketacover rates scan: %s\n", r.Err)
		}
	}
	d := time.Since(start)
	dest := *out
	if files := o.Files(); len(files) > 1 {
		dest = fmt.Sprintf("%s and %d more parts, %s to %s", *out, len(files)-1, files[1], files[len(files)-1])
	}
	fmt.Fprintf(e.stdout, "wrote %d rows to %s (%s in %.1fs, %.0f MB/s)\n", rows, dest, size(bytes), d.Seconds(), float64(bytes)/1e6/max(d.Seconds(), 1e-3))
	if failed > 0 {
		return exitStatus(exitUsage)
	}
	return nil
}

func runRatesLookup(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "rates lookup")
	var codes, npis, tins listFlag
	fs.Var(&codes, "codes", "")
	fs.Var(&npis, "npi", "")
	fs.Var(&tins, "tin", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one RATES-FILE written by rates scan")
	}
	rs, err := rates.Lookup(pos[0], rates.Query{Codes: codes, NPIs: npis, TINs: tins})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "code\tnpi\ttin\tplan\ttype\trate\tclass\tsetting\tservice\tmodifiers\texpires")
	for _, r := range rs {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.BillingCode, r.NPI, r.TIN, r.PlanName,
			r.NegotiatedType, r.NegotiatedRate, r.BillingClass, r.Setting,
			strings.Join(r.ServiceCodes, ";"), strings.Join(r.Modifiers, ";"), r.ExpirationDate)
	}
	return nil
}

// progress prints bytes, rows and rate on one refreshed line while a scan
// runs, when w is a terminal. The returned func stops it.
func progress(w io.Writer, pr *rates.Progress, quiet bool) func() {
	f, ok := w.(*os.File)
	if quiet || !ok {
		return func() {}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-done:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-t.C:
				b := pr.Bytes.Load()
				fmt.Fprintf(f, "\r\033[K%s of JSON (%s read), %d rows, %.0f MB/s, %d files done",
					size(b), size(pr.Compressed.Load()), pr.Rows.Load(), float64(b)/1e6/time.Since(start).Seconds(), pr.Files.Load())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// size renders a byte count.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
