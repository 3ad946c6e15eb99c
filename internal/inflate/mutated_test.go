package inflate

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// TestReaderMutated breaks valid streams the ways files break (bit flips,
// cuts, members glued together, junk inserted, bytes overwritten) and
// holds each verdict and output to klauspost/compress's; a watchdog dumps
// the goroutines if a read hangs.
func TestReaderMutated(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	c := corpus(9, 3000)
	var seeds [][]byte
	for _, k := range []string{"json", "random", "runs", "mix", "empty"} {
		seeds = append(seeds, gz(t, c[k], 6), gz(t, c[k], 1))
	}
	for i := range 2000 {
		in := append([]byte(nil), seeds[r.IntN(len(seeds))]...)
		switch r.IntN(5) {
		case 0:
			for k := 0; k < 1+r.IntN(4) && len(in) > 0; k++ {
				in[r.IntN(len(in))] ^= byte(1 << r.IntN(8))
			}
		case 1:
			in = in[:r.IntN(len(in)+1)]
		case 2:
			in = append(in, seeds[r.IntN(len(seeds))]...)
		case 3:
			at := r.IntN(len(in) + 1)
			junk := make([]byte, r.IntN(40))
			for k := range junk {
				junk[k] = byte(r.Uint32())
			}
			in = append(in[:at], append(junk, in[at:]...)...)
		case 4:
			for k := 0; k < 1+r.IntN(20) && len(in) > 0; k++ {
				in[r.IntN(len(in))] = byte(r.Uint32())
			}
		}
		workers, seg := 1+r.IntN(4), 16+r.IntN(4096)
		var want, got []byte
		var werr, gerr error
		if !finishes(10*time.Second, func() {
			want, werr = io.ReadAll(mustStd(in))
			got, gerr = readAll(NewReader(bytes.NewReader(in), Options{Workers: workers, SegmentSize: seg, MaxPieceOutput: 1 << 20}))
		}) {
			t.Fatalf("case %d w %d seg %d: hangs", i, workers, seg)
		}
		if (werr != nil) != (gerr != nil) || werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("case %d (workers %d, segment %d): klauspost %v, here %v", i, workers, seg, werr, gerr)
		}
	}
}
