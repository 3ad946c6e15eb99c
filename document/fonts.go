package document

import (
	"sync"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The PDF text face is the Go font family (BSD-licensed, from
// golang.org/x/image/font/gofont), embedded so that "—", "≥", "§" and the
// other non-ASCII characters of letters print as they read. Only Regular
// and Bold are embedded: fpdf parses, identifies and subsets every embedded
// face anew for each document, about a third of the time a letter takes,
// so italic is drawn as Regular (or Bold) slanted, as browsers do for a
// face without an italic. The Go fonts lack the check and cross marks;
// those come from ZapfDingbats, one of the 14 standard PDF fonts every
// viewer has, so nothing more is embedded.

// faceStyle is a style of the text face: a bit set of bold and italic.
type faceStyle uint8

const (
	styleBold faceStyle = 1 << iota
	styleItalic
)

// face is the index of the embedded face that draws s: 0 Regular, 1 Bold.
func (s faceStyle) face() int { return int(s & styleBold) }

// fpdfStyle is the style string fpdf uses for the face that draws s.
func (s faceStyle) fpdfStyle() string { return [...]string{"", "B"}[s.face()] }

// italicSlant is the slant of italic text, in degrees.
const italicSlant = 11

var faceTTF = [2][]byte{goregular.TTF, gobold.TTF}

// faceFamily and symbolFamily are the fpdf family names.
const (
	faceFamily   = "go"
	symbolFamily = "zapfdingbats"
)

// metrics holds advance widths, in thousandths of an em, read once from the
// fonts. The layout measures with them instead of asking fpdf, whose
// measuring needs a selected font and writes font changes into the page.
type metrics struct {
	fonts   [2]*ttf
	ascii   [2][128]float64
	symbols map[byte]float64 // ZapfDingbats widths by code

	mu   sync.Mutex
	wide map[rune]*[2]float64 // nil entry: not in both faces
}

var (
	metricsOnce sync.Once
	faceMetrics *metrics
)

func loadMetrics() *metrics {
	metricsOnce.Do(func() {
		m := &metrics{wide: map[rune]*[2]float64{}, symbols: map[byte]float64{}}
		for i, b := range faceTTF {
			f, err := parseTTF(b)
			if err != nil {
				// The fonts are compiled in; a parse failure is a broken build.
				panic("document: parse embedded Go font: " + err.Error())
			}
			m.fonts[i] = f
		}
		for i, f := range m.fonts {
			for r := rune(0x20); r < 0x7f; r++ {
				m.ascii[i][r] = f.advance(r)
			}
		}
		// ZapfDingbats is a standard font: fpdf carries its metrics, so a
		// throwaway document measures the few glyphs used.
		p := fpdf.New("P", "pt", "Letter", "")
		p.SetFont(symbolFamily, "", 1000)
		for _, c := range dingbats {
			m.symbols[c] = p.GetStringWidth(string([]byte{c}))
		}
		faceMetrics = m
	})
	return faceMetrics
}

// width returns the advance of r in style s in thousandths of an em, and
// whether both faces have a glyph for it (so a word keeps its glyphs when
// emphasis changes).
func (m *metrics) width(s faceStyle, r rune) (float64, bool) {
	if r >= 0x20 && r < 0x7f {
		return m.ascii[s.face()][r], true
	}
	if r < 0xa0 || r > 0xffff {
		// C1 controls have no glyph; fpdf's width table stops at U+FFFF.
		return 0, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.wide[r]
	if !ok {
		w = new([2]float64)
		for i, f := range m.fonts {
			if w[i] = f.advance(r); w[i] < 0 {
				w = nil
				break
			}
		}
		m.wide[r] = w
	}
	if w == nil {
		return 0, false
	}
	return w[s.face()], true
}

// dingbats maps the Unicode Dingbats the Go fonts lack to their code in
// ZapfDingbats. Unicode's Dingbats block (U+2701–U+275E) was laid out from
// ZapfDingbats (codes 0x21–0x7E) in the same order; the code points it left
// empty there are skipped.
var dingbats = func() map[rune]byte {
	holes := map[rune]bool{0x2705: true, 0x270A: true, 0x270B: true, 0x2728: true, 0x274C: true,
		0x274E: true, 0x2753: true, 0x2754: true, 0x2755: true, 0x2757: true}
	m := map[rune]byte{}
	for r := rune(0x2701); r <= 0x275E; r++ {
		if !holes[r] {
			m[r] = byte(r - 0x2701 + 0x21)
		}
	}
	return m
}()
