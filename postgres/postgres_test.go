package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/storetest"
)

var ctx = context.Background()

// testEnv names the variable holding the DSN of a database the tests may
// create databases from; .ci/run sets it.
const testEnv = "KETACOVER_TEST_PG"

// The template database: migrated once per test binary, then cloned for
// each test with CREATE DATABASE … TEMPLATE, which copies files instead of
// running the migrations again.
var (
	tplOnce sync.Once
	tplName string
	tplErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tplName != "" {
		if err := dropDatabase(tplName); err != nil {
			fmt.Fprintln(os.Stderr, "drop template:", err)
		}
	}
	os.Exit(code)
}

// adminConfig returns the configuration of the database named by
// KETACOVER_TEST_PG, or skips the test when it is unset.
func adminConfig(tb testing.TB) *pgxpool.Config {
	tb.Helper()
	dsn := os.Getenv(testEnv)
	if dsn == "" {
		tb.Skipf("%s is not set: set it to a PostgreSQL DSN whose role may create databases, e.g. postgres:///ketacover_test?host=/var/run/postgresql, to run the PostgreSQL tests", testEnv)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		tb.Fatalf("%s: %v", testEnv, err)
	}
	return cfg
}

func adminExec(sql string) error {
	cfg, err := pgx.ParseConfig(os.Getenv(testEnv))
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func dropDatabase(name string) error {
	return adminExec(`DROP DATABASE IF EXISTS ` + pgx.Identifier{name}.Sanitize() + ` WITH (FORCE)`)
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("%s_%d_%s", prefix, os.Getpid(), hex.EncodeToString(b))
}

// MustOpen returns a store on a fresh database cloned from the migrated
// template, dropped when the test ends.
func MustOpen(tb testing.TB, opt Options) *DB {
	tb.Helper()
	cfg := adminConfig(tb)
	tplOnce.Do(func() {
		name := randomName("ketacover_tpl")
		if tplErr = adminExec(`CREATE DATABASE ` + pgx.Identifier{name}.Sanitize()); tplErr != nil {
			return
		}
		tplName = name
		c := cfg.Copy()
		c.ConnConfig.Database = name
		var d *DB
		if d, tplErr = openConfig(ctx, c, Options{}); tplErr == nil {
			d.Close() // a template must have no connections when cloned
		}
	})
	if tplErr != nil {
		tb.Fatalf("template database: %v", tplErr)
	}
	name := randomName("ketacover_t")
	if err := adminExec(`CREATE DATABASE ` + pgx.Identifier{name}.Sanitize() + ` TEMPLATE ` + pgx.Identifier{tplName}.Sanitize()); err != nil {
		tb.Fatalf("clone template: %v", err)
	}
	cfg.ConnConfig.Database = name
	d, err := openConfig(ctx, cfg, opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		d.Close()
		if err := dropDatabase(name); err != nil {
			tb.Errorf("drop %s: %v", name, err)
		}
	})
	return d
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) ketacover.Store { return MustOpen(t, Options{}) })
}

func TestNowIsUsedOncePerTransaction(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("EST", -5*3600)
	now := time.Date(2026, 3, 8, 1, 59, 59, 123456789, loc)
	var calls atomic.Int32
	d := MustOpen(t, Options{Now: func() time.Time { calls.Add(1); return now }})
	calls.Store(0)
	sc := storetest.MustCreate(t, d, storetest.SampleCase(1))
	want := time.Date(2026, 3, 8, 6, 59, 59, 123456000, time.UTC)
	if !sc.Created.Equal(want) {
		t.Errorf("Created %v, want %v", sc.Created, want)
	}
	e := storetest.SampleEvents(sc.ID, 1, 1)[0]
	storetest.MustAppend(t, d, &e)
	if !e.Recorded.Equal(want) {
		t.Errorf("Recorded %v, want %v", e.Recorded, want)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("Now called %d times for two transactions, want 2", n)
	}
}

func TestMigrationsRecordedOnce(t *testing.T) {
	t.Parallel()
	d := MustOpen(t, Options{})
	if err := d.migrate(ctx); err != nil { // again: applies nothing
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range ms {
		want = append(want, m.name)
	}
	rows, err := d.pool.Query(ctx, `SELECT name FROM migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recorded migrations (-want +got):\n%s", diff)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	d := MustOpen(t, Options{})
	if _, err := d.pool.Exec(ctx, `INSERT INTO migrations VALUES (9999, '9999_future.sql', now())`); err != nil {
		t.Fatal(err)
	}
	err := d.migrate(ctx)
	if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), "upgrade ketacover") {
		t.Errorf("migrating a newer schema: %v, want EINVALID asking to upgrade", err)
	}
}

func TestEventsAppendOnly(t *testing.T) {
	t.Parallel()
	d := MustOpen(t, Options{})
	sc := storetest.MustCreate(t, d, storetest.SampleCase(1))
	e := storetest.SampleEvents(sc.ID, 1, 1)[0]
	storetest.MustAppend(t, d, &e)
	for _, q := range []string{`UPDATE events SET note = 'x'`, `DELETE FROM events`, `TRUNCATE events`} {
		if _, err := d.pool.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger to refuse", q, err)
		}
	}
}

func TestTransactRetries(t *testing.T) {
	t.Parallel()
	d := MustOpen(t, Options{})
	for _, tc := range []struct {
		name     string
		fail     error // returned by the first attempts
		failures int
		want     int // attempts made
		wantErr  bool
	}{
		{"serialization failure", &pgconn.PgError{Code: "40001"}, 2, 3, false},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, 1, 2, false},
		{"other SQL error not retried", &pgconn.PgError{Code: "23505"}, 1, 1, true},
		{"domain error not retried", ketacover.Errorf(ketacover.EINVALID, "no"), 1, 1, true},
		{"gives up", &pgconn.PgError{Code: "40001"}, 100, maxAttempts, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attempts := 0
			err := d.Transact(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
				attempts++
				if attempts <= tc.failures {
					return tc.fail
				}
				return nil
			})
			if attempts != tc.want {
				t.Errorf("%d attempts, want %d", attempts, tc.want)
			}
			if (err != nil) != tc.wantErr {
				t.Errorf("error %v, want error: %v", err, tc.wantErr)
			}
			if tc.wantErr && err != tc.fail {
				t.Errorf("error %v, want fn's error unchanged", err)
			}
		})
	}
}

// TestTransactRealConflict makes two SERIALIZABLE transactions write-skew
// (each reads the sum the other changes) so that the server aborts one
// with 40001; Transact retries it and both land.
func TestTransactRealConflict(t *testing.T) {
	t.Parallel()
	d := MustOpen(t, Options{})
	if _, err := d.pool.Exec(ctx, `CREATE TABLE skew (k int PRIMARY KEY, v int NOT NULL); INSERT INTO skew VALUES (1, 0), (2, 0)`); err != nil {
		t.Fatal(err)
	}
	serializable := pgx.TxOptions{IsoLevel: pgx.Serializable}
	var (
		both     sync.WaitGroup
		attempts atomic.Int32
		barrier  = make(chan struct{})
		once     sync.Once
		arrived  atomic.Int32
	)
	errs := make([]error, 2)
	for i := range 2 {
		both.Add(1)
		go func() {
			defer both.Done()
			errs[i] = d.Transact(ctx, serializable, func(tx pgx.Tx) error {
				attempts.Add(1)
				var sum int
				if err := tx.QueryRow(ctx, `SELECT sum(v) FROM skew`).Scan(&sum); err != nil {
					return err
				}
				// The first attempts of both wait here for each other, so
				// both read before either writes.
				if arrived.Add(1) == 2 {
					once.Do(func() { close(barrier) })
				}
				select {
				case <-barrier:
				case <-time.After(10 * time.Second):
				}
				_, err := tx.Exec(ctx, `UPDATE skew SET v = $1 WHERE k = $2`, sum+1, i+1)
				return err
			})
		}()
	}
	both.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("Transact: %v", err)
		}
	}
	if n := attempts.Load(); n < 3 {
		t.Errorf("%d attempts, want at least 3 (one transaction retried after 40001)", n)
	}
	var sum int
	if err := d.pool.QueryRow(ctx, `SELECT sum(v) FROM skew`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum != 3 { // serial order: 0+1, then 1+1 on the other row
		t.Errorf("sum %d after both, want 3 (a serial order)", sum)
	}
}

func TestOpenBadDSN(t *testing.T) {
	_, err := Open(ctx, "postgres://user:s3cret@host:notaport/db", Options{})
	if ketacover.ErrorCode(err) != ketacover.EINVALID || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open(bad DSN): %v, want EINVALID without the password", err)
	}
}

func TestIsDSN(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://localhost/k": true, "postgresql:///k?host=/run": true,
		"/var/lib/k.db": false, "k.db": false, "postgres.db": false, "": false,
	} {
		if got := IsDSN(s); got != want {
			t.Errorf("IsDSN(%q) = %v, want %v", s, got, want)
		}
	}
}
