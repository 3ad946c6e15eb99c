package inflate

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// CorruptError reports a deflate stream that breaks RFC 1951.
type CorruptError struct {
	Offset int64 // compressed byte offset at or just past the problem
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("flate: corrupt input before offset %d: %s", e.Offset, e.Reason)
}

// errNeedInput says the decoder stopped because its input ended; its state
// is that of the last whole symbol, so it resumes once given more.
var errNeedInput = errors.New("inflate: need more input")

var codeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// decoder is the state of one deflate stream between calls: where it is in
// its input and in the current block. It holds no output: its callers own
// the buffers (bytes, or uint16 with markers) and their history.
type decoder struct {
	in   []byte
	base int64 // compressed offset of in[0], for errors and positions
	pos  int   // next byte of in to load into bits
	bits uint64
	nb   uint

	inBlock    bool
	stored     bool
	storedLeft int
	final      bool // the current or last block is the stream's last
	done       bool // the last block has ended

	lit, dist []uint32
	litBuf    []uint32
	distBuf   []uint32
	lens      [maxLitSyms + maxDistSyms]uint8
	pre       []uint32
}

// reset places d at bit offset bit of in, between blocks.
func (d *decoder) reset(in []byte, base int64, bit int64) {
	*d = decoder{in: in, base: base, litBuf: d.litBuf, distBuf: d.distBuf, pre: d.pre}
	d.pos = int(bit >> 3)
	if r := uint(bit & 7); r != 0 {
		if d.pos < len(in) {
			d.bits = uint64(in[d.pos]) >> r
			d.nb = 8 - r
			d.pos++
		}
	}
}

// bitPos is the compressed position of the next unread bit.
func (d *decoder) bitPos() int64 { return (d.base+int64(d.pos))*8 - int64(d.nb) }

func (d *decoder) corrupt(reason string) error {
	return &CorruptError{Offset: d.base + int64(d.pos), Reason: reason}
}

// need loads bytes until n bits are buffered; false when the input ends
// first.
func (d *decoder) need(n uint) bool {
	for d.nb < n {
		if d.pos >= len(d.in) {
			return false
		}
		d.bits |= uint64(d.in[d.pos]) << d.nb
		d.pos++
		d.nb += 8
	}
	return true
}

func (d *decoder) take(n uint) uint32 {
	v := uint32(d.bits & (1<<n - 1))
	d.bits >>= n
	d.nb -= n
	return v
}

// header reads a block header. On errNeedInput nothing is consumed.
func (d *decoder) header() error {
	save := *d
	err := d.readHeader()
	if err == errNeedInput {
		lit, dist, pre := d.litBuf, d.distBuf, d.pre
		*d = save
		d.litBuf, d.distBuf, d.pre = lit, dist, pre
	}
	return err
}

func (d *decoder) readHeader() error {
	if !d.need(3) {
		return errNeedInput
	}
	d.final = d.take(1) == 1
	switch d.take(2) {
	case 0:
		// Stored: skip to the byte boundary, then LEN and NLEN.
		d.take(d.nb & 7)
		if !d.need(32) {
			return errNeedInput
		}
		n, nn := d.take(16), d.take(16)
		if n != ^nn&0xffff {
			return d.corrupt("stored block length does not match its complement")
		}
		d.stored, d.storedLeft = true, int(n)
	case 1:
		d.stored, d.lit, d.dist = false, fixedLit, fixedDist
	case 2:
		if err := d.dynamic(); err != nil {
			return err
		}
		d.stored = false
	default:
		return d.corrupt("reserved block type 3")
	}
	d.inBlock = true
	return nil
}

// dynamic reads the code lengths of a dynamic Huffman block (RFC 1951
// 3.2.7) and builds its tables.
func (d *decoder) dynamic() error {
	if !d.need(14) {
		return errNeedInput
	}
	nlit := int(d.take(5)) + 257
	ndist := int(d.take(5)) + 1
	ncl := int(d.take(4)) + 4
	if nlit > maxLitSyms || ndist > maxDistSyms {
		return d.corrupt("too many length or distance codes")
	}
	var cl [19]uint8
	for i := range ncl {
		if !d.need(3) {
			return errNeedInput
		}
		cl[codeOrder[i]] = uint8(d.take(3))
	}
	var ok bool
	if d.pre, ok = buildTable(d.pre, cl[:], 7, precodeEntry); !ok {
		return d.corrupt("invalid code-length code")
	}
	lens := d.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		d.need(7)
		e := d.pre[d.bits&127]
		l := uint(e & 31)
		if e&fBad != 0 || l == 0 {
			if d.nb < 7 && d.pos >= len(d.in) {
				return errNeedInput
			}
			return d.corrupt("invalid code-length symbol")
		}
		if l > d.nb {
			return errNeedInput
		}
		d.take(l)
		sym := e >> 16
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var v uint8
		switch sym {
		case 16:
			if i == 0 {
				return d.corrupt("repeat of a code length with none before")
			}
			if !d.need(2) {
				return errNeedInput
			}
			rep, v = 3+int(d.take(2)), lens[i-1]
		case 17:
			if !d.need(3) {
				return errNeedInput
			}
			rep = 3 + int(d.take(3))
		default:
			if !d.need(7) {
				return errNeedInput
			}
			rep = 11 + int(d.take(7))
		}
		if i+rep > len(lens) {
			return d.corrupt("code lengths repeat past their count")
		}
		for range rep {
			lens[i] = v
			i++
		}
	}
	if d.litBuf, ok = buildTable(d.litBuf, lens[:nlit], litTableBits, litEntry); !ok {
		return d.corrupt("invalid literal/length code")
	}
	if d.distBuf, ok = buildTable(d.distBuf, lens[nlit:], distTableBits, distEntry); !ok {
		return d.corrupt("invalid distance code")
	}
	d.lit, d.dist = d.litBuf, d.distBuf
	return nil
}

// elem is what decoded output is made of: bytes, or uint16 where values of
// 256 and up are markers for the unknown window.
type elem interface{ ~byte | ~uint16 }

// decodeBlock continues the current block into out from n until the block
// ends or n reaches limit; len(out) >= limit+slack. Back-references may
// reach down to out[0].
func decodeBlock[T elem](d *decoder, out []T, n, limit int) (int, error) {
	if d.stored {
		k := min(d.storedLeft, limit-n)
		// Bytes already in the bit buffer come first.
		for k > 0 && d.nb >= 8 {
			out[n] = T(d.take(8))
			n, k, d.storedLeft = n+1, k-1, d.storedLeft-1
		}
		if d.nb == 0 {
			// The buffer may hold bytes past nb that are about to be
			// copied directly; they must not be loaded twice.
			d.bits = 0
		}
		c := min(k, len(d.in)-d.pos)
		for i, b := range d.in[d.pos : d.pos+c] {
			out[n+i] = T(b)
		}
		n, d.pos, d.storedLeft = n+c, d.pos+c, d.storedLeft-c
		if d.storedLeft == 0 {
			d.endBlock()
			return n, nil
		}
		if n >= limit {
			return n, nil
		}
		return n, errNeedInput
	}
	bits, nb, pos, in := d.bits, d.nb, d.pos, d.in
	lt, dt := d.lit, d.dist
	// The primary tables as arrays: their lookups need no bounds checks.
	lp := (*[1 << litTableBits]uint32)(lt)
	dp := (*[1 << distTableBits]uint32)(dt)
	for n < limit {
		if pos+8 > len(in) {
			break
		}
		bits |= binary.LittleEndian.Uint64(in[pos:]) << nb
		pos += int(63-nb) >> 3
		nb |= 56
		e := lp[bits&(1<<litTableBits-1)]
		if e&fSub != 0 {
			e = lt[e>>16+uint32(bits>>litTableBits)&(1<<(e&31)-1)]
		}
		if e&fLit != 0 {
			cl := uint(e & 31)
			bits >>= cl
			nb -= cl
			out[n] = T(e >> 16)
			n++
			// A second literal often follows; 56 bits hold two codes.
			e = lp[bits&(1<<litTableBits-1)]
			if e&fLit != 0 && n < limit {
				cl := uint(e & 31)
				bits >>= cl
				nb -= cl
				out[n] = T(e >> 16)
				n++
			}
			continue
		}
		if e&(fEOB|fBad) != 0 {
			if e&fBad != 0 {
				d.bits, d.nb, d.pos = bits, nb, pos
				return n, d.corrupt("invalid literal/length code")
			}
			cl := uint(e & 31)
			d.bits, d.nb, d.pos = bits>>cl, nb-cl, pos
			d.endBlock()
			return n, nil
		}
		cl, ex := uint(e&31), uint(e>>5&31)
		length := int(e>>16) + int(bits>>cl&(1<<ex-1))
		bits >>= cl + ex
		nb -= cl + ex
		e = dp[bits&(1<<distTableBits-1)]
		if e&fSub != 0 {
			e = dt[e>>16+uint32(bits>>distTableBits)&(1<<(e&31)-1)]
		}
		if e&fBad != 0 {
			d.bits, d.nb, d.pos = bits, nb, pos
			return n, d.corrupt("invalid distance code")
		}
		cl, ex = uint(e&31), uint(e>>5&31)
		dist := int(e>>16) + int(bits>>cl&(1<<ex-1))
		bits >>= cl + ex
		nb -= cl + ex
		if dist > n {
			d.bits, d.nb, d.pos = bits, nb, pos
			return n, d.corrupt("distance too far back")
		}
		copyMatch(out, n, dist, length)
		n += length
	}
	d.bits, d.nb, d.pos = bits, nb, pos
	if n >= limit {
		return n, nil
	}
	return decodeSlow(d, out, n, limit)
}

func copyMatch[T elem](out []T, n, dist, length int) {
	src := n - dist
	if dist >= 8 {
		// Eight at a time, reading only what is already written; the
		// buffer's slack takes what runs past length.
		for k := 0; k < length; k += 8 {
			*(*[8]T)(out[n+k:]) = *(*[8]T)(out[src+k:])
		}
		return
	}
	for k := 0; k < length; {
		k += copy(out[n+k:n+length], out[src:n+k])
	}
}

// decodeSlow is decodeBlock near the end of the input: it checks that each
// symbol is whole before taking it.
func decodeSlow[T elem](d *decoder, out []T, n, limit int) (int, error) {
	for n < limit {
		d.need(56)
		bits := d.bits
		e := d.lit[bits&(1<<litTableBits-1)]
		if e&fSub != 0 {
			e = d.lit[e>>16+uint32(bits>>litTableBits)&(1<<(e&31)-1)]
		}
		if e&fBad != 0 {
			if d.nb < maxCodeLen && d.pos >= len(d.in) {
				return n, errNeedInput
			}
			return n, d.corrupt("invalid literal/length code")
		}
		cl, ex := uint(e&31), uint(e>>5&31)
		if cl+ex > d.nb {
			return n, errNeedInput
		}
		if e&fLit != 0 {
			d.take(cl)
			out[n] = T(e >> 16)
			n++
			continue
		}
		if e&fEOB != 0 {
			d.take(cl)
			d.endBlock()
			return n, nil
		}
		length := int(e>>16) + int(bits>>cl&(1<<ex-1))
		used := cl + ex
		rest := bits >> used
		e2 := d.dist[rest&(1<<distTableBits-1)]
		if e2&fSub != 0 {
			e2 = d.dist[e2>>16+uint32(rest>>distTableBits)&(1<<(e2&31)-1)]
		}
		if e2&fBad != 0 {
			if d.nb-used < maxCodeLen && d.pos >= len(d.in) {
				return n, errNeedInput
			}
			d.take(used)
			return n, d.corrupt("invalid distance code")
		}
		cl2, ex2 := uint(e2&31), uint(e2>>5&31)
		if used+cl2+ex2 > d.nb {
			return n, errNeedInput
		}
		dist := int(e2>>16) + int(rest>>cl2&(1<<ex2-1))
		d.take(used + cl2 + ex2)
		if dist > n {
			return n, d.corrupt("distance too far back")
		}
		copyMatch(out, n, dist, length)
		n += length
	}
	return n, nil
}

func (d *decoder) endBlock() {
	d.inBlock = false
	if d.final {
		d.done = true
	}
}

// stopReason says why decode returned without an error.
type stopReason int

const (
	stopFull stopReason = iota // out reached limit
	stopAt                     // a block boundary at or past stopBit
	stopEnd                    // the last block ended
)

// decode runs d into out from n until out reaches limit, the first block
// boundary at or after bit position stopBit, or the stream's end.
func decode[T elem](d *decoder, out []T, n, limit int, stopBit int64) (int, stopReason, error) {
	for {
		if !d.inBlock {
			if d.done {
				return n, stopEnd, nil
			}
			if d.bitPos() >= stopBit {
				return n, stopAt, nil
			}
			if err := d.header(); err != nil {
				return n, 0, err
			}
		}
		if n >= limit {
			return n, stopFull, nil
		}
		var err error
		if n, err = decodeBlock(d, out, n, limit); err != nil {
			return n, 0, err
		}
	}
}
