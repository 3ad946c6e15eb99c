package web

import (
	"context"
	"fmt"
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
	p := b.today(s, within)
	p.CanWrite = userOf(r.Context()).Role.CanWrite()
	return s.render(w, r, http.StatusOK, "today", "Today", "today", p)
}

// casesPage is the view-model of /cases.
type casesPage struct {
	Q        caseQuery
	Rows     []*caseRow
	Total    int
	Page     int
	Pages    int
	Prev     string
	Next     string
	Payers   []string
	Phases   []timeline.Phase
	States   []struct{ Code, Name string }
	Day      ketacover.Date
	CanWrite bool
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
	return "/cases?" + v.Encode()
}

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
	var rows []*caseRow
	for _, c := range b.cases {
		if q.match(c, b.day) {
			rows = append(rows, c)
		}
	}
	if q.Sort == "due" {
		rows = slices.Clone(rows)
		slices.SortStableFunc(rows, func(x, y *caseRow) int {
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
	p := casesPage{Q: q, Total: len(rows), Page: q.Page, Payers: b.payers, Phases: phases, States: states, Day: b.day, CanWrite: userOf(r.Context()).Role.CanWrite()}
	p.Pages = max(1, (len(rows)+pageSize-1)/pageSize)
	start := (q.Page - 1) * pageSize
	if start < len(rows) {
		p.Rows = rows[start:min(len(rows), start+pageSize)]
	}
	if q.Page > 1 {
		p.Prev = q.values(q.Page - 1)
	}
	if q.Page < p.Pages {
		p.Next = q.values(q.Page + 1)
	}
	return s.render(w, r, http.StatusOK, "cases", "Cases", "cases", p)
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

// today returns the Today view of the board, computed once per board and
// range: it is the same for every user.
func (b *board) today(s *Server, within int) todayPage {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.todays[within]; ok {
		return p
	}
	if b.todays == nil {
		b.todays = map[int]todayPage{}
	}
	p := s.todayView(b, within)
	b.todays[within] = p
	return p
}
