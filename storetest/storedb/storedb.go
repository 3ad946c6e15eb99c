// Package storedb opens a real, empty case database for the tests of
// packages above the store (web, tracking): SQLite in a temporary file, or
// PostgreSQL when KETACOVER_TEST_PG names a server, so the same tests run
// on both engines.
package storedb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/postgres"
	"github.com/ketacover/ketacover/sqlite"
)

// DB is a case database with its users, sessions, tokens and audit trail.
type DB interface {
	ketacover.Store
	ketacover.UserStore
	ketacover.AuditLog
	Revision(ctx context.Context) (int64, error)
}

// Env names the PostgreSQL DSN whose role may create databases.
const Env = "KETACOVER_TEST_PG"

// Open returns an empty database, closed (and on PostgreSQL dropped) when
// the test ends. now is the store's clock (nil: time.Now).
func Open(tb testing.TB, now func() time.Time) DB {
	tb.Helper()
	ctx := context.Background()
	dsn := os.Getenv(Env)
	if dsn == "" {
		d, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "k.db"), sqlite.Options{Now: now})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { d.Close() })
		return d
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := fmt.Sprintf("ketacover_w_%d_%s", os.Getpid(), hex.EncodeToString(b))
	if err := admin(ctx, dsn, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("%s: create database: %v", Env, err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("%s: want a postgres:// URL: %v", Env, err)
	}
	u.Path = "/" + name
	d, err := postgres.Open(ctx, u.String(), postgres.Options{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		d.Close()
		if err := admin(ctx, dsn, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			tb.Errorf("drop %s: %v", name, err)
		}
	})
	return d
}

func admin(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
