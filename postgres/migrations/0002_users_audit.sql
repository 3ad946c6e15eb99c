-- The clinic workbench: users, their sessions and tokens, the audit trail,
-- and a revision counter.

CREATE TABLE users (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name          text        NOT NULL UNIQUE,
	role          text        NOT NULL CHECK (role IN ('admin', 'staff', 'read-only')),
	password_hash text        NOT NULL,
	created       timestamptz NOT NULL,
	disabled      boolean     NOT NULL DEFAULT false,
	failed_logins integer     NOT NULL DEFAULT 0,
	locked_until  timestamptz,          -- NULL: not locked
	last_login    timestamptz           -- NULL: never
);

-- A session's id is the SHA-256 of the cookie's secret, never the secret.
CREATE TABLE sessions (
	id      text        PRIMARY KEY,
	user_id bigint      NOT NULL REFERENCES users (id),
	created timestamptz NOT NULL,
	seen    timestamptz NOT NULL,
	remote  text        NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API and calendar tokens, one of each kind per user, kept as SHA-256.
CREATE TABLE tokens (
	hash    text        PRIMARY KEY,
	user_id bigint      NOT NULL REFERENCES users (id),
	kind    text        NOT NULL,
	created timestamptz NOT NULL,
	UNIQUE (user_id, kind)
);

-- Who viewed or changed which case, when, from where. No foreign key to
-- cases: an attempt on a case that does not exist is recorded too.
CREATE TABLE audit (
	id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at      timestamptz NOT NULL,
	actor   text        NOT NULL,
	action  text        NOT NULL,
	case_id text        NOT NULL, -- '' when the action names no case
	detail  text        NOT NULL,
	remote  text        NOT NULL
);
CREATE INDEX audit_case ON audit (case_id, id);
CREATE INDEX audit_actor ON audit (actor, id);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- One number that grows with every case and event written, by any
-- process: a reader that computed something from every timeline keeps it
-- while the number stands still. It is updated in the writing transaction,
-- so it never runs ahead of what a reader can see.
CREATE TABLE revision (
	one integer PRIMARY KEY CHECK (one = 1),
	n   bigint  NOT NULL
);
INSERT INTO revision (one, n) VALUES (1, 0);
CREATE FUNCTION bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE revision SET n = n + 1;
	RETURN NULL;
END;
$$;
CREATE TRIGGER cases_revision AFTER INSERT ON cases
	FOR EACH ROW EXECUTE FUNCTION bump_revision();
CREATE TRIGGER events_revision AFTER INSERT ON events
	FOR EACH ROW EXECUTE FUNCTION bump_revision();
