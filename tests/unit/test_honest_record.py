"""An honest record (issue 12): time only moves forward, lateness stays a fact, times entered late
say so, and no summons ends without a trace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.service import SyncService
from data.store.eventlog import ClockBehind
from data.write.commands import checkins
from models.clock import FrozenClock
from models.enums import CaseStatus
from models.errors import DomainError
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
