package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
)

// readOnly begins transactions that only read: they start deferred and see
// one snapshot of the file.
var readOnly = &sql.TxOptions{ReadOnly: true}

// CreateCase stores a new case under its own ID, or under a generated one
// ("kc-" and 8 letters) when it has none; the stored case carries that ID.
// Returns EINVALID when the case is not valid and ECONFLICT when the ID is
// taken.
func (d *DB) CreateCase(ctx context.Context, c *ketacover.Case, actor, source string) (*ketacover.StoredCase, error) {
	if err := records.CheckCase(c, actor, source); err != nil {
		return nil, err
	}
	sc := &ketacover.StoredCase{ID: c.ID, Case: *c, Actor: actor}
	generate := sc.ID == ""
	for try := 0; ; try++ {
		if generate {
			sc.ID = records.NewID()
			sc.Case.ID = sc.ID
		}
		err := d.createCase(ctx, sc, source)
		if generate && ketacover.ErrorCode(err) == ketacover.ECONFLICT && try < 3 {
			continue // a generated ID met an old one: draw another
		}
		if err != nil {
			return nil, err
		}
		return sc, nil
	}
}

func (d *DB) createCase(ctx context.Context, sc *ketacover.StoredCase, source string) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create case: %w", err)
	}
	defer tx.Rollback()
	sc.Created = records.StoredTime(d.Now())
	if err := insertCase(ctx, tx, sc, source); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create case %s: commit: %w", sc.ID, err)
	}
	return nil
}

// insertCase writes one case row; ECONFLICT when its ID is taken.
func insertCase(ctx context.Context, tx *sql.Tx, sc *ketacover.StoredCase, source string) error {
	doc, err := json.Marshal(sc.Case)
	if err != nil {
		return fmt.Errorf("create case %s: encode: %w", sc.ID, err)
	}
	c := &sc.Case
	res, err := tx.ExecContext(ctx, `INSERT INTO cases (id, created, actor, source, patient_name, patient_state,
			payer, payer_key, plan_type, plan_state, network, benefit, therapy, indication)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sc.ID, sc.Created.UnixMicro(), sc.Actor, source, c.Patient.Name, c.Patient.State,
		c.Plan.Payer, records.NormPayer(c.Plan.Payer), string(c.Plan.Type), c.Plan.State, c.Plan.Network, c.Plan.Benefit,
		string(c.Therapy.Drug), string(c.Therapy.Indication))
	if errors.Is(err, sqlite3.CONSTRAINT_UNIQUE) || errors.Is(err, sqlite3.CONSTRAINT_PRIMARYKEY) {
		return ketacover.Errorf(ketacover.ECONFLICT, "case %s already exists", sc.ID)
	}
	if err != nil {
		return fmt.Errorf("create case %s: %w", sc.ID, err)
	}
	num, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("create case %s: %w", sc.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO case_docs (num, case_json) VALUES (?, ?)`, num, string(doc)); err != nil {
		return fmt.Errorf("create case %s: %w", sc.ID, err)
	}
	return nil
}

// caseColumns are the columns scanCase reads, in order, from caseFrom.
const (
	caseColumns = `c.id, c.created, c.actor, d.case_json`
	caseFrom    = `cases c JOIN case_docs d ON d.num = c.num`
)

func scanCase(row interface{ Scan(...any) error }) (*ketacover.StoredCase, error) {
	var (
		sc      ketacover.StoredCase
		created int64
		doc     string
	)
	if err := row.Scan(&sc.ID, &created, &sc.Actor, &doc); err != nil {
		return nil, err
	}
	sc.Created = time.UnixMicro(created).UTC()
	if err := json.Unmarshal([]byte(doc), &sc.Case); err != nil {
		return nil, fmt.Errorf("case %s: decode: %w", sc.ID, err)
	}
	return &sc, nil
}

// Case returns one case. Returns ENOTFOUND.
func (d *DB) Case(ctx context.Context, id string) (*ketacover.StoredCase, error) {
	tx, err := d.db.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", id, err)
	}
	defer tx.Rollback()
	sc, err := findCase(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return sc, tx.Commit()
}

func findCase(ctx context.Context, tx *sql.Tx, id string) (*ketacover.StoredCase, error) {
	sc, err := scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM `+caseFrom+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no case %s", id)
	}
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", id, err)
	}
	return sc, nil
}

// Cases lists the cases f selects, newest first. Payer matches whatever
// the letter case and surrounding spaces; State is a two-letter code.
// Returns EINVALID for a negative Offset or Limit.
func (d *DB) Cases(ctx context.Context, f ketacover.CaseFilter) ([]*ketacover.StoredCase, error) {
	if f.Offset < 0 || f.Limit < 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "case list: offset %d and limit %d must not be negative", f.Offset, f.Limit)
	}
	tx, err := d.db.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer tx.Rollback()
	cs, err := findCases(ctx, tx, f)
	if err != nil {
		return nil, err
	}
	return cs, tx.Commit()
}

func findCases(ctx context.Context, tx *sql.Tx, f ketacover.CaseFilter) ([]*ketacover.StoredCase, error) {
	var where []string
	var args []any
	if f.Payer != nil {
		where, args = append(where, "c.payer_key = ?"), append(args, records.NormPayer(*f.Payer))
	}
	if f.State != nil {
		where, args = append(where, "c.patient_state = ?"), append(args, records.NormState(*f.State))
	}
	if f.Therapy != nil {
		where, args = append(where, "c.therapy = ?"), append(args, string(*f.Therapy))
	}
	q := `SELECT ` + caseColumns + ` FROM ` + caseFrom
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := -1 // SQLite: no limit
	if f.Limit > 0 {
		limit = f.Limit
	}
	q += ` ORDER BY c.created DESC, c.num DESC LIMIT ? OFFSET ?`
	args = append(args, limit, f.Offset)
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var cs []*ketacover.StoredCase
	for rows.Next() {
		sc, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("list cases: %w", err)
		}
		cs = append(cs, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return cs, nil
}

// Append adds e to its case's timeline after check accepts the timeline so
// far (a nil check accepts everything). It sets e.Seq (1, 2, 3… within the
// case), e.ID and e.Recorded. Returns EINVALID for an unknown kind, a
// missing or impossible date or text a column cannot hold, ENOTFOUND when
// the case does not exist, and check's error unchanged; nothing is written
// and e is left as it was when it fails. The write lock is held from the
// read of the timeline to the commit, so check always judges the latest
// timeline.
func (d *DB) Append(ctx context.Context, e *ketacover.Event, check func([]ketacover.Event) error) error {
	if err := records.CheckEvent(e); err != nil {
		return err
	}
	details, err := records.EncodeDetails(e.Details)
	if err != nil {
		return err
	}
	tx, err := d.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock now
	if err != nil {
		return fmt.Errorf("append %s to case %s: %w", e.Kind, e.CaseID, err)
	}
	defer tx.Rollback()
	if err := caseExists(ctx, tx, e.CaseID); err != nil {
		return err
	}
	prior, err := findEvents(ctx, tx, e.CaseID)
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(prior); err != nil {
			return err
		}
	}
	stored := *e
	stored.Seq = len(prior) + 1
	stored.Recorded = records.StoredTime(d.Now())
	if err := insertEvent(ctx, tx, &stored, details); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append %s to case %s: commit: %w", e.Kind, e.CaseID, err)
	}
	*e = stored
	return nil
}

func caseExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM cases WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ketacover.Errorf(ketacover.ENOTFOUND, "no case %s", id)
	}
	if err != nil {
		return fmt.Errorf("case %s: %w", id, err)
	}
	return nil
}

// insertEvent writes one event row and sets e.ID.
func insertEvent(ctx context.Context, tx *sql.Tx, e *ketacover.Event, details string) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO events (case_id, seq, kind, date, recorded, actor, source, details, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.CaseID, e.Seq, string(e.Kind), e.Date.String(), e.Recorded.UnixMicro(), e.Actor, e.Source, details, e.Note)
	if err != nil {
		return fmt.Errorf("append %s to case %s: %w", e.Kind, e.CaseID, err)
	}
	e.ID, err = res.LastInsertId()
	if err != nil {
		return fmt.Errorf("append %s to case %s: %w", e.Kind, e.CaseID, err)
	}
	return nil
}

// Events returns a case's timeline in order. Returns ENOTFOUND.
func (d *DB) Events(ctx context.Context, caseID string) ([]ketacover.Event, error) {
	tx, err := d.db.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("events of case %s: %w", caseID, err)
	}
	defer tx.Rollback()
	if err := caseExists(ctx, tx, caseID); err != nil {
		return nil, err
	}
	es, err := findEvents(ctx, tx, caseID)
	if err != nil {
		return nil, err
	}
	return es, tx.Commit()
}

// eventColumns are the columns scanEvent reads, in order.
const eventColumns = `id, case_id, seq, kind, date, recorded, actor, source, details, note`

func findEvents(ctx context.Context, tx *sql.Tx, caseID string) ([]ketacover.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE case_id = ? ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("events of case %s: %w", caseID, err)
	}
	defer rows.Close()
	var es []ketacover.Event
	for rows.Next() {
		var e ketacover.Event
		if err := scanEvent(rows, &e); err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of case %s: %w", caseID, err)
	}
	return es, nil
}

func scanEvent(rows *sql.Rows, e *ketacover.Event) error {
	var (
		kind, date, details string
		recorded            int64
	)
	if err := rows.Scan(&e.ID, &e.CaseID, &e.Seq, &kind, &date, &recorded, &e.Actor, &e.Source, &details, &e.Note); err != nil {
		return fmt.Errorf("read event: %w", err)
	}
	e.Kind = ketacover.EventKind(kind)
	e.Recorded = time.UnixMicro(recorded).UTC()
	var ok bool
	if e.Date, ok = records.ParseDate(date); !ok {
		return fmt.Errorf("event %d of case %s: stored date %q is not YYYY-MM-DD", e.Seq, e.CaseID, date)
	}
	if err := records.DecodeDetails([]byte(details), &e.Details); err != nil {
		return fmt.Errorf("event %d of case %s: %w", e.Seq, e.CaseID, err)
	}
	return nil
}
