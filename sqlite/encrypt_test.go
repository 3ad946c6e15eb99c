package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/storetest"
)

// marker is plaintext that must never appear in an encrypted file.
const marker = "ZEBRA-MARKER-7f3a9 Okonkwo-Lindqvist"

func TestEncryption(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secret.db")

	// Write a case and an event carrying the marker, then close (which
	// checkpoints the WAL into the main file).
	d := MustOpen(t, path, Options{Key: testKey})
	if !d.Encrypted() {
		t.Fatal("database opened with a key reports it is not encrypted")
	}
	c := storetest.SampleCase(1)
	c.Patient.Name = marker
	sc := storetest.MustCreate(t, d, c)
	e := storetest.SampleEvents(sc.ID, 1, 1)[0]
	e.Note = marker
	storetest.MustAppend(t, d, &e)
	if fileContains(t, path, []byte(marker)) || fileContains(t, path, []byte("SQLite format 3")) {
		t.Error("marker or SQLite header in plaintext while the database is open")
	}
	if err := d.Backup(ctx, filepath.Join(dir, "backup.db")); err != nil {
		t.Fatal(err)
	}
	d.Close()
	for _, p := range []string{path, filepath.Join(dir, "backup.db")} {
		if fileContains(t, p, []byte(marker)) || fileContains(t, p, []byte("SQLite format 3")) {
			t.Errorf("%s holds the marker or a SQLite header in plaintext", filepath.Base(p))
		}
	}

	for _, tc := range []struct {
		name, file, key string
		want            string // part of the EINVALID message
	}{
		{"wrong key", "secret.db", "Tr0ub4dor&3", "wrong key"},
		{"no key", "secret.db", "", "is encrypted"},
		{"backup wrong key", "backup.db", "Tr0ub4dor&3", "wrong key"},
		{"backup no key", "backup.db", "", "is encrypted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(ctx, filepath.Join(dir, tc.file), Options{Key: tc.key})
			if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: %v, want EINVALID saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "not a database") && !strings.Contains(err.Error(), "key") {
				t.Errorf("error %q blames the file, not the key", err)
			}
			if tc.key != "" && strings.Contains(err.Error(), tc.key) {
				t.Errorf("error %q shows the key", err)
			}
		})
	}

	// The right key opens both, with everything in them.
	for _, p := range []string{path, filepath.Join(dir, "backup.db")} {
		r := MustOpen(t, p, Options{Key: testKey})
		mustIntegrity(t, r)
		got, err := r.Case(ctx, sc.ID)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if diff := cmp.Diff(sc, got); diff != "" {
			t.Errorf("%s: case (-want +got):\n%s", filepath.Base(p), diff)
		}
		if diff := cmp.Diff([]ketacover.Event{e}, storetest.MustEvents(t, r, sc.ID)); diff != "" {
			t.Errorf("%s: events (-want +got):\n%s", filepath.Base(p), diff)
		}
		r.Close()
	}
}

func TestKeyForPlainFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain.db")
	MustOpen(t, path, Options{}).Close()
	_, err := Open(ctx, path, Options{Key: testKey})
	if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), "not encrypted") {
		t.Errorf("Open(plain file, key): %v, want EINVALID saying it is not encrypted", err)
	}
	// The refusal left the file as it was.
	d := MustOpen(t, path, Options{})
	mustIntegrity(t, d)
}

// TestPlainFileShowsMarker is the control for TestEncryption: without a
// key the marker is in the file, so its absence there means something.
func TestPlainFileShowsMarker(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain.db")
	d := MustOpen(t, path, Options{})
	c := storetest.SampleCase(1)
	c.Patient.Name = marker
	storetest.MustCreate(t, d, c)
	d.Close()
	if !fileContains(t, path, []byte(marker)) {
		t.Error("marker not found in a plain database: the encryption test would prove nothing")
	}
}
