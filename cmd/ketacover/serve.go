package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/fhir"
	"github.com/ketacover/ketacover/internal/fifo"
	"github.com/ketacover/ketacover/internal/linebuf"
	"github.com/ketacover/ketacover/letter"
	"github.com/ketacover/ketacover/policy"
	"github.com/ketacover/ketacover/web"
)

const serveUsage = `serve [--addr ADDR] [--db PATH|postgres://…] [--policies DIR] [--log-format text|json] [--log-level LEVEL] [--dev DIR]
      [--tls-cert FILE --tls-key FILE] [--idle-timeout 15m] [--base-url URL] [--cds-jwks ISS=FILE,...]

Starts the web app and the JSON API: the patient self-check, the policy
browser and payer comparison, and /api/v1 (described at /api/openapi.json).
It prints the URL to open, serves until interrupted (Ctrl-C or SIGTERM),
then finishes the requests in flight and stops.

Every flag can also be set by an environment variable; a flag wins.

  --addr ADDR          address to listen on (KETACOVER_ADDR; default
                       127.0.0.1:8080, this machine only); :8080 listens on
                       every interface, :0 picks a free port
  --db DSN             database for saved cases (KETACOVER_DB): a SQLite file
                       or a postgres:// URL. The self-check and the policy
                       browser need none and store nothing
  --policies DIR       also load the policy files in DIR (KETACOVER_POLICIES)
  --log-format F       text or json (KETACOVER_LOG_FORMAT; default text)
  --log-level L        debug, info, warn or error (KETACOVER_LOG_LEVEL;
                       default info)
  --shutdown-timeout D how long to wait for requests in flight when stopping
                       (KETACOVER_SHUTDOWN_TIMEOUT; default 10s)
  --dev DIR            read templates and static files from DIR, the web
                       package's folder, on every request (KETACOVER_DEV)
  --tls-cert FILE      serve HTTPS with this certificate (PEM) and
  --tls-key FILE       this key (KETACOVER_TLS_CERT, KETACOVER_TLS_KEY);
                       session cookies are then Secure
  --idle-timeout D     sign a workbench user out after D without activity
                       (KETACOVER_IDLE_TIMEOUT; default 15m)
  --base-url URL       the server's public URL, when it sits behind a proxy
                       (KETACOVER_BASE_URL; default: the address it listens on)
  --cds-jwks ISS=FILE  CDS Hooks clients whose JWTs are accepted: issuer URL
                       and JWKS file, comma-separated (KETACOVER_CDS_JWKS).
                       Without it, tokens are not checked — private networks
                       and tests only

For EHRs, the Da Vinci CRD service (CDS Hooks 2.0) is at /cds-services
(order-sign, order-select, appointment-book for IV ketamine and esketamine
orders) and DTR at /Questionnaire/$questionnaire-package and
/QuestionnaireResponse.

With --db, the clinic workbench is at /today: Today's deadlines, the case
list, case pages, 835 import, reports and the audit log. It needs users:
add the first administrator with "ketacover user add NAME --admin".
Every view and change of a case is recorded ("ketacover audit").

Logs are one structured line per request (method, route, status, size,
duration) and never contain what a patient typed.

Under load, self-checks and CDS Hooks calls are judged a few at a time in
the order they arrive (one place per CPU), the Go scheduler gets one
thread more than the CPUs so the network is read meanwhile, and garbage is
collected at GOGC=200; GOMAXPROCS or GOGC in the environment override
these. Before it listens, serve touches 128 MB of memory for its heap and
sets up its FHIR parser on a made-up bundle, so that the first calls under
load wait neither on page faults nor on that set-up. Request log lines go
to stderr in batches, at least every tenth of a second and all of them
when serve stops. Figures: BENCHMARKS.md.`

// serveConfig is the configuration of "ketacover serve".
type serveConfig struct {
	Web       web.Config
	BaseURL   string // public URL of the server, for CDS Hooks audiences and DTR links
	CDSJWKS   string // ISSUER=FILE,... CDS clients whose tokens are accepted
	DB        string // saved cases: a SQLite path or postgres:// URL; "" stores nothing
	Policies  string // extra policy folder
	LogFormat string // text or json
	LogLevel  string // debug, info, warn, error
}

// defaultServeConfig is the configuration before flags and environment.
func defaultServeConfig() serveConfig {
	return serveConfig{Web: web.DefaultConfig(), LogFormat: "text", LogLevel: "info"}
}

// Validate reports every problem, naming the flag and variable to fix.
func (c serveConfig) Validate() error {
	var probs []string
	if err := c.Web.Validate(); err != nil {
		probs = append(probs, strings.TrimPrefix(ketacover.ErrorMessage(err), "invalid configuration:\n  "))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		probs = append(probs, fmt.Sprintf("log format %q: want text or json (--log-format, KETACOVER_LOG_FORMAT)", c.LogFormat))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		probs = append(probs, err.Error())
	}
	if len(probs) > 0 {
		return ketacover.Errorf(ketacover.EINVALID, "invalid configuration:\n  %s", strings.Join(probs, "\n  "))
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log level %q: want debug, info, warn or error (--log-level, KETACOVER_LOG_LEVEL)", s)
	}
	return l, nil
}

// serveFlags reads the configuration: defaults, then environment, then
// flags.
func serveFlags(e *env, args []string) (serveConfig, error) {
	cfg := defaultServeConfig()
	env := func(name string, dst *string) {
		if v := e.getenv(name); v != "" {
			*dst = v
		}
	}
	env("KETACOVER_ADDR", &cfg.Web.Addr)
	env("KETACOVER_DB", &cfg.DB)
	env("KETACOVER_POLICIES", &cfg.Policies)
	env("KETACOVER_LOG_FORMAT", &cfg.LogFormat)
	env("KETACOVER_LOG_LEVEL", &cfg.LogLevel)
	env("KETACOVER_DEV", &cfg.Web.DevDir)
	env("KETACOVER_BASE_URL", &cfg.BaseURL)
	env("KETACOVER_CDS_JWKS", &cfg.CDSJWKS)
	env("KETACOVER_TLS_CERT", &cfg.Web.TLSCert)
	env("KETACOVER_TLS_KEY", &cfg.Web.TLSKey)
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"KETACOVER_SHUTDOWN_TIMEOUT", &cfg.Web.ShutdownTimeout}, {"KETACOVER_IDLE_TIMEOUT", &cfg.Web.SessionIdle}} {
		if v := e.getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil {
				return cfg, ketacover.Errorf(ketacover.EINVALID, "%s %q: want a duration such as 10s or 15m", d.name, v)
			}
			*d.dst = t
		}
	}

	fs := newFlags(e, "serve")
	fs.StringVar(&cfg.Web.Addr, "addr", cfg.Web.Addr, "")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "")
	fs.StringVar(&cfg.Policies, "policies", cfg.Policies, "")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "")
	fs.StringVar(&cfg.Web.DevDir, "dev", cfg.Web.DevDir, "")
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "")
	fs.StringVar(&cfg.CDSJWKS, "cds-jwks", cfg.CDSJWKS, "")
	fs.DurationVar(&cfg.Web.ShutdownTimeout, "shutdown-timeout", cfg.Web.ShutdownTimeout, "")
	fs.StringVar(&cfg.Web.TLSCert, "tls-cert", cfg.Web.TLSCert, "")
	fs.StringVar(&cfg.Web.TLSKey, "tls-key", cfg.Web.TLSKey, "")
	fs.DurationVar(&cfg.Web.SessionIdle, "idle-timeout", cfg.Web.SessionIdle, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return cfg, err
	}
	if len(pos) > 0 {
		return cfg, usagef("serve takes no arguments, got %q", pos[0])
	}
	return cfg, cfg.Validate()
}

func newLogger(w io.Writer, cfg serveConfig) *slog.Logger {
	level, _ := parseLevel(cfg.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runServe(ctx context.Context, e *env, args []string) error {
	cfg, err := serveFlags(e, args)
	if err != nil {
		return err
	}
	// The heap's pages are touched while the policies load, before the
	// server listens (see prefaultHeap).
	prefaulted := make(chan struct{})
	go func() {
		defer close(prefaulted)
		prefaultHeap(prefaultBytes)
	}()
	// So are google/fhir's parsers, which set themselves up on first use:
	// a fresh server's first CDS Hooks call took 30-45 ms, and at 200 calls
	// in flight every call queued behind it (see fhir.Warm).
	warmed := make(chan error, 1)
	go func() { warmed <- fhir.Warm() }()
	lib, err := loadLibrary(cfg.Policies)
	if err != nil {
		return err
	}
	// Self-checks and hook calls are judged through one FIFO gate with a
	// place per CPU (package fifo says why). The Go scheduler gets one P
	// more than that, so that while the gate is full a P is still free to
	// poll the network: requests then reach the gate in the order they
	// arrive, which halves the p99 at 200 connections
	// (docs/benchmarks/web.md). GOMAXPROCS set in the environment wins.
	cpus := runtime.GOMAXPROCS(0)
	gate := fifo.New(cpus)
	if os.Getenv("GOMAXPROCS") == "" {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cpus + 1))
	}
	// The collector runs at half the default frequency: a self-check
	// allocates about 60 KB that is garbage once answered, over a live
	// heap of about 20 MB (policies, FHIR descriptors, kept pages), so at
	// the default a busy server spends a tenth of its CPU collecting. The
	// heap grows by about 20 MB. GOGC set in the environment wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	// One log line per request, written in batches: a write system call
	// per line was a sixth of a self-check's CPU under load. Lines reach
	// stderr within a tenth of a second, and all of them before serve
	// returns.
	logOut := linebuf.New(e.stderr, 64<<10, 100*time.Millisecond)
	defer logOut.Close()
	deps := web.Deps{
		Library: lib,
		Gate:    gate,
		Logger:  newLogger(logOut, cfg),
		Today: func() ketacover.Date {
			d, err := today(e)
			if err != nil {
				return ketacover.DateOf(e.now())
			}
			return d
		},
		Estimator: costEstimator{},
	}
	book, err := deadline.Default()
	if err != nil {
		return err
	}
	deps.Deadlines = newCaseDeadlines(book)
	deps.Book = book
	deps.Now = e.now
	w, err := letter.Default()
	if err != nil {
		return err
	}
	deps.Documents = letterDocuments{w}
	if cfg.DB != "" {
		s, err := openServerStore(ctx, e, cfg.DB)
		if err != nil {
			return err
		}
		defer s.Close()
		deps.Store = s
		if us, ok := s.(ketacover.UserStore); ok {
			deps.Users = us
		}
		if al, ok := s.(ketacover.AuditLog); ok {
			deps.Audit = al
		}
		deps.CaseDocuments = caseLetters{w: w, lib: lib}
	}
	cds := &lateHandler{}
	deps.Mount = map[string]http.Handler{}
	for _, p := range crdPatterns {
		deps.Mount[p] = cds
	}
	srv, err := web.New(cfg.Web, deps)
	if err != nil {
		return err
	}
	<-prefaulted
	if err := <-warmed; err != nil {
		deps.Logger.Warn("the FHIR warm-up failed, so the first CDS Hooks calls will be slower", "err", err)
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	base := cfg.BaseURL
	if base == "" {
		base = srv.URL()
	}
	if err := startCRD(cds, base, lib, gate, e, cfg.CDSJWKS, func(msg string) { deps.Logger.Warn(msg) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ketacover is running: open %s\n(press Ctrl-C to stop)\n", srv.URL())
	return srv.Serve(ctx)
}

// prefaultBytes is how much heap memory serve touches before it listens:
// under 200 connections of CDS Hooks calls the heap peaks at about 110 MB
// (a live heap of about 36 MB at GOGC=200), of which about 20 MB is
// already in use at start.
const prefaultBytes = 128 << 20

// prefaultHeap makes the Go heap map n bytes of memory now, then lets them
// go, so that the first requests do not pay for it. A page of memory the
// process touches for the first time costs a page fault; on the virtual
// machines this runs on that is about 14 microseconds per 4 KB page (100 MB
// in 0.35 s), and a freshly started server under load grew its heap by
// about 80 MB in its first second: 0.3 s of CPU spent in the kernel while
// 200 calls waited, which was most of the CDS Hooks load test's p99
// (docs/benchmarks/crd.md). The freed pages stay with the process for the
// heap to reuse, until the runtime's scavenger gradually gives back what
// an idle server does not need; a server that has been idle long enough
// pays for the pages again under its next burst.
func prefaultHeap(n int) {
	b := make([]byte, n)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	runtime.KeepAlive(b)
	// Collect now, so that the heap's goal is set from the live heap and
	// not from the block: the pages are free for the heap and the next
	// collection is not put off.
	runtime.GC()
}

// caseLetters writes a stored case's letters with package letter, from the
// case, its timeline (the appeal answers the denial recorded there) and
// its determination, as "ketacover letter KIND ID" does.
type caseLetters struct {
	w   *letter.Writer
	lib *policy.Library
}

var _ web.CaseDocumenter = caseLetters{}

func (l caseLetters) CaseDocument(ctx context.Context, kind web.DocumentKind, sc *ketacover.StoredCase, events []ketacover.Event, today ketacover.Date) (*web.File, error) {
	var k letter.Kind
	switch kind {
	case web.DocLMN:
		k = letter.KindLMN
	case web.DocAppeal:
		k = letter.KindAppeal
	case web.DocSuperbill:
		k = letter.KindSuperbill
	default:
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no document %q", kind)
	}
	c := &sc.Case
	asOf := today
	if c.Therapy.StartDate != nil {
		asOf = *c.Therapy.StartDate
	}
	f, err := policy.NewFacts(c, asOf)
	if err != nil {
		return nil, err
	}
	ds := l.lib.Check(f, "")
	in := letter.Input{Case: c, Events: events, Determination: &ds[0], Date: today, Level: 1}
	if p, err := l.lib.Policy(ds[0].Policy.ID); err == nil {
		if v, ok := p.Version(asOf); ok {
			in.PolicyCodes = v.Codes
		}
	}
	doc, err := l.w.Build(k, in)
	if err != nil {
		return nil, err
	}
	b, err := doc.PDF()
	if err != nil {
		return nil, err
	}
	return &web.File{Name: sc.ID + "-" + strings.ReplaceAll(string(k), "_", "-") + ".pdf", ContentType: "application/pdf", Data: b}, nil
}
