package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

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
	return d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		var b pgx.Batch
		for _, e := range entries {
			b.Queue(`INSERT INTO audit (at, actor, action, case_id, detail, remote) VALUES ($1, $2, $3, $4, $5, $6)`,
				records.StoredTime(e.At), e.Actor, e.Action, e.CaseID, e.Detail, e.Remote)
		}
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return fmt.Errorf("record audit: %w", err)
		}
		return nil
	})
}

// Audit lists the entries f selects, newest first. Returns EINVALID for a
// negative Offset or Limit.
func (d *DB) Audit(ctx context.Context, f ketacover.AuditFilter) ([]ketacover.AuditEntry, error) {
	if err := records.CheckAuditFilter(f); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.CaseID != nil {
		where = append(where, "case_id = "+arg(*f.CaseID))
	}
	if f.Actor != nil {
		where = append(where, "actor = "+arg(*f.Actor))
	}
	q := `SELECT id, at, actor, action, case_id, detail, remote FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC OFFSET ` + arg(f.Offset)
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	var out []ketacover.AuditEntry
	err := d.Transact(ctx, readTx, func(tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e ketacover.AuditEntry
			if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.CaseID, &e.Detail, &e.Remote); err != nil {
				return fmt.Errorf("audit: %w", err)
			}
			e.At = e.At.UTC()
			out = append(out, e)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		return nil
	})
	return out, err
}

// Revision returns a number that grows with every case and event written
// to the database, by any process.
func (d *DB) Revision(ctx context.Context) (int64, error) {
	var n int64
	if err := d.pool.QueryRow(ctx, `SELECT n FROM revision`).Scan(&n); err != nil {
		return 0, fmt.Errorf("revision: %w", err)
	}
	return n, nil
}
