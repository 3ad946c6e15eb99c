package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
)

var _ ketacover.UserStore = (*DB)(nil)

// micros stores a time as UTC microseconds, 0 for the zero time.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return records.StoredTime(t).UnixMicro()
}

// fromMicros reads a time stored by micros.
func fromMicros(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}

// CreateUser stores a new user and sets its ID and Created. Returns
// EINVALID and ECONFLICT.
func (d *DB) CreateUser(ctx context.Context, u *ketacover.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Name, err)
	}
	defer tx.Rollback()
	created := records.StoredTime(d.Now())
	res, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created, disabled) VALUES (?, ?, ?, ?, ?)`,
		u.Name, string(u.Role), u.PasswordHash, created.UnixMicro(), u.Disabled)
	if errors.Is(err, sqlite3.CONSTRAINT_UNIQUE) {
		return ketacover.Errorf(ketacover.ECONFLICT, "user %s already exists", u.Name)
	}
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create user %s: commit: %w", u.Name, err)
	}
	u.ID, u.Created = id, created
	return nil
}

const userColumns = `u.id, u.name, u.role, u.password_hash, u.created, u.disabled, u.failed_logins, u.locked_until, u.last_login`

func scanUser(row interface{ Scan(...any) error }) (*ketacover.User, error) {
	var (
		u                     ketacover.User
		role                  string
		created, locked, last int64
	)
	if err := row.Scan(&u.ID, &u.Name, &role, &u.PasswordHash, &created, &u.Disabled, &u.FailedLogins, &locked, &last); err != nil {
		return nil, err
	}
	u.Role = ketacover.Role(role)
	u.Created, u.LockedUntil, u.LastLogin = fromMicros(created), fromMicros(locked), fromMicros(last)
	return &u, nil
}

func findUser(ctx context.Context, tx *sql.Tx, name string) (*ketacover.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no user %s", name)
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	return u, nil
}

// User returns the user with that name. Returns ENOTFOUND.
func (d *DB) User(ctx context.Context, name string) (*ketacover.User, error) {
	tx, err := d.db.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	defer tx.Rollback()
	u, err := findUser(ctx, tx, name)
	if err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

// Users lists every user by name.
func (d *DB) Users(ctx context.Context) ([]*ketacover.User, error) {
	tx, err := d.db.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var us []*ketacover.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, tx.Commit()
}

// UpdateUser changes a user and returns it as stored. Returns ENOTFOUND and
// EINVALID.
func (d *DB) UpdateUser(ctx context.Context, name string, upd ketacover.UserUpdate) (*ketacover.User, error) {
	if upd.Role != nil && !upd.Role.Valid() {
		return nil, ketacover.Errorf(ketacover.EINVALID, "user %s: role %q: want admin, staff or read-only", name, *upd.Role)
	}
	if upd.PasswordHash != nil && *upd.PasswordHash == "" {
		return nil, ketacover.Errorf(ketacover.EINVALID, "user %s: empty password hash", name)
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("update user %s: %w", name, err)
	}
	defer tx.Rollback()
	u, err := findUser(ctx, tx, name)
	if err != nil {
		return nil, err
	}
	upd.Apply(u)
	u.LockedUntil = fromMicros(micros(u.LockedUntil))
	if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, password_hash = ?, disabled = ?, locked_until = ?, failed_logins = ? WHERE id = ?`,
		string(u.Role), u.PasswordHash, u.Disabled, micros(u.LockedUntil), u.FailedLogins, u.ID); err != nil {
		return nil, fmt.Errorf("update user %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update user %s: commit: %w", name, err)
	}
	return u, nil
}

// RecordLogin records a sign-in attempt and returns the count of wrong
// passwords since the last good one. Returns ENOTFOUND.
func (d *DB) RecordLogin(ctx context.Context, name string, ok bool, t time.Time) (int, error) {
	tx, err := d.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the count is read and written under the write lock
	if err != nil {
		return 0, fmt.Errorf("record login %s: %w", name, err)
	}
	defer tx.Rollback()
	q := `UPDATE users SET failed_logins = failed_logins + 1 WHERE name = ? RETURNING failed_logins`
	args := []any{name}
	if ok {
		q = `UPDATE users SET failed_logins = 0, last_login = ? WHERE name = ? RETURNING failed_logins`
		args = []any{micros(t), name}
	}
	var n int
	err = tx.QueryRowContext(ctx, q, args...).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ketacover.Errorf(ketacover.ENOTFOUND, "no user %s", name)
	}
	if err != nil {
		return 0, fmt.Errorf("record login %s: %w", name, err)
	}
	return n, tx.Commit()
}

// CreateSession stores a new session. Returns ENOTFOUND and ECONFLICT.
func (d *DB) CreateSession(ctx context.Context, s *ketacover.Login) error {
	if s.ID == "" || s.Created.IsZero() {
		return ketacover.Errorf(ketacover.EINVALID, "session: want an id and a creation time")
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	defer tx.Rollback()
	seen := s.Seen
	if seen.IsZero() {
		seen = s.Created
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created, seen, remote) VALUES (?, ?, ?, ?, ?)`,
		s.ID, s.UserID, micros(s.Created), micros(seen), s.Remote)
	switch {
	case errors.Is(err, sqlite3.CONSTRAINT_FOREIGNKEY):
		return ketacover.Errorf(ketacover.ENOTFOUND, "no user %d", s.UserID)
	case errors.Is(err, sqlite3.CONSTRAINT_PRIMARYKEY), errors.Is(err, sqlite3.CONSTRAINT_UNIQUE):
		return ketacover.Errorf(ketacover.ECONFLICT, "session already exists")
	case err != nil:
		return fmt.Errorf("create session: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create session: commit: %w", err)
	}
	s.Seen = fromMicros(micros(seen))
	s.Created = fromMicros(micros(s.Created))
	return nil
}

// Session returns a session and its user. Returns ENOTFOUND.
func (d *DB) Session(ctx context.Context, id string) (*ketacover.Login, *ketacover.User, error) {
	tx, err := d.db.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, nil, fmt.Errorf("session: %w", err)
	}
	defer tx.Rollback()
	var (
		s             ketacover.Login
		created, seen int64
	)
	row := tx.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.created, s.seen, s.remote, `+userColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`, id)
	u, err := scanUser(scanPrefix{row, []any{&s.ID, &s.UserID, &created, &seen, &s.Remote}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ketacover.Errorf(ketacover.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("session: %w", err)
	}
	s.Created, s.Seen = fromMicros(created), fromMicros(seen)
	return &s, u, tx.Commit()
}

// scanPrefix scans some leading columns into its own destinations and the
// rest into the caller's.
type scanPrefix struct {
	row  interface{ Scan(...any) error }
	dest []any
}

func (p scanPrefix) Scan(dest ...any) error { return p.row.Scan(append(p.dest, dest...)...) }

// TouchSession sets a session's Seen time. Returns ENOTFOUND.
func (d *DB) TouchSession(ctx context.Context, id string, seen time.Time) error {
	return d.exec1(ctx, "touch session", ketacover.Errorf(ketacover.ENOTFOUND, "no such session"),
		`UPDATE sessions SET seen = ? WHERE id = ?`, micros(seen), id)
}

// DeleteSession ends one session.
func (d *DB) DeleteSession(ctx context.Context, id string) error {
	return d.exec1(ctx, "end session", nil, `DELETE FROM sessions WHERE id = ?`, id)
}

// DeleteSessions ends every session of a user.
func (d *DB) DeleteSessions(ctx context.Context, userID int64) error {
	return d.exec1(ctx, "end sessions", nil, `DELETE FROM sessions WHERE user_id = ?`, userID)
}

// exec1 runs one write statement in its own transaction; when none is
// not nil, it is returned if no row changed.
func (d *DB) exec1(ctx context.Context, what string, none error, q string, args ...any) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if none != nil {
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		} else if n == 0 {
			return none
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// SetToken gives a user a token of a kind, replacing any older one.
// Returns ENOTFOUND.
func (d *DB) SetToken(ctx context.Context, userID int64, kind ketacover.TokenKind, hash string) error {
	if hash == "" || kind == "" {
		return ketacover.Errorf(ketacover.EINVALID, "token: want a kind and a hash")
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set token: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE user_id = ? AND kind = ?`, userID, string(kind)); err != nil {
		return fmt.Errorf("set token: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tokens (hash, user_id, kind, created) VALUES (?, ?, ?, ?)`,
		hash, userID, string(kind), micros(d.Now()))
	switch {
	case errors.Is(err, sqlite3.CONSTRAINT_FOREIGNKEY):
		return ketacover.Errorf(ketacover.ENOTFOUND, "no user %d", userID)
	case errors.Is(err, sqlite3.CONSTRAINT_PRIMARYKEY), errors.Is(err, sqlite3.CONSTRAINT_UNIQUE):
		return ketacover.Errorf(ketacover.ECONFLICT, "token already in use")
	case err != nil:
		return fmt.Errorf("set token: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set token: commit: %w", err)
	}
	return nil
}

// TokenUser returns the user whose token of that kind has that hash.
// Returns ENOTFOUND.
func (d *DB) TokenUser(ctx context.Context, kind ketacover.TokenKind, hash string) (*ketacover.User, error) {
	tx, err := d.db.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	defer tx.Rollback()
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.kind = ?`, hash, string(kind)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no such token")
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return u, tx.Commit()
}
