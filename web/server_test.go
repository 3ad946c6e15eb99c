package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
	"github.com/ketacover/ketacover/storetest"
	"github.com/ketacover/ketacover/storetest/storedb"
)

// today is the fixed date every test server judges on.
var today = ketacover.MustDate("2026-11-27")

var (
	libOnce sync.Once
	lib     *policy.Library
	libErr  error
)

// library loads the bundled policies once per test binary.
func library(tb testing.TB) *policy.Library {
	tb.Helper()
	libOnce.Do(func() { lib, libErr = policy.Load(policies.FS) })
	if libErr != nil {
		tb.Fatalf("load policies: %v", libErr)
	}
	return lib
}

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// MustServer returns a server on the bundled library, judging on today,
// with deps' hooks, logging as JSON into the returned buffer.
func MustServer(tb testing.TB, deps Deps) (*Server, *syncBuffer) {
	tb.Helper()
	logs := &syncBuffer{}
	deps.Library = library(tb)
	deps.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	deps.Today = func() ketacover.Date { return today }
	// A store with no accounts given: the case API gets a real account
	// database and every request without credentials is sent as the
	// staff user "tester" (bearer token testToken), so the route tests
	// need not sign in. Tests of access itself pass Users and call the
	// handler as it is.
	shim := false
	if deps.Store != nil && deps.Users == nil {
		db := storedb.Open(tb, nil)
		u := storetest.MustUser(tb, db, "tester", ketacover.RoleStaff)
		if err := db.SetToken(context.Background(), u.ID, ketacover.TokenAPI, TokenHash(testToken)); err != nil {
			tb.Fatal(err)
		}
		deps.Users, deps.Audit = db, db
		shim = true
	}
	s, err := New(DefaultConfig(), deps)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	if shim {
		h := s.handler
		s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "" && r.Header.Get("Cookie") == "" {
				r.Header.Set("Authorization", "Bearer "+testToken)
			}
			h.ServeHTTP(w, r)
		})
	}
	return s, logs
}

// testToken is the API token of MustServer's user "tester".
const testToken = "test-token-of-the-staff-user-tester"

// do serves one request and returns the response with its body read.
func do(tb testing.TB, h http.Handler, method, target, contentType string, body io.Reader) (*http.Response, string) {
	tb.Helper()
	req := httptest.NewRequest(method, target, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// postForm posts a self-check form.
func postForm(tb testing.TB, h http.Handler, target string, v url.Values) (*http.Response, string) {
	tb.Helper()
	return do(tb, h, http.MethodPost, target, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// The three patients of the self-check tests: one who meets her payer's
// criteria, one who does not, and one whose answers leave facts unknown.
// They follow the example cases of the same names in examples/cases.

// formMeets is the HCSC (BCBS Oklahoma) patient of
// esketamine-hcsc-meets.yaml, as a patient would answer the form.
func formMeets() url.Values {
	return url.Values{
		"payer": {"Blue Cross and Blue Shield of Oklahoma"}, "plan_type": {"group-fully-insured"}, "state": {"OK"},
		"therapy": {"esketamine"}, "indication": {"trd"}, "date": {"2026-12-07"},
		"continuation": {"no"}, "oral_ad": {"yes"}, "oral_ad_name": {"escitalopram 20 mg"},
		"rems_certified": {"yes"}, "rems_enrolled": {"yes"}, "monitoring_2h": {"yes"},
		"age": {"41"}, "diagnosis": {"F33.2"}, "confirmed_by": {"scid"}, "recurrent": {"yes"}, "psychotic": {"no"}, "episode_months": {"11"},
		"trial.0.drug": {"sertraline"}, "trial.0.dose": {"150"}, "trial.0.weeks": {"10"}, "trial.0.outcome": {"no-response"}, "trial.0.episode": {"current"}, "trial.0.adequate": {"yes"},
		"trial.1.drug": {"bupropion"}, "trial.1.dose": {"300"}, "trial.1.weeks": {"8"}, "trial.1.outcome": {"partial-response"}, "trial.1.episode": {"current"}, "trial.1.adequate": {"yes"},
		"trial.2.drug": {"escitalopram"}, "trial.2.dose": {"20"}, "trial.2.weeks": {"12"}, "trial.2.outcome": {"ongoing"}, "trial.2.episode": {"current"}, "trial.2.adequate": {"yes"},
		"psych.0.type": {"CBT"}, "psych.0.weeks": {"16"}, "psych.0.outcome": {"partial-response"}, "psych.0.episode": {"current"},
		"score.0.scale": {"PHQ-9"}, "score.0.value": {"21"}, "score.0.date": {"2026-11-18"},
		"score.1.scale": {"MADRS"}, "score.1.value": {"33"}, "score.1.date": {"2026-11-18"},
		"aneurysm": {"no"}, "avm": {"no"}, "ich": {"no"}, "hypersensitivity": {"no"}, "psychosis": {"no"}, "bipolar": {"no"}, "pregnant": {"no"},
		"sud": {"no"}, "specialty": {"psychiatry"},
	}
}

// formDoesNotMeet is the Highmark patient of
// esketamine-highmark-does-not-meet.yaml: two failed antidepressants where
// the policy asks for three and an augmentation.
func formDoesNotMeet() url.Values {
	return url.Values{
		"payer": {"Highmark"}, "plan_type": {"erisa-self-funded"}, "state": {"PA"},
		"therapy": {"esketamine"}, "indication": {"trd"}, "date": {"2026-12-01"},
		"oral_ad": {"yes"}, "oral_ad_name": {"duloxetine"},
		"rems_certified": {"yes"}, "rems_enrolled": {"yes"}, "monitoring_2h": {"yes"},
		"age": {"49"}, "diagnosis": {"F33.1"}, "confirmed_by": {"mental-health-professional"},
		"trial.0.drug": {"sertraline"}, "trial.0.dose": {"200"}, "trial.0.weeks": {"8"}, "trial.0.outcome": {"no-response"}, "trial.0.episode": {"current"}, "trial.0.adequate": {"yes"},
		"trial.1.drug": {"duloxetine"}, "trial.1.dose": {"60"}, "trial.1.weeks": {"6"}, "trial.1.outcome": {"no-response"}, "trial.1.episode": {"current"}, "trial.1.adequate": {"yes"},
		"score.0.scale": {"PHQ-9"}, "score.0.value": {"18"}, "score.0.date": {"2026-11-10"},
		"aneurysm": {"no"}, "avm": {"no"}, "ich": {"no"}, "hypersensitivity": {"no"},
		"sud": {"no"}, "specialty": {"psychiatry"},
	}
}

// formMissing is the Triple-S Salud patient of
// esketamine-salud-information-needed.yaml: adherence not known and no
// MADRS or HAM-D score.
func formMissing() url.Values {
	return url.Values{
		"payer": {"Triple-S Salud"}, "plan_type": {"group-fully-insured"}, "state": {"PR"},
		"therapy": {"esketamine"}, "indication": {"trd"}, "date": {"2026-12-02"},
		"oral_ad": {"yes"}, "rems_certified": {"yes"}, "rems_enrolled": {"yes"},
		"age": {"36"}, "diagnosis": {"F32.2"}, "confirmed_by": {"scid"},
		"trial.0.drug": {"fluoxetine"}, "trial.0.dose": {"40"}, "trial.0.weeks": {"8"}, "trial.0.outcome": {"no-response"}, "trial.0.episode": {"current"}, "trial.0.adequate": {"yes"},
		"trial.1.drug": {"venlafaxine"}, "trial.1.dose": {"225"}, "trial.1.weeks": {"8"}, "trial.1.outcome": {"no-response"}, "trial.1.episode": {"current"}, "trial.1.adequate": {"yes"},
		"score.0.scale": {"PHQ-9"}, "score.0.value": {"20"}, "score.0.date": {"2026-11-20"},
		"aneurysm": {"no"}, "avm": {"no"}, "ich": {"no"}, "hypersensitivity": {"no"},
		"sud": {"no"}, "specialty": {"psychiatry"},
	}
}
