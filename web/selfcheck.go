package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policy"
)

// The patient self-check: no account, nothing stored. The answers travel
// with each request (as hidden fields on the result page), so "change my
// answers" and the document downloads need no server state. The result is
// a direct answer to the POST, marked no-store, rather than a redirect,
// because a redirect would need the answers kept somewhere.

// check judges a case: the one path from a case to a result, for the API
// and the pages.
func (s *Server) check(c *ketacover.Case, payer string, asOf ketacover.Date) (checkResult, error) {
	f, err := policy.NewFacts(c, asOf)
	if err != nil {
		return checkResult{}, fmt.Errorf("build facts: %w", err)
	}
	ds := s.lib.Check(f, payer)
	f.Release()
	s.metrics.evaluated(ds)
	return newCheckResult(c, payer, asOf, ds), nil
}

// homePage is the landing page.
type homePage struct {
	Policies int
	Payers   int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	n := 0
	for _, p := range s.lib.Policies() {
		if !p.Reference {
			n++
		}
	}
	payers := map[string]bool{}
	for _, p := range s.lib.Policies() {
		if !p.Reference {
			payers[p.Payer] = true
		}
	}
	return s.render(w, r, http.StatusOK, "home", "Will insurance pay for ketamine or Spravato?", "home", homePage{Policies: n, Payers: len(payers)})
}

func (s *Server) about(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "about", "How ketacover works", "about", nil)
}

// formPage is the self-check form with everything its questions list.
type formPage struct {
	Form   *checkForm
	Payers []string
	Today  ketacover.Date

	PlanTypes     any
	States        any
	Diagnoses     any
	Confirmations any
	Outcomes      any
	Scales        any
	Specialties   any
	Others        any
	Drugs         []string

	Treatment  []question
	Diagnosis  []question
	Contra     []question
	Substance  []question
	Suicide    []question
	Prescriber []question
}

func (s *Server) formPage(f *checkForm) formPage {
	return formPage{
		Form: f, Payers: s.payers, Today: s.today(),
		PlanTypes: planTypeWords, States: states, Diagnoses: diagnoses, Confirmations: confirmations,
		Outcomes: trialOutcomes, Scales: scaleWords, Specialties: specialties, Others: otherTreatments,
		Drugs:     drugNames,
		Treatment: treatmentQuestions, Diagnosis: diagnosisQuestions, Contra: contraQuestions,
		Substance: substanceQuestions, Suicide: suicideQuestions, Prescriber: prescriberQuestions,
	}
}

func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "check", "Self-check", "check", s.formPage(newCheckForm(nil)))
}

// checkSubmit answers the form: it adds a row, shows the form again to
// change the answers, or judges the case.
func (s *Server) checkSubmit(w http.ResponseWriter, r *http.Request) error {
	vals, err := readForm(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	f := newCheckForm(vals)
	switch action := vals.Get("action"); action {
	case "add-trial", "add-score", "add-psych":
		f.addRow(action[len("add-"):])
		return s.render(w, r, http.StatusOK, "check", "Self-check", "check", s.formPage(f))
	case "edit":
		return s.render(w, r, http.StatusOK, "check", "Self-check", "check", s.formPage(f))
	case "", "check":
	default:
		return ketacover.Errorf(ketacover.EINVALID, "unknown action %q", action)
	}
	if s.gate.Enter(r.Context()) != nil {
		return nil // the client went away while waiting: no one to answer
	}
	buf, err := s.answer(r, f)
	s.gate.Leave()
	if err != nil {
		return err
	}
	if buf == nil {
		return s.render(w, r, status(ketacover.EINVALID), "check", "Self-check: please check your answers", "check", s.formPage(f))
	}
	defer putBuffer(buf)
	return writeHTML(w, http.StatusOK, buf)
}

// answer judges the answers and writes the answer page into a pooled
// buffer, or returns nil when the answers have problems (left in
// f.Errors).
func (s *Server) answer(r *http.Request, f *checkForm) (*bytes.Buffer, error) {
	c, asOf := f.caseOf()
	if len(f.Errors) > 0 {
		return nil, nil
	}
	res, err := s.check(c, "", s.date(asOf))
	if err != nil {
		return nil, err
	}
	p := newResultPage(res, f)
	s.addHooks(r.Context(), &p, c)
	feat := s.features()
	return s.framed(r, "result", "Your answer: "+p.Headline, "check", func(b *bytes.Buffer) { p.writeBody(b, feat) })
}

// addHooks fills the sections that come from other packages. A hook's
// problem is shown in its own section and never hides the answer.
func (s *Server) addHooks(ctx context.Context, p *resultPage, c *ketacover.Case) {
	if s.estimate != nil {
		e, err := s.estimate.Estimate(ctx, c, p.AsOf)
		if err != nil {
			p.EstimateErr = s.hookError("estimate", err)
		} else {
			p.Estimate = e
		}
	}
	if s.deadline != nil {
		ds, err := s.deadline.Deadlines(ctx, c, p.AsOf)
		if err != nil {
			p.DeadlinesErr = s.hookError("deadlines", err)
		} else {
			p.Deadlines = ds
		}
	}
}

// hookError is what a page says about a hook's error; internal errors are
// logged (without case facts) and not shown.
func (s *Server) hookError(hook string, err error) string {
	if ketacover.ErrorCode(err) == ketacover.EINTERNAL {
		s.log.Error("hook failed", "hook", hook, "err", err.Error())
		return "This part could not be worked out just now."
	}
	return ketacover.ErrorMessage(err)
}

// checkDocument writes a letter or the superbill for the answers posted.
func (s *Server) checkDocument(w http.ResponseWriter, r *http.Request) error {
	kind := DocumentKind(r.PathValue("kind"))
	if !contains(docKindNames(), string(kind)) {
		return ketacover.Errorf(ketacover.ENOTFOUND, "no document %q; the documents are %s", kind, docKindList())
	}
	if s.docs == nil {
		return ketacover.Errorf(ENOTENABLED, "the %s as PDF is not switched on in this server yet, so no file can be made; the answer on the previous page still stands", strings.ToLower(kind.Label()))
	}
	vals, err := readForm(r)
	if err != nil {
		return err
	}
	f := newCheckForm(vals)
	c, asOf := f.caseOf()
	if len(f.Errors) > 0 {
		return ketacover.Errorf(ketacover.EINVALID, "the answers sent with this request have problems; go back to the self-check and check them again")
	}
	res, err := s.check(c, "", s.date(asOf))
	if err != nil {
		return err
	}
	file, err := s.docs.Document(r.Context(), kind, c, res.Results)
	if err != nil {
		return err
	}
	return writeFile(w, file)
}

// writeFile sends a generated document as a download.
func writeFile(w http.ResponseWriter, f *File) error {
	h := w.Header()
	ct := f.ContentType
	if ct == "" {
		ct = "application/pdf"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", f.Name))
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(f.Data)
	return err
}

func docKindNames() []string {
	out := make([]string, len(DocumentKinds))
	for i, k := range DocumentKinds {
		out[i] = string(k)
	}
	return out
}

func docKindList() string {
	s := ""
	for i, k := range DocumentKinds {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}

// readForm reads a posted form's answers. It reads the body itself
// rather than through ParseForm, which also copies every value into
// r.Form; the self-check is the busiest route.
func readForm(r *http.Request) (url.Values, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, ketacover.Errorf(EUNSUPPORTED, "send the form as application/x-www-form-urlencoded, not %q", ct)
		}
	}
	var body []byte
	var err error
	if n := r.ContentLength; n > 0 && n <= 64<<10 {
		// The usual case, a form of a few kilobytes: read it into a
		// buffer of its size rather than one grown from 512 bytes. (The
		// body limit still applies: MaxBytesReader stops the read.)
		body = make([]byte, n)
		_, err = io.ReadFull(r.Body, body)
	} else {
		body, err = io.ReadAll(r.Body)
	}
	if err != nil {
		if code, _ := classify(err); code == ETOOLARGE {
			return nil, err
		}
		return nil, fmt.Errorf("read form: %w", err)
	}
	vals, err := parseQuery(string(body))
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "the form could not be read: %v", err)
	}
	return vals, nil
}

// maxFastParams is how many answers parseQuery reads itself; the form
// has about a hundred fields.
const maxFastParams = 1000

// parseQuery is url.ParseQuery for a well-formed form of at most
// maxFastParams answers, with the map sized once and the answers' value
// lists cut from one array: ParseQuery grows the map several times and
// makes a list for every answer. Anything else (a semicolon, an escape
// it cannot read, more answers) goes to url.ParseQuery itself, so errors
// are the standard library's. (Its limit on the number of answers, 10,000
// unless GODEBUG urlmaxqueryparams says otherwise, is far above ours.)
func parseQuery(q string) (url.Values, error) {
	n := strings.Count(q, "&") + 1
	if n > maxFastParams || strings.IndexByte(q, ';') >= 0 {
		return url.ParseQuery(q)
	}
	m := make(url.Values, n)
	lists := make([]string, n)
	for rest := q; rest != ""; {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return url.ParseQuery(q)
		}
		if v, err = url.QueryUnescape(v); err != nil {
			return url.ParseQuery(q)
		}
		if old, ok := m[k]; ok {
			m[k] = append(old, v)
			continue
		}
		lists[0] = v
		m[k], lists = lists[:1:1], lists[1:]
	}
	return m, nil
}

// notFound answers paths no route matches, or a known path with the wrong
// method.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if allow := s.allowed(r); allow != "" {
		return &methodError{err: ketacover.Errorf(EMETHOD, "%s is not allowed here; use %s", r.Method, allow), allow: allow}
	}
	return ketacover.Errorf(ketacover.ENOTFOUND, "there is no page at %s", r.URL.Path)
}
