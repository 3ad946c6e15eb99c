package main

import (
	"context"
	"fmt"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/postgres"
	"github.com/ketacover/ketacover/sqlite"
)

const backupUsage = `backup FILE [--db PATH]

Writes a consistent copy of the SQLite case database to FILE while it is in
use (SQLite's VACUUM INTO: the copy holds every change committed before it
began). The copy is encrypted with the same key when the database is
(KETACOVER_DB_KEY), and readable by its owner only. FILE must not exist.

To restore: stop every ketacover process using the database, move the
database file and its -wal and -shm files aside, copy FILE to the
database's path, and run ketacover as usual (with the same KETACOVER_DB_KEY
if the backup is encrypted).

A PostgreSQL database is backed up with the server's tools (pg_dump).`

// runBackup copies the live SQLite database to a new file.
func runBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup")
	db := dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one FILE to write the backup to, got %d argument(s)", len(pos))
	}
	dsn := *db
	if dsn == "" {
		dsn = e.getenv("KETACOVER_DB")
	}
	if postgres.IsDSN(dsn) {
		return ketacover.Errorf(ketacover.EINVALID, "backup copies SQLite databases; back up a PostgreSQL database with pg_dump")
	}
	s, err := openStore(ctx, e, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	d := s.(*sqlite.DB) // openStore gives SQLite for anything but a postgres:// DSN
	if err := d.Backup(ctx, pos[0]); err != nil {
		return err
	}
	how := "not encrypted"
	if d.Encrypted() {
		how = "encrypted with the database's key"
	}
	_, err = fmt.Fprintf(e.stdout, "backed up %s to %s (%s)\n", d.Path(), pos[0], how)
	return err
}
