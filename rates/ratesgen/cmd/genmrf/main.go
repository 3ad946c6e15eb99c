// Command genmrf writes a synthetic in-network-rates file for benchmarks.
//
// Usage:
//
//	genmrf [-size 2G] [-gzip] [-refs-last] [-v1-inline] [-seed N] -o FILE
//
// The file is made-up data shaped like a payer's Transparency in Coverage
// file (see package ratesgen). Write it outside the repository: it is big.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover/rates/ratesgen"
	"github.com/klauspost/compress/gzip"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "genmrf:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("genmrf", flag.ContinueOnError)
	size := fs.String("size", "64M", "uncompressed size to reach (K, M, G suffixes)")
	out := fs.String("o", "", "output file (required)")
	gz := fs.Bool("gzip", false, "gzip the output")
	refsLast := fs.Bool("refs-last", false, "write provider_references after in_network")
	inline := fs.Bool("v1-inline", false, "write a v1 file with inline provider_groups")
	pretty := fs.Bool("pretty", false, "indent")
	seed := fs.Int64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("-o FILE is required")
	}
	n, err := parseSize(*size)
	if err != nil {
		return err
	}
	cfg := ratesgen.Config{Seed: *seed, Size: n, RefsLast: *refsLast, Pretty: *pretty}
	if *inline {
		cfg.Version, cfg.Inline = "1.0.0", true
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if *gz {
		zw, _ = gzip.NewWriterLevel(f, gzip.DefaultCompression)
		w = zw
	}
	st, err := ratesgen.Write(w, cfg)
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d bytes uncompressed, %d items (%d with ketamine codes), %d provider groups\n",
		*out, st.Bytes, st.Items, st.Planted, st.Groups)
	return nil
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad -size %q", s)
	}
	return int64(v * float64(mult)), nil
}
