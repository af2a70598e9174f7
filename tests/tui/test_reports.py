"""View 5: the period's scorecards and rates, and the records behind every figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from screens.case_detail import CaseDetailScreen
from screens.reports import COLUMNS, FigureScreen, ReportsScreen
from tests.tui.desk_support import SIZE, app_for, settle, station
from tests.tui.dispatch_support import Notices, until


async def column(app: Any, pilot: Any, key: str) -> int:
    """The column ``key`` on screen (``>`` brings up the next page of columns until it is)."""
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    for _ in COLUMNS:
        shown = [c.key for c in screen.shown_columns]
        if key in shown:
            return shown.index(key)
        await pilot.press("greater_than_sign")
        await pilot.pause()
    raise AssertionError(f"column {key} never shown")


async def test_a_figure_opens_its_check_ins_and_then_the_case(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await until(app, pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.data is not None)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        table = screen.query_one("#reports-scores", DataTable)
        # 消防 (XF) was summoned 40 minutes ago on a 30-minute whistle and never came
        assert "XF" in table.rows
        assert str(table.get_cell("XF", "absent")) == "1"
        assert str(table.get_cell("XF", "on_time_rate")) == "0.0% 0/1"
        assert "2026-03" in str(screen.query_one("#reports-period", Static).render())
        table.focus()
        table.move_cursor(row=table.get_row_index("XF"), column=await column(app, pilot, "absent"))
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, FigureScreen))
        rows = app.screen.query_one(DataTable)
        number = str(rows.get_row_at(0)[0])
        assert rows.row_count == 1 and number.startswith("SJ-")
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        assert app.screen.case_id == st.ids["overdue"]


async def test_periods_step_back_and_forth_and_change_kind(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await until(app, pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.data is not None)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await pilot.press("left_square_bracket")
        await until(app, pilot, lambda: screen.data is not None and screen.data.cards.period.key == "2026-02")
        assert screen.query_one("#reports-scores", DataTable).row_count == 0
        await pilot.press("right_square_bracket", "p")
        await until(app, pilot, lambda: screen.data is not None and screen.data.cards.period.key == "2026-Q1")
        assert screen.query_one("#reports-scores", DataTable).row_count > 0


async def test_a_column_that_is_not_a_count_says_so(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await until(app, pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.data is not None)
        table = app.screen.query_one("#reports-scores", DataTable)
        table.focus()
        table.move_cursor(row=0, column=await column(app, pilot, "score"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)
        assert any("不是计数" in text for text in told.seen)
