package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/tracking"
)

// The workbench's forms: an event on a case, a new case, an 835 upload.

// eventForm is the case page's event form as filled, with its problems.
type eventForm struct {
	Values url.Values
	Errors map[string]string
}

// Get returns a field's value.
func (f eventForm) Get(k string) string { return f.Values.Get(k) }

// Error returns a field's problem.
func (f eventForm) Error(k string) string { return f.Errors[k] }

func parseEventForm(v url.Values) eventForm {
	return eventForm{Values: v, Errors: map[string]string{}}
}

// event builds the event the form describes, noting each field's problem
// in f.Errors.
func (f eventForm) event() *ketacover.Event {
	v := f.Values
	ev := &ketacover.Event{Kind: ketacover.EventKind(v.Get("kind")), Note: strings.TrimSpace(v.Get("note"))}
	if !ev.Kind.Valid() {
		f.Errors["kind"] = "Choose what happened."
	}
	date := func(k string, required bool) *ketacover.Date {
		s := strings.TrimSpace(v.Get(k))
		if s == "" {
			if required {
				f.Errors[k] = "Enter the date (YYYY-MM-DD)."
			}
			return nil
		}
		d, err := ketacover.ParseDate(s)
		if err != nil {
			f.Errors[k] = "Enter the date as YYYY-MM-DD, e.g. 2026-11-27."
			return nil
		}
		return &d
	}
	num := func(k string) int {
		s := strings.TrimSpace(v.Get(k))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 10000 {
			f.Errors[k] = "Enter a whole number."
		}
		return n
	}
	if d := date("date", true); d != nil {
		ev.Date = *d
	}
	d := &ev.Details
	d.Method = v.Get("method")
	d.Reference = strings.TrimSpace(v.Get("ref"))
	d.Units = num("units")
	d.Start, d.End = date("start", false), date("end", false)
	d.Codes, d.CARC, d.RARC = split(v.Get("codes")), split(v.Get("carc")), split(v.Get("rarc"))
	d.Reason = strings.TrimSpace(v.Get("reason"))
	d.DenialClass = strings.TrimSpace(v.Get("class"))
	d.Group = strings.ToUpper(strings.TrimSpace(v.Get("group")))
	d.Level = num("level")
	d.Expedited = v.Get("expedited") == "yes"
	d.Outcome = v.Get("outcome")
	d.Agency = strings.TrimSpace(v.Get("agency"))
	if a := strings.TrimSpace(v.Get("amount")); a != "" {
		c, err := parseCents(a)
		if err != nil {
			f.Errors["amount"] = "Enter an amount in dollars, e.g. 1180.00."
		}
		d.AmountCents = c
	}
	return ev
}

func split(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, strings.ToUpper(x))
	}
	return out
}

// parseCents reads "450", "450.5" or "$1,450.00" as cents.
func parseCents(s string) (int64, error) {
	t := strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(s), "$"), ",", "")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || len(whole) > 12 || len(frac) > 2 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, fmt.Errorf("want dollars like 450.00, got %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	return strconv.ParseInt(whole+frac, 10, 64)
}

// newCasePage is the view-model of /cases/new.
type newCasePage struct {
	Values    url.Values
	Errors    map[string]string
	PlanTypes any
	States    any
}

func (p newCasePage) Get(k string) string   { return p.Values.Get(k) }
func (p newCasePage) Error(k string) string { return p.Errors[k] }

func (s *Server) caseNewForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "casenew", "New case", "cases", newCasePage{Values: url.Values{}, Errors: map[string]string{}, PlanTypes: planTypeWords, States: states})
}

// caseCreate stores a case from the short form, or from an uploaded case
// file (YAML or JSON, as "ketacover case new" reads), then shows it.
func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(s.cfg.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return ketacover.Errorf(ketacover.EINVALID, "the form could not be read")
	}
	p := newCasePage{Values: r.Form, Errors: map[string]string{}, PlanTypes: planTypeWords, States: states}
	var c *ketacover.Case
	if file, hdr, err := r.FormFile("casefile"); err == nil {
		defer file.Close()
		data, err := io.ReadAll(file)
		if err != nil {
			return err
		}
		if c, err = casefile.Parse(hdr.Filename, data); err != nil {
			p.Errors["casefile"] = ketacover.ErrorMessage(err)
		}
	} else {
		c = p.caseFromForm()
	}
	if len(p.Errors) == 0 {
		u := userOf(r.Context())
		sc, err := s.store.CreateCase(r.Context(), c, u.Name, ketacover.SourceWeb)
		switch ketacover.ErrorCode(err) {
		case "":
			if err := s.audit(r, ketacover.AuditCaseCreate, sc.ID, ""); err != nil {
				return err
			}
			http.Redirect(w, r, "/cases/"+url.PathEscape(sc.ID), http.StatusSeeOther)
			return nil
		case ketacover.EINVALID, ketacover.ECONFLICT:
			p.Errors["form"] = ketacover.ErrorMessage(err)
		default:
			return err
		}
	}
	return s.render(w, r, http.StatusBadRequest, "casenew", "New case", "cases", p)
}

func (p newCasePage) caseFromForm() *ketacover.Case {
	v := p.Values
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	c := &ketacover.Case{ID: get("id")}
	c.Patient.Name = get("name")
	c.Patient.State = strings.ToUpper(get("state"))
	if b := get("birth_date"); b != "" {
		d, err := ketacover.ParseDate(b)
		if err != nil {
			p.Errors["birth_date"] = "Enter the date of birth as YYYY-MM-DD."
		} else {
			c.Patient.BirthDate = &d
		}
	}
	c.Plan.Payer = get("payer")
	c.Plan.Type = ketacover.PlanType(get("plan_type"))
	c.Plan.Network = get("network")
	c.Plan.MemberID = get("member_id")
	c.Therapy.Drug = ketacover.Therapy(get("therapy"))
	c.Therapy.Indication = ketacover.Indication(get("indication"))
	if c.Patient.Name == "" {
		p.Errors["name"] = "Enter the patient's name."
	}
	if c.Plan.Payer == "" {
		p.Errors["payer"] = "Enter the payer as on the member card."
	}
	if c.Plan.Type == "" {
		p.Errors["plan_type"] = "Choose the kind of plan: it decides the appeal deadlines."
	}
	if c.Therapy.Drug == "" {
		p.Errors["therapy"] = "Choose the treatment."
	}
	if c.Therapy.Indication == "" {
		p.Errors["indication"] = "Choose what it is for."
	}
	return c
}

// eraPage is the view-model of /era: the upload form, and after an
// upload what it did.
type eraPage struct {
	Done      bool
	File      string
	Recorded  []tracking.Outcome
	Refused   []tracking.Outcome
	Unmatched []tracking.Outcome
	Problems  []string
	Error     string
}

func (s *Server) eraForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "era", "Import a remittance (835)", "era", eraPage{})
}

// eraUpload imports an uploaded 835 and shows which denials attached to
// which cases and what matched nothing. It answers the POST with the
// result (an import is safe to send again: a second one records nothing).
func (s *Server) eraUpload(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(s.cfg.MaxBodyBytes); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return ketacover.Errorf(ketacover.EINVALID, "send the 835 file from the form")
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.render(w, r, http.StatusBadRequest, "era", "Import a remittance (835)", "era", eraPage{Error: "Choose the 835 file to import."})
	}
	defer file.Close()
	var recv *ketacover.Date
	if v := strings.TrimSpace(r.FormValue("received")); v != "" {
		d, err := ketacover.ParseDate(v)
		if err != nil {
			return s.render(w, r, http.StatusBadRequest, "era", "Import a remittance (835)", "era", eraPage{Error: "Enter the date it arrived as YYYY-MM-DD, or leave it empty."})
		}
		recv = &d
	}
	p, err := s.importERA(r, file, recv)
	p.File = hdr.Filename
	status := http.StatusOK
	if err != nil {
		if ketacover.ErrorCode(err) != ketacover.EINVALID {
			return err
		}
		p.Error = ketacover.ErrorMessage(err)
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, "era", "Import a remittance (835)", "era", p)
}

// importERA runs the import and audits each case it changed.
func (s *Server) importERA(r *http.Request, body io.Reader, recv *ketacover.Date) (eraPage, error) {
	u := userOf(r.Context())
	im, err := tracking.ImportERA(r.Context(), s.store, body, tracking.ImportOptions{Received: recv, Actor: u.Name})
	p := eraPage{Done: true, Problems: im.Problems}
	for _, o := range im.Outcomes {
		switch {
		case o.CaseID == "":
			p.Unmatched = append(p.Unmatched, o)
		case o.Refused != "":
			p.Refused = append(p.Refused, o)
		default:
			p.Recorded = append(p.Recorded, o)
			if aerr := s.audit(r, ketacover.AuditEventAppend, o.CaseID, fmt.Sprintf("%s #%d from an 835", o.Event.Kind, o.Event.Seq)); aerr != nil {
				return p, aerr
			}
		}
	}
	rec, ref, un := im.Counts()
	if aerr := s.audit(r, ketacover.AuditERAImport, "", fmt.Sprintf("%d recorded, %d not recorded, %d unmatched", rec, ref, un)); aerr != nil {
		return p, aerr
	}
	return p, err
}
