"""冲正: each assessed value can be corrected by a supervisor, with a reason, pointing at the event
it corrects; the original stays; the figures, the timeline and the per-department counts follow;
a replay agrees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from data.read.assessment import Figure, behind_figure, scorecards
from data.read.board import Board, board
from data.read.cases import CaseDetail, case_detail
from data.read.corrections import corrections_by_department
from data.service import SyncService, verify
from data.settings import Settings
from data.store.eventlog import EventWriter
from data.write.commands import cases, checkins, corrections, reinspections
from data.write.commands.common import Ctx, Rules
from models.clock import FrozenClock
from models.enums import CaseStatus, CheckInStatus, ReinspectionResult
from models.errors import DomainError, ValidationError
from models.lifecycle import Action
from models.periods import day_period
from tests.unit.conftest import NOW, snapshot_of
from tests.unit.support import as_supervisor, case_in, one, rows, whistle

TZ = Settings().tz
DEPT = "CGZF"


class Desk:
    def __init__(self, svc: SyncService, path: Path, clock: FrozenClock) -> None:
        self.svc, self.path, self.clock = svc, path, clock
        self.run = svc.run

    def read(self, fn: Any, *args: Any) -> Any:
        with self.svc.engine.connect() as conn:
            return fn(conn, *args)

    def board_of(self, code: str = DEPT) -> Any:
        b: Board = self.read(board, self.clock.now(), TZ)
        return next(d for d in b.departments if d.code == code)

    def detail(self, case_id: str) -> CaseDetail:
        detail: CaseDetail = self.read(case_detail, case_id, TZ)
        return detail

    def checkin(self, case_id: str) -> Any:
        return one(
            self.path, "SELECT * FROM checkin WHERE case_id = ? AND department_code = ?", case_id, DEPT
        )

    def events(self, kind: str) -> list[Any]:
        return rows(self.path, "SELECT * FROM event WHERE type = ? ORDER BY seq", kind)

    def counted(self) -> dict[str | None, int]:
        start = self.clock.now() - timedelta(days=1)
        end = self.clock.now() + timedelta(seconds=1)
        counts: dict[str | None, int] = self.read(corrections_by_department, start, end)
        return counts

    def card(self, code: str = DEPT) -> Any:
        """Today's scorecard of ``code``."""
        today = day_period(self.clock.now().astimezone(TZ).date())
        cards = self.read(scorecards, today, self.clock.now(), TZ).cards
        return next(c for c in cards if c.department == code)

    def replay_agrees(self) -> None:
        report = verify(self.svc.engine, replay=True)
        assert report.ok, report.problems


@pytest.fixture
def desk(db_path: Path, settings: Settings, clock: FrozenClock) -> Iterator[Desk]:
    """A supervisor's desk: corrections are theirs to make."""
    service = as_supervisor(db_path, settings, clock)
    yield Desk(service, db_path, clock)
    service.close()


def _whistled(desk: Desk) -> tuple[str, str]:
    case_id = case_in(desk.run, CaseStatus.TRIAGE)
    whistle(desk.run, case_id, [DEPT])
    return case_id, desk.checkin(case_id)["id"]


def _pointer(event: Any) -> dict[str, Any]:
    return {"event": event["id"], "station": event["station_id"], "seq": event["seq"], "type": event["type"]}


def _correction(desk: Desk, n: int = -1) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(desk.events("case.corrected")[n]["payload"])
    return payload


def _shown_beside(desk: Desk, case_id: str, original_id: str, *words: str) -> None:
    """The timeline shows the original struck through, its correction right after it."""
    timeline = desk.detail(case_id).timeline
    (at,) = [i for i, e in enumerate(timeline) if e.event_id == original_id]
    correction = timeline[at + 1]
    assert correction.corrects == original_id and not correction.struck
    for word in words:
        assert word in correction.text, correction.text
    assert timeline[at].struck or timeline[at].type.startswith("case.")


# -- arrival -------------------------------------------------------------------------------


def test_a_corrected_arrival_time_turns_a_late_arrival_on_time(desk: Desk, clock: FrozenClock) -> None:
    case_id, checkin_id = _whistled(desk)
    deadline = desk.read(case_detail, case_id, TZ).checkins[0].deadline
    clock.set(deadline + timedelta(minutes=10))
    assert desk.run(checkins.arrive, checkin_id, person="李队长") == 10
    tally = desk.board_of().tally
    assert (tally.late, tally.on_time) == (1, 0)
    assert desk.card().on_time == 0
    arrived = desk.events("checkin.arrived")[0]

    clock.advance(minutes=30)
    really = deadline - timedelta(minutes=5)
    late = desk.run(corrections.correct_arrival, checkin_id, arrived_at=really, reason="电话报到时间记错")

    assert late == 0
    (view,) = desk.detail(case_id).checkins
    assert (view.late_minutes, view.arrived_at, view.clock.stopped_at) == (0, really, really)
    tally = desk.board_of().tally
    assert (tally.late, tally.on_time) == (0, 1)
    assert desk.card().on_time == 1
    # the original stays, untouched; the correction points at it
    assert desk.events("checkin.arrived") == [arrived]
    assert json.loads(arrived["payload"])["late_minutes"] == 10
    payload = _correction(desk)
    assert payload["corrects"] == _pointer(arrived) and payload["reason"] == "电话报到时间记错"
    assert payload["kind"] == "arrival" and payload["department"] == DEPT
    _shown_beside(desk, case_id, arrived["id"], "迟到 10 分钟", "按时", "电话报到时间记错")
    assert desk.counted() == {DEPT: 1}
    desk.replay_agrees()


def test_a_correction_of_a_correction_points_at_the_latest(desk: Desk, clock: FrozenClock) -> None:
    case_id, checkin_id = _whistled(desk)
    clock.advance(minutes=40)
    desk.run(checkins.arrive, checkin_id, person="李队长")
    arrived = desk.events("checkin.arrived")[0]
    desk.run(corrections.correct_arrival, checkin_id, arrived_at=NOW + timedelta(minutes=35), reason="记错")
    first = desk.events("case.corrected")[0]
    desk.run(corrections.correct_arrival, checkin_id, arrived_at=NOW + timedelta(minutes=20), reason="再核")
    assert _correction(desk)["corrects"] == _pointer(first)
    timeline = desk.detail(case_id).timeline
    ids = [e.event_id for e in timeline]
    at = ids.index(arrived["id"])
    assert [e.struck for e in timeline[at : at + 3]] == [True, True, False]
    assert desk.checkin(case_id)["late_minutes"] == 0
    assert desk.counted() == {DEPT: 2}
    desk.replay_agrees()


def test_a_corrected_arrival_keeps_to_the_honest_record(desk: Desk, clock: FrozenClock) -> None:
    _case, checkin_id = _whistled(desk)
    clock.advance(minutes=10)
    desk.run(checkins.arrive, checkin_id, person="李队长")
    before = snapshot_of(desk.path)
    for at, text in (
        (NOW - timedelta(minutes=1), "不能早于吹哨"),
        (clock.now() + timedelta(minutes=5), "不能晚于现在"),
    ):
        with pytest.raises(ValidationError) as refused:
            desk.run(corrections.correct_arrival, checkin_id, arrived_at=at, reason="改")
        assert text in str(refused.value) and refused.value.field == "arrived_at"
    with pytest.raises(ValidationError, match="请填写"):
        desk.run(corrections.correct_arrival, checkin_id, arrived_at=NOW, reason="  ")
    assert snapshot_of(desk.path) == before


# -- action, rating, release -------------------------------------------------------------


def _acted(desk: Desk, clock: FrozenClock) -> tuple[str, str]:
    case_id, checkin_id = _whistled(desk)
    clock.advance(minutes=10)
    desk.run(checkins.arrive, checkin_id, person="李队长")
    clock.advance(minutes=10)
    desk.run(checkins.act, checkin_id, action="现场劝离", result="已清理")
    return case_id, checkin_id


def test_a_corrected_action_result_is_what_the_case_shows(desk: Desk, clock: FrozenClock) -> None:
    case_id, checkin_id = _acted(desk, clock)
    acted = desk.events("checkin.acted")[0]
    desk.run(corrections.correct_action, checkin_id, result="未清理，次日复查", reason="结果记反")
    (view,) = desk.detail(case_id).checkins
    assert (view.action_taken, view.result) == ("现场劝离", "未清理，次日复查")
    assert desk.events("checkin.acted") == [acted]
    assert _correction(desk)["corrects"] == _pointer(acted)
    _shown_beside(desk, case_id, acted["id"], "已清理 → 未清理，次日复查", "结果记反")
    assert desk.counted() == {DEPT: 1}
    desk.replay_agrees()


def test_a_corrected_rating_changes_the_boards_mean(desk: Desk, clock: FrozenClock) -> None:
    case_id, checkin_id = _acted(desk, clock)
    desk.run(checkins.rate, checkin_id, rating=2, reason="拖沓")
    assert desk.board_of().tally.mean_rating == 2
    rated = desk.events("checkin.rated")[0]
    with pytest.raises(ValidationError):
        desk.run(corrections.correct_rating, checkin_id, rating=6, reason="打错")
    desk.run(corrections.correct_rating, checkin_id, rating=5, reason="评分录错部门")
    assert desk.board_of().tally.mean_rating == 5
    assert desk.checkin(case_id)["rating_reason"] == "评分录错部门"
    assert desk.events("checkin.rated") == [rated]
    _shown_beside(desk, case_id, rated["id"], "2 → 5")
    assert desk.counted() == {DEPT: 1}
    desk.replay_agrees()


def test_a_corrected_release_time_moves_it_off_todays_board(desk: Desk, clock: FrozenClock) -> None:
    case_id, checkin_id = _acted(desk, clock)
    acted_at = clock.now()
    clock.advance(days=1)  # released only the next morning, though the team left that day
    desk.run(checkins.release, checkin_id)
    assert [s.checkin_id for s in desk.board_of().summons] == [checkin_id]
    released = desk.events("checkin.released")[0]
    with pytest.raises(ValidationError, match="撤离时间不能早于处置时间"):
        desk.run(
            corrections.correct_release_time, checkin_id, released_at=acted_at - timedelta(1), reason="改"
        )
    desk.run(
        corrections.correct_release_time,
        checkin_id,
        released_at=acted_at + timedelta(minutes=30),
        reason="当日已撤离，次日才补记",
    )
    assert desk.board_of().summons == ()
    assert desk.events("checkin.released") == [released]
    _shown_beside(desk, case_id, released["id"], "当日已撤离")
    assert desk.counted() == {DEPT: 1}
    desk.replay_agrees()


def test_a_corrected_action_time_stays_between_arrival_and_release(desk: Desk, clock: FrozenClock) -> None:
    case_id, checkin_id = _acted(desk, clock)
    with pytest.raises(ValidationError, match="早于到场"):
        desk.run(corrections.correct_action_time, checkin_id, acted_at=NOW, reason="改")
    desk.run(corrections.correct_action_time, checkin_id, acted_at=NOW + timedelta(minutes=15), reason="改")
    assert desk.detail(case_id).checkins[0].acted_at == NOW + timedelta(minutes=15)
    desk.replay_agrees()


# -- withdrawal ----------------------------------------------------------------------------


def test_a_withdrawal_by_closure_corrected_to_a_no_show_is_counted_absent(
    desk: Desk, clock: FrozenClock
) -> None:
    case_id, checkin_id = _whistled(desk)
    for action in (Action.DISPOSE, Action.FEEDBACK, Action.CLOSE):
        desk.run(cases.transition, case_id, action, result="已处理", reason="现场已处置完毕")
    assert desk.checkin(case_id)["status"] == CheckInStatus.WITHDRAWN
    tally = desk.board_of().tally
    assert (tally.summoned, tally.no_show) == (0, 0)
    # The closure withdraws the summons with an event of its own: that is what is corrected.
    closed = desk.events("checkin.withdrawn")[0]
    with pytest.raises(DomainError, match="不能恢复为待报到"):
        desk.run(corrections.correct_withdrawal, checkin_id, status=CheckInStatus.SUMMONED, reason="改")

    desk.run(
        corrections.correct_withdrawal, checkin_id, status=CheckInStatus.NO_SHOW, reason="并未撤回，实为未到"
    )

    assert desk.checkin(case_id)["status"] == CheckInStatus.NO_SHOW
    tally = desk.board_of().tally
    assert (tally.summoned, tally.no_show) == (1, 1)
    assert _correction(desk)["corrects"] == _pointer(closed)
    _shown_beside(desk, case_id, closed["id"], "撤回召集 → 未报到")
    assert desk.counted() == {DEPT: 1}
    # and back: an absence that was a withdrawal after all
    desk.run(corrections.correct_withdrawal, checkin_id, status=CheckInStatus.WITHDRAWN, reason="确已撤回")
    assert _correction(desk)["corrects"]["event"] == desk.events("case.corrected")[0]["id"]
    assert desk.board_of().tally.summoned == 0
    desk.replay_agrees()


# -- re-inspection -------------------------------------------------------------------------


def test_a_corrected_reinspection_result_changes_the_case_and_the_rework(desk: Desk) -> None:
    case_id = case_in(desk.run, CaseStatus.CLOSED)
    item = one(desk.path, "SELECT id FROM reinspection WHERE case_id = ?", case_id)["id"]
    desk.run(reinspections.record_result, item, result=ReinspectionResult.PASS, inspector="张三")
    assert desk.detail(case_id).status is CaseStatus.VERIFIED
    recorded = desk.events("reinspection.recorded")[0]
    desk.run(
        corrections.correct_reinspection, item, result=ReinspectionResult.UNCHECKABLE, reason="现场未能进入"
    )
    assert desk.detail(case_id).status is CaseStatus.CLOSED
    assert one(desk.path, "SELECT result FROM reinspection WHERE id = ?", item)["result"] == "uncheckable"
    assert desk.events("reinspection.recorded") == [recorded]
    assert _correction(desk)["corrects"] == _pointer(recorded)
    _shown_beside(desk, case_id, recorded["id"], "合格 → 无法核查", "已核验 → 已结案")
    assert desk.counted() == {None: 1}
    desk.replay_agrees()


# -- case fields, who may correct, where it may write ----------------------------------------


def test_a_case_field_correction_points_at_the_intake(desk: Desk) -> None:
    case_id = case_in(desk.run, CaseStatus.TRIAGE)
    received = desk.events("case.received")[0]
    desk.run(corrections.correct_case, case_id, {"address": "东四北大街 14 号"}, reason="门牌号记错")
    assert _correction(desk)["corrects"] == _pointer(received)
    _shown_beside(desk, case_id, received["id"], "地址 东四北大街 12 号 → 东四北大街 14 号")
    desk.run(corrections.correct_case, case_id, {"address": "东四北大街 16 号"}, reason="再核")
    assert _correction(desk)["corrects"]["event"] == desk.events("case.corrected")[0]["id"]
    desk.replay_agrees()


def test_only_a_supervisor_may_correct(
    desk: Desk, db_path: Path, settings: Settings, clock: FrozenClock
) -> None:
    case_id, checkin_id = _acted(desk, clock)
    clerk = SyncService.open(db_path, settings, clock, "小王")
    try:
        before = snapshot_of(db_path)
        attempts: list[tuple[Any, ...]] = [
            (corrections.correct_arrival, checkin_id, {"arrived_at": NOW, "reason": "改"}),
            (corrections.correct_action, checkin_id, {"result": "另一结果", "reason": "改"}),
            (corrections.correct_case, case_id, {"changes": {"address": "别处"}, "reason": "改"}),
        ]
        for command, target, kwargs in attempts:
            with pytest.raises(DomainError) as refused:
                clerk.run(command, target, **kwargs)
            assert refused.value.key == "correct.error.needs_supervisor" and "小王" in str(refused.value)
        assert snapshot_of(db_path) == before
    finally:
        clerk.close()


def test_a_correction_changes_only_rows_of_the_case_it_is_filed_under(desk: Desk, clock: FrozenClock) -> None:
    """An imported correction naming another case's check-in changes nothing there."""
    case_id, _ = _acted(desk, clock)
    other_case, other_checkin = _acted(desk, clock)
    before = desk.checkin(other_case)
    with desk.svc.engine.begin() as conn:
        ctx = Ctx(EventWriter(conn, desk.svc.station_id, "值班员", clock), Rules(Settings()))
        payload = {
            "case_id": case_id,
            "kind": "action",
            "target": other_checkin,
            "department": DEPT,
            "corrects": _pointer(desk.events("checkin.acted")[-1]),
            "changes": {"result": {"from": "已清理", "to": "篡改"}},
            "reason": "越界",
            "personal_fields": [],
        }
        ctx.w.emit("case.corrected", case_id, payload)
    assert desk.checkin(other_case) == before


def test_the_report_counts_corrections_by_department(desk: Desk, clock: FrozenClock) -> None:
    case_id, checkin_id = _acted(desk, clock)
    desk.run(corrections.correct_action, checkin_id, action="劝离并登记", reason="漏记")
    desk.run(corrections.correct_case, case_id, {"address": "东四北大街 14 号"}, reason="门牌号记错")
    assert desk.counted() == {DEPT: 1, None: 1}
    assert desk.card().corrections == 1
    today = day_period(clock.now().astimezone(TZ).date())
    behind = desk.read(behind_figure, today, clock.now(), TZ, DEPT, Figure.CORRECTED)
    assert [s.checkin_id for s in behind] == [checkin_id]
