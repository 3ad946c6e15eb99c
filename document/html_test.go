package document

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

// TestHTMLSelfContained checks the promises of the HTML page: no script, no
// external resource, and a Content-Security-Policy whose hash admits exactly
// the page's own stylesheet.
func TestHTMLSelfContained(t *testing.T) {
	b, err := sampleDoc().HTML()
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"<script", "http://", "https://", "@import", "url(", "<link", "<img", " style=", "@font-face"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	style := regexp.MustCompile(`(?s)<style>(.*)</style>`).FindStringSubmatch(page)
	if style == nil {
		t.Fatal("no <style> element")
	}
	sum := sha256.Sum256([]byte(style[1]))
	hash := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("no Content-Security-Policy")
	}
	// html/template escapes "+" in attributes as &#43;, which the browser decodes.
	policy := strings.ReplaceAll(csp[1], "&#43;", "+")
	if want := "default-src 'none'; style-src '" + hash + "'"; policy != want {
		t.Errorf("CSP = %q, want %q", policy, want)
	}
	if !strings.Contains(page, "@media print") {
		t.Error("no print stylesheet")
	}
}

// TestHTMLEscapes checks that text from a case cannot inject markup.
func TestHTMLEscapes(t *testing.T) {
	d := &Doc{Title: "</title><script>", Blocks: []Block{
		Para(Plain("<b>bold</b> & "), Blank("<img src=x>")),
		Table{Caption: "<i>", Header: []string{"<th>"}, Rows: [][]Text{{PlainText("</td>")}}},
	}}
	b, err := d.HTML()
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, raw := range []string{"<b>", "<script>", "<img", "<i>", "<th>", "</td></td>"} {
		if strings.Contains(page, raw) {
			t.Errorf("unescaped %q in page", raw)
		}
	}
	for _, esc := range []string{"&lt;b&gt;bold&lt;/b&gt; &amp;", "[&lt;img src=x&gt; — missing]"} {
		if !strings.Contains(page, esc) {
			t.Errorf("page lacks escaped %q", esc)
		}
	}
}

// TestHTMLAccessible checks the markup a screen reader relies on.
func TestHTMLAccessible(t *testing.T) {
	b, err := sampleDoc().HTML()
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		`<html lang="en">`,
		"<main>",
		"<caption>Medication trials</caption>",
		`<th scope="col">Dose</th>`,
		`<td class="status not-met"><span aria-hidden="true">✗</span> Not met</td>`,
		`<time datetime="2026-03-02">March 2, 2026</time>`,
		`<a class="cite" href="#ref-1" aria-label="reference 1">[1]</a>`,
		`<li id="ref-1">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Heading levels never skip downwards (h1 → h3).
	levels := regexp.MustCompile(`<h([1-6])[ >]`).FindAllStringSubmatch(page, -1)
	prev := 0
	for _, l := range levels {
		n := int(l[1][0] - '0')
		if n > prev+1 {
			t.Errorf("heading level jumps from h%d to h%d", prev, n)
		}
		prev = n
	}
}
