package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
)

// Timelines calls fn with every case (oldest first) and its events in
// order, all read from one snapshot. Each case is its summary, read from
// columns without decoding its document: ID, Created, Actor, and of the
// case its ID, Patient.Name and State, Plan.Payer, Type, State, Network and
// Benefit, Therapy.Drug and Indication; call Case for the rest. fn's error
// stops the walk and is returned unchanged. fn may call the store (another
// connection serves it), but its writes are not in the snapshot being
// walked.
//
// This is the read behind a deadline listing across every case, so it
// talks to SQLite directly rather than through database/sql, and merges
// two scans (cases by id, events by case and seq, both straight from their
// unique indexes) so that each row is read once and memory holds one
// timeline at a time.
func (d *DB) Timelines(ctx context.Context, fn func(*ketacover.StoredCase, []ketacover.Event) error) error {
	return d.walk(ctx, false, fn)
}

// ScanTimelines is Timelines for a caller that keeps nothing it is given:
// the case and the events passed to fn are overwritten by the next call,
// as bufio.Scanner's Bytes are (the strings in them stay valid; they are
// never reused). A walk over 10,000 cases then allocates no case or event
// memory: Timelines must hand out about 24 MB of fresh cases and events
// (a StoredCase is over a kilobyte) for callers that keep them, and
// allocating, clearing and collecting that was most of the cost of a
// deadline listing. It reads the same snapshot the same way.
func (d *DB) ScanTimelines(ctx context.Context, fn func(*ketacover.StoredCase, []ketacover.Event) error) error {
	return d.walk(ctx, true, fn)
}

func (d *DB) walk(ctx context.Context, reuse bool, fn func(*ketacover.StoredCase, []ketacover.Event) error) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("timelines: %w", err)
	}
	defer conn.Close()
	var fnErr error
	err = conn.Raw(func(dc any) error {
		c := dc.(driver.Conn).Raw()
		old := c.SetInterrupt(ctx)
		defer c.SetInterrupt(old)
		if err := c.Exec(`BEGIN DEFERRED`); err != nil {
			return err
		}
		defer c.Exec(`ROLLBACK`) // read only: nothing to keep
		fnErr = walkTimelines(c, reuse, fn)
		return nil
	})
	if err != nil {
		return fmt.Errorf("timelines: %w", err)
	}
	return fnErr
}

// summaryColumns are the columns walkTimelines reads for a case, in order.
const summaryColumns = `id, created, actor, patient_name, patient_state, payer, plan_type, plan_state, network, benefit, therapy, indication`

func walkTimelines(c *sqlite3.Conn, reuse bool, fn func(*ketacover.StoredCase, []ketacover.Event) error) error {
	cases, _, err := c.Prepare(`SELECT ` + summaryColumns + ` FROM cases ORDER BY id`)
	if err != nil {
		return fmt.Errorf("timelines: %w", err)
	}
	defer cases.Close()
	events, _, err := c.Prepare(`SELECT ` + eventColumns + ` FROM events ORDER BY case_id, seq`)
	if err != nil {
		return fmt.Errorf("timelines: %w", err)
	}
	defer events.Close()

	// Cases and events are carved out of slabs: a few large allocations
	// instead of one per case and per timeline. Each timeline handed to fn
	// is capped (s[i:j:j]), so an append by fn copies rather than
	// overwriting the next case's events. With reuse, one case and one
	// event buffer serve every timeline.
	const slab = 1024
	var (
		in      interner
		scs     []ketacover.StoredCase
		evs     = make([]ketacover.Event, 0, 4*slab)
		hasNext = events.Step()
	)
	intern := in.str
	if reuse {
		scs = make([]ketacover.StoredCase, 1)
		evs = make([]ketacover.Event, 0, 16)
	}
	for cases.Step() {
		var sc *ketacover.StoredCase
		if reuse {
			sc = &scs[0]
			*sc = ketacover.StoredCase{} // fn may have written to it
			evs = evs[:0]
		} else {
			if len(scs) == 0 {
				scs = make([]ketacover.StoredCase, slab)
			}
			sc = &scs[0]
			scs = scs[1:]
		}
		sc.ID = cases.ColumnText(0)
		sc.Created = time.UnixMicro(cases.ColumnInt64(1)).UTC()
		sc.Actor = in.str(cases.ColumnRawText(2))
		k := &sc.Case
		k.ID = sc.ID
		k.Patient.Name = cases.ColumnText(3)
		k.Patient.State = in.str(cases.ColumnRawText(4))
		k.Plan.Payer = in.str(cases.ColumnRawText(5))
		k.Plan.Type = ketacover.PlanType(in.str(cases.ColumnRawText(6)))
		k.Plan.State = in.str(cases.ColumnRawText(7))
		k.Plan.Network = in.str(cases.ColumnRawText(8))
		k.Plan.Benefit = in.str(cases.ColumnRawText(9))
		k.Therapy.Drug = ketacover.Therapy(in.str(cases.ColumnRawText(10)))
		k.Therapy.Indication = ketacover.Indication(in.str(cases.ColumnRawText(11)))

		first := len(evs)
		for hasNext {
			cid := events.ColumnRawText(1)
			if string(cid) > sc.ID {
				break
			}
			if string(cid) == sc.ID {
				if len(evs) == cap(evs) && !reuse { // full: this timeline moves to a new slab
					n := make([]ketacover.Event, len(evs)-first, max(4*slab, 2*(len(evs)-first)))
					copy(n, evs[first:])
					evs, first = n, 0
				}
				evs = append(evs, ketacover.Event{})
				if err := rawEvent(events, sc.ID, &in, intern, &evs[len(evs)-1]); err != nil {
					return err
				}
			}
			hasNext = events.Step()
		}
		if err := events.Err(); err != nil {
			return fmt.Errorf("timelines: %w", err)
		}
		var es []ketacover.Event
		if len(evs) > first {
			es = evs[first:len(evs):len(evs)]
		}
		if err := fn(sc, es); err != nil {
			return err
		}
	}
	if err := cases.Err(); err != nil {
		return fmt.Errorf("timelines: %w", err)
	}
	return nil
}

// rawEvent reads the current row of an eventColumns statement into the
// zero e (in place: an Event is large, and a walk reads tens of thousands).
// intern is in.str, made once.
func rawEvent(s *sqlite3.Stmt, caseID string, in *interner, intern func([]byte) string, e *ketacover.Event) error {
	e.ID = s.ColumnInt64(0)
	e.CaseID = caseID
	e.Seq = s.ColumnInt(2)
	e.Kind = ketacover.EventKind(in.str(s.ColumnRawText(3)))
	e.Recorded = time.UnixMicro(s.ColumnInt64(5)).UTC()
	e.Actor = in.str(s.ColumnRawText(6))
	e.Source = in.str(s.ColumnRawText(7))
	var ok bool
	if e.Date, ok = records.ParseDate(string(s.ColumnRawText(4))); !ok {
		return fmt.Errorf("event %d of case %s: stored date %q is not YYYY-MM-DD", e.Seq, caseID, s.ColumnRawText(4))
	}
	if err := records.DecodeDetailsIntern(s.ColumnRawText(8), &e.Details, intern); err != nil {
		return fmt.Errorf("event %d of case %s: %w", e.Seq, caseID, err)
	}
	if n := s.ColumnRawText(9); len(n) > 0 {
		e.Note = string(n)
	}
	return nil
}

// interner shares one string among the many equal ones a walk reads
// (kinds, actors, payers, plan types), saving an allocation each.
type interner map[string]string

func (in *interner) str(b []byte) string {
	if *in == nil {
		*in = interner{}
	}
	if s, ok := (*in)[string(b)]; ok { // no allocation for the lookup
		return s
	}
	if len(*in) > 4096 {
		return string(b) // many distinct values: stop remembering
	}
	s := string(b)
	(*in)[s] = s
	return s
}
