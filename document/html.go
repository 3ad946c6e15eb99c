package document

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"strconv"
)

//go:embed templates/document.html.tmpl templates/document.css
var templateFS embed.FS

// The template and stylesheet are parsed once: they are part of the binary,
// so a parse error is a bug found by the first test, not a runtime condition.
var (
	htmlTemplate = template.Must(template.New("").ParseFS(templateFS, "templates/document.html.tmpl"))
	styleSheet   = mustRead("templates/document.css")
	// styleHash lets the page's Content-Security-Policy allow exactly its
	// own stylesheet and nothing else: no script, no fetch, no font.
	styleHash = "sha256-" + base64.StdEncoding.EncodeToString(func() []byte { h := sha256.Sum256([]byte(styleSheet)); return h[:] }())
)

func mustRead(name string) string {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// HTML renders d as one self-contained HTML page: the stylesheet is inline
// (with a print stylesheet for paper), there is no script and nothing is
// fetched from elsewhere.
func (d *Doc) HTML() ([]byte, error) {
	return d.render(func(buf *bytes.Buffer, nums map[string]int) error {
		lang := clean(d.Lang)
		if lang == "" {
			lang = "en"
		}
		page := htmlPage{
			Lang:      lang,
			Title:     clean(d.Title),
			CSS:       template.CSS(styleSheet),
			StyleHash: styleHash,
		}
		h := htmlBuilder{nums: nums}
		for i, b := range d.Blocks {
			page.Blocks = append(page.Blocks, h.block(i, b))
		}
		if err := htmlTemplate.ExecuteTemplate(buf, "document", page); err != nil {
			return fmt.Errorf("render HTML: %w", err)
		}
		return nil
	})
}

// The view model the template reads: plain strings and runs, with citations
// already numbered and blanks already spelled out.
type (
	htmlPage struct {
		Lang, Title string
		CSS         template.CSS
		StyleHash   string
		Blocks      []htmlBlock
	}
	htmlBlock struct {
		Kind string
		V    any
	}
	htmlRun struct {
		Kind string // "", "em", "strong", "cite", "blank"
		Text string
		N    int
	}
	htmlField struct {
		Label string
		Value []htmlRun
	}
	htmlLetterhead struct {
		Name    []htmlRun
		Address [][]htmlRun
		Contact []htmlField
	}
	htmlDate struct {
		ISO  string
		Text []htmlRun
	}
	htmlSubject struct {
		Text   []htmlRun
		Fields []htmlField
	}
	htmlCell struct {
		Runs  []htmlRun
		Right bool
	}
	htmlTable struct {
		Caption string
		Header  []string
		Rows    [][]htmlCell
	}
	htmlCriterion struct {
		Class, Symbol, Word string
		Text                []htmlRun
		Section             string
		Facts               [][]htmlRun
	}
	htmlChecklist struct {
		Caption string
		Header  []string
		Items   []htmlCriterion
	}
	htmlRef struct {
		N    int
		Text []htmlRun
	}
	htmlReferences struct {
		Index int
		Title string
		Items []htmlRef
	}
	htmlSignature struct {
		Closing           string
		Name, Credentials []htmlRun
		NPI               []htmlRun
		Date              string
	}
)

type htmlBuilder struct{ nums map[string]int }

func (h htmlBuilder) runs(t Text) []htmlRun {
	out := make([]htmlRun, 0, len(t))
	for _, r := range t {
		switch r.Kind {
		case RunEmphasis:
			out = append(out, htmlRun{Kind: "em", Text: clean(r.Text)})
		case RunStrong:
			out = append(out, htmlRun{Kind: "strong", Text: clean(r.Text)})
		case RunCite:
			out = append(out, htmlRun{Kind: "cite", N: h.nums[r.Text]})
		case RunBlank:
			out = append(out, htmlRun{Kind: "blank", Text: BlankText(r.Text)})
		default:
			out = append(out, htmlRun{Text: clean(r.Text)})
		}
	}
	return out
}

func (h htmlBuilder) lines(ts []Text) [][]htmlRun {
	out := make([][]htmlRun, len(ts))
	for i, t := range ts {
		out[i] = h.runs(t)
	}
	return out
}

func (h htmlBuilder) fields(fs []Field) []htmlField {
	out := make([]htmlField, len(fs))
	for i, f := range fs {
		out[i] = htmlField{clean(f.Label), h.runs(f.Value)}
	}
	return out
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}

func (h htmlBuilder) block(i int, b Block) htmlBlock {
	switch b := b.(type) {
	case Letterhead:
		return htmlBlock{"letterhead", htmlLetterhead{h.runs(b.Name), h.lines(b.Address), h.fields(b.contactFields())}}
	case DateLine:
		v := htmlDate{Text: h.runs(dateText(b.Date))}
		if !b.Date.IsZero() {
			v.ISO = b.Date.String()
		}
		return htmlBlock{"date", v}
	case Recipient:
		return htmlBlock{"recipient", h.lines(b.Lines)}
	case Subject:
		return htmlBlock{"subject", htmlSubject{h.runs(b.Text), h.fields(b.Fields)}}
	case Heading:
		return htmlBlock{"h" + strconv.Itoa(b.Level), clean(b.Text)}
	case Paragraph:
		return htmlBlock{"paragraph", h.runs(b.Text)}
	case List:
		kind := "ul"
		if b.Ordered {
			kind = "ol"
		}
		return htmlBlock{kind, h.lines(b.Items)}
	case Table:
		t := htmlTable{Caption: clean(b.Caption), Header: cleanAll(b.Header)}
		for _, row := range b.Rows {
			cells := make([]htmlCell, len(row))
			for j, c := range row {
				cells[j] = htmlCell{h.runs(c), j < len(b.Align) && b.Align[j] == AlignRight}
			}
			t.Rows = append(t.Rows, cells)
		}
		return htmlBlock{"table", t}
	case Checklist:
		c := htmlChecklist{Caption: clean(b.Caption), Header: checklistHeader}
		for _, it := range b.Items {
			class := map[Status]string{StatusMet: "met", StatusNotMet: "not-met", StatusUnknown: "unknown"}[it.Status]
			c.Items = append(c.Items, htmlCriterion{
				Class: class, Symbol: statusSymbol(it.Status), Word: it.Status.String(),
				Text: h.runs(it.Text), Section: clean(it.Section), Facts: h.lines(it.Facts),
			})
		}
		return htmlBlock{"checklist", c}
	case References:
		r := htmlReferences{Index: i + 1, Title: b.title()}
		for _, it := range b.ordered(h.nums) {
			r.Items = append(r.Items, htmlRef{it.N, h.runs(it.Text)})
		}
		return htmlBlock{"references", r}
	case Signature:
		s := htmlSignature{Closing: b.closing(), Name: h.runs(b.Name)}
		if !empty(b.Credentials) {
			s.Credentials = h.runs(b.Credentials)
		}
		if !empty(b.NPI) {
			s.NPI = h.runs(b.NPI)
		}
		if !b.Date.IsZero() {
			s.Date = longDate(b.Date)
		}
		return htmlBlock{"signature", s}
	case FooterNote:
		return htmlBlock{"footer", h.runs(b.Text)}
	case PageBreak:
		return htmlBlock{"pagebreak", nil}
	}
	// Validate rejects every other type before rendering starts.
	return htmlBlock{}
}
