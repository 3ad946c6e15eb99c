package rates

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
)

// The provider store's index is bounded so that a scan with no provider
// filter stays within its memory at any number of provider groups: past
// these budgets the index goes to temporary files beside the store's.

// denseMaxPages is how many pages of the dense index (64 KiB each, 8,192
// ids) stay in memory: 8 MiB, 1,048,576 ids. Files numbering their groups
// past that keep the oldest pages in a file of 8-byte records at id*8.
// Lowered by tests to exercise the file.
var denseMaxPages = 128

// hashMemMax is how many ids outside the dense index (text ids, sparse
// integers) the in-memory maps hold, about 3 MiB of maps: past it they go
// to a sorted run on disk. Lowered by tests.
var hashMemMax = 1 << 16

// needMax is how many provider_group_ids a file whose
// provider_references come after in_network may have the scan remember
// as used by the items it keeps (about 3 MiB); past it the store keeps
// every group. Lowered by tests.
var needMax = 1 << 16

// hashSeed and hashID key the on-disk runs. A hash is only a hint: every
// match is checked against the id stored with its record, so tests may
// replace hashID with one that collides often.
var (
	hashSeed = maphash.MakeSeed()
	hashID   = func(id string) uint64 { return maphash.String(hashSeed, id) }
)

// loadPage brings page p of the dense index into memory, reading it back
// from the index file if it went there, and sends the oldest page in
// memory to the file when denseMaxPages are in memory. Puts come in id
// order in every file seen, so the oldest page is the one least likely
// to be written again.
func (s *refStore) loadPage(p int) error {
	var pg []span
	if len(s.resident) >= max(denseMaxPages, 1) {
		q := s.resident[0]
		s.resident = append(s.resident[:0], s.resident[1:]...)
		if err := s.writePage(q); err != nil {
			return err
		}
		pg = s.dense[q]
		s.dense[q] = nil
		clear(pg)
	} else {
		pg = make([]span, densePage)
	}
	if s.idx != nil && p < s.idxPages {
		b := s.pageBuf()
		n, err := s.idx.ReadAt(b, int64(p)*densePage*8)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read provider index file: %w", err)
		}
		for i := 0; i+8 <= n; i += 8 {
			pg[i/8] = span(binary.LittleEndian.Uint64(b[i:]))
		}
	}
	s.dense[p] = pg
	s.resident = append(s.resident, p)
	return nil
}

func (s *refStore) pageBuf() []byte {
	if s.pbuf == nil {
		s.pbuf = make([]byte, densePage*8)
	}
	return s.pbuf
}

// writePage writes page p of the dense index to the index file.
func (s *refStore) writePage(p int) error {
	if s.idx == nil {
		f, err := os.CreateTemp(s.dir, "ketacover-rates-*.idx")
		if err != nil {
			return fmt.Errorf("create provider index file: %w", err)
		}
		s.idx = f
	}
	b := s.pageBuf()
	for i, sp := range s.dense[p] {
		binary.LittleEndian.PutUint64(b[i*8:], uint64(sp))
	}
	if _, err := s.idx.WriteAt(b, int64(p)*densePage*8); err != nil {
		return fmt.Errorf("write provider index file: %w", err)
	}
	s.idxPages = max(s.idxPages, p+1)
	return nil
}

// spilledDense reads the span of v from the index file, for a page not in
// memory. Lookups come in no particular order, so one 8-byte read (from
// the kernel's page cache) beats bringing a 64 KiB page back.
func (s *refStore) spilledDense(v uint64) (span, bool, error) {
	if s.idx == nil || v/densePage >= uint64(s.idxPages) {
		return 0, false, nil
	}
	var b [8]byte
	if _, err := s.idx.ReadAt(b[:], int64(v)*8); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, false, nil
		}
		return 0, false, fmt.Errorf("read provider index file: %w", err)
	}
	sp := span(binary.LittleEndian.Uint64(b[:]))
	return sp, sp != 0, nil
}

// hent is one entry of a run: an id's hash and its record's span.
type hent struct {
	h  uint64
	sp span
}

const (
	hentSize = 16
	runBlock = 256 // entries of a block: one 4 KiB read per lookup
)

// hashRun is a file of hents sorted by hash. fences holds the first hash
// of every block (8 bytes per 256 ids in memory). Runs of equal level
// merge, as in a binary counter, so a store holds about log2(ids /
// hashMemMax) of them and a lookup reads about that many blocks.
type hashRun struct {
	f      *os.File
	n      int
	level  int
	fences []uint64
}

func (r *hashRun) close() {
	if r.f != nil {
		r.f.Close()
		os.Remove(r.f.Name())
		r.f = nil
	}
}

// writeRun writes the entries next yields (sorted by hash) to a new run.
func (s *refStore) writeRun(level int, next func() (hent, bool, error)) (*hashRun, error) {
	f, err := os.CreateTemp(s.dir, "ketacover-rates-*.run")
	if err != nil {
		return nil, fmt.Errorf("create provider index run: %w", err)
	}
	r := &hashRun{f: f, level: level}
	w := bufio.NewWriterSize(f, 64<<10)
	var b [hentSize]byte
	for {
		e, ok, err := next()
		if err != nil {
			r.close()
			return nil, err
		}
		if !ok {
			break
		}
		if r.n%runBlock == 0 {
			r.fences = append(r.fences, e.h)
		}
		binary.LittleEndian.PutUint64(b[:8], e.h)
		binary.LittleEndian.PutUint64(b[8:], uint64(e.sp))
		if _, err := w.Write(b[:]); err != nil {
			r.close()
			return nil, fmt.Errorf("write provider index run: %w", err)
		}
		r.n++
	}
	if err := w.Flush(); err != nil {
		r.close()
		return nil, fmt.Errorf("write provider index run: %w", err)
	}
	return r, nil
}

// flushHashed moves the in-memory maps of ids outside the dense index to
// a sorted run, then merges the newest runs while two share a level.
func (s *refStore) flushHashed() error {
	ents := s.hents[:0]
	for v, sp := range s.ints {
		ents = append(ents, hent{hashID(strconv.FormatUint(v, 10)), sp})
	}
	for id, sp := range s.strs {
		ents = append(ents, hent{hashID(id), sp})
	}
	// Equal hashes are different ids (a map holds an id once), so their
	// order does not matter.
	slices.SortFunc(ents, func(a, b hent) int { return cmp.Compare(a.h, b.h) })
	i := 0
	r, err := s.writeRun(0, func() (hent, bool, error) {
		if i == len(ents) {
			return hent{}, false, nil
		}
		i++
		return ents[i-1], true, nil
	})
	s.hents = ents[:0]
	if err != nil {
		return err
	}
	s.nflushed += len(s.ints) + len(s.strs)
	clear(s.ints)
	clear(s.strs)
	s.runs = append(s.runs, r)
	for n := len(s.runs); n >= 2 && s.runs[n-2].level == s.runs[n-1].level; n = len(s.runs) {
		m, err := s.mergeRuns(s.runs[n-2], s.runs[n-1])
		if err != nil {
			return err
		}
		s.runs[n-2].close()
		s.runs[n-1].close()
		s.runs = append(s.runs[:n-2], m)
	}
	return nil
}

// runReader reads a run's entries in order.
type runReader struct {
	r   *bufio.Reader
	n   int
	cur hent
	ok  bool
	err error
}

func newRunReader(r *hashRun) *runReader {
	rr := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(r.f, 0, int64(r.n)*hentSize), 64<<10), n: r.n}
	rr.advance()
	return rr
}

func (rr *runReader) advance() {
	rr.ok = false
	if rr.n == 0 || rr.err != nil {
		return
	}
	var b [hentSize]byte
	if _, err := io.ReadFull(rr.r, b[:]); err != nil {
		rr.err = fmt.Errorf("read provider index run: %w", err)
		return
	}
	rr.n--
	rr.cur = hent{binary.LittleEndian.Uint64(b[:8]), span(binary.LittleEndian.Uint64(b[8:]))}
	rr.ok = true
}

// mergeRuns merges two runs into one. On equal hashes the newer run's
// entries come first, so that a lookup meets an id's latest record first.
func (s *refStore) mergeRuns(older, newer *hashRun) (*hashRun, error) {
	a, b := newRunReader(older), newRunReader(newer)
	return s.writeRun(newer.level+1, func() (hent, bool, error) {
		if a.err != nil {
			return hent{}, false, a.err
		}
		if b.err != nil {
			return hent{}, false, b.err
		}
		var e hent
		switch {
		case b.ok && (!a.ok || b.cur.h <= a.cur.h):
			e = b.cur
			b.advance()
		case a.ok:
			e = a.cur
			a.advance()
		default:
			return hent{}, false, nil
		}
		return e, true, nil
	})
}

// find calls match with the span of every entry of r whose hash is h, in
// order, until match says it has found its id.
func (s *refStore) find(r *hashRun, h uint64, match func(span) (bool, error)) (bool, error) {
	// The first entry hashed h is in the block before the first whose
	// fence is h or more, or in that block.
	blk := max(sort.Search(len(r.fences), func(i int) bool { return r.fences[i] >= h })-1, 0)
	if cap(s.rbuf) < runBlock*hentSize {
		s.rbuf = make([]byte, runBlock*hentSize)
	}
	for ; blk < len(r.fences) && (blk == 0 || r.fences[blk] <= h); blk++ {
		n := min(runBlock, r.n-blk*runBlock)
		b := s.rbuf[:n*hentSize]
		if _, err := r.f.ReadAt(b, int64(blk)*runBlock*hentSize); err != nil {
			return false, fmt.Errorf("read provider index run: %w", err)
		}
		for i := 0; i < len(b); i += hentSize {
			eh := binary.LittleEndian.Uint64(b[i:])
			if eh < h {
				continue
			}
			if eh > h {
				return false, nil
			}
			ok, err := match(span(binary.LittleEndian.Uint64(b[i+8:])))
			if ok || err != nil {
				return ok, err
			}
		}
	}
	return false, nil
}
