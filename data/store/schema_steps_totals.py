"""Schema step of the assessment's running totals. Frozen once released; new ones are appended.

The tables are filled from the rows already in the file when it is first opened by a program
that has them (``period_totals_state.filled`` is 0 until then): the counting is the apply
function's own (data/store/totals.py), which SQL cannot repeat."""

from __future__ import annotations

_DEPT_COUNTS = ", ".join(
    f"{name} INTEGER NOT NULL DEFAULT 0"
    for name in (
        "summoned",
        "on_time",
        "late",
        "withdrawn",
        "arrived_us",
        "acted",
        "rating_sum",
        "rating_count",
        "paused_us",
        "extensions",
        "entered_late",
        "extended_late",
        "rework",
        "pauses",
        "extended_us",
        "corrections",
        "after_absence",
    )
)
_STATION_COUNTS = ", ".join(
    f"{name} INTEGER NOT NULL DEFAULT 0"
    for name in (
        "received",
        "whistled",
        "due",
        "closed",
        "closed_on_time",
        "disposed",
        "blown",
        "done",
        "relapsed",
    )
)

V20_PERIOD_TOTALS = f"""
CREATE TABLE dept_day_total (
    station_id VARCHAR NOT NULL, department_code VARCHAR NOT NULL, day VARCHAR NOT NULL,
    {_DEPT_COUNTS},
    PRIMARY KEY (station_id, department_code, day)
) WITHOUT ROWID;
CREATE INDEX ix_dept_day_total_day ON dept_day_total (day);
CREATE TABLE dept_due_total (
    station_id VARCHAR NOT NULL, department_code VARCHAR NOT NULL, day VARCHAR NOT NULL,
    due_day VARCHAR NOT NULL, awaiting INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, department_code, day, due_day)
) WITHOUT ROWID;
CREATE INDEX ix_dept_due_total_day ON dept_due_total (day);
CREATE TABLE station_day_total (
    station_id VARCHAR NOT NULL, day VARCHAR NOT NULL,
    {_STATION_COUNTS},
    PRIMARY KEY (station_id, day)
) WITHOUT ROWID;
CREATE INDEX ix_station_day_total_day ON station_day_total (day);
CREATE TABLE total_pair (
    station_id VARCHAR NOT NULL, department_code VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    day VARCHAR NOT NULL, day2 VARCHAR NOT NULL, n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, department_code, kind, day, day2)
) WITHOUT ROWID;
CREATE TABLE summons_day (
    checkin_id VARCHAR NOT NULL PRIMARY KEY, station_id VARCHAR NOT NULL,
    department_code VARCHAR NOT NULL, day VARCHAR NOT NULL, outcome VARCHAR NOT NULL,
    wait_us INTEGER
) WITHOUT ROWID;
CREATE INDEX ix_summons_day_figure ON summons_day (department_code, outcome, day, wait_us);
CREATE INDEX ix_summons_day_outcome ON summons_day (outcome, day);
CREATE TABLE period_totals_state (id INTEGER NOT NULL PRIMARY KEY, filled INTEGER NOT NULL);
INSERT INTO period_totals_state (id, filled) VALUES (1, 0);
"""

_PLACE_COUNTS = ", ".join(
    f"{name} INTEGER NOT NULL DEFAULT 0"
    for name in (
        "received",
        "received_whistled",
        "whistled",
        "summoned",
        "on_time",
        "late",
        "withdrawn",
        "arrived_us",
        "relapsed",
    )
)

# The totals by community and by category (``area``: 'community' or 'category'; ``place``: the
# community's name or the category's code), counted by the same apply function: the file's rows
# are counted again when it is first opened for writing (``filled`` back to 0). The cases a
# community received are listed through an index on (community, received_at), and likewise for
# categories; the cases relapsed in a period through one on (result, recorded_at).
V22_PLACE_TOTALS = f"""
CREATE TABLE place_day_total (
    station_id VARCHAR NOT NULL, area VARCHAR NOT NULL, place VARCHAR NOT NULL, day VARCHAR NOT NULL,
    {_PLACE_COUNTS},
    PRIMARY KEY (station_id, area, place, day)
) WITHOUT ROWID;
CREATE INDEX ix_place_day_total_day ON place_day_total (area, day);
CREATE TABLE place_due_total (
    station_id VARCHAR NOT NULL, area VARCHAR NOT NULL, place VARCHAR NOT NULL, day VARCHAR NOT NULL,
    due_day VARCHAR NOT NULL, awaiting INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, area, place, day, due_day)
) WITHOUT ROWID;
CREATE INDEX ix_place_due_total_day ON place_due_total (area, day);
CREATE TABLE place_pair (
    station_id VARCHAR NOT NULL, area VARCHAR NOT NULL, place VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    day VARCHAR NOT NULL, day2 VARCHAR NOT NULL, n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, area, place, kind, day, day2)
) WITHOUT ROWID;
CREATE INDEX ix_place_pair_day ON place_pair (area, kind, day);
CREATE TABLE summons_place (
    checkin_id VARCHAR NOT NULL PRIMARY KEY, station_id VARCHAR NOT NULL, case_id VARCHAR NOT NULL,
    community VARCHAR NOT NULL, category VARCHAR NOT NULL, day VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL, wait_us INTEGER
) WITHOUT ROWID;
CREATE INDEX ix_summons_place_community ON summons_place (community, outcome, day, wait_us);
CREATE INDEX ix_summons_place_category ON summons_place (category, outcome, day, wait_us);
CREATE INDEX ix_case_community_received ON case_file (community, received_at);
CREATE INDEX ix_case_category_received ON case_file (category, received_at);
CREATE INDEX ix_reinspection_recorded ON reinspection (result, recorded_at);
UPDATE period_totals_state SET filled = 0;
"""
