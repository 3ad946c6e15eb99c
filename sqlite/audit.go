package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
)

var _ ketacover.AuditLog = (*DB)(nil)

// RecordAudit appends entries in one transaction. Returns EINVALID.
func (d *DB) RecordAudit(ctx context.Context, entries []ketacover.AuditEntry) error {
	if err := records.CheckAudit(entries); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record audit: %w", err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO audit (at, actor, action, case_id, detail, remote) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("record audit: %w", err)
	}
	defer st.Close()
	for _, e := range entries {
		if _, err := st.ExecContext(ctx, micros(e.At), e.Actor, e.Action, e.CaseID, e.Detail, e.Remote); err != nil {
			return fmt.Errorf("record audit: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record audit: commit: %w", err)
	}
	return nil
}

// Audit lists the entries f selects, newest first. Returns EINVALID for a
// negative Offset or Limit.
func (d *DB) Audit(ctx context.Context, f ketacover.AuditFilter) ([]ketacover.AuditEntry, error) {
	if err := records.CheckAuditFilter(f); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if f.CaseID != nil {
		where, args = append(where, "case_id = ?"), append(args, *f.CaseID)
	}
	if f.Actor != nil {
		where, args = append(where, "actor = ?"), append(args, *f.Actor)
	}
	q := `SELECT id, at, actor, action, case_id, detail, remote FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := -1
	if f.Limit > 0 {
		limit = f.Limit
	}
	q += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, f.Offset)
	tx, err := d.db.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var out []ketacover.AuditEntry
	for rows.Next() {
		var e ketacover.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.CaseID, &e.Detail, &e.Remote); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return out, tx.Commit()
}

// Revision returns a number that grows with every case and event written
// to the file, by any process.
func (d *DB) Revision(ctx context.Context) (int64, error) {
	var n int64
	if err := d.db.QueryRowContext(ctx, `SELECT n FROM revision`).Scan(&n); err != nil {
		return 0, fmt.Errorf("revision: %w", err)
	}
	return n, nil
}
