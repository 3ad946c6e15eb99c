package rates

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// The root provider_references array of an in-network file: each group's
// NPIs, read into the store (see scanner in scan.go).

// providerRefs reads the root provider_references array into the store.
func (s *scanner) providerRefs() error {
	err := s.array(func() error {
		var id, network, location string
		s.groups.reset()
		gotGroups := false
		err := s.object(func(k []byte) error {
			switch string(k) {
			case "provider_group_id":
				return s.field("provider_group_id", func() (err error) { id, err = s.text(); return })
			case "network_name":
				return s.field("network_name", func() error {
					names, err := s.texts(nil)
					network = strings.Join(names, ";")
					return err
				})
			case "provider_groups":
				gotGroups = true
				return s.field("provider_groups", func() error { return s.readGroups(&s.groups) })
			case "location":
				return s.field("location", func() (err error) { location, err = s.text(); return })
			default:
				return s.field(string(k), s.l.skip)
			}
		})
		if err != nil {
			return err
		}
		if id == "" {
			s.warnf("provider_references entry without provider_group_id at byte %d", s.l.offset())
			return nil
		}
		id = normID(id)
		if s.inNetwork && !s.needAll && !s.need[id] {
			return nil // references after in_network: keep only those used
		}
		s.ent.reset()
		switch {
		case location != "" && !gotGroups:
			s.ent.byte1('L')
			s.ent.str(location)
		default:
			if len(s.groups.b) == 0 {
				s.groups.byte1(0)
			}
			if s.f.providers() && len(s.groups.b) == 1 {
				return nil // no provider the query asks for
			}
			s.ent.byte1('G')
			s.ent.str(network)
			s.ent.b = append(s.ent.b, s.groups.b...)
		}
		return s.store.put(id, s.ent.b)
	})
	if err == nil {
		s.refsSeen = true
	}
	return err
}

// readGroups reads a provider_groups array and appends the groups (and the
// NPIs in them) that pass the provider filter to e, ending with a 0 byte.
func (s *scanner) readGroups(e *enc) error {
	err := s.array(func() error {
		g := &s.grp
		g.tinType, g.tin, g.business = g.tinType[:0], g.tin[:0], g.business[:0]
		g.arena, g.ends, g.hits, g.n = g.arena[:0], g.ends[:0], g.hits[:0], 0
		err := s.object(func(k []byte) error {
			switch string(k) {
			case "npi":
				return s.field("npi", s.readNPIs)
			case "tin":
				return s.field("tin", func() error {
					return s.object(func(k []byte) error {
						switch string(k) {
						case "type":
							t, _, err := s.l.scalar()
							g.tinType = append(g.tinType[:0], t...)
							return err
						case "value":
							t, _, err := s.l.scalar()
							g.tin = append(g.tin[:0], t...)
							return err
						case "business_name":
							t, _, err := s.l.scalar()
							g.business = append(g.business[:0], t...)
							return err
						default:
							return s.field(string(k), s.l.skip)
						}
					})
				})
			default:
				return s.field(string(k), s.l.skip)
			}
		})
		if err != nil {
			return err
		}
		s.keepGroup(e)
		return nil
	})
	e.byte1(0)
	return err
}

// readNPIs reads a group's npi array (numbers, or strings in some files).
func (s *scanner) readNPIs() error {
	l := s.l
	all := !s.f.providers() || s.f.tins != nil
	c, err := l.peek()
	if err != nil {
		return err
	}
	if c != '[' { // a lone NPI
		t, _, err := l.scalar()
		if err != nil {
			return err
		}
		s.addNPI(t, all)
		return nil
	}
	l.pos++
	l.pushIndex()
	defer l.pop()
	i, done := s.npiRun(all)
	if done {
		return nil
	}
	for ; ; i++ {
		ok, err := l.more(i == 0, ']')
		if err != nil || !ok {
			return err
		}
		l.setIndex(i)
		c, err := l.peek()
		if err != nil {
			return err
		}
		var t []byte
		if c >= '0' && c <= '9' {
			t, err = l.num()
		} else {
			t, _, err = l.scalar()
		}
		if err != nil {
			return err
		}
		s.addNPI(t, all)
	}
}

// npiRun is the fast path of readNPIs, from just after the '[': the
// canonical numbers of a minified array, each with its ',' or ']' in this
// chunk, tested against the filter as their digits are read. It stops
// before anything else (whitespace, a string, the end of the chunk) and
// returns how many NPIs it took, and whether it read the closing ']'.
func (s *scanner) npiRun(all bool) (int, bool) {
	l := s.l
	b := l.buf
	p := l.pos
	filter := s.f.npis != nil
	for i := 0; ; i++ {
		j := p
		if i > 0 {
			j++ // the ',' that stopped the last number
		}
		start := j
		var v uint64
		if j+8 <= len(b) {
			// Eight digits at once (an NPI has ten).
			if d, ok := digits8(binary.LittleEndian.Uint64(b[j:])); ok {
				v, j = d, j+8
			}
		}
		for j < len(b) && b[j]-'0' <= 9 && j-start < 19 {
			v = v*10 + uint64(b[j]-'0')
			j++
		}
		n := j - start
		if n == 0 || j >= len(b) || (b[j] != ',' && b[j] != ']') || (b[start] == '0' && n > 1) {
			l.pos = p
			return i, false
		}
		hit := filter && s.f.npiValue(v)
		if all || hit {
			if n <= maxNPIValueDigits {
				s.keepNPIValue(v, hit)
			} else {
				s.keepNPI(b[start:j], hit)
			}
		}
		if b[j] == ']' {
			l.pos = j + 1
			return i + 1, true
		}
		p = j
	}
}

func (s *scanner) addNPI(t []byte, all bool) {
	hit := s.f.npi(t)
	if all || hit {
		s.keepNPI(t, hit)
	}
}

// keepNPI adds an NPI of the group being read, in its encoded form
// (appendNPI).
func (s *scanner) keepNPI(t []byte, hit bool) {
	g := &s.grp
	g.arena = appendNPI(g.arena, t)
	g.n++
	if s.f.providers() {
		g.ends = append(g.ends, len(g.arena))
		g.hits = append(g.hits, hit)
	}
}

// keepNPIValue is keepNPI for an NPI whose digits the lexer has already
// read as v (canonical, at most maxNPIValueDigits digits).
func (s *scanner) keepNPIValue(v uint64, hit bool) {
	g := &s.grp
	g.arena = binary.AppendUvarint(g.arena, v<<1)
	g.n++
	if s.f.providers() {
		g.ends = append(g.ends, len(g.arena))
		g.hits = append(g.hits, hit)
	}
}

// digits8 returns the value of the eight ASCII digits of x (the first in
// its lowest byte), if they are all digits.
func digits8(x uint64) (uint64, bool) {
	d := x - '0'*ones
	// A byte below '0' sets its high bit in d, one above '9' in x+0x46,
	// one of 0x80 or more in x.
	if (d|(x+0x46*ones)|x)&highs != 0 {
		return 0, false
	}
	d = d*10 + d>>8 // pairs of digits, in the even bytes
	d = (d&0x00ff00ff00ff00ff)*100 + (d>>16)&0x00ff00ff00ff00ff
	d = (d&0x0000ffff0000ffff)*10000 + (d>>32)&0x0000ffff0000ffff
	return d & 0xffffffff, true
}

// maxNPIValueDigits is the longest number appendNPI stores as a value:
// 18 digits shifted left by one still fit in 64 bits.
const maxNPIValueDigits = 18

// appendNPI encodes one NPI as the file wrote it. NPIs are most of what
// the provider store holds (every NPI of the file when no provider filter
// is given), so a canonical number (digits, no leading zero, at most 18)
// is stored as its value, uvarint(v<<1): 5 bytes for a 10-digit NPI
// instead of 11. Anything else is uvarint(len<<1|1) and the text.
// dec.npi gives back the same text either way.
func appendNPI(dst, t []byte) []byte {
	if v, ok := canonicalDigits(t); ok {
		return binary.AppendUvarint(dst, v<<1)
	}
	dst = binary.AppendUvarint(dst, uint64(len(t))<<1|1)
	return append(dst, t...)
}

// canonicalDigits returns the value of t if t is a number that prints
// back as t: 1 to maxNPIValueDigits digits, no leading zero but "0".
func canonicalDigits(t []byte) (uint64, bool) {
	if len(t) == 0 || len(t) > maxNPIValueDigits || (t[0] == '0' && len(t) > 1) {
		return 0, false
	}
	var v uint64
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// npi reads an NPI that appendNPI wrote.
func (d *dec) npi() string {
	x := d.uvarint()
	if x&1 == 0 {
		return strconv.FormatUint(x>>1, 10)
	}
	n := x >> 1
	if n > uint64(len(d.b)-d.i) {
		d.err = errCorrupt
		d.i = len(d.b)
		return ""
	}
	t := string(d.b[d.i : d.i+int(n)])
	d.i += int(n)
	return t
}

// keepGroup appends the finished group to e if any of it passes the
// filter: all its NPIs when there is no provider filter or its TIN is
// asked for, else the NPIs asked for.
func (s *scanner) keepGroup(e *enc) {
	g := &s.grp
	all := !s.f.providers() || s.f.tin(g.tin)
	n := g.n // with no provider filter every NPI, and no ends or hits
	if s.f.providers() {
		n = 0
		for _, h := range g.hits {
			if all || h {
				n++
			}
		}
	}
	if n == 0 {
		if !all || len(g.tin) == 0 {
			return
		}
	}
	e.byte1(1)
	e.bytes(g.tinType)
	e.bytes(g.tin)
	e.bytes(g.business)
	if n == 0 {
		// A group without NPIs is a TIN-only contract, as npi [0] is.
		e.uvarint(1)
		e.b = appendNPI(e.b, []byte("0"))
		return
	}
	e.uvarint(uint64(n))
	if !s.f.providers() {
		e.b = append(e.b, g.arena...) // encoded by appendNPI
		return
	}
	start := 0
	for i, end := range g.ends {
		if all || g.hits[i] {
			e.b = append(e.b, g.arena[start:end]...) // encoded by appendNPI
		}
		start = end
	}
}
