-- Cases and their timelines. The columns a list filter or a timeline fold
-- reads (payer, plan type, therapy, patient state) are kept beside the
-- case's JSON so that neither has to decode it to select. Times are UTC
-- microseconds since 1970 (as PostgreSQL keeps them); dates are YYYY-MM-DD.

CREATE TABLE cases (
	num           INTEGER PRIMARY KEY,      -- insertion order: ties in created sort by it
	id            TEXT    NOT NULL UNIQUE,
	created       INTEGER NOT NULL,
	actor         TEXT    NOT NULL,
	source        TEXT    NOT NULL,
	payer         TEXT    NOT NULL,         -- trimmed, lower case: the filter's form
	plan_type     TEXT    NOT NULL,
	therapy       TEXT    NOT NULL,
	patient_state TEXT    NOT NULL,         -- upper case
	case_json     TEXT    NOT NULL
) STRICT;

CREATE INDEX cases_payer ON cases (payer, num);
CREATE INDEX cases_state ON cases (patient_state, num);

-- Events are appended, never changed: the timeline is the audit trail.
CREATE TABLE events (
	id       INTEGER PRIMARY KEY,
	case_id  TEXT    NOT NULL REFERENCES cases (id),
	seq      INTEGER NOT NULL CHECK (seq > 0),
	kind     TEXT    NOT NULL,
	date     TEXT    NOT NULL,
	recorded INTEGER NOT NULL,
	actor    TEXT    NOT NULL,
	source   TEXT    NOT NULL,
	details  TEXT    NOT NULL,              -- JSON; '{}' when empty
	note     TEXT    NOT NULL,
	UNIQUE (case_id, seq)
) STRICT;

-- The store appends only; a trigger makes that a property of the file, not
-- just of the code that writes it.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
