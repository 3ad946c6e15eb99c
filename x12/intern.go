package x12

import (
	"encoding/binary"
	"unsafe"
)

// Read835 turns the same few codes into strings millions of times (group
// codes, CARCs, qualifiers, procedure codes, names); these types make that
// cheap. A code of up to 8 bytes is packed into one integer so that it is
// compared and hashed as a word, not byte by byte.

const numSites = 36

// lastStr is the string a call site returned last time, with its packed key.
type lastStr struct {
	key uint64
	s   string
}

// str returns the string for b at call site i: the one it returned last
// time when b is the same, else the interned one.
func (d *decoder835) str(i int, b []byte) string {
	c := &d.last[i]
	if len(b) > 8 {
		if c.s == string(b) {
			return c.s
		}
		v := d.in.long(b)
		*c = lastStr{s: v}
		return v
	}
	k := pack8(b)
	if c.key == k && len(c.s) == len(b) {
		return c.s
	}
	v := d.in.short(k, b)
	*c = lastStr{key: k, s: v}
	return v
}

// pack8 packs b (at most 8 bytes) into a word. With its length, the word
// identifies b: two overlapping loads cover every byte.
func pack8(b []byte) uint64 {
	switch n := len(b); {
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
	case n >= 2:
		return uint64(binary.LittleEndian.Uint16(b)) | uint64(binary.LittleEndian.Uint16(b[n-2:]))<<16
	case n == 1:
		return uint64(b[0])
	}
	return 0
}

// interner returns one shared string for each distinct short code, so that
// a claim costs an allocation only for the values that are its own
// (control numbers, which go to the arena). Both tables are direct-mapped
// caches: a collision just allocates.
type interner struct {
	shorts [4096]lastStr // codes of up to 8 bytes, by packed key
	longs  [1024]string  // 9 to 24 bytes (names), by FNV-1a hash
}

func newInterner() *interner { return new(interner) }

// str returns the shared string for b (the 271 reader's entry point).
func (in *interner) str(b []byte) string {
	if len(b) <= 8 {
		return in.short(pack8(b), b)
	}
	return in.long(b)
}

func (in *interner) short(k uint64, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	e := &in.shorts[(k*0x9E3779B97F4A7C15+uint64(len(b)))>>52]
	if e.key == k && len(e.s) == len(b) {
		return e.s
	}
	*e = lastStr{key: k, s: string(b)}
	return e.s
}

func (in *interner) long(b []byte) string {
	if len(b) > 24 {
		return string(b)
	}
	h := uint32(2166136261) // FNV-1a
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	e := &in.longs[h%uint32(len(in.longs))]
	if *e == string(b) {
		return *e
	}
	*e = string(b)
	return *e
}

// arena makes strings for a claim's own values (control numbers, member
// IDs) by copying them into shared 16 KiB chunks, one allocation per chunk
// instead of one per value: allocation and the garbage collection it drives
// were the largest cost of decoding. A chunk is only ever appended to, never
// rewritten, so the strings are immutable as Go requires; a string a caller
// keeps holds its chunk in memory, which is why chunks are small.
type arena struct{ buf []byte }

const arenaChunk = 16 << 10

func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaChunk/16 {
		return string(b)
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, arenaChunk)
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[n], len(b))
}
