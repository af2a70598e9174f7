"""Read models for case detail and the check-in board, built on a temp database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from data.read import board as boards
from data.read import cases as repo
from data.service import SyncService
from data.write.commands.cases import transition
from data.write.commands.checkins import act, arrive, extend_clock, pause, rate, release
from models.clock import FrozenClock
from models.deadlines import Light, parse_limit
from models.enums import CaseStatus, CheckInStatus, ClockKind, Grade
from models.errors import NotFound
from models.i18n import set_language
from models.lifecycle import Action
from tests.unit.support import case_in, new_case, whistle


def _read(svc: SyncService, fn: Any, *args: Any) -> Any:
    with svc.engine.connect() as conn:
        return fn(conn, *args)


def test_case_detail_holds_every_field_and_clock(sync_service: SyncService, clock: FrozenClock) -> None:
    run = sync_service.run
    case_id = new_case(run, reporter_name="王女士", reporter_phone="13812345678", priority="high")
    run(transition, case_id, Action.TRIAGE)
    whistle(run, case_id, ["CGZF", "SCJG", "GA"])
    detail: repo.CaseDetail = _read(sync_service, repo.case_detail, case_id)

    assert detail.number.startswith("SJ-2026-")
    assert detail.status is CaseStatus.DISPATCHED
    assert detail.category_name == "占道经营/流动摊贩"
    assert detail.source_name == "巡查发现"
    assert detail.reporter_phone == "13812345678"
    assert [s for s, _ in detail.stages] == [CaseStatus.TRIAGE, CaseStatus.DISPATCHED]
    kinds = [c.kind for c in detail.clocks]
    assert kinds == [ClockKind.HANDLING, ClockKind.CHECKIN, ClockKind.CHECKIN, ClockKind.CHECKIN]
    assert {c.department_code for c in detail.clocks[1:]} == {"CGZF", "SCJG", "GA"}
    (w,) = detail.whistles
    assert w.grade is Grade.URGENT
    assert [c.department for c in w.checkins] == ["城管执法队", "市场监管所", "公安派出所"]
    assert all(c.deadline - clock.now() == timedelta(minutes=30) for c in w.checkins)
    assert detail.summoned_codes == {"CGZF", "SCJG", "GA"}


def test_clock_state_follows_the_frozen_clock(sync_service: SyncService, clock: FrozenClock) -> None:
    run = sync_service.run
    case_id = case_in(run, CaseStatus.TRIAGE)
    whistle(run, case_id, ["CGZF"])
    detail = _read(sync_service, repo.case_detail, case_id)
    checkin_clock = detail.clocks[1]
    cal, tz = sync_service.rules.calendar, sync_service.rules.settings.tz
    assert checkin_clock.state(clock.now(), cal, tz).light is Light.GREEN
    assert checkin_clock.state(clock.now() + timedelta(minutes=25), cal, tz).light is Light.YELLOW
    late = checkin_clock.state(clock.now() + timedelta(minutes=31), cal, tz)
    assert late.light is Light.RED and late.overdue


def test_timeline_renders_every_step_in_order(sync_service: SyncService, clock: FrozenClock) -> None:
    run = sync_service.run
    case_id = case_in(run, CaseStatus.TRIAGE)
    whistle(run, case_id, ["CGZF", "SCJG"])
    detail = _read(sync_service, repo.case_detail, case_id)
    cgzf, scjg = detail.checkins
    clock.advance(minutes=40)
    run(arrive, cgzf.id, person="李队长")
    run(
        arrive,
        scjg.id,
        person="张科员",
        arrived_at=clock.now() - timedelta(minutes=20),
        entry_reason="电话报到，事后登记",
    )
    run(act, cgzf.id, action="现场劝离", result="摊贩已撤")
    run(rate, cgzf.id, rating=4, reason="响应快")
    run(release, cgzf.id)
    handling = detail.clocks[0]
    run(pause, handling.id, reason="等待业主回复")
    run(extend_clock, handling.id, by=parse_limit("2wd"), reason="需补充材料")
    run(transition, case_id, Action.PARK, reason="等待法院裁定")

    detail = _read(sync_service, repo.case_detail, case_id)
    texts = [e.text for e in detail.timeline]
    assert texts[0].startswith("接收案件 SJ-2026-000001：占道经营/流动摊贩，东四社区")
    assert texts[1] == "受理分流：接收 → 待派遣；备注：现场核实"
    assert texts[2].startswith("吹紧急哨，召集 城管执法队（03-10 10:30 前报到）；市场监管所")
    assert texts[3] == "城管执法队 到场（李队长，03-10 10:40），迟到 10 分钟"
    assert texts[4] == (
        "市场监管所 到场（张科员，03-10 10:20），按时报到；"
        "【补录】实际 03-10 10:20，登记于 03-10 10:40，原因：电话报到，事后登记"
    )
    assert texts[5] == "城管执法队 处置：现场劝离；结果：摊贩已撤"
    assert texts[6] == "城管执法队 评价 4 分：响应快"
    assert texts[7] == "城管执法队 撤离"
    assert texts[8] == "处置时限 挂起：等待业主回复"
    assert texts[9].startswith("处置时限 延期 2wd，新时限 ")
    assert texts[10].startswith("挂账：已吹哨 → 挂账；原因：等待法院裁定；复核日期：2026-03-17")
    assert all(e.operator == "值班员" for e in detail.timeline)
    assert detail.checkins[0].late_minutes == 10
    assert detail.clocks[0].extensions == 1 and detail.clocks[0].paused


def test_timeline_in_english(sync_service: SyncService) -> None:
    run = sync_service.run
    case_id = case_in(run, CaseStatus.TRIAGE)
    set_language("en")
    detail = _read(sync_service, repo.case_detail, case_id)
    assert detail.timeline[1].text == "Triage: Received → Triage; note: 现场核实"
    assert detail.category_name == "Street vending"


def test_unknown_case_is_not_found(sync_service: SyncService) -> None:
    with pytest.raises(NotFound):
        _read(sync_service, repo.case_detail, "nope")


def _dept(board: boards.Board, code: str) -> boards.BoardDepartment:
    return next(d for d in board.departments if d.code == code)


def test_board_groups_by_department_with_todays_tallies(
    sync_service: SyncService, clock: FrozenClock
) -> None:
    run = sync_service.run
    tz = sync_service.rules.settings.tz
    first = case_in(run, CaseStatus.TRIAGE, community="东四社区")
    second = case_in(run, CaseStatus.TRIAGE, community="朝阳门社区")
    whistle(run, first, ["CGZF", "SCJG"])
    whistle(run, second, ["CGZF"])
    a, _b = _read(sync_service, repo.case_detail, first).checkins
    (c,) = _read(sync_service, repo.case_detail, second).checkins
    run(arrive, a.id, person="李队长")
    run(act, a.id, action="劝离", result="已撤")
    run(rate, a.id, rating=5, reason="好")
    run(release, a.id)
    clock.advance(minutes=45)
    run(arrive, c.id, person="王队员")

    board: boards.Board = _read(sync_service, boards.board, clock.now(), tz)
    cgzf = _dept(board, "CGZF")
    assert [s.case_number for s in cgzf.summons] == ["SJ-2026-000001", "SJ-2026-000002"]
    assert [s.status for s in cgzf.summons] == [CheckInStatus.RELEASED, CheckInStatus.ARRIVED]
    assert [s.community for s in cgzf.summons] == ["东四社区", "朝阳门社区"]
    assert cgzf.tally == boards.Tally(
        summoned=2, arrived=2, on_time=1, late=1, acted=1, rated=1, rating_sum=5
    )
    assert cgzf.tally.mean_rating == 5.0
    scjg = _dept(board, "SCJG")
    assert scjg.tally.waiting == 1 and scjg.tally.overdue == 1
    assert scjg.summons[0].clock.state(clock.now(), sync_service.rules.calendar, tz).overdue
    assert _dept(board, "XF").summons == () and _dept(board, "XF").tally.summoned == 0


def test_board_today_is_the_station_day(sync_service: SyncService, clock: FrozenClock) -> None:
    run = sync_service.run
    tz = sync_service.rules.settings.tz
    case_id = case_in(run, CaseStatus.TRIAGE)
    whistle(run, case_id, ["CGZF"])
    (checkin,) = _read(sync_service, repo.case_detail, case_id).checkins
    run(arrive, checkin.id, person="李队长")
    run(act, checkin.id, action="劝离", result="已撤")
    run(release, checkin.id)
    # 10:00 Shanghai on 3-10; 23:59 the same day is still today, 00:00 the next is not.
    same_day = clock.now() + timedelta(hours=13, minutes=59)
    next_day = clock.now() + timedelta(hours=14)
    assert _dept(_read(sync_service, boards.board, same_day, tz), "CGZF").tally.summoned == 1
    later: boards.Board = _read(sync_service, boards.board, next_day, tz)
    assert _dept(later, "CGZF").tally.summoned == 0
    assert _dept(later, "CGZF").summons == ()


def test_no_show_counts_when_the_case_ends_after_the_deadline(sync_service: SyncService) -> None:
    run = sync_service.run
    case_id = case_in(run, CaseStatus.TRIAGE)
    whistle(run, case_id, ["GA"])
    sync_service.clock.advance(minutes=40)  # past the urgent whistle's 30 minutes
    run(transition, case_id, Action.DISPOSE)
    run(transition, case_id, Action.FEEDBACK, result="已处理")
    run(transition, case_id, Action.CLOSE, reason="现场已处置")
    board = _read(sync_service, boards.board, sync_service.clock.now(), sync_service.rules.settings.tz)
    assert _dept(board, "GA").tally.no_show == 1 and _dept(board, "GA").tally.withdrawn == 0
    assert _dept(board, "GA").summons == ()


def test_a_summons_withdrawn_within_its_deadline_is_not_a_no_show(sync_service: SyncService) -> None:
    run = sync_service.run
    case_id = case_in(run, CaseStatus.TRIAGE)
    whistle(run, case_id, ["GA"])
    sync_service.clock.advance(minutes=10)  # settled before the police were due
    run(transition, case_id, Action.DISPOSE)
    run(transition, case_id, Action.FEEDBACK, result="已处理")
    run(transition, case_id, Action.CLOSE, reason="现场已处置")
    board = _read(sync_service, boards.board, sync_service.clock.now(), sync_service.rules.settings.tz)
    assert _dept(board, "GA").tally.no_show == 0 and _dept(board, "GA").tally.summoned == 0
    assert _dept(board, "GA").tally.withdrawn == 1


def test_lookups(sync_service: SyncService) -> None:
    run = sync_service.run
    new_case(run, community="东四社区")
    new_case(run, community="东四社区")
    new_case(run, community="朝阳门社区")
    assert _read(sync_service, repo.communities) == ("东四社区", "朝阳门社区")
    depts = _read(sync_service, repo.departments)
    assert depts[0].code == "CGZF" and len(depts) == 13
    cats = {c.code: c for c in repo.categories(sync_service.rules.settings)}
    assert str(cats["street_vending"].limit) == "4wh"
    assert cats["fire_hazard"].departments == ("XF", "GA", "ZJ")
    assert [s.code for s in repo.sources()][:2] == ["patrol", "hotline"]
