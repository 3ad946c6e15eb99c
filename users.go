package ketacover

import (
	"context"
	"time"
	"unicode/utf8"
)

// Role is what a user of the clinic workbench may do.
type Role string

// The roles, from most to least powerful.
const (
	RoleAdmin    Role = "admin"     // everything, and manages users and reads the audit log
	RoleStaff    Role = "staff"     // reads and changes cases, imports remittances
	RoleReadOnly Role = "read-only" // reads cases, changes nothing
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleStaff, RoleReadOnly}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleStaff || r == RoleReadOnly }

// CanWrite reports whether the role may change cases.
func (r Role) CanWrite() bool { return r == RoleAdmin || r == RoleStaff }

// CanManage reports whether the role may manage users and read the audit
// log.
func (r Role) CanManage() bool { return r == RoleAdmin }

// User is a person who signs in to the workbench.
type User struct {
	ID   int64  `json:"id"`
	Name string `json:"name"` // the sign-in name: 1–64 of a-z 0-9 . _ - @
	Role Role   `json:"role"`
	// PasswordHash is the encoded password hash (an argon2id PHC string);
	// never shown.
	PasswordHash string    `json:"-"`
	Created      time.Time `json:"created"`
	Disabled     bool      `json:"disabled,omitempty"`
	// FailedLogins counts wrong passwords since the last good one.
	FailedLogins int `json:"failed_logins,omitempty"`
	// LockedUntil, when after now, refuses every sign-in.
	LockedUntil time.Time `json:"locked_until,omitzero"`
	LastLogin   time.Time `json:"last_login,omitzero"`
}

// Validate checks the user's name, role and hash.
func (u *User) Validate() error {
	if err := ValidUserName(u.Name); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return Errorf(EINVALID, "user %s: role %q: want admin, staff or read-only", u.Name, u.Role)
	}
	if u.PasswordHash == "" {
		return Errorf(EINVALID, "user %s: no password hash", u.Name)
	}
	return nil
}

// ValidUserName checks a sign-in name: 1 to 64 characters, lower-case
// letters, digits and . _ - @ only, so that a name reads the same in the
// audit log, a URL and a shell.
func ValidUserName(name string) error {
	if name == "" || len(name) > 64 || !utf8.ValidString(name) {
		return Errorf(EINVALID, "user name %.70q: want 1 to 64 characters", name)
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-', r == '@':
		default:
			return Errorf(EINVALID, "user name %q: use only lower-case letters, digits and . _ - @", name)
		}
	}
	return nil
}

// UserUpdate changes some of a user's fields; nil fields stay as they are.
type UserUpdate struct {
	Role         *Role
	PasswordHash *string
	Disabled     *bool
	LockedUntil  *time.Time // the zero time unlocks
}

// Apply changes u as upd says. Unlocking (a zero LockedUntil) forgives
// the wrong passwords counted so far. A store keeps LockedUntil at its
// own precision afterwards.
func (upd UserUpdate) Apply(u *User) {
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.PasswordHash != nil {
		u.PasswordHash = *upd.PasswordHash
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if upd.LockedUntil != nil {
		u.LockedUntil = *upd.LockedUntil
		if u.LockedUntil.IsZero() {
			u.FailedLogins = 0
		}
	}
}

// Login is a signed-in browser session. Its ID is the SHA-256 (hex) of the
// secret in the browser's cookie, so the database never holds a usable
// cookie.
type Login struct {
	ID      string    `json:"-"`
	UserID  int64     `json:"user_id"`
	Created time.Time `json:"created"`
	Seen    time.Time `json:"seen"`   // the last request, to the store's resolution of a minute or so
	Remote  string    `json:"remote"` // the address it signed in from
}

// TokenKind names what a user token opens.
type TokenKind string

// The token kinds. Each user has at most one of each; a new one replaces
// the old.
const (
	TokenAPI      TokenKind = "api"      // the JSON API, as "Authorization: Bearer TOKEN"
	TokenCalendar TokenKind = "calendar" // the user's deadline calendar feed (.ics)
)

// UserStore keeps users, their sessions and their tokens.
type UserStore interface {
	// CreateUser stores a new user and sets its ID and Created. Returns
	// EINVALID for a user that does not Validate and ECONFLICT when the
	// name is taken.
	CreateUser(ctx context.Context, u *User) error
	// User returns the user with that name. Returns ENOTFOUND.
	User(ctx context.Context, name string) (*User, error)
	// Users lists every user by name.
	Users(ctx context.Context) ([]*User, error)
	// UpdateUser changes a user and returns it as stored. Returns
	// ENOTFOUND, and EINVALID for an unknown role or an empty hash.
	UpdateUser(ctx context.Context, name string, upd UserUpdate) (*User, error)
	// RecordLogin records a sign-in attempt at t: a good one resets the
	// count of wrong passwords and sets LastLogin, a wrong one adds one
	// to the count. It returns the count after the attempt, counted in
	// the database so that concurrent attempts each count. Returns
	// ENOTFOUND.
	RecordLogin(ctx context.Context, name string, ok bool, t time.Time) (failures int, err error)

	// CreateSession stores a new session. Returns ENOTFOUND when its user
	// does not exist and ECONFLICT when its ID is taken.
	CreateSession(ctx context.Context, s *Login) error
	// Session returns a session and its user. Returns ENOTFOUND.
	Session(ctx context.Context, id string) (*Login, *User, error)
	// TouchSession sets a session's Seen time. Returns ENOTFOUND.
	TouchSession(ctx context.Context, id string, seen time.Time) error
	// DeleteSession ends one session; ending one that does not exist is
	// not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteSessions ends every session of a user (after a password
	// change, a lock or a disable).
	DeleteSessions(ctx context.Context, userID int64) error

	// SetToken gives a user a token of a kind, replacing any older one.
	// hash is the SHA-256 (hex) of the token; the token itself is never
	// stored. Returns ENOTFOUND when the user does not exist.
	SetToken(ctx context.Context, userID int64, kind TokenKind, hash string) error
	// TokenUser returns the user whose token of that kind has that hash.
	// Returns ENOTFOUND.
	TokenUser(ctx context.Context, kind TokenKind, hash string) (*User, error)
}
