package x12

// position is where a decoder of one kind of transaction set stands in
// the envelope: the interchange and group it is in (their control numbers
// and the group's version) and whether the set it is in is of another
// kind. The Reader checks the envelope's structure; this only follows it.
type position struct {
	isaControl, gsControl, gsVersion string
	skipping                         bool // inside a transaction set of another kind
}

// step follows an envelope segment for a decoder of transaction sets of
// kind set (named name in the problem a skipped set gets): ISA and GS
// are counted in *interchanges and *groups. It reports whether s is an
// ST of that kind, where the decoder starts a transaction. str turns an
// element into a string (the 835 reader takes them from its arena).
func (p *position) step(x *Reader, s Segment, set, name string, str func([]byte) string, interchanges, groups *int) bool {
	switch {
	case s.Is("ISA"):
		p.isaControl = str(s.Element(13))
		*interchanges++
	case s.Is("GS"):
		p.gsControl, p.gsVersion = str(s.Element(6)), str(s.Element(8))
		*groups++
	case s.Is("ST"):
		p.skipping = string(s.Element(1)) != set
		if p.skipping {
			x.AddProblem(s, "transaction set %s skipped: not %s", clip(s.Element(1)), name)
		}
		return !p.skipping
	case s.Is("SE"):
		p.skipping = false
	}
	return false
}
