package rates

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketacover/ketacover/rates/ratesgen"
	"github.com/klauspost/compress/gzip"
)

// countWriter counts rows and keeps none.
type countWriter struct{ n int }

func (c *countWriter) Write(rs []Rate) error { c.n += len(rs); return nil }

// benchFile returns the file to scan: $RATES_BENCH_FILE (for the 2 GB
// runs in docs/benchmarks/rates.md) or a 64 MiB file generated under
// b.TempDir. gz asks for a gzip'd copy of the generated file.
func benchFile(b *testing.B, gz bool) (path string, size int64) {
	b.Helper()
	env := "RATES_BENCH_FILE"
	if gz {
		env = "RATES_BENCH_GZ"
	}
	if f := os.Getenv(env); f != "" {
		n, err := uncompressedSize(f)
		if err != nil {
			b.Fatal(err)
		}
		return f, n
	}
	path = filepath.Join(b.TempDir(), "in-network.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := any(f).(interface{ Write([]byte) (int, error) })
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(f)
		w = zw
		path += ".gz"
	}
	st, err := ratesgen.Write(w, ratesgen.Config{Seed: 1, Size: 64 << 20})
	if err != nil {
		b.Fatal(err)
	}
	if zw != nil {
		zw.Close()
	}
	f.Close()
	if gz {
		os.Rename(filepath.Join(filepath.Dir(path), "in-network.json"), path)
	}
	return path, st.Bytes
}

// uncompressedSize reads f through the scanner's pipe to learn its JSON size.
func uncompressedSize(path string) (int64, error) {
	raw, err := openRaw(context.Background(), nil, path)
	if err != nil {
		return 0, err
	}
	var c atomicCounter
	p := startPipe(context.Background(), raw, &c.Int64)
	defer p.close()
	var n int64
	for {
		ch := p.next()
		if ch.err != nil {
			return n, nil
		}
		n += int64(len(ch.b))
		p.recycle(ch.b)
	}
}

func BenchmarkScan(b *testing.B) {
	codes := ratesgen.KetamineCodes
	for _, bc := range []struct {
		name string
		gz   bool
		q    Query
	}{
		{"plain/codes", false, Query{Codes: codes}},
		{"plain/codes+npi", false, Query{Codes: codes, NPIs: []string{ratesgen.ClinicNPI}}},
		{"gzip/codes", true, Query{Codes: codes}},
		{"gzip/codes+npi", true, Query{Codes: codes, NPIs: []string{ratesgen.ClinicNPI}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path, size := benchFile(b, bc.gz)
			b.SetBytes(size)
			b.ResetTimer()
			for range b.N {
				var w countWriter
				res, err := ScanFiles(context.Background(), []string{path}, Options{Query: bc.q, TempDir: b.TempDir()}, &w)
				if err != nil || res[0].Err != nil {
					b.Fatal(err, res[0].Err)
				}
				b.ReportMetric(float64(w.n), "rows")
			}
		})
	}
}

// BenchmarkScanParquet is BenchmarkScan/plain/codes writing a real
// Parquet file, as `ketacover rates scan -o x.parquet` does: with every
// provider kept, the output side costs as much as the scan.
func BenchmarkScanParquet(b *testing.B) {
	path, size := benchFile(b, false)
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		dir := b.TempDir()
		o, err := Create(filepath.Join(dir, "rates.parquet"))
		if err != nil {
			b.Fatal(err)
		}
		res, err := ScanFiles(context.Background(), []string{path}, Options{Query: Query{Codes: ratesgen.KetamineCodes}, TempDir: dir}, o)
		if err != nil || res[0].Err != nil {
			b.Fatal(err, res[0].Err)
		}
		if err := o.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res[0].Rows), "rows")
	}
}

// BenchmarkGunzip is the decompression floor: the scanner's reading side
// alone (klauspost/compress on its own goroutine), no parsing.
func BenchmarkGunzip(b *testing.B) {
	path, size := benchFile(b, true)
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		if _, err := uncompressedSize(path); err != nil {
			b.Fatal(err)
		}
	}
}
