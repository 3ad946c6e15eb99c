package web

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/ketacover/ketacover"
)

// Test doubles for the hooks: small, working in-memory versions, so the
// routes that use them can be tested before their packages are wired.

// memStore is an in-memory ketacover.Store.
type memStore struct {
	mu     sync.Mutex
	cases  []*ketacover.StoredCase
	events map[string][]ketacover.Event
	fail   error // returned by every call when set
}

var _ ketacover.Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{events: map[string][]ketacover.Event{}} }

func (m *memStore) CreateCase(ctx context.Context, c *ketacover.Case, actor, source string) (*ketacover.StoredCase, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	if err := c.Validate(); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%v", err)
	}
	id := c.ID
	if id == "" {
		id = fmt.Sprintf("case-%d", len(m.cases)+1)
	}
	for _, sc := range m.cases {
		if sc.ID == id {
			return nil, ketacover.Errorf(ketacover.ECONFLICT, "case %s already exists", id)
		}
	}
	sc := &ketacover.StoredCase{ID: id, Case: *c, Created: time.Date(2026, 11, 27, 9, 0, len(m.cases), 0, time.UTC), Actor: actor}
	m.cases = append(m.cases, sc)
	return sc, nil
}

func (m *memStore) Case(ctx context.Context, id string) (*ketacover.StoredCase, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	for _, sc := range m.cases {
		if sc.ID == id {
			return sc, nil
		}
	}
	return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no case %q", id)
}

func (m *memStore) Cases(ctx context.Context, f ketacover.CaseFilter) ([]*ketacover.StoredCase, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	var out []*ketacover.StoredCase
	for i := len(m.cases) - 1; i >= 0; i-- {
		sc := m.cases[i]
		if f.Payer != nil && sc.Case.Plan.Payer != *f.Payer {
			continue
		}
		if f.State != nil && sc.Case.Patient.State != *f.State {
			continue
		}
		if f.Therapy != nil && sc.Case.Therapy.Drug != *f.Therapy {
			continue
		}
		out = append(out, sc)
	}
	if f.Offset >= len(out) {
		return nil, nil
	}
	out = out[f.Offset:]
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (m *memStore) Append(ctx context.Context, e *ketacover.Event, check func([]ketacover.Event) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.events[e.CaseID]; !ok {
		found := false
		for _, sc := range m.cases {
			found = found || sc.ID == e.CaseID
		}
		if !found {
			return ketacover.Errorf(ketacover.ENOTFOUND, "no case %q", e.CaseID)
		}
	}
	if check != nil {
		if err := check(m.events[e.CaseID]); err != nil {
			return err
		}
	}
	e.Seq = len(m.events[e.CaseID]) + 1
	e.ID = int64(e.Seq)
	e.Recorded = time.Date(2026, 11, 27, 10, 0, e.Seq, 0, time.UTC)
	m.events[e.CaseID] = append(m.events[e.CaseID], *e)
	return nil
}

func (m *memStore) Events(ctx context.Context, caseID string) ([]ketacover.Event, error) {
	if _, err := m.Case(ctx, caseID); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]ketacover.Event(nil), m.events[caseID]...), nil
}

func (m *memStore) Timelines(ctx context.Context, fn func(*ketacover.StoredCase, []ketacover.Event) error) error {
	m.mu.Lock()
	if m.fail != nil {
		m.mu.Unlock()
		return m.fail
	}
	cases := append([]*ketacover.StoredCase(nil), m.cases...)
	m.mu.Unlock()
	sort.Slice(cases, func(i, j int) bool { return cases[i].ID < cases[j].ID })
	for _, sc := range cases {
		es, _ := m.Events(ctx, sc.ID)
		if err := fn(sc, es); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) Close() error { return nil }

// fakeEstimator prices every session at a flat figure; it refuses a case
// without a start date, as a real estimator refuses missing inputs.
type fakeEstimator struct{}

func (fakeEstimator) Estimate(ctx context.Context, c *ketacover.Case, asOf ketacover.Date) (*Estimate, error) {
	if c.Therapy.StartDate == nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "add the date of the first treatment to estimate the cost")
	}
	return &Estimate{
		Summary:        "About $1,000 for the first course (test figures).",
		Lines:          []EstimateLine{{Label: "Sessions", Amount: "$1,000.00"}},
		PaymentOptions: []PaymentOption{{Name: "Manufacturer savings", Detail: "test detail", Source: "https://example.org/savings"}},
		Notes:          []string{"test estimator"},
		Sources:        []string{"test"},
	}, nil
}

// fakeDeadliner gives one deadline 180 days after the denial.
type fakeDeadliner struct{}

func (fakeDeadliner) Deadlines(ctx context.Context, c *ketacover.Case, denied ketacover.Date) ([]ketacover.Deadline, error) {
	return []ketacover.Deadline{{
		Step: "appeal-filing", Label: "File an internal appeal", Who: "claimant", Due: denied.AddDays(180),
		Explanation: "180 days from the denial notice (test rule)", Citation: "29 CFR 2560.503-1(h)(3)(i)",
	}}, nil
}

// fakeDocumenter writes a tiny PDF naming the document and the outcome.
type fakeDocumenter struct{}

func (fakeDocumenter) Document(ctx context.Context, kind DocumentKind, c *ketacover.Case, ds []ketacover.Determination) (*File, error) {
	if c.Prescriber.Specialty == "" {
		return nil, ketacover.Errorf(ketacover.EINVALID, "a letter needs the prescriber")
	}
	body := fmt.Sprintf("%%PDF-1.4\n%% %s for %s: %s\n%%%%EOF\n", kind.Label(), c.Plan.Payer, ds[0].Outcome)
	return &File{Name: string(kind) + ".pdf", ContentType: "application/pdf", Data: []byte(body)}, nil
}
