package document

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TextWidth is the width of plain-text output in columns. Columns are counted
// as runes, which is right for the Latin, Greek and Cyrillic text of letters;
// wide CJK characters would overrun it.
const TextWidth = 80

// Text renders d as plain UTF-8 text wrapped at TextWidth columns.
func (d *Doc) Text() ([]byte, error) {
	return d.render(func(buf *bytes.Buffer, nums map[string]int) error {
		t := textWriter{buf: buf, nums: nums}
		for _, b := range d.Blocks {
			t.block(b)
		}
		return nil
	})
}

type textWriter struct {
	buf     *bytes.Buffer
	nums    map[string]int
	started bool // something has been written; the next block needs a blank line before it
}

// line writes one line with trailing spaces removed and glue turned back
// into spaces.
func (t *textWriter) line(s string) {
	t.buf.WriteString(strings.ReplaceAll(strings.TrimRight(s, " "), glue, " "))
	t.buf.WriteByte('\n')
}

// gap separates blocks by one blank line.
func (t *textWriter) gap() {
	if t.started {
		t.buf.WriteByte('\n')
	}
	t.started = true
}

// para writes s wrapped at TextWidth with the given first-line and
// continuation prefixes.
func (t *textWriter) para(s, first, rest string) {
	for _, l := range wrapIndent(s, first, rest, TextWidth) {
		t.line(l)
	}
}

// glue joins the words of a blank or a status so that the line breaker keeps
// them together when they fit on a line; it is written out as a space.
const glue = "\u00a0"

// glued returns s with its spaces turned into glue.
func glued(s string) string { return strings.ReplaceAll(s, " ", glue) }

// maxGlued is the longest glued phrase a table column widens to hold whole;
// a longer one (a blank with a long label) may break at its spaces.
const maxGlued = 12

// str returns x as text, blanks glued.
func (t *textWriter) str(x Text) string {
	var b strings.Builder
	for _, r := range x {
		if r.Kind == RunBlank {
			b.WriteString(glued(BlankText(r.Text)))
		} else {
			b.WriteString(display(r, t.nums))
		}
	}
	return b.String()
}

// words splits s at spaces (after clean, every break is a space; glue and
// other Unicode spaces are not break points).
func words(s string) []string {
	var out []string
	for _, w := range strings.Split(s, " ") {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// minWidth is the narrowest a column may be to hold word w unbroken.
func minWidth(w string) int {
	n := utf8.RuneCountInString(w)
	if n <= maxGlued || !strings.Contains(w, glue) {
		return n
	}
	m := 0
	for _, part := range strings.Split(w, glue) {
		m = max(m, utf8.RuneCountInString(part))
	}
	return m
}

func (t *textWriter) block(b Block) {
	switch b := b.(type) {
	case Letterhead:
		t.gap()
		t.para(t.str(b.Name), "", "")
		for _, a := range b.Address {
			t.para(t.str(a), "", "")
		}
		var parts []string
		for _, f := range b.contactFields() {
			parts = append(parts, clean(f.Label)+": "+t.str(f.Value))
		}
		if len(parts) > 0 {
			t.para(strings.Join(parts, " · "), "", "")
		}
		t.line(strings.Repeat("=", TextWidth))
	case DateLine:
		t.gap()
		t.para(t.str(dateText(b.Date)), "", "")
	case Recipient:
		t.gap()
		for _, l := range b.Lines {
			t.para(t.str(l), "", "")
		}
	case Subject:
		t.gap()
		t.para("RE: "+t.str(b.Text), "", "    ")
		for _, f := range b.Fields {
			t.para(clean(f.Label)+": "+t.str(f.Value), "    ", "        ")
		}
	case Heading:
		t.gap()
		t.heading(clean(b.Text), b.Level)
	case Paragraph:
		t.gap()
		t.para(t.str(b.Text), "", "")
	case List:
		t.gap()
		width := len(strconv.Itoa(len(b.Items)))
		for i, it := range b.Items {
			marker := "  • "
			if b.Ordered {
				n := strconv.Itoa(i + 1)
				marker = "  " + strings.Repeat(" ", width-len(n)) + n + ". "
			}
			t.para(t.str(it), marker, strings.Repeat(" ", utf8.RuneCountInString(marker)))
		}
	case Table:
		t.gap()
		rows := make([][][]string, len(b.Rows))
		for i, row := range b.Rows {
			rows[i] = make([][]string, len(row))
			for j, c := range row {
				rows[i][j] = []string{t.str(c)}
			}
		}
		t.table(clean(b.Caption), b.Header, rows, b.Align)
	case Checklist:
		t.gap()
		rows := make([][][]string, len(b.Items))
		for i, c := range b.Items {
			crit := []string{t.str(c.Text)}
			if s := clean(c.Section); s != "" {
				crit = append(crit, "("+s+")")
			}
			var facts []string
			for _, f := range c.Facts {
				facts = append(facts, "- "+t.str(f))
			}
			rows[i] = [][]string{{glued(statusSymbol(c.Status) + " " + c.Status.String())}, crit, facts}
		}
		t.table(clean(b.Caption), checklistHeader, rows, nil)
	case References:
		t.gap()
		t.heading(b.title(), 2)
		items := b.ordered(t.nums)
		width := 0
		for _, it := range items {
			width = max(width, len(strconv.Itoa(it.N)))
		}
		for _, it := range items {
			n := strconv.Itoa(it.N)
			marker := strings.Repeat(" ", width-len(n)) + "[" + n + "] "
			t.para(t.str(it.Text), marker, strings.Repeat(" ", len(marker)))
		}
	case Signature:
		t.gap()
		t.para(b.closing(), "", "")
		t.line("")
		t.line("")
		t.line(strings.Repeat("_", 40))
		name := t.str(b.Name)
		if !empty(b.Credentials) {
			name += ", " + t.str(b.Credentials)
		}
		t.para(name, "", "")
		if !empty(b.NPI) {
			t.para("NPI: "+t.str(b.NPI), "", "")
		}
		if b.Date.IsZero() {
			t.line("Date: ____________________")
		} else {
			t.line("Date: " + longDate(b.Date))
		}
	case FooterNote:
		t.gap()
		t.line(strings.Repeat("-", TextWidth))
		t.para(t.str(b.Text), "", "")
	case PageBreak:
		// A form feed on a line of its own is the plain-text page break
		// printers and pagers understand.
		t.gap()
		t.line("\f")
		t.started = false
	}
}

// heading writes a title underlined with "=" (level 1) or "-" (level 2).
func (t *textWriter) heading(s string, level int) {
	lines := wrapIndent(s, "", "", TextWidth)
	w := 0
	for _, l := range lines {
		t.line(l)
		w = max(w, utf8.RuneCountInString(l))
	}
	switch level {
	case 1:
		t.line(strings.Repeat("=", w))
	case 2:
		t.line(strings.Repeat("-", w))
	}
}

// table writes an aligned table: cells are lists of paragraphs, wrapped to
// column widths that fit TextWidth.
func (t *textWriter) table(caption string, header []string, rows [][][]string, align []Align) {
	if caption != "" {
		t.para(caption, "", "")
	}
	n := len(header)
	const sep = " | "
	natural := make([]float64, n)
	minimum := make([]float64, n)
	measure := func(j int, s string) {
		natural[j] = max(natural[j], float64(utf8.RuneCountInString(s)))
		for _, w := range words(s) {
			minimum[j] = max(minimum[j], float64(minWidth(w)))
		}
	}
	head := make([]string, n)
	for j, h := range header {
		head[j] = clean(h)
		measure(j, head[j])
	}
	for _, row := range rows {
		for j, cell := range row {
			for _, p := range cell {
				measure(j, p)
			}
		}
	}
	avail := TextWidth - len(sep)*(n-1)
	fw := fitColumns(natural, minimum, float64(max(avail, n)))
	widths := make([]int, n)
	used := 0
	for j, w := range fw {
		widths[j] = max(1, int(math.Floor(w)))
		used += widths[j]
	}
	// Give the columns lost to rounding back, left to right, to the ones
	// that wanted more.
	for j := 0; used < avail && j < n; j++ {
		if float64(widths[j]) < natural[j] {
			widths[j]++
			used++
		}
	}
	writeRow := func(cells [][]string) {
		wrapped := make([][]string, n)
		height := 0
		for j := range n {
			for _, p := range cells[j] {
				if rest, ok := strings.CutPrefix(p, "- "); ok {
					wrapped[j] = append(wrapped[j], wrapIndent(rest, "- ", "  ", widths[j])...)
				} else {
					wrapped[j] = append(wrapped[j], wrapIndent(p, "", "", widths[j])...)
				}
			}
			height = max(height, len(wrapped[j]))
		}
		for i := range height {
			var b strings.Builder
			for j := range n {
				if j > 0 {
					b.WriteString(sep)
				}
				s := ""
				if i < len(wrapped[j]) {
					s = wrapped[j][i]
				}
				pad := strings.Repeat(" ", max(0, widths[j]-utf8.RuneCountInString(s)))
				if j < len(align) && align[j] == AlignRight {
					b.WriteString(pad + s)
				} else {
					b.WriteString(s + pad)
				}
			}
			t.line(b.String())
		}
	}
	hc := make([][]string, n)
	for j, h := range head {
		hc[j] = []string{h}
	}
	writeRow(hc)
	rule := make([]string, n)
	for j, w := range widths {
		rule[j] = strings.Repeat("-", w)
	}
	t.line(strings.Join(rule, "-+-"))
	for _, row := range rows {
		writeRow(row)
	}
}

// wrapIndent wraps s to width columns, the first line starting with first
// and the others with rest. Glued words longer than a line come apart at
// their glue; other words longer than a line are broken.
func wrapIndent(s, first, rest string, width int) []string {
	var words []string
	room := width - utf8.RuneCountInString(rest)
	for _, w := range strings.Split(s, " ") {
		switch {
		case w == "":
		case strings.Contains(w, glue) && utf8.RuneCountInString(w) > room:
			for _, part := range strings.Split(w, glue) {
				if part != "" {
					words = append(words, part)
				}
			}
		default:
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return []string{first}
	}
	var lines []string
	var cur strings.Builder
	prefix := first
	cur.WriteString(prefix)
	col := utf8.RuneCountInString(prefix)
	start := col // column where the text of this line starts
	for _, w := range words {
		wl := utf8.RuneCountInString(w)
		if col > start && col+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			prefix = rest
			cur.WriteString(prefix)
			col = utf8.RuneCountInString(prefix)
			start = col
		}
		if col > start {
			cur.WriteByte(' ')
			col++
		}
		// A word longer than the room on an empty line is cut into pieces.
		for col+wl > width && col == start && wl > 1 {
			room := max(1, width-col)
			i := byteIndexOfRune(w, room)
			cur.WriteString(w[:i])
			lines = append(lines, cur.String())
			cur.Reset()
			prefix = rest
			cur.WriteString(prefix)
			col = utf8.RuneCountInString(prefix)
			start = col
			w = w[i:]
			wl -= room
		}
		cur.WriteString(w)
		col += wl
	}
	return append(lines, cur.String())
}

// byteIndexOfRune returns the byte offset of the n-th rune of s.
func byteIndexOfRune(s string, n int) int {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}
