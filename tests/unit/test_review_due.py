"""Issue 15: what waits on a date or an owner comes back. A parked case's review date: from
that day (the frozen clock moved past it) the queue counts and marks it due for review, and the next meeting's
agenda proposes it. Both are read from the case as its events left it, so a replay agrees."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from data.read.agenda import proposed_agenda
from data.read.handover import gather
from data.read.queue import queue_rows, review_due_count
from data.service import SyncService, verify
from data.settings import Settings
from data.store.tables import AGENDA
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


def test_a_decision_without_lead_or_due_date_comes_back_until_someone_owns_it(
    svc: SyncService, clock: FrozenClock, settings: Settings
) -> None:
    """Issue 15: a decision recorded without a lead department or a due date was never
    followed up. The next meeting carries it as 上次未决 and the handover lists it."""
    case = case_in(svc.run, CaseStatus.TRIAGE)
    owned = case_in(svc.run, CaseStatus.TRIAGE)
    first = svc.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=clock.now(),
        facilitator="值班员",
        invited=["CGZF"],
    )
    item = svc.run(mt.add_item, first, reason=AgendaReason.MANUAL, case_id=case)
    other = svc.run(mt.add_item, first, reason=AgendaReason.MANUAL, case_id=owned)
    svc.run(mt.start, first)
    svc.run(mt.decide, item, decision="再看看", tracked=False)
    due = (clock.now() + timedelta(days=30)).astimezone(settings.tz).date()
    svc.run(mt.decide, other, decision="城管牵头拆除", lead_department="CGZF", due_on=due)
    svc.run(mt.end, first)

    with svc.engine.connect() as conn:
        handed = gather(conn, clock.now(), settings.tz).of("followup")
    assert [(n.case_id, "未定牵头部门和期限" in n.detail) for n in handed] == [(case, True)]

    clock.advance(days=7)
    second = svc.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=clock.now(),
        facilitator="值班员",
        invited=["CGZF"],
    )
    with svc.engine.connect() as conn:
        proposed = {p.case_id: p for p in proposed_agenda(conn, svc.rules.settings, second, clock.now())}
    assert proposed[case].reason is AgendaReason.CARRIED_OVER and proposed[case].carried_from == item
    assert "未定牵头部门和期限" in proposed[case].detail and "再看看" in proposed[case].detail
    # it has an owner and a date: followed up as usual (here only as open too long)
    assert proposed[owned].reasons == (AgendaReason.LONG_OPEN,)

    # the next meeting takes it up; decided again without an owner, it is left as decided
    svc.run(mt.propose, second)
    with svc.engine.connect() as conn:
        again = conn.execute(select(AGENDA.c.id).where(AGENDA.c.carried_from == item)).scalar_one()
    svc.run(mt.start, second)
    svc.run(mt.decide, again, decision="通报即可", tracked=False)
    svc.run(mt.end, second)
    clock.advance(days=7)
    third = svc.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=clock.now(),
        facilitator="值班员",
        invited=["CGZF"],
    )
    with svc.engine.connect() as conn:
        proposed = {p.case_id: p for p in proposed_agenda(conn, svc.rules.settings, third, clock.now())}
        assert gather(conn, clock.now(), settings.tz).of("followup") == ()
    assert AgendaReason.CARRIED_OVER not in proposed[case].reasons
