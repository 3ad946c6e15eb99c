package inflate

import (
	"bytes"
	stdgzip "compress/gzip"
	"math/rand/v2"
	"testing"
	"time"
)

// TestReaderRandomized reads many small streams compressed at random
// levels, flushed at random, through random segment sizes and worker
// counts; each must come back whole, and none may hang (a watchdog dumps
// the goroutines if one does).
func TestReaderRandomized(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	c := corpus(10, 5000)
	keys := []string{"json", "random", "runs", "mix", "empty"}
	for range 1500 {
		data0 := c[keys[r.IntN(5)]]
		data0 = data0[:r.IntN(len(data0)+1)]
		if r.IntN(3) == 0 {
			data0 = append([]byte(nil), data0...)
			for k := 0; k < 5 && len(data0) > 0; k++ {
				data0[r.IntN(len(data0))] = byte(r.Uint32())
			}
		}
		workers := 1 + r.IntN(4)
		lv := r.IntN(12) - 2
		seg := r.IntN(65536)
		data := data0
		var buf bytes.Buffer
		w, _ := stdgzip.NewWriterLevel(&buf, lv)
		for len(data) > 0 {
			k := min(len(data), 1+seg%700)
			w.Write(data[:k])
			if seg%3 == 0 {
				w.Flush()
			}
			data = data[k:]
		}
		w.Close()
		var got []byte
		var err error
		if !finishes(5*time.Second, func() {
			got, err = readAll(NewReader(bytes.NewReader(buf.Bytes()), Options{Workers: workers, SegmentSize: 16 + seg%2048}))
		}) {
			t.Fatalf("lv %d seg %d len %d w %d: hangs", lv, seg, len(data0), workers)
		}
		if err != nil || !bytes.Equal(got, data0) {
			t.Fatalf("lv %d seg %d len %d: wrong", lv, seg, len(data0))
		}
	}
}
