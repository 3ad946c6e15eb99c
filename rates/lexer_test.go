package rates

import (
	"io"
	"strings"
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

// TestSkipStrings skips arrays of strings of every length around the
// eight-byte words skipNested reads them by, with an escaped quote or
// backslash at every position, in whole and in chunks that cut words:
// the skip must end right after the array, and an unclosed string is an
// error.
func TestSkipStrings(t *testing.T) {
	for n := 0; n <= 80; n++ {
		plain := strings.Repeat("a", n)
		values := []string{plain}
		for k := 0; k < n; k++ {
			values = append(values, plain[:k]+`\"`+plain[k:], plain[:k]+`\\`+plain[k:], plain[:k]+`_y[]{}`+plain[k:])
		}
		for _, v := range values {
			doc := `[{"` + v + `":"` + v + `"},"` + v + `",["` + v + `"]]`
			for _, chunk := range []int{1 << 20, 3, 8, 13} {
				l := newLexer("x", &memSource{b: []byte(doc + `,1`), n: chunk})
				if err := l.skip(); err != nil {
					t.Fatalf("skip %s (chunks of %d): %v", doc, chunk, err)
				}
				if got := l.offset(); got != int64(len(doc)) {
					t.Fatalf("skip %s (chunks of %d): ended at %d, want %d", doc, chunk, got, len(doc))
				}
				l = newLexer("x", &memSource{b: []byte(`["` + v), n: chunk})
				if err := l.skip(); err == nil {
					t.Fatalf("skip unclosed %q (chunks of %d): no error", v, chunk)
				}
			}
		}
	}
}
