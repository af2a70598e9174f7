"""Schema steps of the shift handover (交接班). Frozen once released; new ones are appended."""

from __future__ import annotations

# A handover (opened by the outgoing operator, acknowledged by the incoming one) and the items
# it names: a case (or a meeting follow-up without a case) with why it is handed over.
V17_HANDOVER = """
CREATE TABLE handover (
    id VARCHAR NOT NULL,
    station_id VARCHAR NOT NULL,
    opened_at DATETIME NOT NULL,
    opened_by VARCHAR NOT NULL,
    shift_ends DATETIME NOT NULL,
    note VARCHAR NOT NULL,
    acknowledged_at DATETIME,
    acknowledged_by VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(station_id) REFERENCES station (id)
);
CREATE INDEX ix_handover_opened_at ON handover (opened_at);
CREATE TABLE handover_item (
    handover_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    case_id VARCHAR,
    number VARCHAR NOT NULL,
    why VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    PRIMARY KEY (handover_id, position),
    FOREIGN KEY(handover_id) REFERENCES handover (id)
);
CREATE INDEX ix_handover_item_case_id ON handover_item (case_id);
"""

# 出席登记 names the people present from each department (a JSON list of names); the minutes
# print them. Earlier attendance events name nobody: the list stays empty.
V19_ATTENDANCE_PEOPLE = """
ALTER TABLE meeting_attendance ADD COLUMN people VARCHAR NOT NULL DEFAULT '[]';
"""
