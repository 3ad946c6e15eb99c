package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// The self-check's answer page is written here directly, not through
// html/template. A template action costs a reflective function call for
// its escaper and more for each field it reaches; the answer page has a
// couple of hundred of them, and they were close to half of a self-check's
// CPU time, which kept the POST at 200 connections far from its p99 target
// (issue 7, docs/benchmarks/web.md). The writer escapes exactly as
// html/template does in each context, and TestResultBodyMatchesTemplate
// compares its output byte for byte with testdata/result-reference.html,
// the same body as a template, for real answers and for hostile text in
// every field. Change both together.

// resultBody is what the result template reads: the page's body,
// already escaped.
type resultBody struct {
	Body template.HTML
}

// writeBody writes the body of the answer page (the layout's "content")
// to b; feat is what the layout knows of the hooks.
func (p *resultPage) writeBody(b *bytes.Buffer, feat features) {
	b.WriteString("\n\n<section class=\"verdict ")
	escText(b, p.Class)
	b.WriteString("\" aria-labelledby=\"verdict-h\">\n  <p class=\"eyebrow\">")
	escText(b, p.TherapyName)
	b.WriteString(" · ")
	escText(b, p.Payer)
	b.WriteString(" · ")
	escText(b, p.PlanLabel)
	b.WriteString(" · date of service ")
	escText(b, p.AsOf.String())
	b.WriteString("</p>\n  <h1 id=\"verdict-h\">")
	escText(b, p.Headline)
	b.WriteString("</h1>\n  <p class=\"meaning\">")
	escText(b, p.Meaning)
	b.WriteString("</p>\n  <p class=\"fact\">")
	escText(b, p.TherapyFact)
	b.WriteString("</p>\n</section>\n\n<form id=\"answers\" method=\"post\" action=\"/check\" class=\"actions\">\n  ")
	p.Form.writeHidden(b)
	b.WriteString(`
  <button type="submit" name="action" value="edit" class="button">Change my answers</button>
  <button type="button" class="button" data-print hidden>Print this page</button>
</form>

`)
	if len(p.NotMet) > 0 {
		b.WriteString("\n<section class=\"blocking\" aria-labelledby=\"block-h\">\n  <h2 id=\"block-h\">What stands in the way</h2>\n  <ul>")
		for _, r := range p.NotMet {
			b.WriteString("<li><strong>")
			escText(b, r.Text)
			b.WriteString("</strong>")
			if r.Section != "" {
				b.WriteString(" <span class=\"section\">[")
				escText(b, r.Section)
				b.WriteString("]</span>")
			}
			if r.Reason != "" {
				b.WriteString("<span class=\"reason\">")
				escText(b, r.Reason)
				b.WriteString("</span>")
			}
			b.WriteString("</li>")
		}
		b.WriteString("</ul>\n  <p>Ask your prescriber whether any of these can change, or whether to ask the plan for an exception.</p>\n</section>\n")
	}
	b.WriteString("\n\n<section class=\"ask\" aria-labelledby=\"ask-h\">\n  <h2 id=\"ask-h\">What to ask your doctor to document</h2>\n  ")
	if len(p.Ask) > 0 {
		b.WriteString("\n  <p>These answers would decide the criteria that are not known yet:</p>\n  <ol class=\"questions\">")
		escItems(b, p.Ask)
		b.WriteString("</ol>\n  ")
	} else {
		b.WriteString("\n  <p>No open questions: every criterion could be judged from your answers.</p>\n  ")
	}
	b.WriteString("\n  ")
	if len(p.Evidence) > 0 {
		b.WriteString("\n  <h3>Records a reviewer will expect</h3>\n  <p>Ask your prescriber to send these with the request:</p>\n  <ul class=\"evidence-list\">")
		escItems(b, p.Evidence)
		b.WriteString("</ul>\n  ")
	}
	b.WriteString("\n</section>\n\n")
	for i := range p.Policies {
		p.Policies[i].write(b)
	}
	p.writeHooks(b, feat)
}

// write writes one policy's section: its header, the criteria with
// their results and the policy's lists and sources.
func (pr *policyResult) write(b *bytes.Buffer) {
	pol := &pr.Policy
	b.WriteString("\n<section class=\"policy-result\" aria-labelledby=\"pol-")
	escText(b, pol.ID)
	b.WriteString("\">\n  <header>\n    <h2 id=\"pol-")
	escText(b, pol.ID)
	b.WriteString("\"><span class=\"pill ")
	escText(b, pr.Class)
	b.WriteString("\">")
	escText(b, pr.Headline)
	b.WriteString("</span>\n      ")
	if pol.Reference {
		b.WriteString("Reference profile: ")
		escText(b, pol.Title)
	} else {
		escText(b, pol.Payer)
		b.WriteString(": ")
		escText(b, pol.Title)
	}
	b.WriteString("</h2>\n    <p class=\"verdict-text\">")
	escText(b, pr.Verdict)
	b.WriteString("</p>\n    ")
	if pol.ID != "" {
		b.WriteString("\n    <dl class=\"meta\">\n      ")
		if pol.Number != "" {
			b.WriteString("<div><dt>Policy number</dt><dd>")
			escText(b, pol.Number)
			b.WriteString("</dd></div>")
		}
		b.WriteString("\n      <div><dt>Revised</dt><dd>")
		escText(b, pol.Revised)
		b.WriteString(" <span class=\"muted\">(")
		escText(b, pol.RevisedBasis)
		b.WriteString(")</span></dd></div>\n      ")
		if !pol.Reference {
			b.WriteString("<div><dt>Prior authorization</dt><dd>")
			escText(b, priorAuthWords(pol.PriorAuth))
			b.WriteString("</dd></div>")
		}
		b.WriteString("\n      <div><dt>Position</dt><dd>")
		escText(b, stanceWords(pol.Stance))
		if pol.StanceText != "" {
			b.WriteString(" — “")
			escText(b, pol.StanceText)
			b.WriteString("”")
		}
		b.WriteString("</dd></div>\n    </dl>\n    ")
		if pol.Secondary {
			b.WriteString("<p class=\"warn\">We only saw a third-party summary of this policy. Please confirm its criteria with the payer.</p>")
		}
		b.WriteString("\n    ")
		if pol.Reference {
			b.WriteString("<p class=\"warn\">This is not any payer's policy: it is the FDA label plus the criteria most payers in our library share.</p>")
		}
		b.WriteString("\n    <p>See <a href=\"/policies/")
		escURL(b, pol.ID)
		b.WriteString("\">the whole policy with every version</a>.</p>\n    ")
	}
	b.WriteString("\n  </header>\n\n  ")
	if len(pr.Criteria) > 0 {
		b.WriteString("\n  <h3>Criterion by criterion</h3>\n  <ol class=\"results plain\">\n  ")
		for i := range pr.Criteria {
			c := &pr.Criteria[i]
			b.WriteString("\n    <li class=\"d")
			b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(c.Depth), 10))
			b.WriteByte(' ')
			escText(b, c.Class)
			if c.Group {
				b.WriteString(" group")
			}
			b.WriteString("\">\n      <span class=\"mark\" aria-hidden=\"true\">")
			escText(b, c.Mark)
			b.WriteString("</span>\n      <span class=\"word\">")
			escText(b, c.Word)
			b.WriteString(":</span>\n      <span class=\"ctext\">")
			escText(b, c.Text)
			b.WriteString("</span>")
			if c.Section != "" {
				b.WriteString(" <span class=\"section\">[")
				escText(b, c.Section)
				b.WriteString("]</span>")
			}
			b.WriteString("\n      ")
			if c.Reason != "" {
				b.WriteString("<span class=\"reason\">")
				escText(b, c.Reason)
				b.WriteString("</span>")
			}
			b.WriteString("\n    </li>\n  ")
		}
		b.WriteString("\n  </ol>\n  ")
	}
	b.WriteString("\n\n  ")
	escList(b, "Limits", pr.Limits)
	b.WriteString("\n  ")
	escList(b, "Alternatives", pr.Alternatives)
	b.WriteString("\n  ")
	escList(b, "Notes", pr.Notes)
	b.WriteString("\n  ")
	if len(pr.Missing) > 0 {
		b.WriteString("\n  <details><summary>Facts the policy asks about that you did not give (")
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(len(pr.Missing)), 10))
		b.WriteString(")</summary>\n    <ul class=\"mono\">")
		escItems(b, pr.Missing)
		b.WriteString("</ul></details>\n  ")
	}
	b.WriteString("\n  ")
	if len(pol.Sources) > 0 {
		// The "sources" partial of partials.html.
		b.WriteString("\n  <h3>Sources</h3>\n  \n<ul class=\"sources\">\n")
		for _, s := range pol.Sources {
			b.WriteString("\n  <li><a href=\"")
			escURL(b, filterURL(s.URL))
			b.WriteString("\" rel=\"noreferrer noopener\">")
			if s.Title != "" {
				escText(b, s.Title)
			} else {
				escText(b, s.URL)
			}
			b.WriteString("</a>\n    <span class=\"badge ")
			escText(b, s.Provenance)
			b.WriteString("\">")
			escText(b, provenanceWords(s.Provenance))
			b.WriteString("</span></li>\n")
		}
		b.WriteString("\n</ul>\n\n  ")
	}
	b.WriteString("\n</section>\n")
}

// writeHooks writes the sections that come from other packages: the
// estimate, the deadlines and the documents.
func (p *resultPage) writeHooks(b *bytes.Buffer, feat features) {
	b.WriteString("\n\n<section class=\"hook\" aria-labelledby=\"cost-h\">\n  <h2 id=\"cost-h\">Cost and ways to pay</h2>\n  ")
	switch e := p.Estimate; {
	case !feat.Estimate:
		b.WriteString("\n  <p class=\"off\">Cost estimates are not switched on in this server yet.</p>\n  ")
	case p.EstimateErr != "":
		b.WriteString("\n  <p class=\"warn\">")
		escText(b, p.EstimateErr)
		b.WriteString("</p>\n  ")
	case e != nil:
		b.WriteString("\n  <p>")
		escText(b, e.Summary)
		b.WriteString("</p>\n  ")
		if len(e.Lines) > 0 {
			b.WriteString("<table class=\"money\"><caption class=\"visually-hidden\">Estimate</caption><tbody>")
			for _, l := range e.Lines {
				b.WriteString("<tr><th scope=\"row\">")
				escText(b, l.Label)
				b.WriteString("</th><td>")
				escText(b, l.Amount)
				b.WriteString("</td></tr>")
			}
			b.WriteString("</tbody></table>")
		}
		b.WriteString("\n  ")
		if len(e.PaymentOptions) > 0 {
			b.WriteString("<h3>Ways to pay</h3><ul>")
			for _, o := range e.PaymentOptions {
				b.WriteString("<li><strong>")
				escText(b, o.Name)
				b.WriteString("</strong>: ")
				escText(b, o.Detail)
				if o.Source != "" {
					b.WriteString(" <span class=\"muted\">(")
					escText(b, o.Source)
					b.WriteString(")</span>")
				}
				b.WriteString("</li>")
			}
			b.WriteString("</ul>")
		}
		b.WriteString("\n  ")
		if len(e.Notes) > 0 {
			b.WriteString("<ul class=\"muted\">")
			escItems(b, e.Notes)
			b.WriteString("</ul>")
		}
		b.WriteString("\n  ")
		if len(e.Sources) > 0 {
			b.WriteString("<p class=\"muted\">Sources: ")
			for i, s := range e.Sources {
				if i > 0 {
					b.WriteString("; ")
				}
				escText(b, s)
			}
			b.WriteString("</p>")
		}
		b.WriteString("\n  ")
	}
	b.WriteString("\n</section>\n\n<section class=\"hook\" aria-labelledby=\"dl-h\">\n  <h2 id=\"dl-h\">If the plan says no: your deadlines</h2>\n  ")
	switch {
	case !feat.Deadlines:
		b.WriteString("\n  <p class=\"off\">Appeal deadlines are not switched on in this server yet.</p>\n  ")
	case p.DeadlinesErr != "":
		b.WriteString("\n  <p class=\"warn\">")
		escText(b, p.DeadlinesErr)
		b.WriteString("</p>\n  ")
	case len(p.Deadlines) > 0:
		b.WriteString("\n  <p>If a denial were dated ")
		escText(b, p.AsOf.String())
		b.WriteString(", these clocks would run:</p>\n  <table><thead><tr><th scope=\"col\">What</th><th scope=\"col\">Who acts</th><th scope=\"col\">Due</th><th scope=\"col\">Rule</th></tr></thead><tbody>\n  ")
		for _, d := range p.Deadlines {
			b.WriteString("<tr><td>")
			escText(b, d.Label)
			b.WriteString("<br><span class=\"muted\">")
			escText(b, d.Explanation)
			b.WriteString("</span></td><td>")
			escText(b, d.Who)
			b.WriteString("</td><td>")
			escText(b, d.Due.String())
			b.WriteString("</td><td>")
			escText(b, d.Citation)
			b.WriteString("</td></tr>")
		}
		b.WriteString("\n  </tbody></table>\n  ")
	default:
		b.WriteString("\n  <p>No deadlines could be worked out for this plan type.</p>\n  ")
	}
	b.WriteString("\n</section>\n\n<section class=\"hook\" aria-labelledby=\"doc-h\">\n  <h2 id=\"doc-h\">Papers to act on it</h2>\n  ")
	if feat.Documents {
		b.WriteString("\n  <p>Download a draft for your prescriber to review and sign:</p>\n  <p class=\"doc-buttons\">")
		for _, k := range p.Documents {
			b.WriteString("<button type=\"submit\" form=\"answers\" formaction=\"/check/documents/")
			escURL(b, string(k))
			b.WriteString("\" class=\"button\">")
			escText(b, k.Label())
			b.WriteString(" (PDF)</button> ")
		}
		b.WriteString("</p>\n  ")
	} else {
		b.WriteString("\n  <p class=\"off\">Letters of medical necessity, appeal letters and the superbill as PDF are not switched on in this server yet.</p>\n  ")
	}
	b.WriteString("\n</section>\n\n")
}

// escList writes a titled list, or nothing for an empty one.
func escList(b *bytes.Buffer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString("<h3>")
	b.WriteString(title)
	b.WriteString("</h3><ul>")
	escItems(b, items)
	b.WriteString("</ul>")
}

// escItems writes each item as a list element.
func escItems(b *bytes.Buffer, items []string) {
	for _, s := range items {
		b.WriteString("<li>")
		escText(b, s)
		b.WriteString("</li>")
	}
}

// escText writes s escaped as html/template escapes a string in text and
// in a quoted attribute value: the five HTML specials, '+' (which some
// old browsers read as UTF-7) and NUL, as U+FFFD. Every other byte,
// invalid UTF-8 included, is written as it is, as html/template does.
func escText(b *bytes.Buffer, s string) { escape(b, s, &textEscapes) }

var textEscapes = [256]string{0: "\uFFFD", '"': "&#34;", '&': "&amp;", '\'': "&#39;", '+': "&#43;", '<': "&lt;", '>': "&gt;"}

// escape writes s with each byte that has a replacement in r replaced.
func escape(b *bytes.Buffer, s string, r *[256]string) {
	last := 0
	for i := 0; i < len(s); i++ {
		if e := r[s[i]]; e != "" {
			b.WriteString(s[last:i])
			b.WriteString(e)
			last = i + 1
		}
	}
	b.WriteString(s[last:])
}

// escURL writes s as html/template writes a value inside a quoted URL
// attribute: normalized (bytes a URL may not hold percent-encoded, valid
// escapes and reserved characters kept), then escaped for the attribute.
func escURL(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case c == '-' || c == '.' || c == '_' || c == '~':
			continue
		case c == '!' || c == '#' || c == '$' || c == '*' || c == ',' || c == '/' || c == ':' ||
			c == ';' || c == '=' || c == '?' || c == '@' || c == '[' || c == ']':
			continue
		case c == '&' || c == '+':
			// Kept by the normalizer, then escaped for the attribute.
			b.WriteString(s[last:i])
			if c == '&' {
				b.WriteString("&amp;")
			} else {
				b.WriteString("&#43;")
			}
			last = i + 1
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		b.WriteString(s[last:i])
		b.WriteByte('%')
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
		last = i + 1
	}
	b.WriteString(s[last:])
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// filterURL is html/template's filter for a whole URL attribute value: a
// URL with a scheme other than http, https or mailto becomes
// "#ZgotmplZ", so a policy's source can never be a javascript: link.
func filterURL(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/':
			return s
		case ':':
			switch p := s[:i]; {
			case strings.EqualFold(p, "http"), strings.EqualFold(p, "https"), strings.EqualFold(p, "mailto"):
				return s
			}
			return "#ZgotmplZ"
		}
	}
	return s
}

// frameKey names a layout kept in pages.frames.
type frameKey struct {
	page, title, section string
}

// frame is a page's layout split where its body goes.
type frame struct {
	head, tail string
}

// maxFrames bounds pages.frames. Titles come from a handful of outcome
// headlines, so a handful of frames are ever made; the bound only keeps
// an unexpected title from growing the map.
const maxFrames = 64

// bodyMarker stands for the body while the layout is rendered once.
const bodyMarker = "\x00ketacover-body\x00"

// framed renders into a pooled buffer (the caller returns it with
// putBuffer) a page whose body is written by body rather than by a
// template: the page template's content must be {{.Page.Body}}. The
// layout around the body depends only on the page, the title, the section
// and the hooks switched on, so for visitors who are not signed in it is
// rendered once per page, title and section and kept; signed-in users
// and dev mode render it each time.
func (s *Server) framed(r *http.Request, name, title, section string, body func(*bytes.Buffer)) (*bytes.Buffer, error) {
	f, err := s.frame(r, name, title, section)
	if err != nil {
		return nil, err
	}
	buf := buffers.Get().(*bytes.Buffer)
	buf.WriteString(f.head)
	body(buf)
	buf.WriteString(f.tail)
	return buf, nil
}

// writeHTML writes a whole page.
func writeHTML(w http.ResponseWriter, status int, buf *bytes.Buffer) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// frame renders, or finds kept, the layout of page name around a marker
// and splits it there.
func (s *Server) frame(r *http.Request, name, title, section string) (frame, error) {
	keep := s.keepFragments() && userOf(r.Context()) == nil
	k := frameKey{name, title, section}
	if keep {
		if f, ok := s.pages.frames.Load(k); ok {
			return f.(frame), nil
		}
	}
	t, err := s.pages.template(name)
	if err != nil {
		return frame{}, err
	}
	var b strings.Builder
	if err := t.Execute(&b, layout{Title: title, Section: section, Features: s.features(), User: userOf(r.Context()), Page: resultBody{Body: bodyMarker}}); err != nil {
		return frame{}, fmt.Errorf("render %s: %w", name, err)
	}
	head, tail, ok := strings.Cut(b.String(), bodyMarker)
	if !ok || strings.Contains(tail, bodyMarker) {
		return frame{}, fmt.Errorf("render %s: the layout does not hold the body exactly once", name)
	}
	f := frame{head, tail}
	if keep && s.pages.frameCount.Add(1) <= maxFrames {
		s.pages.frames.Store(k, f)
	}
	return f, nil
}
