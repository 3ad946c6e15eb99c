package rates

import (
	"io"
	"testing"

	"github.com/ketacover/ketacover/rates/ratesgen"
)

// memSource serves a byte slice in chunks of n bytes.
type memSource struct {
	b []byte
	n int
}

func (m *memSource) next() chunk {
	if len(m.b) == 0 {
		return chunk{err: io.EOF}
	}
	k := min(m.n, len(m.b))
	c := m.b[:k:k]
	m.b = m.b[k:]
	return chunk{b: c}
}

func (m *memSource) recycle([]byte) {}

// BenchmarkSkip is the skipping loop alone, over a generated file in
// memory: the speed at which codes nobody asked for go by.
func BenchmarkSkip(b *testing.B) {
	data := gen(b, ratesgen.Config{Seed: 1, Size: 64 << 20})
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		l := newLexer("x", &memSource{b: data, n: 1 << 20})
		if err := l.skip(); err != nil {
			b.Fatal(err)
		}
	}
}
