"""升级 on the desk: with the clock frozen and moved, the poller writes the ladder's steps; the
board and the case show them, the supervisor is told, and W re-whistles an absent summons."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, select
from textual.widgets import Label, ListView, Static

from data.store.tables import CHECKIN, WHISTLE
from models.i18n import set_language
from screens.board import BoardScreen, DeptItem, SummonsItem
from screens.case_detail import CaseDetailScreen
from screens.dialogs.whistle import WhistleDialog
from screens.help import HelpScreen
from tests.tui.desk_support import SIZE, SUPERVISOR, Station, settle, station
from tests.tui.dispatch_support import Notices, checkin_texts, detail_screen, selected_department, until
from tui.app import WhistleApp, build_app
from tui.config import AppConfig


def _app(st: Station, operator: str = SUPERVISOR) -> WhistleApp:
    st.staff("张三")
    return build_app(AppConfig(st.path, st.settings, st.clock, operator, "zh"))


def _board(app: WhistleApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen), screen
    return screen


def _line(app: WhistleApp, code: str) -> str:
    item = next(i for i in _board(app).query(SummonsItem) if i.summons.clock.department_code == code)
    return str(item.query_one(Label).render())


def _dept(app: WhistleApp, code: str) -> str:
    item = next(i for i in _board(app).query(DeptItem) if i.dept.code == code)
    return str(item.query_one(Label).render())


async def test_the_board_and_the_case_show_the_ladder_and_w_whistles_again(tmp_path: Path) -> None:
    st = station(tmp_path)  # fire station and police: urgent, deadline passed 10 minutes ago
    app = _app(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and _board(app).board is not None)
        assert "超时 +10:00" in _line(app, "XF") and "二次报警" not in _line(app, "XF")

        # +15 minutes past the deadline: the second alarm, on the board and to the supervisor
        st.clock.advance(minutes=5)
        await app.poll_once()  # what the poller does each second
        await until(app, pilot, lambda: "二次报警" in _line(app, "XF"), "the second alarm on the board")
        assert any("超时仍未报到" in n for n in told.seen)
        assert any("请督办" in n for n in told.seen)

        # +60 minutes: marked 缺席, counted absent in the department's tally
        st.clock.advance(minutes=45)
        await app.poll_once()  # what the poller does each second
        await until(app, pilot, lambda: "缺席" in _line(app, "XF"), "缺席 on the board")
        assert "03-10 10:50" in _line(app, "XF")  # when it was marked: the 09:50 deadline + 60 min
        assert re.match(r"消防救援站\s+来 0/1 迟 0 缺 1 超 0", _dept(app, "XF"))
        assert any("已标记缺席" in n for n in told.seen)

        # ? explains the marks
        await pilot.press("question_mark")
        await until(app, pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        legend = str(app.screen.query_one("#help-legend", Static).render())
        assert "二次报警" in legend and "缺席后到" in legend
        await pilot.press("escape")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen))

        # the case: the absent summons, its steps on the timeline, and W to whistle again
        listing = _board(app).query_one("#board-list", ListView)
        for _ in range(40):
            item = listing.highlighted_child
            if isinstance(item, SummonsItem) and item.summons.clock.department_code == "XF":
                break
            await pilot.press("j")
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen), "case detail")
        await until(app, pilot, lambda: detail_screen(app).detail is not None and bool(checkin_texts(app)))
        for _ in range(5):
            if selected_department(app) == "XF":
                break
            await pilot.press("j")
        (xf,) = [text for text in checkin_texts(app) if text.startswith("消防救援站")]
        assert "缺席" in xf and "按 W 再吹哨" in xf
        timeline = str(detail_screen(app).query_one("#case-timeline", Static).render())
        assert "消防救援站 超时 15 分钟 仍未报到：二次报警" in timeline
        assert "消防救援站 超时 1 小时 未报到：标记缺席" in timeline

        await pilot.press("W")
        await until(app, pilot, lambda: isinstance(app.screen, WhistleDialog), "the re-whistle dialog")
        assert "再吹哨：接续 消防救援站 缺席" in str(app.screen.query_one(".dialog-title", Static).render())
        await pilot.press("ctrl+s")
        await until(
            app,
            pilot,
            lambda: isinstance(app.screen, CaseDetailScreen)
            and any("再吹哨，接续 消防救援站 缺席" in x for x in checkin_texts(app)),
            "the new summons, linked",
        )
    engine = create_engine(f"sqlite:///{st.path}")
    with engine.connect() as conn:
        absent = conn.execute(select(CHECKIN.c.id).where(CHECKIN.c.absent_at.is_not(None))).scalar()
        linked = select(WHISTLE.c.follows).where(WHISTLE.c.follows.is_not(None))
        follows = conn.execute(linked).scalars().all()
        fresh = conn.execute(
            select(CHECKIN.c.department_code, CHECKIN.c.status, CHECKIN.c.deadline)
            .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
            .where(WHISTLE.c.follows == absent)
        ).one()
    engine.dispose()
    assert follows == [absent]
    assert (fresh.department_code, fresh.status) == ("XF", "summoned")
    assert fresh.deadline == st.clock.now() + timedelta(minutes=30)


async def test_w_on_a_summons_not_marked_absent_says_why(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = _app(st, "张三")
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and _board(app).board is not None)
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen), "case detail")
        await until(app, pilot, lambda: detail_screen(app).detail is not None and bool(checkin_texts(app)))
        await pilot.press("W")
        await until(app, pilot, lambda: any("再吹哨用于已标记缺席的报到" in n for n in told.seen))
        assert not isinstance(app.screen, WhistleDialog)
        assert not any("请督办" in n for n in told.seen)  # an operator is not the supervisor


async def test_in_english_the_notices_list_with_commas(tmp_path: Path) -> None:
    """The second alarm's notices joined the summons with 、 in English too (SJ-… Police
    station、SJ-… Fire and rescue)."""
    st = station(tmp_path)
    st.staff("张三")
    app = build_app(AppConfig(st.path, st.settings, st.clock, SUPERVISOR, "en"))
    told = Notices()
    try:
        async with app.run_test(size=SIZE, message_hook=told) as pilot:
            await settle(app, pilot)
            st.clock.advance(minutes=5)
            await app.poll_once()
            listed = ("Police station, ", "Fire and rescue, ")
            await until(app, pilot, lambda: any(name in n for n in told.seen for name in listed))
            assert not any("、" in n for n in told.seen), told.seen
    finally:
        set_language("zh")
