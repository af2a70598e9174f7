"""Issue 15: an agenda item's reason is read in the reader's language. It was stored as text in
the language of the desk that proposed it, so an English desk read 已受理 8 天仍未办结 and
公安派出所 未报到; items added before the reason's parts were kept still show their text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from data.read.meetings import meeting_view
from data.service import SyncService, verify
from data.write.commands import meetings as mt
from data.write.commands.cases import blow_whistle, transition
from models.clock import FrozenClock
from models.enums import AgendaReason, CaseStatus, Grade, MeetingKind
from models.i18n import set_language
from models.lifecycle import Action
from tests.unit.meetings_support import open_case
from tests.unit.support import new_case


@pytest.fixture
def english_after() -> Iterator[None]:
    yield
    set_language("zh")


def _reasons(service: SyncService, meeting_id: str) -> dict[str | None, str]:
    with service.engine.connect() as conn:
        items = meeting_view(conn, meeting_id).items
    return {item.case_id or item.topic: item.reason_detail for item in items}


def _meeting(service: SyncService, at: object) -> str:
    meeting_id: str = service.run(
        mt.create_meeting, kind=MeetingKind.WEEKLY, scheduled_at=at, facilitator="赵主任", invited=["GA"]
    )
    return meeting_id


def test_a_reason_proposed_in_chinese_reads_in_english(
    sync_service: SyncService, clock: FrozenClock, english_after: None
) -> None:
    run = sync_service.run
    old = open_case(sync_service)
    clock.advance(days=8)
    flagged = open_case(sync_service, CaseStatus.CONSULTING)
    summoned = new_case(run)
    run(transition, summoned, Action.TRIAGE)
    run(blow_whistle, summoned, grade=Grade.URGENT, departments=["GA"])
    clock.advance(hours=2)  # the police never reported in
    meeting = _meeting(sync_service, clock.now() + timedelta(hours=1))
    set_language("zh")
    run(mt.propose, meeting)
    chinese = _reasons(sync_service, meeting)
    assert chinese[old] == "已受理 8 天仍未办结"
    assert "公安派出所 未报到" in chinese[summoned]
    set_language("en")
    english = _reasons(sync_service, meeting)
    assert english[old] == "open for 8 days"
    assert english[flagged].startswith("flagged for consultation")
    assert "Police station did not report in" in english[summoned], english[summoned]
    assert not any("\u4e00" <= ch <= "\u9fff" for text in english.values() for ch in text), english
    assert verify(sync_service.engine).ok  # a replay keeps the same parts


def test_a_carried_item_reads_in_english_with_the_meeting_kind_and_what_it_lacks(
    sync_service: SyncService, clock: FrozenClock, english_after: None
) -> None:
    run = sync_service.run
    first = _meeting(sync_service, clock.now())
    run(mt.start, first)
    run(mt.add_item, first, reason=AgendaReason.MANUAL, topic="背街小巷停车整治")
    decided = run(mt.add_item, first, reason=AgendaReason.MANUAL, topic="已议定的事")
    run(mt.decide, decided, decision="照办", tracked=False)
    run(mt.end, first)
    clock.advance(days=7)
    second = _meeting(sync_service, clock.now())
    run(mt.propose, second)
    set_language("en")
    english = _reasons(sync_service, second)
    assert english["背街小巷停车整治"].startswith("undecided at the "), english
    assert "names no" in english["已议定的事"], english
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english["背街小巷停车整治"])


def test_an_item_added_before_the_parts_were_kept_shows_its_text(
    sync_service: SyncService, clock: FrozenClock, db_path: Path, english_after: None
) -> None:
    meeting = _meeting(sync_service, clock.now())
    item = sync_service.run(
        mt.add_item,
        meeting,
        reason=AgendaReason.LONG_OPEN,
        topic="旧议题",
        reason_detail="已受理 9 天仍未办结",
    )
    with sqlite3.connect(db_path) as conn:
        (parts,) = conn.execute("SELECT reason_parts FROM agenda_item WHERE id = ?", (item,)).fetchone()
        (payload,) = conn.execute(
            "SELECT payload FROM event WHERE type = 'agenda.item_added' ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
    assert parts == "" and json.loads(payload).get("reason_parts") is None
    set_language("en")
    assert _reasons(sync_service, meeting)["旧议题"] == "已受理 9 天仍未办结"
