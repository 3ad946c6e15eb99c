package rates

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestClassify compares classifyBlocks (AVX2 where the machine has it)
// and classifyGo with a byte loop, on bytes drawn mostly from the ones
// they look for and their neighbours.
func TestClassify(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(`"{}[]\ay_Y;:,0 ` + "\x7f\x80\xff\x22\xa2\xfb\xfd\xdb\xdd")
	b := make([]byte, 64*maxBlocks)
	for round := range 200 {
		for i := range b {
			if round%2 == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[i] = byte(r.Uint32())
			}
		}
		var want []uint64
		for k := 0; k < len(b); k += 64 {
			var q, br uint64
			for j, c := range b[k : k+64] {
				if c == '"' {
					q |= 1 << j
				}
				if c == '{' || c == '}' || c == '[' || c == ']' {
					br |= 1 << j
				}
			}
			want = append(want, q, br)
		}
		for _, simd := range []bool{false, true} {
			if simd && !hasAVX2 {
				continue
			}
			got := make([]uint64, len(want))
			func() {
				defer func(h bool) { hasAVX2 = h }(hasAVX2)
				hasAVX2 = simd
				classifyBlocks(b, got)
			}()
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("round %d, simd %v, block %d word %d: got %064b, want %064b", round, simd, i/2, i%2, got[i], want[i])
				}
			}
		}
	}
}

// TestSkipBlocks skips random JSON-like values long enough for the 64-byte
// blocks, with strings of every length holding brackets, quotes and
// backslashes, and compares where the skip ends (or fails) with the byte
// by byte path (chunks too short for a block), with and without AVX2.
func TestSkipBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var value func(b []byte, depth int) []byte
	str := func(b []byte) []byte {
		b = append(b, '"')
		for range r.IntN(150) {
			switch r.IntN(12) {
			case 0:
				b = append(b, '\\', '"')
			case 1:
				b = append(b, '\\', '\\')
			case 2:
				b = append(b, "[]{}"[r.IntN(4)])
			default:
				b = append(b, 'a'+byte(r.IntN(26)))
			}
		}
		return append(b, '"')
	}
	value = func(b []byte, depth int) []byte {
		switch k := r.IntN(6); {
		case depth > 6 || k == 0:
			return append(b, "12.5"...)
		case k == 1:
			return str(b)
		case k <= 3:
			b = append(b, '[')
			for i := range r.IntN(6) {
				if i > 0 {
					b = append(b, ',')
				}
				b = value(b, depth+1)
			}
			return append(b, ']')
		default:
			b = append(b, '{')
			for i := range r.IntN(6) {
				if i > 0 {
					b = append(b, ',')
				}
				b = str(b)
				b = append(b, ':')
				b = value(b, depth+1)
			}
			return append(b, '}')
		}
	}
	for round := range 3000 {
		doc := value([]byte("["), 0)
		doc = append(doc, ',')
		doc = value(doc, 0)
		doc = append(doc, ']')
		if round%3 == 1 { // break it somewhere
			doc[r.IntN(len(doc))] = "]}[{\"\\"[r.IntN(6)]
		}
		if round%3 == 2 {
			doc = doc[:r.IntN(len(doc))]
		}
		skipAt := func(chunk int, simd bool) (int64, string) {
			defer func(h bool) { hasAVX2 = h }(hasAVX2)
			hasAVX2 = simd
			l := newLexer("x", &memSource{b: append(doc[:len(doc):len(doc)], " ,1"...), n: chunk})
			if err := l.skip(); err != nil {
				se := err.(*SyntaxError)
				return se.Offset, se.Msg
			}
			return l.offset(), ""
		}
		wantOff, wantErr := skipAt(7, false)
		if round%3 == 0 && (wantErr != "" || wantOff != int64(len(doc))) {
			t.Fatalf("round %d: byte path ended at %d (%s), want %d: %s", round, wantOff, wantErr, len(doc), doc)
		}
		for _, chunk := range []int{1 << 20, 200, 64 + 13} {
			for _, simd := range []bool{false, hasAVX2} {
				off, msg := skipAt(chunk, simd)
				if off != wantOff || msg != wantErr {
					t.Fatalf("round %d, chunks of %d, simd %v: ended at %d (%q), byte path at %d (%q): %s", round, chunk, simd, off, msg, wantOff, wantErr, doc)
				}
			}
		}
	}
}

// TestDigits8 compares digits8 with strconv on every kind of eight bytes:
// all digits, and one byte out of the digits at each place.
func TestDigits8(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		var b [8]byte
		for i := range b {
			b[i] = '0' + byte(r.IntN(10))
		}
		if r.IntN(2) == 0 {
			b[r.IntN(8)] = byte(r.Uint32())
		}
		want, err := strconv.ParseUint(string(b[:]), 10, 64)
		wantOK := err == nil
		got, ok := digits8(binary.LittleEndian.Uint64(b[:]))
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("digits8(%q) = %d, %v; want %d, %v", b, got, ok, want, wantOK)
		}
	}
}
