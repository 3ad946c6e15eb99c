package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Browser tests: a patient uses the pages in real Chromium. They run when
// /usr/bin/chromium exists or KETACOVER_TEST_CHROMIUM names a Chromium
// binary (CI sets it), and skip with a message otherwise. Every wait is
// for an element, never a sleep; a deadline bounds the whole test.

// chromium returns the browser to use, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("KETACOVER_TEST_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("KETACOVER_TEST_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Skip("no Chromium: install Debian's chromium (apt-get install -y chromium) or set KETACOVER_TEST_CHROMIUM to run the browser tests")
	return ""
}

// shared is the one Chromium the browser tests share; each test opens its
// own tab. TestMain closes it.
var shared struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cancel != nil {
		shared.cancel()
	}
	if workbenchDB.dir != "" {
		os.RemoveAll(workbenchDB.dir)
	}
	os.Exit(code)
}

// browser returns a new tab in the shared headless Chromium. The test must
// finish within the tab's deadline.
func browser(t *testing.T) context.Context {
	t.Helper()
	exec := chromium(t)
	shared.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(exec),
			chromedp.NoSandbox,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-gpu", true),
			chromedp.WindowSize(1280, 900),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelBrowser := chromedp.NewContext(actx)
		shared.ctx = bctx
		shared.cancel = func() { cancelBrowser(); cancelAlloc() }
		shared.err = chromedp.Do(bctx, chromedp.Navigate("about:blank"))
	})
	if shared.err != nil {
		t.Fatalf("start Chromium %s: %v", exec, shared.err)
	}
	ctx, cancelTab := chromedp.NewContext(shared.ctx)
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab() })
	return ctx
}

// artifacts is where screenshots go: testdata/artifacts (gitignored), or
// KETACOVER_ARTIFACTS.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KETACOVER_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves the whole page as an artifact: a JPEG, cheap enough
// for every page on a loaded machine, or a PNG when
// KETACOVER_SCREENSHOTS=png (for the README's pictures).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	quality, ext := 80, ".jpg"
	if os.Getenv("KETACOVER_SCREENSHOTS") == "png" {
		quality, ext = 100, ".png"
	}
	img, err := chromedp.Run(ctx, chromedp.FullScreenshot(quality))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(artifacts(t), name+ext)
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// fill answers the self-check. It types the payer's name and clicks the
// treatment and its use as a patient would; the many other answers are
// set in one script call, which keeps the test to seconds on a loaded
// machine. Every field named in v must exist on the page.
func fill(t *testing.T, ctx context.Context, v url.Values) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-payer"), v.Get("payer")),
		chromedp.Click(chromedp.CSS(`input[name="therapy"][value="`+v.Get("therapy")+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name="indication"][value="`+v.Get("indication")+`"]`)),
	); err != nil {
		t.Fatalf("type and click: %v", err)
	}
	rest := map[string][]string{}
	for k, vals := range v {
		switch k {
		case "payer", "therapy", "indication":
		default:
			rest[k] = vals
		}
	}
	js, err := json.Marshal(rest)
	if err != nil {
		t.Fatal(err)
	}
	missing, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function (answers) {
  var missing = [];
  Object.keys(answers).sort().forEach(function (name) {
    answers[name].forEach(function (value) {
      var els = document.getElementsByName(name);
      if (!els.length) { missing.push(name); return; }
      var el = els[0];
      if (el.type === "radio" || el.type === "checkbox") {
        var hit = Array.prototype.find.call(els, function (e) { return e.value === value; });
        if (!hit) { missing.push(name + "=" + value); return; }
        hit.checked = true;
      } else {
        el.value = value;
        if (el.value !== value) missing.push(name + "=" + value);
      }
    });
  });
  return missing;
})(`+string(js)+`)`))
	if err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	if len(missing) > 0 {
		t.Fatalf("the form has no field or option for %v", missing)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// TestBrowserSelfCheck: a patient completes the self-check for a case that
// meets the criteria, one that does not, and one with missing facts, and
// sees the right verdict, the criteria's reasons and the questions to ask.
func TestBrowserSelfCheck(t *testing.T) {
	ctx := browser(t)
	s, _ := MustServer(t, Deps{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	tests := []struct {
		name     string
		form     url.Values
		headline string
		class    string   // verdict colour
		want     []string // texts the result page shows
	}{
		{
			name: "meets", form: formMeets(),
			headline: "Your answers meet this policy's criteria", class: "good",
			want: []string{
				"HCSC: Esketamine Nasal Spray",
				"Met: The patient is 18 years of age or older.",
				"No open questions",
				"structured clinical interview (e.g. SCID-5) report",
			},
		},
		{
			name: "does-not-meet", form: formDoesNotMeet(),
			headline: "Your answers do not meet this policy's criteria", class: "bad",
			want: []string{
				"Highmark",
				"What stands in the way",
				"Not met: Failed to respond adequately to at least three different antidepressants",
			},
		},
		{
			name: "missing-facts", form: formMissing(),
			headline: "More information is needed", class: "unsure",
			want: []string{
				"What is the patient's most recent MADRS score and its date?",
				"For each antidepressant tried, what was the dose, for how many weeks, and what share of doses did the patient take?",
				"Not known yet: The current depressive episode is moderate or severe on either the MADRS or the HAM-D.",
				"adherence_pct not recorded",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/check"),
				chromedp.WaitVisible(chromedp.ID("f-payer")),
			); err != nil {
				t.Fatal(err)
			}
			fill(t, ctx, tt.form)
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.ID("submit")),
				chromedp.WaitVisible(chromedp.ID("verdict-h")),
			); err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, "#verdict-h"); got != tt.headline {
				t.Errorf("headline = %q, want %q", got, tt.headline)
			}
			cls, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("section.verdict"), "class"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(cls.Value, tt.class) {
				t.Errorf("verdict class = %q, want %q", cls.Value, tt.class)
			}
			body := text(t, ctx, "main")
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("result page lacks %q", w)
				}
			}
			screenshot(t, ctx, "result-"+tt.name)

			// "Change my answers" brings the form back as it was filled.
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`button[value="edit"]`)),
				chromedp.WaitVisible(chromedp.ID("f-payer")),
			); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-payer")))
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.form.Get("payer"); got != want {
				t.Errorf("after Change my answers, payer = %q, want %q", got, want)
			}
		})
	}
}

// TestBrowserPages visits every page, checks what a patient sees first,
// uses the script's one convenience (adding a row) and the keyboard, and
// saves a screenshot of each.
func TestBrowserPages(t *testing.T) {
	ctx := browser(t)
	s, _ := MustServer(t, Deps{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	pages := []struct {
		name, path, sel, want string
	}{
		{"home", "/", "h1", "Will insurance pay for ketamine or Spravato?"},
		{"check", "/check", "h1", "Self-check: will my plan cover it?"},
		{"policies", "/policies", "h1", "Payer policies"},
		{"policies-search-empty", "/policies?payer=nobody+at+all", ".empty h2", "No policy matches “nobody at all”"},
		{"policy", "/policies/hcsc-rx501-105", "h1", "HCSC: Esketamine Nasal Spray"},
		{"compare", "/compare?therapy=esketamine&indication=trd", "h1", "Compare payers"},
		{"about", "/about", "h1", "How ketacover works"},
		{"not-found", "/no/such/page", "h1", "We could not find that page"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel))); err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, p.sel); got != p.want {
				t.Errorf("%s = %q, want %q", p.sel, got, p.want)
			}
			screenshot(t, ctx, "page-"+p.name)
		})
	}

	t.Run("add-row-with-script", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(ts.URL+"/check"),
			chromedp.WaitVisible(chromedp.ID("f-payer")),
			chromedp.Click(chromedp.CSS(`button[data-add="trial"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[id="f-trial.3.drug"]`)),
		); err != nil {
			t.Fatal(err)
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(loc, "/check") {
			t.Errorf("adding a row navigated to %s; the script should add it in place", loc)
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		if err != nil {
			t.Fatal(err)
		}
		if focused != "f-trial.3.drug" {
			t.Errorf("focus after adding a row is on %q, want the new row's first field", focused)
		}
	})

	t.Run("errors-are-announced", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(ts.URL+"/check"),
			chromedp.WaitVisible(chromedp.ID("f-payer")),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.ID("errors")),
		); err != nil {
			t.Fatal(err)
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		if err != nil {
			t.Fatal(err)
		}
		if focused != "errors" {
			t.Errorf("focus after a failed submit is on %q, want the error summary", focused)
		}
		if got := text(t, ctx, "#errors"); !strings.Contains(got, "enter the name on your insurance card") {
			t.Errorf("error summary = %q", got)
		}
		screenshot(t, ctx, "check-errors")
	})

	t.Run("skip-link-first-on-tab", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(ts.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS("h1")),
			chromedp.KeyEvent("\t"),
		); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
		if err != nil {
			t.Fatal(err)
		}
		if got != "Skip to the main content" {
			t.Errorf("first Tab focuses %q, want the skip link", got)
		}
	})
}

// TestBrowserDownloadLetter: from the result page, the patient downloads
// the letter of medical necessity; the answers travel in the page's hidden
// fields to the documents hook and come back as a PDF file. The hook here
// is the test double (fakeDocumenter) until the letter package is wired.
func TestBrowserDownloadLetter(t *testing.T) {
	ctx := browser(t)
	s, _ := MustServer(t, Deps{Documents: fakeDocumenter{}})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	dir := t.TempDir()

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/check"),
		chromedp.WaitVisible(chromedp.ID("f-payer")),
	); err != nil {
		t.Fatal(err)
	}
	fill(t, ctx, formMeets())
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("verdict-h")),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior:      cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName,
				DownloadPath:  dir,
				EventsEnabled: &[]bool{true}[0],
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(`button[formaction="/check/documents/lmn"]`)),
	); err != nil {
		t.Fatal(err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State != cdpbrowser.DownloadProgressStateCompleted {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "%PDF-") || !strings.Contains(string(b), "Letter of medical necessity for Blue Cross and Blue Shield of Oklahoma: meets-criteria") {
			t.Errorf("downloaded %q", b)
		}
		break
	}
}
