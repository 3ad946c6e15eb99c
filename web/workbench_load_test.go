package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/sqlite"
	"github.com/ketacover/ketacover/storetest"
)

// Load benchmarks of the workbench over 10,000 stored cases (SQLite, in a
// temporary file made at bench time): Today and the case list, 50 users
// signed in, each sending its next request when the last is answered.
// Every request checks the session and writes its audit entry.
//
//	go test ./web -run '^$' -bench 'BenchmarkLoadWorkbench' -benchtime 5000x
const workbenchUsers = 50

func BenchmarkLoadWorkbenchToday(b *testing.B) {
	workbenchLoad(b, "/today", "Denials to work")
}

func BenchmarkLoadWorkbenchCaseList(b *testing.B) {
	workbenchLoad(b, "/cases?payer=Aetna&sort=due", "Next deadline")
}

func workbenchLoad(b *testing.B, target, want string) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "k.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for i := range 10000 {
		sc := storetest.MustCreate(b, db, storetest.SampleCase(i))
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
		b.Fatal(err)
	}
	if err := db.CreateUser(ctx, &ketacover.User{Name: "staff", Role: ketacover.RoleStaff, PasswordHash: hash}); err != nil {
		b.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	s, err := New(cfg, Deps{Library: library(b), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Today: func() ketacover.Date { return ketacover.MustDate("2026-06-01") }, Store: db, Users: db, Audit: db})
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
		u, _ := db.User(ctx, "staff")
		now := s.now()
		if err := db.CreateSession(ctx, &ketacover.Login{ID: h, UserID: u.ID, Created: now, Seen: now, Remote: "127.0.0.1"}); err != nil {
			b.Fatal(err)
		}
		cookies[i] = cookieName + "=" + secret
	}
	var next atomic.Int64
	runLoad(b, s, workbenchUsers, func() (*http.Request, error) {
		req, err := http.NewRequest("GET", target, nil)
		if err == nil {
			req.Header.Set("Cookie", cookies[int(next.Add(1))%len(cookies)])
		}
		return req, err
	}, want)
}
