package rates

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/rates/ratesgen"
)

// TestOutputs scans a generated file into each format and reads it back
// with Lookup.
func TestOutputs(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in.json")
	if err := os.WriteFile(src, gen(t, ratesgen.Config{Seed: 4, Size: 160 << 10, CodeEvery: 3, EntriesPerItem: 20, NPIsPerGroup: 6, Groups: 200}), 0o644); err != nil {
		t.Fatal(err)
	}
	var want []Rate
	if _, err := Scan(context.Background(), src, Options{Query: ketamine}, func(b []Rate) error { want = append(want, b...); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".csv", ".parquet", ".db"} {
		t.Run(ext, func(t *testing.T) {
			out := filepath.Join(dir, "rates"+ext)
			o, err := Create(out)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ScanFiles(context.Background(), []string{src}, Options{Query: ketamine}, o)
			if err != nil || res[0].Err != nil {
				t.Fatal(err, res[0].Err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("output visible before Close")
			}
			if err := o.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := Lookup(out, Query{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sorted(want), sorted(got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("read back (-scanned +read):\n%s", diff)
			}
			// One row's code at its NPI, then at its TIN.
			pick := want[len(want)/2]
			one, err := Lookup(out, Query{Codes: []string{pick.BillingCode}, NPIs: []string{pick.NPI}})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range one {
				if r.BillingCode != pick.BillingCode || r.NPI != pick.NPI {
					t.Fatalf("Lookup returned %s at %s", r.BillingCode, r.NPI)
				}
				if _, err := r.Cents(); err != nil && r.NegotiatedType != "percentage" {
					t.Errorf("Cents(%s): %v", r.NegotiatedRate, err)
				}
			}
			byTIN, err := Lookup(out, Query{Codes: []string{pick.BillingCode}, TINs: []string{normTIN(pick.TIN)}})
			if err != nil || len(byTIN) < len(one) {
				t.Errorf("by TIN: %d rows, %v; want at least %d", len(byTIN), err, len(one))
			}
			_, err = Lookup(out, Query{Codes: []string{"99999"}})
			if ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
				t.Errorf("no match: %v, want ENOTFOUND", err)
			}
		})
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestOutputAbortAndErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.parquet")
	o, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]Rate{{BillingCode: "96365"}})
	o.Abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("Abort left %v", ents)
	}
	if _, err := Create(filepath.Join(dir, "r.xlsx")); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("unknown extension: %v", err)
	}
	if _, err := Lookup(filepath.Join(dir, "none.db"), Query{}); ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.parquet")
	os.WriteFile(bad, []byte("not parquet at all"), 0o644)
	if _, err := Lookup(bad, Query{}); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("corrupt parquet: %v", err)
	}
	badCSV := filepath.Join(dir, "bad.csv")
	os.WriteFile(badCSV, []byte("a,b\n1,2\n"), 0o644)
	if _, err := Lookup(badCSV, Query{}); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("foreign csv: %v", err)
	}
}

// TestOutputAfterScanError: a truncated input still leaves a valid file
// holding the rows before the break.
func TestOutputAfterScanError(t *testing.T) {
	dir := t.TempDir()
	data := gen(t, ratesgen.Config{Seed: 4, Size: 256 << 10, CodeEvery: 2})
	src := filepath.Join(dir, "cut.json")
	os.WriteFile(src, data[:len(data)*3/4], 0o644)
	out := filepath.Join(dir, "rates.csv")
	o, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ScanFiles(context.Background(), []string{src}, Options{Query: ketamine}, o)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err == nil || res[0].Rows == 0 {
		t.Fatalf("want a scan error after some rows, got %d rows, %v", res[0].Rows, res[0].Err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Lookup(out, Query{})
	if err != nil || int64(len(got)) != res[0].Rows {
		t.Errorf("read back %d rows (%v), want %d", len(got), err, res[0].Rows)
	}
}

func TestCents(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"123.45", 12345, true},
		{"20000.0", 2000000, true},
		{"1.005", 101, true},
		{"1.004", 100, true},
		{"0.5", 50, true},
		{"7", 700, true},
		{"1.2e2", 12000, true},
		{"5e-3", 1, true},
		{"-2.50", -250, true},
		{"1e400", 0, false},
		{"12.3.4", 0, false},
		{"", 0, false},
		{"n/a", 0, false},
	}
	for _, tt := range tests {
		got, err := Cents(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Cents(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if _, err := (Rate{NegotiatedType: "percentage", NegotiatedRate: "40"}).Cents(); err == nil {
		t.Error("a percentage converted to cents")
	}
}

// sorted orders rows by identity, computed once per row.
func sorted(rows []Rate) []Rate {
	type kr struct {
		k string
		r Rate
	}
	ks := make([]kr, len(rows))
	for i, r := range rows {
		ks[i] = kr{identity(r) + "|" + r.ProviderGroupID, r}
	}
	slices.SortFunc(ks, func(a, b kr) int { return strings.Compare(a.k, b.k) })
	out := make([]Rate, len(rows))
	for i := range ks {
		out[i] = ks[i].r
	}
	return out
}
