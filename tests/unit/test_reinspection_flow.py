"""The 回头看 path on a real file: close → scheduled → overdue as the clock moves → relapse →
linked case back in the queue → rework counted; and the random draw redone from its seed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from data.read.reinspections import draws, for_case, rework_by_department, schedule
from data.service import SyncService
from data.write.commands.reinspections import draw_random, record_result
from models.clock import FrozenClock
from models.enums import CaseStatus, ReinspectionKind, ReinspectionResult
from models.errors import DomainError, ValidationError
from models.reinspection import ReinspectionBucket, draw_sample
from tests.unit.meetings_support import handled_and_closed
from tests.unit.support import event_count, one, rows


def _today(service: SyncService, clock: FrozenClock) -> object:
    return clock.now().astimezone(service.rules.settings.tz).date()


def _schedule(service: SyncService, clock: FrozenClock) -> list:  # type: ignore[type-arg]
    with service.engine.connect() as conn:
        return schedule(conn, _today(service, clock), clock.now())  # type: ignore[arg-type]


def test_close_schedules_then_overdue_then_relapse_reopens_and_counts_rework(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    case_id = handled_and_closed(sync_service, db_path, came=["CGZF", "SCJG"], absent=["GA"])

    (item,) = _schedule(sync_service, clock)
    assert item.case_id == case_id and item.kind is ReinspectionKind.SCHEDULED
    # street vending is re-inspected 7 days after closure (catalogue default)
    assert item.due_on == _today(sync_service, clock) + timedelta(days=7)
    assert item.bucket in (ReinspectionBucket.WEEK, ReinspectionBucket.LATER)

    clock.advance(days=7)
    assert _schedule(sync_service, clock)[0].bucket is ReinspectionBucket.TODAY
    clock.advance(days=1)
    (late,) = _schedule(sync_service, clock)
    assert late.bucket is ReinspectionBucket.OVERDUE
    assert late.days_late(_today(sync_service, clock)) == 1  # type: ignore[arg-type]

    reopened = sync_service.run(
        record_result, item.id, result=ReinspectionResult.RELAPSE, inspector="李核查", notes="摊位复现"
    )
    assert reopened is not None
    original = one(db_path, "SELECT status, relapsed_at FROM case_file WHERE id = ?", case_id)
    assert original["status"] == CaseStatus.RELAPSED and original["relapsed_at"] is not None
    linked = one(db_path, "SELECT status, reopened_from, number FROM case_file WHERE id = ?", reopened)
    assert linked["status"] == CaseStatus.TRIAGE and linked["reopened_from"] == case_id

    (done,) = _schedule(sync_service, clock)
    assert done.bucket is ReinspectionBucket.DONE
    assert done.result is ReinspectionResult.RELAPSE and done.relapse_case_number == linked["number"]
    with sync_service.engine.connect() as conn:
        assert [r.id for r in for_case(conn, reopened, done.due_on)] == [item.id]
        # the departments that came and acted share the rework; the one that never came does not
        assert rework_by_department(conn) == {"CGZF": 1, "SCJG": 1}
    # both sides of the relapse are in the event log, each under its own case
    types = [
        r["type"] for r in rows(db_path, "SELECT type FROM event WHERE subject = ? ORDER BY seq", case_id)
    ]
    assert "case.relapse" in types and types[-1] == "reinspection.recorded"
    received = rows(
        db_path, "SELECT payload FROM event WHERE subject = ? AND type = 'case.received'", reopened
    )
    assert json.loads(received[0]["payload"])["reopened_from"] == case_id


def test_pass_verifies_the_case_and_counts_no_rework(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    case_id = handled_and_closed(sync_service, db_path, came=["CGZF"], absent=[])
    (item,) = _schedule(sync_service, clock)
    assert (
        sync_service.run(record_result, item.id, result=ReinspectionResult.PASS, inspector="李核查") is None
    )
    assert one(db_path, "SELECT status FROM case_file WHERE id = ?", case_id)["status"] == CaseStatus.VERIFIED
    with sync_service.engine.connect() as conn:
        assert rework_by_department(conn) == {}


def test_a_result_needs_an_inspector_and_is_recorded_once(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    handled_and_closed(sync_service, db_path, came=["CGZF"], absent=[])
    (item,) = _schedule(sync_service, clock)
    before = event_count(db_path)
    with pytest.raises(ValidationError):
        sync_service.run(record_result, item.id, result=ReinspectionResult.PASS, inspector="  ")
    assert event_count(db_path) == before
    sync_service.run(record_result, item.id, result=ReinspectionResult.UNCHECKABLE, inspector="李核查")
    with pytest.raises(DomainError):
        sync_service.run(record_result, item.id, result=ReinspectionResult.PASS, inspector="李核查")


def test_random_draw_is_recorded_with_its_seed_and_can_be_redrawn(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    closed = [handled_and_closed(sync_service, db_path, came=["CGZF"], absent=[]) for _ in range(12)]
    chosen = sync_service.run(draw_random, seed=4242, rate=0.25)
    assert len(chosen) == 3 and set(chosen) <= set(closed)

    with sync_service.engine.connect() as conn:
        (draw,) = draws(conn)
    assert draw.seed == 4242 and draw.rate == 0.25
    assert sorted(draw.population) == sorted(closed)
    # anyone holding the event redraws exactly the same sample from the seed
    assert draw_sample(draw.population, draw.rate, draw.seed) == list(draw.drawn) == chosen
    random_rows = rows(db_path, "SELECT case_id, draw_seed FROM reinspection WHERE kind = 'random'")
    assert {r["case_id"] for r in random_rows} == set(chosen)
    assert {r["draw_seed"] for r in random_rows} == {4242}


def test_random_draw_refuses_a_bad_rate_and_an_empty_week(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    with pytest.raises(DomainError):
        sync_service.run(draw_random, seed=1)
    handled_and_closed(sync_service, db_path, came=["CGZF"], absent=[])
    before = event_count(db_path)
    with pytest.raises(ValidationError):
        sync_service.run(draw_random, seed=1, rate=0)
    assert event_count(db_path) == before
    clock.advance(days=8)
    with pytest.raises(DomainError):
        sync_service.run(draw_random, seed=1)
