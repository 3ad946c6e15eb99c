package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/policy"
)

// TestPages serves every page handler with good and bad input.
func TestPages(t *testing.T) {
	with := func(v url.Values, kv ...string) url.Values {
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	tests := []struct {
		name    string
		method  string
		target  string
		form    url.Values
		hooks   bool
		status  int
		ctype   string
		want    []string
		notWant []string
	}{
		{name: "home", method: "GET", target: "/", status: 200, want: []string{"Will insurance pay for ketamine or Spravato?", "Start the self-check", "its use for depression is off-label"}},
		{name: "about", method: "GET", target: "/about", status: 200, want: []string{"Three answers, not two", "cost estimates off", "saved cases off"}},
		{name: "about with hooks", method: "GET", target: "/about", hooks: true, status: 200, want: []string{"cost estimates on", "letters as PDF on", "saved cases on"}},
		{name: "form", method: "GET", target: "/check", status: 200, want: []string{
			`<label for="f-payer">`, `<option value="Highmark">`, `name="trial.2.drug"`, `name="score.1.scale"`, "988",
			"Not sure", "REMS (Risk Evaluation and Mitigation Strategy)",
		}, notWant: []string{`name="trial.3.drug"`}},
		{name: "result meets", method: "POST", target: "/check", form: formMeets(), status: 200, want: []string{
			"Your answers meet this policy&#39;s criteria", "HCSC: Esketamine Nasal Spray", "No open questions",
			"Cost estimates are not switched on in this server yet.", "Appeal deadlines are not switched on",
			"are not switched on in this server yet.", `name="trial.0.drug" value="sertraline"`,
		}, notWant: []string{"formaction=\"/check/documents/lmn\""}},
		{name: "result with hooks", method: "POST", target: "/check", form: formMeets(), hooks: true, status: 200, want: []string{
			"About $1,000 for the first course", "Manufacturer savings", "File an internal appeal", "2027-06-05",
			`formaction="/check/documents/lmn"`, "Letter of medical necessity (PDF)", "Superbill (PDF)",
		}},
		{name: "result hook refuses", method: "POST", target: "/check", form: with(formMeets(), "date", ""), hooks: true, status: 200, want: []string{
			"add the date of the first treatment to estimate the cost",
		}},
		{name: "result does not meet", method: "POST", target: "/check", form: formDoesNotMeet(), status: 200, want: []string{
			"Your answers do not meet this policy&#39;s criteria", "Not met:", "Failed to respond adequately to at least three different antidepressants", "What stands in the way",
		}},
		{name: "result missing facts", method: "POST", target: "/check", form: formMissing(), status: 200, want: []string{
			"More information is needed", "What is the patient&#39;s most recent MADRS score and its date?", "Not known yet:",
		}},
		{name: "result not covered", method: "POST", target: "/check", form: with(formDoesNotMeet(), "therapy", "ketamine-iv", "payer", "Blue Cross and Blue Shield of Alabama", "state", "AL"), status: 200, want: []string{
			"This policy does not cover this treatment", "IV ketamine is FDA-approved only as an anesthetic",
		}},
		{name: "result no policy", method: "POST", target: "/check", form: with(formMeets(), "payer", "Aetna"), status: 200, want: []string{
			"No policy on file for this payer", "reference profile", "This is not any payer's policy",
		}},
		{name: "result mdsi", method: "POST", target: "/check", form: with(formMeets(), "indication", "mdsi", "payer", "UnitedHealthcare", "ideation", "yes"), status: 200, want: []string{
			"for MDD with acute suicidal ideation or behavior",
		}},
		{name: "form empty", method: "POST", target: "/check", form: url.Values{}, status: 400, want: []string{
			`id="errors"`, "Please check 4 answers", `href="#f-payer"`, "enter the name on your insurance card", "choose the treatment you are asking about",
		}},
		{name: "form bad values", method: "POST", target: "/check", form: with(formMeets(), "age", "two hundred", "trial.1.weeks", "-3", "score.0.value", "40", "recurrent", "maybe", "diagnosis", "other", "diagnosis_other", "X99"), status: 400, want: []string{
			`href="#f-age"`, "enter your age as a whole number from 0 to 130",
			`href="#f-trial.1.weeks"`, "enter the weeks taken as a number from 0 to 520",
			`href="#f-recurrent"`, "choose Yes, No or Not sure",
			`value="two hundred"`, // the answer is shown again
		}},
		{name: "form case rule", method: "POST", target: "/check", form: with(formMeets(), "score.0.value", "40"), status: 400, want: []string{
			`href="#f-score.0.value"`, "want a PHQ-9 score from 0 to 27, got 40",
		}},
		{name: "form trial without drug", method: "POST", target: "/check", form: with(formMeets(), "trial.0.drug", ""), status: 400, want: []string{
			`href="#f-trial.0.drug"`, "enter the medicine&#39;s name, or clear this row",
		}},
		{name: "form score without date", method: "POST", target: "/check", form: with(formMeets(), "score.1.date", ""), status: 400, want: []string{
			"enter the date it was taken; an approximate date is fine",
		}},
		{name: "add a medicine row", method: "POST", target: "/check", form: with(formMeets(), "action", "add-trial"), status: 200, want: []string{
			`name="trial.3.drug"`, `value="sertraline"`,
		}, notWant: []string{`name="trial.4.drug"`, `id="verdict-h"`}},
		{name: "add a score row", method: "POST", target: "/check", form: with(url.Values{}, "action", "add-score"), status: 200, want: []string{`name="score.2.scale"`}, notWant: []string{`id="errors"`}},
		{name: "change answers", method: "POST", target: "/check", form: with(formMissing(), "action", "edit"), status: 200, want: []string{
			`value="Triple-S Salud"`, `<option value="F32.2" selected>`,
		}},
		{name: "unknown action", method: "POST", target: "/check", form: with(url.Values{}, "action", "explode"), status: 400, want: []string{"unknown action"}},
		{name: "row index out of range", method: "POST", target: "/check", form: with(formMeets(), "trial.99.drug", "lithium"), status: 200, notWant: []string{"lithium"}},
		{name: "document off", method: "POST", target: "/check/documents/lmn", form: formMeets(), status: 501, want: []string{"Not switched on here yet", "the letter of medical necessity as PDF is not switched on in this server yet"}},
		{name: "document", method: "POST", target: "/check/documents/superbill", form: formMeets(), hooks: true, status: 200, ctype: "application/pdf", want: []string{"%PDF-1.4", "Superbill for Blue Cross and Blue Shield of Oklahoma: meets-criteria"}},
		{name: "document bad answers", method: "POST", target: "/check/documents/lmn", form: url.Values{}, hooks: true, status: 400, want: []string{"the answers sent with this request have problems"}},
		{name: "document unknown", method: "POST", target: "/check/documents/novel", form: formMeets(), status: 404, want: []string{"no document &#34;novel&#34;"}},
		{name: "policies", method: "GET", target: "/policies", status: 200, want: []string{"Payer policies", "Highmark", "Reference profile", ">summary only<", ">Covered with criteria<"}},
		{name: "policies search", method: "GET", target: "/policies?payer=medicaid&therapy=esketamine", status: 200, want: []string{"Ohio", "Texas"}, notWant: []string{"Highmark"}},
		{name: "policies empty", method: "GET", target: "/policies?payer=%3Cscript%3E", status: 200, want: []string{"No policy matches “&lt;script&gt;”", "show every policy"}, notWant: []string{"<script>"}},
		{name: "policies bad therapy", method: "GET", target: "/policies?therapy=psilocybin", status: 400, want: []string{"want esketamine or ketamine-iv"}},
		{name: "policy", method: "GET", target: "/policies/premera-5-01-609", status: 200, want: []string{"Premera", "in force today", "Sources", "Read by us"}},
		{name: "policy with gaps", method: "GET", target: "/policies/hcsc-rx501-105", status: 200, want: []string{"What our sources did not show", "RX501.105"}},
		{name: "policy unknown", method: "GET", target: "/policies/none-such", status: 404, want: []string{"We could not find that page", "no policy &#34;none-such&#34;"}},
		{name: "compare", method: "GET", target: "/compare", status: 200, want: []string{"Compare payers", "Highmark", "Reference profile", "criteria</summary>"}},
		{name: "compare ketamine", method: "GET", target: "/compare?therapy=ketamine-iv&indication=trd", status: 200, want: []string{">Investigational<", "IV ketamine is FDA-approved only as an anesthetic"}},
		{name: "compare mdsi", method: "GET", target: "/compare?therapy=esketamine&indication=mdsi", status: 200, want: []string{"UnitedHealthcare"}},
		{name: "compare bad", method: "GET", target: "/compare?indication=ptsd", status: 400, want: []string{"want trd or mdsi"}},
		{name: "not found", method: "GET", target: "/nothing/here", status: 404, want: []string{"We could not find that page"}},
		{name: "wrong method", method: "PUT", target: "/policies", status: 405, want: []string{"PUT is not allowed here; use GET"}},
		{name: "stylesheet", method: "GET", target: "/static/style.css", status: 200, ctype: "text/css; charset=utf-8", want: []string{"@media print"}},
		{name: "script", method: "GET", target: "/static/app.js", status: 200, ctype: "text/javascript; charset=utf-8", want: []string{"data-add"}},
		{name: "static missing", method: "GET", target: "/static/nope.css", status: 404},
		{name: "static folder", method: "GET", target: "/static/", status: 404},
	}
	plain, _ := MustServer(t, Deps{})
	hooked, _ := MustServer(t, Deps{Store: newMemStore(), Estimator: fakeEstimator{}, Deadlines: fakeDeadliner{}, Documents: fakeDocumenter{}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := plain
			if tt.hooks {
				s = hooked
			}
			var res *http.Response
			var body string
			if tt.form != nil {
				res, body = postForm(t, s.Handler(), tt.target, tt.form)
			} else {
				res, body = do(t, s.Handler(), tt.method, tt.target, "", nil)
			}
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body: %.600s", res.StatusCode, tt.status, body)
			}
			ct := tt.ctype
			if ct == "" && res.StatusCode != 404 || strings.HasPrefix(tt.target, "/static/") && ct == "" {
				ct = "text/html; charset=utf-8"
			}
			if got := res.Header.Get("Content-Type"); ct != "" && got != ct && !(tt.status == 404 && strings.HasPrefix(tt.target, "/static/")) {
				t.Errorf("Content-Type = %q, want %q", got, ct)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("page has %q", w)
				}
			}
			if tt.method == "POST" && res.StatusCode == 200 && res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("an answer page must be no-store, Cache-Control = %q", res.Header.Get("Cache-Control"))
			}
		})
	}
}

// TestSecurityHeaders: every response, page, API, static file or error,
// carries the security headers.
func TestSecurityHeaders(t *testing.T) {
	s, _ := MustServer(t, Deps{})
	want := map[string]string{
		"Content-Security-Policy": csp,
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
	}
	for _, target := range []string{"/", "/check", "/policies/none", "/api/v1/policies", "/api/v9", "/static/style.css", "/metrics", "/healthz"} {
		res, _ := do(t, s.Handler(), "GET", target, "", nil)
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", target, k, got, v)
			}
		}
	}
	for _, must := range []string{"frame-ancestors 'none'", "script-src 'self'", "default-src 'none'"} {
		if !strings.Contains(csp, must) {
			t.Errorf("CSP lacks %s", must)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Error("CSP allows inline script or style")
	}
}

// TestPagesNeedNothingInline: no page has inline script, inline style or
// event-handler attributes (the CSP would block them), and nothing is
// loaded from another origin.
func TestPagesNeedNothingInline(t *testing.T) {
	s, _ := MustServer(t, Deps{Estimator: fakeEstimator{}, Deadlines: fakeDeadliner{}, Documents: fakeDocumenter{}})
	inline := regexp.MustCompile(`<script[^>]*>\s*[^<\s]|\sstyle="|\son[a-z]+="|<style`)
	scriptTag := regexp.MustCompile(`<script[^>]*>`)
	external := regexp.MustCompile(`(?:src|href)="(?:https?:)?//`)
	pages := map[string]string{}
	for _, target := range []string{"/", "/check", "/policies", "/policies/ohio-medicaid-esketamine", "/policies/premera-5-01-609", "/compare", "/about", "/nowhere"} {
		_, body := do(t, s.Handler(), "GET", target, "", nil)
		pages[target] = body
	}
	_, pages["result"] = postForm(t, s.Handler(), "/check", formMeets())
	_, pages["errors"] = postForm(t, s.Handler(), "/check", url.Values{})
	for name, body := range pages {
		if m := inline.FindString(body); m != "" {
			t.Errorf("%s: inline script or style: %q", name, m)
		}
		for _, tag := range scriptTag.FindAllString(body, -1) {
			if !strings.Contains(tag, `src="/static/`) {
				t.Errorf("%s: script not from /static/: %s", name, tag)
			}
		}
		// Policy sources link out, by design; nothing is loaded from them.
		for _, m := range external.FindAllString(body, -1) {
			if strings.HasPrefix(m, "src") {
				t.Errorf("%s: loads %s from another origin", name, m)
			}
		}
		if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, `<meta name="viewport"`) {
			t.Errorf("%s: no language or viewport", name)
		}
		seen := map[string]bool{}
		for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Errorf("%s: id %q used twice", name, m[1])
			}
			seen[m[1]] = true
		}
	}
}

// TestFormLabels: every input and select of the form has a label (or is in
// a fieldset with a legend, for radio groups and check boxes).
func TestFormLabels(t *testing.T) {
	s, _ := MustServer(t, Deps{})
	_, body := do(t, s.Handler(), "GET", "/check", "", nil)
	ids := regexp.MustCompile(`<(?:input|select)[^>]*\sid="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(ids) < 40 {
		t.Fatalf("found %d labelled controls; the form has more", len(ids))
	}
	for _, m := range ids {
		if !strings.Contains(body, `<label for="`+m[1]+`"`) {
			t.Errorf("control %s has no <label for>", m[1])
		}
	}
	controls := regexp.MustCompile(`<(?:input|select)\s[^>]*>`).FindAllString(body, -1)
	for _, c := range controls {
		if strings.Contains(c, `type="hidden"`) || strings.Contains(c, ` id="`) {
			continue
		}
		// Radios and check boxes are wrapped in their <label>.
		if !strings.Contains(c, `type="radio"`) && !strings.Contains(c, `type="checkbox"`) {
			t.Errorf("control without id or label: %s", c)
		}
	}
}

// TestFormMatchesCaseFile: the self-check's answers make the same case, as
// far as the criteria see it, as the example case file they transcribe:
// every criterion of every determination gets the same result.
func TestFormMatchesCaseFile(t *testing.T) {
	tests := []struct {
		name string
		form url.Values
		file string
	}{
		{"meets", formMeets(), "esketamine-hcsc-meets.yaml"},
		{"does not meet", formDoesNotMeet(), "esketamine-highmark-does-not-meet.yaml"},
		{"missing facts", formMissing(), "esketamine-salud-information-needed.yaml"},
	}
	lib := library(t)
	results := func(c *ketacover.Case) []string {
		f, err := policy.NewFacts(c, *c.Therapy.StartDate)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range lib.Check(f, "") {
			out = append(out, d.Policy.ID+": "+string(d.Outcome))
			for _, cr := range d.Criteria {
				out = append(out, "  "+cr.ID+" "+cr.Text[:min(30, len(cr.Text))]+": "+string(cr.Result))
			}
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCheckForm(tt.form)
			got, _ := f.caseOf()
			if len(f.Errors) > 0 {
				t.Fatalf("form errors: %v", f.Errors)
			}
			want, err := casefile.Parse(tt.file, []byte(example(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(results(want), results(got)); diff != "" {
				t.Errorf("criteria (-case file +form):\n%s", diff)
			}
		})
	}
}

// TestDrugNames: every medicine the form suggests has a class ketacover
// knows, so a suggested name is always counted in its class.
func TestDrugNames(t *testing.T) {
	for _, d := range drugNames {
		if ketacover.DrugClass(d) == "" {
			t.Errorf("%s: no class in ketacover.DrugClass", d)
		}
	}
}

// TestHookErrorsStayInTheirSection: an internal error in a hook is logged
// without case facts and shown as a short apology, and the answer stands.
func TestHookErrorsStayInTheirSection(t *testing.T) {
	s, logs := MustServer(t, Deps{Estimator: failingEstimator{}})
	res, body := postForm(t, s.Handler(), "/check", formMeets())
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !strings.Contains(body, "This part could not be worked out just now.") || !strings.Contains(body, "Your answers meet this policy") {
		t.Errorf("page does not keep the answer and apologise for the estimate")
	}
	if strings.Contains(body, "disk full") {
		t.Error("the internal error's text reached the page")
	}
	if !strings.Contains(logs.String(), `"hook":"estimate"`) {
		t.Errorf("hook failure not logged: %s", logs.String())
	}
}

type failingEstimator struct{}

func (failingEstimator) Estimate(context.Context, *ketacover.Case, ketacover.Date) (*Estimate, error) {
	return nil, errors.New("write cache: disk full")
}
