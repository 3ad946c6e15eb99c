package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/ketacover/ketacover"
)

// Backup writes a consistent copy of the live database to path with VACUUM
// INTO: one read transaction, so writers carry on and the copy holds every
// transaction committed before it began and none after. The copy is
// compacted, encrypted with the same key when the database is, and
// readable by the owner only. Returns ECONFLICT when path exists (a backup
// never overwrites) and EINVALID when path is the database itself.
func (d *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return ketacover.Errorf(ketacover.EINVALID, "backup: no file given")
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("backup path: %w", err)
	}
	if path == d.path || path == d.path+"-wal" || path == d.path+"-shm" {
		return ketacover.Errorf(ketacover.EINVALID, "backup: %s is the database itself; choose another file", path)
	}
	// VACUUM INTO writes into an empty file: create it first, owner-only,
	// and refuse one that exists.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return ketacover.Errorf(ketacover.ECONFLICT, "backup: %s already exists; a backup never overwrites a file", path)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	target := "file:" + (&url.URL{Path: path}).EscapedPath()
	if d.hexkey != "" {
		target += "?vfs=adiantum&hexkey=" + d.hexkey
	}
	if _, err := d.db.ExecContext(ctx, `VACUUM INTO '`+strings.ReplaceAll(target, "'", "''")+`'`); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup %s to %s: %w", d.path, path, err)
	}
	return nil
}
