package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/ketacover/ketacover"
)

// Accounts, sessions and access. The clinic workbench and the case API
// need a signed-in user; the patient self-check and the policy browser do
// not. A browser signs in with a name and password and gets a session
// cookie (HttpOnly, SameSite=Lax, Secure over TLS) whose secret is kept in
// the database only as its SHA-256; a program calls the API with a
// per-user token ("Authorization: Bearer …"), also kept only as a hash.

// EUNAUTHORIZED is the code of a request that needs a signed-in user.
const EUNAUTHORIZED = "unauthorized"

// ETOOMANY is the code of a request refused by a rate limit.
const ETOOMANY = "too_many_requests"

// Password hashing: argon2id with OWASP's first recommended setting,
// m=19 MiB, t=2, p=1 (OWASP Password Storage Cheat Sheet, "Argon2id":
// https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id),
// in the PHC string format other tools read
// (https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	// MinPasswordLen is the shortest password accepted: NIST SP 800-63B
	// section 5.1.1.1 asks for at least 8 characters
	// (https://pages.nist.gov/800-63-3/sp800-63b.html#memsecret).
	MinPasswordLen = 8
)

// hashing bounds how many argon2id hashes run at once: each takes 19 MiB
// and a few tens of milliseconds, and a flood of sign-ins must not take
// the machine's memory.
var hashing = make(chan struct{}, 4)

// HashPassword returns the argon2id hash of password as a PHC string. It
// refuses a password shorter than MinPasswordLen or longer than 1,000
// bytes.
func HashPassword(password string) (string, error) {
	if n := len([]rune(password)); n < MinPasswordLen {
		return "", ketacover.Errorf(ketacover.EINVALID, "the password is too short: want at least %d characters", MinPasswordLen)
	}
	if len(password) > 1000 {
		return "", ketacover.Errorf(ketacover.EINVALID, "the password is too long: at most 1,000 bytes")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	hashing <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	<-hashing
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC hash, in time
// that does not depend on where they differ. A hash it cannot read never
// matches.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(password) > 1000 {
		return false
	}
	var v int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 10 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	hashing <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	<-hashing
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user does not exist, so that a
// wrong name takes as long as a wrong password.
var dummy = sync.OnceValue(func() string {
	h, _ := HashPassword("no such user, no such password")
	return h
})

// NewToken returns a random secret for a cookie or a token and the
// SHA-256 (hex) the store keeps.
func NewToken() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("token: %w", err)
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, TokenHash(secret), nil
}

// TokenHash is the SHA-256 (hex) of a secret, as the store keeps it.
func TokenHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Identity: the signed-in user travels in the request's context.

type ctxKey int

const userKey ctxKey = 0

// withUser returns ctx carrying the signed-in user.
func withUser(ctx context.Context, u *ketacover.User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// userOf returns the signed-in user, or nil.
func userOf(ctx context.Context) *ketacover.User {
	u, _ := ctx.Value(userKey).(*ketacover.User)
	return u
}

// access is what a route needs of its user.
type access int

const (
	canRead   access = iota // any signed-in user
	canWrite                // staff and admin
	canManage               // admin
)

func (a access) allows(r ketacover.Role) bool {
	switch a {
	case canWrite:
		return r.CanWrite()
	case canManage:
		return r.CanManage()
	}
	return r.Valid()
}

// cookieName is the session cookie.
const cookieName = "ketacover_session"

// need wraps a handler with sign-in and a role check. A page without a
// signed-in user redirects to the sign-in page; the API answers 401. A
// user whose role does not allow the route gets 403.
func (s *Server) need(a access, fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.users == nil {
			return notEnabled("the clinic workbench", "start the server with a database (ketacover serve --db PATH) and add a user with ketacover user add")
		}
		u, why, err := s.authenticate(w, r)
		if err != nil {
			return err
		}
		if u == nil {
			if wantsJSON(r) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ketacover"`)
				return ketacover.Errorf(EUNAUTHORIZED, "sign in first: send the session cookie of a signed-in browser, or \"Authorization: Bearer TOKEN\" with an API token from your account page")
			}
			target := "/login?next=" + url.QueryEscape(r.URL.RequestURI())
			if why != "" {
				target += "&why=" + why
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return nil
		}
		if !a.allows(u.Role) {
			what := "change cases"
			if a == canManage {
				what = "manage users or read the audit log"
			}
			return ketacover.Errorf(ketacover.EFORBIDDEN, "your role (%s) may not %s; ask an administrator", u.Role, what)
		}
		w.Header().Set("Cache-Control", "no-store")
		return fn(w, r.WithContext(withUser(r.Context(), u)))
	}
}

// authenticate finds the request's user from an API token or the session
// cookie. It returns nil and a reason word ("idle", "expired") when the
// session has ended, and ends it.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*ketacover.User, string, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, "", nil
		}
		u, err := s.users.TokenUser(ctx, ketacover.TokenAPI, TokenHash(tok))
		if ketacover.ErrorCode(err) == ketacover.ENOTFOUND {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		if u.Disabled {
			return nil, "", nil
		}
		return u, "", nil
	}
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return nil, "", nil
	}
	id := TokenHash(c.Value)
	sess, u, err := s.users.Session(ctx, id)
	if ketacover.ErrorCode(err) == ketacover.ENOTFOUND {
		s.clearCookie(w, r)
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	switch {
	case u.Disabled || u.LockedUntil.After(now):
		return nil, "", s.endSession(w, r, id)
	case now.Sub(sess.Seen) > s.cfg.SessionIdle:
		return nil, "idle", s.endSession(w, r, id)
	case now.Sub(sess.Created) > s.cfg.SessionMax:
		return nil, "expired", s.endSession(w, r, id)
	}
	// Seen is written at most once a minute: an idle logoff to the minute
	// without a write on every request.
	if now.Sub(sess.Seen) >= time.Minute {
		if err := s.users.TouchSession(ctx, id, now); err != nil && ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
			return nil, "", err
		}
	}
	return u, "", nil
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request, id string) error {
	s.clearCookie(w, r)
	return s.users.DeleteSession(r.Context(), id)
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: secret, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
		MaxAge: int(s.cfg.SessionMax.Seconds()),
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: -1})
}

// remote is the client's address for the audit trail: the connection's
// peer. (Behind a reverse proxy this is the proxy; the proxy's own logs
// then hold the client.)
func remote(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter allows each client address a burst of sign-in attempts that
// refills at a steady rate (a token bucket per address). It is kept in
// memory: each server replica limits on its own, and the lockout in the
// database covers them all.
type limiter struct {
	mu      sync.Mutex
	per     time.Duration // one attempt regained per this long
	burst   int
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(perMinute, burst int) *limiter {
	return &limiter{per: time.Minute / time.Duration(max(perMinute, 1)), burst: burst, buckets: map[string]*bucket{}}
}

// allow takes one attempt for key at now, reporting whether one was left.
func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buckets) > 10000 { // forget idle clients rather than grow
		for k, b := range l.buckets {
			if now.Sub(b.last) > time.Duration(l.burst)*l.per {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.burst), last: now}
		l.buckets[key] = b
	}
	b.tokens = min(float64(l.burst), b.tokens+float64(now.Sub(b.last))/float64(l.per))
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// crossOrigin refuses state-changing requests a browser sent from another
// origin (CSRF), with Go's CrossOriginProtection: it reads the browser's
// Sec-Fetch-Site header, else compares Origin with Host. Requests without
// either (programs, curl) pass; they carry no ambient cookie risk.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.cop.Check(r); err != nil {
			s.serveError(w, r, ketacover.Errorf(ketacover.EFORBIDDEN, "this request came from another web site and was refused (cross-site request forgery protection); use the form on this site"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
