package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// middleware wraps a handler.
type middleware func(http.Handler) http.Handler

// chain applies ms to h so that the first is outermost.
func chain(h http.Handler, ms ...middleware) http.Handler {
	for i := len(ms) - 1; i >= 0; i-- {
		h = ms[i](h)
	}
	return h
}

// csp allows only this server's own scripts, styles, images and forms;
// no inline script or style, and no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries; over TLS also
// Strict-Transport-Security.
// securityHeaderValues are set on every response. The keys are canonical
// and the values made once and shared: a header's value slice is only ever
// replaced (Set) or appended to (Add, which copies a full slice), never
// written in place, and Set on each request cost a canonical-key check
// and an allocation per header.
var (
	securityHeaderValues = map[string][]string{
		"Content-Security-Policy":      {csp},
		"X-Content-Type-Options":       {"nosniff"},
		"X-Frame-Options":              {"DENY"},
		"Referrer-Policy":              {"no-referrer"},
		"Permissions-Policy":           {"camera=(), microphone=(), geolocation=(), interest-cohort=()"},
		"Cross-Origin-Opener-Policy":   {"same-origin"},
		"Cross-Origin-Resource-Policy": {"same-origin"},
	}
	hsts = []string{"max-age=31536000"}
)

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.TLS != nil {
			h["Strict-Transport-Security"] = hsts
		}
		for k, v := range securityHeaderValues {
			h[k] = v
		}
		next.ServeHTTP(w, r)
	})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	conn   *wholeConn // the request's connection, when it can hold writes
}

func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	var n int
	var err error
	if rec.conn != nil && rec.bytes == 0 && wholeBody(rec.Header(), p) {
		// The whole answer in one Write: headers and body in one system
		// call (see wholeConn).
		n, err = writeWhole(rec.ResponseWriter, rec.conn, p)
	} else {
		n, err = rec.ResponseWriter.Write(p)
	}
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// observe logs one structured line per request and records its metrics.
// It logs the route pattern, never the path's values, the query, the body
// or the client's address: a self-check carries health information.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.metrics.inFlight.Add(1)
		rec := &recorder{ResponseWriter: w}
		if r.TLS == nil {
			rec.conn, _ = r.Context().Value(wholeConnKey{}).(*wholeConn)
		}
		defer func() {
			s.metrics.inFlight.Add(-1)
			d := time.Since(start)
			route := r.Pattern // set by the ServeMux on this request
			if route == "" {
				route = unmatched
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			s.metrics.observe(route, rec.status, d)
			s.log.LogAttrs(r.Context(), levelOf(rec.status), "request",
				slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
				slog.Float64("duration_ms", float64(d.Microseconds())/1000))
		}()
		next.ServeHTTP(rec, r)
	})
}

// recoverer turns a panic in a handler into a logged internal error.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serveError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// levelOf logs server errors as errors and everything else as info.
func levelOf(status int) slog.Level {
	if status >= http.StatusInternalServerError {
		return slog.LevelError
	}
	return slog.LevelInfo
}
