"""View 2, the check-in board: by department, live clocks, today's tallies, check-ins by key."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from textual.widgets import Label, ListView

from models.enums import CheckInStatus, Grade
from screens.board import BoardScreen, DeptItem, SummonsItem
from screens.case_detail import CaseDetailScreen
from screens.dialogs.checkin import ArriveDialog
from tests.tui.desk_support import NOW, SIZE, app_for, settle, station
from tests.tui.dispatch_support import Notices, until


def _board(app: object) -> BoardScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, BoardScreen), screen
    return screen


def _dept_line(board: BoardScreen, code: str) -> str:
    item = next(i for i in board.query(DeptItem) if i.dept.code == code)
    return str(item.query_one(Label).render())


def _items_of(board: BoardScreen, code: str) -> list[SummonsItem]:
    return [i for i in board.query(SummonsItem) if i.summons.clock.department_code == code]


async def test_board_shows_departments_clocks_and_tallies(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and _board(app).board is not None)
        board = _board(app)
        assert [d.dept.code for d in board.query(DeptItem)][:3] == ["CGZF", "GA", "XF"]
        assert re.match(r"消防救援站 +来 0/1 迟 0 缺 0 超 1", _dept_line(board, "XF"))
        assert re.match(r"城管执法队 +来 0/1 迟 0 缺 0 超 0", _dept_line(board, "CGZF"))
        (xf,) = _items_of(board, "XF")
        text = str(xf.query_one(Label).render())
        assert "SJ-2026-000004" in text and "紧急哨" in text and "超时 +10:00" in text
        assert xf.has_class("-overdue")
        (cgzf,) = _items_of(board, "CGZF")
        assert "剩余 20:00" in str(cgzf.query_one(Label).render()) and cgzf.has_class("-ok")
        summary = str(board.query_one("#board-summary").render())
        assert summary == "今日 2026-03-10：召集 5 次，到场 0 次"

        # arrive from the board: walk the cursor to the fire station's summons
        listing = board.query_one("#board-list", ListView)
        for _ in range(30):
            item = listing.highlighted_child
            if isinstance(item, SummonsItem) and item.summons.clock.department_code == "XF":
                break
            await pilot.press("j")
        await pilot.press("a")
        await until(app, pilot, lambda: isinstance(app.screen, ArriveDialog), "arrive dialog")
        assert "将记为迟到 10 分钟" in str(app.screen.query_one("#arrive-late").render())
        await pilot.press(*"赵站长", "enter")
        await until(
            app, pilot, lambda: _items_of(_board(app), "XF")[0].summons.status is CheckInStatus.ARRIVED
        )
        board = _board(app)
        assert re.match(r"消防救援站 +来 1/1 迟 1 缺 0 超 0", _dept_line(board, "XF"))
        assert "赵站长 迟到 10 分钟" in str(_items_of(board, "XF")[0].query_one(Label).render())
        assert "消防救援站 到场，迟到 10 分钟。" in told.seen

        # the release key is offered and refused with the rule's words
        await pilot.press("l")
        await until(app, pilot, lambda: any("事不完、人不撤" in n for n in told.seen))

        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen), "case detail")


async def test_board_ticks_without_reading(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and _board(app).board is not None)
        st.clock.advance(minutes=21)
        app.tick()
        await pilot.pause()
        (cgzf,) = _items_of(_board(app), "CGZF")
        assert "超时 +01:00" in str(cgzf.query_one(Label).render())
        assert cgzf.has_class("-overdue")


async def test_board_lines_show_a_long_community_whole(tmp_path: Path) -> None:
    """Issue 15, finding 5: the board cut community names (东四八条…) at a fixed 12 cells."""
    st = station(tmp_path)
    st.case(
        "long", at=NOW - timedelta(minutes=5), description="胡同口堆放渣土无人清运", community="东四八条社区"
    )
    st.whistle("long", at=NOW - timedelta(minutes=5), grade=Grade.URGENT, departments=["HW"])
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and _board(app).board is not None)
        board = _board(app)
        await until(app, pilot, lambda: bool(_items_of(board, "HW")))
        app.tick()
        await pilot.pause()
        line = str(_items_of(board, "HW")[0].query_one(Label).render())
        assert "东四八条社区 紧急哨 待报到 剩余 25:00" in line
        others = [str(i.query_one(Label).render()) for i in board.query(SummonsItem)]
        assert all("…" not in text for text in others)


async def test_a_long_lateness_reads_in_days_and_hours(tmp_path: Path) -> None:
    """The arrive dialog said 将记为迟到 2564 分钟: a lateness past an hour reads in hours,
    past a day in days and hours, on the dialog, the board and the notice."""
    st = station(tmp_path)
    st.clock.advance(timedelta(days=1, hours=18, minutes=34))  # XF's deadline passed 10 min before NOW
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and _board(app).board is not None)
        listing = _board(app).query_one("#board-list", ListView)
        for _ in range(30):
            item = listing.highlighted_child
            if isinstance(item, SummonsItem) and item.summons.clock.department_code == "XF":
                break
            await pilot.press("j")
        await pilot.press("a")
        await until(app, pilot, lambda: isinstance(app.screen, ArriveDialog), "arrive dialog")
        assert "将记为迟到 1 天 18 小时。" in str(app.screen.query_one("#arrive-late").render())
        await pilot.press(*"赵站长", "enter")
        await until(app, pilot, lambda: "消防救援站 到场，迟到 1 天 18 小时。" in told.seen, "the notice")
        assert "赵站长 迟到 1 天 18 小时" in str(_items_of(_board(app), "XF")[0].query_one(Label).render())
