"""Issue 15: the layout of every main view at 80×24 and 120×40, in Chinese and in English,
with the clock frozen: columns share the width, a cut shows …, no English in Chinese mode and
no Chinese interface text in English mode (names and addresses are data). The Chinese queue,
case detail, board, agenda and 回头看 have their snapshots in the other files here.
Review the SVGs before updating them (--snapshot-update)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from data.write.commands import meetings as mt
from data.write.commands.checkins import act, arrive
from data.write.commands.reinspections import draw_random, record_result
from models.enums import MeetingKind, ReinspectionResult
from models.i18n import set_language
from screens.board import BoardScreen
from screens.handover import HandoverScreen
from screens.meetings import MeetingsScreen
from screens.reinspections import ReinspectionsScreen
from tests.tui.desk_support import app_for, settle, station
from tests.tui.dispatch_support import until
from tests.tui.meetings_support import app_as, closed_station, meeting_station, wait

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
Run = Callable[[Any], Awaitable[None]]


def _compare(snap_compare: Any, app: Any, lang: str, size: tuple[int, int], run_before: Run) -> None:
    set_language(lang)  # after the app is built: it takes its configured language then
    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        set_language("zh")


async def _still(pilot: Any) -> None:
    pilot.app.clear_notifications()
    pilot.app.tick()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_case_detail_in_english(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    st = station(tmp_path)
    app = app_for(st)

    async def open_case(pilot: Any) -> None:
        await settle(app, pilot)
        app.screen.open_case(st.ids["overdue"])  # type: ignore[attr-defined]
        await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "detail")
        await _still(pilot)

    _compare(snap_compare, app, "en", size, open_case)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_board_in_english(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    st = station(tmp_path)
    with sqlite3.connect(st.path) as conn:
        (checkin_id,) = conn.execute(
            "SELECT id FROM checkin WHERE case_id = ? AND department_code = 'CGZF'", (st.ids["soon"],)
        ).fetchone()
    st.run(arrive, checkin_id, person="李队长")
    st.run(act, checkin_id, action="现场劝离", result="摊贩已撤离")
    app = app_for(st)

    async def open_board(pilot: Any) -> None:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.board is not None)
        await _still(pilot)

    _compare(snap_compare, app, "en", size, open_board)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_running_agenda_in_english(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    st = meeting_station(tmp_path)
    meeting = st.run(
        mt.create_with_agenda,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now(),
        facilitator="赵主任",
        invited=["CGZF", "GA", "SCJG"],
        title="3月10日周例会",
    )
    st.run(mt.start, meeting)
    with sqlite3.connect(st.path) as conn:
        (first,) = conn.execute(
            "SELECT id FROM agenda_item WHERE meeting_id = ? ORDER BY position LIMIT 1", (meeting,)
        ).fetchone()
    st.run(mt.decide, first, decision="城管牵头会同规划部门一周内认定，限期自行拆除违建加层", tracked=False)
    app = app_as(st, "赵主任")

    async def open_agenda(pilot: Any) -> None:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        assert isinstance(app.screen, MeetingsScreen) and app.screen.view is not None
        await _still(pilot)

    _compare(snap_compare, app, "en", size, open_agenda)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_reinspection_schedule_in_english(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    st = closed_station(tmp_path, count=4, days_ago=8)
    with sqlite3.connect(st.path) as conn:
        (first,) = conn.execute(
            "SELECT id FROM reinspection WHERE case_id = ?", (st.ids["closed0"],)
        ).fetchone()
    st.run(record_result, first, result=ReinspectionResult.RELAPSE, inspector="李核查", notes="摊位复现")
    st.run(draw_random, seed=2026, rate=0.2)
    app = app_as(st, "值班员")

    async def open_schedule(pilot: Any) -> None:
        await wait(app, pilot)
        await pilot.press("4")
        await wait(app, pilot)
        assert isinstance(app.screen, ReinspectionsScreen) and app.screen.rows
        await _still(pilot)

    _compare(snap_compare, app, "en", size, open_schedule)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_assessment(snap_compare: Any, tmp_path: Path, size: tuple[int, int], lang: str) -> None:
    app = app_for(station(tmp_path))

    async def reports(pilot: Any) -> None:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        await _still(pilot)

    _compare(snap_compare, app, lang, size, reports)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_handover(snap_compare: Any, tmp_path: Path, size: tuple[int, int], lang: str) -> None:
    st = station(tmp_path)
    st.clock.advance(timedelta(minutes=1))
    app = app_for(st)

    async def handover(pilot: Any) -> None:
        await settle(app, pilot)
        await pilot.press("6")
        await until(app, pilot, lambda: isinstance(app.screen, HandoverScreen), "the handover view")
        await settle(app, pilot)
        await _still(pilot)

    _compare(snap_compare, app, lang, size, handover)
