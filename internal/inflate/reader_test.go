package inflate

import (
	"bytes"
	stdgzip "compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
)

// corpus makes inputs of the kinds the rates scanner meets and some it
// should survive: JSON like a Transparency in Coverage file, random bytes
// (stored blocks), long runs (matches overlapping themselves), and a mix.
func corpus(seed uint64, size int) map[string][]byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var js bytes.Buffer
	for i := 0; js.Len() < size; i++ {
		fmt.Fprintf(&js, `{"negotiation_arrangement":"ffs","billing_code":"%05d","negotiated_rates":[{"provider_references":[%d,%d],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":%d.%02d,"expiration_date":"9999-12-31","billing_class":"professional"}]}]},`,
			r.IntN(99999), r.IntN(1e6), r.IntN(1e6), r.IntN(5000), r.IntN(100))
	}
	random := make([]byte, size)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	runs := bytes.Repeat([]byte("a"), size/2)
	runs = append(runs, bytes.Repeat([]byte("abcdefgh"), size/16)...)
	var mix []byte
	for len(mix) < size {
		switch r.IntN(3) {
		case 0:
			at := r.IntN(js.Len() / 2)
			mix = append(mix, js.Bytes()[at:][:min(r.IntN(20000), js.Len()-at)]...)
		case 1:
			mix = append(mix, random[:r.IntN(min(5000, size))]...)
		default:
			mix = append(mix, bytes.Repeat([]byte{byte(r.IntN(256))}, r.IntN(3000))...)
		}
	}
	return map[string][]byte{"json": js.Bytes()[:size], "random": random, "runs": runs, "mix": mix[:size], "empty": nil}
}

func gz(t testing.TB, b []byte, level int) []byte {
	var buf bytes.Buffer
	w, err := stdgzip.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// readAll reads z to its end, closing it.
// finishes runs f and reports whether it returned within d; when it did
// not, it writes every goroutine's stack to stderr first, so that a hang
// in the reader shows where it waits.
func finishes(d time.Duration, f func()) bool {
	done := make(chan struct{})
	go func() {
		f()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		return false
	}
}

func readAll(z *Reader) ([]byte, error) {
	defer z.Close()
	return io.ReadAll(z)
}

func TestReaderMatchesGzip(t *testing.T) {
	for name, data := range corpus(1, 600<<10) {
		for _, level := range []int{stdgzip.BestSpeed, stdgzip.DefaultCompression, stdgzip.BestCompression, stdgzip.HuffmanOnly} {
			comp := gz(t, data, level)
			for _, seg := range []int{64, 1000, 4096, 65536, 1 << 20} {
				for _, workers := range []int{1, 3} {
					t.Run(fmt.Sprintf("%s/level%d/seg%d/w%d", name, level, seg, workers), func(t *testing.T) {
						got, err := readAll(NewReader(bytes.NewReader(comp), Options{Workers: workers, SegmentSize: seg}))
						if err != nil {
							t.Fatalf("read: %v", err)
						}
						if !bytes.Equal(got, data) {
							t.Fatalf("output differs: %d bytes, want %d", len(got), len(data))
						}
					})
				}
			}
		}
	}
}

// TestReaderKlauspost reads what klauspost/compress writes, whose blocks
// differ from compress/flate's.
func TestReaderKlauspost(t *testing.T) {
	data := corpus(2, 1<<20)["json"]
	for _, level := range []int{1, 5, 9} {
		var buf bytes.Buffer
		w, _ := kgzip.NewWriterLevel(&buf, level)
		w.Write(data)
		w.Close()
		got, err := readAll(NewReader(bytes.NewReader(buf.Bytes()), Options{Workers: 2, SegmentSize: 8192}))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("level %d: err %v, equal %v", level, err, bytes.Equal(got, data))
		}
	}
}

func TestReaderMembers(t *testing.T) {
	c := corpus(3, 200<<10)
	var all, comp []byte
	for _, k := range []string{"json", "empty", "mix", "random"} {
		all = append(all, c[k]...)
		comp = append(comp, gz(t, c[k], 6)...)
	}
	for _, seg := range []int{100, 5000, 1 << 20} {
		got, err := readAll(NewReader(bytes.NewReader(comp), Options{Workers: 2, SegmentSize: seg}))
		if err != nil || !bytes.Equal(got, all) {
			t.Errorf("segment %d: err %v, %d bytes, want %d", seg, err, len(got), len(all))
		}
	}
	// Garbage after a member is a header error, as for compress/gzip.
	bad := append(gz(t, c["json"], 6), "not a gzip header"...)
	if _, err := readAll(NewReader(bytes.NewReader(bad), Options{SegmentSize: 4096})); !errors.Is(err, kgzip.ErrHeader) {
		t.Errorf("trailing garbage: %v, want %v", err, kgzip.ErrHeader)
	}
}

// TestReaderBroken: whatever breaks a stream for klauspost/compress breaks it
// here, and what it accepts is accepted with the same output.
func TestReaderBroken(t *testing.T) {
	data := corpus(4, 300<<10)["mix"]
	comp := gz(t, data, 6)
	r := rand.New(rand.NewPCG(4, 4))
	check := func(t *testing.T, in []byte, seg int) {
		want, werr := io.ReadAll(mustStd(in))
		got, gerr := readAll(NewReader(bytes.NewReader(in), Options{Workers: 2, SegmentSize: seg}))
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("klauspost: %v; here: %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("output differs")
		}
		if werr != nil && !bytes.HasPrefix(want, got) && !bytes.HasPrefix(got, want) {
			t.Fatalf("output before the error differs")
		}
	}
	for i := range 40 {
		cut := r.IntN(len(comp))
		t.Run(fmt.Sprintf("truncated%d", cut), func(t *testing.T) { check(t, comp[:cut], 1+r.IntN(8192)) })
		flip := append([]byte(nil), comp...)
		at := 10 + r.IntN(len(comp)-10)
		flip[at] ^= byte(1 << r.IntN(8))
		t.Run(fmt.Sprintf("flip%d_%d", at, i), func(t *testing.T) { check(t, flip, 1+r.IntN(8192)) })
	}
	for _, in := range [][]byte{nil, {0x1f}, {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, []byte(strings.Repeat("x", 100))} {
		check(t, in, 16)
	}
}

// mustStd reads in with klauspost/compress's gzip reader, which the rates
// scanner used before this package and which, unlike compress/gzip,
// refuses a header with reserved flag bits set (RFC 1952 2.3.1.2).
func mustStd(in []byte) io.Reader {
	z, err := kgzip.NewReader(bytes.NewReader(in))
	if err != nil {
		return errReader{err}
	}
	return z
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestSegmentsShrinkWithRatio: on a stream that compresses 200 to 1 the
// jobs get smaller, so that their output (and memory) stays near what a
// buffer starts with, and the output is still exact.
func TestSegmentsShrinkWithRatio(t *testing.T) {
	data := bytes.Repeat([]byte(`{"billing_code":"96365","negotiated_rate":123.45},`), 200000)
	comp := gz(t, data, 6)
	z := NewReader(bytes.NewReader(comp), Options{Workers: 1, SegmentSize: 64 << 10})
	got, err := io.ReadAll(z)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("err %v, equal %v", err, bytes.Equal(got, data))
	}
	ratio := float64(len(data)) / float64(len(comp))
	if s := z.segmentSize(); s >= 64<<10 || s < minSegment {
		t.Errorf("at a ratio of %.0f, segments of %d bytes; want under 64 KiB and at least %d", ratio, s, minSegment)
	}
	z.Close()
}
