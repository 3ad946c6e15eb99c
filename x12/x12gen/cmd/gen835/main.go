// Command gen835 writes a synthetic, valid and balanced X12 835 file of a
// given size, for benchmarks:
//
//	gen835 -size 100MB -seed 1 -o /tmp/big.835
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover/x12/x12gen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen835:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen835", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "1MB", "approximate output size (bytes, or with KB, MB, GB)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed writes the same file")
	claims := fs.Int("claims", 2000, "claims per transaction set")
	out := fs.String("o", "-", "output file, - for standard output")
	lines := fs.Bool("newlines", false, "add a newline after each segment")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n, err := parseSize(*size)
	if err != nil {
		return err
	}
	w := stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = f
	}
	st, err := x12gen.Write835(w, x12gen.Config{Size: n, Seed: *seed, ClaimsPerTransaction: *claims, LineBreaks: *lines})
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "gen835: %d bytes, %d segments, %d transactions, %d claims, %d service lines\n",
		st.Bytes, st.Segments, st.Transactions, st.Claims, st.Services)
	return nil
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	u := strings.ToUpper(strings.TrimSpace(s))
	for _, x := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, x.suffix) {
			u, mult = strings.TrimSuffix(u, x.suffix), x.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(u), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q: want a number of bytes such as 100MB", s)
	}
	return n * mult, nil
}
