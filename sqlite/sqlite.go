// Package sqlite is the default ketacover.Store: one SQLite file (pure Go,
// WAL, foreign keys on), optionally encrypted at rest.
//
// # Encryption
//
// With a key (Options.Key; the command line reads it from KETACOVER_DB_KEY)
// every page of the database and its WAL is encrypted with Adiantum by
// ncruces/go-sqlite3's "adiantum" VFS. The key is a passphrase; the 256-bit
// file key is derived from it with Argon2id exactly as that VFS derives a
// "textkey", so the file can also be opened by other ncruces-based tools
// with file:PATH?vfs=adiantum&textkey=PASSPHRASE. A wrong key, a key given
// for a plain file and no key for an encrypted file are each reported as a
// clear EINVALID error.
//
// # Backup and restore
//
// DB.Backup writes a consistent copy of a live database with VACUUM INTO,
// encrypted with the same key. To restore: stop every ketacover process
// using the database, move the database file and its -wal and -shm files
// aside, copy the backup to the database path, and open it as usual (with
// the same key if it was encrypted).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"
	_ "github.com/ncruces/go-sqlite3/vfs/adiantum" // registers the "adiantum" encrypting VFS
	"golang.org/x/crypto/argon2"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options are the settings of an opened database.
type Options struct {
	// Key is the passphrase that encrypts the file; empty for a plain file.
	// A database is created encrypted or plain and stays so.
	Key string
	// Now returns the current time; nil means time.Now. Each write
	// transaction reads it once.
	Now func() time.Time
	// BusyTimeout is how long a write waits for another writer (another
	// process on the same file) before failing; zero means 10 seconds.
	BusyTimeout time.Duration
	// CacheKiB is each connection's page cache in KiB; zero means 16 MiB,
	// for a long-running server that reads the same pages again. A command
	// that reads once and exits gains nothing from a large cache and pays
	// for it: a fresh connection allocates its cache page by page, which
	// was a fifth of a first 10,000-case deadline listing. SQLite's own
	// default, 2000, suits it.
	CacheKiB int
}

// CLICacheKiB is the page cache a command-line run opens its store with
// (see Options.CacheKiB): SQLite's default.
const CLICacheKiB = 2000

// DB is a ketacover database in one SQLite file. It is safe for concurrent
// use, and several processes may open the same file.
type DB struct {
	db     *sql.DB
	path   string
	hexkey string // derived file key; "" when the file is not encrypted
	// Now returns the current time (see Options.Now).
	Now func() time.Time
}

var _ ketacover.Store = (*DB)(nil)

// DefaultPath returns the default database file:
// $XDG_DATA_HOME/ketacover/ketacover.db, or
// ~/.local/share/ketacover/ketacover.db when XDG_DATA_HOME is unset.
// getenv is os.Getenv or a test's replacement.
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ketacover", "ketacover.db"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", ketacover.Errorf(ketacover.EINVALID, "no database path: set --db, KETACOVER_DB, XDG_DATA_HOME or HOME")
	}
	return filepath.Join(home, ".local", "share", "ketacover", "ketacover.db"), nil
}

// sqliteHeader is the first 16 bytes of every plain SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// Open opens (creating when absent) the database file at path, applies any
// pending migrations and returns it. The file and its folder are created
// readable by the owner only. Returns EINVALID for a wrong or missing key.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, ketacover.Errorf(ketacover.EINVALID, "database %q: want the path of a database file", path)
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database path: %w", err)
	}
	if err := create(path); err != nil {
		return nil, err
	}
	if err := checkKeyFits(path, opt.Key != ""); err != nil {
		return nil, err
	}
	d := &DB{path: path, Now: opt.Now}
	if d.Now == nil {
		d.Now = time.Now
	}
	if opt.Key != "" {
		d.hexkey = deriveKey(opt.Key)
	}
	busy := opt.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	cache := opt.CacheKiB
	if cache <= 0 {
		cache = 16384
	}
	d.db, err = driver.Open(d.dsn(path, busy, cache))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Every connection is a separate SQLite instance; a few serve the
	// readers, and writers queue on the file's write lock anyway.
	d.db.SetMaxOpenConns(4)
	d.db.SetMaxIdleConns(4)
	if err := d.migrate(ctx); err != nil {
		d.db.Close()
		return nil, d.openError(err)
	}
	return d, nil
}

// dsn returns the connection URI for path: the key first (the VFS reads it
// when it opens the file), then the busy timeout, then the rest.
func (d *DB) dsn(path string, busy time.Duration, cacheKiB int) string {
	q := url.Values{}
	if d.hexkey != "" {
		q.Set("vfs", "adiantum")
		q.Set("hexkey", d.hexkey)
	}
	enc := q.Encode()
	if enc != "" {
		enc += "&"
	}
	// journal_mode(wal) lets readers run beside a writer; synchronous(full)
	// makes a returned commit durable across power loss, not only across a
	// crash of this process; temp_store(memory) keeps sort spills out of
	// temporary files; cache_size(-N) gives each connection up to N KiB of
	// page cache (16 MiB by default: enough to walk 10,000 cases'
	// timelines without reading a page twice).
	enc += "_pragma=busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")" +
		"&_pragma=foreign_keys(1)&_pragma=journal_mode(wal)&_pragma=synchronous(full)&_pragma=temp_store(memory)" +
		"&_pragma=cache_size(-" + strconv.Itoa(cacheKiB) + ")"
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + enc
}

// create makes the database's folder (owner only) and an empty database
// file readable by the owner only, unless the file exists.
func create(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create database folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return f.Close()
}

// checkKeyFits compares the file's first bytes with whether a key was
// given, so that a plain file opened with a key, or an encrypted file
// opened without one, is named as such instead of failing deep inside
// SQLite as "file is not a database".
func checkKeyFits(path string, key bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
		return nil // empty: a new database, plain or encrypted as asked
	}
	plain := string(head[:n]) == sqliteHeader
	switch {
	case plain && key:
		return ketacover.Errorf(ketacover.EINVALID, "database %s is not encrypted, but a key was given (KETACOVER_DB_KEY): unset the key to open it", path)
	case !plain && !key:
		return ketacover.Errorf(ketacover.EINVALID, "database %s is encrypted (or is not a SQLite database): set KETACOVER_DB_KEY to its key", path)
	}
	return nil
}

// openError turns SQLite's "file is not a database" on an encrypted file
// into the likely cause: the key does not match.
func (d *DB) openError(err error) error {
	if d.hexkey != "" && (errors.Is(err, sqlite3.NOTADB) || errors.Is(err, sqlite3.CORRUPT)) {
		return ketacover.Errorf(ketacover.EINVALID, "database %s: wrong key (KETACOVER_DB_KEY), or the file is not a ketacover database", d.path)
	}
	if errors.Is(err, sqlite3.NOTADB) {
		return ketacover.Errorf(ketacover.EINVALID, "database %s: not a SQLite database", d.path)
	}
	return fmt.Errorf("open database %s: %w", d.path, err)
}

// kdfPepper is the salt the adiantum VFS uses for a "textkey"; using it
// here keeps files readable by that VFS given the same passphrase.
const kdfPepper = "github.com/ncruces/go-sqlite3/vfs/adiantum"

// deriveKey turns a passphrase into the hex file key, once per Open
// (Argon2id with 64 MiB is deliberately slow; every pooled connection
// reuses the result).
func deriveKey(passphrase string) string {
	return hex.EncodeToString(argon2.IDKey([]byte(passphrase), []byte(kdfPepper), 3, 64*1024, 4, 32))
}

// Path returns the database file's absolute path.
func (d *DB) Path() string { return d.path }

// Encrypted reports whether the database file is encrypted.
func (d *DB) Encrypted() bool { return d.hexkey != "" }

// Close closes the database. When the last connection to the file closes,
// SQLite checkpoints the WAL into the main file.
func (d *DB) Close() error { return d.db.Close() }

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
		base := filepath.Base(n)
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

// migrate applies every migration not yet recorded, each in its own
// transaction, and refuses a database written by a newer ketacover.
func (d *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		version INTEGER PRIMARY KEY,
		name    TEXT    NOT NULL,
		applied INTEGER NOT NULL
	) STRICT`); err != nil {
		return err
	}
	var newest int
	if err := d.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM migrations`).Scan(&newest); err != nil {
		return err
	}
	if known := ms[len(ms)-1].version; newest > known {
		return ketacover.Errorf(ketacover.EINVALID, "database %s has schema version %d, newer than this ketacover knows (%d): upgrade ketacover", d.path, newest, known)
	}
	applied := false
	for _, m := range ms {
		ok, err := d.apply(ctx, m)
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		applied = applied || ok
	}
	if applied {
		// Write the new schema into the main file now: until the first
		// checkpoint the main file is empty and its header unwritten, and
		// an empty main file cannot tell a wrong key from a new database.
		if _, err := d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("checkpoint after migration: %w", err)
		}
	}
	return nil
}

// apply runs one migration in a write transaction unless another process
// already has; it reports whether it ran it.
func (d *DB) apply(ctx context.Context, m migration) (bool, error) {
	tx, err := d.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one migrator at a time
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (version, name, applied) VALUES (?, ?, ?)`,
		m.version, m.name, records.StoredTime(d.Now()).UnixMicro()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
