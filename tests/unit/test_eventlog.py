"""留痕: every command appends exactly its events, in its own transaction, on a hash chain."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.service import Service
from data.write.commands import (
    cases,
    checkins,
    corrections,
    meetings,
    operators,
    reference,
    reinspections,
    working_time,
)
from data.write.commands.common import Ctx
from models.calendar import parse_year_table
from models.clock import FrozenClock
from models.deadlines import Limit
from models.enums import AgendaReason, CaseStatus, Grade, MeetingKind, ReinspectionResult, Role
from models.errors import DomainError
from models.ids import uuid7
from models.lifecycle import Action
from tests.unit.calendar_support import complete_table_text
from tests.unit.conftest import NOW, STATION
from tests.unit.support import CASE, SECRET, event_count, one, rows

PHONE = "13812345678"
NAME = "张三丰"


class Recorder:
    """Runs commands on the service and returns the event types each one appended."""

    def __init__(self, service: Service, path: Path) -> None:
        self.service = service
        self.path = path

    def _seq(self) -> int:
        return int(one(self.path, "SELECT coalesce(max(seq), 0) AS s FROM event")["s"])

    async def __call__(self, command: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
        before = self._seq()
        result = await self.service.run(command, *args, **kwargs)
        added = rows(self.path, "SELECT type FROM event WHERE seq > ? ORDER BY seq", before)
        return result, [r["type"] for r in added]

    async def supervised(self, command: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
        """The same for a supervisor-only command, run with the passphrase."""
        before = self._seq()
        result = await self.service.run_supervised(SECRET, command, *args, **kwargs)
        added = rows(self.path, "SELECT type FROM event WHERE seq > ? ORDER BY seq", before)
        return result, [r["type"] for r in added]


def _checkin(path: Path, case_id: str, code: str) -> sqlite3.Row:
    return one(path, "SELECT * FROM checkin WHERE case_id = ? AND department_code = ?", case_id, code)


async def test_every_command_appends_exactly_its_events(
    service: Service, db_path: Path, clock: FrozenClock
) -> None:
    rec = Recorder(service, db_path)
    # the desk's operator is its first supervisor: corrections and holiday tables are theirs
    assert (await rec(operators.first_supervisor, name="值班员", secret=SECRET))[1] == [
        "operator.added",
        "operator.secret_set",
    ]
    case_id, kinds = await rec(cases.receive_case, **CASE, reporter_name=NAME, reporter_phone=PHONE)
    assert kinds == ["case.received"]
    assert (await rec(cases.transition, case_id, Action.TRIAGE))[1] == ["case.triage"]
    _, kinds = await rec(cases.blow_whistle, case_id, grade=Grade.URGENT, departments=["CGZF", "GA"])
    assert kinds == ["whistle.blown"]
    checkin = _checkin(db_path, case_id, "CGZF")
    clock.advance(minutes=12)
    assert (await rec(checkins.arrive, checkin["id"], person="李队长"))[1] == ["checkin.arrived"]
    expected_acted = ["checkin.acted"]
    assert (await rec(checkins.act, checkin["id"], action="劝离", result="已清理"))[1] == expected_acted
    assert (await rec(checkins.rate, checkin["id"], rating=4, reason="到场及时"))[1] == ["checkin.rated"]
    assert (await rec(checkins.release, checkin["id"]))[1] == ["checkin.released"]
    waiting = _checkin(db_path, case_id, "GA")
    assert (await rec(checkins.pause, waiting["clock_id"], reason="等待上级批复"))[1] == ["clock.paused"]
    assert (await rec(checkins.resume, waiting["clock_id"]))[1] == ["clock.resumed"]
    _, kinds = await rec(checkins.extend_clock, waiting["clock_id"], by=Limit.minutes(30), reason="路远")
    assert kinds == ["clock.extended"]
    _, kinds = await rec.supervised(
        corrections.correct_case, case_id, {"address": "东四北大街 14 号"}, reason="门牌号有误"
    )
    assert kinds == ["case.corrected"]
    assert (await rec(cases.transition, case_id, Action.DISPOSE))[1] == ["case.dispose"]
    _, kinds = await rec(cases.transition, case_id, Action.FEEDBACK, result="已整改")
    assert kinds == ["case.feedback"]
    _, kinds = await rec(cases.transition, case_id, Action.CLOSE, reason="已处置完毕，无需公安到场")
    assert kinds == ["checkin.withdrawn", "case.close", "reinspection.scheduled"]
    item = one(db_path, "SELECT id FROM reinspection WHERE case_id = ?", case_id)["id"]
    relapse, kinds = await rec(
        reinspections.record_result, item, result=ReinspectionResult.RELAPSE, inspector="周巡查"
    )
    assert kinds == ["case.relapse", "case.received", "case.triage", "reinspection.recorded"]
    assert relapse is not None

    meeting, kinds = await rec(
        meetings.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=NOW + timedelta(days=1),
        facilitator="赵主任",
        invited=["CGZF", "GA"],
    )
    assert kinds == ["meeting.created"]
    agenda, kinds = await rec(meetings.add_item, meeting, reason=AgendaReason.MANUAL, topic="夜市噪音")
    assert kinds == ["agenda.item_added"]
    assert (await rec(meetings.set_timebox, agenda, 15))[1] == ["agenda.timebox_set"]
    assert (await rec(meetings.start, meeting))[1] == ["meeting.started"]
    assert (await rec(meetings.attendance, meeting, "GA", present=True))[1] == ["meeting.attendance"]
    due = date(2026, 3, 20)
    _, kinds = await rec(meetings.decide, agenda, decision="限期整改", lead_department="GA", due_on=due)
    assert kinds == ["agenda.decided"]
    assert (await rec(meetings.followup_done, agenda))[1] == ["agenda.followup_done"]
    assert (await rec(meetings.end, meeting))[1] == ["meeting.ended"]

    assert (await rec(reference.add_operator, name="钱值班", role=Role.OPERATOR))[1] == ["operator.added"]
    _, kinds = await rec(reference.upsert_department, code="RF", name="人防办")
    assert kinds == ["department.upserted"]
    table = parse_year_table(complete_table_text(2031))
    assert (await rec.supervised(working_time.load_calendar_year, table))[1] == ["calendar.loaded"]


def _boom_after_receiving(ctx: Ctx) -> None:
    cases.receive_case(ctx, **CASE)
    raise DomainError("error.nothing_to_correct")


def _unknown_event(ctx: Ctx) -> None:
    cases.receive_case(ctx, **CASE)
    ctx.w.emit("no.such.type", None, {})


@pytest.mark.parametrize("command", [_boom_after_receiving, _unknown_event])
async def test_a_command_that_raises_leaves_no_event_and_no_row(
    service: Service, db_path: Path, snapshot: Any, command: Any
) -> None:
    await service.run(cases.receive_case, **CASE)
    before = snapshot(db_path)
    with pytest.raises(DomainError):
        await service.run(command)
    assert snapshot(db_path) == before
    # the chain goes on from where it was: nothing of the failed command was kept
    case_id = await service.run(cases.receive_case, **CASE)
    assert one(db_path, "SELECT number FROM case_file WHERE id = ?", case_id)["number"].endswith("000002")
    _assert_chain(db_path)


def _canonical(value: Any) -> bytes:
    # written out here, apart from models.events, as the documented encoding
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _assert_chain(path: Path) -> list[sqlite3.Row]:
    found = rows(path, "SELECT * FROM event WHERE station_id = ? ORDER BY seq", STATION)
    assert [r["seq"] for r in found] == list(range(1, len(found) + 1))
    prev = "0" * 64
    for r in found:
        assert r["prev_hash"] == prev
        hashed = {
            "id": r["id"],
            "station": r["station_id"],
            "seq": r["seq"],
            "operator": r["operator"],
            "at": r["at"].replace(" ", "T") + ("Z" if "." in r["at"] else ".000000Z"),
            "type": r["type"],
            "subject": r["subject"],
            "payload": json.loads(r["payload"]),
            "personal_digest": r["personal_digest"],
            "prev": r["prev_hash"],
        }
        assert hashlib.sha256(_canonical(hashed)).hexdigest() == r["hash"], r["type"]
        prev = r["hash"]
    return found


async def _busy_history(service: Service, clock: FrozenClock) -> None:
    for n in range(6):
        case_id = await service.run(cases.receive_case, **CASE, reporter_phone=PHONE)
        await service.run(cases.transition, case_id, Action.TRIAGE)
        if n % 2:
            await service.run(cases.blow_whistle, case_id, grade=Grade.REGULAR, departments=["JT"])
        clock.advance(seconds=n * 7)  # several events share one millisecond, others do not


async def test_seq_is_gapless_and_every_hash_recomputes(
    service: Service, db_path: Path, clock: FrozenClock
) -> None:
    await _busy_history(service, clock)
    found = _assert_chain(db_path)
    assert len(found) > 20
    # the file's own set-up (station, catalogue, key) is by nobody in particular
    setup = ("station.", "department.")
    assert {r["operator"] for r in found if not r["type"].startswith(setup)} == {service.operator}
    assert {r["operator"] for r in found if r["type"].startswith(setup)} == {""}
    assert all(r["station_id"] == STATION for r in found)


async def test_event_ids_are_uuid7_and_strictly_increasing(
    service: Service, db_path: Path, clock: FrozenClock
) -> None:
    await _busy_history(service, clock)
    ids = [r["id"] for r in rows(db_path, "SELECT id FROM event ORDER BY seq")]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}
    # the time part never lags the event's own time (ids made earlier in this process may
    # have pushed it ahead: monotonic beats exact)
    for r in rows(db_path, "SELECT id, at FROM event"):
        at = datetime.fromisoformat(r["at"]).replace(tzinfo=UTC)
        assert int(uuid.UUID(r["id"]).hex[:12], 16) >= int(at.timestamp() * 1000)


def test_uuid7_stays_increasing_when_the_clock_stands_still_or_goes_back() -> None:
    made = [uuid7(NOW) for _ in range(5000)] + [uuid7(NOW - timedelta(hours=1)) for _ in range(10)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)


async def test_personal_data_is_only_in_the_unhashed_part(service: Service, db_path: Path) -> None:
    case_id = await service.run(cases.receive_case, **CASE, reporter_name=NAME, reporter_phone=PHONE)
    other = await service.run(cases.receive_case, **CASE, reporter_name=NAME, reporter_phone=PHONE)
    events = rows(db_path, "SELECT * FROM event WHERE type = 'case.received' ORDER BY seq")
    for e in events:
        hashed_text = e["payload"] + (e["personal_digest"] or "")
        assert PHONE not in hashed_text and NAME not in hashed_text
        personal = json.loads(e["personal"])
        assert personal["reporter_phone"] == PHONE and personal["reporter_name"] == NAME
        assert hashlib.sha256(_canonical(personal)).hexdigest() == e["personal_digest"]
    # salted: the same person gives two unrelated digests, so a digest cannot be looked up
    assert events[0]["personal_digest"] != events[1]["personal_digest"]
    assert {
        one(db_path, "SELECT reporter_phone FROM case_file WHERE id = ?", c)[0] for c in (case_id, other)
    } == {PHONE}
    # the chain holds without the personal column: a bundle may leave it out
    _assert_chain(db_path)


async def test_correcting_the_phone_keeps_it_out_of_the_payload(service: Service, db_path: Path) -> None:
    await service.run(operators.first_supervisor, name="值班员", secret=SECRET)
    case_id = await service.run(cases.receive_case, **CASE, reporter_phone=PHONE)
    await service.run_supervised(
        SECRET, corrections.correct_case, case_id, {"reporter_phone": "13900001111"}, reason="记错一位"
    )
    event = one(db_path, "SELECT * FROM event WHERE type = 'case.corrected'")
    assert "13900001111" not in event["payload"]
    assert json.loads(event["payload"])["personal_fields"] == ["reporter_phone"]
    assert one(db_path, "SELECT reporter_phone FROM case_file WHERE id = ?", case_id)[0] == "13900001111"


@pytest.mark.parametrize(
    "sql",
    ["UPDATE event SET type = 'case.hidden'", "DELETE FROM event", "UPDATE event SET personal = NULL"],
)
async def test_the_event_table_refuses_update_and_delete(service: Service, db_path: Path, sql: str) -> None:
    await service.run(cases.receive_case, **CASE, reporter_phone=PHONE)
    count = event_count(db_path)
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    finally:
        conn.close()
    assert event_count(db_path) == count


async def test_events_record_operator_and_utc_time(
    service: Service, db_path: Path, clock: FrozenClock
) -> None:
    clock.advance(minutes=5)
    case_id = await service.run(cases.receive_case, **CASE)
    event = one(db_path, "SELECT * FROM event WHERE subject = ?", case_id)
    assert event["operator"] == service.operator
    assert event["at"].startswith((NOW + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S"))
    status = one(db_path, "SELECT status FROM case_file WHERE id = ?", case_id)["status"]
    assert status == CaseStatus.RECEIVED
