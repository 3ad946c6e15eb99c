package inflate

import (
	"encoding/binary"
	"math/bits"
)

// nextCandidate returns the first bit offset in [from, to) of data where a
// non-final dynamic Huffman block header could start and whose code-length
// code is complete, or -1. Only dynamic blocks are looked for: they are what
// compressors write for anything but tiny or incompressible input, and the
// checks on their headers make false starts rare (each one is then refuted
// by decoding).
func nextCandidate(data []byte, from, to int64) int64 {
	limit := int64(len(data)-16) * 8
	if to > limit {
		to = limit
	}
	for o := from; o < to; o += 44 {
		w := binary.LittleEndian.Uint64(data[o>>3:]) >> (o & 7)
		// Bit i of m: at o+i, BFINAL 0 and BTYPE 10; and not HLIT >= 30
		// (its top four bits all set). 44 positions a load: the 13 bits a
		// test reads always fit in the 57 a load has.
		m := ^w & ^(w >> 1) & (w >> 2) &^ (w >> 4 & (w >> 5) & (w >> 6) & (w >> 7))
		m &= 1<<44 - 1
		if rest := to - o; rest < 44 {
			m &= 1<<rest - 1
		}
		for m != 0 {
			i := int64(bits.TrailingZeros64(m))
			m &= m - 1
			v := w >> i
			if (v>>8)&31 <= 29 && precodeComplete(data, o+i+13) {
				return o + i
			}
		}
	}
	return -1
}

// precodeComplete reports whether the code-length code at bit o (HCLEN and
// the lengths after it) is a complete prefix code.
func precodeComplete(data []byte, o int64) bool {
	n := uint(binary.LittleEndian.Uint64(data[o>>3:])>>(o&7)) & 15
	o += 4
	// The 4 to 19 lengths fit in the 57 bits a load always has.
	v := binary.LittleEndian.Uint64(data[o>>3:]) >> (o & 7)
	v &= 1<<(3*(n+4)) - 1
	k := &kraft4
	return k[v&4095]+k[v>>12&4095]+k[v>>24&4095]+k[v>>36&4095]+k[v>>48&4095] == 128
}

// kraft4[x] is the Kraft sum, in 128ths, of the four 3-bit code lengths
// packed in x.
var kraft4 = func() (t [4096]uint16) {
	for x := range t {
		for i := range 4 {
			if l := x >> (3 * i) & 7; l != 0 {
				t[x] += 1 << (7 - l)
			}
		}
	}
	return t
}()
