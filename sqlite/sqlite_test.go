package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
	"github.com/ketacover/ketacover/storetest"
)

var ctx = context.Background()

// MustOpen opens a database at path and closes it when the test ends.
func MustOpen(tb testing.TB, path string, opt Options) *DB {
	tb.Helper()
	d, err := Open(ctx, path, opt)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// testKey is a passphrase for encrypted test databases.
const testKey = "correct horse battery staple"

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) ketacover.Store {
		return MustOpen(t, filepath.Join(t.TempDir(), "k.db"), Options{})
	})
}

func TestConformanceEncrypted(t *testing.T) {
	if testing.Short() {
		t.Skip("short: the plain conformance run covers the logic")
	}
	// One key derivation for the whole suite: derive once, then open each
	// subtest's file with the derived key as Open would.
	hexkey := deriveKey(testKey)
	storetest.Run(t, func(t *testing.T) ketacover.Store {
		return mustOpenDerived(t, filepath.Join(t.TempDir(), "k.db"), hexkey)
	})
}

// mustOpenDerived is Open with an already derived key, so tests that open
// many encrypted files do not pay Argon2id each time.
func mustOpenDerived(tb testing.TB, path, hexkey string) *DB {
	tb.Helper()
	if err := create(path); err != nil {
		tb.Fatal(err)
	}
	d := &DB{path: path, Now: time.Now, hexkey: hexkey}
	var err error
	if d.db, err = sql.Open("sqlite3", d.dsn(path, 10*time.Second, 16384)); err != nil {
		tb.Fatal(err)
	}
	d.db.SetMaxOpenConns(4)
	if err := d.migrate(ctx); err != nil {
		tb.Fatal(d.openError(err))
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

func TestNowIsUsedOncePerTransaction(t *testing.T) {
	loc := time.FixedZone("EST", -5*3600)
	now := time.Date(2026, 3, 8, 1, 59, 59, 123456789, loc)
	calls := 0
	d := MustOpen(t, filepath.Join(t.TempDir(), "k.db"), Options{Now: func() time.Time { calls++; return now }})
	calls = 0
	sc := storetest.MustCreate(t, d, storetest.SampleCase(1))
	want := time.Date(2026, 3, 8, 6, 59, 59, 123456000, time.UTC)
	if !sc.Created.Equal(want) || sc.Created.Location() != time.UTC {
		t.Errorf("Created %v, want %v", sc.Created, want)
	}
	e := storetest.SampleEvents(sc.ID, 1, 1)[0]
	storetest.MustAppend(t, d, &e)
	if !e.Recorded.Equal(want) {
		t.Errorf("Recorded %v, want %v", e.Recorded, want)
	}
	if calls != 2 {
		t.Errorf("Now called %d times for two transactions, want 2", calls)
	}
}

func TestPragmas(t *testing.T) {
	d := MustOpen(t, filepath.Join(t.TempDir(), "k.db"), Options{})
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "2"}, // FULL
		{"busy_timeout", "10000"},
		{"temp_store", "2"}, // MEMORY
	} {
		var got string
		if err := d.db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
		}
	}
}

func TestMigrationsRecordedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	MustOpen(t, path, Options{}).Close()
	d := MustOpen(t, path, Options{}) // a second open applies nothing
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, m := range ms {
		want = append(want, m.name)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT name FROM migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		rows.Scan(&n)
		got = append(got, n)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recorded migrations (-want +got):\n%s", diff)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	d := MustOpen(t, path, Options{})
	if _, err := d.db.ExecContext(ctx, `INSERT INTO migrations VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	_, err := Open(ctx, path, Options{})
	if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), "upgrade ketacover") {
		t.Errorf("opening a newer schema: %v, want EINVALID asking to upgrade", err)
	}
}

func TestEventsAppendOnly(t *testing.T) {
	d := MustOpen(t, filepath.Join(t.TempDir(), "k.db"), Options{})
	sc := storetest.MustCreate(t, d, storetest.SampleCase(1))
	e := storetest.SampleEvents(sc.ID, 1, 1)[0]
	storetest.MustAppend(t, d, &e)
	for _, q := range []string{`UPDATE events SET note = 'x'`, `DELETE FROM events`} {
		if _, err := d.db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger to refuse", q, err)
		}
	}
}

func TestOpenRefusesNonPaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db?mode=memory"} {
		_, err := Open(ctx, p, Options{})
		if ketacover.ErrorCode(err) != ketacover.EINVALID {
			t.Errorf("Open(%q): %v, want EINVALID", p, err)
		}
	}
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("just some text\n", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, path, Options{})
	if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), path) {
		t.Errorf("Open(text file): %v, want EINVALID naming the file", err)
	}
}

func TestFilePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "ketacover")
	path := filepath.Join(dir, "k.db")
	MustOpen(t, path, Options{})
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode %v, want %v", p, got, want)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"xdg", map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/home/a"}, "/data/ketacover/ketacover.db"},
		{"relative xdg ignored", map[string]string{"XDG_DATA_HOME": "data", "HOME": "/home/a"}, "/home/a/.local/share/ketacover/ketacover.db"},
		{"home", map[string]string{"HOME": "/home/a"}, "/home/a/.local/share/ketacover/ketacover.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DefaultPath(func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("DefaultPath = %s, want %s", got, tc.want)
			}
		})
	}
	_, err := DefaultPath(func(string) string { return "" })
	if ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("DefaultPath with no HOME: %v, want EINVALID", err)
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2024-02-29", "0001-01-01", "9999-12-31"} {
		d, ok := records.ParseDate(s)
		if !ok || d.String() != s {
			t.Errorf("records.ParseDate(%q) = %v, %v", s, d, ok)
		}
	}
	for _, s := range []string{"", "2024-2-29", "2024/02/29", "2024-13-01", "2024-00-10", "0000-01-01", "２０２４-01-01", "2024-01-1x"} {
		if d, ok := records.ParseDate(s); ok {
			t.Errorf("records.ParseDate(%q) = %v, want failure", s, d)
		}
	}
}

// TestBackupLive copies a database while another goroutine keeps
// appending: the copy opens, passes integrity_check, and holds a prefix of
// the timeline with contiguous Seq.
func TestBackupLive(t *testing.T) {
	dir := t.TempDir()
	d := MustOpen(t, filepath.Join(dir, "k.db"), Options{})
	sc := storetest.MustCreate(t, d, storetest.SampleCase(1))
	done := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			e := ketacover.Event{CaseID: sc.ID, Kind: ketacover.EventNote, Date: ketacover.NewDate(2026, 1, 2), Actor: "w", Source: "cli"}
			if err := d.Append(ctx, &e, nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for len(storetest.MustEvents(t, d, sc.ID)) < 5 {
		time.Sleep(time.Millisecond)
	}
	backup := filepath.Join(dir, "copy.db")
	err := d.Backup(ctx, backup)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	c := MustOpen(t, backup, Options{})
	mustIntegrity(t, c)
	es := storetest.MustEvents(t, c, sc.ID)
	if len(es) < 5 {
		t.Errorf("backup holds %d events, want at least the 5 committed before it", len(es))
	}
	for i, e := range es {
		if e.Seq != i+1 {
			t.Fatalf("backup event %d has Seq %d", i, e.Seq)
		}
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v %v, want 0600", fi.Mode(), err)
	}
	err = d.Backup(ctx, backup)
	if ketacover.ErrorCode(err) != ketacover.ECONFLICT {
		t.Errorf("backup over an existing file: %v, want ECONFLICT", err)
	}
	err = d.Backup(ctx, d.Path())
	if ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("backup onto the database: %v, want EINVALID", err)
	}
}

func mustIntegrity(tb testing.TB, d *DB) {
	tb.Helper()
	var res string
	if err := d.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		tb.Fatal(err)
	}
	if res != "ok" {
		tb.Fatalf("integrity_check: %s", res)
	}
}

// fileContains reports whether any file of the database (main, WAL)
// contains marker.
func fileContains(tb testing.TB, path string, marker []byte) bool {
	tb.Helper()
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		if bytes.Contains(b, marker) {
			return true
		}
	}
	return false
}
