package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

const (
	// DefaultBufferSize is the read buffer of a Reader. Large enough that
	// bytes.IndexByte runs over long stretches and read calls are few.
	DefaultBufferSize = 256 << 10
	// MaxSegmentSize bounds one segment, and so the buffer: input with a
	// longer segment is not X12 (or has the wrong terminator) and is refused
	// rather than read into memory.
	MaxSegmentSize = 1 << 20
	// maxProblems bounds the problems a Reader keeps; the rest are counted.
	maxProblems = 100
	// isaLen is the fixed length of an ISA segment including its terminator.
	isaLen = 106
)

// Reader tokenizes an X12 stream into segments. It takes the delimiters from
// each ISA header, skips CR and LF (and blanks) between segments, and checks
// the envelopes: ISA/IEA, GS/GE and ST/SE nesting, control numbers and
// counts. Envelope defects are collected as Problems and reading goes on;
// input that cannot be read as X12 stops it with a *SyntaxError.
//
// Memory use is fixed by the buffer size, whatever the input size.
type Reader struct {
	rd   io.Reader
	buf  []byte
	r, w int   // unread bytes are buf[r:w]
	base int64 // input offset of buf[0]
	eof  bool

	d       Delimiters
	packed  uint32 // d, packed for Segment
	inISA   bool   // inside an interchange: delimiters known
	started bool   // at least one byte of input seen
	n       int    // segments returned
	cur     []byte // the current segment without its terminator
	curOff  int64  // input offset of cur
	elems   [][]byte

	env      envelope
	problems []Problem
	dropped  int
	err      error // sticky: once Next fails it keeps failing
}

// NewReader returns a Reader that reads from r with a buffer of
// DefaultBufferSize bytes.
func NewReader(r io.Reader) *Reader {
	return NewReaderSize(r, DefaultBufferSize)
}

// NewReaderSize returns a Reader with a read buffer of at least size bytes
// (at least 4 KiB; it grows only if one segment is longer, up to
// MaxSegmentSize).
func NewReaderSize(r io.Reader, size int) *Reader {
	if size < 4096 {
		size = 4096
	}
	return &Reader{rd: r, buf: make([]byte, size), elems: make([][]byte, 0, 32)}
}

// Delimiters returns the delimiters of the current interchange (zero before
// the first ISA).
func (r *Reader) Delimiters() Delimiters { return r.d }

// Segments returns the number of segments read so far.
func (r *Reader) Segments() int { return r.n }

// Offset returns the number of input bytes consumed so far.
func (r *Reader) Offset() int64 { return r.base + int64(r.r) }

// Problems returns the problems found so far, at most the first 100.
func (r *Reader) Problems() []Problem { return r.problems }

// ProblemCount returns the number of problems found, including those beyond
// the ones Problems keeps.
func (r *Reader) ProblemCount() int { return len(r.problems) + r.dropped }

// AddProblem records a problem found by a caller (a transaction reader) at
// segment s, so that all problems of one input are in one list.
func (r *Reader) AddProblem(s Segment, format string, args ...any) {
	r.problem(s.Number, s.Offset, format, args...)
}

func (r *Reader) problem(seg int, off int64, format string, args ...any) {
	if len(r.problems) >= maxProblems {
		r.dropped++
		return
	}
	r.problems = append(r.problems, Problem{Segment: seg, Offset: off, Message: fmt.Sprintf(format, args...)})
}

// Next returns the next segment. At the clean end of the input it returns
// io.EOF; when the input ends inside an interchange or a segment it returns
// a *SyntaxError wrapping io.ErrUnexpectedEOF. The segment's slices are valid
// until the next call to Next.
func (r *Reader) Next() (Segment, error) {
	if err := r.advance(); err != nil {
		return Segment{}, err
	}
	r.split()
	s := Segment{Elements: r.elems, Number: r.n, Offset: r.curOff, delims: r.packed}
	r.check(s)
	return s, nil
}

// advance finds the next segment and leaves its bytes, without the
// terminator, in r.cur; it neither splits it into elements nor checks the
// envelope. Read835 calls it directly and splits only the segments it
// decodes element by element; Next splits every one.
func (r *Reader) advance() error {
	if r.err != nil {
		return r.err
	}
	for {
		for r.r < r.w && isFiller(r.buf[r.r]) {
			r.r++
		}
		if r.r == r.w {
			if r.eof {
				return r.fail(r.atEOF())
			}
			if err := r.fill(); err != nil {
				return r.fail(err)
			}
			continue
		}
		if !r.inISA {
			if err := r.startInterchange(); err != nil {
				return r.fail(err)
			}
		}
		b := r.buf[r.r:r.w]
		n := bytes.IndexByte(b, r.d.Segment)
		if n < 0 {
			if r.eof {
				off := r.base + int64(r.r)
				return r.fail(&SyntaxError{Segment: r.n + 1, Offset: off, Err: io.ErrUnexpectedEOF,
					Msg: fmt.Sprintf("input ends inside segment %q: no segment terminator %q; the file is truncated", clip(bytes.TrimRight(b, "\r\n\t ")), r.d.Segment)})
			}
			if err := r.fill(); err != nil {
				return r.fail(err)
			}
			continue
		}
		raw := b[:n:n]
		if r.d.Segment == '\n' && n > 0 && raw[n-1] == '\r' {
			raw = raw[: n-1 : n-1] // the CR of a CR LF terminator
		}
		r.cur, r.curOff = raw, r.base+int64(r.r)
		r.r += n + 1
		r.n++
		return nil
	}
}

// segment splits r.cur into r.elems and returns it as a Segment.
func (r *Reader) segment() Segment {
	r.split()
	return Segment{Elements: r.elems, Number: r.n, Offset: r.curOff, delims: r.packed}
}

// split splits r.cur into r.elems. A plain loop splits the elements, which
// are a few bytes long, shorter than the set-up cost of a vectorized
// search.
func (r *Reader) split() {
	raw := r.cur
	es := r.d.Element
	e := r.elems[:0]
	start := 0
	for i, c := range raw {
		if c == es {
			e = append(e, raw[start:i:i])
			start = i + 1
		}
	}
	r.elems = append(e, raw[start:])
}

func (r *Reader) fail(err error) error {
	r.err = err
	return err
}

// isFiller reports whether c may stand between segments: line breaks that
// many senders add after each terminator, and stray blanks or NULs.
func isFiller(c byte) bool {
	return c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == 0
}

// fill moves unread bytes to the front of the buffer and reads more. It
// grows the buffer only when a single segment fills it.
func (r *Reader) fill() error {
	if r.r > 0 {
		n := copy(r.buf, r.buf[r.r:r.w])
		r.base += int64(r.r)
		r.w, r.r = n, 0
	}
	if r.w == len(r.buf) {
		if len(r.buf) >= MaxSegmentSize {
			return &SyntaxError{Segment: r.n + 1, Offset: r.base, Msg: fmt.Sprintf("no segment terminator %q within %d bytes: not X12, or the wrong terminator", r.d.Segment, MaxSegmentSize)}
		}
		nb := make([]byte, min(2*len(r.buf), MaxSegmentSize))
		copy(nb, r.buf[:r.w])
		r.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.rd.Read(r.buf[r.w:])
		r.w += n
		if err == io.EOF {
			r.eof = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("read at byte %d: %w", r.base+int64(r.w), err)
		}
		if n > 0 {
			if !r.started && r.w >= 3 && r.buf[0] == 0xEF && r.buf[1] == 0xBB && r.buf[2] == 0xBF {
				r.r = 3 // a UTF-8 byte order mark written by an editor
			}
			r.started = true
			return nil
		}
	}
	return fmt.Errorf("read at byte %d: %w", r.base+int64(r.w), io.ErrNoProgress)
}

// startInterchange reads the delimiters from the ISA header at r.r. ISA is
// fixed width, so the element separator is byte 3, ISA16 (the component
// separator) is the byte after the sixteenth element separator and the
// segment terminator follows it. Counting separators rather than using
// fixed positions also accepts senders that trim the padded ISA fields.
func (r *Reader) startInterchange() error {
	for r.w-r.r < isaLen+2 && !r.eof {
		if err := r.fill(); err != nil {
			return err
		}
	}
	b := r.buf[r.r:r.w]
	off := r.base + int64(r.r)
	if len(b) < 4 || string(b[:3]) != "ISA" {
		what := "after IEA"
		if !r.started || r.n == 0 {
			what = "at the start of the input"
		}
		return &SyntaxError{Segment: r.n + 1, Offset: off, Msg: fmt.Sprintf("want an ISA header %s, got %q", what, clip(b))}
	}
	es := b[3]
	if isAlnum(es) || isFiller(es) {
		return &SyntaxError{Segment: r.n + 1, Offset: off, Msg: fmt.Sprintf("ISA element separator %q is a letter, digit or blank", es)}
	}
	seps, rep, p := 0, byte(0), -1
	for i := 3; i < len(b) && i < 4*isaLen; i++ {
		if b[i] != es {
			continue
		}
		seps++
		switch seps {
		case 11: // ISA11 lies between the 11th and 12th separators
			if i+2 < len(b) && b[i+2] == es {
				rep = b[i+1]
			}
		case 16:
			p = i
		}
		if p >= 0 {
			break
		}
	}
	if p < 0 || p+2 >= len(b) {
		if r.eof && (p < 0 || p+2 >= len(b)) {
			return &SyntaxError{Segment: r.n + 1, Offset: off, Err: io.ErrUnexpectedEOF, Msg: "input ends inside the ISA header: the file is truncated"}
		}
		return &SyntaxError{Segment: r.n + 1, Offset: off, Msg: "ISA header does not have 16 elements"}
	}
	d := Delimiters{Element: es, Component: b[p+1], Segment: b[p+2]}
	if isAlnum(rep) || rep == d.Component || rep == d.Segment || rep == ' ' {
		rep = 0 // ISA11 is the standards identifier "U" before 00501
	}
	d.Repetition = rep
	if isAlnum(d.Segment) || d.Segment == es || d.Segment == d.Component || d.Segment == ' ' {
		return &SyntaxError{Segment: r.n + 1, Offset: off, Msg: fmt.Sprintf("ISA segment terminator %q (the byte after ISA16) is not a usable delimiter", d.Segment)}
	}
	if isAlnum(d.Component) || d.Component == es {
		return &SyntaxError{Segment: r.n + 1, Offset: off, Msg: fmt.Sprintf("ISA16 component separator %q is not a usable delimiter", d.Component)}
	}
	if p+3 != isaLen {
		r.problem(r.n+1, off, "ISA is %d bytes, not the fixed %d; delimiters taken by counting elements", p+3, isaLen)
	}
	r.d, r.packed = d, d.pack()
	r.inISA = true
	return nil
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

func (r *Reader) atEOF() error {
	off := r.base + int64(r.r)
	if r.n == 0 {
		return &SyntaxError{Segment: 1, Offset: off, Err: io.ErrUnexpectedEOF, Msg: "empty input: want an ISA header"}
	}
	if r.inISA {
		msg := fmt.Sprintf("input ends after segment %d without IEA for interchange %s (segment %d); the file is truncated", r.n, r.env.isaControl, r.env.isaSeg)
		if r.env.stOpen {
			msg = fmt.Sprintf("input ends after segment %d inside transaction %s %s (segment %d) without SE, GE or IEA; the file is truncated", r.n, r.env.stID, r.env.stControl, r.env.stSeg)
		}
		return &SyntaxError{Segment: r.n + 1, Offset: off, Err: io.ErrUnexpectedEOF, Msg: msg}
	}
	return io.EOF
}

// clip returns a short quotable prefix of b for messages.
func clip(b []byte) string {
	if len(b) > 24 {
		return string(b[:24]) + "..."
	}
	return string(b)
}

// IsTruncated reports whether err says the input ended too early.
func IsTruncated(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }
