package inflate

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestNextCandidate compares the word-at-a-time search with the plain
// definition, bit by bit, on random bytes.
func TestNextCandidate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	data := make([]byte, 1<<16)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	slow := func(from, to int64) int64 {
		for o := from; o < to && o < int64(len(data)-16)*8; o++ {
			v := binary.LittleEndian.Uint64(data[o>>3:]) >> (o & 7)
			if v&7 == 4 && (v>>3)&31 <= 29 && (v>>8)&31 <= 29 && precodeComplete(data, o+13) {
				return o
			}
		}
		return -1
	}
	found := 0
	for from := int64(0); from >= 0; {
		to := from + int64(r.IntN(5000))
		want, got := slow(from, to), nextCandidate(data, from, to)
		if got != want {
			t.Fatalf("nextCandidate(%d, %d) = %d, want %d", from, to, got, want)
		}
		if got >= 0 {
			found++
			from = got + 1
		} else if to >= int64(len(data)-16)*8 {
			break
		} else {
			from = to
		}
	}
	if found < 10 {
		t.Errorf("only %d candidates in 64 KiB of random bytes", found)
	}
}
