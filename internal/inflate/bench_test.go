package inflate

import (
	"bufio"
	"io"
	"os"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// BenchmarkFile decompresses the gzip file named by KETACOVER_INFLATE_FILE
// (for example the rates benchmark's in-network-2g.json.gz) with this
// package and, for comparison, klauspost/compress alone.
func BenchmarkFile(b *testing.B) {
	path := os.Getenv("KETACOVER_INFLATE_FILE")
	if path == "" {
		b.Skip("set KETACOVER_INFLATE_FILE to a gzip file")
	}
	run := func(b *testing.B, open func(io.Reader) io.ReadCloser) {
		buf := make([]byte, 1<<20)
		for b.Loop() {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			z := open(bufio.NewReaderSize(f, 256<<10))
			var n int64
			for {
				k, err := io.ReadFull(z, buf)
				n += int64(k)
				if err != nil {
					if err != io.EOF && err != io.ErrUnexpectedEOF {
						b.Fatal(err)
					}
					break
				}
			}
			z.Close()
			f.Close()
			b.SetBytes(n)
		}
	}
	b.Run("parallel", func(b *testing.B) {
		run(b, func(r io.Reader) io.ReadCloser { return NewReader(r, Options{}) })
	})
	b.Run("parallel1", func(b *testing.B) {
		run(b, func(r io.Reader) io.ReadCloser { return NewReader(r, Options{Workers: 1}) })
	})
	b.Run("klauspost", func(b *testing.B) {
		run(b, func(r io.Reader) io.ReadCloser {
			z, err := kgzip.NewReader(r)
			if err != nil {
				b.Fatal(err)
			}
			return z
		})
	})
}
