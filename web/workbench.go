package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/timeline"
)

// The clinic workbench: Today, the case list, the case page. Lists come
// from the board (see board.go); a case page reads its case afresh.

// listCap bounds each list on Today; the case list has the rest.
const listCap = 50

// dueRow is a deadline as the lists show it.
type dueRow struct {
	ketacover.Deadline
	Patient string
	Days    int // until due; negative when overdue
}

// todayPage is the view-model of /today.
type todayPage struct {
	Day       ketacover.Date
	Within    int
	Overdue   []dueRow
	Upcoming  []dueRow
	Expiring  []expiringRow
	Denials   []*denialRow
	More      map[string]int // how many each list left out
	CanWrite  bool
	CaseCount int
}

type expiringRow struct {
	dueRow
	Auth *authGauge
}

func (s *Server) todayView(b *board, within int) todayPage {
	p := todayPage{Day: b.day, Within: within, More: map[string]int{}, CaseCount: len(b.cases)}
	for _, d := range b.deadlines {
		row := dueRow{Deadline: d, Days: b.day.DaysUntil(d.Due)}
		if c := b.byID[d.CaseID]; c != nil {
			row.Patient = c.Patient
		}
		switch {
		case d.Warning:
			if len(p.Expiring) < listCap {
				var g *authGauge
				if c := b.byID[d.CaseID]; c != nil {
					g = c.Auth
				}
				p.Expiring = append(p.Expiring, expiringRow{row, g})
			} else {
				p.More["expiring"]++
			}
		case row.Days < 0:
			if len(p.Overdue) < listCap {
				p.Overdue = append(p.Overdue, row)
			} else {
				p.More["overdue"]++
			}
		case row.Days <= within:
			if len(p.Upcoming) < listCap {
				p.Upcoming = append(p.Upcoming, row)
			} else {
				p.More["upcoming"]++
			}
		}
	}
	for _, c := range b.cases {
		if c.Denial != nil {
			p.Denials = append(p.Denials, c.Denial)
		}
	}
	slices.SortFunc(p.Denials, func(x, y *denialRow) int {
		if c := y.Date.Compare(x.Date); c != 0 {
			return c
		}
		return strings.Compare(x.CaseID, y.CaseID)
	})
	if len(p.Denials) > listCap {
		p.More["denials"] = len(p.Denials) - listCap
		p.Denials = p.Denials[:listCap]
	}
	return p
}

func (s *Server) todayShow(w http.ResponseWriter, r *http.Request) error {
	within, err := intParam(r.URL.Query().Get("days"), "days", 14, 1, 365)
	if err != nil {
		return err
	}
	b, err := s.board(r.Context())
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditTodayView, "", ""); err != nil {
		return err
	}
	body, err := s.todayBody(b, within, userOf(r.Context()).Role.CanWrite())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "today", "Today", "today", todayShell{Body: body})
}

// todayShell is what the page around Today's body reads.
type todayShell struct{ Body template.HTML }

// todayKey names one rendering of Today's body: its range and whether the
// reader may write (who sees the buttons that change things).
type todayKey struct {
	within   int
	canWrite bool
}

// todayBody returns Today's body for a range and role. It is the same for
// every user with that role until the board changes, so it is rendered
// once per board and kept: rendering 4 × 50 rows with their rules'
// explanations was nearly all of a request's time and 0.8 MB of garbage.
// Concurrent requests for a body not yet made wait for one rendering.
func (s *Server) todayBody(b *board, within int, canWrite bool) (template.HTML, error) {
	key := todayKey{within, canWrite}
	b.mu.Lock()
	defer b.mu.Unlock()
	if h, ok := b.todays[key]; ok {
		return h, nil
	}
	p := s.todayView(b, within)
	p.CanWrite = canWrite
	h, err := s.fragment("today", "todaybody", p)
	if err != nil || !s.keepFragments() {
		return h, err
	}
	if b.todays == nil || len(b.todays) >= maxKept {
		b.todays = map[todayKey]template.HTML{}
	}
	b.todays[key] = h
	return h, nil
}

// casesPage is the view-model of /cases: one page of the filtered list
// with its rows and filter form already rendered (they are kept with the
// board), so the page's template writes them as they are.
type casesPage struct {
	Q        caseQuery
	Form     template.HTML // the filter as set (casefilter)
	Rows     []template.HTML
	Total    int
	Page     int
	Pages    int
	First    string // links to the first, previous, next and last pages; "" where there is none
	Prev     string
	Next     string
	Last     string
	CanWrite bool
}

// caseFilter is the view-model of the case list's filter form: each
// select's choices with the chosen one marked, so the template calls no
// function per choice.
type caseFilter struct {
	Q      caseQuery
	Payers []option
	Phases []option
	States []option
}

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

// caseListing is a filtered list of cases, in order, and its form.
type caseListing struct {
	rows []*caseRow
	form template.HTML
}

// caseQuery is the case list's filter.
type caseQuery struct {
	Payer   string
	Therapy string
	Phase   string
	State   string // patient state
	Due     string // overdue, 7, 14, 30, none, or "" for any
	Sort    string // "" newest first, "due" soonest deadline first
	Page    int
}

var phases = []timeline.Phase{timeline.PhaseNew, timeline.PhasePending, timeline.PhasePended, timeline.PhaseAuthorized,
	timeline.PhaseDenied, timeline.PhaseAppealing, timeline.PhaseExternal, timeline.PhaseFinal}

func parseCaseQuery(v url.Values) (caseQuery, error) {
	q := caseQuery{Payer: v.Get("payer"), Therapy: v.Get("therapy"), Phase: v.Get("phase"), State: strings.ToUpper(v.Get("state")), Due: v.Get("due"), Sort: v.Get("sort")}
	if q.Therapy != "" && q.Therapy != string(ketacover.TherapyEsketamine) && q.Therapy != string(ketacover.TherapyKetamineIV) {
		return q, ketacover.Errorf(ketacover.EINVALID, "therapy %q: want esketamine or ketamine-iv", q.Therapy)
	}
	if q.Phase != "" && !slices.Contains(phases, timeline.Phase(q.Phase)) {
		return q, ketacover.Errorf(ketacover.EINVALID, "state %q: not a case state", q.Phase)
	}
	switch q.Due {
	case "", "overdue", "7", "14", "30", "none":
	default:
		return q, ketacover.Errorf(ketacover.EINVALID, "next deadline %q: want overdue, 7, 14, 30 or none", q.Due)
	}
	if q.Sort != "" && q.Sort != "due" {
		return q, ketacover.Errorf(ketacover.EINVALID, "sort %q: want due, or nothing for newest first", q.Sort)
	}
	var err error
	if q.Page, err = intParam(v.Get("page"), "page", 1, 1, 1<<20); err != nil {
		return q, err
	}
	return q, nil
}

func (q caseQuery) match(c *caseRow, day ketacover.Date) bool {
	if q.Payer != "" && !strings.EqualFold(strings.TrimSpace(q.Payer), c.Payer) {
		return false
	}
	if q.Therapy != "" && string(c.Therapy) != q.Therapy {
		return false
	}
	if q.Phase != "" && string(c.Phase) != q.Phase {
		return false
	}
	if q.State != "" && c.PatientState != q.State {
		return false
	}
	switch q.Due {
	case "none":
		return c.Next == nil
	case "overdue":
		return c.Next != nil && c.Next.Due.Before(day)
	case "7", "14", "30":
		n, _ := strconv.Atoi(q.Due)
		return c.Next != nil && day.DaysUntil(c.Next.Due) <= n
	}
	return true
}

func (q caseQuery) values(page int) string {
	v := url.Values{}
	for k, x := range map[string]string{"payer": q.Payer, "therapy": q.Therapy, "phase": q.Phase, "state": q.State, "due": q.Due, "sort": q.Sort} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/cases"
	}
	return "/cases?" + v.Encode()
}

// pageSize is how many cases a page of the list shows: a screen or two,
// not a 10,000-row table for the browser to lay out.
const pageSize = 50

func (s *Server) caseList(w http.ResponseWriter, r *http.Request) error {
	q, err := parseCaseQuery(r.URL.Query())
	if err != nil {
		return err
	}
	b, err := s.board(r.Context())
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditCaseList, "", ""); err != nil {
		return err
	}
	l, err := s.listing(b, q)
	if err != nil {
		return err
	}
	p := casesPage{Q: q, Form: l.form, Total: len(l.rows), Page: q.Page, CanWrite: userOf(r.Context()).Role.CanWrite()}
	p.Pages = max(1, (len(l.rows)+pageSize-1)/pageSize)
	start := (q.Page - 1) * pageSize
	if start < len(l.rows) {
		for _, c := range l.rows[start:min(len(l.rows), start+pageSize)] {
			h, err := s.listRow(c)
			if err != nil {
				return err
			}
			p.Rows = append(p.Rows, h)
		}
	}
	if q.Page > 1 {
		p.First, p.Prev = q.values(1), q.values(min(q.Page-1, p.Pages))
	}
	if q.Page < p.Pages {
		p.Next, p.Last = q.values(q.Page+1), q.values(p.Pages)
	}
	return s.render(w, r, http.StatusOK, "cases", "Cases", "cases", p)
}

// listing returns the cases q selects, in its order, all pages of them,
// with the filter form as q sets it. It is kept with the board, so the
// next page, or the same list for another user, costs nothing more.
func (s *Server) listing(b *board, q caseQuery) (*caseListing, error) {
	q.Page = 1
	key := q.values(1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if l, ok := b.lists[key]; ok {
		return l, nil
	}
	src := b.cases
	if q.Sort == "due" {
		src = b.dueOrder()
	}
	l := &caseListing{}
	for _, c := range src {
		if q.match(c, b.day) {
			l.rows = append(l.rows, c)
		}
	}
	f := caseFilter{Q: q, Payers: make([]option, len(b.payers)), Phases: make([]option, len(phases)), States: make([]option, len(states))}
	for i, x := range b.payers {
		f.Payers[i] = option{x, x, x == q.Payer}
	}
	for i, x := range phases {
		f.Phases[i] = option{string(x), string(x), string(x) == q.Phase}
	}
	for i, x := range states {
		f.States[i] = option{x.Code, x.Name, x.Code == q.State}
	}
	var err error
	if l.form, err = s.fragment("cases", "casefilter", f); err != nil || !s.keepFragments() {
		return l, err
	}
	if b.lists == nil || len(b.lists) >= maxKept {
		b.lists = map[string]*caseListing{}
	}
	b.lists[key] = l
	return l, nil
}

// dueOrder returns every case by its next deadline, soonest first, the
// cases without one last, newest first among equals. It is sorted once per
// board; b.mu must be held.
func (b *board) dueOrder() []*caseRow {
	if b.byDue == nil {
		b.byDue = slices.Clone(b.cases)
		slices.SortStableFunc(b.byDue, func(x, y *caseRow) int {
			switch {
			case x.Next == nil && y.Next == nil:
				return 0
			case x.Next == nil:
				return 1
			case y.Next == nil:
				return -1
			}
			return x.Next.Due.Compare(y.Next.Due)
		})
	}
	return b.byDue
}

// listRow returns a case as a row of the case list. A row changes only
// with the board, so it is rendered on first use and kept with it.
func (s *Server) listRow(c *caseRow) (template.HTML, error) {
	if h := c.row.Load(); h != nil {
		return *h, nil
	}
	h, err := s.fragment("cases", "caserow", c)
	if err != nil {
		return "", err
	}
	if s.keepFragments() {
		c.row.Store(&h)
	}
	return h, nil
}

// casePage is the view-model of /cases/{id}.
type casePage struct {
	Case      *ketacover.StoredCase
	Phase     timeline.Phase
	Events    []ketacover.Event
	Deadlines []dueRow
	Notes     []string
	Auth      *authGauge
	Result    checkResult
	Docs      []DocumentKind
	DocsOn    bool
	Form      eventForm
	Kinds     []ketacover.EventKind
	Methods   []string
	CanWrite  bool
	Day       ketacover.Date
	Recorded  string // the event just recorded (after the redirect)
}

func (s *Server) loadCase(ctx context.Context, id string) (*ketacover.StoredCase, []ketacover.Event, error) {
	sc, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	es, err := s.store.Events(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return sc, es, nil
}

func (s *Server) caseView(sc *ketacover.StoredCase, events []ketacover.Event, u *ketacover.User) (casePage, error) {
	day := s.today()
	st := timeline.Fold(events)
	ds, notes := timeline.Open(sc, st, s.book, day, timeline.DefaultReminders)
	timeline.Sort(ds)
	p := casePage{Case: sc, Phase: st.Phase, Events: events, Notes: notes, Auth: gauge(st.Authorization, day),
		Docs: DocumentKinds, DocsOn: s.caseDocs != nil, Kinds: ketacover.EventKinds, Methods: timeline.Methods,
		CanWrite: u.Role.CanWrite(), Day: day, Form: eventForm{Values: url.Values{"date": {day.String()}}}}
	for _, d := range ds {
		p.Deadlines = append(p.Deadlines, dueRow{Deadline: d, Patient: sc.Case.Patient.Name, Days: day.DaysUntil(d.Due)})
	}
	asOf := day
	if d := sc.Case.Therapy.StartDate; d != nil {
		asOf = *d
	}
	res, err := s.check(&sc.Case, "", asOf)
	if err != nil {
		return p, err
	}
	p.Result = res
	return p, nil
}

func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	sc, events, err := s.loadCase(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditCaseView, sc.ID, ""); err != nil {
		return err
	}
	p, err := s.caseView(sc, events, userOf(r.Context()))
	if err != nil {
		return err
	}
	if k := r.URL.Query().Get("recorded"); ketacover.EventKind(k).Valid() {
		p.Recorded = k
	}
	return s.render(w, r, http.StatusOK, "case", caseTitle(sc), "cases", p)
}

func caseTitle(sc *ketacover.StoredCase) string {
	if n := sc.Case.Patient.Name; n != "" {
		return n + " · case " + sc.ID
	}
	return "Case " + sc.ID
}

// caseEventSubmit records an event from the case page's form: on success
// it redirects back to the case (post/redirect/get); on a problem it shows
// the case again with the form as filled and the messages.
func (s *Server) caseEventSubmit(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "the form could not be read")
	}
	f := parseEventForm(r.PostForm)
	var appendErr error
	ev := f.event()
	if len(f.Errors) == 0 {
		u := userOf(r.Context())
		ev.CaseID, ev.Actor, ev.Source = id, u.Name, ketacover.SourceWeb
		appendErr = s.store.Append(r.Context(), ev, func(prior []ketacover.Event) error { return timeline.Check(prior, ev) })
		switch code := ketacover.ErrorCode(appendErr); code {
		case "":
			if err := s.audit(r, ketacover.AuditEventAppend, id, fmt.Sprintf("%s #%d", ev.Kind, ev.Seq)); err != nil {
				return err
			}
			http.Redirect(w, r, "/cases/"+url.PathEscape(id)+"?recorded="+string(ev.Kind)+"#timeline", http.StatusSeeOther)
			return nil
		case ketacover.EINVALID, ketacover.ECONFLICT:
			f.Errors["form"] = ketacover.ErrorMessage(appendErr)
		default:
			return appendErr
		}
	}
	sc, events, err := s.loadCase(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditEventRefused, id, string(ev.Kind)); err != nil {
		return err
	}
	p, err := s.caseView(sc, events, userOf(r.Context()))
	if err != nil {
		return err
	}
	p.Form = f
	st := http.StatusBadRequest
	if ketacover.ErrorCode(appendErr) == ketacover.ECONFLICT {
		st = http.StatusConflict
	}
	return s.render(w, r, st, "case", caseTitle(sc), "cases", p)
}

// caseDocument writes a letter for a stored case (HOOK: CaseDocuments):
// the appeal answers the denial on the timeline.
func (s *Server) caseDocument(w http.ResponseWriter, r *http.Request) error {
	kind := DocumentKind(r.PathValue("kind"))
	if !contains(docKindNames(), string(kind)) {
		return ketacover.Errorf(ketacover.ENOTFOUND, "no document %q; the documents are %s", kind, docKindList())
	}
	if s.caseDocs == nil {
		return notEnabled("documents for stored cases", "letters arrive with the letter package")
	}
	sc, events, err := s.loadCase(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditDocument, sc.ID, string(kind)); err != nil {
		return err
	}
	f, err := s.caseDocs.CaseDocument(r.Context(), kind, sc, events, s.today())
	if err != nil {
		return err
	}
	return writeFile(w, f)
}
