package rates

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// memBudget is how many bytes of kept provider groups stay in memory
// before the store moves them to its file.
const memBudget = 8 << 20

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
// past memBudget they go to a temporary file read back with ReadAt. The
// index costs about 20 bytes per group id in memory (16 in the map's
// slot, plus its spare room).
type refStore struct {
	dir     string
	ints    map[uint64]span
	strs    map[string]span
	mem     []byte // the log's tail, not yet written to f
	memBase int64  // log offset of mem[0]
	f       *os.File
	buf     []byte
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

func (s *refStore) len() int { return len(s.ints) + len(s.strs) }

// put stores rec (a provider-reference record) under id. A later record
// for the same id replaces the earlier.
func (s *refStore) put(id string, rec []byte) error {
	if s.mem == nil {
		s.mem = make([]byte, 0, 1<<20)
	}
	off := s.memBase + int64(len(s.mem))
	if len(rec) >= 1<<spanLenBits || off >= 1<<(64-spanLenBits) {
		return fmt.Errorf("provider_group_id %s: %d bytes of providers kept, past the store's limits", id, len(rec))
	}
	sp := span(off)<<spanLenBits | span(len(rec))
	s.mem = append(s.mem, rec...)
	if v, ok := intID(id); ok {
		s.ints[v] = sp
	} else {
		s.strs[id] = sp
	}
	if len(s.mem) > storeBudget {
		return s.flush()
	}
	return nil
}

func (s *refStore) flush() error {
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "ketacover-rates-*.refs")
		if err != nil {
			return fmt.Errorf("create provider reference file: %w", err)
		}
		s.f = f
	}
	if _, err := s.f.WriteAt(s.mem, s.memBase); err != nil {
		return fmt.Errorf("write provider reference file: %w", err)
	}
	s.memBase += int64(len(s.mem))
	s.mem = s.mem[:0]
	return nil
}

// get returns the record for id; the slice is valid until the next call.
func (s *refStore) get(id string) ([]byte, bool, error) {
	var sp span
	var ok bool
	if v, isInt := intID(id); isInt {
		sp, ok = s.ints[v]
	} else {
		sp, ok = s.strs[id]
	}
	if !ok {
		return nil, false, nil
	}
	if sp.off() >= s.memBase {
		i := sp.off() - s.memBase
		return s.mem[i : i+int64(sp.n())], true, nil
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

func (s *refStore) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}
