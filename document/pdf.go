package document

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres: US Letter, the paper US payers and fax
// machines expect, with one-inch-ish margins.
const (
	pageW        = 215.9
	pageH        = 279.4
	marginX      = 22.0
	marginTop    = 20.0
	marginBottom = 22.0 // the body stops here; the page footer sits below
	footerBase   = pageH - 11
	bodyW        = pageW - 2*marginX
	bodyBottom   = pageH - marginBottom

	sizeBody  = 10.5 // points
	sizeSmall = 8.5
	sizeName  = 15
	lineRatio = 1.4 // line height as a multiple of the font size
	blockGap  = 3.2 // space after a block
	cellPadX  = 1.6
	cellPadY  = 1.0
)

type rgb [3]int

var (
	colorText   = rgb{17, 17, 17}
	colorAccent = rgb{31, 58, 95}
	colorMuted  = rgb{80, 80, 80}
	colorRule   = rgb{150, 150, 150}
	colorHead   = rgb{232, 237, 243}
	colorBlank  = rgb{255, 236, 150}
	colorMet    = rgb{20, 83, 45}
	colorNotMet = rgb{139, 26, 26}
	colorUnk    = rgb{107, 78, 0}
)

// PDF renders d as a PDF on US Letter paper: Go Regular and Go Bold embedded
// (subset; italic is Regular slanted),
// "Page N of M" and d.Running at the foot of every page, tables that repeat
// their header row on each page they span. The output is deterministic: the
// creation date is the letter's date (or 2000-01-01 when it has none) and the
// file holds no random IDs, so the same Doc gives the same bytes.
func (d *Doc) PDF() ([]byte, error) {
	return d.render(func(buf *bytes.Buffer, nums map[string]int) error {
		p := newPDFWriter(d, nums)
		for _, b := range d.Blocks {
			p.block(b)
		}
		p.footers(clean(d.Running))
		if err := p.f.Output(buf); err != nil {
			return fmt.Errorf("render PDF: %w", err)
		}
		return nil
	})
}

type pdfWriter struct {
	f     *fpdf.Fpdf
	m     *metrics
	nums  map[string]int
	y     float64 // top of the next line on the current page
	added [2]bool // faces embedded so far
	color rgb     // the text colour set last
}

func newPDFWriter(d *Doc, nums map[string]int) *pdfWriter {
	f := fpdf.New("P", "mm", "Letter", "")
	created := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, b := range d.Blocks {
		if b, ok := b.(DateLine); ok && !b.Date.IsZero() {
			created = b.Date.Time()
			break
		}
	}
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetCatalogSort(true)
	// Page streams stay uncompressed: fpdf allocates a fresh zlib
	// compressor (about 1 MB) per stream, which costs a letter more time
	// than the 7 KB or so each page would save. Fonts are still compressed.
	f.SetCompression(false)
	f.SetCreator("ketacover", false)
	f.SetTitle(clean(d.Title), true)
	f.SetAuthor(clean(d.Author), true)
	lang := clean(d.Lang)
	if lang == "" {
		lang = "en"
	}
	f.SetLang(lang)
	f.SetAutoPageBreak(false, marginBottom)
	f.SetMargins(marginX, marginTop, marginX)
	p := &pdfWriter{f: f, m: loadMetrics(), nums: nums, color: rgb{-1, -1, -1}}
	p.newPage()
	return p
}

func lineHeight(size float64) float64 { return size * ptToMM * lineRatio }

func (p *pdfWriter) newPage() {
	p.f.AddPage()
	p.y = marginTop
}

// ensure starts a new page unless h millimetres fit below the current line.
func (p *pdfWriter) ensure(h float64) {
	if p.y+h > bodyBottom && p.y > marginTop {
		p.newPage()
	}
}

func (p *pdfWriter) setColor(c rgb) {
	if c != p.color {
		p.f.SetTextColor(c[0], c[1], c[2])
		p.color = c
	}
}

func (p *pdfWriter) setFont(pc piece) {
	if pc.symbol {
		p.f.SetFont(symbolFamily, "", pc.size)
		return
	}
	if i := pc.style.face(); !p.added[i] {
		p.f.AddUTF8FontFromBytes(faceFamily, pc.style.fpdfStyle(), faceTTF[i])
		p.added[i] = true
	}
	p.f.SetFont(faceFamily, pc.style.fpdfStyle(), pc.size)
}

// words lays out t at size points in style base.
func (p *pdfWriter) words(t Text, size float64, base faceStyle) []word {
	in := newInline(p.m, size, base)
	in.text(t, p.nums)
	return in.done()
}

// wordsOf lays out a plain string.
func (p *pdfWriter) wordsOf(s string, size float64, base faceStyle) []word {
	return p.words(PlainText(s), size, base)
}

// drawLine draws one line of words with its top at y. Neighbouring pieces
// that share font, style and highlight are drawn as one string, spaces
// included: the viewer advances by the same glyph widths the layout
// measured, and one text operator per stretch keeps pages small and fast.
func (p *pdfWriter) drawLine(l []word, x, y, size float64, color rgb) {
	lh := lineHeight(size)
	sizeMM := size * ptToMM
	base := y + lh/2 + 0.35*sizeMM
	space := p.m.spaceWidth(size)
	hlY, hlH := y+(lh-1.3*sizeMM)/2, 1.3*sizeMM

	var (
		seg    []byte
		cur    piece // attributes of seg
		segX   float64
		segW   float64
		cx     = x
		active bool
	)
	flush := func() {
		if !active {
			return
		}
		if cur.blank {
			p.f.SetFillColor(colorBlank[0], colorBlank[1], colorBlank[2])
			p.f.Rect(segX, hlY, segW, hlH, "F")
			p.setColor(colorText)
		} else {
			p.setColor(color)
		}
		p.setFont(cur)
		if cur.style&styleItalic != 0 && !cur.symbol {
			p.f.TransformBegin()
			p.f.TransformSkewX(italicSlant, segX, base)
			p.f.Text(segX, base, string(seg))
			p.f.TransformEnd()
		} else {
			p.f.Text(segX, base, string(seg))
		}
		seg, active = seg[:0], false
	}
	same := func(a, b piece) bool {
		return a.style == b.style && a.symbol == b.symbol && a.blank == b.blank && a.size == b.size
	}
	for i, w := range l {
		if i > 0 && w.space {
			// A space joins the stretch only between two pieces of the
			// face (ZapfDingbats has no ordinary space to match).
			if active && !cur.symbol && same(cur, w.pieces[0]) {
				seg = append(seg, ' ')
				segW += space
			} else {
				flush()
			}
			cx += space
		}
		for _, pc := range w.pieces {
			if active && !same(cur, pc) {
				flush()
			}
			if !active {
				cur, segX, segW, active = pc, cx, 0, true
			}
			seg = append(seg, pc.text...)
			segW += pc.w
			cx += pc.w
		}
	}
	flush()
}

// flow wraps words into width and draws them line by line from the current
// position, breaking pages between lines.
func (p *pdfWriter) flow(words []word, x, width, size float64, color rgb) {
	lh := lineHeight(size)
	for _, l := range p.m.wrapWords(words, width, p.m.spaceWidth(size)) {
		p.ensure(lh)
		p.drawLine(l, x, p.y, size, color)
		p.y += lh
	}
}

// hanging draws a marker ("•", "2.", "[3]") at x and the words indented
// beside it, the marker on the first line.
func (p *pdfWriter) hanging(marker string, words []word, x, indent, size float64, color rgb) {
	lh := lineHeight(size)
	lines := p.m.wrapWords(words, bodyW-(x-marginX)-indent, p.m.spaceWidth(size))
	if len(lines) == 0 {
		lines = [][]word{nil}
	}
	for i, l := range lines {
		p.ensure(lh)
		if i == 0 {
			p.drawLine(p.wordsOf(marker, size, 0), x, p.y, size, color)
		}
		p.drawLine(l, x+indent, p.y, size, color)
		p.y += lh
	}
}

func (p *pdfWriter) block(b Block) {
	switch b := b.(type) {
	case Letterhead:
		p.flow(p.words(b.Name, sizeName, styleBold), marginX, bodyW, sizeName, colorAccent)
		for _, a := range b.Address {
			p.flow(p.words(a, 9, 0), marginX, bodyW, 9, colorMuted)
		}
		var contact Text
		for i, f := range b.contactFields() {
			if i > 0 {
				contact = append(contact, Plain("  ·  "))
			}
			contact = append(contact, Plain(clean(f.Label)+": "))
			contact = append(contact, f.Value...)
		}
		if len(contact) > 0 {
			p.flow(p.words(contact, 9, 0), marginX, bodyW, 9, colorMuted)
		}
		p.y += 1.5
		p.f.SetDrawColor(colorAccent[0], colorAccent[1], colorAccent[2])
		p.f.SetLineWidth(0.6)
		p.f.Line(marginX, p.y, pageW-marginX, p.y)
		p.y += 4
	case DateLine:
		p.flow(p.words(dateText(b.Date), sizeBody, 0), marginX, bodyW, sizeBody, colorText)
	case Recipient:
		for _, l := range b.Lines {
			p.flow(p.words(l, sizeBody, 0), marginX, bodyW, sizeBody, colorText)
		}
	case Subject:
		t := append(Text{Plain("RE: ")}, b.Text...)
		p.hangingText(t, styleBold, 9)
		for _, f := range b.Fields {
			t := append(Text{Strong(clean(f.Label) + ":"), Plain(" ")}, f.Value...)
			ws := p.words(t, sizeBody, 0)
			p.flow(ws, marginX+9, bodyW-9, sizeBody, colorText)
		}
	case Heading:
		size := [...]float64{0, 13, 11.5, sizeBody}[b.Level]
		ws := p.wordsOf(clean(b.Text), size, styleBold)
		lines := p.m.wrapWords(ws, bodyW, p.m.spaceWidth(size))
		// Keep a heading with the first lines of what follows it.
		p.y += 1.5
		p.ensure(float64(len(lines))*lineHeight(size) + 2*lineHeight(sizeBody))
		p.flow(ws, marginX, bodyW, size, colorAccent)
		p.y -= blockGap / 2
	case Paragraph:
		p.flow(p.words(b.Text, sizeBody, 0), marginX, bodyW, sizeBody, colorText)
	case List:
		for i, it := range b.Items {
			marker := "•"
			if b.Ordered {
				marker = strconv.Itoa(i+1) + "."
			}
			p.hanging(marker, p.words(it, sizeBody, 0), marginX+2, 7, sizeBody, colorText)
		}
	case Table:
		p.table(clean(b.Caption), b.Header, p.tableRows(b), b.Align)
	case Checklist:
		p.table(clean(b.Caption), checklistHeader, p.checklistRows(b), nil)
	case References:
		p.block(Heading{Level: 2, Text: b.title()})
		for _, it := range b.ordered(p.nums) {
			p.hanging("["+strconv.Itoa(it.N)+"]", p.words(it.Text, 9.5, 0), marginX, 9, 9.5, colorText)
		}
	case Signature:
		p.signature(b)
	case FooterNote:
		lh := lineHeight(sizeSmall)
		p.ensure(2*lh + 3)
		p.y += 2
		p.f.SetDrawColor(colorRule[0], colorRule[1], colorRule[2])
		p.f.SetLineWidth(0.2)
		p.f.Line(marginX, p.y, pageW-marginX, p.y)
		p.y += 1.5
		p.flow(p.words(b.Text, sizeSmall, styleItalic), marginX, bodyW, sizeSmall, colorMuted)
	case PageBreak:
		if p.y > marginTop {
			p.newPage()
		}
		return
	}
	p.y += blockGap
}

// hangingText draws t with continuation lines indented by indent.
func (p *pdfWriter) hangingText(t Text, base faceStyle, indent float64) {
	ws := p.words(t, sizeBody, base)
	lh := lineHeight(sizeBody)
	space := p.m.spaceWidth(sizeBody)
	first := p.m.wrapWords(ws, bodyW, space)
	if len(first) == 0 {
		return
	}
	p.ensure(lh)
	p.drawLine(first[0], marginX, p.y, sizeBody, colorText)
	p.y += lh
	// The other lines were wrapped to the full width; their words (including
	// the tail of a word the first line cut) are wrapped again, indented.
	var rest []word
	for _, l := range first[1:] {
		rest = append(rest, l...)
	}
	if len(rest) > 0 {
		rest[0].space = false
		p.flow(rest, marginX+indent, bodyW-indent, sizeBody, colorText)
	}
}

func (p *pdfWriter) signature(s Signature) {
	lh := lineHeight(sizeBody)
	name := s.Name
	if !empty(s.Credentials) {
		name = append(append(append(Text{}, name...), Plain(", ")), s.Credentials...)
	}
	nameWords := p.words(name, sizeBody, 0)
	nameLines := len(p.m.wrapWords(nameWords, bodyW, p.m.spaceWidth(sizeBody)))
	rows := 1 + nameLines + 1
	if !empty(s.NPI) {
		rows++
	}
	// The signature block is never split across pages.
	p.ensure(float64(rows)*lh + 14)
	p.flow(p.wordsOf(s.closing(), sizeBody, 0), marginX, bodyW, sizeBody, colorText)
	p.y += 13
	p.f.SetDrawColor(colorText[0], colorText[1], colorText[2])
	p.f.SetLineWidth(0.3)
	p.f.Line(marginX, p.y, marginX+75, p.y)
	p.y += 1
	p.flow(nameWords, marginX, bodyW, sizeBody, colorText)
	if !empty(s.NPI) {
		p.flow(p.words(append(Text{Plain("NPI: ")}, s.NPI...), sizeBody, 0), marginX, bodyW, sizeBody, colorText)
	}
	date := "Date: ____________________"
	if !s.Date.IsZero() {
		date = "Date: " + longDate(s.Date)
	}
	p.flow(p.wordsOf(date, sizeBody, 0), marginX, bodyW, sizeBody, colorText)
}

// footers writes the running line and "Page N of M" on every page, once the
// number of pages is known.
func (p *pdfWriter) footers(running string) {
	n := p.f.PageCount()
	space := p.m.spaceWidth(sizeSmall)
	// The running line is laid out once; only what fits on one footer line
	// is kept, so a runaway value costs nothing per page.
	if r := []rune(running); len(r) > 300 {
		running = string(r[:300])
	}
	var first []word
	if lines := p.m.wrapWords(p.wordsOf(running, sizeSmall, 0), bodyW*0.7, space); len(lines) > 0 {
		first = lines[0]
	}
	y := footerBase - lineHeight(sizeSmall)/2
	for i := 1; i <= n; i++ {
		p.f.SetPage(i)
		label := p.wordsOf(fmt.Sprintf("Page %d of %d", i, n), sizeSmall, 0)
		if first != nil {
			p.drawLine(first, marginX, y, sizeSmall, colorMuted)
		}
		p.drawLine(label, pageW-marginX-lineWidth(label, space), y, sizeSmall, colorMuted)
	}
	p.f.SetPage(n)
}
