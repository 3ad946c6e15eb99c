package main

import (
	"context"
	"flag"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/postgres"
	"github.com/ketacover/ketacover/sqlite"
)

// dbUsage is the help text of --db, for every command that reads or writes
// stored cases.
const dbUsage = "the case database: a SQLite file, or postgres://… for a PostgreSQL server (default $KETACOVER_DB, else $XDG_DATA_HOME/ketacover/ketacover.db or ~/.local/share/ketacover/ketacover.db)"

// dbFlag defines --db on fs.
func dbFlag(fs *flag.FlagSet) *string { return fs.String("db", "", dbUsage) }

// openStore opens the case store named by dsn (the --db value; "" when the
// flag was not given), else by KETACOVER_DB, else the default SQLite file,
// applying any pending migrations. postgres:// and postgresql:// DSNs open
// PostgreSQL; anything else is a SQLite file, encrypted with
// KETACOVER_DB_KEY when that is set.
func openStore(ctx context.Context, e *env, dsn string) (ketacover.Store, error) {
	return openStoreCache(ctx, e, dsn, sqlite.CLICacheKiB)
}

// openServerStore is openStore for ketacover serve, which keeps its
// connections and reads the same pages again: SQLite's page cache at the
// store's default size rather than a one-shot command's.
func openServerStore(ctx context.Context, e *env, dsn string) (ketacover.Store, error) {
	return openStoreCache(ctx, e, dsn, 0)
}

func openStoreCache(ctx context.Context, e *env, dsn string, cacheKiB int) (ketacover.Store, error) {
	if dsn == "" {
		dsn = e.getenv("KETACOVER_DB")
	}
	key := e.getenv("KETACOVER_DB_KEY")
	if postgres.IsDSN(dsn) {
		if key != "" {
			return nil, ketacover.Errorf(ketacover.EINVALID, "KETACOVER_DB_KEY encrypts SQLite files only; a PostgreSQL database is encrypted at rest by its server's storage: unset KETACOVER_DB_KEY to use %s", "a postgres:// database")
		}
		return postgres.Open(ctx, dsn, postgres.Options{Now: e.now})
	}
	if dsn == "" {
		var err error
		if dsn, err = sqlite.DefaultPath(e.getenv); err != nil {
			return nil, err
		}
	}
	return sqlite.Open(ctx, dsn, sqlite.Options{Key: key, Now: e.now, CacheKiB: cacheKiB})
}

// storedCase reads the stored case with ID arg and its timeline for a
// command that was given a case ID where a case file could also go, and
// records the read in the audit trail as action with detail. The case's
// ID is the stored one when the case itself names none.
func storedCase(ctx context.Context, e *env, arg, db, action, detail string) (*ketacover.Case, []ketacover.Event, error) {
	s, err := openStore(ctx, e, db)
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	sc, err := s.Case(ctx, arg)
	if err != nil {
		if ketacover.ErrorCode(err) == ketacover.ENOTFOUND {
			return nil, nil, ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such case file, and no stored case with that ID", arg)
		}
		return nil, nil, err
	}
	events, err := s.Events(ctx, sc.ID)
	if err != nil {
		return nil, nil, err
	}
	if err := auditCLI(ctx, e, s, "", action, sc.ID, detail); err != nil {
		return nil, nil, err
	}
	c := sc.Case
	if c.ID == "" {
		c.ID = sc.ID
	}
	return &c, events, nil
}
