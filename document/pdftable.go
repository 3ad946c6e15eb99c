package document

// PDF tables: widths fitted to the page, rows that grow with their text, the
// header row repeated on every page, and rows taller than what is left of a
// page split between lines rather than overflowing the footer.

const sizeTable = 9.5

// pcell is a table cell: paragraphs of words in one colour.
type pcell struct {
	paras  [][]word
	color  rgb
	nowrap bool // the column must be wide enough for the cell on one line
}

func (p *pdfWriter) tableRows(t Table) [][]pcell {
	rows := make([][]pcell, len(t.Rows))
	for i, row := range t.Rows {
		rows[i] = make([]pcell, len(row))
		for j, c := range row {
			rows[i][j] = pcell{paras: [][]word{p.words(c, sizeTable, 0)}, color: colorText}
		}
	}
	return rows
}

func (p *pdfWriter) checklistRows(c Checklist) [][]pcell {
	rows := make([][]pcell, len(c.Items))
	for i, it := range c.Items {
		color := map[Status]rgb{StatusMet: colorMet, StatusNotMet: colorNotMet, StatusUnknown: colorUnk}[it.Status]
		status := pcell{paras: [][]word{p.wordsOf(statusSymbol(it.Status)+" "+it.Status.String(), sizeTable, styleBold)}, color: color, nowrap: true}
		crit := pcell{paras: [][]word{p.words(it.Text, sizeTable, 0)}, color: colorText}
		if s := clean(it.Section); s != "" {
			crit.paras = append(crit.paras, p.wordsOf("("+s+")", sizeTable, styleItalic))
		}
		facts := pcell{color: colorText}
		for _, f := range it.Facts {
			facts.paras = append(facts.paras, p.words(append(Text{Plain("• ")}, f...), sizeTable, 0))
		}
		rows[i] = []pcell{status, crit, facts}
	}
	return rows
}

// table draws a table with header the column titles.
func (p *pdfWriter) table(caption string, header []string, rows [][]pcell, align []Align) {
	n := len(header)
	space := p.m.spaceWidth(sizeTable)
	lh := lineHeight(sizeTable)
	head := make([]pcell, n)
	for j, h := range header {
		head[j] = pcell{paras: [][]word{p.wordsOf(clean(h), sizeTable, styleBold)}, color: colorText}
	}

	// Column widths from the longest line and the longest word of each.
	nat := make([]float64, n)
	least := make([]float64, n)
	measure := func(j int, c pcell) {
		for _, para := range c.paras {
			l, w := natural(para, space)
			nat[j] = max(nat[j], l+2*cellPadX)
			if c.nowrap {
				w = l
			}
			least[j] = max(least[j], w+2*cellPadX)
		}
	}
	for j, c := range head {
		measure(j, c)
	}
	for _, row := range rows {
		for j, c := range row {
			measure(j, c)
		}
	}
	widths := fitColumns(nat, least, bodyW)
	if sum(widths) < bodyW {
		// A table narrower than the text looks unfinished: spread the rest.
		extra := (bodyW - sum(widths)) / float64(n)
		for j := range widths {
			widths[j] += extra
		}
	}

	wrapCell := func(j int, c pcell) [][]word {
		var lines [][]word
		for _, para := range c.paras {
			lines = append(lines, p.m.wrapWords(para, max(widths[j]-2*cellPadX, 1), space)...)
		}
		return lines
	}
	headLines := make([][][]word, n)
	headRows := 1
	for j, c := range head {
		headLines[j] = wrapCell(j, c)
		headRows = max(headRows, len(headLines[j]))
	}
	headH := float64(headRows)*lh + 2*cellPadY

	// drawRow draws lines [from, from+count) of each cell as one band.
	drawRow := func(cells []pcell, lines [][][]word, from, count int, fill bool) {
		h := float64(count)*lh + 2*cellPadY
		p.f.SetDrawColor(colorRule[0], colorRule[1], colorRule[2])
		p.f.SetLineWidth(0.2)
		p.f.SetFillColor(colorHead[0], colorHead[1], colorHead[2])
		x := marginX
		style := "D"
		if fill {
			style = "FD"
		}
		for j := range n {
			p.f.Rect(x, p.y, widths[j], h, style)
			x += widths[j]
		}
		x = marginX
		for j := range n {
			for k := from; k < from+count && k < len(lines[j]); k++ {
				l := lines[j][k]
				lx := x + cellPadX
				if j < len(align) && align[j] == AlignRight {
					lx = x + widths[j] - cellPadX - lineWidth(l, space)
				}
				p.drawLine(l, lx, p.y+cellPadY+float64(k-from)*lh, sizeTable, cells[j].color)
			}
			x += widths[j]
		}
		p.y += h
	}
	drawHead := func() { drawRow(head, headLines, 0, headRows, true) }

	// Caption, header and the first line of the first row stay together.
	capWords := p.wordsOf(caption, sizeBody, styleBold)
	capLines := p.m.wrapWords(capWords, bodyW, p.m.spaceWidth(sizeBody))
	p.ensure(float64(len(capLines))*lineHeight(sizeBody) + 1 + headH + lh + 2*cellPadY)
	if len(capLines) > 0 {
		p.flow(capWords, marginX, bodyW, sizeBody, colorText)
		p.y += 1
	}
	drawHead()
	fresh := true // only the header is on this page so far
	for _, row := range rows {
		lines := make([][][]word, n)
		total := 1
		for j, c := range row {
			lines[j] = wrapCell(j, c)
			total = max(total, len(lines[j]))
		}
		for from := 0; from < total; {
			left := total - from
			room := int((bodyBottom - p.y - 2*cellPadY) / lh)
			switch {
			case left <= room:
				drawRow(row, lines, from, left, false)
				from = total
				fresh = false
			case !fresh && float64(left)*lh+2*cellPadY <= bodyBottom-marginTop-headH:
				// The row fits on a page of its own: move it whole.
				p.newPage()
				drawHead()
				fresh = true
			case room >= 1:
				// Taller than a page, or starting on a page that has only
				// the header: split it between lines.
				drawRow(row, lines, from, room, false)
				from += room
				p.newPage()
				drawHead()
				fresh = true
			case fresh:
				// A header taller than a page leaves no room at all: draw
				// a line anyway so that the layout always advances.
				drawRow(row, lines, from, 1, false)
				from++
			default:
				p.newPage()
				drawHead()
				fresh = true
			}
		}
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
