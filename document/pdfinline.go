package document

import "unicode/utf8"

// Inline layout for PDF: text becomes words made of pieces (one font, style
// and colour each), measured with the font metrics and broken into lines.

// piece is a stretch of a word drawn in one font and style.
type piece struct {
	text   string
	style  faceStyle
	symbol bool    // drawn in ZapfDingbats; text holds its one-byte codes
	blank  bool    // part of a missing fact: drawn on a highlight
	size   float64 // points
	w      float64 // millimetres
}

// word is a unit the line breaker never splits unless it is wider than a
// line. space says a space comes before it.
type word struct {
	pieces []piece
	w      float64
	space  bool
}

// ptToMM converts points to millimetres.
const ptToMM = 25.4 / 72

// inline turns text into measured words.
type inline struct {
	m    *metrics
	size float64 // points
	base faceStyle

	words []word
	cur   word
	sp    bool   // a space came before the word being built
	last  []byte // text of the last piece of cur, still growing
	// replacement is drawn for a character no font has.
	replacement rune
}

func newInline(m *metrics, size float64, base faceStyle) *inline {
	in := &inline{m: m, size: size, base: base, replacement: '?'}
	if _, ok := m.width(0, '\uFFFD'); ok {
		in.replacement = '\uFFFD'
	}
	return in
}

// add appends s in style st to the words being built.
func (in *inline) add(s string, st faceStyle, blank bool) {
	for _, r := range s {
		if r == ' ' {
			in.flush()
			in.sp = true
			continue
		}
		if w, ok := in.m.width(st, r); ok {
			in.put(r, st, false, blank, w)
			continue
		}
		if c, ok := dingbats[r]; ok {
			in.put(rune(c), st, true, blank, in.m.symbols[c])
			continue
		}
		w, _ := in.m.width(st, in.replacement)
		in.put(in.replacement, st, false, blank, w)
	}
}

// put appends one character to the current word, extending its last piece
// when font, style and highlight agree. The last piece's text grows in
// in.last and becomes a string when the piece ends, so that a word of any
// length is built in linear time.
func (in *inline) put(r rune, st faceStyle, symbol, blank bool, w1000 float64) {
	w := w1000 * in.size / 1000 * ptToMM
	if len(in.cur.pieces) == 0 {
		in.cur.space = in.sp
		in.sp = false
	}
	n := len(in.cur.pieces)
	if n == 0 || in.cur.pieces[n-1].style != st || in.cur.pieces[n-1].symbol != symbol || in.cur.pieces[n-1].blank != blank {
		in.endPiece()
		in.cur.pieces = append(in.cur.pieces, piece{style: st, symbol: symbol, blank: blank, size: in.size})
		n++
	}
	if symbol {
		in.last = append(in.last, byte(r))
	} else {
		in.last = utf8.AppendRune(in.last, r)
	}
	in.cur.pieces[n-1].w += w
	in.cur.w += w
}

// endPiece gives the last piece of the current word its text.
func (in *inline) endPiece() {
	if n := len(in.cur.pieces); n > 0 && len(in.last) > 0 {
		in.cur.pieces[n-1].text = string(in.last)
	}
	in.last = in.last[:0]
}

func (in *inline) flush() {
	in.endPiece()
	if len(in.cur.pieces) > 0 {
		in.words = append(in.words, in.cur)
	}
	in.cur = word{}
}

// text adds the runs of t.
func (in *inline) text(t Text, nums map[string]int) {
	for _, r := range t {
		st := in.base
		switch r.Kind {
		case RunEmphasis:
			st |= styleItalic
		case RunStrong:
			st |= styleBold
		case RunBlank:
			in.add(BlankText(r.Text), st|styleBold, true)
			continue
		}
		in.add(display(r, nums), st, false)
	}
}

// done returns the words and resets in for the next text.
func (in *inline) done() []word {
	in.flush()
	w := in.words
	in.words, in.sp = nil, false
	return w
}

// spaceWidth is the width of a space at size points, in millimetres.
func (m *metrics) spaceWidth(size float64) float64 {
	return m.ascii[0][' '] * size / 1000 * ptToMM
}

// wrapWords breaks words into lines no wider than width millimetres.
func (m *metrics) wrapWords(words []word, width, space float64) [][]word {
	var lines [][]word
	var cur []word
	x := 0.0
	for _, w := range words {
		gap := 0.0
		if len(cur) > 0 && w.space {
			gap = space
		}
		if len(cur) > 0 && x+gap+w.w > width {
			lines = append(lines, cur)
			cur, x, gap = nil, 0, 0
		}
		// A word wider than a whole line is cut where it reaches the edge.
		for len(cur) == 0 && w.w > width {
			head, tail := m.splitWord(w, width)
			if len(head.pieces) == 0 {
				break
			}
			lines = append(lines, []word{head})
			w = tail
		}
		if len(w.pieces) == 0 {
			continue
		}
		cur = append(cur, w)
		x += gap + w.w
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// splitWord returns the longest head of w that fits in width (at least one
// character, so that layout always advances) and the rest.
func (m *metrics) splitWord(w word, width float64) (head, tail word) {
	head.space = w.space
	for i, p := range w.pieces {
		if head.w+p.w <= width {
			head.pieces = append(head.pieces, p)
			head.w += p.w
			continue
		}
		// Cut inside this piece, character by character.
		cut, cw := 0, 0.0
		for j, r := range p.text {
			c := m.charWidth(p, r)
			if head.w+cw+c > width && (len(head.pieces) > 0 || j > 0) {
				break
			}
			cut = j + utf8.RuneLen(r)
			cw += c
		}
		if cut > 0 {
			h := p
			h.text, h.w = p.text[:cut], cw
			head.pieces = append(head.pieces, h)
			head.w += cw
			p.text, p.w = p.text[cut:], p.w-cw
		}
		if p.text != "" {
			tail.pieces = append(tail.pieces, p)
			tail.w += p.w
		}
		for _, q := range w.pieces[i+1:] {
			tail.pieces = append(tail.pieces, q)
			tail.w += q.w
		}
		return head, tail
	}
	return head, tail
}

// charWidth is the width in millimetres of character r of piece p.
func (m *metrics) charWidth(p piece, r rune) float64 {
	var w float64
	if p.symbol {
		w = m.symbols[byte(r)]
	} else {
		w, _ = m.width(p.style, r)
	}
	return w * p.size / 1000 * ptToMM
}

// lineWidth is the width of a laid-out line.
func lineWidth(l []word, space float64) float64 {
	x := 0.0
	for i, w := range l {
		if i > 0 && w.space {
			x += space
		}
		x += w.w
	}
	return x
}

// natural returns the width of words set on one line, and the widest word.
func natural(words []word, space float64) (line, widest float64) {
	for _, w := range words {
		widest = max(widest, w.w)
	}
	return lineWidth(words, space), widest
}
