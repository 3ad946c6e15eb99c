package rates

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// memBudget is how many bytes of kept provider groups stay in memory
// before the store moves them to its file. With no provider filter the
// store takes every group of the file (hundreds of MB), so this is a
// write buffer rather than a cache (two of them: one is written while
// the other fills); with a filter, few groups pass and they all stay in
// memory.
const memBudget = 1 << 20

// storeBudget is memBudget, lowered by tests to exercise the file.
var storeBudget = memBudget

// span locates one record in the store's log: its offset in the high 40
// bits (1 TiB), its length in the low 24 (16 MiB). Packed, an index entry
// is 16 bytes.
type span uint64

const spanLenBits = 24

func (s span) off() int64 { return int64(s >> spanLenBits) }
func (s span) n() int     { return int(s & (1<<spanLenBits - 1)) }

// refStore holds the provider groups of provider_references by id. Only
// the groups that pass the provider filter are kept, encoded compactly;
// past memBudget they go to a temporary file read back with ReadAt.
//
// Files number their groups 1, 2, 3, ... (the CMS examples, and every
// payer file seen), so integer ids up to a few times the number of
// groups index a slice: 8 bytes a group and no hashing. Other integers
// go to a map (about 30 bytes a group in Go's maps, with their spare
// room and growth), other text to a second map; their records start with
// the id, so that a lookup by hash can check it.
//
// The index is bounded too (index.go): at most denseMaxPages pages of the
// slice stay in memory, the others go to a file of 8-byte records at
// id*8; past hashMemMax ids the maps go to sorted runs of (hash, span)
// on disk. What still grows with the number of groups is 24 bytes per
// page of 8,192 ids (the slice of pages) and 8 bytes per 256 ids in runs
// (their fences): about 3 bytes per thousand integer ids, 31 per
// thousand other ids.
type refStore struct {
	dir      string
	dense    [][]span // by integer id, in pages; nil is not in memory; 0 is absent (a record is never empty)
	ndense   int      // ids in dense, in memory or in idx
	resident []int    // pages of dense in memory, oldest first
	idx      *os.File // pages of dense sent out of memory, at id*8
	idxPages int      // pages the extent of idx covers
	pbuf     []byte
	ints     map[uint64]span
	strs     map[string]span
	runs     []*hashRun // older ints and strs entries, oldest first
	nflushed int        // entries moved to runs
	hents    []hent
	rbuf     []byte
	mem      []byte // the log's tail, not yet written to f
	memBase  int64  // log offset of mem[0]
	spare    []byte // the buffer flush is writing, or wrote: the next mem
	writing  chan error
	f        *os.File
	buf      []byte
}

func newRefStore(dir string) *refStore {
	return &refStore{dir: dir, ints: map[uint64]span{}, strs: map[string]span{}}
}

// normID gives one text for equal provider_group_id numbers: 40, 40.0
// and 40.00 are one id (files write them both ways); 40.0000000001 stays.
func normID(id string) string {
	if i := strings.IndexByte(id, '.'); i >= 0 && strings.Trim(id[i+1:], "0") == "" {
		return id[:i]
	}
	return id
}

func intID(id string) (uint64, bool) {
	if len(id) == 0 || len(id) > 18 {
		return 0, false
	}
	if id[0] == '0' && len(id) > 1 {
		return 0, false // keep "007" apart from "7"
	}
	v, err := strconv.ParseUint(id, 10, 64)
	return v, err == nil
}

// len counts the ids stored (an id replaced in another index may count
// twice). It never decreases, so an id that once went to the dense index
// always does.
func (s *refStore) len() int { return s.ndense + len(s.ints) + len(s.strs) + s.nflushed }

// put stores rec (a provider-reference record) under id. A later record
// for the same id replaces the earlier.
func (s *refStore) put(id string, rec []byte) error {
	v, isInt := intID(id)
	dense := isInt && v < uint64(2*s.len()+denseSlack)
	size := len(rec)
	if !dense {
		size += binary.MaxVarintLen64 + len(id)
	}
	need := len(s.mem) + size
	if need > storeBudget && len(s.mem) > 0 {
		if err := s.flush(); err != nil {
			return err
		}
		need = size
	}
	if need > cap(s.mem) {
		// Grow by doubling up to the budget, never past it (append's
		// growth would overshoot it by up to a half).
		m := make([]byte, len(s.mem), max(need, min(2*cap(s.mem), storeBudget), 64<<10))
		copy(m, s.mem)
		s.mem = m
	}
	off := s.memBase + int64(len(s.mem))
	if size >= 1<<spanLenBits || off >= 1<<(64-spanLenBits) {
		return fmt.Errorf("provider_group_id %s: %d bytes of providers kept, past the store's limits", id, len(rec))
	}
	start := len(s.mem)
	if !dense {
		s.mem = binary.AppendUvarint(s.mem, uint64(len(id)))
		s.mem = append(s.mem, id...)
	}
	s.mem = append(s.mem, rec...)
	sp := span(off)<<spanLenBits | span(len(s.mem)-start)
	switch {
	case dense:
		return s.putDense(v, sp)
	case isInt:
		s.ints[v] = sp
	default:
		s.strs[id] = sp
	}
	if len(s.ints)+len(s.strs) > hashMemMax {
		return s.flushHashed()
	}
	return nil
}

// denseSlack is how far past twice the number of ids the slice may reach
// for an id to go in it: small files with odd numbering still use it,
// and its size stays within a few times the number of groups.
const denseSlack = 1 << 16

// densePage is how many ids one page of the slice holds (64 KiB): pages
// are allocated as ids reach them, so the slice never has to be copied
// to grow, and a gap in the numbering costs nothing.
const densePage = 1 << 13

// putDense records sp under v in the slice.
func (s *refStore) putDense(v uint64, sp span) error {
	p := int(v / densePage)
	for len(s.dense) <= p {
		s.dense = append(s.dense, nil)
	}
	if s.dense[p] == nil {
		if err := s.loadPage(p); err != nil {
			return err
		}
	}
	if s.dense[p][v%densePage] == 0 {
		s.ndense++
	}
	s.dense[p][v%densePage] = sp
	return nil
}

// getDense returns the span of v in the slice, if it is there.
func (s *refStore) getDense(v uint64) (span, bool, error) {
	p := v / densePage
	if p < uint64(len(s.dense)) && s.dense[p] != nil {
		sp := s.dense[p][v%densePage]
		return sp, sp != 0, nil
	}
	return s.spilledDense(v)
}

// flush sends the log's tail to the file. The write runs on its own
// goroutine while the scan fills the other buffer: with no provider
// filter the store writes every group of the file, and the scanner is
// the goroutine every other one waits for.
func (s *refStore) flush() error {
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "ketacover-rates-*.refs")
		if err != nil {
			return fmt.Errorf("create provider reference file: %w", err)
		}
		s.f = f
	}
	if err := s.wait(); err != nil {
		return err
	}
	b, off := s.mem, s.memBase
	s.writing = make(chan error, 1)
	go func(done chan<- error) {
		_, err := s.f.WriteAt(b, off)
		done <- err
	}(s.writing)
	s.memBase += int64(len(s.mem))
	s.mem, s.spare = s.spare[:0], b
	return nil
}

// wait waits for the write flush started, if any.
func (s *refStore) wait() error {
	if s.writing == nil {
		return nil
	}
	err := <-s.writing
	s.writing = nil
	if err != nil {
		return fmt.Errorf("write provider reference file: %w", err)
	}
	return nil
}

// get returns the record for id; the slice is valid until the next call.
func (s *refStore) get(id string) ([]byte, bool, error) {
	if v, isInt := intID(id); isInt {
		sp, ok, err := s.getDense(v)
		if ok || err != nil {
			return s.read(sp, ok, err)
		}
		if sp, ok := s.ints[v]; ok {
			return s.hashed(sp, id)
		}
	} else if sp, ok := s.strs[id]; ok {
		return s.hashed(sp, id)
	}
	if len(s.runs) == 0 {
		return nil, false, nil
	}
	// Newest run first: an id's latest record wins.
	h := hashID(id)
	var rec []byte
	match := func(sp span) (bool, error) {
		r, ok, err := s.hashed(sp, id)
		rec = r
		return ok, err
	}
	for i := len(s.runs) - 1; i >= 0; i-- {
		ok, err := s.find(s.runs[i], h, match)
		if ok || err != nil {
			return rec, ok, err
		}
	}
	return nil, false, nil
}

// hashed reads the record at sp, which starts with its id, and returns
// the rest if that id is id.
func (s *refStore) hashed(sp span, id string) ([]byte, bool, error) {
	rec, _, err := s.read(sp, true, nil)
	if err != nil {
		return nil, false, err
	}
	n, k := binary.Uvarint(rec)
	if k <= 0 || n > uint64(len(rec)-k) {
		return nil, false, fmt.Errorf("provider reference file: %w", errCorrupt)
	}
	if string(rec[k:k+int(n)]) != id {
		return nil, false, nil // another id with the same hash
	}
	return rec[k+int(n):], true, nil
}

// read returns the bytes at sp, from memory or the store's file.
func (s *refStore) read(sp span, ok bool, err error) ([]byte, bool, error) {
	if !ok || err != nil {
		return nil, false, err
	}
	if sp.off() >= s.memBase {
		i := sp.off() - s.memBase
		return s.mem[i : i+int64(sp.n())], true, nil
	}
	if err := s.wait(); err != nil {
		return nil, false, err
	}
	if cap(s.buf) < sp.n() {
		s.buf = make([]byte, sp.n())
	}
	s.buf = s.buf[:sp.n()]
	if _, err := s.f.ReadAt(s.buf, sp.off()); err != nil {
		return nil, false, fmt.Errorf("read provider reference file: %w", err)
	}
	return s.buf, true, nil
}

// close removes the store's files.
func (s *refStore) close() {
	s.wait()
	for _, f := range []**os.File{&s.f, &s.idx} {
		if *f != nil {
			(*f).Close()
			os.Remove((*f).Name())
			*f = nil
		}
	}
	for _, r := range s.runs {
		r.close()
	}
	s.runs = nil
}
