package rates

import "strconv"

// filter is a Query made fast to test while scanning.
type filter struct {
	codes map[string]bool // nil keeps every code
	npis  map[uint64]bool // nil: no NPI filter
	tins  map[string]bool // normalized; nil: no TIN filter
	// npiBits is a 65,536-bit prefilter over npis: most NPIs in a file
	// are rejected by one load instead of a map lookup.
	npiBits [1024]uint64
}

func newFilter(q Query) *filter {
	f := &filter{}
	if len(q.Codes) > 0 {
		f.codes = map[string]bool{}
		for _, c := range q.Codes {
			f.codes[c] = true
		}
	}
	if len(q.NPIs) > 0 {
		f.npis = map[uint64]bool{}
		for _, n := range q.NPIs {
			v, err := strconv.ParseUint(n, 10, 64)
			if err != nil {
				continue // Query.Validate rejects these
			}
			f.npis[v] = true
			h := npiHash(v)
			f.npiBits[h>>6] |= 1 << (h & 63)
		}
	}
	if len(q.TINs) > 0 {
		f.tins = map[string]bool{}
		for _, t := range q.TINs {
			f.tins[normTIN(t)] = true
		}
	}
	return f
}

func npiHash(v uint64) uint64 { return (v * 0x9E3779B97F4A7C15) >> 48 }

// providers reports whether the query names providers at all.
func (f *filter) providers() bool { return f.npis != nil || f.tins != nil }

// code reports whether an in_network item with this billing code is kept.
func (f *filter) code(c []byte) bool {
	return f.codes == nil || f.codes[string(c)] || string(c) == "CSTM-00"
}

// npi reports whether the NPI text (digits) is one the query asks for.
func (f *filter) npi(text []byte) bool {
	if f.npis == nil || len(text) == 0 || len(text) > 19 {
		return false
	}
	var v uint64
	for _, c := range text {
		if c < '0' || c > '9' {
			return false
		}
		v = v*10 + uint64(c-'0')
	}
	return f.npiValue(v)
}

// npiValue is npi for a parsed number.
func (f *filter) npiValue(v uint64) bool {
	if f.npis == nil {
		return false
	}
	h := npiHash(v)
	if f.npiBits[h>>6]&(1<<(h&63)) == 0 {
		return false
	}
	return f.npis[v]
}

func (f *filter) tin(t []byte) bool {
	return f.tins != nil && f.tins[normTIN(string(t))]
}
