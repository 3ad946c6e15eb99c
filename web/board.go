package web

import (
	"cmp"
	"context"
	"html/template"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/timeline"
)

// The board is everything the workbench's lists need from every case: its
// summary, its state, its open clocks and the facts the reports count. It
// costs one walk over every timeline (about 0.1 s of CPU for 10,000 cases),
// so it is built once and kept while both the day and the store's revision
// stand still: any case or event written, by this server, another replica
// or the command line, raises the revision and the next request rebuilds
// it. Case pages never use it; they read the case itself.

// revisioner is a store that counts its writes (sqlite and postgres do).
type revisioner interface {
	Revision(ctx context.Context) (int64, error)
}

type board struct {
	day       ketacover.Date
	rev       int64
	cases     []*caseRow           // newest first
	byID      map[string]*caseRow  //
	deadlines []ketacover.Deadline // every open clock, soonest first
	payers    []string             // the payers of the cases, sorted
	facts     []caseFacts          // what the reports count, one per case

	// What requests made from the board and keep while it stands, each
	// made on first use and bounded to maxKept entries.
	mu     sync.Mutex
	todays map[todayKey]template.HTML // Today's body by range and role
	lists  map[string]*caseListing    // the case list's filtered lists, by filter
	byDue  []*caseRow                 // every case by next deadline
}

// maxKept bounds each of the board's caches: a day's worth of the ranges
// and filters people use, not every URL someone could type.
const maxKept = 64

// caseRow is one case as the lists show it.
type caseRow struct {
	ID           string
	Patient      string
	Payer        string
	PlanType     ketacover.PlanType
	Therapy      ketacover.Therapy
	PatientState string
	Created      time.Time
	Phase        timeline.Phase
	Next         *ketacover.Deadline // the soonest open clock
	Auth         *authGauge
	Denial       *denialRow // an open denial not yet appealed
	Last         ketacover.Date

	// Strings the case list shows, made with the board so the row's
	// template calls no function.
	TherapyLabel string
	Overdue      bool // the next deadline has passed

	row atomic.Pointer[template.HTML] // the case list's row, once rendered
}

// authGauge is an authorization and how much of it is used.
type authGauge struct {
	Reference string
	Units     int // 0: the approval states no number of sessions
	Used      int
	Left      int
	Start     *ketacover.Date
	End       *ketacover.Date
	DaysLeft  *int
	Percent   int // share of sessions used, 0-100
}

// denialRow is a denial to work.
type denialRow struct {
	CaseID  string
	Patient string
	Payer   string
	Kind    ketacover.EventKind
	Date    ketacover.Date
	Class   string
	Reason  string
	CARC    []string
	Amount  int64
	Ref     string
}

func gauge(a *timeline.Authorization, today ketacover.Date) *authGauge {
	if a == nil {
		return nil
	}
	g := &authGauge{Reference: a.Reference, Units: a.Units, Used: a.Used, Left: a.Left(), Start: a.Start, End: a.End}
	if a.End != nil {
		n := today.DaysUntil(*a.End)
		g.DaysLeft = &n
	}
	if a.Units > 0 {
		g.Percent = min(100, max(0, a.Used*100/a.Units))
	}
	return g
}

func openDenial(sc *ketacover.StoredCase, st *timeline.State) *denialRow {
	d := st.Denial
	if d == nil || st.Phase != timeline.PhaseDenied || st.AppealLevel != 0 {
		return nil
	}
	return &denialRow{
		CaseID: sc.ID, Patient: sc.Case.Patient.Name, Payer: sc.Case.Plan.Payer, Kind: d.Kind, Date: d.Date,
		Class: d.Details.DenialClass, Reason: d.Details.Reason, CARC: d.Details.CARC, Amount: d.Details.AmountCents, Ref: d.Details.Reference,
	}
}

// boards builds and keeps the board.
type boards struct {
	mu  sync.Mutex
	cur *board
}

// board returns the board for today at the store's current revision,
// building it when either changed. Concurrent callers wait for one build.
func (s *Server) board(ctx context.Context) (*board, error) {
	day := s.today()
	var rev int64 = -1
	if rv, ok := s.store.(revisioner); ok {
		var err error
		if rev, err = rv.Revision(ctx); err != nil {
			return nil, err
		}
	}
	s.boards.mu.Lock()
	defer s.boards.mu.Unlock()
	if b := s.boards.cur; b != nil && b.day == day && b.rev == rev && rev >= 0 {
		return b, nil
	}
	b, err := s.buildBoard(ctx, day)
	if err != nil {
		return nil, err
	}
	b.rev = rev
	s.boards.cur = b
	return b, nil
}

func (s *Server) buildBoard(ctx context.Context, day ketacover.Date) (*board, error) {
	b := &board{day: day, byID: map[string]*caseRow{}}
	payers := map[string]bool{}
	err := s.store.Timelines(ctx, func(sc *ketacover.StoredCase, events []ketacover.Event) error {
		st := timeline.Fold(events)
		ds, _ := timeline.Open(sc, st, s.book, day, timeline.DefaultReminders)
		row := &caseRow{
			ID: sc.ID, Patient: sc.Case.Patient.Name, Payer: sc.Case.Plan.Payer, PlanType: sc.Case.Plan.Type,
			Therapy: sc.Case.Therapy.Drug, PatientState: sc.Case.Patient.State, Created: sc.Created, Phase: st.Phase,
			Auth: gauge(st.Authorization, day), Denial: openDenial(sc, &st),
		}
		if st.Last != nil {
			row.Last = st.Last.Date
		}
		row.TherapyLabel = therapyShort(row.Therapy)
		if len(ds) > 0 {
			timeline.Sort(ds)
			row.Next = &ds[0]
			row.Overdue = ds[0].Due.Before(day)
			b.deadlines = append(b.deadlines, ds...)
		}
		b.cases = append(b.cases, row)
		b.byID[row.ID] = row
		payers[row.Payer] = true
		b.facts = append(b.facts, factsOf(row, events))
		return nil
	})
	if err != nil {
		return nil, err
	}
	timeline.Sort(b.deadlines)
	slices.SortFunc(b.cases, func(x, y *caseRow) int {
		return cmp.Or(y.Created.Compare(x.Created), strings.Compare(y.ID, x.ID))
	})
	for p := range payers {
		b.payers = append(b.payers, p)
	}
	slices.SortFunc(b.payers, func(x, y string) int { return strings.Compare(strings.ToLower(x), strings.ToLower(y)) })
	return b, nil
}
