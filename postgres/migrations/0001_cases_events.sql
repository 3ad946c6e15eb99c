-- Cases and their timelines. The case's summary (who, which plan, which
-- therapy: what a list filter or a deadline fold reads) is kept in columns
-- beside the case's JSON, so that neither has to decode 10,000 documents.
-- JSON is kept as json (its text as written), not jsonb: it is read back
-- whole, never queried into.

CREATE TABLE cases (
	num           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- insertion order: ties in created sort by it
	id            text        NOT NULL UNIQUE,
	created       timestamptz NOT NULL,
	actor         text        NOT NULL,
	source        text        NOT NULL,
	patient_name  text        NOT NULL,
	patient_state text        NOT NULL,
	payer         text        NOT NULL,
	payer_key     text        NOT NULL, -- payer trimmed, in lower case: the filter's form
	plan_type     text        NOT NULL,
	plan_state    text        NOT NULL,
	network       text        NOT NULL,
	benefit       text        NOT NULL,
	therapy       text        NOT NULL,
	indication    text        NOT NULL,
	case_json     json        NOT NULL
);

CREATE INDEX cases_payer ON cases (payer_key, num);
CREATE INDEX cases_state ON cases (patient_state, num);

-- Events are appended, never changed: the timeline is the audit trail.
CREATE TABLE events (
	id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	case_id  text        NOT NULL REFERENCES cases (id),
	seq      integer     NOT NULL CHECK (seq > 0),
	kind     text        NOT NULL,
	date     date        NOT NULL,
	recorded timestamptz NOT NULL,
	actor    text        NOT NULL,
	source   text        NOT NULL,
	details  json        NOT NULL, -- '{}' when empty
	note     text        NOT NULL,
	UNIQUE (case_id, seq)
);

-- The store appends only; a trigger makes that a property of the
-- database, not just of the code that writes it.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
	FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
	FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
