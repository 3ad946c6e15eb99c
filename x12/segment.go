package x12

import (
	"bytes"
	"fmt"
	"iter"
)

// Delimiters are the four separators of an interchange, all taken from its
// ISA header.
type Delimiters struct {
	Element    byte // ISA byte 3
	Repetition byte // ISA11 in version 00501 and later; 0 when the interchange has none
	Component  byte // ISA16
	Segment    byte // the byte after ISA16
}

// Segment is one X12 segment. Elements[0] is the segment ID and Elements[i]
// is data element i, so CLP01 is Elements[1]. The slices point into the
// Reader's buffer and are valid only until the next call to Next; use Clone
// to keep a segment.
type Segment struct {
	Elements [][]byte
	Number   int   // 1-based position of the segment in the input
	Offset   int64 // byte offset of the segment's first byte in the input
	// delims holds the four delimiters packed in one word: a Segment then
	// fits in registers when returned with an error, which measurably
	// speeds up reading (a struct of four bytes would take four registers).
	delims uint32
}

// Delimiters returns the delimiters of the interchange the segment is in.
func (s Segment) Delimiters() Delimiters { return unpack(s.delims) }

func (d Delimiters) pack() uint32 {
	return uint32(d.Element) | uint32(d.Repetition)<<8 | uint32(d.Component)<<16 | uint32(d.Segment)<<24
}

func unpack(p uint32) Delimiters {
	return Delimiters{Element: byte(p), Repetition: byte(p >> 8), Component: byte(p >> 16), Segment: byte(p >> 24)}
}

// ID returns the segment ID ("CLP", "SE").
func (s Segment) ID() []byte {
	if len(s.Elements) == 0 {
		return nil
	}
	return s.Elements[0]
}

// Is reports whether the segment ID is id.
func (s Segment) Is(id string) bool {
	return len(s.Elements) > 0 && string(s.Elements[0]) == id
}

// Len returns the number of data elements (not counting the ID).
func (s Segment) Len() int {
	if len(s.Elements) == 0 {
		return 0
	}
	return len(s.Elements) - 1
}

// Element returns data element i (1-based, as in CLP01), or nil when the
// segment has fewer elements.
func (s Segment) Element(i int) []byte {
	if i <= 0 || i >= len(s.Elements) {
		return nil
	}
	return s.Elements[i]
}

// Component returns component j (1-based, as in SVC01-2) of element i, or
// nil when absent. An element without a component separator is its own
// first component.
func (s Segment) Component(i, j int) []byte {
	return nth(s.Element(i), byte(s.delims>>16), j)
}

// Components iterates over the components of element i.
func (s Segment) Components(i int) iter.Seq[[]byte] {
	return split(s.Element(i), byte(s.delims>>16))
}

// Repetitions iterates over the repetitions of element i (EB03 "1^33^MH").
// When the interchange has no repetition separator the element is one
// repetition.
func (s Segment) Repetitions(i int) iter.Seq[[]byte] {
	return split(s.Element(i), byte(s.delims>>8))
}

// Clone returns a copy of s that does not share memory with the Reader.
func (s Segment) Clone() Segment {
	c := s
	c.Elements = make([][]byte, len(s.Elements))
	for i, e := range s.Elements {
		c.Elements[i] = bytes.Clone(e)
		if c.Elements[i] == nil {
			c.Elements[i] = []byte{}
		}
	}
	return c
}

// String returns the segment as it appeared, with its element separator and
// without the terminator. Meant for messages, not for the hot path.
func (s Segment) String() string {
	sep := byte(s.delims)
	if sep == 0 {
		sep = '*'
	}
	return string(bytes.Join(s.Elements, []byte{sep}))
}

// nth returns the j-th (1-based) piece of b split at sep.
func nth(b []byte, sep byte, j int) []byte {
	if b == nil || j <= 0 {
		return nil
	}
	if sep == 0 {
		if j == 1 {
			return b
		}
		return nil
	}
	for k := 1; ; k++ {
		i := bytes.IndexByte(b, sep)
		if k == j {
			if i < 0 {
				return b
			}
			return b[:i]
		}
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
}

func split(b []byte, sep byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		if len(b) == 0 {
			return
		}
		if sep == 0 {
			yield(b)
			return
		}
		for {
			i := bytes.IndexByte(b, sep)
			if i < 0 {
				yield(b)
				return
			}
			if !yield(b[:i]) {
				return
			}
			b = b[i+1:]
		}
	}
}

// Problem is a defect found in the input that did not stop reading: an
// envelope count that does not match, a missing SE, an amount that does not
// parse. It names where: the segment's number and byte offset.
type Problem struct {
	Segment int    `json:"segment"`
	Offset  int64  `json:"offset"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	return fmt.Sprintf("segment %d (byte %d): %s", p.Segment, p.Offset, p.Message)
}

// SyntaxError is an error that stops reading: input that is not X12, a
// truncated interchange, a segment too long to be real.
type SyntaxError struct {
	Segment int   // number of the segment being read (the next one at end of input)
	Offset  int64 // byte offset where the error was found
	Msg     string
	Err     error // an underlying error such as io.ErrUnexpectedEOF, or nil
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("segment %d (byte %d): %s", e.Segment, e.Offset, e.Msg)
}

func (e *SyntaxError) Unwrap() error { return e.Err }
