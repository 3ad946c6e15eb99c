package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ketacover/ketacover"
)

// Error codes the web layer adds to ketacover's own, for conditions only
// HTTP has.
const (
	ENOTENABLED  = "not_enabled"            // a feature this server was started without
	ETOOLARGE    = "too_large"              // the request body is over the limit
	EMETHOD      = "method_not_allowed"     // the route exists, not for this method
	EUNSUPPORTED = "unsupported_media_type" // the body is not in a format the route reads
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[string]int{
	ketacover.EINVALID:   http.StatusBadRequest,
	ketacover.ENOTFOUND:  http.StatusNotFound,
	ketacover.ECONFLICT:  http.StatusConflict,
	ketacover.EFORBIDDEN: http.StatusForbidden,
	ketacover.EINTERNAL:  http.StatusInternalServerError,
	ENOTENABLED:          http.StatusNotImplemented,
	ETOOLARGE:            http.StatusRequestEntityTooLarge,
	EMETHOD:              http.StatusMethodNotAllowed,
	EUNSUPPORTED:         http.StatusUnsupportedMediaType,
	EUNAUTHORIZED:        http.StatusUnauthorized,
	ETOOMANY:             http.StatusTooManyRequests,
}

// status returns the HTTP status of an error code.
func status(code string) int {
	if st, ok := statusOf[code]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// errorBody is the one JSON shape of every API error.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// classify returns the code and the message a person may see for err:
// an *ketacover.Error keeps its own; a body over the limit becomes
// ETOOLARGE; anything else is internal and says only "internal error".
func classify(err error) (code, msg string) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return ETOOLARGE, "the request body is larger than the limit of " + byteSize(mbe.Limit)
	}
	return ketacover.ErrorCode(err), ketacover.ErrorMessage(err)
}

// handlerFunc is a handler that returns its error to the adapter instead
// of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// adapt turns a handlerFunc into an http.Handler: it caps the body and
// hands any error to serveError. Routes under /api/ and the operational
// endpoints answer errors as JSON, pages as HTML.
func (s *Server) adapt(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		}
		if err := fn(w, r); err != nil {
			s.serveError(w, r, err)
		}
	})
}

// serveError writes err as a JSON error or an error page, with the status
// from statusOf. Internal errors are logged here, once, and never shown.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := classify(err)
	st := status(code)
	if code == ketacover.EINTERNAL {
		s.log.Error("internal error", "route", r.Pattern, "method", r.Method, "err", err.Error())
	}
	if code == EMETHOD {
		if allow := allowedHeader(err); allow != "" {
			w.Header().Set("Allow", allow)
		}
	}
	if wantsJSON(r) {
		if err := writeJSON(w, st, errorBody{Code: code, Message: msg}); err != nil {
			s.log.Error("write error response", "route", r.Pattern, "err", err.Error())
		}
		return
	}
	data := errorPage{Status: st, StatusText: http.StatusText(st), Code: code, Message: msg}
	if err := s.render(w, r, st, "error", data.StatusText, "", data); err != nil {
		s.log.Error("render error page", "route", r.Pattern, "err", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// wantsJSON reports whether r is an API or operational request.
func wantsJSON(r *http.Request) bool {
	p := r.URL.Path
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

// errorPage is the view-model of the error page.
type errorPage struct {
	Status     int
	StatusText string
	Code       string
	Message    string
}

// methodError is an EMETHOD error that carries the methods the route
// allows, for the Allow header.
type methodError struct {
	err   *ketacover.Error
	allow string
}

func (e *methodError) Error() string { return e.err.Message }
func (e *methodError) Unwrap() error { return e.err }

func allowedHeader(err error) string {
	var me *methodError
	if errors.As(err, &me) {
		return me.allow
	}
	return ""
}
