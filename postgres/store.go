package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
)

// Transaction modes. Writes run at READ COMMITTED and serialize on a row
// lock of the case (see Append); reads see one snapshot.
var (
	writeTx = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
	readTx  = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
)

// CreateCase stores a new case under its own ID, or under a generated one
// ("kc-" and 8 letters) when it has none; the stored case carries that ID.
// Returns EINVALID when the case is not valid and ECONFLICT when the ID is
// taken.
func (d *DB) CreateCase(ctx context.Context, c *ketacover.Case, actor, source string) (*ketacover.StoredCase, error) {
	if err := records.CheckCase(c, actor, source); err != nil {
		return nil, err
	}
	generate := c.ID == ""
	for try := 0; ; try++ {
		sc := &ketacover.StoredCase{ID: c.ID, Case: *c, Actor: actor}
		if generate {
			sc.ID = records.NewID()
			sc.Case.ID = sc.ID
		}
		err := d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
			sc.Created = records.StoredTime(d.Now())
			return insertCase(ctx, tx, sc, source)
		})
		if generate && ketacover.ErrorCode(err) == ketacover.ECONFLICT && try < 3 {
			continue // a generated ID met an old one: draw another
		}
		if err != nil {
			return nil, err
		}
		return sc, nil
	}
}

// insertCase writes one case row; ECONFLICT when its ID is taken.
func insertCase(ctx context.Context, tx pgx.Tx, sc *ketacover.StoredCase, source string) error {
	doc, err := json.Marshal(sc.Case)
	if err != nil {
		return fmt.Errorf("create case %s: encode: %w", sc.ID, err)
	}
	c := &sc.Case
	_, err = tx.Exec(ctx, `INSERT INTO cases (id, created, actor, source, patient_name, patient_state,
			payer, payer_key, plan_type, plan_state, network, benefit, therapy, indication, case_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		sc.ID, sc.Created, sc.Actor, source, c.Patient.Name, c.Patient.State,
		c.Plan.Payer, records.NormPayer(c.Plan.Payer), string(c.Plan.Type), c.Plan.State, c.Plan.Network, c.Plan.Benefit,
		string(c.Therapy.Drug), string(c.Therapy.Indication), string(doc))
	if pgCode(err) == "23505" { // unique_violation
		return ketacover.Errorf(ketacover.ECONFLICT, "case %s already exists", sc.ID)
	}
	if err != nil {
		return fmt.Errorf("create case %s: %w", sc.ID, err)
	}
	return nil
}

// caseColumns are the columns scanCase reads, in order.
const caseColumns = `id, created, actor, case_json::text`

func scanCase(row pgx.Row) (*ketacover.StoredCase, error) {
	var (
		sc  ketacover.StoredCase
		doc string
	)
	if err := row.Scan(&sc.ID, &sc.Created, &sc.Actor, &doc); err != nil {
		return nil, err
	}
	sc.Created = sc.Created.UTC()
	if err := json.Unmarshal([]byte(doc), &sc.Case); err != nil {
		return nil, fmt.Errorf("case %s: decode: %w", sc.ID, err)
	}
	return &sc, nil
}

// Case returns one case. Returns ENOTFOUND.
func (d *DB) Case(ctx context.Context, id string) (*ketacover.StoredCase, error) {
	var sc *ketacover.StoredCase
	err := d.Transact(ctx, readTx, func(tx pgx.Tx) error {
		var err error
		sc, err = findCase(ctx, tx, id)
		return err
	})
	return sc, err
}

func findCase(ctx context.Context, tx pgx.Tx, id string) (*ketacover.StoredCase, error) {
	sc, err := scanCase(tx.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
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
	var cs []*ketacover.StoredCase
	err := d.Transact(ctx, readTx, func(tx pgx.Tx) error {
		var err error
		cs, err = findCases(ctx, tx, f)
		return err
	})
	return cs, err
}

func findCases(ctx context.Context, tx pgx.Tx, f ketacover.CaseFilter) ([]*ketacover.StoredCase, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Payer != nil {
		where = append(where, "payer_key = "+arg(records.NormPayer(*f.Payer)))
	}
	if f.State != nil {
		where = append(where, "patient_state = "+arg(records.NormState(*f.State)))
	}
	if f.Therapy != nil {
		where = append(where, "therapy = "+arg(string(*f.Therapy)))
	}
	q := `SELECT ` + caseColumns + ` FROM cases`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY created DESC, num DESC OFFSET ` + arg(f.Offset)
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	rows, err := tx.Query(ctx, q, args...)
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
// and e is left as it was when it fails. Appends to one case serialize on
// a lock of its row, so check always judges the latest timeline; when the
// transaction is retried (see Transact) check runs again, so it must have
// no other effect.
func (d *DB) Append(ctx context.Context, e *ketacover.Event, check func([]ketacover.Event) error) error {
	if err := records.CheckEvent(e); err != nil {
		return err
	}
	details, err := records.EncodeDetails(e.Details)
	if err != nil {
		return err
	}
	var stored ketacover.Event
	err = d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		if err := lockCase(ctx, tx, e.CaseID); err != nil {
			return err
		}
		// Read after the lock: at READ COMMITTED each statement sees every
		// append committed before the lock was granted.
		prior, err := findEvents(ctx, tx, e.CaseID)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(prior); err != nil {
				return err
			}
		}
		stored = *e
		stored.Seq = len(prior) + 1
		stored.Recorded = records.StoredTime(d.Now())
		return insertEvent(ctx, tx, &stored, details)
	})
	if err != nil {
		return err
	}
	*e = stored
	return nil
}

// lockCase takes the row lock that serializes appends to one case;
// ENOTFOUND when it does not exist.
func lockCase(ctx context.Context, tx pgx.Tx, id string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return ketacover.Errorf(ketacover.ENOTFOUND, "no case %s", id)
	}
	if err != nil {
		return fmt.Errorf("case %s: %w", id, err)
	}
	return nil
}

// insertEvent writes one event row and sets e.ID.
func insertEvent(ctx context.Context, tx pgx.Tx, e *ketacover.Event, details string) error {
	err := tx.QueryRow(ctx, `INSERT INTO events (case_id, seq, kind, date, recorded, actor, source, details, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		e.CaseID, e.Seq, string(e.Kind), e.Date.Time(), e.Recorded, e.Actor, e.Source, details, e.Note).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("append %s to case %s: %w", e.Kind, e.CaseID, err)
	}
	return nil
}

// Events returns a case's timeline in order. Returns ENOTFOUND.
func (d *DB) Events(ctx context.Context, caseID string) ([]ketacover.Event, error) {
	var es []ketacover.Event
	err := d.Transact(ctx, readTx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM cases WHERE id = $1`, caseID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return ketacover.Errorf(ketacover.ENOTFOUND, "no case %s", caseID)
		}
		if err != nil {
			return fmt.Errorf("case %s: %w", caseID, err)
		}
		es, err = findEvents(ctx, tx, caseID)
		return err
	})
	return es, err
}

// eventColumns are the columns scanEvent reads, in order.
const eventColumns = `id, case_id, seq, kind, date, recorded, actor, source, details::text, note`

func findEvents(ctx context.Context, tx pgx.Tx, caseID string) ([]ketacover.Event, error) {
	rows, err := tx.Query(ctx, `SELECT `+eventColumns+` FROM events WHERE case_id = $1 ORDER BY seq`, caseID)
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

func scanEvent(rows pgx.Rows, e *ketacover.Event) error {
	var (
		kind, details string
		date          time.Time
	)
	if err := rows.Scan(&e.ID, &e.CaseID, &e.Seq, &kind, &date, &e.Recorded, &e.Actor, &e.Source, &details, &e.Note); err != nil {
		return fmt.Errorf("read event: %w", err)
	}
	e.Kind = ketacover.EventKind(kind)
	e.Date = ketacover.DateOf(date)
	e.Recorded = e.Recorded.UTC()
	if err := records.DecodeDetails([]byte(details), &e.Details); err != nil {
		return fmt.Errorf("event %d of case %s: %w", e.Seq, e.CaseID, err)
	}
	return nil
}

// Timelines calls fn with every case (oldest first) and its events in
// order, all read from one snapshot. Each case is its summary, read from
// columns without decoding its document: ID, Created, Actor, and of the
// case its ID, Patient.Name and State, Plan.Payer, Type, State, Network and
// Benefit, Therapy.Drug and Indication; call Case for the rest. fn's error
// stops the walk and is returned unchanged. fn may call the store (another
// connection serves it), but its writes are not in the snapshot being
// walked.
//
// A connection reads one result at a time, so the events are read first,
// grouped by case, and the cases streamed after them.
func (d *DB) Timelines(ctx context.Context, fn func(*ketacover.StoredCase, []ketacover.Event) error) error {
	// Not Transact: a retry after fn has seen cases would show them twice
	// (and a read-only snapshot has no serialization failures to retry).
	return d.transactOnce(ctx, readTx, func(tx pgx.Tx) error {
		byCase := map[string][]ketacover.Event{}
		rows, err := tx.Query(ctx, `SELECT `+eventColumns+` FROM events ORDER BY case_id, seq`)
		if err != nil {
			return fmt.Errorf("timelines: %w", err)
		}
		for rows.Next() {
			var e ketacover.Event
			if err := scanEvent(rows, &e); err != nil {
				rows.Close()
				return err
			}
			byCase[e.CaseID] = append(byCase[e.CaseID], e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("timelines: %w", err)
		}
		// fn runs while the cases are read; its own calls to the store
		// take another connection from the pool.
		cases, err := tx.Query(ctx, `SELECT `+summaryColumns+` FROM cases ORDER BY num`)
		if err != nil {
			return fmt.Errorf("timelines: %w", err)
		}
		defer cases.Close()
		for cases.Next() {
			sc, err := scanSummary(cases)
			if err != nil {
				return fmt.Errorf("timelines: %w", err)
			}
			if err := fn(sc, byCase[sc.ID]); err != nil {
				return err
			}
		}
		if err := cases.Err(); err != nil {
			return fmt.Errorf("timelines: %w", err)
		}
		return nil
	})
}

// summaryColumns are the columns scanSummary reads, in order.
const summaryColumns = `id, created, actor, patient_name, patient_state, payer, plan_type, plan_state, network, benefit, therapy, indication`

func scanSummary(rows pgx.Rows) (*ketacover.StoredCase, error) {
	var sc ketacover.StoredCase
	c := &sc.Case
	var planType, drug, indication string
	if err := rows.Scan(&sc.ID, &sc.Created, &sc.Actor, &c.Patient.Name, &c.Patient.State, &c.Plan.Payer,
		&planType, &c.Plan.State, &c.Plan.Network, &c.Plan.Benefit, &drug, &indication); err != nil {
		return nil, err
	}
	sc.Created = sc.Created.UTC()
	c.ID = sc.ID
	c.Plan.Type = ketacover.PlanType(planType)
	c.Therapy.Drug = ketacover.Therapy(drug)
	c.Therapy.Indication = ketacover.Indication(indication)
	return &sc, nil
}
