package rates

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Skipping is most of the work of a scan: the in_network items of codes
// nobody asked for are four fifths of a typical file. Inside a skipped
// value only strings and bracket balance are checked.

// strStop marks the bytes that end a run of plain string bytes.
var strStop = [256]bool{'"': true, '\\': true}

// skipClass marks the bytes that matter when skipping: quotes and brackets.
var skipClass = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// Word-at-a-time tests ("SWAR"): eight bytes in a uint64, little-endian.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	lows  = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes flags, by its high bit, the first zero byte of x (bytes after
// it may be flagged wrongly, by the borrow: callers use only the lowest
// flag).
func zeroBytes(x uint64) uint64 { return (x - ones) &^ x & highs }

// strWord flags the first '"' or '\\' in x: where a run of plain string
// bytes ends.
func strWord(x uint64) uint64 {
	return zeroBytes(x^('"'*ones)) | zeroBytes(x^('\\'*ones))
}

// eqBytes flags, by its high bit, every zero byte of x (exactly: no
// borrow crosses bytes).
func eqBytes(x uint64) uint64 { return ^((x&lows + lows) | x) & highs }

// gather packs the high bits of x's eight bytes into the low eight bits.
func gather(x uint64) uint64 { return (x >> 7) * 0x0102040810204080 >> 56 }

// classifyGo is classifyBlocks without SIMD: eight bytes at a time.
func classifyGo(b []byte, masks []uint64) {
	for k := 0; k+1 < len(masks); k += 2 {
		blk := b[32*k : 32*k+64]
		var q, br uint64
		for w := 0; w < 64; w += 8 {
			x := binary.LittleEndian.Uint64(blk[w:])
			y := x | 0x20*ones // '[' and ']' become '{' and '}'
			q |= gather(eqBytes(x^'"'*ones)) << w
			br |= gather(eqBytes(y^'{'*ones)|eqBytes(y^'}'*ones)) << w
		}
		masks[k], masks[k+1] = q, br
	}
}

// prefixXor sets each bit of x to the parity of the bits at and below it:
// with x the quotes of a block, the bits inside strings (opening quote
// included, closing quote not).
func prefixXor(x uint64) uint64 {
	x ^= x << 1
	x ^= x << 2
	x ^= x << 4
	x ^= x << 8
	x ^= x << 16
	x ^= x << 32
	return x
}

// skip skips one value of any size without decoding it. Inside skipped
// objects and arrays only strings and bracket balance are checked: that is
// what lets it run at memory speed on the codes nobody asked for.
func (l *lexer) skip() error {
	c, err := l.peek()
	if err != nil {
		return err
	}
	switch {
	case c == '"':
		return l.skipStr()
	case c == '{' || c == '[':
		return l.skipNested()
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := l.num()
		return err
	default:
		_, err := l.lit()
		return err
	}
}

// skipStr skips a string whose opening quote is at l.pos.
func (l *lexer) skipStr() error {
	b := l.buf
	if j := bytes.IndexByte(b[l.pos+1:], '"'); j >= 0 && b[l.pos+j] != '\\' {
		l.pos += j + 2
		return nil
	}
	return l.skipStrSlow()
}

// skipStrSlow skips a string across chunks or with an escaped quote.
func (l *lexer) skipStrSlow() error {
	l.pos++
	for {
		b := l.buf
		i := l.pos
		for i < len(b) {
			j := bytes.IndexAny(b[i:], "\"\\")
			if j < 0 {
				i = len(b)
				break
			}
			i += j
			if b[i] == '"' {
				l.pos = i + 1
				return nil
			}
			// A backslash: skip it and the escaped byte, which may be in
			// the next chunk.
			i += 2
		}
		over := i - len(b) // 1 when the escaped byte is in the next chunk
		l.pos = len(b)
		if !l.fill() {
			return l.endErr()
		}
		l.pos = over
	}
}

// nested is the bracket stack of skipNested: a bit per level, 1 for an
// object.
type nested struct {
	depth int
	kinds []uint64
}

// bracket takes the bracket c at offset i of l.buf. It reports whether it
// closed the outermost value, or the error of a bracket that does not
// close what is open.
func (n *nested) bracket(l *lexer, c byte, i int) (bool, error) {
	switch c {
	case '{', '[':
		if n.depth%64 == 0 {
			if n.depth >= maxDepth {
				l.pos = i
				return false, l.errorf("nesting deeper than %d levels", maxDepth)
			}
			n.kinds = append(n.kinds, 0)
		}
		w := &n.kinds[n.depth/64]
		if c == '{' {
			*w |= 1 << (n.depth % 64)
		} else {
			*w &^= 1 << (n.depth % 64)
		}
		n.depth++
		return false, nil
	}
	if n.depth == 0 {
		l.pos = i
		return false, l.errorf("unexpected %q", c)
	}
	n.depth--
	isObj := n.kinds[n.depth/64]>>(n.depth%64)&1 == 1
	if isObj != (c == '}') {
		l.pos = i
		if isObj {
			return false, l.errorf("expected '}' to close an object, found ']'")
		}
		return false, l.errorf("expected ']' to close an array, found '}'")
	}
	if n.depth%64 == 0 {
		n.kinds = n.kinds[:n.depth/64]
	}
	return n.depth == 0, nil
}

// maxBlocks is how many blocks of 64 bytes skipNested classifies at once
// (4 KiB); it starts with a few, since many skipped values are small.
const maxBlocks = 64

// skipNested skips an object or array whose opening bracket is at l.pos.
//
// It reads 64 bytes at a time where it can: a bit per byte for quotes and
// for brackets (classifyBlocks), the bits inside strings found by a
// prefix XOR of the quotes, and only the brackets outside strings looked
// at one by one. Blocks with a backslash, the last bytes of a chunk and
// strings with escapes go byte by byte as before.
func (l *lexer) skipNested() error {
	n := nested{kinds: l.bits[:0]}
	bs := -1 // see below
	defer func() { l.bits, l.bs, l.bsBase = n.kinds, bs, l.base }()
	masks := &l.masks
	batch := 2
	for {
		b := l.buf
		i := l.pos
		// bs is the next backslash at or after i (len(b) if none): blocks
		// before it have no escaped quote. The lexer keeps it from one
		// skip to the next in the same chunk.
		bs = -1
		if l.bsBase == l.base {
			bs = l.bs
		}
		for i < len(b) {
			if bs < i {
				bs = indexFrom(b, i, '\\')
			}
			if nb := (min(bs, len(b)) - i) / 64; nb > 0 {
				var carry uint64 // all ones inside a string
				open := 0        // where the string open at the end began
				for nb > 0 {
					batch = min(2*batch, maxBlocks)
					m := masks[:2*min(nb, batch)]
					classifyBlocks(b[i:], m)
					nb -= len(m) / 2
					for k := 0; k < len(m); k += 2 {
						q := m[k]
						in := prefixXor(q) ^ carry
						for br := m[k+1] &^ in; br != 0; br &= br - 1 {
							at := i + bits.TrailingZeros64(br)
							c, d := b[at], n.depth
							// Most brackets neither cross a word of the
							// stack nor close the value: the general case
							// and every error are bracket's.
							if c&2 != 0 && d%64 != 0 { // '{' or '[' (0x7b, 0x5b)
								w, sh := &n.kinds[d/64], d%64
								*w = *w&^(1<<sh) | uint64(c>>5&1)<<sh // 1 for '{'
								n.depth++
								continue
							}
							if c&2 == 0 && d%64 > 1 && n.kinds[(d-1)/64]>>((d-1)%64)&1 == uint64(c>>5&1) {
								n.depth--
								continue
							}
							done, err := n.bracket(l, c, at)
							if err != nil {
								return err
							}
							if done {
								l.pos = at + 1
								return nil
							}
						}
						carry = uint64(int64(in) >> 63)
						if carry != 0 && q != 0 {
							open = i + 63 - bits.LeadingZeros64(q)
						}
						i += 64
					}
				}
				if carry == 0 {
					continue
				}
				// Inside a string: back to its opening quote, for the byte
				// loop to skip it.
				i = open
			}
			c := b[i]
			if !skipClass[c] {
				i++
				continue
			}
			if c != '"' {
				done, err := n.bracket(l, c, i)
				if err != nil {
					return err
				}
				i++
				if done {
					l.pos = i
					return nil
				}
				continue
			}
			// Most strings here are short keys and codes: eight bytes at a
			// time beat a call to IndexByte for them. Past 32 bytes the
			// vectorized IndexByte takes over.
			j := i + 1
			for end := min(j+32, len(b)-8); j <= end; j += 8 {
				if m := strWord(binary.LittleEndian.Uint64(b[j:])); m != 0 {
					j += bits.TrailingZeros64(m) >> 3
					goto stop
				}
			}
			for end := min(j+8, len(b)); j < end; j++ {
				if strStop[b[j]] {
					break
				}
			}
		stop:
			if j < len(b) && b[j] == '"' {
				i = j + 1
				continue
			}
			if j < len(b) && b[j] != '\\' {
				k := bytes.IndexByte(b[j:], '"')
				if k >= 0 && b[j+k-1] != '\\' {
					i = j + k + 1
					continue
				}
			}
			l.pos = i
			base := l.base
			if err := l.skipStrSlow(); err != nil {
				return err
			}
			b, i = l.buf, l.pos
			if l.base != base {
				bs = -1 // another chunk: look again
			}
		}
		l.pos = len(b)
		if !l.fill() {
			return l.endErr()
		}
	}
}

// indexFrom returns the index of the first c in b at or after i, or len(b).
func indexFrom(b []byte, i int, c byte) int {
	if j := bytes.IndexByte(b[i:], c); j >= 0 {
		return i + j
	}
	return len(b)
}
