package rates

import (
	"math/rand/v2"
	"testing"
)

// TestSeenSet compares seenSet with a map under the same rule (nothing
// recorded past maxSeen keys), with the key 0, repeats, and a reset.
func TestSeenSet(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var s seenSet
	for round := range 2 {
		want := map[uint64]bool{}
		for i := range maxSeen + 50000 {
			var k uint64
			switch {
			case i%1000 == 0:
				k = 0
			case i%3 == 0:
				k = uint64(r.IntN(1 << 17)) // repeats
			default:
				k = r.Uint64()
			}
			dup := want[k]
			if !dup && len(want) < maxSeen {
				want[k] = true
			}
			if got := s.add(k); got != dup {
				t.Fatalf("round %d, add %d (#%d): got %v, want %v", round, k, i, got, dup)
			}
		}
		if s.n != len(want) {
			t.Fatalf("round %d: %d keys, want %d", round, s.n, len(want))
		}
		s.reset()
	}
}
