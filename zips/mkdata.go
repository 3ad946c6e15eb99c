//go:build ignore

// mkdata rebuilds zcta.bin.gz from a ZCTA Gazetteer-format file on standard
// input: go run mkdata.go < gazetteer.tsv. SOURCE.md records the input used.
package main

import (
	"fmt"
	"os"

	"github.com/ketacover/ketacover/zips"
)

func main() {
	t, err := zips.ParseGazetteer("stdin", os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f, err := os.Create("zcta.bin.gz.tmp")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := t.Encode(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.Rename("zcta.bin.gz.tmp", "zcta.bin.gz"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "wrote zcta.bin.gz: %d ZIP codes\n", t.Len())
}
