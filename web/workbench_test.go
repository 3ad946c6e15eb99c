package web

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/storetest"
	"github.com/ketacover/ketacover/storetest/storedb"
)

// clock is a settable time for session tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// bench is a workbench server on a real database, with its clock.
type bench struct {
	s    *Server
	h    http.Handler
	db   storedb.DB
	clk  *clock
	logs *syncBuffer
}

const password = "correct horse battery"

// newBench serves the workbench on a fresh database (SQLite, or
// PostgreSQL with KETACOVER_TEST_PG) with users admin, staff and reader,
// all with the same password.
func newBench(t *testing.T, docs CaseDocumenter) *bench {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	db := storedb.Open(t, nil)
	hash, err := HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]ketacover.Role{"admin": ketacover.RoleAdmin, "staff": ketacover.RoleStaff, "reader": ketacover.RoleReadOnly} {
		if err := db.CreateUser(context.Background(), &ketacover.User{Name: name, Role: role, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	logs := &syncBuffer{}
	s, err := New(DefaultConfig(), Deps{
		Library: library(t), Logger: slog.New(slog.NewJSONHandler(logs, nil)), Today: func() ketacover.Date { return today },
		Store: db, Users: db, Audit: db, CaseDocuments: docs, Now: clk.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &bench{s: s, h: s.Handler(), db: db, clk: clk, logs: logs}
}

// req serves one request with the given cookie and headers.
func (b *bench) req(t *testing.T, method, target string, cookie *http.Cookie, body io.Reader, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(method, target, body)
	r.RemoteAddr = "192.0.2.7:4711"
	if cookie != nil {
		r.AddCookie(cookie)
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, r)
	res := rec.Result()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}

func (b *bench) form(t *testing.T, target string, cookie *http.Cookie, v url.Values) (*http.Response, string) {
	t.Helper()
	return b.req(t, "POST", target, cookie, strings.NewReader(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
}

// login signs in and returns the session cookie.
func (b *bench) login(t *testing.T, name string) *http.Cookie {
	t.Helper()
	res, body := b.form(t, "/login", nil, url.Values{"name": {name}, "password": {password}, "next": {"/today"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/today" {
		t.Fatalf("sign in as %s: %s %.300s", name, res.Status, body)
	}
	for _, c := range res.Cookies() {
		if c.Name == cookieName {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
				t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over plain HTTP", c)
			}
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// newCase creates a case through the form as staff and returns its ID.
func (b *bench) newCase(t *testing.T, c *http.Cookie, id string) {
	t.Helper()
	res, body := b.form(t, "/cases", c, url.Values{"id": {id}, "name": {"Ana Ruiz"}, "birth_date": {"1980-01-01"}, "state": {"OH"},
		"payer": {"Example Health Plan"}, "plan_type": {"erisa-self-funded"}, "therapy": {"ketamine-iv"}, "indication": {"trd"}, "member_id": {"ZGP123456789"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cases/"+id {
		t.Fatalf("create case: %s %.500s", res.Status, body)
	}
}

func (b *bench) event(t *testing.T, c *http.Cookie, id string, v url.Values, want int) string {
	t.Helper()
	res, body := b.form(t, "/cases/"+id+"/events", c, v)
	if res.StatusCode != want {
		t.Fatalf("event %v: %s, want %d: %.500s", v, res.Status, want, body)
	}
	return body
}

func TestLoginPageAndRedirect(t *testing.T) {
	b := newBench(t, nil)
	res, _ := b.req(t, "GET", "/cases?payer=x", nil, nil, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fcases%3Fpayer%3Dx" {
		t.Errorf("signed out: %s to %q, want the sign-in page coming back to the list", res.Status, res.Header.Get("Location"))
	}
	res, body := b.req(t, "GET", "/api/v1/cases", nil, nil, nil)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"unauthorized"`) {
		t.Errorf("API signed out: %s %s", res.Status, body)
	}
	res, body = b.form(t, "/login", nil, url.Values{"name": {"staff"}, "password": {"wrong password"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "The user name or the password is wrong.") {
		t.Errorf("wrong password: %s", res.Status)
	}
	res, _ = b.form(t, "/login", nil, url.Values{"name": {"staff"}, "password": {password}, "next": {"//evil.example/x"}})
	if loc := res.Header.Get("Location"); loc != "/today" {
		t.Errorf("sign-in redirected to %q; an address off this site must become /today", loc)
	}
}

// TestCrossOriginPostRefused: a state-changing request a browser sends
// from another site is refused even with a valid session cookie.
func TestCrossOriginPostRefused(t *testing.T) {
	b := newBench(t, nil)
	c := b.login(t, "staff")
	b.newCase(t, c, "ACCT-1")
	body := url.Values{"kind": {"note"}, "date": {"2026-11-27"}, "note": {"x"}}.Encode()
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "https://evil.example"},
	} {
		hdr["Content-Type"] = "application/x-www-form-urlencoded"
		res, out := b.req(t, "POST", "/cases/ACCT-1/events", c, strings.NewReader(body), hdr)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(out, "came from another web site") {
			t.Errorf("%v: %s, want 403", hdr, res.Status)
		}
	}
	es, err := b.db.Events(context.Background(), "ACCT-1")
	if err != nil || len(es) != 0 {
		t.Errorf("after refused posts: %d events, %v; want none", len(es), err)
	}
	res, out := b.req(t, "POST", "/login", nil, strings.NewReader("name=staff&password=x"), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin sign-in: %s %.200s", res.Status, out)
	}
	b.event(t, c, "ACCT-1", url.Values{"kind": {"note"}, "date": {"2026-11-27"}, "note": {"same site"}}, http.StatusSeeOther)
}

// TestSessionExpiry: a session ends after SessionIdle without a request,
// and after SessionMax whatever the activity.
func TestSessionExpiry(t *testing.T) {
	b := newBench(t, nil)
	c := b.login(t, "staff")
	for range 3 { // active every 10 minutes: still signed in after 30
		b.clk.add(10 * time.Minute)
		if res, _ := b.req(t, "GET", "/today", c, nil, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("after 10 minutes' pause: %s", res.Status)
		}
	}
	b.clk.add(16 * time.Minute)
	res, _ := b.req(t, "GET", "/today", c, nil, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "why=idle") {
		t.Fatalf("after 16 idle minutes: %s to %s, want the sign-in page saying why", res.Status, res.Header.Get("Location"))
	}
	if _, _, err := b.db.Session(context.Background(), TokenHash(c.Value)); ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
		t.Errorf("the idle session is still stored: %v", err)
	}
	if res, _ := b.req(t, "GET", "/today", c, nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the old cookie still works: %s", res.Status)
	}

	c = b.login(t, "staff")
	for range 51 { // 51 × 14 min = 11.9 h, busy all along
		b.clk.add(14 * time.Minute)
		if res, _ := b.req(t, "GET", "/today", c, nil, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("busy for %s: %s", b.clk.now().Sub(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)), res.Status)
		}
	}
	b.clk.add(14 * time.Minute)
	res, _ = b.req(t, "GET", "/today", c, nil, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "why=expired") {
		t.Errorf("after 12 busy hours: %s to %s, want expired", res.Status, res.Header.Get("Location"))
	}
}

// TestLockout: LoginAttempts wrong passwords lock the account, even for
// the right password, until LockoutFor has passed; each attempt is audited.
func TestLockout(t *testing.T) {
	b := newBench(t, nil)
	c := b.login(t, "staff") // a session from before the lockout ends with it
	for i := 1; i <= 5; i++ {
		res, body := b.form(t, "/login", nil, url.Values{"name": {"staff"}, "password": {fmt.Sprintf("guess number %d", i)}})
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusForbidden
			if !strings.Contains(body, "now locked for 15 minutes after 5 wrong passwords") {
				t.Errorf("fifth wrong password: %.300s", body)
			}
		}
		if res.StatusCode != want {
			t.Fatalf("wrong password %d: %s, want %d", i, res.Status, want)
		}
	}
	res, body := b.form(t, "/login", nil, url.Values{"name": {"staff"}, "password": {password}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "This account is locked") {
		t.Errorf("right password while locked: %s %.300s", res.Status, body)
	}
	if res, _ := b.req(t, "GET", "/today", c, nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a session from before the lockout still works: %s", res.Status)
	}
	staff := "staff"
	es, err := b.db.Audit(context.Background(), ketacover.AuditFilter{Actor: &staff})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range es {
		count[e.Action]++
		if e.Remote != "192.0.2.7" {
			t.Errorf("audit entry from %q, want the client's address", e.Remote)
		}
	}
	if count[ketacover.AuditLoginFailed] != 5 || count[ketacover.AuditLocked] != 1 {
		t.Errorf("audited %v, want 5 failed sign-ins and 1 lock", count)
	}
	b.clk.add(16 * time.Minute)
	b.login(t, "staff")
}

func TestLoginRateLimit(t *testing.T) {
	b := newBench(t, nil)
	var last *http.Response
	for range 11 {
		last, _ = b.form(t, "/login", nil, url.Values{"name": {"nobody"}, "password": {"whatever it is"}})
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("11th attempt in a minute: %s, want 429 with Retry-After", last.Status)
	}
	b.clk.add(time.Minute)
	if res, _ := b.form(t, "/login", nil, url.Values{"name": {"nobody"}, "password": {"whatever it is"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a minute later: %s, want 401", res.Status)
	}
}

// TestRoles: read-only users cannot write, staff cannot manage users.
func TestRoles(t *testing.T) {
	b := newBench(t, nil)
	staff := b.login(t, "staff")
	b.newCase(t, staff, "ACCT-1")
	reader := b.login(t, "reader")
	admin := b.login(t, "admin")
	tests := []struct {
		name   string
		cookie *http.Cookie
		method string
		target string
		form   url.Values
		want   int
	}{
		{"reader sees Today", reader, "GET", "/today", nil, 200},
		{"reader sees a case", reader, "GET", "/cases/ACCT-1", nil, 200},
		{"reader cannot record an event", reader, "POST", "/cases/ACCT-1/events", url.Values{"kind": {"note"}, "date": {"2026-11-27"}}, 403},
		{"reader cannot create a case", reader, "POST", "/cases", url.Values{"name": {"X"}}, 403},
		{"reader cannot import an 835", reader, "GET", "/era", nil, 403},
		{"reader cannot manage users", reader, "GET", "/admin/users", nil, 403},
		{"staff records an event", staff, "POST", "/cases/ACCT-1/events", url.Values{"kind": {"note"}, "date": {"2026-11-27"}}, 303},
		{"staff cannot list users", staff, "GET", "/admin/users", nil, 403},
		{"staff cannot add a user", staff, "POST", "/admin/users", url.Values{"name": {"mallory"}, "role": {"admin"}, "password": {password}, "password2": {password}}, 403},
		{"staff cannot change a user", staff, "POST", "/admin/users/staff", url.Values{"action": {"role"}, "role": {"admin"}}, 403},
		{"staff cannot read the audit log", staff, "GET", "/admin/audit", nil, 403},
		{"admin lists users", admin, "GET", "/admin/users", nil, 200},
		{"admin reads the audit log", admin, "GET", "/admin/audit?case=ACCT-1", nil, 200},
		{"admin adds a user", admin, "POST", "/admin/users", url.Values{"name": {"nurse"}, "role": {"read-only"}, "password": {password}, "password2": {password}}, 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res *http.Response
			var body string
			if tt.method == "GET" {
				res, body = b.req(t, "GET", tt.target, tt.cookie, nil, nil)
			} else {
				res, body = b.form(t, tt.target, tt.cookie, tt.form)
			}
			if res.StatusCode != tt.want {
				t.Errorf("%s %s: %s, want %d: %.300s", tt.method, tt.target, res.Status, tt.want, body)
			}
		})
	}
	if _, err := b.db.User(context.Background(), "mallory"); ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
		t.Errorf("staff added a user: %v", err)
	}
	// The API: a read-only token cannot write.
	u, _ := b.db.User(context.Background(), "reader")
	if err := b.db.SetToken(context.Background(), u.ID, ketacover.TokenAPI, TokenHash("reader-token")); err != nil {
		t.Fatal(err)
	}
	res, body := b.req(t, "POST", "/api/v1/cases/ACCT-1/events", nil, strings.NewReader(`{"kind":"note","date":"2026-11-27"}`), map[string]string{"Authorization": "Bearer reader-token", "Content-Type": "application/json"})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, `"forbidden"`) {
		t.Errorf("read-only API write: %s %s", res.Status, body)
	}
	if res, _ := b.req(t, "GET", "/api/v1/cases/ACCT-1", nil, nil, map[string]string{"Authorization": "Bearer reader-token"}); res.StatusCode != 200 {
		t.Errorf("read-only API read: %s", res.Status)
	}
}

// TestAuditCaseViews: viewing a case, on a page or through the API, and
// changing it are recorded with who, when, what and from where.
func TestAuditCaseViews(t *testing.T) {
	b := newBench(t, nil)
	c := b.login(t, "staff")
	b.newCase(t, c, "ACCT-7")
	b.req(t, "GET", "/cases/ACCT-7", c, nil, nil)
	b.event(t, c, "ACCT-7", url.Values{"kind": {"pa-submitted"}, "date": {"2026-11-20"}, "method": {"portal"}}, http.StatusSeeOther)
	b.req(t, "GET", "/cases/ACCT-7", c, nil, nil)
	id := "ACCT-7"
	es, err := b.db.Audit(context.Background(), ketacover.AuditFilter{CaseID: &id})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Actor+" "+e.Action+" "+e.Detail)
		if e.Remote != "192.0.2.7" || !e.At.Equal(b.clk.now()) {
			t.Errorf("entry %+v: want the client's address and the server's time", e)
		}
	}
	want := []string{"staff case-view ", "staff event-append pa-submitted #1", "staff case-view ", "staff case-create "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit of ACCT-7, newest first:\n got %q\nwant %q", got, want)
	}
}

// TestWorkbenchLogsCarryNoHealthInformation: a day's work on the workbench
// leaves request lines in the log and none of the case's facts, the
// password or the session secret.
func TestWorkbenchLogsCarryNoHealthInformation(t *testing.T) {
	b := newBench(t, fakeCaseDocs{})
	c := b.login(t, "staff")
	b.newCase(t, c, "ACCT-9")
	b.event(t, c, "ACCT-9", url.Values{"kind": {"pa-submitted"}, "date": {"2026-11-20"}}, http.StatusSeeOther)
	b.event(t, c, "ACCT-9", url.Values{"kind": {"pa-denied"}, "date": {"2026-11-24"}, "reason": {"not medically necessary for depression"}}, http.StatusSeeOther)
	b.event(t, c, "ACCT-9", url.Values{"kind": {"appeal-decided"}, "date": {"2026-11-25"}, "outcome": {"upheld"}}, http.StatusConflict)
	b.req(t, "GET", "/today", c, nil, nil)
	b.req(t, "GET", "/cases?payer=Example+Health+Plan", c, nil, nil)
	b.req(t, "GET", "/cases/ACCT-9", c, nil, nil)
	b.form(t, "/cases/ACCT-9/documents/appeal", c, nil)
	b.upload(t, c, strings.ReplaceAll(testRemit, "ACCT-1001", "ACCT-9"))
	b.req(t, "GET", "/reports", c, nil, nil)
	out := b.logs.String()
	if n := strings.Count(out, `"msg":"request"`); n < 10 {
		t.Errorf("%d request lines, want one per request:\n%s", n, out)
	}
	// The time, duration and size of each request are figures of the
	// run, not of the case: a timestamp's nanoseconds can hold "1180".
	scanned := logFigures.ReplaceAllString(out, "")
	for _, f := range []string{"Ana Ruiz", "ANA", "RUIZ", "1980-01-01", "ZGP123456789", "Example Health Plan", "ACCT-9", "medically necessary", password, c.Value, "CLP*", "1180"} {
		if strings.Contains(scanned, f) {
			t.Errorf("the logs contain %q:\n%s", f, out)
		}
	}
}

// logFigures matches the fields of a request log line that measure the
// request (when, how long, how many bytes) rather than say what it was.
var logFigures = regexp.MustCompile(`"(time|duration_ms|bytes)":("[^"]*"|[0-9.]+)`)

// upload posts an 835 to /era as the form does.
func (b *bench) upload(t *testing.T, c *http.Cookie, remit string) string {
	t.Helper()
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "remit.835")
	io.WriteString(fw, remit)
	mw.Close()
	res, body := b.req(t, "POST", "/era", c, strings.NewReader(buf.String()), map[string]string{"Content-Type": mw.FormDataContentType(), "Sec-Fetch-Site": "same-origin"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %s %.500s", res.Status, body)
	}
	return body
}

// fakeCaseDocs writes a tiny PDF naming the document, the case and the
// denial on its timeline.
type fakeCaseDocs struct{}

func (fakeCaseDocs) CaseDocument(ctx context.Context, kind DocumentKind, sc *ketacover.StoredCase, events []ketacover.Event, day ketacover.Date) (*File, error) {
	denial := "no denial"
	for _, e := range events {
		if e.Kind == ketacover.EventPADenied || e.Kind == ketacover.EventClaimDenied {
			denial = fmt.Sprintf("%s of %s", e.Kind, e.Date)
		}
	}
	body := fmt.Sprintf("%%PDF-1.4\n%% %s for case %s answering %s\n%%%%EOF\n", kind.Label(), sc.ID, denial)
	return &File{Name: sc.ID + "-" + string(kind) + ".pdf", ContentType: "application/pdf", Data: []byte(body)}, nil
}

// TestWorkbenchFlow: a staff member creates a case, records a denial,
// sees the appeal deadline on Today, imports an 835 whose denial attaches
// to the case, writes the appeal, and the reports count it all.
func TestWorkbenchFlow(t *testing.T) {
	b := newBench(t, fakeCaseDocs{})
	c := b.login(t, "staff")
	b.newCase(t, c, "ACCT-1001")
	b.event(t, c, "ACCT-1001", url.Values{"kind": {"pa-submitted"}, "date": {"2026-11-02"}, "method": {"portal"}}, http.StatusSeeOther)
	body := b.event(t, c, "ACCT-1001", url.Values{"kind": {"pa-approved"}, "date": {"bad"}}, http.StatusBadRequest)
	if !strings.Contains(body, "Enter the date as YYYY-MM-DD") || !strings.Contains(body, `value="pa-approved" selected`) && !strings.Contains(body, `<option selected>pa-approved</option>`) {
		t.Errorf("a bad date re-shows the form with the message and the choice kept")
	}
	b.event(t, c, "ACCT-1001", url.Values{"kind": {"pa-denied"}, "date": {"2026-11-20"}, "class": {"medical-necessity"}}, http.StatusSeeOther)
	_, page := b.req(t, "GET", "/today", c, nil, nil)
	for _, want := range []string{"Due in the next 14 days", "Denials to work", "ACCT-1001", "medical-necessity"} {
		if !strings.Contains(page, want) {
			t.Errorf("Today lacks %q", want)
		}
	}
	_, page = b.req(t, "GET", "/today?days=365", c, nil, nil)
	if !strings.Contains(page, "appeal") {
		t.Errorf("Today (365 days) lacks the appeal deadline")
	}
	_, list := b.req(t, "GET", "/cases?phase=denied", c, nil, nil)
	if !strings.Contains(list, `href="/cases/ACCT-1001"`) || !strings.Contains(list, "1 case.") {
		t.Errorf("the list of denied cases lacks the case")
	}
	if _, list := b.req(t, "GET", "/cases?phase=authorized", c, nil, nil); strings.Contains(list, `href="/cases/ACCT-1001"`) {
		t.Errorf("the list of authorized cases has the denied case")
	}
	page = b.upload(t, c, testRemit)
	for _, want := range []string{"1 recorded, 0 not recorded, 1 matched no case", `<a href="/cases/ACCT-1001">ACCT-1001</a></td><td>claim-denied`, "Claim ZZZ-9"} {
		if !strings.Contains(page, want) {
			t.Errorf("the import page lacks %q", want)
		}
	}
	res, pdf := b.form(t, "/cases/ACCT-1001/documents/appeal", c, nil)
	if res.StatusCode != 200 || !strings.Contains(pdf, "Appeal letter for case ACCT-1001 answering claim-denied of 2026-11-24") {
		t.Errorf("appeal PDF: %s %q", res.Status, pdf)
	}
	_, rep := b.req(t, "GET", "/reports", c, nil, nil)
	if !strings.Contains(rep, "<svg") || !strings.Contains(rep, "<td>Example Health Plan</td><td>IV ketamine</td><td>0</td><td>1</td><td>0%</td><td>18</td>") {
		t.Errorf("reports lack the denial 18 days after the request:\n%.3000s", rep[strings.Index(rep, "<main"):])
	}
	res, csv := b.req(t, "GET", "/reports.csv?table=decisions", c, nil, nil)
	if res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(csv, "Example Health Plan,ketamine-iv,0,1,0%,18,18.0") {
		t.Errorf("csv: %s %q", res.Header.Get("Content-Type"), csv)
	}
	// The calendar subscription: a secret address, no cookie needed.
	_, acct := b.form(t, "/account/calendar", c, nil)
	i := strings.Index(acct, "/calendar/")
	if i < 0 {
		t.Fatalf("no calendar address on the account page")
	}
	addr := acct[i : i+strings.Index(acct[i:], `"`)]
	res, ics := b.req(t, "GET", addr, nil, nil, nil)
	if res.StatusCode != 200 || !strings.Contains(ics, "BEGIN:VCALENDAR") || !strings.Contains(ics, "case ACCT-1001") {
		t.Errorf("calendar feed %s: %s %.300s", addr, res.Status, ics)
	}
	if res, _ := b.req(t, "GET", "/calendar/not-the-secret.ics", nil, nil, nil); res.StatusCode != 404 {
		t.Errorf("a wrong calendar secret: %s", res.Status)
	}
}

// TestCaseListPages: the list shows pageSize cases a page, newest first or
// by next deadline, with links to the other pages that keep the filters;
// a case written after a page was seen shows on the next request.
func TestCaseListPages(t *testing.T) {
	b := newBench(t, nil)
	for i := range 120 {
		c := storetest.SampleCase(i)
		c.ID = fmt.Sprintf("P-%03d", i)
		storetest.MustCreate(t, b.db, c)
		if i%3 != 0 { // requested: a decision is due
			for _, e := range storetest.SampleEvents(c.ID, i, 2) {
				storetest.MustAppend(t, b.db, &e)
			}
		}
	}
	c := b.login(t, "staff")
	rows := func(page string) []string {
		t.Helper()
		var ids []string
		for rest := page; ; {
			i := strings.Index(rest, `<td><a href="/cases/`)
			if i < 0 {
				return ids
			}
			rest = rest[i+len(`<td><a href="/cases/`):]
			ids = append(ids, rest[:strings.IndexByte(rest, '"')])
		}
	}
	links := func(page string) map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, rel := range []string{"first", "prev", "next", "last"} {
			if m := regexp.MustCompile(`href="([^"]*)" rel="` + rel + `"`).FindStringSubmatch(page); m != nil {
				out[rel] = html.UnescapeString(m[1])
			}
		}
		return out
	}

	_, p1 := b.req(t, "GET", "/cases", c, nil, nil)
	if got := rows(p1); len(got) != 50 || got[0] != "P-119" || got[49] != "P-070" {
		t.Errorf("page 1: %d rows %v…, want 50 from P-119 to P-070", len(got), got[:min(3, len(got))])
	}
	if !strings.Contains(p1, "120 cases, page 1 of 3.") {
		t.Errorf("page 1 lacks its count")
	}
	if diff := cmp.Diff(map[string]string{"next": "/cases?page=2", "last": "/cases?page=3"}, links(p1)); diff != "" {
		t.Errorf("page 1 links (-want +got):\n%s", diff)
	}
	_, p3 := b.req(t, "GET", "/cases?page=3", c, nil, nil)
	if got := rows(p3); len(got) != 20 || got[19] != "P-000" {
		t.Errorf("page 3: %d rows, want the last 20 ending with P-000", len(got))
	}
	if diff := cmp.Diff(map[string]string{"first": "/cases", "prev": "/cases?page=2"}, links(p3)); diff != "" {
		t.Errorf("page 3 links (-want +got):\n%s", diff)
	}

	// Filtered and sorted: the links keep the filter and the order.
	_, f1 := b.req(t, "GET", "/cases?payer=Aetna&sort=due", c, nil, nil)
	if !strings.Contains(f1, "24 cases.") || len(rows(f1)) != 24 {
		t.Errorf("Aetna's cases: %d rows, want 24 on one page", len(rows(f1)))
	}
	_, f1 = b.req(t, "GET", "/cases?therapy=esketamine&sort=due", c, nil, nil)
	if diff := cmp.Diff(map[string]string{"next": "/cases?page=2&sort=due&therapy=esketamine", "last": "/cases?page=2&sort=due&therapy=esketamine"}, links(f1)); diff != "" {
		t.Errorf("esketamine's page 1 links (-want +got):\n%s", diff)
	}
	_, f2 := b.req(t, "GET", "/cases?therapy=esketamine&sort=due&page=2", c, nil, nil)
	if diff := cmp.Diff(map[string]string{"first": "/cases?sort=due&therapy=esketamine", "prev": "/cases?sort=due&therapy=esketamine"}, links(f2)); diff != "" {
		t.Errorf("esketamine's page 2 links (-want +got):\n%s", diff)
	}
	if !strings.Contains(f2, "90 cases, page 2 of 2.") || !strings.Contains(f2, `<option value="esketamine" selected>`) || !strings.Contains(f2, `<option value="due" selected>`) {
		t.Errorf("esketamine's page 2 does not show the filter it applies and its count")
	}
	// By next deadline, the whole list is in order of its dates, the
	// cases with no clock running last.
	var dues []string
	for p := 1; p <= 3; p++ {
		_, pg := b.req(t, "GET", fmt.Sprintf("/cases?sort=due&page=%d", p), c, nil, nil)
		for _, m := range regexp.MustCompile(`<td>(?:<span class="nowrap">(\d{4}-\d\d-\d\d)</span>.*?|(—))</td>\n</tr>`).FindAllStringSubmatch(pg, -1) {
			dues = append(dues, m[1]+m[2])
		}
	}
	undated := slices.Index(dues, "—")
	if len(dues) != 120 || undated < 50 || !slices.IsSorted(dues[:undated]) || slices.ContainsFunc(dues[undated:], func(d string) bool { return d != "—" }) {
		t.Errorf("by next deadline, the %d rows' dates are %v; want 120, the dates in order and then the cases without one", len(dues), dues)
	}

	// A new case shows at once: the store's revision moved, so the lists
	// kept with the old board are gone.
	b.newCase(t, c, "P-NEW")
	_, p1 = b.req(t, "GET", "/cases", c, nil, nil)
	if got := rows(p1); got[0] != "P-NEW" || !strings.Contains(p1, "121 cases, page 1 of 3.") {
		t.Errorf("after a new case, page 1 starts %v", got[:1])
	}
}

// TestTodayKeptPerBoardAndRole: Today's body is rendered once per board
// for each role, so a reader never sees a staff member's buttons, and a
// denial recorded after Today was seen shows on the next request.
func TestTodayKeptPerBoardAndRole(t *testing.T) {
	b := newBench(t, nil)
	staff, reader := b.login(t, "staff"), b.login(t, "reader")
	b.newCase(t, staff, "ACCT-5")
	_, page := b.req(t, "GET", "/today", staff, nil, nil)
	if !strings.Contains(page, `href="/cases/new"`) || !strings.Contains(page, "No denial is waiting for an appeal.") {
		t.Errorf("staff's Today lacks the new-case button or the empty denials list")
	}
	_, page = b.req(t, "GET", "/today", reader, nil, nil)
	if strings.Contains(page, `href="/cases/new"`) || strings.Contains(page, `href="/era"`) {
		t.Errorf("the reader's Today offers changes a reader cannot make")
	}
	b.event(t, staff, "ACCT-5", url.Values{"kind": {"pa-submitted"}, "date": {"2026-11-20"}}, http.StatusSeeOther)
	b.event(t, staff, "ACCT-5", url.Values{"kind": {"pa-denied"}, "date": {"2026-11-24"}}, http.StatusSeeOther)
	for _, c := range []*http.Cookie{reader, staff} {
		if _, page := b.req(t, "GET", "/today", c, nil, nil); !strings.Contains(page, `<a href="/cases/ACCT-5">ACCT-5</a> <span class="muted">Ana Ruiz</span></td><td>Example Health Plan</td><td class="nowrap">2026-11-24</td>`) {
			t.Errorf("Today after the denial lacks it")
		}
	}
}
