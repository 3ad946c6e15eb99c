package rates

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// enc appends length-prefixed fields to a byte slice: the compact form in
// which kept provider groups and rate entries wait in memory or on disk.
type enc struct{ b []byte }

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) bytes(s []byte)   { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) byte1(c byte)     { e.b = append(e.b, c) }
func (e *enc) strs(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}
func (e *enc) reset()            { e.b = e.b[:0] }
func (e *enc) record(rec []byte) { e.bytes(rec) }

// dec reads what enc wrote. A short or corrupt buffer sets err rather
// than panicking; spill files are ours, so that would be a bug.
type dec struct {
	b   []byte
	i   int
	err error
}

var errCorrupt = errors.New("rates: corrupt spill record")

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		d.err = errCorrupt
		d.i = len(d.b)
		return 0
	}
	d.i += n
	return v
}

func (d *dec) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)-d.i) {
		d.err = errCorrupt
		d.i = len(d.b)
		return nil
	}
	s := d.b[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

func (d *dec) str() string { return string(d.bytes()) }

func (d *dec) byte1() byte {
	if d.i >= len(d.b) {
		d.err = errCorrupt
		return 0
	}
	c := d.b[d.i]
	d.i++
	return c
}

func (d *dec) strs() []string {
	n := d.uvarint()
	if n == 0 || n > uint64(len(d.b)) {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *dec) more() bool { return d.err == nil && d.i < len(d.b) }

// spill is an append-only file of length-prefixed records in the temporary
// directory, created on first use and removed by close. It holds what must
// wait (rates whose provider_references come later in the file, a matching
// item too big for memory) so that memory stays bounded.
type spill struct {
	dir string
	f   *os.File
	w   *bufio.Writer
	n   int // records
	tmp enc
}

func (s *spill) add(rec []byte) error {
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "ketacover-rates-*.spill")
		if err != nil {
			return fmt.Errorf("create spill file: %w", err)
		}
		s.f = f
		s.w = bufio.NewWriterSize(f, 256<<10)
	}
	s.tmp.reset()
	s.tmp.uvarint(uint64(len(rec)))
	if _, err := s.w.Write(s.tmp.b); err != nil {
		return fmt.Errorf("write spill file: %w", err)
	}
	if _, err := s.w.Write(rec); err != nil {
		return fmt.Errorf("write spill file: %w", err)
	}
	s.n++
	return nil
}

// each calls fn with every record in order, then empties the spill. The
// record slice is reused between calls.
func (s *spill) each(fn func(rec []byte) error) error {
	if s.f == nil || s.n == 0 {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write spill file: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read spill file: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 256<<10)
	var rec []byte
	for range s.n {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("read spill file: %w", err)
		}
		if uint64(cap(rec)) < n {
			rec = make([]byte, n)
		}
		rec = rec[:n]
		if _, err := io.ReadFull(r, rec); err != nil {
			return fmt.Errorf("read spill file: %w", err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return s.reset()
}

func (s *spill) reset() error {
	s.n = 0
	if s.f == nil {
		return nil
	}
	s.w.Reset(s.f)
	if err := s.f.Truncate(0); err != nil {
		return fmt.Errorf("truncate spill file: %w", err)
	}
	_, err := s.f.Seek(0, io.SeekStart)
	return err
}

func (s *spill) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}
