package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/internal/fifo"
	"github.com/ketacover/ketacover/policy"
)

// Deps are what the server is wired to. Library is required; a nil hook
// switches its feature off.
type Deps struct {
	// Library is the policy library cases are judged against.
	Library *policy.Library
	// Logger receives one structured line per request and every internal
	// error. Nil discards. Lines never carry health information: no
	// request bodies, form values, query strings or case facts.
	Logger *slog.Logger
	// Today is the date of service used when a case gives none. Nil uses
	// the local date now.
	Today func() ketacover.Date

	// Store keeps cases and their timelines (HOOK: sqlite or postgres).
	// Nil: nothing is stored, the cases API answers 501.
	Store ketacover.Store
	// Estimator prices the course of treatment (HOOK: cost).
	Estimator Estimator
	// Deadlines computes the deadlines if denied (HOOK: deadline).
	Deadlines Deadliner
	// Documents writes letters and the superbill as PDF (HOOK: letter).
	Documents Documenter

	// Users keeps the workbench's users, sessions and tokens. Nil: no one
	// can sign in, and the workbench and the case API answer 501.
	Users ketacover.UserStore
	// Audit keeps the audit trail of every view and change of a case.
	// Nil records nothing (only for tests of the public pages).
	Audit ketacover.AuditLog
	// CaseDocuments writes letters for stored cases (HOOK: letter).
	CaseDocuments CaseDocumenter
	// Book holds the deadline rules; nil loads deadline.Default().
	Book *deadline.Book
	// Now is the clock of sessions and the audit trail; nil is time.Now.
	Now func() time.Time
	// Mount adds other services' routes (CDS Hooks, DTR) to the server's
	// mux, behind the same middleware (logging, metrics, headers).
	// Patterns are ServeMux patterns; nil mounts nothing.
	Mount map[string]http.Handler
	// Gate admits self-checks to be judged and rendered a few at a time,
	// in the order they arrive (package fifo says why). Share one with
	// the other services of the process so that together they keep to
	// the CPUs. Nil: a gate of one place per CPU.
	Gate *fifo.Gate
}

// Server is ketacover's HTTP server. Create it with New, bind with Listen,
// then Serve until the context ends.
type Server struct {
	cfg      Config
	lib      *policy.Library
	log      *slog.Logger
	today    func() ketacover.Date
	store    ketacover.Store
	estimate Estimator
	deadline Deadliner
	docs     Documenter
	caseDocs CaseDocumenter
	users    ketacover.UserStore
	book     *deadline.Book
	mount    map[string]http.Handler
	now      func() time.Time
	gate     *fifo.Gate

	auditLogStore ketacover.AuditLog
	auditor       *auditor
	cop           *http.CrossOriginProtection
	limit         *limiter
	boards        boards

	pages   *pages
	cache   *pageCache
	metrics *metrics
	openapi []byte
	payers  []string // payer names for the self-check's suggestions
	mux     *http.ServeMux
	handler http.Handler
	ln      net.Listener
	http    *http.Server
}

// New builds a server from a validated configuration. It parses the
// templates and assembles the OpenAPI document, so a broken template fails
// here rather than on a request.
func New(cfg Config, d Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Library == nil {
		return nil, errors.New("web: no policy library")
	}
	s := &Server{
		cfg:      cfg,
		lib:      d.Library,
		log:      d.Logger,
		today:    d.Today,
		store:    d.Store,
		estimate: d.Estimator,
		deadline: d.Deadlines,
		docs:     d.Documents,
		caseDocs: d.CaseDocuments,
		users:    d.Users,
		book:     d.Book,
		now:      d.Now,
		mount:    d.Mount,
		gate:     d.Gate,
		cop:      http.NewCrossOriginProtection(),
		limit:    newLimiter(cfg.LoginRate, cfg.LoginRate),
		metrics:  newMetrics(),
		cache:    newPageCache(512),
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.today == nil {
		s.today = func() ketacover.Date { return ketacover.DateOf(time.Now()) }
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.gate == nil {
		s.gate = fifo.New(0)
	}
	if d.Audit != nil {
		s.auditLogStore, s.auditor = d.Audit, &auditor{log: d.Audit}
	}
	var err error
	if s.book == nil {
		if s.book, err = deadline.Default(); err != nil {
			return nil, fmt.Errorf("web: deadline rules: %w", err)
		}
	}
	if s.pages, err = loadPages(cfg.DevDir); err != nil {
		return nil, err
	}
	if s.openapi, err = openAPIDocument(); err != nil {
		return nil, fmt.Errorf("web: openapi document: %w", err)
	}
	s.payers = payerNames(s.lib)
	s.handler = s.routes()
	return s, nil
}

// Handler returns the server's root handler, with every middleware; tests
// serve it with httptest.
func (s *Server) Handler() http.Handler { return s.handler }

// Listen binds the configured address, so that ":0" gets a free port
// before anything is served and URL can report it.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "listen on %s: %v", s.cfg.Addr, err)
	}
	s.ln = ln
	return nil
}

// URL is the address to open in a browser once Listen has bound it; an
// unspecified host (":8080") is shown as localhost.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	host, port, _ := net.SplitHostPort(s.ln.Addr().String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	scheme := "http"
	if s.cfg.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/"
}

// Serve serves on the bound listener until ctx ends, then shuts down
// gracefully: it stops accepting, lets requests in flight finish for up to
// ShutdownTimeout, and returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() {
		if s.cfg.TLSCert != "" {
			errc <- s.http.ServeTLS(s.ln, s.cfg.TLSCert, s.cfg.TLSKey)
			return
		}
		// Plain HTTP/1: answers written whole go out in one system call
		// (wholeConn).
		s.http.ConnContext = connContext
		errc <- s.http.Serve(wholeListener{s.ln})
	}()
	s.log.Info("serving", "url", s.URL())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		s.http.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// date returns the date of service to judge on: the given one, else today.
func (s *Server) date(d *ketacover.Date) ketacover.Date {
	if d != nil && !d.IsZero() {
		return *d
	}
	return s.today()
}
