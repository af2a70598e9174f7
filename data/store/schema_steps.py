"""The schema's upgrade steps as frozen SQL, oldest first. Once released a step never
changes: a change to the schema is a new step at the end (data/schema.py applies them)."""

V1 = """
CREATE TABLE department (
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    contact VARCHAR NOT NULL,
    active BOOLEAN NOT NULL,
    sort INTEGER NOT NULL,
    event_id VARCHAR NOT NULL,
    PRIMARY KEY (code)
);
CREATE TABLE event (
    id VARCHAR NOT NULL,
    station_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    operator VARCHAR NOT NULL,
    at DATETIME NOT NULL,
    type VARCHAR NOT NULL,
    subject VARCHAR,
    payload VARCHAR NOT NULL,
    personal VARCHAR,
    personal_digest VARCHAR,
    prev_hash VARCHAR NOT NULL,
    hash VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (station_id, seq)
);
CREATE INDEX ix_event_subject ON event (subject);
CREATE INDEX ix_event_type ON event (type);
CREATE TABLE operator (
    name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    active BOOLEAN NOT NULL,
    event_id VARCHAR NOT NULL,
    PRIMARY KEY (name)
);
CREATE TABLE station (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    case_prefix VARCHAR NOT NULL,
    is_local BOOLEAN NOT NULL,
    public_key VARCHAR,
    trusted BOOLEAN NOT NULL,
    event_id VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE case_file (
    id VARCHAR NOT NULL,
    station_id VARCHAR NOT NULL,
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
    reopened_from VARCHAR,
    received_by VARCHAR NOT NULL,
    received_at DATETIME NOT NULL,
    triaged_at DATETIME,
    dispatched_at DATETIME,
    consulting_at DATETIME,
    disposing_at DATETIME,
    feedback_at DATETIME,
    closed_at DATETIME,
    verified_at DATETIME,
    relapsed_at DATETIME,
    rejected_at DATETIME,
    parked_at DATETIME,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (station_id, number),
    FOREIGN KEY(station_id) REFERENCES station (id),
    FOREIGN KEY(reopened_from) REFERENCES case_file (id)
);
CREATE INDEX ix_case_received ON case_file (received_at);
CREATE INDEX ix_case_status ON case_file (status);
CREATE TABLE meeting (
    id VARCHAR NOT NULL,
    station_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    scheduled_at DATETIME NOT NULL,
    facilitator VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    started_at DATETIME,
    ended_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(station_id) REFERENCES station (id)
);
CREATE TABLE agenda_item (
    id VARCHAR NOT NULL,
    meeting_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    case_id VARCHAR,
    topic VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    reason_detail VARCHAR NOT NULL,
    timebox_minutes INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    decision VARCHAR,
    lead_department VARCHAR,
    decision_due DATE,
    followup VARCHAR,
    followup_done_at DATETIME,
    carried_from VARCHAR,
    discussed_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(meeting_id) REFERENCES meeting (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_agenda_item_case_id ON agenda_item (case_id);
CREATE INDEX ix_agenda_item_meeting_id ON agenda_item (meeting_id);
CREATE TABLE meeting_attendance (
    meeting_id VARCHAR NOT NULL,
    department_code VARCHAR NOT NULL,
    present BOOLEAN,
    PRIMARY KEY (meeting_id, department_code),
    FOREIGN KEY(meeting_id) REFERENCES meeting (id),
    FOREIGN KEY(department_code) REFERENCES department (code)
);
CREATE TABLE reinspection (
    id VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    due_on DATE NOT NULL,
    scheduled_at DATETIME NOT NULL,
    draw_seed INTEGER,
    inspector VARCHAR,
    result VARCHAR,
    notes VARCHAR NOT NULL,
    recorded_at DATETIME,
    relapse_case_id VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_reinspection_due ON reinspection (result, due_on);
CREATE INDEX ix_reinspection_case_id ON reinspection (case_id);
CREATE TABLE whistle (
    id VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    grade VARCHAR NOT NULL,
    purpose VARCHAR,
    blown_at DATETIME NOT NULL,
    blown_by VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_whistle_case_id ON whistle (case_id);
CREATE TABLE clock (
    id VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    whistle_id VARCHAR,
    department_code VARCHAR,
    started_at DATETIME NOT NULL,
    deadline DATETIME NOT NULL,
    limit_amount INTEGER NOT NULL,
    limit_unit VARCHAR NOT NULL,
    paused_at DATETIME,
    paused_minutes FLOAT NOT NULL,
    pause_reason VARCHAR,
    extensions INTEGER NOT NULL,
    stopped_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id),
    FOREIGN KEY(whistle_id) REFERENCES whistle (id)
);
CREATE INDEX ix_clock_open ON clock (case_id, stopped_at, deadline);
CREATE TABLE checkin (
    id VARCHAR NOT NULL,
    whistle_id VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    department_code VARCHAR NOT NULL,
    clock_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    deadline DATETIME NOT NULL,
    arrived_at DATETIME,
    arrived_person VARCHAR,
    late_minutes INTEGER,
    action_taken VARCHAR,
    result VARCHAR,
    acted_at DATETIME,
    rating INTEGER,
    rating_reason VARCHAR,
    released_at DATETIME,
    notes VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (whistle_id, department_code),
    FOREIGN KEY(whistle_id) REFERENCES whistle (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id),
    FOREIGN KEY(department_code) REFERENCES department (code),
    FOREIGN KEY(clock_id) REFERENCES clock (id)
);
CREATE INDEX ix_checkin_case_id ON checkin (case_id);
CREATE INDEX ix_checkin_department_code ON checkin (department_code);
CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"""

V2 = """
CREATE TABLE calendar_year (
    year INTEGER NOT NULL,
    table_json VARCHAR NOT NULL,
    loaded_at DATETIME NOT NULL,
    event_id VARCHAR NOT NULL,
    PRIMARY KEY (year)
);
"""

# Local bookkeeping of the exchange (never replicated): which keys this file accepts
# bundles from, and verified bundles held back until the events before them arrive.
V3_SYNC = """
CREATE TABLE sync_trust (
    station_id VARCHAR NOT NULL,
    public_key VARCHAR NOT NULL,
    added_at DATETIME NOT NULL,
    added_by VARCHAR NOT NULL,
    PRIMARY KEY (station_id)
);
CREATE TABLE sync_pending (
    digest VARCHAR NOT NULL,
    station_id VARCHAR NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    received_at DATETIME NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (digest)
);
CREATE INDEX ix_sync_pending_station ON sync_pending (station_id, first_seq);
"""

# Operators belong to a station: the same name at two stations is two people, and a role
# given at one station must not change the other's when their events meet in one file.
# Reference rows rank their last write as "0"/"1" + event id (shipped default / edit); the
# rows written before this step were all ranked as edits.
V7_STATION_OPERATORS = """
UPDATE station SET event_id = '1' || event_id;
UPDATE department SET event_id = '1' || event_id;
UPDATE calendar_year SET event_id = '1' || event_id;
CREATE TABLE operator_v7 (
    station_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    active BOOLEAN NOT NULL,
    event_id VARCHAR NOT NULL,
    PRIMARY KEY (station_id, name)
);
INSERT INTO operator_v7 (station_id, name, role, active, event_id)
    SELECT coalesce(
            (SELECT e.station_id FROM event e
             WHERE e.type IN ('operator.added', 'operator.changed')
               AND json_extract(e.payload, '$.name') = o.name
             ORDER BY e.rowid DESC LIMIT 1),
            (SELECT id FROM station WHERE is_local = 1), ''),
        o.name, o.role, o.active, '1' || o.event_id
    FROM operator o;
DROP TABLE operator;
ALTER TABLE operator_v7 RENAME TO operator;
"""

# Working time (issue 14): each clock records how its deadline was counted, the basis of
# every year it crosses ({"2026": "official", "2027": "fallback"}, JSON) and the working
# hours it counts by (JSON of models.working_hours); a clock from before has neither and was
# counted by the tables known then and the default hours. A holiday table records its origin
# (a district-published table will outrank a local one) and a supervisor's reason when it
# overrides the official calendar.
V12_WORKING_TIME = """
ALTER TABLE clock ADD COLUMN calendar_basis VARCHAR;
ALTER TABLE clock ADD COLUMN work_hours VARCHAR;
ALTER TABLE calendar_year ADD COLUMN origin VARCHAR NOT NULL DEFAULT 'local';
ALTER TABLE calendar_year ADD COLUMN override_reason VARCHAR;
"""

# Operators sign in: each one's PIN or passphrase hash, kept only in this file (never in an
# event, so never in a bundle); the event beside each write says who set it, and when.
V11_OPERATOR_AUTH = """
CREATE TABLE operator_credential (
    station_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    secret_hash VARCHAR NOT NULL,
    set_at DATETIME NOT NULL,
    set_by VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    PRIMARY KEY (station_id, name)
);
"""
