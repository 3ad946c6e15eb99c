package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/postgres"
	"github.com/ketacover/ketacover/sqlite"
)

func TestOpenStoreChoosesEngine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	envOf := func(vars map[string]string) *env {
		return &env{getenv: func(k string) string { return vars[k] }}
	}
	for _, tc := range []struct {
		name string
		dsn  string
		vars map[string]string
		want string // the SQLite file expected
	}{
		{"flag", filepath.Join(dir, "flag.db"), map[string]string{"KETACOVER_DB": filepath.Join(dir, "env.db")}, filepath.Join(dir, "flag.db")},
		{"env", "", map[string]string{"KETACOVER_DB": filepath.Join(dir, "env.db")}, filepath.Join(dir, "env.db")},
		{"default", "", map[string]string{"XDG_DATA_HOME": filepath.Join(dir, "xdg")}, filepath.Join(dir, "xdg", "ketacover", "ketacover.db")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := openStore(ctx, envOf(tc.vars), tc.dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			d, ok := s.(*sqlite.DB)
			if !ok {
				t.Fatalf("openStore gave %T, want *sqlite.DB", s)
			}
			if d.Path() != tc.want {
				t.Errorf("opened %s, want %s", d.Path(), tc.want)
			}
		})
	}

	// A key with a PostgreSQL DSN is refused before any connection.
	_, err := openStore(ctx, envOf(map[string]string{"KETACOVER_DB_KEY": "k"}), "postgresql://nowhere.invalid/k")
	if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), "SQLite files only") {
		t.Errorf("postgres DSN with a key: %v, want EINVALID", err)
	}

	if dsn := os.Getenv("KETACOVER_TEST_PG"); dsn != "" {
		s, err := openStore(ctx, envOf(map[string]string{"KETACOVER_DB": dsn}), "")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.(*postgres.DB); !ok {
			t.Errorf("openStore(%s) gave %T, want *postgres.DB", dsn, s)
		}
	}
}
