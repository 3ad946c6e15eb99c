package web

import (
	"bytes"
	"html"
	"html/template"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

// The answer page's body is written by Go code (resulthtml.go) for speed;
// testdata/result-reference.html is the same body as a template. These
// tests check that the two agree byte for byte, so the page escapes
// exactly as html/template would, for real answers and for hostile text in
// every field.

// referenceResult parses the reference template with the partials it
// uses. The hidden answers are the one part the template took as HTML
// already; hiddenHTML is that old code (html.EscapeString per name and
// value), so writeHidden is checked against it too.
func referenceResult(tb testing.TB) *template.Template {
	tb.Helper()
	fm := template.FuncMap{"hiddenHTML": func(f *checkForm) template.HTML {
		var s string
		f.hidden(func(k, v string) {
			s += `<input type="hidden" name="` + html.EscapeString(k) + `" value="` + html.EscapeString(v) + "\">\n"
		})
		return template.HTML(s)
	}}
	t, err := template.New("content").Funcs(funcs).Funcs(fm).ParseFiles("templates/partials.html", "testdata/result-reference.html")
	if err != nil {
		tb.Fatalf("parse the reference template: %v", err)
	}
	return t
}

// compareBody renders p both ways and fails on any difference.
func compareBody(tb testing.TB, ref *template.Template, p *resultPage, feat features) {
	tb.Helper()
	var want bytes.Buffer
	if err := ref.ExecuteTemplate(&want, "content", layout{Features: feat, Page: p}); err != nil {
		tb.Fatalf("execute the reference template: %v", err)
	}
	var got bytes.Buffer
	p.writeBody(&got, feat)
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		tb.Errorf("the body differs from the reference template (-want +got):\n%s", diff)
	}
}

func TestResultBodyMatchesTemplate(t *testing.T) {
	ref := referenceResult(t)
	s, _ := MustServer(t, Deps{})
	noPolicy := formMeets()
	noPolicy.Set("payer", "A Payer With No Policy On File")
	forms := []struct {
		name string
		vals url.Values
	}{
		{"meets", formMeets()},
		{"does-not-meet", formDoesNotMeet()},
		{"missing", formMissing()},
		{"no-policy", noPolicy},
	}
	est := &Estimate{
		Summary:        "About $1,240 for the first 8 weeks",
		Lines:          []EstimateLine{{Label: "Sessions", Amount: "$1,000"}, {Label: "Observation", Amount: "$240"}},
		PaymentOptions: []PaymentOption{{Name: "Savings program", Detail: "up to $2,950 a year", Source: "https://www.spravato.com/"}, {Name: "HSA", Detail: "pre-tax"}},
		Notes:          []string{"an estimate, not a bill"},
		Sources:        []string{"plan documents", "manufacturer"},
	}
	dls := []ketacover.Deadline{{Label: "File an internal appeal", Who: "claimant", Due: ketacover.Date{Year: 2027, Month: 6, Day: 5}, Explanation: "180 days", Citation: "29 CFR 2560.503-1(h)(3)(i)"}}
	hooks := []struct {
		name string
		feat features
		set  func(p *resultPage)
	}{
		{"hooks off", features{}, func(*resultPage) {}},
		{"hooks on", features{Estimate: true, Deadlines: true, Documents: true}, func(p *resultPage) { p.Estimate, p.Deadlines = est, dls }},
		{"hooks failing", features{Estimate: true, Deadlines: true}, func(p *resultPage) { p.EstimateErr, p.DeadlinesErr = "no fee schedule", "no rule" }},
		{"hooks empty", features{Estimate: true, Deadlines: true}, func(p *resultPage) { p.Estimate = &Estimate{Summary: "nothing"} }},
	}
	for _, fc := range forms {
		for _, h := range hooks {
			t.Run(fc.name+"/"+h.name, func(t *testing.T) {
				f := newCheckForm(fc.vals)
				c, asOf := f.caseOf()
				if len(f.Errors) > 0 {
					t.Fatalf("form errors: %v", f.Errors)
				}
				res, err := s.check(c, "", s.date(asOf))
				if err != nil {
					t.Fatal(err)
				}
				p := newResultPage(res, f)
				h.set(&p)
				compareBody(t, ref, &p, h.feat)
			})
		}
	}
}

// hostilePage is an answer page with s in every text field and URL.
func hostilePage(s string) *resultPage {
	rows := []criterionRow{
		{Depth: 0, Text: s, Section: s, Reason: s, Mark: s, Word: s, Class: s, Group: true},
		{Depth: 2, Text: s, Mark: "✓", Word: "Met", Class: "met"},
	}
	pol := ketacover.PolicyRef{ID: s, Payer: s, Title: s, Number: s, Revised: s, RevisedBasis: s,
		Stance: ketacover.Stance(s), StanceText: s, PriorAuth: s, Secondary: true,
		Sources: []ketacover.Source{{URL: s, Title: s, Provenance: s}, {URL: s, Provenance: "secondary"}}}
	ref := pol
	ref.Reference, ref.Sources = true, nil
	vals := url.Values{"payer": {s}, "age": {s}, "trial.0.drug": {s}}
	return &resultPage{
		Payer: s, PlanLabel: s, TherapyName: s, TherapyFact: s, Headline: s, Meaning: s, Class: s,
		AsOf: ketacover.Date{Year: 2026, Month: 12, Day: 7},
		Policies: []policyResult{
			{Policy: pol, Verdict: s, Headline: s, Meaning: s, Class: s, Criteria: rows,
				Limits: []string{s}, Alternatives: []string{s, s}, Notes: []string{s}, Missing: []string{s, s, s}},
			{Policy: ref, Verdict: s, Headline: s, Class: s},
			{Verdict: s},
		},
		Ask: []string{s, s}, Evidence: []string{s},
		NotMet: []criterionRow{{Text: s, Section: s, Reason: s}, {Text: s}},
		Form:   newCheckForm(vals),
		Estimate: &Estimate{Summary: s, Lines: []EstimateLine{{Label: s, Amount: s}},
			PaymentOptions: []PaymentOption{{Name: s, Detail: s, Source: s}}, Notes: []string{s}, Sources: []string{s, s}},
		Deadlines: []ketacover.Deadline{{Label: s, Explanation: s, Who: s, Citation: s}},
		Documents: []DocumentKind{DocumentKind(s), DocLMN},
	}
}

// hostileSeeds are texts that need escaping in some context: markup,
// quotes, '+', NUL, invalid UTF-8, and URLs with unsafe schemes, spaces,
// escapes valid and not.
var hostileSeeds = []string{
	"", "plain text", `<script>alert("x")</script>`, `a'b"c&d+e<f>g`, "nul\x00byte", "bad \xff\xfe utf-8",
	"javascript:alert(1)", "JavaScript:alert(1)", "HTTPS://Example.org/x", "httpſ://x", "mailto:a@b.c", "data:text/html,x",
	"https://example.org/a b?c=d&e=f+g#h", "/policies/a:b", "%41%zz%4", "50% off", "日本語 — “quoted” ✓", "~!#$*,;=?@[]()",
	"\t\n\r", "&amp;", "x:y/z", "a/b:c",
}

func TestResultBodyHostile(t *testing.T) {
	ref := referenceResult(t)
	for _, s := range hostileSeeds {
		for _, feat := range []features{{}, {Estimate: true, Deadlines: true, Documents: true}} {
			compareBody(t, ref, hostilePage(s), feat)
		}
	}
}

// FuzzResultBody: for any text in every field, the written body is the
// template's, byte for byte.
func FuzzResultBody(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	ref := referenceResult(f)
	f.Fuzz(func(t *testing.T, s string) {
		compareBody(t, ref, hostilePage(s), features{Estimate: true, Deadlines: true, Documents: true})
	})
}

// TestResultFramed: the page the handler sends, with its layout kept from
// an earlier request, is the layout template rendered around the body.
func TestResultFramed(t *testing.T) {
	s, _ := MustServer(t, Deps{})
	tmpl, err := s.pages.template("result")
	if err != nil {
		t.Fatal(err)
	}
	for _, vals := range []url.Values{formMeets(), formDoesNotMeet(), formMissing(), formMeets()} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/check", strings.NewReader(vals.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}

		f := newCheckForm(vals)
		c, asOf := f.caseOf()
		res, err := s.check(c, "", s.date(asOf))
		if err != nil {
			t.Fatal(err)
		}
		p := newResultPage(res, f)
		var body bytes.Buffer
		p.writeBody(&body, s.features())
		var want bytes.Buffer
		if err := tmpl.Execute(&want, layout{Title: "Your answer: " + p.Headline, Section: "check", Features: s.features(), Page: resultBody{Body: template.HTML(body.String())}}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), rec.Body.String()); diff != "" {
			t.Errorf("page (-want +got):\n%s", diff)
		}
	}
	if n := s.pages.frameCount.Load(); n != 3 {
		t.Errorf("%d layouts kept, want 3 (one per headline)", n)
	}
}
