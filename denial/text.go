package denial

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentence is a unit of letter text the rules look at: a sentence of a
// paragraph, a heading, a "Label: value" line or a bullet.
type sentence struct {
	text  string // whitespace collapsed
	line  int    // 1-based line where it starts
	lower string // text in lower case, for the rules' keyword filters
}

// normalizeText turns what PDF extraction and word processors produce into
// plain text: one kind of line break, straight quotes and dashes, no
// ligatures, no non-breaking spaces.
func normalizeText(s string) string {
	r := strings.NewReplacer(
		"\r\n", "\n", "\r", "\n", "\f", "\n\n",
		"\u00a0", " ", "\u2009", " ", "\u202f", " ",
		"\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`,
		"\u2013", "-", "\u2014", " - ", "\u2010", "-", "\u2011", "-",
		"\ufb01", "fi", "\ufb02", "fl", "\ufb00", "ff", "\ufb03", "ffi",
		"\u2022", "*", "\u25cf", "*", "\u25aa", "*", "\u00b7", "*",
	)
	return r.Replace(s)
}

// splitSentences cuts text into sentences with the line each starts on.
// Paragraphs are runs of non-blank lines; a line that is a label ("Member
// ID: ..."), a bullet, a heading (short, no final period) or a table row
// stands alone.
func splitSentences(text string) []sentence {
	lines := strings.Split(text, "\n")
	var out []sentence
	var para strings.Builder
	var starts []lineStart
	flush := func() {
		if para.Len() > 0 {
			out = append(out, splitParagraph(para.String(), starts)...)
			para.Reset()
			starts = starts[:0]
		}
	}
	for i, raw := range lines {
		l := strings.TrimSpace(raw)
		switch {
		case l == "":
			flush()
		case standsAlone(l, raw):
			flush()
			out = append(out, splitParagraph(l, []lineStart{{0, i + 1}})...)
		default:
			if para.Len() > 0 {
				para.WriteByte(' ')
			}
			starts = append(starts, lineStart{para.Len(), i + 1})
			para.WriteString(l)
		}
	}
	flush()
	return out
}

// standsAlone reports whether a line is not part of running prose.
func standsAlone(l, raw string) bool {
	if strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "o ") {
		return true
	}
	if strings.Contains(raw, "   ") || strings.Contains(raw, "\t") || strings.Contains(l, " | ") {
		return true // columns from a table or a PDF layout
	}
	if i := strings.Index(l, ":"); i > 0 && i < 40 && !strings.ContainsAny(l[:i], ".,;") {
		return true // Label: value
	}
	last := l[len(l)-1]
	if len(l) < 70 && last != '.' && last != ',' && last != ';' && !strings.HasSuffix(l, " and") && !strings.HasSuffix(l, " or") {
		return true // heading
	}
	return false
}

// abbreviations that end in a period without ending a sentence.
var abbreviations = map[string]bool{
	"dr": true, "mr": true, "mrs": true, "ms": true, "no": true, "nos": true, "inc": true, "ltd": true, "co": true,
	"st": true, "ave": true, "e.g": true, "i.e": true, "etc": true, "vs": true, "sec": true, "ch": true, "p": true,
	"pp": true, "u.s": true, "c.f.r": true, "cfr": true, "jan": true, "feb": true, "mar": true, "apr": true,
	"jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"approx": true, "dept": true, "fed": true, "reg": true, "par": true, "art": true, "md": true, "ph.d": true,
}

// lineStart maps a byte offset of a joined paragraph to its source line.
type lineStart struct{ off, line int }

func lineAt(starts []lineStart, off int) int {
	line := starts[0].line
	for _, s := range starts {
		if s.off > off {
			break
		}
		line = s.line
	}
	return line
}

// splitParagraph cuts prose at ., ? or ! followed by a space and a capital,
// a digit or a quote, unless the word before is an abbreviation or an
// initial.
func splitParagraph(p string, starts []lineStart) []sentence {
	var out []sentence
	emit := func(from, to int) {
		if s := strings.Join(strings.Fields(p[from:to]), " "); s != "" {
			for from < to && p[from] == ' ' {
				from++
			}
			for len(s) > maxSentence { // not prose: cut it so that no rule runs on megabytes
				cut := strings.LastIndexByte(s[:maxSentence], ' ')
				if cut <= 0 {
					// No space: cut at a rune boundary, at most three bytes back
					// (a rune is at most four bytes; invalid bytes have no
					// boundary, and the cut must still move forward).
					cut = maxSentence
					for cut > maxSentence-3 && !utf8.RuneStart(s[cut]) {
						cut--
					}
				}
				out = append(out, newSentence(s[:cut], lineAt(starts, from)))
				s = strings.TrimLeft(s[cut:], " ")
			}
			out = append(out, newSentence(s, lineAt(starts, from)))
		}
	}
	start := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '.' && c != '?' && c != '!' {
			continue
		}
		if i+2 >= len(p) || p[i+1] != ' ' {
			continue
		}
		next := rune(p[i+2])
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && next != '"' && next != '(' {
			continue
		}
		if c == '.' {
			w := lastWord(p[start:i])
			if abbreviations[strings.ToLower(w)] || (len(w) == 1 && unicode.IsUpper(rune(w[0]))) {
				continue
			}
		}
		emit(start, i+1)
		start = i + 2
	}
	emit(start, len(p))
	return out
}

func lastWord(s string) string {
	i := strings.LastIndexAny(s, " (\"")
	return s[i+1:]
}

// maxSentence bounds the text one sentence gives the rules: real sentences
// are far shorter; text without punctuation is cut.
const maxSentence = 1000

func newSentence(s string, line int) sentence {
	return sentence{text: s, line: line, lower: strings.ToLower(s)}
}
