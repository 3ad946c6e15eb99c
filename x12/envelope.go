package x12

import "strconv"

// envelope tracks the open ISA, GS and ST of the stream to check nesting,
// control numbers and counts. Control numbers are kept as strings: one small
// allocation per envelope, not per segment.
type envelope struct {
	isaOpen    bool
	isaControl string
	isaSeg     int
	groups     int

	gsOpen    bool
	gsControl string
	gsSeg     int
	gsID      string
	sets      int

	stOpen    bool
	stID      string
	stControl string
	stSeg     int
	stCount   int
}

// segKey returns the ID of segment b (the bytes before the first element
// separator es) packed in a word, first byte lowest, or 0 when the ID is
// not 2 or 3 bytes long (check then reports it). Read835 dispatches on it with an integer switch.
func segKey(b []byte, es byte) uint32 {
	switch {
	case len(b) < 2:
		return 0
	case len(b) == 2 || b[2] == es:
		return uint32(b[0]) | uint32(b[1])<<8
	case (len(b) == 3 || b[3] == es) && b[2] != 0:
		// (A NUL third byte would read as a 2-byte ID.)
		return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	}
	return 0
}

// checkFast does check's work for a segment with ID k (from segKey) when
// it is an ordinary segment inside an open transaction set, without the
// segment being split into elements, and reports whether it did. For
// anything else (an envelope segment, a segment outside a transaction, an
// ID that is not letters and digits) it does nothing and returns false:
// the caller then calls check.
func (r *Reader) checkFast(k uint32) bool {
	if !r.env.stOpen || k == 0 {
		return false
	}
	c0, c1, c2 := byte(k), byte(k>>8), byte(k>>16)
	if c0 == 'I' || c0 == 'G' || k == idSE || k == idST || !isAlnum(c0) || !isAlnum(c1) || (c2 != 0 && !isAlnum(c2)) {
		return false
	}
	r.env.stCount++
	return true
}

// check updates the envelope state with s and records what does not fit.
// It is called for every segment, so the common case (a segment inside an
// open transaction that is not an envelope segment) does one comparison.
func (r *Reader) check(s Segment) {
	e := &r.env
	id := s.Elements[0]
	if e.stOpen {
		e.stCount++
	}
	if len(id) < 2 || len(id) > 3 || !isAlnum(id[0]) || !isAlnum(id[1]) || (len(id) == 3 && !isAlnum(id[2])) {
		r.problem(s.Number, s.Offset, "segment ID %q is not 2 or 3 letters or digits", clip(id))
		return
	}
	if id[0] != 'I' && id[0] != 'G' && id[0] != 'S' {
		if !e.stOpen {
			r.problem(s.Number, s.Offset, "segment %s is outside a transaction set (ST...SE)", id)
		}
		return
	}
	switch string(id) {
	case "ISA":
		r.checkISA(s)
	case "IEA":
		r.checkIEA(s)
	case "GS":
		r.checkGS(s)
	case "GE":
		r.checkGE(s)
	case "ST":
		r.checkST(s)
	case "SE":
		r.checkSE(s)
	default:
		if !e.stOpen {
			r.problem(s.Number, s.Offset, "segment %s is outside a transaction set (ST...SE)", id)
		}
	}
}

func (r *Reader) checkISA(s Segment) {
	e := &r.env
	if e.isaOpen {
		r.closeGroup(s, "ISA")
		r.problem(s.Number, s.Offset, "interchange %s (ISA at segment %d) has no IEA before the next ISA", e.isaControl, e.isaSeg)
	}
	*e = envelope{isaOpen: true, isaControl: string(s.Element(13)), isaSeg: s.Number}
	if s.Len() != 16 {
		r.problem(s.Number, s.Offset, "ISA has %d elements, want 16", s.Len())
	}
	if c := s.Element(13); len(c) != 9 || !allDigits(c) {
		r.problem(s.Number, s.Offset, "ISA13 interchange control number %q is not 9 digits", c)
	}
}

func (r *Reader) checkIEA(s Segment) {
	e := &r.env
	r.closeGroup(s, "IEA")
	if n, ok := atoi(s.Element(1)); !ok || n != e.groups {
		r.problem(s.Number, s.Offset, "IEA01 says %q functional groups, interchange %s has %d", s.Element(1), e.isaControl, e.groups)
	}
	if c := string(s.Element(2)); c != e.isaControl {
		r.problem(s.Number, s.Offset, "IEA02 control number %q does not match ISA13 %q (segment %d)", c, e.isaControl, e.isaSeg)
	}
	if !e.isaOpen {
		r.problem(s.Number, s.Offset, "IEA without an ISA")
	}
	e.isaOpen = false
	r.inISA = false // the next interchange brings its own delimiters
}

// closeGroup closes an open GS when GE never came (seen at IEA).
func (r *Reader) closeGroup(s Segment, by string) {
	e := &r.env
	r.closeSet(s, by)
	if e.gsOpen {
		r.problem(s.Number, s.Offset, "functional group %s (GS at segment %d) has no GE before %s", e.gsControl, e.gsSeg, by)
		e.gsOpen = false
	}
}

// closeSet closes an open ST when SE never came.
func (r *Reader) closeSet(s Segment, by string) {
	e := &r.env
	if e.stOpen {
		r.problem(s.Number, s.Offset, "transaction set %s %s (ST at segment %d) has no SE before %s", e.stID, e.stControl, e.stSeg, by)
		e.stOpen = false
	}
}

func (r *Reader) checkGS(s Segment) {
	e := &r.env
	r.closeGroup(s, "GS")
	e.gsOpen, e.gsControl, e.gsSeg, e.gsID, e.sets = true, string(s.Element(6)), s.Number, string(s.Element(1)), 0
	e.groups++
	if len(s.Element(6)) == 0 {
		r.problem(s.Number, s.Offset, "GS06 group control number is empty")
	}
}

func (r *Reader) checkGE(s Segment) {
	e := &r.env
	r.closeSet(s, "GE")
	if !e.gsOpen {
		r.problem(s.Number, s.Offset, "GE without a GS")
		return
	}
	if n, ok := atoi(s.Element(1)); !ok || n != e.sets {
		r.problem(s.Number, s.Offset, "GE01 says %q transaction sets, group %s has %d", s.Element(1), e.gsControl, e.sets)
	}
	if c := string(s.Element(2)); c != e.gsControl {
		r.problem(s.Number, s.Offset, "GE02 control number %q does not match GS06 %q (segment %d)", c, e.gsControl, e.gsSeg)
	}
	e.gsOpen = false
}

// functionalID maps a transaction set to the GS01 functional identifier it
// belongs in, for the sets this package reads.
var functionalID = map[string]string{"835": "HP", "270": "HS", "271": "HB", "278": "HI", "837": "HC", "276": "HR", "277": "HN", "999": "FA"}

func (r *Reader) checkST(s Segment) {
	e := &r.env
	r.closeSet(s, "ST")
	if !e.gsOpen {
		r.problem(s.Number, s.Offset, "ST without a GS")
	}
	e.stOpen, e.stID, e.stControl, e.stSeg, e.stCount = true, string(s.Element(1)), string(s.Element(2)), s.Number, 1
	e.sets++
	if want, ok := functionalID[e.stID]; ok && e.gsOpen && e.gsID != want {
		r.problem(s.Number, s.Offset, "transaction set %s belongs in a functional group %s, GS01 is %q", e.stID, want, e.gsID)
	}
	if len(e.stControl) < 4 || len(e.stControl) > 9 {
		r.problem(s.Number, s.Offset, "ST02 control number %q is not 4 to 9 characters", e.stControl)
	}
}

func (r *Reader) checkSE(s Segment) {
	e := &r.env
	if !e.stOpen {
		r.problem(s.Number, s.Offset, "SE without an ST")
		return
	}
	if n, ok := atoi(s.Element(1)); !ok || n != e.stCount {
		r.problem(s.Number, s.Offset, "SE01 says %q segments, transaction set %s has %d (ST through SE)", s.Element(1), e.stControl, e.stCount)
	}
	if c := string(s.Element(2)); c != e.stControl {
		r.problem(s.Number, s.Offset, "SE02 control number %q does not match ST02 %q (segment %d)", c, e.stControl, e.stSeg)
	}
	e.stOpen = false
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

func atoi(b []byte) (int, bool) {
	if !allDigits(b) || len(b) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil
}
