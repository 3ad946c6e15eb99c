package inflate

import (
	"bytes"
	stdgzip "compress/gzip"
	"io"
	"testing"
)

// FuzzReader feeds arbitrary bytes as a gzip stream, in small segments so
// that workers guess block starts, and holds the output and the verdict to
// klauspost/compress's.
func FuzzReader(f *testing.F) {
	for _, data := range corpus(9, 3000) {
		f.Add(gz(f, data, 6), uint16(200), uint8(2))
		f.Add(gz(f, data, 1), uint16(64), uint8(1))
	}
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint16(16), uint8(3))
	f.Fuzz(func(t *testing.T, in []byte, seg uint16, workers uint8) {
		want, werr := io.ReadAll(mustStd(in))
		got, gerr := readAll(NewReader(bytes.NewReader(in), Options{Workers: 1 + int(workers%4), SegmentSize: 16 + int(seg%4096), MaxPieceOutput: 1 << 20}))
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("klauspost: %v; here: %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("output differs: %d bytes, want %d", len(got), len(want))
		}
	})
}

// FuzzRoundTrip compresses arbitrary bytes with compress/flate at every
// level and reads them back through segments of every size.
func FuzzRoundTrip(f *testing.F) {
	for _, data := range corpus(10, 5000) {
		f.Add(data, int8(6), uint16(100))
	}
	f.Fuzz(func(t *testing.T, data []byte, level int8, seg uint16) {
		// Long inputs written a byte at a time with a flush after each make
		// executions too slow to fuzz; the kinds of blocks are the same.
		if len(data) > 1<<14 {
			data = data[:1<<14]
		}
		lv := int(level)%12 - 2 // HuffmanOnly (-2) to BestCompression (9)
		var buf bytes.Buffer
		w, err := stdgzip.NewWriterLevel(&buf, lv)
		if err != nil {
			t.Skip()
		}
		// Pieces flushed separately make stored and empty blocks too.
		for len(data) > 0 {
			k := min(len(data), 8+int(seg)%700)
			w.Write(data[:k])
			if seg%3 == 0 {
				w.Flush()
			}
			data = data[k:]
		}
		w.Close()
		want, _ := io.ReadAll(mustStd(buf.Bytes()))
		got, err := readAll(NewReader(bytes.NewReader(buf.Bytes()), Options{Workers: 2, SegmentSize: 16 + int(seg%2048), MaxPieceOutput: 1 << 20}))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("err %v, equal %v", err, bytes.Equal(got, want))
		}
	})
}
