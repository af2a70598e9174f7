"""Commands: each refusal with its message and nothing changed; clocks, closure and relapse."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.service import SyncService
from data.settings import Settings
from data.store.eventlog import EventWriter
from data.write.commands import cases, checkins, corrections, reinspections
from data.write.commands.common import Ctx, Rules
from data.write.commands.reference import register_station
from models.clock import FrozenClock
from models.deadlines import Limit
from models.enums import CaseStatus, Grade, ReinspectionResult
from models.errors import DomainError, NotFound, ValidationError
from models.i18n import set_language
from models.lifecycle import Action
from tests.unit.conftest import NOW, Snapshot, snapshot_of
from tests.unit.support import CASE, SECRET, case_in, new_case, one, rows, whistle

SH = Settings().tz


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

    def checkin(self, case_id: str, code: str) -> Any:
        return one(
            self.path, "SELECT * FROM checkin WHERE case_id = ? AND department_code = ?", case_id, code
        )

    def case(self, case_id: str) -> Any:
        return one(self.path, "SELECT * FROM case_file WHERE id = ?", case_id)


@pytest.fixture
def desk(sync_service: SyncService, db_path: Path) -> Desk:
    return Desk(sync_service, db_path)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _whistled(desk: Desk, codes: list[str]) -> str:
    case_id = case_in(desk.run, CaseStatus.TRIAGE)
    whistle(desk.run, case_id, codes)
    return case_id


# -- check-ins ----------------------------------------------------------------------------


def test_release_before_disposal_is_refused(desk: Desk, clock: FrozenClock) -> None:
    case_id = _whistled(desk, ["CGZF"])
    checkin = desk.checkin(case_id, "CGZF")["id"]
    desk.refused(DomainError, "事不完、人不撤", checkins.release, checkin)
    clock.advance(minutes=5)
    desk.run(checkins.arrive, checkin, person="李队长")
    desk.refused(DomainError, "事不完、人不撤", checkins.release, checkin)
    desk.run(checkins.act, checkin, action="劝离摊贩", result="已清理")
    desk.run(checkins.release, checkin)
    assert desk.checkin(case_id, "CGZF")["status"] == "released"
    desk.refused(DomainError, "已撤离", checkins.release, checkin)


def test_arrival_twice_is_refused(desk: Desk, clock: FrozenClock) -> None:
    case_id = _whistled(desk, ["CGZF"])
    checkin = desk.checkin(case_id, "CGZF")["id"]
    clock.advance(minutes=40)
    assert desk.run(checkins.arrive, checkin, person="李队长") == 10  # ten minutes late
    desk.refused(DomainError, "「已到场」", checkins.arrive, checkin, person="李队长")
    future = NOW + timedelta(hours=2)
    other = _whistled(desk, ["GA"])
    desk.refused(
        ValidationError,
        "不能晚于现在",
        checkins.arrive,
        desk.checkin(other, "GA")["id"],
        person="王",
        arrived_at=future,
    )
    desk.refused(ValidationError, "请填写", checkins.arrive, desk.checkin(other, "GA")["id"], person="  ")


def test_act_before_arrival_and_rate_before_action_are_refused(desk: Desk) -> None:
    case_id = _whistled(desk, ["CGZF"])
    checkin = desk.checkin(case_id, "CGZF")["id"]
    desk.refused(DomainError, "到场后才能登记处置", checkins.act, checkin, action="a", result="b")
    desk.refused(DomainError, "登记处置结果后才能评价", checkins.rate, checkin, rating=5, reason="好")


@pytest.mark.parametrize("rating", [0, 6, -1, 3.5, "5", True])
def test_rating_outside_1_to_5_is_refused(desk: Desk, rating: Any) -> None:
    case_id = _whistled(desk, ["CGZF"])
    checkin = desk.checkin(case_id, "CGZF")["id"]
    desk.run(checkins.arrive, checkin, person="李队长")
    desk.run(checkins.act, checkin, action="劝离", result="已清理")
    error = desk.refused(ValidationError, "1–5", checkins.rate, checkin, rating=rating, reason="一般")
    assert isinstance(error, ValidationError) and error.field == "rating"
    desk.run(checkins.rate, checkin, rating=3, reason="到场较慢")
    assert desk.checkin(case_id, "CGZF")["rating"] == 3


# -- whistles -----------------------------------------------------------------------------


def test_whistle_with_no_unknown_or_already_summoned_departments_is_refused(desk: Desk) -> None:
    case_id = case_in(desk.run, CaseStatus.TRIAGE)
    desk.refused(
        ValidationError, "至少选择一个部门", cases.blow_whistle, case_id, grade=Grade.URGENT, departments=[]
    )
    desk.refused(
        ValidationError, "XYZ", cases.blow_whistle, case_id, grade=Grade.URGENT, departments=["CGZF", "XYZ"]
    )
    whistle(desk.run, case_id, ["CGZF"])
    desk.refused(
        ValidationError,
        "城管执法队",
        cases.blow_whistle,
        case_id,
        grade=Grade.URGENT,
        departments=["GA", "CGZF"],
    )


def test_a_whistle_on_a_closed_case_is_an_illegal_transition(desk: Desk) -> None:
    case_id = case_in(desk.run, CaseStatus.CLOSED)
    desk.refused(
        DomainError, "「已结案」", cases.blow_whistle, case_id, grade=Grade.URGENT, departments=["GA"]
    )
    desk.refused(DomainError, "吹哨", cases.transition, case_id, Action.WHISTLE)


def test_a_second_whistle_adds_departments_and_leaves_the_others_clocks(
    desk: Desk, clock: FrozenClock
) -> None:
    case_id = _whistled(desk, ["CGZF"])
    first_clock = rows(desk.path, "SELECT * FROM clock WHERE case_id = ?", case_id)
    first_checkin = desk.checkin(case_id, "CGZF")
    clock.advance(minutes=20)
    whistle(desk.run, case_id, ["GA", "JT"], grade=Grade.REGULAR)
    after = {tuple(r) for r in rows(desk.path, "SELECT * FROM clock WHERE case_id = ?", case_id)}
    assert {tuple(r) for r in first_clock} <= after  # the first clocks, untouched
    assert len(after) == len(first_clock) + 2
    assert tuple(desk.checkin(case_id, "CGZF")) == tuple(first_checkin)
    for code in ("GA", "JT"):
        added = desk.checkin(case_id, code)
        assert _at(added["deadline"]) == NOW + timedelta(minutes=20) + timedelta(hours=24)
        assert added["whistle_id"] != first_checkin["whistle_id"]
    assert one(desk.path, "SELECT count(*) FROM whistle WHERE case_id = ?", case_id)[0] == 2
    assert desk.case(case_id)["status"] == CaseStatus.DISPATCHED
    # a department released from the first whistle may be summoned again
    checkin = first_checkin["id"]
    desk.run(checkins.arrive, checkin, person="李")
    desk.run(checkins.act, checkin, action="劝离", result="已清理")
    desk.run(checkins.release, checkin)
    whistle(desk.run, case_id, ["CGZF"])
    assert one(desk.path, "SELECT count(*) FROM checkin WHERE case_id = ?", case_id)[0] == 4


# -- intake and corrections ---------------------------------------------------------------


@pytest.mark.parametrize("phone", ["1234", "1381234567", "138123456789", "电话", "010-123"])
def test_a_bad_phone_is_refused(desk: Desk, phone: str) -> None:
    error = desk.refused(ValidationError, phone, cases.receive_case, **CASE, reporter_phone=phone)
    assert isinstance(error, ValidationError) and error.field == "reporter_phone"


@pytest.mark.parametrize(
    ("given", "stored"),
    [("138 1234 5678", "13812345678"), ("+8613812345678", "13812345678"), ("010-12345678", "010-12345678")],
)
def test_a_good_phone_is_stored_normalised(desk: Desk, given: str, stored: str) -> None:
    case_id = new_case(desk.run, reporter_phone=given)
    assert desk.case(case_id)["reporter_phone"] == stored


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("source", "twitter", "未知的案件来源"),
        ("category", "ufo", "未知的案件类别"),
        ("priority", "asap", "未知的紧急程度"),
        ("address", "   ", "请填写"),
        ("description", "", "请填写"),
    ],
)
def test_bad_intake_fields_are_refused(desk: Desk, field: str, value: str, text: str) -> None:
    error = desk.refused(ValidationError, text, cases.receive_case, **{**CASE, field: value})
    assert isinstance(error, ValidationError) and error.field == field


def test_correcting_needs_a_reason_a_known_field_and_a_change(desk: Desk) -> None:
    desk.svc.set_up("值班员", SECRET)  # corrections are a supervisor's, with the passphrase
    case_id = new_case(desk.run)
    desk.refused(
        ValidationError, "请填写", corrections.correct_case, case_id, {"address": "新地址"}, reason=" "
    )
    desk.refused(
        ValidationError, "不能冲正", corrections.correct_case, case_id, {"status": "closed"}, reason="错"
    )
    desk.refused(
        ValidationError,
        "没有需要冲正",
        corrections.correct_case,
        case_id,
        {"address": CASE["address"]},
        reason="错",
    )
    desk.refused(
        ValidationError, "联系电话", corrections.correct_case, case_id, {"reporter_phone": "1"}, reason="错"
    )
    desk.run(corrections.correct_case, case_id, {"address": "东四北大街 14 号"}, reason="门牌号记错")
    assert desk.case(case_id)["address"] == "东四北大街 14 号"
    event = one(desk.path, "SELECT payload FROM event WHERE type = 'case.corrected'")["payload"]
    assert CASE["address"] in event  # the old value stays in the record


def test_a_missing_case_is_not_found(desk: Desk) -> None:
    desk.refused(NotFound, "找不到案件", cases.transition, "no-such-case", Action.TRIAGE)


def test_park_needs_a_reason_and_a_review_date_not_in_the_past(desk: Desk) -> None:
    case_id = case_in(desk.run, CaseStatus.TRIAGE)
    desk.refused(ValidationError, "请填写", cases.transition, case_id, Action.PARK, reason="")
    yesterday = NOW.astimezone(SH).date() - timedelta(days=1)
    desk.refused(
        ValidationError,
        "复核日期",
        cases.transition,
        case_id,
        Action.PARK,
        reason="等批复",
        review_on=yesterday,
    )
    desk.refused(ValidationError, "请填写", cases.transition, case_id, Action.REJECT, reason="  ")
    desk.run(cases.transition, case_id, Action.PARK, reason="等批复")
    assert desk.case(case_id)["park_review_on"] == (NOW.astimezone(SH).date() + timedelta(days=7)).isoformat()


# -- read-only copies ---------------------------------------------------------------------


def _foreign_case(desk: Desk, clock: FrozenClock) -> str:
    """A case another station owns, as an imported event would put it here."""
    with desk.svc.engine.begin() as conn:
        ctx = Ctx(EventWriter(conn, "ST-OTHER", "外站值班员", clock), Rules(Settings()))
        register_station(ctx, name="外站", case_prefix="WZ", local=False)
        case_id = cases.receive_case(ctx, **CASE)
        cases.transition(ctx, case_id, Action.TRIAGE)
    return case_id


def test_a_read_only_copy_is_refused_every_change(desk: Desk, clock: FrozenClock) -> None:
    case_id = _foreign_case(desk, clock)
    assert desk.case(case_id)["station_id"] == "ST-OTHER"
    desk.refused(DomainError, "只读副本", cases.transition, case_id, Action.DISPATCH)
    desk.refused(DomainError, "ST-OTHER", cases.blow_whistle, case_id, grade=Grade.URGENT, departments=["GA"])
    desk.refused(DomainError, "只读副本", corrections.correct_case, case_id, {"address": "别处"}, reason="改")
    clock_id = one(desk.path, "SELECT id FROM clock WHERE case_id = ?", case_id)["id"]
    desk.refused(DomainError, "只读副本", checkins.pause, clock_id, reason="等")
    desk.refused(DomainError, "只读副本", checkins.extend_clock, clock_id, by=Limit.hours(1), reason="等")
    set_language("en")
    desk.refused(DomainError, "read-only copy", cases.transition, case_id, Action.DISPATCH)


# -- clocks -------------------------------------------------------------------------------


def test_pause_resume_and_extend_move_the_deadline(desk: Desk, clock: FrozenClock) -> None:
    case_id = _whistled(desk, ["CGZF"])
    checkin = desk.checkin(case_id, "CGZF")
    clock_id, deadline = checkin["clock_id"], _at(checkin["deadline"])
    assert deadline == NOW + timedelta(minutes=30)
    desk.refused(ValidationError, "请填写", checkins.pause, clock_id, reason="")
    desk.refused(DomainError, "没有挂起", checkins.resume, clock_id)
    clock.advance(minutes=10)
    desk.run(checkins.pause, clock_id, reason="道路封闭，等待交警放行")
    desk.refused(DomainError, "已挂起", checkins.pause, clock_id, reason="再挂")
    clock.advance(minutes=45)
    desk.run(checkins.resume, clock_id)
    resumed = one(desk.path, "SELECT * FROM clock WHERE id = ?", clock_id)
    assert _at(resumed["deadline"]) == deadline + timedelta(minutes=45)
    assert resumed["paused_minutes"] == 45 and resumed["paused_at"] is None
    assert _at(desk.checkin(case_id, "CGZF")["deadline"]) == deadline + timedelta(minutes=45)

    desk.refused(ValidationError, "请填写", checkins.extend_clock, clock_id, by=Limit.minutes(30), reason=" ")
    desk.refused(
        ValidationError, "大于 0", checkins.extend_clock, clock_id, by=Limit.minutes(0), reason="路远"
    )
    new = desk.run(checkins.extend_clock, clock_id, by=Limit.minutes(30), reason="路远")
    assert new == deadline + timedelta(minutes=75)
    extended = one(desk.path, "SELECT * FROM clock WHERE id = ?", clock_id)
    assert _at(extended["deadline"]) == new and extended["extensions"] == 1
    assert _at(desk.checkin(case_id, "CGZF")["deadline"]) == new
    reasons = [
        r[0] for r in rows(desk.path, "SELECT payload FROM event WHERE type LIKE 'clock.%' ORDER BY seq")
    ]
    assert "道路封闭" in reasons[0] and "路远" in reasons[-1]

    desk.run(checkins.arrive, checkin["id"], person="李")
    desk.refused(DomainError, "已停止", checkins.pause, clock_id, reason="晚了")
    desk.refused(DomainError, "已停止", checkins.extend_clock, clock_id, by=Limit.minutes(5), reason="晚了")


def test_extending_a_working_days_clock_skips_the_weekend(desk: Desk) -> None:
    case_id = new_case(desk.run, category="ground_lock")  # 3 working days
    handling = one(desk.path, "SELECT * FROM clock WHERE case_id = ? AND kind = 'handling'", case_id)
    assert _at(handling["deadline"]).astimezone(SH) == datetime(2026, 3, 13, 10, 0, tzinfo=SH)  # Friday
    new = desk.run(checkins.extend_clock, handling["id"], by=Limit.working_days(1), reason="需补充材料")
    assert new.astimezone(SH) == datetime(2026, 3, 16, 10, 0, tzinfo=SH)  # Monday


# -- closure and 回头看 ---------------------------------------------------------------------


@pytest.mark.parametrize(("category", "days"), [("street_vending", 7), ("illegal_construction", 30)])
def test_closing_schedules_the_reinspection_by_category(desk: Desk, category: str, days: int) -> None:
    case_id = case_in(desk.run, CaseStatus.CLOSED, category=category)
    item = one(desk.path, "SELECT * FROM reinspection WHERE case_id = ?", case_id)
    assert item["kind"] == "scheduled"
    assert date.fromisoformat(item["due_on"]) == NOW.astimezone(SH).date() + timedelta(days=days)
    stopped = rows(desk.path, "SELECT stopped_at FROM clock WHERE case_id = ?", case_id)
    assert all(r[0] is not None for r in stopped)


def test_the_station_can_change_the_reinspection_rule(db_path: Path, clock: FrozenClock) -> None:
    settings = Settings(station_id="ST-RULE", reinspect_days={"street_vending": 3})
    svc = SyncService.open(db_path, settings, clock)
    try:
        case_id = case_in(svc.run, CaseStatus.CLOSED)
    finally:
        svc.close()
    due = one(db_path, "SELECT due_on FROM reinspection WHERE case_id = ?", case_id)[0]
    assert date.fromisoformat(due) == date(2026, 3, 13)


def test_a_relapse_reopens_the_case_as_a_linked_case(desk: Desk, clock: FrozenClock) -> None:
    case_id = case_in(desk.run, CaseStatus.CLOSED, reporter_phone="13812345678")
    item = one(desk.path, "SELECT id FROM reinspection WHERE case_id = ?", case_id)["id"]
    clock.advance(days=7)
    desk.refused(
        ValidationError,
        "请填写",
        reinspections.record_result,
        item,
        result=ReinspectionResult.PASS,
        inspector="",
    )
    reopened = desk.run(
        reinspections.record_result,
        item,
        result=ReinspectionResult.RELAPSE,
        inspector="周巡查",
        notes="摊位复现",
    )
    assert reopened is not None and reopened != case_id
    old, new = desk.case(case_id), desk.case(reopened)
    assert old["status"] == CaseStatus.RELAPSED
    assert new["status"] == CaseStatus.TRIAGE
    assert new["reopened_from"] == case_id
    assert (new["category"], new["address"], new["reporter_phone"]) == (
        old["category"],
        old["address"],
        old["reporter_phone"],
    )
    assert new["number"] != old["number"]
    recorded = one(desk.path, "SELECT * FROM reinspection WHERE id = ?", item)
    assert (recorded["result"], recorded["relapse_case_id"], recorded["inspector"]) == (
        "relapse",
        reopened,
        "周巡查",
    )
    desk.refused(
        DomainError,
        "已登记结果",
        reinspections.record_result,
        item,
        result=ReinspectionResult.PASS,
        inspector="周",
    )


def test_a_pass_verifies_the_case(desk: Desk) -> None:
    case_id = case_in(desk.run, CaseStatus.CLOSED)
    item = one(desk.path, "SELECT id FROM reinspection WHERE case_id = ?", case_id)["id"]
    assert desk.run(reinspections.record_result, item, result=ReinspectionResult.PASS, inspector="周") is None
    assert desk.case(case_id)["status"] == CaseStatus.VERIFIED
