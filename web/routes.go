package web

import (
	"net/http"
	"strings"
)

// route is one line of the route table.
type route struct {
	pattern string
	handler handlerFunc
}

// table is every route the server answers. Hooks (marked) answer 501
// "not_enabled" while their Deps field is nil. Pages that depend only on
// their URL and the date are cached once rendered.
func (s *Server) table() []route {
	return []route{
		// Pages.
		{"GET /{$}", s.cached(s.home)},
		{"GET /check", s.cached(s.checkForm)},
		{"POST /check", s.checkSubmit},
		{"POST /check/documents/{kind}", s.checkDocument}, // hook: Documents
		{"GET /policies", s.cached(s.policyList)},
		{"GET /policies/{id}", s.cached(s.policyShow)},
		{"GET /compare", s.cached(s.compare)},
		{"GET /about", s.cached(s.about)},
		{"/", s.notFound},

		// The clinic workbench (signed in; writes need staff or admin).
		{"GET /login", s.loginForm},
		{"POST /login", s.loginSubmit},
		{"POST /logout", s.logout},
		{"GET /today", s.need(canRead, s.todayShow)},
		{"GET /cases", s.need(canRead, s.caseList)},
		{"GET /cases/new", s.need(canWrite, s.caseNewForm)},
		{"POST /cases", s.need(canWrite, s.caseCreate)},
		{"GET /cases/{id}", s.need(canRead, s.caseShow)},
		{"POST /cases/{id}/events", s.need(canWrite, s.caseEventSubmit)},
		{"POST /cases/{id}/documents/{kind}", s.need(canRead, s.caseDocument)}, // hook: CaseDocuments
		{"GET /era", s.need(canWrite, s.eraForm)},
		{"POST /era", s.need(canWrite, s.eraUpload)},
		{"GET /reports", s.need(canRead, s.reports)},
		{"GET /reports.csv", s.need(canRead, s.reportsCSV)},
		{"GET /account", s.need(canRead, s.account)},
		{"POST /account/calendar", s.need(canRead, s.newCalendarLink)},
		{"POST /account/token", s.need(canRead, s.newAPIToken)},
		{"GET /calendar/{file}", s.calendarFeed}, // the secret in the address is the credential
		{"GET /admin/users", s.need(canManage, s.usersList)},
		{"POST /admin/users", s.need(canManage, s.userCreate)},
		{"POST /admin/users/{name}", s.need(canManage, s.userUpdate)},
		{"GET /admin/audit", s.need(canManage, s.auditLog)},

		// Operations.
		{"GET /healthz", s.healthz},
		{"GET /readyz", s.readyz},
		{"GET /metrics", s.metricsz},

		// JSON API.
		{"GET /api/openapi.json", s.apiOpenAPI},
		{"POST /api/v1/check", s.apiCheck},
		{"GET /api/v1/policies", s.cached(s.apiPolicies)},
		{"GET /api/v1/policies/{id}", s.cached(s.apiPolicy)},
		{"GET /api/v1/schema/case", s.apiCaseSchema},
		{"POST /api/v1/estimate", s.apiEstimate},                               // hook: Estimator
		{"POST /api/v1/deadlines", s.apiDeadlines},                             // hook: Deadlines
		{"POST /api/v1/documents/{kind}", s.apiDocument},                       // hook: Documents
		{"GET /api/v1/cases", s.need(canRead, s.apiCases)},                     // hook: Store
		{"POST /api/v1/cases", s.need(canWrite, s.apiCreateCase)},              // hook: Store
		{"GET /api/v1/cases/{id}", s.need(canRead, s.apiCase)},                 // hook: Store
		{"GET /api/v1/cases/{id}/events", s.need(canRead, s.apiEvents)},        // hook: Store
		{"POST /api/v1/cases/{id}/events", s.need(canWrite, s.apiAppend)},      // hook: Store
		{"GET /api/v1/deadlines", s.need(canRead, s.apiAgenda)},                // hook: Store
		{"GET /api/v1/deadlines/calendar.ics", s.need(canRead, s.apiCalendar)}, // hook: Store
		{"POST /api/v1/era", s.need(canWrite, s.apiERA)},                       // hook: Store
		{"/api/", s.apiNotFound},
	}
}

// routes builds the handler: the table on a ServeMux, the static files,
// and the middleware every request passes through.
func (s *Server) routes() http.Handler {
	s.mux = http.NewServeMux()
	for _, rt := range s.table() {
		s.mux.Handle(rt.pattern, s.adapt(rt.handler))
		s.metrics.addRoute(rt.pattern)
	}
	s.mux.Handle("GET /static/", s.static())
	s.metrics.addRoute("GET /static/")
	for pattern, h := range s.mount {
		s.mux.Handle(pattern, h)
		s.metrics.addRoute(pattern)
	}
	return chain(s.mux, s.observe, s.securityHeaders, s.recoverer, s.crossOrigin)
}

// allowed returns the methods a path is served for, when the request's
// own method is not one of them ("" when the path has no route at all),
// by asking the mux which pattern each method would reach.
func (s *Server) allowed(r *http.Request) string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pat := s.mux.Handler(probe); pat != "/" && pat != "/api/" {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}
