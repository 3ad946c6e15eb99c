// Package postgres is the ketacover.Store for a PostgreSQL server, chosen
// with a postgres:// DSN, for clinics that run one database for many users.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketacover/ketacover"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options are the settings of an opened database.
type Options struct {
	// Now returns the current time; nil means time.Now. Each transaction
	// reads it once.
	Now func() time.Time
}

// DB is a ketacover database on a PostgreSQL server. It is safe for
// concurrent use.
type DB struct {
	pool *pgxpool.Pool
	// Now returns the current time (see Options.Now).
	Now func() time.Time
}

var _ ketacover.Store = (*DB)(nil)

// IsDSN reports whether s names a PostgreSQL database
// (postgres://… or postgresql://…).
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database dsn names, applies any pending migrations
// and returns it.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message can quote the DSN, password included: do not show it.
		return nil, ketacover.Errorf(ketacover.EINVALID, "database: not a valid PostgreSQL connection string (want postgres://USER@HOST/DB?…)")
	}
	return openConfig(ctx, cfg, opt)
}

func openConfig(ctx context.Context, cfg *pgxpool.Config, opt Options) (*DB, error) {
	d := &DB{Now: opt.Now}
	if d.Now == nil {
		d.Now = time.Now
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database %s: %w", cfg.ConnConfig.Database, err)
	}
	d.pool = pool
	if err := d.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: %w", cfg.ConnConfig.Database, err)
	}
	return d, nil
}

// Close closes every connection.
func (d *DB) Close() error {
	d.pool.Close()
	return nil
}

// maxAttempts bounds Transact's retries.
const maxAttempts = 10

// Transact runs fn in a transaction with opts and commits it, retrying the
// whole transaction, fn included, when PostgreSQL aborts it for a
// serialization failure (SQLSTATE 40001) or a deadlock (40P01): fn must
// have no effect outside tx. fn's own error is returned unchanged.
func (d *DB) Transact(ctx context.Context, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := d.transactOnce(ctx, opts, fn)
		if err == nil || !retryable(err) || attempt == maxAttempts {
			return err
		}
		// Back off a little, at random, so the rivals do not meet again.
		wait := time.Duration(rand.Int64N(int64(attempt) * int64(5*time.Millisecond)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

func (d *DB) transactOnce(ctx context.Context, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	tx, err := d.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// retryable reports whether err aborted a transaction that may succeed
// when run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// pgCode returns the SQLSTATE of err, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// migration is one embedded schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order. Names
// are NNNN_words.sql; versions are unique.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: want a name like 0001_what.sql", base)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same version %d", prev, base, v)
		}
		seen[v] = base
		b, err := migrations.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, base, string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrateLock is the advisory lock that makes processes starting at once
// migrate one after another.
const migrateLock = 0x6b657461 // "keta"

// migrate applies every migration not yet recorded, each in its own
// transaction, and refuses a database written by a newer ketacover.
func (d *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	for i, m := range ms {
		err := d.Transact(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
				return err
			}
			if i == 0 {
				if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (
					version integer PRIMARY KEY,
					name    text        NOT NULL,
					applied timestamptz NOT NULL
				)`); err != nil {
					return err
				}
				var newest int
				if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM migrations`).Scan(&newest); err != nil {
					return err
				}
				if known := ms[len(ms)-1].version; newest > known {
					return ketacover.Errorf(ketacover.EINVALID, "schema version %d is newer than this ketacover knows (%d): upgrade ketacover", newest, known)
				}
			}
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM migrations WHERE version = $1)`, m.version).Scan(&done); err != nil {
				return err
			}
			if done {
				return nil
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO migrations (version, name, applied) VALUES ($1, $2, $3)`, m.version, m.name, d.Now())
			return err
		})
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINTERNAL {
				return err
			}
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}
