package rates

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parquet-go/parquet-go"
)

// newPartedOut is Create for Parquet with a small part size.
func newPartedOut(t *testing.T, path string, limit int64) *parquetOut {
	t.Helper()
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		t.Fatal(err)
	}
	return newParquetOut(tempFile{name: f.Name(), f: f, dst: path}, limit)
}

func numbered(n int) []Rate {
	rows := make([]Rate, n)
	for i := range rows {
		rows[i] = Rate{BillingCode: "96365", NPI: fmt.Sprintf("1%09d", i), NegotiatedType: "negotiated", NegotiatedRate: "100.00"}
	}
	return rows
}

// TestParquetParts writes more rows than a part holds, in batches that
// straddle the part boundaries, and reads them back.
func TestParquetParts(t *testing.T) {
	tests := []struct {
		rows, limit int
		batches     []int
		wantParts   []int64 // rows in each file
	}{
		{rows: 25, limit: 10, batches: []int{3, 9, 1, 12}, wantParts: []int64{10, 10, 5}},
		{rows: 20, limit: 10, batches: []int{20}, wantParts: []int64{10, 10}}, // no empty third part
		{rows: 7, limit: 10, batches: []int{7}, wantParts: []int64{7}},
		{rows: 0, limit: 10, batches: nil, wantParts: []int64{0}}, // an empty output is still a file
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rows, "/", tt.limit), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "rates.parquet")
			o := newPartedOut(t, out, int64(tt.limit))
			rows := numbered(tt.rows)
			rest := rows
			for _, b := range tt.batches {
				if err := o.Write(rest[:b]); err != nil {
					t.Fatal(err)
				}
				rest = rest[b:]
			}
			for i := range tt.wantParts {
				if _, err := os.Stat(PartName(out, i)); err == nil {
					t.Fatalf("%s visible before Close", PartName(out, i))
				}
			}
			if err := o.Close(); err != nil {
				t.Fatal(err)
			}
			var want []string
			for i, n := range tt.wantParts {
				want = append(want, PartName(out, i))
				pf, err := parquet.ReadFile[Rate](PartName(out, i))
				if err != nil {
					t.Fatalf("part %d: %v", i, err)
				}
				if int64(len(pf)) != n {
					t.Errorf("part %d: %d rows, want %d", i, len(pf), n)
				}
			}
			if diff := cmp.Diff(want, o.Files()); diff != "" {
				t.Errorf("Files (-want +got):\n%s", diff)
			}
			if tt.rows == 0 {
				return
			}
			got, err := Lookup(out, Query{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(rows, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("read back (-written +read):\n%s", diff)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// TestParquetPartsReplaceEarlier: a shorter output under the same name
// removes the earlier output's extra parts, so Lookup reads this one only;
// an aborted one leaves the earlier output as it was.
func TestParquetPartsReplaceEarlier(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "rates.parquet")
	o := newPartedOut(t, out, 4)
	if err := o.Write(numbered(10)); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}

	aborted := newPartedOut(t, out, 4)
	if err := aborted.Write(numbered(9)); err != nil {
		t.Fatal(err)
	}
	aborted.Abort()
	if got, err := Lookup(out, Query{}); err != nil || len(got) != 10 {
		t.Fatalf("after an aborted output: %d rows, %v; want the earlier 10", len(got), err)
	}

	short := newPartedOut(t, out, 4)
	if err := short.Write(numbered(5)); err != nil {
		t.Fatal(err)
	}
	if err := short.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Lookup(out, Query{})
	if err != nil || len(got) != 5 {
		t.Fatalf("after a shorter output: %d rows, %v; want 5", len(got), err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{"rates.parquet", "rates.part0001.parquet"}, names); diff != "" {
		t.Errorf("files left (-want +got):\n%s", diff)
	}
}

func TestPartName(t *testing.T) {
	for i, want := range []string{"out/rates.parquet", "out/rates.part0001.parquet", "out/rates.part0002.parquet"} {
		if got := PartName("out/rates.parquet", i); got != want {
			t.Errorf("PartName(%d) = %s, want %s", i, got, want)
		}
	}
}
