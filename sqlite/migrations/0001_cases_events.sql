-- Cases and their timelines. The case's summary (who, which plan, which
-- therapy: what a list filter or a deadline fold reads) is kept in columns,
-- so that neither has to decode 10,000 documents.
-- Times are UTC microseconds since 1970 (as PostgreSQL keeps them); dates
-- are YYYY-MM-DD.

CREATE TABLE cases (
	num           INTEGER PRIMARY KEY,      -- insertion order: ties in created sort by it
	id            TEXT    NOT NULL UNIQUE,
	created       INTEGER NOT NULL,
	actor         TEXT    NOT NULL,
	source        TEXT    NOT NULL,
	patient_name  TEXT    NOT NULL,
	patient_state TEXT    NOT NULL,
	payer         TEXT    NOT NULL,
	payer_key     TEXT    NOT NULL,         -- payer trimmed, in lower case: the filter's form
	plan_type     TEXT    NOT NULL,
	plan_state    TEXT    NOT NULL,
	network       TEXT    NOT NULL,
	benefit       TEXT    NOT NULL,
	therapy       TEXT    NOT NULL,
	indication    TEXT    NOT NULL
) STRICT;

-- The case document (JSON) lives apart, keyed by the case's row number, so
-- that a walk over every case's summary reads a few pages, not every
-- document.
CREATE TABLE case_docs (
	num       INTEGER PRIMARY KEY REFERENCES cases (num),
	case_json TEXT    NOT NULL
) STRICT;

CREATE INDEX cases_payer ON cases (payer_key, num);
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
