package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/timeline"
	"github.com/ketacover/ketacover/tracking"
)

// The case-tracking API routes: events, deadlines and the calendar, and
// the 835 import. They need a signed-in user (session cookie or API
// token); writes need the staff or admin role.

// eventInput is the body of POST /api/v1/cases/{id}/events.
type eventInput struct {
	Kind    ketacover.EventKind `json:"kind"`
	Date    ketacover.Date      `json:"date"`
	Details ketacover.Details   `json:"details"`
	Note    string              `json:"note"`
}

// eventResult is the answer: the event as stored, the case's state after
// it and the clocks now running.
type eventResult struct {
	Event     ketacover.Event      `json:"event"`
	Phase     timeline.Phase       `json:"phase"`
	Deadlines []ketacover.Deadline `json:"deadlines"`
}

func (s *Server) apiAppend(w http.ResponseWriter, r *http.Request) error {
	if err := s.needStore(); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return ketacover.Errorf(EUNSUPPORTED, "Content-Type %q: send the event as application/json", ct)
		}
	}
	var in eventInput
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return ketacover.Errorf(ketacover.EINVALID, "the event is not valid JSON: %v (want {\"kind\": …, \"date\": \"YYYY-MM-DD\", \"details\": {…}, \"note\": …})", err)
	}
	u := userOf(r.Context())
	id := r.PathValue("id")
	ev := &ketacover.Event{CaseID: id, Kind: in.Kind, Date: in.Date, Details: in.Details, Note: in.Note, Actor: u.Name, Source: ketacover.SourceAPI}
	if err := s.store.Append(r.Context(), ev, func(prior []ketacover.Event) error { return timeline.Check(prior, ev) }); err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditEventAppend, id, fmt.Sprintf("%s #%d", ev.Kind, ev.Seq)); err != nil {
		return err
	}
	sc, events, err := s.loadCase(r.Context(), id)
	if err != nil {
		return err
	}
	st := timeline.Fold(events)
	ds, _ := timeline.Open(sc, st, s.book, s.today(), timeline.DefaultReminders)
	timeline.Sort(ds)
	w.Header().Set("Location", "/api/v1/cases/"+id+"/events")
	return writeJSON(w, http.StatusCreated, eventResult{Event: *ev, Phase: st.Phase, Deadlines: nonNil(ds)})
}

// agenda is the JSON of GET /api/v1/deadlines.
type agenda struct {
	AsOf      ketacover.Date       `json:"as_of"`
	Deadlines []ketacover.Deadline `json:"deadlines"`
}

func (s *Server) apiAgenda(w http.ResponseWriter, r *http.Request) error {
	if err := s.needStore(); err != nil {
		return err
	}
	within, err := intParam(r.URL.Query().Get("within"), "within", 0, 0, 3650)
	if err != nil {
		return err
	}
	b, err := s.board(r.Context())
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditDeadlines, "", ""); err != nil {
		return err
	}
	out := agenda{AsOf: b.day, Deadlines: []ketacover.Deadline{}}
	for _, d := range b.deadlines {
		if within == 0 || b.day.DaysUntil(d.Due) <= within {
			out.Deadlines = append(out.Deadlines, d)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCalendar(w http.ResponseWriter, r *http.Request) error {
	if err := s.needStore(); err != nil {
		return err
	}
	return s.writeCalendar(w, r)
}

// eraResult is the JSON of POST /api/v1/era.
type eraResult struct {
	Recorded  int                `json:"recorded"`
	Refused   int                `json:"refused"`
	Unmatched int                `json:"unmatched"`
	Outcomes  []tracking.Outcome `json:"outcomes"`
	Problems  []string           `json:"problems"`
}

func (s *Server) apiERA(w http.ResponseWriter, r *http.Request) error {
	if err := s.needStore(); err != nil {
		return err
	}
	recv, err := queryDate(r, "received")
	if err != nil {
		return err
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return fmt.Errorf("read body: %w", err)
	}
	if len(data) == 0 {
		return ketacover.Errorf(ketacover.EINVALID, "the request body is empty; send the X12 835 file as the body")
	}
	p, err := s.importERA(r, bytes.NewReader(data), recv)
	if err != nil {
		return err
	}
	out := eraResult{Recorded: len(p.Recorded), Refused: len(p.Refused), Unmatched: len(p.Unmatched), Problems: nonNil(p.Problems)}
	out.Outcomes = append(append([]tracking.Outcome{}, p.Recorded...), p.Unmatched...)
	for _, o := range p.Refused {
		o.Event = nil // never stored: Refused says why
		out.Outcomes = append(out.Outcomes, o)
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}
