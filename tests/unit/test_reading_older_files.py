"""A command that only reads leaves an older file as it is (it is upgraded when first opened for
writing) and still reads it: ``whistle verify`` replays the events and compares the columns and
tables the file has (a replay made the newer ones too, and compared them: a traceback, no such
column); the scorecards of a file from before the running totals are counted from the rows
(a traceback: no such table)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from data.read.assessment import scorecards
from data.service import SyncService
from data.settings import Settings
from data.store.db import open_sync
from data.store.schema import STEPS
from data.store.schema_steps_agenda import V23_REASON_PARTS
from data.store.schema_steps_desk import V24_OPEN_SEARCH
from data.store.schema_steps_totals import V20_PERIOD_TOTALS
from data.store.verify import verify
from data.write.commands.checkins import arrive
from models.clock import FrozenClock
from models.enums import CaseStatus
from models.periods import month_period
from tests.unit.support import case_in, one, whistle

V20_TABLES = (
    "dept_day_total",
    "dept_due_total",
    "station_day_total",
    "total_pair",
    "summons_day",
    "period_totals_state",
)


def _station(db_path: Path, clock: FrozenClock) -> None:
    svc = SyncService.open(db_path, Settings(station_id="ST-OLD"), clock)
    try:
        case_id = case_in(svc.run, CaseStatus.TRIAGE)
        whistle(svc.run, case_id, ["CGZF", "GA"])
        clock.advance(minutes=12)
        checkin = one(db_path, "SELECT id FROM checkin WHERE department_code = 'CGZF'")[0]
        svc.run(arrive, checkin, person="张队")
    finally:
        svc.close()


def _before(db_path: Path, step: str, statements: list[str]) -> int:
    conn = sqlite3.connect(db_path)
    for statement in statements:
        conn.execute(statement)
    version = STEPS.index(step)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    return version


def test_verify_reads_a_file_from_before_the_last_step_as_it_is(db_path: Path, clock: FrozenClock) -> None:
    _station(db_path, clock)
    version = _before(
        db_path,
        V23_REASON_PARTS,
        ["ALTER TABLE agenda_item DROP COLUMN reason_parts", "ALTER TABLE handover_item DROP COLUMN parts"],
    )
    engine = open_sync(db_path, writer=False)
    try:
        report = verify(engine)
        assert report.ok, report.problems
        assert report.events > 0
    finally:
        engine.dispose()
    assert one(db_path, "PRAGMA user_version")[0] == version  # left as it was
    with sqlite3.connect(db_path) as conn:  # a row changed behind the apply function is still found
        conn.execute("UPDATE checkin SET arrived_person = '别人' WHERE arrived_person = '张队'")
    engine = open_sync(db_path, writer=False)
    try:
        report = verify(engine)
    finally:
        engine.dispose()
    assert not report.ok and "checkin" in " ".join(report.problems)


def test_the_scorecards_of_a_file_from_before_the_totals_are_counted_from_its_rows(
    db_path: Path, clock: FrozenClock
) -> None:
    _station(db_path, clock)
    now = clock.now()
    period = month_period(now.date())
    engine = open_sync(db_path, writer=True)
    try:
        with engine.connect() as conn:
            want = scorecards(conn, period, now + timedelta(hours=1), Settings().tz)
    finally:
        engine.dispose()
    _before(db_path, V20_PERIOD_TOTALS, [f"DROP TABLE {t}" for t in V20_TABLES])
    engine = open_sync(db_path, writer=False)
    try:
        with engine.connect() as conn:
            got = scorecards(conn, period, now + timedelta(hours=1), Settings().tz)
    finally:
        engine.dispose()
    assert got == want
    assert {c.department: (c.on_time, c.absent) for c in got.cards} == {"CGZF": (1, 0), "GA": (0, 1)}


def test_a_file_from_before_the_open_cases_index_is_verified_as_it_is_and_indexed_when_opened(
    db_path: Path, clock: FrozenClock
) -> None:
    _station(db_path, clock)
    version = _before(
        db_path,
        V24_OPEN_SEARCH,
        [
            "DROP TRIGGER open_search_queue_insert",
            "DROP TRIGGER open_search_queue_open",
            "DROP TABLE open_search",
        ],
    )
    engine = open_sync(db_path, writer=False)
    try:
        report = verify(engine)
        assert report.ok, report.problems
    finally:
        engine.dispose()
    assert one(db_path, "PRAGMA user_version")[0] == version
    engine = open_sync(db_path, writer=True)  # the desk opens it: the step adds the open cases
    try:
        assert verify(engine).ok
    finally:
        engine.dispose()
    assert one(db_path, "SELECT count(*) FROM open_search")[0] == one(
        db_path, "SELECT count(*) FROM queue_key WHERE open = 1"
    )[0] > 0
