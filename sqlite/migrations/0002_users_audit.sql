-- The clinic workbench: users, their sessions and tokens, the audit trail,
-- and a revision counter. Times are UTC microseconds since 1970; 0 is "never".

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE,
	role          TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'read-only')),
	password_hash TEXT    NOT NULL,
	created       INTEGER NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until  INTEGER NOT NULL DEFAULT 0,
	last_login    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A session's id is the SHA-256 of the cookie's secret, never the secret.
CREATE TABLE sessions (
	id      TEXT    PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	created INTEGER NOT NULL,
	seen    INTEGER NOT NULL,
	remote  TEXT    NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

-- API and calendar tokens, one of each kind per user, kept as SHA-256.
CREATE TABLE tokens (
	hash    TEXT    PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	kind    TEXT    NOT NULL,
	created INTEGER NOT NULL,
	UNIQUE (user_id, kind)
) STRICT;

-- Who viewed or changed which case, when, from where. No foreign key to
-- cases: an attempt on a case that does not exist is recorded too.
CREATE TABLE audit (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	actor   TEXT    NOT NULL,
	action  TEXT    NOT NULL,
	case_id TEXT    NOT NULL, -- '' when the action names no case
	detail  TEXT    NOT NULL,
	remote  TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_case ON audit (case_id, id);
CREATE INDEX audit_actor ON audit (actor, id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

-- One number that grows with every case and event written, by this
-- process or any other (the command line writes to the same file): a
-- reader that computed something from every timeline keeps it while the
-- number stands still.
CREATE TABLE revision (
	one INTEGER PRIMARY KEY CHECK (one = 1),
	n   INTEGER NOT NULL
) STRICT;
INSERT INTO revision (one, n) VALUES (1, 0);
CREATE TRIGGER cases_revision AFTER INSERT ON cases
BEGIN
	UPDATE revision SET n = n + 1;
END;
CREATE TRIGGER events_revision AFTER INSERT ON events
BEGIN
	UPDATE revision SET n = n + 1;
END;
