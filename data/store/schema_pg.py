"""The district hub's schema on PostgreSQL: its own versioned steps, frozen SQL like the
SQLite steps (data/store/schema.py), applied by data/store/server.py.

The tables and indexes are those the SQLite steps reach at their latest version, in
PostgreSQL's types (naive UTC ``TIMESTAMP`` where SQLite keeps text). What SQLite does with
its own machinery has a counterpart chosen for the job:

- events are append-only: a trigger refuses UPDATE, DELETE and TRUNCATE of ``event`` for every
  role, and ``REVOKE`` takes those privileges from everyone but the owner (server.py revokes
  them from the role the app connects as, too); ``event.n`` is the insertion order (SQLite's
  rowid);
- search over Chinese text: ``case_search`` holds each case's searchable text (number split at
  its dashes, community, address, description) and its category code, kept by a trigger; a word
  is found with ``strpos`` anywhere inside the running text, so two-character words inside a
  sentence are found as the SQLite pairs index finds them; a ``pg_trgm`` GIN index serves the
  longer words;
- the queue's order index ``queue_key`` is kept by triggers as on SQLite;
- the schema version is the one row of ``schema_version`` (SQLite: ``PRAGMA user_version``).

Once released a step never changes: a change is a new step appended to PG_STEPS.
"""

from __future__ import annotations

from data.store.schema_steps_totals import V20_PERIOD_TOTALS, V22_PLACE_TOTALS

_OPEN = "('received', 'triage', 'dispatched', 'consulting', 'disposing', 'feedback', 'parked')"
_NEVER = "TIMESTAMP '9999-12-31 00:00:00'"

PG1_DISTRICT = f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE department (
    code VARCHAR NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    contact VARCHAR NOT NULL,
    active BOOLEAN NOT NULL,
    sort INTEGER NOT NULL,
    event_id VARCHAR NOT NULL
);
CREATE TABLE event (
    id VARCHAR NOT NULL PRIMARY KEY,
    n BIGSERIAL NOT NULL UNIQUE,
    station_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    operator VARCHAR NOT NULL,
    at TIMESTAMP NOT NULL,
    type VARCHAR NOT NULL,
    subject VARCHAR,
    payload VARCHAR NOT NULL,
    personal VARCHAR,
    personal_digest VARCHAR,
    prev_hash VARCHAR NOT NULL,
    hash VARCHAR NOT NULL,
    UNIQUE (station_id, seq)
);
CREATE INDEX ix_event_subject ON event (subject);
CREATE INDEX ix_event_type ON event (type);
CREATE TABLE operator (
    station_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    active BOOLEAN NOT NULL,
    event_id VARCHAR NOT NULL,
    PRIMARY KEY (station_id, name)
);
CREATE TABLE station (
    id VARCHAR NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL,
    case_prefix VARCHAR NOT NULL,
    is_local BOOLEAN NOT NULL,
    public_key VARCHAR,
    trusted BOOLEAN NOT NULL,
    event_id VARCHAR NOT NULL
);
CREATE TABLE case_file (
    id VARCHAR NOT NULL PRIMARY KEY,
    station_id VARCHAR NOT NULL REFERENCES station (id),
    number VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    subcategory VARCHAR NOT NULL,
    community VARCHAR NOT NULL,
    address VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    reporter_name VARCHAR,
    reporter_phone VARCHAR,
    priority VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    parked_from VARCHAR,
    park_reason VARCHAR,
    park_review_on DATE,
    reject_reason VARCHAR,
    consult_flag BOOLEAN NOT NULL,
    result_note VARCHAR,
    feedback_note VARCHAR,
    reopened_from VARCHAR REFERENCES case_file (id),
    received_by VARCHAR NOT NULL,
    received_at TIMESTAMP NOT NULL,
    triaged_at TIMESTAMP,
    dispatched_at TIMESTAMP,
    consulting_at TIMESTAMP,
    disposing_at TIMESTAMP,
    feedback_at TIMESTAMP,
    closed_at TIMESTAMP,
    verified_at TIMESTAMP,
    relapsed_at TIMESTAMP,
    rejected_at TIMESTAMP,
    parked_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (station_id, number)
);
CREATE INDEX ix_case_received ON case_file (received_at);
CREATE INDEX ix_case_status ON case_file (status);
CREATE INDEX ix_case_station ON case_file (station_id, status);
CREATE TABLE meeting (
    id VARCHAR NOT NULL PRIMARY KEY,
    station_id VARCHAR NOT NULL REFERENCES station (id),
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    scheduled_at TIMESTAMP NOT NULL,
    facilitator VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    started_at TIMESTAMP,
    ended_at TIMESTAMP
);
CREATE TABLE agenda_item (
    id VARCHAR NOT NULL PRIMARY KEY,
    meeting_id VARCHAR NOT NULL REFERENCES meeting (id),
    position INTEGER NOT NULL,
    case_id VARCHAR REFERENCES case_file (id),
    topic VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    reason_detail VARCHAR NOT NULL,
    timebox_minutes INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    decision VARCHAR,
    lead_department VARCHAR,
    decision_due DATE,
    followup VARCHAR,
    followup_done_at TIMESTAMP,
    carried_from VARCHAR,
    discussed_at TIMESTAMP
);
CREATE INDEX ix_agenda_item_case_id ON agenda_item (case_id);
CREATE INDEX ix_agenda_item_meeting_id ON agenda_item (meeting_id);
CREATE TABLE meeting_attendance (
    meeting_id VARCHAR NOT NULL REFERENCES meeting (id),
    department_code VARCHAR NOT NULL REFERENCES department (code),
    present BOOLEAN,
    PRIMARY KEY (meeting_id, department_code)
);
CREATE TABLE reinspection (
    id VARCHAR NOT NULL PRIMARY KEY,
    case_id VARCHAR NOT NULL REFERENCES case_file (id),
    kind VARCHAR NOT NULL,
    due_on DATE NOT NULL,
    scheduled_at TIMESTAMP NOT NULL,
    draw_seed BIGINT,
    inspector VARCHAR,
    result VARCHAR,
    notes VARCHAR NOT NULL,
    recorded_at TIMESTAMP,
    relapse_case_id VARCHAR
);
CREATE INDEX ix_reinspection_due ON reinspection (result, due_on);
CREATE INDEX ix_reinspection_case_id ON reinspection (case_id);
CREATE TABLE whistle (
    id VARCHAR NOT NULL PRIMARY KEY,
    case_id VARCHAR NOT NULL REFERENCES case_file (id),
    grade VARCHAR NOT NULL,
    purpose VARCHAR,
    blown_at TIMESTAMP NOT NULL,
    blown_by VARCHAR NOT NULL,
    note VARCHAR NOT NULL
);
CREATE INDEX ix_whistle_case_id ON whistle (case_id);
CREATE INDEX ix_whistle_blown ON whistle (blown_at);
CREATE TABLE clock (
    id VARCHAR NOT NULL PRIMARY KEY,
    case_id VARCHAR NOT NULL REFERENCES case_file (id),
    kind VARCHAR NOT NULL,
    whistle_id VARCHAR REFERENCES whistle (id),
    department_code VARCHAR,
    started_at TIMESTAMP NOT NULL,
    deadline TIMESTAMP NOT NULL,
    limit_amount INTEGER NOT NULL,
    limit_unit VARCHAR NOT NULL,
    paused_at TIMESTAMP,
    paused_minutes DOUBLE PRECISION NOT NULL,
    pause_reason VARCHAR,
    extensions INTEGER NOT NULL,
    stopped_at TIMESTAMP,
    late_since TIMESTAMP,
    calendar_basis VARCHAR,
    work_hours VARCHAR
);
CREATE INDEX ix_clock_open ON clock (case_id, stopped_at, deadline);
CREATE INDEX ix_clock_running ON clock (stopped_at, paused_at, kind, deadline);
CREATE TABLE checkin (
    id VARCHAR NOT NULL PRIMARY KEY,
    whistle_id VARCHAR NOT NULL REFERENCES whistle (id),
    case_id VARCHAR NOT NULL REFERENCES case_file (id),
    department_code VARCHAR NOT NULL REFERENCES department (code),
    clock_id VARCHAR NOT NULL REFERENCES clock (id),
    status VARCHAR NOT NULL,
    deadline TIMESTAMP NOT NULL,
    arrived_at TIMESTAMP,
    arrived_person VARCHAR,
    late_minutes INTEGER,
    action_taken VARCHAR,
    result VARCHAR,
    acted_at TIMESTAMP,
    rating INTEGER,
    rating_reason VARCHAR,
    released_at TIMESTAMP,
    notes VARCHAR NOT NULL,
    arrived_entered_at TIMESTAMP,
    acted_entered_at TIMESTAMP,
    released_entered_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    withdrawn_by VARCHAR,
    withdraw_reason VARCHAR,
    UNIQUE (whistle_id, department_code)
);
CREATE INDEX ix_checkin_case_id ON checkin (case_id);
CREATE INDEX ix_checkin_department_code ON checkin (department_code);
CREATE INDEX ix_checkin_case_department ON checkin (case_id, department_code);
CREATE INDEX ix_checkin_clock ON checkin (clock_id);
CREATE INDEX ix_checkin_status ON checkin (status);
CREATE INDEX ix_checkin_released ON checkin (released_at);
CREATE INDEX ix_checkin_case_status ON checkin (case_id, status);
CREATE TABLE calendar_year (
    year INTEGER NOT NULL PRIMARY KEY,
    table_json VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    event_id VARCHAR NOT NULL,
    origin VARCHAR NOT NULL DEFAULT 'local',
    override_reason VARCHAR
);
CREATE TABLE sync_trust (
    station_id VARCHAR NOT NULL PRIMARY KEY,
    public_key VARCHAR NOT NULL,
    added_at TIMESTAMP NOT NULL,
    added_by VARCHAR NOT NULL,
    district BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE sync_pending (
    digest VARCHAR NOT NULL PRIMARY KEY,
    station_id VARCHAR NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    received_at TIMESTAMP NOT NULL,
    content BYTEA NOT NULL
);
CREATE INDEX ix_sync_pending_station ON sync_pending (station_id, first_seq);
CREATE TABLE operator_credential (
    station_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    secret_hash VARCHAR NOT NULL,
    set_at TIMESTAMP NOT NULL,
    set_by VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    PRIMARY KEY (station_id, name)
);
CREATE TABLE signed_head (
    via_station VARCHAR NOT NULL,
    via_seq INTEGER NOT NULL,
    station_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    hash VARCHAR NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    signature VARCHAR NOT NULL,
    PRIMARY KEY (via_station, via_seq)
);
CREATE INDEX ix_signed_head_station ON signed_head (station_id, seq);

CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END $$;
CREATE TRIGGER event_no_update BEFORE UPDATE OR DELETE ON event
    FOR EACH ROW EXECUTE FUNCTION event_append_only();
CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event
    FOR EACH STATEMENT EXECUTE FUNCTION event_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON event FROM PUBLIC;

CREATE TABLE case_search (
    case_id VARCHAR NOT NULL PRIMARY KEY,
    body VARCHAR NOT NULL,
    tags VARCHAR NOT NULL
);
CREATE INDEX ix_case_search_body ON case_search USING gin (body gin_trgm_ops);
CREATE INDEX ix_case_search_tags ON case_search (tags);
CREATE FUNCTION case_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_search (case_id, body, tags)
    VALUES (new.id, replace(new.number, '-', ' ') || ' ' || new.community || ' ' || new.address
        || ' ' || new.description, new.category)
    ON CONFLICT (case_id) DO UPDATE SET body = excluded.body, tags = excluded.tags;
    RETURN NULL;
END $$;
CREATE TRIGGER case_search_insert AFTER INSERT ON case_file
    FOR EACH ROW EXECUTE FUNCTION case_search_keep();
CREATE TRIGGER case_search_update
    AFTER UPDATE OF number, community, address, description, category ON case_file
    FOR EACH ROW EXECUTE FUNCTION case_search_keep();

CREATE TABLE queue_key (
    case_id VARCHAR NOT NULL PRIMARY KEY,
    open INTEGER NOT NULL,
    next_checkin TIMESTAMP NOT NULL,
    next_deadline TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX ix_queue_checkin ON queue_key (open, next_checkin, case_id);
CREATE INDEX ix_queue_rest ON queue_key (open, next_checkin, next_deadline, received_at, case_id);
CREATE FUNCTION queue_key_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF tg_op = 'INSERT' THEN
        INSERT INTO queue_key (case_id, open, next_checkin, next_deadline, received_at)
        VALUES (new.id, CASE WHEN new.status IN {_OPEN} THEN 1 ELSE 0 END,
            {_NEVER}, {_NEVER}, new.received_at);
    ELSE
        UPDATE queue_key SET open = CASE WHEN new.status IN {_OPEN} THEN 1 ELSE 0 END
        WHERE case_id = new.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER queue_key_case_insert AFTER INSERT ON case_file
    FOR EACH ROW EXECUTE FUNCTION queue_key_case();
CREATE TRIGGER queue_key_case_status AFTER UPDATE OF status ON case_file
    FOR EACH ROW EXECUTE FUNCTION queue_key_case();
CREATE FUNCTION queue_key_clock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE queue_key SET
        next_checkin = coalesce((SELECT min(deadline) FROM clock WHERE case_id = new.case_id
            AND kind = 'checkin' AND stopped_at IS NULL AND paused_at IS NULL), {_NEVER}),
        next_deadline = coalesce((SELECT min(deadline) FROM clock WHERE case_id = new.case_id
            AND stopped_at IS NULL AND paused_at IS NULL), {_NEVER})
    WHERE case_id = new.case_id;
    RETURN NULL;
END $$;
CREATE TRIGGER queue_key_clock_change AFTER INSERT OR UPDATE ON clock
    FOR EACH ROW EXECUTE FUNCTION queue_key_clock();
"""

# The shift handover (交接班): data/store/schema_steps_handover.py's V17_HANDOVER.
PG2_HANDOVER = """
CREATE TABLE handover (
    id VARCHAR NOT NULL PRIMARY KEY,
    station_id VARCHAR NOT NULL REFERENCES station (id),
    opened_at TIMESTAMP NOT NULL,
    opened_by VARCHAR NOT NULL,
    shift_ends TIMESTAMP NOT NULL,
    note VARCHAR NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by VARCHAR
);
CREATE INDEX ix_handover_opened_at ON handover (opened_at);
CREATE TABLE handover_item (
    handover_id VARCHAR NOT NULL REFERENCES handover (id),
    position INTEGER NOT NULL,
    case_id VARCHAR,
    number VARCHAR NOT NULL,
    why VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    PRIMARY KEY (handover_id, position)
);
CREATE INDEX ix_handover_item_case_id ON handover_item (case_id);
"""

# The escalation ladder (升级): data/store/schema_steps_escalation.py's V18_ESCALATION.
PG3_ESCALATION = """
ALTER TABLE checkin ADD COLUMN alarmed_at TIMESTAMP;
ALTER TABLE checkin ADD COLUMN absent_at TIMESTAMP;
ALTER TABLE whistle ADD COLUMN follows VARCHAR;
CREATE INDEX ix_checkin_absent ON checkin (absent_at) WHERE absent_at IS NOT NULL;
"""

PG4_ATTENDANCE_PEOPLE = """
ALTER TABLE meeting_attendance ADD COLUMN people VARCHAR NOT NULL DEFAULT '[]';
"""

# 一次一考核's running totals: data/store/schema_steps_totals.py's V20_PERIOD_TOTALS (the hub
# fills them from its rows when it is first opened after this step, as a station file does).
PG5_PERIOD_TOTALS = (
    V20_PERIOD_TOTALS.replace(" WITHOUT ROWID", "")
    .replace("INTEGER NOT NULL DEFAULT 0", "BIGINT NOT NULL DEFAULT 0")
    .replace("wait_us INTEGER", "wait_us BIGINT")
)

# The totals by community and by category: V22_PLACE_TOTALS (counted again when the hub is next
# opened, as a station file is).
PG6_PLACE_TOTALS = (
    V22_PLACE_TOTALS.replace(" WITHOUT ROWID", "")
    .replace("INTEGER NOT NULL DEFAULT 0", "BIGINT NOT NULL DEFAULT 0")
    .replace("wait_us INTEGER", "wait_us BIGINT")
)
# data/store/schema_steps_agenda.py's V23_REASON_PARTS.
PG7_REASON_PARTS = """
ALTER TABLE agenda_item ADD COLUMN reason_parts VARCHAR NOT NULL DEFAULT '';
ALTER TABLE handover_item ADD COLUMN parts VARCHAR NOT NULL DEFAULT '';
"""

PG_STEPS: tuple[str, ...] = (
    PG1_DISTRICT,
    PG2_HANDOVER,
    PG3_ESCALATION,
    PG4_ATTENDANCE_PEOPLE,
    PG5_PERIOD_TOTALS,
    PG6_PLACE_TOTALS,
    PG7_REASON_PARTS,
)
PG_SCHEMA_VERSION = len(PG_STEPS)
