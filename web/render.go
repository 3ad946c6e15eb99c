package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ketacover/ketacover"
)

// files holds the templates, the static files and the OpenAPI skeleton.
//
//go:embed templates static openapi.json
var files embed.FS

// pageNames are the page templates, each parsed with the layout and the
// partials.
var pageNames = []string{"home", "check", "result", "policies", "policy", "compare", "about", "error",
	"login", "today", "cases", "case", "casenew", "era", "reports", "account", "users", "audit"}

// pages holds the parsed templates. In dev mode it re-reads them from disk
// on every request.
type pages struct {
	dev    string // the web package folder, or "" for the embedded files
	static fs.FS

	mu  sync.Mutex
	set map[string]*template.Template

	// frames are layouts rendered around a body marker, for pages whose
	// body is written without a template (Server.framed), by frameKey.
	frames     sync.Map
	frameCount atomic.Int32
}

func loadPages(dev string) (*pages, error) {
	p := &pages{dev: dev}
	tfs, err := p.templateFS()
	if err != nil {
		return nil, err
	}
	if p.set, err = parsePages(tfs); err != nil {
		return nil, err
	}
	if dev != "" {
		p.static = os.DirFS(filepath.Join(dev, "static"))
	} else if p.static, err = fs.Sub(files, "static"); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *pages) templateFS() (fs.FS, error) {
	if p.dev != "" {
		return os.DirFS(filepath.Join(p.dev, "templates")), nil
	}
	return fs.Sub(files, "templates")
}

// parsePages parses every page with the layout and partials.
func parsePages(tfs fs.FS) (map[string]*template.Template, error) {
	set := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(tfs, "layout.html", "partials.html", name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		set[name] = t
	}
	return set, nil
}

// template returns the named page, re-parsed in dev mode.
func (p *pages) template(name string) (*template.Template, error) {
	if p.dev != "" {
		tfs, _ := p.templateFS()
		set, err := parsePages(tfs)
		if err != nil {
			return nil, err
		}
		p.mu.Lock()
		p.set = set
		p.mu.Unlock()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.set[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", name)
	}
	return t, nil
}

// layout is what every page's layout reads.
type layout struct {
	Title    string
	Section  string // the navigation item to mark as current
	Features features
	User     *ketacover.User // the signed-in user on workbench pages; nil on public ones
	Page     any
}

// features says which hooks are switched on, for the pages to say so.
type features struct {
	Estimate  bool
	Deadlines bool
	Documents bool
	Store     bool
}

func (s *Server) features() features {
	return features{Estimate: s.estimate != nil, Deadlines: s.deadline != nil, Documents: s.docs != nil, Store: s.store != nil}
}

// render executes a page into a buffer and writes it only when it is
// whole, so a failing template never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title, section string, data any) error {
	t, err := s.pages.template(name)
	if err != nil {
		return err
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	if err := t.Execute(buf, layout{Title: title, Section: section, Features: s.features(), User: userOf(r.Context()), Page: data}); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// fragment executes the template name of page's set with data, for a
// part of a page that stays the same across requests until the data
// behind it changes (Today's lists, a row of the case list): the caller
// keeps it and later pages write it as is. Callers cache it only when
// s.keepFragments says so.
func (s *Server) fragment(page, name string, data any) (template.HTML, error) {
	t, err := s.pages.template(page)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("render %s of %s: %w", name, page, err)
	}
	return template.HTML(b.String()), nil
}

// keepFragments reports whether rendered fragments may be kept: not in
// dev mode, where a template edited on disk must show on the next request.
func (s *Server) keepFragments() bool { return s.pages.dev == "" }

// buffers are reused page buffers: a page is tens of kilobytes, and
// growing a fresh buffer for each was a tenth of a self-check's time.
var buffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

// putBuffer returns a page buffer to the pool, unless a huge page grew it.
func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		buf.Reset()
		buffers.Put(buf)
	}
}

// writeJSON encodes v into a buffer, then writes it with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// static serves the embedded (or, in dev mode, on-disk) static files.
func (s *Server) static() http.Handler {
	fsrv := http.StripPrefix("/static/", http.FileServerFS(s.pages.static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			s.serveError(w, r, ketacover.Errorf(ketacover.ENOTFOUND, "no such file"))
			return
		}
		if s.pages.dev == "" {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		fsrv.ServeHTTP(w, r)
	})
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
