"""Issue 15: a parked case's review date comes back to the desk. From that day (the frozen
clock moved past it) the queue counts and marks it due for review, and the next meeting's
agenda proposes it. Both are read from the case as its events left it, so a replay agrees."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from data.read.agenda import proposed_agenda
from data.read.queue import queue_rows, review_due_count
from data.service import SyncService, verify
from data.settings import Settings
from data.write.commands import meetings as mt
from data.write.commands.cases import transition
from data.write.commands.reference import add_operator
from models.clock import FrozenClock
from models.enums import AgendaReason, CaseStatus, MeetingKind, Role
from models.lifecycle import Action
from tests.unit.conftest import NOW
from tests.unit.support import case_in


@pytest.fixture
def svc(db_path: Path, settings: Settings, clock: FrozenClock) -> Iterator[SyncService]:
    service = SyncService.open(db_path, settings, clock, "值班员")
    service.run(add_operator, name="值班员", role=Role.OPERATOR)
    yield service
    service.close()


def _today(clock: FrozenClock, settings: Settings) -> object:
    return clock.now().astimezone(settings.tz).date()


def _proposed(svc: SyncService, clock: FrozenClock) -> dict[str | None, AgendaReason]:
    meeting = svc.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=clock.now() + timedelta(hours=1),
        facilitator="值班员",
        invited=["CGZF"],
    )
    with svc.engine.connect() as conn:
        return {p.case_id: p.reason for p in proposed_agenda(conn, svc.rules.settings, meeting, clock.now())}


def test_a_parked_case_is_due_for_review_on_its_review_day(
    svc: SyncService, clock: FrozenClock, settings: Settings, db_path: Path
) -> None:
    review_on = (NOW + timedelta(days=3)).astimezone(settings.tz).date()
    parked = case_in(svc.run, CaseStatus.TRIAGE)
    svc.run(transition, parked, Action.PARK, reason="待拆迁", review_on=review_on)
    later = case_in(svc.run, CaseStatus.TRIAGE)
    svc.run(transition, later, Action.PARK, reason="待拆迁", review_on=review_on + timedelta(days=30))

    with svc.engine.connect() as conn:
        assert review_due_count(conn, _today(clock, settings)) == 0  # type: ignore[arg-type]
        (row,) = queue_rows(conn, [parked])
        assert row.review_on == review_on
    assert parked not in _proposed(svc, clock)

    clock.advance(days=3)  # the review day has come
    with svc.engine.connect() as conn:
        assert review_due_count(conn, _today(clock, settings)) == 1  # type: ignore[arg-type]
    proposed = _proposed(svc, clock)
    assert proposed.get(parked) is AgendaReason.REVIEW_DUE
    assert later not in proposed

    svc.run(transition, parked, Action.UNPARK)  # taken up again: no longer waiting for review
    with svc.engine.connect() as conn:
        assert review_due_count(conn, _today(clock, settings)) == 0  # type: ignore[arg-type]
        (row,) = queue_rows(conn, [parked])
        assert row.review_on is None
    report = verify(svc.engine)
    assert report.ok, report.problems
