package web

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/letter"
	"github.com/ketacover/ketacover/policy"
	"github.com/ketacover/ketacover/timeline"
)

// The clinic workbench in real Chromium: a billing coordinator's day from
// sign-in to the appeal letter. It shares the browser helpers of
// browser_test.go (skips without Chromium, waits for elements, never
// sleeps) and saves a screenshot of every page it visits under
// testdata/artifacts (gitignored). docs/screenshots holds three of them,
// made with KETACOVER_SCREENSHOTS=png.

// letterDocs writes a stored case's letters with package letter, as
// "ketacover serve" wires it (cmd/ketacover caseLetters), so the browser
// downloads a real PDF.
type letterDocs struct {
	w   *letter.Writer
	lib *policy.Library
}

func (l letterDocs) CaseDocument(ctx context.Context, kind DocumentKind, sc *ketacover.StoredCase, events []ketacover.Event, day ketacover.Date) (*File, error) {
	kinds := map[DocumentKind]letter.Kind{DocLMN: letter.KindLMN, DocAppeal: letter.KindAppeal, DocSuperbill: letter.KindSuperbill}
	k, ok := kinds[kind]
	if !ok {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no document %q", kind)
	}
	asOf := day
	if d := sc.Case.Therapy.StartDate; d != nil {
		asOf = *d
	}
	f, err := policy.NewFacts(&sc.Case, asOf)
	if err != nil {
		return nil, err
	}
	ds := l.lib.Check(f, "")
	doc, err := l.w.Build(k, letter.Input{Case: &sc.Case, Events: events, Determination: &ds[0], Date: day, Level: 1})
	if err != nil {
		return nil, err
	}
	b, err := doc.PDF()
	if err != nil {
		return nil, err
	}
	return &File{Name: sc.ID + "-" + string(kind) + ".pdf", ContentType: "application/pdf", Data: b}, nil
}

// seedClinic stores a handful of cases in the states a clinic's board
// holds on an ordinary day, so Today, the list and the reports show what
// a coordinator sees (and the README's pictures are not of an empty
// screen). Names and numbers are invented.
func seedClinic(t *testing.T, b *bench) {
	t.Helper()
	ctx := context.Background()
	d := ketacover.MustDate
	type ev struct {
		kind ketacover.EventKind
		date string
		det  ketacover.Details
	}
	seed := []struct {
		id, name, state, payer string
		plan                   ketacover.PlanType
		drug                   ketacover.Therapy
		events                 []ev
	}{
		{"MRN-20411", "Jordan Avery", "PA", "Highmark", ketacover.PlanGroupFullyInsured, ketacover.TherapyEsketamine, []ev{
			{ketacover.EventPASubmitted, "2026-11-03", ketacover.Details{Method: "portal"}},
		}},
		{"MRN-20388", "Priya Natarajan", "TX", "Aetna", ketacover.PlanERISASelfFunded, ketacover.TherapyEsketamine, []ev{
			{ketacover.EventPASubmitted, "2026-08-25", ketacover.Details{Method: "fhir-pas"}},
			{ketacover.EventPAApproved, "2026-09-01", ketacover.Details{Reference: "A7731902", Units: 8, Start: ptr(d("2026-09-02")), End: ptr(d("2026-12-05"))}},
			{ketacover.EventSession, "2026-09-03", ketacover.Details{Units: 3}},
			{ketacover.EventSession, "2026-10-15", ketacover.Details{Units: 4}},
		}},
		{"MRN-20402", "Samuel Okafor", "OH", "UnitedHealthcare", ketacover.PlanIndividual, ketacover.TherapyEsketamine, []ev{
			{ketacover.EventPASubmitted, "2026-10-20", ketacover.Details{Method: "fax"}},
			{ketacover.EventPADenied, "2026-11-06", ketacover.Details{DenialClass: "missing-information", Reason: "no documentation of two antidepressant trials"}},
		}},
		{"MRN-20377", "Lena Fischer", "MA", "Tufts Health Plan", ketacover.PlanGroupFullyInsured, ketacover.TherapyEsketamine, []ev{
			{ketacover.EventPASubmitted, "2026-07-14", ketacover.Details{Method: "portal"}},
			{ketacover.EventPADenied, "2026-07-24", ketacover.Details{DenialClass: "medical-necessity"}},
			{ketacover.EventAppealFiled, "2026-08-05", ketacover.Details{Level: 1}},
			{ketacover.EventAppealDecided, "2026-09-01", ketacover.Details{Level: 1, Outcome: "overturned", Units: 8, Start: ptr(d("2026-09-02")), End: ptr(d("2027-03-01"))}},
			{ketacover.EventSession, "2026-09-08", ketacover.Details{Units: 1}},
			{ketacover.EventClaimSubmitted, "2026-09-10", ketacover.Details{Reference: "CLM-88120", AmountCents: 94000}},
			{ketacover.EventClaimDenied, "2026-10-02", ketacover.Details{Reference: "CLM-88120", Group: "CO", CARC: []string{"197"}, DenialClass: "prior-authorization", AmountCents: 94000}},
			{ketacover.EventClaimPaid, "2026-10-30", ketacover.Details{Reference: "CLM-88120", AmountCents: 61200}},
		}},
		{"MRN-20415", "Marcus Bell", "NY", "Aetna", ketacover.PlanMedicareAdvantage, ketacover.TherapyEsketamine, []ev{
			{ketacover.EventPASubmitted, "2026-11-19", ketacover.Details{Method: "portal"}},
		}},
		{"MRN-20399", "Grace Huang", "CA", "Highmark", ketacover.PlanERISASelfFunded, ketacover.TherapyKetamineIV, []ev{
			{ketacover.EventPASubmitted, "2026-10-01", ketacover.Details{Method: "phone"}},
			{ketacover.EventPAApproved, "2026-10-09", ketacover.Details{Reference: "HM-55120", Units: 6, Start: ptr(d("2026-10-12")), End: ptr(d("2027-01-11"))}},
			{ketacover.EventSession, "2026-10-12", ketacover.Details{Units: 5}},
		}},
	}
	for _, c := range seed {
		age := 41
		sc, err := b.db.CreateCase(ctx, &ketacover.Case{
			ID:      c.id,
			Patient: ketacover.Patient{Name: c.name, State: c.state, Age: &age},
			Plan:    ketacover.Plan{Payer: c.payer, Type: c.plan, MemberID: "M" + strings.TrimPrefix(c.id, "MRN-") + "01"},
			Therapy: ketacover.TherapyRequest{Drug: c.drug, Indication: ketacover.IndicationTRD},
		}, "front-desk", ketacover.SourceWeb)
		if err != nil {
			t.Fatalf("seed %s: %v", c.id, err)
		}
		for _, e := range c.events {
			ev := &ketacover.Event{CaseID: sc.ID, Kind: e.kind, Date: d(e.date), Details: e.det, Actor: "front-desk", Source: ketacover.SourceWeb}
			if err := b.db.Append(ctx, ev, func(prior []ketacover.Event) error { return timeline.Check(prior, ev) }); err != nil {
				t.Fatalf("seed %s %s: %v", c.id, e.kind, err)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// steps runs browser actions and fails the test naming what it was doing.
func steps(t *testing.T, ctx context.Context, what string, acts ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, acts...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantText fails unless the element sel shows every one of want.
func wantText(t *testing.T, ctx context.Context, sel string, want ...string) {
	t.Helper()
	got := text(t, ctx, sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q; it shows:\n%s", sel, w, got)
		}
	}
}

// TestBrowserWorkbench: a staff member signs in, creates a case, records
// the request and its denial, sees the appeal deadline and the denial on
// Today, imports an 835 whose denial attaches to the case, and downloads
// the appeal letter as a PDF holding the member ID.
func TestBrowserWorkbench(t *testing.T) {
	ctx := browser(t)
	wb := newBench(t, letterDocs{w: mustLetters(t), lib: library(t)})
	seedClinic(t, wb)
	ts := httptest.NewServer(wb.h)
	defer ts.Close()
	const id, member = "ACCT-1001", "ZGP123456789"

	// Signed out, Today sends the browser to the sign-in page.
	steps(t, ctx, "open Today signed out",
		chromedp.Navigate(ts.URL+"/today"),
		chromedp.WaitVisible(chromedp.ID("f-name")),
	)
	screenshot(t, ctx, "workbench-login")
	steps(t, ctx, "sign in",
		chromedp.SendKeys(chromedp.ID("f-name"), "staff"),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("overdue-h")),
	)
	wantText(t, ctx, "h1", "Today, 2026-11-27")

	// A new case from the essentials.
	steps(t, ctx, "open the new-case form",
		chromedp.Click(chromedp.CSS(`main a[href="/cases/new"]`)),
		chromedp.WaitVisible(chromedp.ID("c-name")),
		chromedp.SendKeys(chromedp.ID("c-id"), id),
		chromedp.SendKeys(chromedp.ID("c-name"), "Ana Ruiz"),
		chromedp.SetValue(chromedp.ID("c-birth"), "1980-01-01"),
		chromedp.SetValue(chromedp.ID("c-state"), "OH"),
		chromedp.SendKeys(chromedp.ID("c-payer"), "Example Health Plan"),
		chromedp.SendKeys(chromedp.ID("c-member"), member),
		chromedp.SetValue(chromedp.ID("c-plan"), string(ketacover.PlanERISASelfFunded)),
		chromedp.SetValue(chromedp.ID("c-therapy"), string(ketacover.TherapyKetamineIV)),
		chromedp.SetValue(chromedp.ID("c-indication"), string(ketacover.IndicationTRD)),
	)
	screenshot(t, ctx, "workbench-case-new")
	steps(t, ctx, "create the case",
		chromedp.Click(chromedp.ID("create")),
		chromedp.WaitVisible(chromedp.ID("phase")),
	)
	wantText(t, ctx, "h1", "Ana Ruiz", "case "+id)
	wantText(t, ctx, "#phase", "new")

	// The request, then its denial, through the event form.
	record := func(kind, date string, fields map[string]string) {
		t.Helper()
		acts := []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(chromedp.ID("e-kind"), kind),
			chromedp.SetValue(chromedp.ID("e-date"), date),
		}
		for k, v := range fields {
			acts = append(acts, chromedp.SetValue(chromedp.ID(k), v))
		}
		acts = append(acts,
			chromedp.Click(chromedp.ID("record")),
			chromedp.WaitVisible(chromedp.CSS(`#recorded[data-kind="`+kind+`"]`)),
		)
		steps(t, ctx, "record "+kind, acts...)
	}
	record("pa-submitted", "2026-11-02", map[string]string{"e-method": "portal"})
	wantText(t, ctx, "#phase", "pa-pending")
	record("pa-denied", "2026-11-20", map[string]string{"e-class": "medical-necessity", "e-reason": "not medically necessary"})
	wantText(t, ctx, "#phase", "denied")
	wantText(t, ctx, "#timeline", "pa-submitted", "pa-denied", "class medical-necessity", "staff via web")
	wantText(t, ctx, "#deadlines-h + .table-wrap", "appeal filing window", "2027-05-19")
	screenshot(t, ctx, "workbench-case-denied")

	// Today shows the denial to work and, over a long enough range, its
	// appeal deadline.
	steps(t, ctx, "open Today",
		chromedp.Click(chromedp.CSS(`header nav a[href="/today"]`)),
		chromedp.WaitVisible(chromedp.ID("denials-h")),
	)
	wantText(t, ctx, "#denials-h + .table-wrap", id, "Ana Ruiz", "Example Health Plan", "medical-necessity")
	wantText(t, ctx, "#overdue-h", "Overdue")
	screenshot(t, ctx, "workbench-today")
	steps(t, ctx, "open Today over 365 days",
		chromedp.Navigate(ts.URL+"/today?days=365"),
		chromedp.WaitVisible(chromedp.ID("upcoming-h")),
	)
	row := `#upcoming-h ~ .table-wrap tr:has(a[href="/cases/` + id + `"])`
	wantText(t, ctx, row, "2027-05-19", "appeal filing window")

	// The case list, filtered to denied cases.
	steps(t, ctx, "filter the case list",
		chromedp.Navigate(ts.URL+"/cases"),
		chromedp.WaitVisible(chromedp.ID("q-phase")),
		chromedp.SetValue(chromedp.ID("q-phase"), "denied"),
		chromedp.Click(chromedp.CSS(`form.search button[type="submit"]`)),
		// The attribute comes only with the page the filter returns.
		chromedp.WaitReady(chromedp.CSS(`#q-phase option[selected]`)),
	)
	wantText(t, ctx, "p.count", "2 cases.")
	wantText(t, ctx, "main table", id, "MRN-20402")
	screenshot(t, ctx, "workbench-cases")

	// An 835 whose claim ACCT-1001 was denied: it lands on the case.
	remit := filepath.Join(t.TempDir(), "remit.835")
	if err := os.WriteFile(remit, []byte(testRemit), 0o644); err != nil {
		t.Fatal(err)
	}
	steps(t, ctx, "import the 835",
		chromedp.Click(chromedp.CSS(`header nav a[href="/era"]`)),
		chromedp.WaitVisible(chromedp.ID("era-file")),
		chromedp.SetUploadFiles(chromedp.ID("era-file"), []string{remit}),
		chromedp.Click(chromedp.ID("era-submit")),
		chromedp.WaitVisible(chromedp.ID("era-result")),
	)
	wantText(t, ctx, "#res-h", "remit.835: 1 recorded, 0 not recorded, 1 matched no case")
	wantText(t, ctx, `#era-recorded tr.denied`, "ACCT-1001", id, "claim-denied", "CARC 50", "$1,180.00")
	wantText(t, ctx, "#era-unmatched", "Claim ZZZ-9")
	screenshot(t, ctx, "workbench-era")
	steps(t, ctx, "follow the denial to its case",
		chromedp.Click(chromedp.CSS(`#era-recorded a[href="/cases/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("timeline")),
	)
	wantText(t, ctx, "#timeline", "claim-denied", "CARC 50", "$1,180.00")
	screenshot(t, ctx, "workbench-case")

	// The appeal letter answers the denial: a PDF with the member ID.
	dir := t.TempDir()
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	steps(t, ctx, "download the appeal letter",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior:      cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName,
				DownloadPath:  dir,
				EventsEnabled: &[]bool{true}[0],
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(`button[formaction="/cases/`+id+`/documents/appeal"]`)),
	)
	var pdf string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatalf("the download was cancelled")
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			pdf = filepath.Join(dir, ev.GUID)
			break
		}
	}
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "%PDF-") {
		t.Fatalf("the appeal download is not a PDF: %.40q", data)
	}
	if err := os.WriteFile(filepath.Join(artifacts(t), "workbench-appeal.pdf"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext is not installed (Debian: apt-get install -y poppler-utils): not checking the letter's text for the member ID")
	} else {
		out, err := exec.Command("pdftotext", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", pdf, err)
		}
		for _, w := range []string{member, "Ana Ruiz"} {
			if !strings.Contains(string(out), w) {
				t.Errorf("the appeal letter's text lacks %q:\n%s", w, out)
			}
		}
	}

	// The reports count the denial, as tables and charts.
	steps(t, ctx, "open the reports",
		chromedp.Click(chromedp.CSS(`header nav a[href="/reports"]`)),
		chromedp.WaitVisible(chromedp.CSS("main svg")),
	)
	wantText(t, ctx, "main", "Example Health Plan")
	screenshot(t, ctx, "workbench-reports")

	// Every step above is in the audit trail under the staff member's name.
	es, err := wb.db.Audit(context.Background(), ketacover.AuditFilter{CaseID: ptr(id)})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range es {
		if e.Actor == "staff" {
			seen[e.Action] = true
		}
	}
	for _, a := range []string{ketacover.AuditCaseCreate, ketacover.AuditCaseView, ketacover.AuditEventAppend, ketacover.AuditDocument} {
		if !seen[a] {
			t.Errorf("no %s entry by staff for %s in the audit trail", a, id)
		}
	}
}

func mustLetters(t *testing.T) *letter.Writer {
	t.Helper()
	w, err := letter.Default()
	if err != nil {
		t.Fatal(err)
	}
	return w
}
