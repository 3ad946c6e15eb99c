package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/records"
)

var _ ketacover.UserStore = (*DB)(nil)

// nullTime stores the zero time as NULL ("never").
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	s := records.StoredTime(t)
	return &s
}

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// CreateUser stores a new user and sets its ID and Created. Returns
// EINVALID and ECONFLICT.
func (d *DB) CreateUser(ctx context.Context, u *ketacover.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	var id int64
	var created time.Time
	err := d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		created = records.StoredTime(d.Now())
		err := tx.QueryRow(ctx, `INSERT INTO users (name, role, password_hash, created, disabled) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			u.Name, string(u.Role), u.PasswordHash, created, u.Disabled).Scan(&id)
		if pgCode(err) == "23505" {
			return ketacover.Errorf(ketacover.ECONFLICT, "user %s already exists", u.Name)
		}
		if err != nil {
			return fmt.Errorf("create user %s: %w", u.Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	u.ID, u.Created = id, created
	return nil
}

const userColumns = `u.id, u.name, u.role, u.password_hash, u.created, u.disabled, u.failed_logins, u.locked_until, u.last_login`

func scanUser(row pgx.Row, prefix ...any) (*ketacover.User, error) {
	var (
		u            ketacover.User
		role         string
		locked, last *time.Time
	)
	dest := append(prefix, &u.ID, &u.Name, &role, &u.PasswordHash, &u.Created, &u.Disabled, &u.FailedLogins, &locked, &last)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role = ketacover.Role(role)
	u.Created = u.Created.UTC()
	u.LockedUntil, u.LastLogin = fromNull(locked), fromNull(last)
	return &u, nil
}

func findUser(ctx context.Context, tx pgx.Tx, name string, lock bool) (*ketacover.User, error) {
	q := `SELECT ` + userColumns + ` FROM users u WHERE u.name = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	u, err := scanUser(tx.QueryRow(ctx, q, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "no user %s", name)
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	return u, nil
}

// User returns the user with that name. Returns ENOTFOUND.
func (d *DB) User(ctx context.Context, name string) (*ketacover.User, error) {
	var u *ketacover.User
	err := d.Transact(ctx, readTx, func(tx pgx.Tx) error {
		var err error
		u, err = findUser(ctx, tx, name, false)
		return err
	})
	return u, err
}

// Users lists every user by name.
func (d *DB) Users(ctx context.Context) ([]*ketacover.User, error) {
	var us []*ketacover.User
	err := d.Transact(ctx, readTx, func(tx pgx.Tx) error {
		us = nil
		rows, err := tx.Query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.name`)
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return fmt.Errorf("list users: %w", err)
			}
			us = append(us, u)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		return nil
	})
	return us, err
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
	var u *ketacover.User
	err := d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		var err error
		if u, err = findUser(ctx, tx, name, true); err != nil {
			return err
		}
		upd.Apply(u)
		u.LockedUntil = fromNull(nullTime(u.LockedUntil))
		_, err = tx.Exec(ctx, `UPDATE users SET role = $1, password_hash = $2, disabled = $3, locked_until = $4, failed_logins = $5 WHERE id = $6`,
			string(u.Role), u.PasswordHash, u.Disabled, nullTime(u.LockedUntil), u.FailedLogins, u.ID)
		if err != nil {
			return fmt.Errorf("update user %s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// RecordLogin records a sign-in attempt and returns the count of wrong
// passwords since the last good one. Returns ENOTFOUND.
func (d *DB) RecordLogin(ctx context.Context, name string, ok bool, t time.Time) (int, error) {
	var n int
	err := d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		var err error
		if ok {
			err = tx.QueryRow(ctx, `UPDATE users SET failed_logins = 0, last_login = $1 WHERE name = $2 RETURNING failed_logins`, nullTime(t), name).Scan(&n)
		} else {
			err = tx.QueryRow(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE name = $1 RETURNING failed_logins`, name).Scan(&n)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			return ketacover.Errorf(ketacover.ENOTFOUND, "no user %s", name)
		}
		if err != nil {
			return fmt.Errorf("record login %s: %w", name, err)
		}
		return nil
	})
	return n, err
}

// CreateSession stores a new session. Returns ENOTFOUND and ECONFLICT.
func (d *DB) CreateSession(ctx context.Context, s *ketacover.Login) error {
	if s.ID == "" || s.Created.IsZero() {
		return ketacover.Errorf(ketacover.EINVALID, "session: want an id and a creation time")
	}
	seen := s.Seen
	if seen.IsZero() {
		seen = s.Created
	}
	err := d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sessions (id, user_id, created, seen, remote) VALUES ($1, $2, $3, $4, $5)`,
			s.ID, s.UserID, records.StoredTime(s.Created), records.StoredTime(seen), s.Remote)
		switch pgCode(err) {
		case "":
		case "23503":
			return ketacover.Errorf(ketacover.ENOTFOUND, "no user %d", s.UserID)
		case "23505":
			return ketacover.Errorf(ketacover.ECONFLICT, "session already exists")
		}
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.Created, s.Seen = records.StoredTime(s.Created), records.StoredTime(seen)
	return nil
}

// Session returns a session and its user. Returns ENOTFOUND.
func (d *DB) Session(ctx context.Context, id string) (*ketacover.Login, *ketacover.User, error) {
	var (
		s ketacover.Login
		u *ketacover.User
	)
	err := d.Transact(ctx, readTx, func(tx pgx.Tx) error {
		var err error
		row := tx.QueryRow(ctx, `SELECT s.id, s.user_id, s.created, s.seen, s.remote, `+userColumns+`
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`, id)
		u, err = scanUser(row, &s.ID, &s.UserID, &s.Created, &s.Seen, &s.Remote)
		if errors.Is(err, pgx.ErrNoRows) {
			return ketacover.Errorf(ketacover.ENOTFOUND, "no such session")
		}
		if err != nil {
			return fmt.Errorf("session: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	s.Created, s.Seen = s.Created.UTC(), s.Seen.UTC()
	return &s, u, nil
}

// TouchSession sets a session's Seen time. Returns ENOTFOUND.
func (d *DB) TouchSession(ctx context.Context, id string, seen time.Time) error {
	return d.exec1(ctx, "touch session", ketacover.Errorf(ketacover.ENOTFOUND, "no such session"),
		`UPDATE sessions SET seen = $1 WHERE id = $2`, records.StoredTime(seen), id)
}

// DeleteSession ends one session.
func (d *DB) DeleteSession(ctx context.Context, id string) error {
	return d.exec1(ctx, "end session", nil, `DELETE FROM sessions WHERE id = $1`, id)
}

// DeleteSessions ends every session of a user.
func (d *DB) DeleteSessions(ctx context.Context, userID int64) error {
	return d.exec1(ctx, "end sessions", nil, `DELETE FROM sessions WHERE user_id = $1`, userID)
}

// exec1 runs one write statement in its own transaction; when none is
// not nil, it is returned if no row changed.
func (d *DB) exec1(ctx context.Context, what string, none error, q string, args ...any) error {
	return d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if none != nil && tag.RowsAffected() == 0 {
			return none
		}
		return nil
	})
}

// SetToken gives a user a token of a kind, replacing any older one.
// Returns ENOTFOUND.
func (d *DB) SetToken(ctx context.Context, userID int64, kind ketacover.TokenKind, hash string) error {
	if hash == "" || kind == "" {
		return ketacover.Errorf(ketacover.EINVALID, "token: want a kind and a hash")
	}
	return d.Transact(ctx, writeTx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM tokens WHERE user_id = $1 AND kind = $2`, userID, string(kind)); err != nil {
			return fmt.Errorf("set token: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO tokens (hash, user_id, kind, created) VALUES ($1, $2, $3, $4)`,
			hash, userID, string(kind), records.StoredTime(d.Now()))
		switch pgCode(err) {
		case "":
		case "23503":
			return ketacover.Errorf(ketacover.ENOTFOUND, "no user %d", userID)
		case "23505":
			return ketacover.Errorf(ketacover.ECONFLICT, "token already in use")
		}
		if err != nil {
			return fmt.Errorf("set token: %w", err)
		}
		return nil
	})
}

// TokenUser returns the user whose token of that kind has that hash.
// Returns ENOTFOUND.
func (d *DB) TokenUser(ctx context.Context, kind ketacover.TokenKind, hash string) (*ketacover.User, error) {
	var u *ketacover.User
	err := d.Transact(ctx, readTx, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1 AND t.kind = $2`, hash, string(kind)))
		if errors.Is(err, pgx.ErrNoRows) {
			return ketacover.Errorf(ketacover.ENOTFOUND, "no such token")
		}
		if err != nil {
			return fmt.Errorf("token: %w", err)
		}
		return nil
	})
	return u, err
}
