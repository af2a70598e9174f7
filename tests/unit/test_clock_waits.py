"""Approved waits (挂账) and check-ins: a paused clock is not late, a park resumes only what it
paused, and nothing runs a clock of a parked case."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from data.service import SyncService
from data.write.commands.cases import transition
from data.write.commands.checkins import arrive, pause, resume
from models.clock import FrozenClock
from models.enums import CaseStatus as S
from models.errors import DomainError, ValidationError
from models.lifecycle import Action
from tests.unit.support import case_in, one, whistle


def _checkin(path: Path, whistle_id: str, code: str) -> tuple[str, str]:
    row = one(
        path,
        "SELECT id, clock_id FROM checkin WHERE whistle_id = ? AND department_code = ?",
        whistle_id,
        code,
    )
    return row["id"], row["clock_id"]


def test_an_arrival_after_an_approved_wait_is_not_counted_late(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    case_id = case_in(sync_service.run, S.TRIAGE)
    blown = whistle(sync_service.run, case_id, ["CGZF"])  # urgent: 30 minutes
    checkin, clock_id = _checkin(db_path, blown, "CGZF")
    clock.advance(minutes=10)
    sync_service.run(pause, clock_id, reason="等待现场封控")
    clock.advance(minutes=40)  # 50 minutes after the whistle, 40 of them approved waiting
    assert sync_service.run(arrive, checkin, person="李队长") == 0


def test_an_arrival_while_running_late_counts_the_minutes(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    case_id = case_in(sync_service.run, S.TRIAGE)
    blown = whistle(sync_service.run, case_id, ["CGZF"])
    checkin, _clock = _checkin(db_path, blown, "CGZF")
    clock.advance(minutes=50)
    assert sync_service.run(arrive, checkin, person="李队长") == 20


def test_parking_withdraws_the_summons_still_awaited_and_unparking_runs_the_handling_clock(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    """A parked case summons nobody: each awaited department is withdrawn with the park's
    reason, the one waiting on its own approved wait too; unparking sets the handling clock
    going again and leaves the withdrawn check-ins' clocks stopped."""
    case_id = case_in(sync_service.run, S.TRIAGE)
    blown = whistle(sync_service.run, case_id, ["CGZF", "GA"])
    _ga, waiting = _checkin(db_path, blown, "GA")
    sync_service.run(pause, waiting, reason="等待鉴定结果")
    clock.advance(minutes=5)
    sync_service.run(transition, case_id, Action.PARK, reason="等待上级批复")
    with pytest.raises(DomainError):
        sync_service.run(resume, waiting)  # the case is parked: its clocks wait with it
    clock.advance(hours=2)
    sync_service.run(transition, case_id, Action.UNPARK)
    statuses = one(
        db_path,
        "SELECT group_concat(status || ':' || withdraw_reason) FROM checkin WHERE case_id = ?",
        case_id,
    )[0]
    assert sorted(statuses.split(",")) == ["withdrawn:等待上级批复"] * 2
    running = one(
        db_path,
        "SELECT kind FROM clock WHERE case_id = ? AND stopped_at IS NULL AND paused_at IS NULL",
        case_id,
    )
    assert running["kind"] == "handling"


def test_an_arrival_before_the_whistle_is_refused(
    sync_service: SyncService, clock: FrozenClock, db_path: Path
) -> None:
    case_id = case_in(sync_service.run, S.TRIAGE)
    blown = whistle(sync_service.run, case_id, ["CGZF"])
    checkin, _clock = _checkin(db_path, blown, "CGZF")
    clock.advance(minutes=5)
    with pytest.raises(ValidationError):
        sync_service.run(arrive, checkin, person="李队长", arrived_at=clock.now() - timedelta(hours=1))
