"""A key that does nothing now says why in one line (the state and what is needed), and
ctrl+p opens the command palette as the footer and README say."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from screens.case_detail import CaseDetailScreen
from screens.reinspections import ReinspectionsScreen
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import SIZE, app_for, settle, station
from tests.tui.dispatch_support import Notices
from tests.tui.meetings_support import app_as, closed_station, wait


async def _open(app, pilot, case_id: str) -> CaseDetailScreen:  # type: ignore[no-untyped-def]
    app.screen.open_case(case_id)
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, CaseDetailScreen) and screen.detail is not None
    return screen


async def test_lifecycle_and_check_in_keys_a_triage_case_refuses_say_why(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        screen = await _open(app, pilot, st.ids["waiting"])  # 待派遣, nothing summoned
        number = screen.detail.number  # type: ignore[union-attr]
        for key in ("c", "b", "p", "a"):
            told.seen.clear()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
            assert len(told.seen) == 1, (key, told.seen)
        await pilot.press("c")
        await pilot.pause()
        assert told.seen[-1] == f"案件 {number} 现为「待派遣」，「结案」要在「已反馈」时才能做。"
        await pilot.press("a")
        await pilot.pause()
        assert told.seen[-1] == "本案还没有吹哨，没有部门报到：「到场」要先吹哨（w）。"


async def test_a_check_in_key_its_state_refuses_names_the_state(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        screen = await _open(app, pilot, st.ids["soon"])  # 城管 and 市场 summoned, not there yet
        await pilot.press("s")  # rate: only after the action
        await pilot.pause()
        assert app.screen is screen
        assert told.seen[-1].endswith("现为「待报到」，「评分」要在「已处置或已撤离」时才能做。"), told.seen


async def test_in_english_too(tmp_path: Path) -> None:
    from models.i18n import set_language

    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    try:
        set_language("en")
        async with app.run_test(size=SIZE, message_hook=told) as pilot:
            await settle(app, pilot)
            await _open(app, pilot, st.ids["waiting"])
            await pilot.press("c")
            await pilot.pause()
            assert "Close is not possible" in told.seen[-1] and "it must be Feedback" in told.seen[-1]
    finally:
        set_language("zh")


async def test_the_queue_says_why_clear_does_nothing(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen.query_one(QueueView), QueueView)
        await pilot.press("x")
        await pilot.pause()
        assert told.seen[-1] == "当前没有筛选，无需清除。"


async def test_draw_by_a_non_supervisor_says_why(tmp_path: Path) -> None:
    st = closed_station(tmp_path, count=2, days_ago=2)
    app = app_as(st, "张三")
    told = Notices()
    async with app.run_test(size=(120, 40), message_hook=told) as pilot:
        await wait(app, pilot)
        await pilot.press("4")
        await wait(app, pilot)
        assert isinstance(app.screen, ReinspectionsScreen)
        await pilot.press("D")
        await wait(app, pilot)
        assert told.seen[-1] == "「不定期抽查」只有中心主任可以做，当前操作员不是。"


async def test_ctrl_p_opens_the_palette(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
