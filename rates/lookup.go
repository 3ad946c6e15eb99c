package rates

import (
	"cmp"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/ketacover/ketacover"
)

// Lookup reads a rates file written by a scan (.parquet, .csv or .db) and
// returns the rates for q's billing codes and providers, rows with the
// wildcard code CSTM-00 after the exact ones. It returns an ENOTFOUND
// error when no rate matches, ENOTFOUND for a missing file and EINVALID
// for a file it cannot read.
func Lookup(path string, q Query) ([]Rate, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such rates file", path)
	}
	f := newFilter(q)
	keep := func(r *Rate) bool {
		if f.codes != nil && !f.code([]byte(r.BillingCode)) {
			return false
		}
		if !f.providers() {
			return true
		}
		return f.npi([]byte(r.NPI)) || f.tin([]byte(r.TIN))
	}
	var out []Rate
	switch format {
	case SQLite:
		out, err = lookupSQLite(path, q, keep)
	case CSV:
		out, err = lookupCSV(path, keep)
	default:
		out, err = lookupParquet(path, keep)
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "%s: no negotiated rate for %s", path, describe(q))
	}
	slices.SortStableFunc(out, func(a, b Rate) int {
		return cmp.Or(
			cmp.Compare(boolInt(a.BillingCode == "CSTM-00"), boolInt(b.BillingCode == "CSTM-00")),
			cmp.Compare(a.BillingCode, b.BillingCode),
			cmp.Compare(a.PlanID, b.PlanID),
			cmp.Compare(a.TIN, b.TIN),
			cmp.Compare(a.NPI, b.NPI),
			cmp.Compare(a.NegotiatedType, b.NegotiatedType),
			cmp.Compare(a.BillingClass, b.BillingClass),
		)
	})
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func describe(q Query) string {
	var parts []string
	if len(q.Codes) > 0 {
		parts = append(parts, "code "+strings.Join(q.Codes, ", "))
	}
	if len(q.NPIs) > 0 {
		parts = append(parts, "NPI "+strings.Join(q.NPIs, ", "))
	}
	if len(q.TINs) > 0 {
		parts = append(parts, "TIN "+strings.Join(q.TINs, ", "))
	}
	if len(parts) == 0 {
		return "any code"
	}
	return strings.Join(parts, " at ")
}

func lookupCSV(path string, keep func(*Rate) bool) ([]Rate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil || !slices.Equal(head, columns) {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: not a rates CSV file (want the header %s...)", path, strings.Join(columns[:3], ","))
	}
	var out []Rate
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", path, err)
		}
		if len(rec) != len(columns) {
			line, _ := r.FieldPos(0)
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s:%d: %d fields, want %d", path, line, len(rec), len(columns))
		}
		row := fromRecord(rec)
		if keep(&row) {
			out = append(out, row)
		}
	}
}

// lookupParquet reads path and the parts after it (see PartName).
func lookupParquet(path string, keep func(*Rate) bool) ([]Rate, error) {
	var out []Rate
	for i := 0; ; i++ {
		part := PartName(path, i)
		if _, err := os.Stat(part); i > 0 && errors.Is(err, os.ErrNotExist) {
			return out, nil
		}
		var err error
		if out, err = lookupParquetFile(part, keep, out); err != nil {
			return nil, err
		}
	}
}

func lookupParquetFile(path string, keep func(*Rate) bool, out []Rate) (_ []Rate, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	defer func() {
		// parquet-go panics on some corrupt files; a bad file is bad input.
		if p := recover(); p != nil {
			out, err = nil, ketacover.Errorf(ketacover.EINVALID, "%s: not a readable Parquet rates file: %v", path, p)
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: not a Parquet file: %v", path, err)
	}
	r := parquet.NewGenericReader[Rate](pf)
	defer r.Close()
	buf := make([]Rate, 1024)
	for {
		n, err := r.Read(buf)
		for i := range n {
			if keep(&buf[i]) {
				out = append(out, buf[i])
			}
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", path, err)
		}
	}
}

func lookupSQLite(path string, q Query, keep func(*Rate) bool) ([]Rate, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	query := "SELECT " + strings.Join(columns, ", ") + " FROM rates"
	var args []any
	if len(q.Codes) > 0 {
		query += " WHERE billing_code IN (" + strings.TrimSuffix(strings.Repeat("?,", len(q.Codes)+1), ",") + ")"
		for _, c := range q.Codes {
			args = append(args, c)
		}
		args = append(args, "CSTM-00")
	}
	rows, err := db.Query(query, args...)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: not a rates database: %v", path, err)
	}
	defer rows.Close()
	vals := make([]string, len(columns))
	ptrs := make([]any, len(columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []Rate
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", path, err)
		}
		r := fromRecord(vals)
		if keep(&r) {
			out = append(out, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", path, err)
	}
	return out, nil
}
