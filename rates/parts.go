package rates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// PartRows is how many rows one Parquet file of a scan holds before the
// output rolls over into its next part. parquet-go keeps every row group's
// metadata (column chunks and page indexes, about 0.6 bytes a row in
// 32Ki-row groups) until it writes the footer at the end, so a single
// file's memory grows with its rows: some 19 MB at 32 million rows. Parts
// bound it, about 5 MB a part, whatever the output's size. Most outputs
// are one file; DuckDB, Spark and Trino read the parts together
// (read_parquet('rates*.parquet')), and Lookup reads them all.
const PartRows = 1 << 23

// PartName is the name of a Parquet output's i'th part: the path itself
// for the first, then rates.part0001.parquet, rates.part0002.parquet, ...
// beside it.
func PartName(path string, i int) string {
	if i == 0 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s.part%04d%s", strings.TrimSuffix(path, ext), i, ext)
}

// parquetOut writes a Parquet output in parts of at most limit rows, each
// through its own temporary file; Close renames them all into place.
type parquetOut struct {
	dst   string
	limit int64
	done  []tempFile // finished parts, renamed by Close
	cur   tempFile   // the part being written, when w is not nil
	w     *parquet.GenericWriter[Rate]
	n     int64 // rows in the current part
}

// newParquetOut starts an output at t.dst whose first part is t.
func newParquetOut(t tempFile, limit int64) *parquetOut {
	o := &parquetOut{dst: t.dst, limit: limit}
	o.start(t)
	return o
}

func (o *parquetOut) start(t tempFile) {
	o.cur, o.n = t, 0
	// Row groups of 32Ki rows: parquet-go buffers a whole row group in
	// memory, and by default a file is one row group. Page bounds go in
	// the column index only, not again in every page header (readers of
	// the last decade read them there), and not at all for the free-text
	// columns nobody filters by range: computing them was a tenth of a
	// codes-only scan's CPU.
	o.w = parquet.NewGenericWriter[Rate](t.f, parquet.Compression(newZstdCodec()), parquet.MaxRowsPerRowGroup(1<<15),
		parquet.DataPageStatistics(false),
		parquet.SkipPageBounds("name"), parquet.SkipPageBounds("business_name"),
		parquet.SkipPageBounds("network_name"), parquet.SkipPageBounds("additional_information"))
}

// next begins the next part.
func (o *parquetOut) next() error {
	name := PartName(o.dst, len(o.done))
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	o.start(tempFile{name: f.Name(), f: f, dst: name})
	return nil
}

// finish writes the current part's footer and closes its file.
func (o *parquetOut) finish() error {
	err := o.w.Close()
	o.w = nil
	if cerr := o.cur.f.Close(); err == nil {
		err = cerr
	}
	o.cur.f = nil
	o.done = append(o.done, o.cur)
	if err != nil {
		return fmt.Errorf("write %s: %w", o.cur.dst, err)
	}
	return nil
}

func (o *parquetOut) Write(rows []Rate) error {
	for len(rows) > 0 {
		if o.w == nil {
			if err := o.next(); err != nil {
				return err
			}
		}
		k := int(min(int64(len(rows)), o.limit-o.n))
		if _, err := o.w.Write(rows[:k]); err != nil {
			return fmt.Errorf("write %s: %w", o.cur.dst, err)
		}
		o.n += int64(k)
		rows = rows[k:]
		if o.n == o.limit {
			if err := o.finish(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close finishes the last part, moves every part into place, and removes
// parts an earlier, longer output left under the same name, so that the
// parts on disk are this output's and no other's.
func (o *parquetOut) Close() error {
	if o.w != nil {
		if err := o.finish(); err != nil {
			o.Abort()
			return err
		}
	}
	for i := range o.done {
		if err := o.done[i].commit(); err != nil {
			o.done = o.done[i+1:]
			o.Abort()
			return err
		}
	}
	for i := len(o.done); ; i++ {
		err := os.Remove(PartName(o.dst, i))
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return fmt.Errorf("remove the earlier output's part: %w", err)
		}
	}
	return nil
}

func (o *parquetOut) Abort() {
	if o.w != nil {
		o.cur.Abort()
		o.w = nil
	}
	for i := range o.done {
		o.done[i].Abort()
	}
	o.done = nil
}

func (o *parquetOut) Files() []string {
	files := make([]string, len(o.done))
	for i, t := range o.done {
		files[i] = t.dst
	}
	return files
}
