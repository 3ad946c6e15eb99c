package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/sqlite"
	"github.com/ketacover/ketacover/storetest"
)

// Load benchmarks of the workbench over 10,000 stored cases (SQLite, in a
// temporary file made at bench time and shared by the benchmarks of one
// run): Today and the case list, 50 users signed in, each sending its next
// request when the last is answered. Every request checks the session and
// writes its audit entry.
//
//	go test ./web -run '^$' -bench 'Workbench' -benchtime 5000x
const (
	workbenchUsers = 50
	workbenchCases = 10000
)

func BenchmarkLoadWorkbenchToday(b *testing.B) {
	workbenchLoad(b, []string{"/today"}, "Denials to work")
}

func BenchmarkLoadWorkbenchCaseList(b *testing.B) {
	workbenchLoad(b, []string{"/cases?payer=Aetna&sort=due"}, "Next deadline")
}

// BenchmarkLoadWorkbenchCaseListMixed: the users page through the whole
// list (all 200 pages) and through filtered lists, so rows and lists are
// made as they are first asked for, not once before the clock starts.
func BenchmarkLoadWorkbenchCaseListMixed(b *testing.B) {
	var targets []string
	for p := 1; p <= workbenchCases/pageSize; p++ {
		targets = append(targets, fmt.Sprintf("/cases?page=%d", p))
	}
	for _, f := range []string{"payer=Aetna&sort=due", "phase=denied", "due=overdue&sort=due", "state=TX&therapy=ketamine-iv", "due=14", "payer=Highmark&phase=authorized", "sort=due"} {
		for p := 1; p <= 5; p++ {
			targets = append(targets, fmt.Sprintf("/cases?%s&page=%d", f, p))
		}
	}
	workbenchLoad(b, targets, "Next deadline")
}

// BenchmarkWorkbenchTodayAfterWrite is the cost of Today right after a
// case changed: the write moves the store's revision, so the request
// rebuilds the board from every timeline and renders Today's body again.
// One request at a time, in process, no network.
func BenchmarkWorkbenchTodayAfterWrite(b *testing.B) {
	s, db, cookies := workbenchServer(b)
	defer db.Close()
	h := s.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		ev := &ketacover.Event{CaseID: fmt.Sprintf("BENCH-%05d", i%workbenchCases), Kind: ketacover.EventNote, Date: ketacover.MustDate("2026-06-01"), Actor: "staff", Source: ketacover.SourceWeb, Note: "called the payer"}
		if err := db.Append(context.Background(), ev, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		r := httptest.NewRequest("GET", "/today", nil)
		r.Header.Set("Cookie", cookies[0])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Denials to work") {
			b.Fatalf("GET /today: %d %.300s", w.Code, w.Body.String())
		}
	}
}

func workbenchLoad(b *testing.B, targets []string, want string) {
	s, db, cookies := workbenchServer(b)
	defer db.Close()
	var next atomic.Int64
	runLoad(b, s, workbenchUsers, func() (*http.Request, error) {
		n := int(next.Add(1))
		req, err := http.NewRequest("GET", targets[n%len(targets)], nil)
		if err == nil {
			req.Header.Set("Cookie", cookies[n%len(cookies)])
		}
		return req, err
	}, want)
}

// workbenchDB is the database of 10,000 cases the benchmarks share: made
// once per run (a minute of inserts), removed by TestMain.
var workbenchDB struct {
	once sync.Once
	dir  string
	err  error
}

// workbenchServer opens the shared database and serves the workbench on
// it with one signed-in session per user (the cookies to send).
func workbenchServer(b *testing.B) (*Server, *sqlite.DB, []string) {
	ctx := context.Background()
	workbenchDB.once.Do(func() {
		if workbenchDB.dir, workbenchDB.err = os.MkdirTemp("", "ketacover-bench-"); workbenchDB.err != nil {
			return
		}
		workbenchDB.err = fillWorkbench(b, filepath.Join(workbenchDB.dir, "k.db"))
	})
	if workbenchDB.err != nil {
		b.Fatal(workbenchDB.err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(workbenchDB.dir, "k.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	s, err := New(cfg, Deps{Library: library(b), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Today: func() ketacover.Date { return ketacover.MustDate("2026-06-01") }, Store: db, Users: db, Audit: db})
	if err != nil {
		b.Fatal(err)
	}
	u, err := db.User(ctx, "staff")
	if err != nil {
		b.Fatal(err)
	}
	// One session per user, as 50 coordinators signed in.
	cookies := make([]string, workbenchUsers)
	for i := range cookies {
		secret, h, err := NewToken()
		if err != nil {
			b.Fatal(err)
		}
		now := s.now()
		if err := db.CreateSession(ctx, &ketacover.Login{ID: h, UserID: u.ID, Created: now, Seen: now, Remote: "127.0.0.1"}); err != nil {
			b.Fatal(err)
		}
		cookies[i] = cookieName + "=" + secret
	}
	return s, db, cookies
}

// fillWorkbench stores the benchmark's cases (storetest.SampleCase with
// 2-5 events each, a fifth of them denied) and the user staff.
func fillWorkbench(b *testing.B, path string) error {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	for i := range workbenchCases {
		c := storetest.SampleCase(i)
		c.ID = fmt.Sprintf("BENCH-%05d", i)
		sc := storetest.MustCreate(b, db, c)
		n := 2 + i%4
		for k, e := range storetest.SampleEvents(sc.ID, i, n) {
			if i%5 == 0 && k == 2 { // a fifth of the requests are denied
				e.Kind, e.Details = ketacover.EventPADenied, ketacover.Details{DenialClass: "medical-necessity"}
				storetest.MustAppend(b, db, &e)
				break
			}
			storetest.MustAppend(b, db, &e)
		}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return db.CreateUser(ctx, &ketacover.User{Name: "staff", Role: ketacover.RoleStaff, PasswordHash: hash})
}
