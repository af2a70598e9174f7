"""An honest record (issue 12): time only moves forward, lateness stays a fact, times entered late
say so, and no summons ends without a trace."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.read.poll import poll
from data.service import SCHEMA_VERSION, SyncService, verify
from data.settings import Settings
from data.store.eventlog import ClockBehind
from data.write.commands import checkins
from models.clock import FrozenClock
from models.deadlines import Limit
from models.enums import CaseStatus
from models.errors import DomainError
from models.ids import to_iso
from tests.unit.conftest import NOW, Snapshot, snapshot_of
from tests.unit.support import case_in, one, rows, whistle


class Desk:
    """The sync service and its file, with a check that a refusal changed nothing."""

    def __init__(self, svc: SyncService, path: Path) -> None:
        self.svc, self.path = svc, path
        self.run = svc.run

    def refused(
        self, kind: type[DomainError], text: str, command: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> DomainError:
        before: Snapshot = snapshot_of(self.path)
        with pytest.raises(kind) as caught:
            self.run(command, *args, **kwargs)
        assert text in str(caught.value)
        assert snapshot_of(self.path) == before
        return caught.value

    def checkin(self, case_id: str, code: str = "CGZF") -> Any:
        return one(
            self.path, "SELECT * FROM checkin WHERE case_id = ? AND department_code = ?", case_id, code
        )

    def whistled(self, codes: list[str] | None = None) -> str:
        case_id = case_in(self.run, CaseStatus.TRIAGE)
        whistle(self.run, case_id, codes or ["CGZF"])
        return case_id


@pytest.fixture
def desk(sync_service: SyncService, db_path: Path) -> Desk:
    return Desk(sync_service, db_path)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _times(path: Path) -> list[datetime]:
    return [_at(r["at"]) for r in rows(path, "SELECT at FROM event ORDER BY seq")]


# -- 1. time only moves forward ----------------------------------------------------------------


def test_a_clock_set_back_refuses_every_write_naming_both_times(desk: Desk, clock: FrozenClock) -> None:
    """Finding 1: with the clock two hours back, an overdue arrival was recorded on time and
    its event stamped before the one before it."""
    case_id = desk.whistled()
    clock.advance(minutes=45)  # the 30-minute deadline has passed
    other = desk.whistled(["GA"])  # an event at 10:45
    clock.set(NOW + timedelta(minutes=45) - timedelta(hours=2))
    err = desk.refused(ClockBehind, "08:45:00", checkins.arrive, desk.checkin(case_id)["id"], person="李")
    assert "10:45:00" in str(err)
    assert desk.checkin(other, "GA")["status"] == "summoned"
    times = _times(desk.path)
    assert times == sorted(times)


def test_a_clock_a_little_behind_stamps_the_record_time_and_arrival_stays_late(
    desk: Desk, clock: FrozenClock
) -> None:
    case_id = desk.whistled()
    clock.advance(minutes=45)
    desk.whistled(["GA"])  # the record has seen 10:45
    clock.advance(minutes=-1)  # within the tolerance
    late = desk.run(checkins.arrive, desk.checkin(case_id)["id"], person="李")
    assert late == 15
    times = _times(desk.path)
    assert times == sorted(times) and times[-1] == NOW + timedelta(minutes=45)


# -- 2. lateness is a fact once it happens -----------------------------------------------------


def test_an_extension_after_the_deadline_is_recorded_but_the_arrival_stays_late(
    desk: Desk, clock: FrozenClock
) -> None:
    """Finding 2: an extension granted after the deadline turned a late arrival on time."""
    case_id = desk.whistled()
    checkin = desk.checkin(case_id)
    clock.advance(minutes=40)  # ten minutes past the 10:30 deadline
    desk.run(checkins.extend_clock, checkin["clock_id"], by=Limit.hours(1), reason="路远")
    extended = one(desk.path, "SELECT * FROM clock WHERE id = ?", checkin["clock_id"])
    assert _at(extended["late_since"]) == NOW + timedelta(minutes=30)
    assert _at(extended["deadline"]) == NOW + timedelta(minutes=90)
    clock.advance(minutes=10)
    assert desk.run(checkins.arrive, checkin["id"], person="李") == 20
    assert desk.checkin(case_id)["late_minutes"] == 20
    arrived = one(desk.path, "SELECT payload FROM event WHERE type = 'checkin.arrived'")["payload"]
    assert json.loads(arrived)["late_since"] == to_iso(NOW + timedelta(minutes=30))


def test_an_extension_before_the_deadline_still_moves_it(desk: Desk, clock: FrozenClock) -> None:
    case_id = desk.whistled()
    checkin = desk.checkin(case_id)
    clock.advance(minutes=20)
    desk.run(checkins.extend_clock, checkin["clock_id"], by=Limit.hours(1), reason="路远")
    assert one(desk.path, "SELECT late_since FROM clock WHERE id = ?", checkin["clock_id"])[0] is None
    clock.advance(minutes=30)
    assert desk.run(checkins.arrive, checkin["id"], person="李") == 0


def test_an_overdue_check_in_cannot_be_paused(desk: Desk, clock: FrozenClock) -> None:
    """Finding 3: pausing an overdue check-in took it out of the overdue count."""
    case_id = desk.whistled()
    checkin = desk.checkin(case_id)
    clock.advance(minutes=31)
    with desk.svc.engine.connect() as conn:
        assert poll(conn, clock.now(), None, frozenset()).overdue == 1
    desk.refused(DomainError, "2026-03-10 10:30", checkins.pause, checkin["clock_id"], reason="等交警")
    with desk.svc.engine.connect() as conn:
        assert poll(conn, clock.now(), None, frozenset()).overdue == 1


def test_a_check_in_can_be_paused_before_its_deadline(desk: Desk, clock: FrozenClock) -> None:
    case_id = desk.whistled()
    clock.advance(minutes=29)
    desk.run(checkins.pause, desk.checkin(case_id)["clock_id"], reason="等交警")


# -- the schema step ---------------------------------------------------------------------------


def test_a_file_from_before_the_honest_record_step_is_upgraded_with_its_rows(
    db_path: Path, clock: FrozenClock
) -> None:
    """The step adds its columns empty; the rows and the chain stay as they were."""
    svc = SyncService.open(db_path, Settings(station_id="ST-OLD"), clock)
    case_id = case_in(svc.run, CaseStatus.TRIAGE)
    whistle(svc.run, case_id, ["CGZF"])
    svc.close()
    conn = sqlite3.connect(db_path)
    for table, column in NEW_COLUMNS:
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    tables = ("checkin", "clock")
    before = {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}
    conn.close()
    svc = SyncService.open(db_path, Settings(station_id="ST-OLD"), clock)
    try:
        assert one(db_path, "PRAGMA user_version")[0] == SCHEMA_VERSION
        for table, old in before.items():
            new = [tuple(r) for r in rows(db_path, f"SELECT * FROM {table} ORDER BY 1")]
            assert [r[: len(old[0])] for r in new] == old
            assert all(value is None for r in new for value in r[len(old[0]) :])
        clock.advance(minutes=40)
        desk = Desk(svc, db_path)
        desk.run(checkins.extend_clock, desk.checkin(case_id)["clock_id"], by=Limit.hours(1), reason="路远")
        assert verify(svc.engine).ok
    finally:
        svc.close()


NEW_COLUMNS = [
    ("clock", "late_since"),
    *(
        ("checkin", c)
        for c in (
            "arrived_entered_at",
            "acted_entered_at",
            "released_entered_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdraw_reason",
        )
    ),
]
