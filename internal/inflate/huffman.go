// Package inflate decompresses gzip streams (RFC 1951 deflate inside RFC 1952
// gzip) on several cores, including the common single-member files that gzip
// and pigz write, whose deflate stream was never meant to be split.
//
// It follows the approach of rapidgzip (Knespel and Brunst, "Rapidgzip:
// Parallel Decompression and Seeking in Gzip Files Using Cache Prefetching",
// HPDC 2023, doi:10.1145/3588195.3592992): each worker looks for the start of
// a dynamic Huffman block in its own piece of the compressed stream, decodes
// from there without knowing the 32 KiB of history before it (back-references
// into that unknown window become markers), and the pieces are stitched
// together in order once the window is known. A piece whose start turns out
// not to be where the previous piece ended is decoded again in order, so the
// output is always exactly what a sequential decoder produces.
package inflate

import "math/bits"

const (
	litTableBits  = 10 // primary table index bits, literal/length code
	distTableBits = 8  // primary table index bits, distance code
	maxCodeLen    = 15
	maxMatch      = 258
	slack         = maxMatch + 8 // room past a decode's limit: a match, and a copy's overrun
	windowSize    = 1 << 15
	maxLitSyms    = 286 // RFC 1951 3.2.7: HLIT + 257 <= 286
	maxDistSyms   = 30
)

// A table entry packs, from the low bits: the code length (5 bits; for a
// pointer to a subtable, the subtable's index bits), the count of extra bits
// that follow the code (5 bits), flags, and in the top 16 bits the value: a
// literal byte, a length or distance base, or a subtable's offset.
const (
	fLit uint32 = 1 << 10
	fEOB uint32 = 1 << 11
	fSub uint32 = 1 << 12
	fBad uint32 = 1 << 13
)

var lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
var lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
var distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
var distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}

func litEntry(sym int) uint32 {
	switch {
	case sym < 256:
		return uint32(sym)<<16 | fLit
	case sym == 256:
		return fEOB
	case sym < 257+29:
		i := sym - 257
		return uint32(lengthBase[i])<<16 | uint32(lengthExtra[i])<<5
	}
	return fBad
}

func distEntry(sym int) uint32 {
	if sym < maxDistSyms {
		return uint32(distBase[sym])<<16 | uint32(distExtra[sym])<<5
	}
	return fBad
}

func precodeEntry(sym int) uint32 { return uint32(sym) << 16 }

// buildTable fills t with a decoding table for the canonical Huffman code
// given by lens, with a primary table of 1<<tb entries followed by
// subtables. It reports false for an over-subscribed or incomplete code,
// except what compress/flate also accepts: no codes at all, and a single
// code of one bit. Entries that no code reaches are fBad.
func buildTable(t []uint32, lens []uint8, tb uint, entry func(int) uint32) ([]uint32, bool) {
	var count [maxCodeLen + 1]int
	max := 0
	for _, l := range lens {
		if l != 0 {
			count[l]++
			if int(l) > max {
				max = int(l)
			}
		}
	}
	t = t[:0]
	for range 1 << tb {
		t = append(t, fBad)
	}
	if max == 0 {
		return t, true
	}
	var next [maxCodeLen + 2]int
	code := 0
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	if total := next[max] + count[max]; total != 1<<max && !(total == 1 && max == 1) {
		return t, false
	}
	// Lengths whose codes overflow their length are over-subscribed even if
	// the sum works out; check as zlib does.
	left := 1
	for l := 1; l <= maxCodeLen; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return t, false
		}
	}
	mask := 1<<tb - 1
	// The subtable for a primary index is as large as the longest code
	// sharing that index needs.
	var subBits [1 << litTableBits]uint8
	codes := next
	if max > int(tb) {
		for _, l := range lens {
			if int(l) <= int(tb) {
				if l != 0 {
					codes[l]++
				}
				continue
			}
			r := int(bits.Reverse16(uint16(codes[l])) >> (16 - l))
			codes[l]++
			p := r & mask
			if need := l - uint8(tb); need > subBits[p] {
				subBits[p] = need
			}
		}
		codes = next
		for p := range 1 << tb {
			if sb := subBits[p]; sb != 0 {
				t[p] = uint32(len(t))<<16 | fSub | uint32(sb)
				for range 1 << sb {
					t = append(t, fBad)
				}
			}
		}
	}
	for sym, l := range lens {
		if l == 0 {
			continue
		}
		r := int(bits.Reverse16(uint16(codes[l])) >> (16 - l))
		codes[l]++
		e := entry(sym) | uint32(l)
		if int(l) <= int(tb) {
			for i := r; i < 1<<tb; i += 1 << l {
				t[i] = e
			}
			continue
		}
		sub := t[r&mask]
		off, sb := int(sub>>16), int(sub&31)
		for i := r >> tb; i < 1<<sb; i += 1 << (int(l) - int(tb)) {
			t[off+i] = e
		}
	}
	return t, true
}

var fixedLit, fixedDist []uint32

func init() {
	var lens [288]uint8
	for i := range lens {
		switch {
		case i < 144:
			lens[i] = 8
		case i < 256:
			lens[i] = 9
		case i < 280:
			lens[i] = 7
		default:
			lens[i] = 8
		}
	}
	fixedLit, _ = buildTable(make([]uint32, 0, 1<<litTableBits), lens[:], litTableBits, litEntry)
	var dl [32]uint8
	for i := range dl {
		dl[i] = 5
	}
	fixedDist, _ = buildTable(make([]uint32, 0, 1<<distTableBits), dl[:], distTableBits, distEntry)
}
