package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/tracking"
)

// Signing in and out, the account page, and the calendar feed.

// loginPage is the view-model of the sign-in form.
type loginPage struct {
	Next    string
	Name    string
	Error   string
	Notice  string
	Enabled bool
}

// safeNext keeps a redirect after sign-in on this site: a path, never
// "//host" or a scheme.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/today"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := loginPage{Next: safeNext(q.Get("next")), Enabled: s.users != nil}
	switch q.Get("why") {
	case "idle":
		p.Notice = fmt.Sprintf("You were signed out after %s without activity. Sign in again to go on.", words(s.cfg.SessionIdle))
	case "expired":
		p.Notice = "Your session reached its time limit. Sign in again to go on."
	case "out":
		p.Notice = "You are signed out."
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "login", "Sign in", "login", p)
}

// words says a duration as a person would: "15 minutes".
func words(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return d.String()
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// loginSubmit checks a name and password. Wrong passwords are counted in
// the database; at LoginAttempts in a row the account locks for
// LockoutFor. Each client address may try LoginRate times a minute.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if s.users == nil {
		return notEnabled("signing in", "start the server with a database (ketacover serve --db PATH) and add a user with ketacover user add")
	}
	if err := r.ParseForm(); err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "the form could not be read")
	}
	name := strings.ToLower(strings.TrimSpace(r.PostForm.Get("name")))
	password := r.PostForm.Get("password")
	p := loginPage{Next: safeNext(r.PostForm.Get("next")), Name: name, Enabled: true}
	fail := func(status int, msg string) error {
		p.Error = msg
		w.Header().Set("Cache-Control", "no-store")
		return s.render(w, r, status, "login", "Sign in", "login", p)
	}
	now := s.now()
	if !s.limit.allow(remote(r), now) {
		w.Header().Set("Retry-After", "60")
		return fail(http.StatusTooManyRequests, "Too many sign-in attempts from this computer. Wait a minute, then try again.")
	}
	if name == "" || password == "" {
		return fail(http.StatusBadRequest, "Enter your user name and your password.")
	}
	wrong := "The user name or the password is wrong."
	u, err := s.users.User(r.Context(), name)
	if ketacover.ErrorCode(err) == ketacover.ENOTFOUND || ketacover.ValidUserName(name) != nil {
		CheckPassword(dummy(), password) // as slow as a real check
		if err := s.auditAs(r, name, ketacover.AuditLoginFailed, "", "no such user"); err != nil {
			return err
		}
		return fail(http.StatusUnauthorized, wrong)
	}
	if err != nil {
		return err
	}
	if u.LockedUntil.After(now) {
		return fail(http.StatusForbidden, fmt.Sprintf("This account is locked after %d wrong passwords until %s. An administrator can unlock it sooner.", s.cfg.LoginAttempts, u.LockedUntil.Local().Format("15:04 on Jan 2")))
	}
	if !CheckPassword(u.PasswordHash, password) {
		n, err := s.users.RecordLogin(r.Context(), name, false, now)
		if err != nil {
			return err
		}
		if err := s.auditAs(r, name, ketacover.AuditLoginFailed, "", fmt.Sprintf("wrong password %d of %d", n, s.cfg.LoginAttempts)); err != nil {
			return err
		}
		if n >= s.cfg.LoginAttempts {
			until := now.Add(s.cfg.LockoutFor)
			if _, err := s.users.UpdateUser(r.Context(), name, ketacover.UserUpdate{LockedUntil: &until}); err != nil {
				return err
			}
			if err := s.users.DeleteSessions(r.Context(), u.ID); err != nil {
				return err
			}
			if err := s.auditAs(r, name, ketacover.AuditLocked, "", "locked for "+words(s.cfg.LockoutFor)); err != nil {
				return err
			}
			return fail(http.StatusForbidden, fmt.Sprintf("This account is now locked for %s after %d wrong passwords. An administrator can unlock it sooner.", words(s.cfg.LockoutFor), n))
		}
		return fail(http.StatusUnauthorized, wrong)
	}
	if u.Disabled {
		return fail(http.StatusForbidden, "This account is switched off. Ask an administrator.")
	}
	if _, err := s.users.RecordLogin(r.Context(), name, true, now); err != nil {
		return err
	}
	secret, hash, err := NewToken()
	if err != nil {
		return err
	}
	if err := s.users.CreateSession(r.Context(), &ketacover.Login{ID: hash, UserID: u.ID, Created: now, Seen: now, Remote: remote(r)}); err != nil {
		return err
	}
	if err := s.auditAs(r, name, ketacover.AuditLogin, "", ""); err != nil {
		return err
	}
	s.setCookie(w, r, secret)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(cookieName); err == nil && c.Value != "" && s.users != nil {
		if err := s.users.DeleteSession(r.Context(), TokenHash(c.Value)); err != nil {
			return err
		}
		if err := s.audit(r, ketacover.AuditLogout, "", ""); err != nil {
			return err
		}
	}
	s.clearCookie(w, r)
	http.Redirect(w, r, "/login?why=out", http.StatusSeeOther)
	return nil
}

// accountPage is the view-model of /account. Calendar and Token are shown
// once, right after they are made: only their hashes are kept.
type accountPage struct {
	User        *ketacover.User
	CalendarURL string
	Token       string
	Idle        string
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "account", "Your account", "account", accountPage{User: userOf(r.Context()), Idle: words(s.cfg.SessionIdle)})
}

// newCalendarLink makes the user a new calendar subscription address,
// which replaces the old one. The page answers the POST directly rather
// than redirecting: the secret is shown this once and kept nowhere.
func (s *Server) newCalendarLink(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r.Context())
	secret, hash, err := NewToken()
	if err != nil {
		return err
	}
	if err := s.users.SetToken(r.Context(), u.ID, ketacover.TokenCalendar, hash); err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditTokenCreate, "", "calendar"); err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	p := accountPage{User: u, Idle: words(s.cfg.SessionIdle), CalendarURL: scheme + "://" + r.Host + "/calendar/" + secret + ".ics"}
	return s.render(w, r, http.StatusOK, "account", "Your account", "account", p)
}

// newAPIToken makes the user a new API token, replacing the old one.
func (s *Server) newAPIToken(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r.Context())
	secret, hash, err := NewToken()
	if err != nil {
		return err
	}
	if err := s.users.SetToken(r.Context(), u.ID, ketacover.TokenAPI, hash); err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditTokenCreate, "", "api"); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "account", "Your account", "account", accountPage{User: u, Idle: words(s.cfg.SessionIdle), Token: secret})
}

// calendarFeed serves every open deadline as an iCalendar file to a
// calendar app that subscribed with the user's secret address. The secret
// is the only credential (calendar apps send no cookies), so it is long,
// random, kept only as a hash and replaced from the account page.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) error {
	if s.users == nil || s.store == nil {
		return notEnabled("the calendar feed", "start the server with a database")
	}
	secret, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || secret == "" {
		return ketacover.Errorf(ketacover.ENOTFOUND, "no such calendar")
	}
	u, err := s.users.TokenUser(r.Context(), ketacover.TokenCalendar, TokenHash(secret))
	if ketacover.ErrorCode(err) == ketacover.ENOTFOUND || err == nil && u.Disabled {
		return ketacover.Errorf(ketacover.ENOTFOUND, "no such calendar; make a new address on your account page")
	}
	if err != nil {
		return err
	}
	r = r.WithContext(withUser(r.Context(), u))
	return s.writeCalendar(w, r)
}

func (s *Server) writeCalendar(w http.ResponseWriter, r *http.Request) error {
	b, err := s.board(r.Context())
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditCalendar, "", fmt.Sprintf("%d deadlines", len(b.deadlines))); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := tracking.Calendar(b.deadlines, s.now()).WriteTo(&buf); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `inline; filename="ketacover-deadlines.ics"`)
	_, err = w.Write(buf.Bytes())
	return err
}
