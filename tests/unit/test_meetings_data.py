"""Meetings on a real file: the proposed agenda, reordering, decisions that become follow-ups,
and a decision carried over to the next meeting until it is done."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from data.read.meetings import (
    absences_by_department,
    followups_for_case,
    list_meetings,
    meeting_view,
    open_followups,
)
from data.service import SyncService
from data.write.commands import meetings as mt
from models.clock import FrozenClock
from models.enums import AgendaReason, CaseStatus, FollowUp, MeetingKind
from models.errors import DomainError, ValidationError
from tests.unit.meetings_support import open_case
from tests.unit.support import event_count


def _meeting(service: SyncService, at: datetime, invited: list[str] | None = None) -> str:
    meeting_id: str = service.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=at,
        facilitator="赵主任",
        invited=invited or ["CGZF", "GA"],
    )
    return meeting_id


def _view(service: SyncService, meeting_id: str):  # type: ignore[no-untyped-def]
    with service.engine.connect() as conn:
        return meeting_view(conn, meeting_id)


def test_propose_puts_flagged_and_long_open_cases_on_with_their_reasons(
    sync_service: SyncService, clock: FrozenClock
) -> None:
    old = open_case(sync_service)
    clock.advance(days=8)
    flagged = open_case(sync_service, CaseStatus.CONSULTING)
    fresh = open_case(sync_service)
    meeting = _meeting(sync_service, clock.now() + timedelta(hours=1))
    added = sync_service.run(mt.propose, meeting)
    view = _view(sync_service, meeting)
    assert [i.id for i in view.items] == added
    assert [(i.case_id, i.reason) for i in view.items] == [
        (flagged, AgendaReason.FLAGGED),
        (old, AgendaReason.LONG_OPEN),
    ]
    assert fresh not in {i.case_id for i in view.items}
    assert view.items[1].reason_detail == "已受理 8 天仍未办结"
    # proposing again adds nothing twice
    assert sync_service.run(mt.propose, meeting) == []


def test_reorder_remove_timebox_and_bad_orders(sync_service: SyncService, clock: FrozenClock) -> None:
    meeting = _meeting(sync_service, clock.now())
    a = sync_service.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="甲")
    b = sync_service.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="乙")
    c = sync_service.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="丙")
    sync_service.run(mt.remove_item, b)
    sync_service.run(mt.reorder, meeting, [c, a])
    sync_service.run(mt.set_timebox, c, 25)
    view = _view(sync_service, meeting)
    assert [(i.topic, i.timebox_minutes) for i in view.items] == [("丙", 25), ("甲", 10)]
    assert view.total_minutes == 35
    with pytest.raises(ValidationError):
        sync_service.run(mt.reorder, meeting, [a])
    with pytest.raises(ValidationError):
        sync_service.run(mt.set_timebox, a, 0)
    with pytest.raises(DomainError):
        sync_service.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, case_id="no-such-case")


def test_a_decision_is_carried_to_the_next_meeting_until_done(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    sync_service.rules.settings.consult_open_days = 60  # only the carried-over rule may bring it back
    case_id = open_case(sync_service)
    first = _meeting(sync_service, clock.now())
    sync_service.run(mt.start, first)
    item = sync_service.run(mt.add_item, first, reason=AgendaReason.MANUAL, case_id=case_id)
    due = clock.now().astimezone(sync_service.rules.settings.tz).date() + timedelta(days=5)
    sync_service.run(mt.decide, item, decision="限期一周内拆除", lead_department="CGZF", due_on=due)
    sync_service.run(mt.attendance, first, "GA", present=False)
    sync_service.run(mt.end, first)

    with sync_service.engine.connect() as conn:
        (shown,) = followups_for_case(conn, case_id)
        assert (shown.decision, shown.lead_department, shown.due_on) == ("限期一周内拆除", "CGZF", due)
        assert shown.status is FollowUp.OPEN
        assert absences_by_department(
            conn, clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
        ) == {"GA": 1}

    # a meeting before the deadline does not bring it back yet
    clock.advance(days=3)
    early = _meeting(sync_service, clock.now())
    sync_service.run(mt.propose, early)
    assert case_id not in {i.case_id for i in _view(sync_service, early).items}

    clock.advance(days=4)
    second = _meeting(sync_service, clock.now())
    sync_service.run(mt.propose, second)
    carried = next(i for i in _view(sync_service, second).items if i.case_id == case_id)
    assert carried.reason is AgendaReason.CARRIED_OVER and carried.carried_from == item
    assert "限期一周内拆除" in carried.reason_detail and "逾期 2 天未落实" in carried.reason_detail

    # not done: it comes back again at the meeting after
    clock.advance(days=1)
    third = _meeting(sync_service, clock.now())
    sync_service.run(mt.propose, third)
    assert case_id in {i.case_id for i in _view(sync_service, third).items}

    sync_service.run(mt.followup_done, item)
    clock.advance(days=1)
    fourth = _meeting(sync_service, clock.now())
    sync_service.run(mt.propose, fourth)
    assert case_id not in {i.case_id for i in _view(sync_service, fourth).items}
    with sync_service.engine.connect() as conn:
        assert open_followups(conn) == []
        assert [m.id for m in list_meetings(conn)] == [fourth, third, second, early, first]


def test_a_new_decision_on_a_carried_item_replaces_the_old_follow_up(
    sync_service: SyncService, clock: FrozenClock
) -> None:
    case_id = open_case(sync_service)
    first = _meeting(sync_service, clock.now())
    item = sync_service.run(mt.add_item, first, reason=AgendaReason.MANUAL, case_id=case_id)
    today = clock.now().astimezone(sync_service.rules.settings.tz).date()
    sync_service.run(mt.decide, item, decision="先行约谈", lead_department="GA", due_on=today)
    clock.advance(days=7)
    second = _meeting(sync_service, clock.now())
    (carried,) = [sync_service.run(mt.propose, second)[0]]
    later = today + timedelta(days=14)
    sync_service.run(mt.decide, carried, decision="立案查处", lead_department="CGZF", due_on=later)
    with sync_service.engine.connect() as conn:
        states = [(f.decision, f.status) for f in followups_for_case(conn, case_id)]
    assert states == [("先行约谈", FollowUp.SUPERSEDED), ("立案查处", FollowUp.OPEN)]


def test_a_tracked_decision_needs_lead_and_deadline_and_changes_nothing_when_refused(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    meeting = _meeting(sync_service, clock.now())
    item = sync_service.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="夜间施工扰民")
    before = event_count(db_path)
    with pytest.raises(ValidationError):
        sync_service.run(mt.decide, item, decision="约谈施工方", lead_department="CGZF")
    with pytest.raises(ValidationError):
        yesterday = clock.now().date() - timedelta(days=2)
        sync_service.run(mt.decide, item, decision="约谈施工方", lead_department="CGZF", due_on=yesterday)
    with pytest.raises(DomainError):
        sync_service.run(
            mt.decide, item, decision="约谈施工方", lead_department="NOPE", due_on=clock.now().date()
        )
    assert event_count(db_path) == before
    sync_service.run(mt.decide, item, decision="通报即可", tracked=False)
    assert _view(sync_service, meeting).items[0].followup is FollowUp.DONE


def test_undecided_items_and_free_topics_carry_to_the_next_meeting_as_undecided_last_time(
    sync_service: SyncService, clock: FrozenClock
) -> None:
    sync_service.rules.settings.consult_open_days = 60  # no other rule brings the case back
    case_id = open_case(sync_service)
    first = _meeting(sync_service, clock.now())
    sync_service.run(mt.start, first)
    on_case = sync_service.run(mt.add_item, first, reason=AgendaReason.MANUAL, case_id=case_id)
    topic = sync_service.run(mt.add_item, first, reason=AgendaReason.MANUAL, topic="背街小巷停车整治")
    decided = sync_service.run(mt.add_item, first, reason=AgendaReason.MANUAL, topic="已议定的事")
    sync_service.run(mt.decide, decided, decision="照办", tracked=False)
    sync_service.run(mt.end, first)

    clock.advance(days=7)
    second = _meeting(sync_service, clock.now())
    sync_service.run(mt.propose, second)
    items = _view(sync_service, second).items
    carried = {i.carried_from: i for i in items if i.carried_from}
    # issue 15: the decided one comes back too, as nobody owns it (no lead department, no date)
    assert set(carried) == {on_case, topic, decided}
    assert carried[on_case].case_id == case_id and carried[topic].topic == "背街小巷停车整治"
    assert "未定牵头部门和期限" in carried[decided].reason_detail
    for item in carried.values():
        assert item.reason is AgendaReason.CARRIED_OVER
        assert item.reason_detail.startswith("上次未决：")
    # proposing again adds nothing twice
    sync_service.run(mt.propose, second)
    assert len(_view(sync_service, second).items) == len(items)


def test_a_second_weekly_meeting_on_the_same_day_is_refused(
    sync_service: SyncService, db_path: Path, clock: FrozenClock
) -> None:
    _meeting(sync_service, clock.now())
    before = event_count(db_path)
    with pytest.raises(ValidationError) as refused:
        _meeting(sync_service, clock.now() + timedelta(hours=3))
    assert refused.value.key == "error.weekly_same_day"
    assert event_count(db_path) == before
    # another kind of meeting that day, and a weekly one the next day, are fine
    sync_service.run(
        mt.create_meeting,
        kind=MeetingKind.DAILY,
        scheduled_at=clock.now() + timedelta(hours=3),
        facilitator="赵主任",
        invited=["CGZF"],
    )
    _meeting(sync_service, clock.now() + timedelta(days=1))
