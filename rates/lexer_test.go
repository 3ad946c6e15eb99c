package rates

import (
	"io"
	"os"
	"testing"
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

func BenchmarkSkip(b *testing.B) {
	data, err := os.ReadFile("/tmp/rs/t256.json")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for range b.N {
		l := newLexer("x", &memSource{b: data, n: 1 << 20})
		if err := l.skip(); err != nil {
			b.Fatal(err)
		}
	}
}
