"""Schema versions: ``PRAGMA user_version`` and ordered upgrade steps.

Each step is frozen SQL: once released, a step never changes; a new version adds a step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from data.store.schema_steps import V1, V2, V3_SYNC, V7_STATION_OPERATORS, V11_OPERATOR_AUTH, V12_WORKING_TIME
from data.store.schema_steps_agenda import V23_REASON_PARTS
from data.store.schema_steps_apply import V21_CLOCK_TRIGGERS_BY_CASE
from data.store.schema_steps_assess import V16_ASSESSMENT_INDEXES
from data.store.schema_steps_desk import (
    V4_DESK,
    V5_DESK_INDEXES,
    V6_QUEUE_ORDER,
    V8_BOARD_INDEXES,
    V14_SCALE_INDEXES,
    V15_SEARCH_MORE,
    V24_OPEN_SEARCH,
)
from data.store.schema_steps_escalation import V18_ESCALATION
from data.store.schema_steps_handover import V17_HANDOVER, V19_ATTENDANCE_PEOPLE
from data.store.schema_steps_record import V10_HONEST_RECORD
from data.store.schema_steps_sync import V13_SYNC_TRUST
from data.store.schema_steps_totals import V20_PERIOD_TOTALS, V22_PLACE_TOTALS

STEPS: tuple[str, ...] = (
    V1,
    V2,
    V3_SYNC,
    V4_DESK,
    V5_DESK_INDEXES,
    V6_QUEUE_ORDER,
    V7_STATION_OPERATORS,
    V8_BOARD_INDEXES,
    V10_HONEST_RECORD,
    V11_OPERATOR_AUTH,
    V13_SYNC_TRUST,
    V12_WORKING_TIME,  # after V13: files at version 11 were released before it
    V14_SCALE_INDEXES,
    V15_SEARCH_MORE,
    V16_ASSESSMENT_INDEXES,
    V17_HANDOVER,
    V18_ESCALATION,
    V19_ATTENDANCE_PEOPLE,
    V20_PERIOD_TOTALS,
    V21_CLOCK_TRIGGERS_BY_CASE,
    V22_PLACE_TOTALS,
    V23_REASON_PARTS,
    V24_OPEN_SEARCH,
)
SCHEMA_VERSION = len(STEPS)


class SchemaTooNew(Exception):
    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


def version_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def statements(script: str) -> Iterator[str]:
    """The statements of a step one by one (``complete_statement`` knows trigger bodies)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                yield pending
            pending = ""


def upgrade(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the file up to ``target``, one step per transaction; returns the version reached.

    The version is read again inside each step's write lock: two programs opening a new
    file at once would otherwise both run the same step.
    """
    current = version_of(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(current)
    for version in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            found = version_of(conn)
            if found > SCHEMA_VERSION:
                raise SchemaTooNew(found)
            if found < version:
                for statement in statements(STEPS[version - 1]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return max(current, target)
