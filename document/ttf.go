package document

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ttf is what the layout needs from a TrueType font: which characters it
// has and how wide they are. It reads the same tables fpdf reads when it
// embeds the font (cmap, hmtx) and rounds widths the way fpdf does, so lines
// measured here are the lines the PDF viewer draws.
type ttf struct {
	glyph  map[rune]uint16 // character → glyph, BMP only
	widths []float64       // by glyph, in thousandths of an em
}

// advance returns the width of r in thousandths of an em, or -1 when the
// font has no glyph for it.
func (f *ttf) advance(r rune) float64 {
	g, ok := f.glyph[r]
	if !ok || g == 0 {
		return -1
	}
	if int(g) >= len(f.widths) {
		return f.widths[len(f.widths)-1] // glyphs past hmtx share its last advance
	}
	return f.widths[g]
}

var errTTF = errors.New("malformed TrueType font")

func parseTTF(b []byte) (*ttf, error) {
	be := binary.BigEndian
	if len(b) < 12 {
		return nil, errTTF
	}
	tables := map[string][]byte{}
	n := int(be.Uint16(b[4:]))
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return nil, errTTF
		}
		off, length := int(be.Uint32(b[rec+8:])), int(be.Uint32(b[rec+12:]))
		if off+length > len(b) {
			return nil, errTTF
		}
		tables[string(b[rec:rec+4])] = b[off : off+length]
	}
	head, hhea, maxp, hmtx, cmap := tables["head"], tables["hhea"], tables["maxp"], tables["hmtx"], tables["cmap"]
	if len(head) < 20 || len(hhea) < 36 || len(maxp) < 6 || cmap == nil {
		return nil, fmt.Errorf("%w: missing head, hhea, maxp or cmap", errTTF)
	}
	scale := 1000 / float64(be.Uint16(head[18:]))
	nMetrics := int(be.Uint16(hhea[34:]))
	if nMetrics == 0 || len(hmtx) < 4*nMetrics {
		return nil, fmt.Errorf("%w: short hmtx", errTTF)
	}
	f := &ttf{glyph: map[rune]uint16{}, widths: make([]float64, nMetrics)}
	for g := range nMetrics {
		f.widths[g] = math.Round(scale * float64(be.Uint16(hmtx[4*g:])))
	}
	// Use the Unicode BMP subtable (platform 3 encoding 1, or platform 0),
	// format 4, as fpdf does.
	if len(cmap) < 4 {
		return nil, errTTF
	}
	var sub []byte
	for i := range int(be.Uint16(cmap[2:])) {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errTTF
		}
		pid, eid, off := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:]), int(be.Uint32(cmap[rec+4:]))
		if off+14 > len(cmap) || be.Uint16(cmap[off:]) != 4 {
			continue
		}
		if pid == 3 && eid == 1 || pid == 0 {
			sub = cmap[off:]
			break
		}
	}
	if sub == nil {
		return nil, fmt.Errorf("%w: no format 4 Unicode cmap", errTTF)
	}
	segs := int(be.Uint16(sub[6:])) / 2
	ends, starts := 14, 16+2*segs
	deltas, ranges := starts+2*segs, starts+4*segs
	if ranges+2*segs > len(sub) {
		return nil, errTTF
	}
	for s := range segs {
		end, start := int(be.Uint16(sub[ends+2*s:])), int(be.Uint16(sub[starts+2*s:]))
		delta, ro := be.Uint16(sub[deltas+2*s:]), int(be.Uint16(sub[ranges+2*s:]))
		for c := start; c <= end && c != 0xFFFF; c++ {
			var g uint16
			if ro == 0 {
				g = uint16(c) + delta
			} else {
				at := ranges + 2*s + ro + 2*(c-start)
				if at+2 > len(sub) {
					return nil, errTTF
				}
				if g = be.Uint16(sub[at:]); g != 0 {
					g += delta
				}
			}
			if g != 0 {
				f.glyph[rune(c)] = g
			}
		}
	}
	return f, nil
}
