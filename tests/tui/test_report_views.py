"""View 5 by community and by category, and the period's report exported from the console."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, ProgressBar, Select, Static
from textual.worker import WorkerCancelled

from data.read.areas import CaseLine
from data.read.reinspections import category_name
from models.i18n import set_language
from screens.case_detail import CaseDetailScreen
from screens.figure import FigureScreen
from screens.report_columns import GroupBy, columns_of
from screens.report_export import ReportExportDialog
from screens.reports import ReportsScreen
from tests.tui.desk_support import SIZE, app_for, settle, station
from tests.tui.dispatch_support import Notices
from tui.app import build_app
from tui.config import AppConfig


async def until(app: Any, pilot: Any, condition: Callable[[], bool]) -> None:
    """Let workers and messages run until ``condition`` holds (bounded, no sleeping); a read
    cancelled by a newer one (a key pressed while it ran) is what the view means to happen."""
    for _ in range(200):
        if condition():
            return
        with suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
    raise AssertionError(f"never happened: {condition}")


def column(by: GroupBy, key: str) -> int:
    """Where the column is in the whole table: at 120 columns the first page shows it there."""
    return next(i for i, c in enumerate(columns_of(by)) if c.key == key)


async def reports(app: Any, pilot: Any) -> ReportsScreen:
    await settle(app, pilot)
    await pilot.press("5")
    await until(app, pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.data is not None)
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


async def test_g_shows_communities_then_categories_and_a_figure_opens_its_check_ins(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reports(app, pilot)
        await pilot.press("g")
        await until(app, pilot, lambda: screen.data is not None and screen.data.areas is not None)
        table = screen.query_one("#reports-scores", DataTable)
        assert "按社区 2026-03" in str(screen.query_one("#reports-scores-title", Static).render())
        assert "当前：社区" in str(screen.query_one("#reports-by", Static).render())
        # 东四社区: the overdue case's XF and GA never came; 史家社区's two are still awaited
        assert str(table.get_cell("东四社区", "absent")) == "2"
        assert str(table.get_cell("史家社区", "absent")) == "0"
        assert str(table.get_cell("史家社区", "summoned")) == "2"
        table.move_cursor(row=table.get_row_index("东四社区"), column=column(GroupBy.COMMUNITY, "absent"))
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, FigureScreen))
        rows = app.screen.query_one(DataTable)
        assert rows.row_count == 2
        departments = {str(rows.get_row_at(i)[1]) for i in range(2)}
        assert departments == {"消防救援站", "公安派出所"}
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        assert app.screen.case_id == st.ids["overdue"]
        await pilot.press("escape")
        await until(app, pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("g")
        await until(app, pilot, lambda: screen.data is not None and screen.data.areas is not None
                    and screen.data.areas.area.value == "category")  # fmt: skip
        assert str(table.get_cell("fire_hazard", "name")) == category_name("fire_hazard") != "fire_hazard"
        assert str(table.get_cell("fire_hazard", "absent")) == "2"
        table.move_cursor(row=table.get_row_index("fire_hazard"), column=column(GroupBy.CATEGORY, "received"))
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, FigureScreen))
        cases = app.screen.query_one(DataTable)
        assert cases.row_count == 1 and str(cases.get_row_at(0)[3]) == "东四社区"
        await pilot.press("escape", "g")
        await until(app, pilot, lambda: screen.data is not None and screen.data.areas is None)
        assert "XF" in table.rows and str(table.get_cell("XF", "absent")) == "1"


async def export(app: Any, pilot: Any, screen: ReportsScreen, target: Path, fmt: str) -> None:
    await pilot.press("e")
    await until(app, pilot, lambda: isinstance(app.screen, ReportExportDialog))
    dialog = app.screen
    dialog.query_one("#f-kind", Select).value = "monthly"
    dialog.query_one("#f-format", Select).value = fmt
    dialog.query_one("#f-path", Input).value = str(target)
    await pilot.press("ctrl+s")
    await until(app, pilot, lambda: isinstance(app.screen, ReportsScreen) and not screen.exporting)


async def test_e_writes_the_period_report_in_the_background_and_says_where(tmp_path: Path) -> None:
    app = app_for(station(tmp_path))
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        screen = await reports(app, pilot)
        bar = screen.query_one("#reports-export-bar", ProgressBar)
        assert not bar.display  # no export, no bar
        target = tmp_path / "out" / "月报"
        await export(app, pilot, screen, target, "md")
        written = target.with_suffix(".md")
        text = written.read_text(encoding="utf-8")
        assert "# 月报 2026-03" in text and "## 按社区 2026-03" in text and "## 按类别 2026-03" in text
        assert any(f"报表已写入 {written}" == line for line in told.seen), told.seen
        assert bar.progress == bar.total == 7 and not bar.display  # six reads and the write


async def test_a_full_disk_is_one_line_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    app = app_for(station(tmp_path))
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        screen = await reports(app, pilot)
        monkeypatch.setattr(os, "fsync", full)
        target = tmp_path / "report.xlsx"
        await export(app, pilot, screen, target, "xlsx")
        monkeypatch.undo()
        assert not target.exists() and list(tmp_path.glob("*.tmp")) == []
        failures = [line for line in told.seen if "磁盘已满" in line]
        assert len(failures) == 1 and "\n" not in failures[0]
        assert isinstance(app.screen, ReportsScreen)  # the desk carries on


async def test_the_view_in_english(tmp_path: Path) -> None:
    st = station(tmp_path)
    st.staff("Zhang")
    app = build_app(AppConfig(st.path, st.settings, st.clock, "Zhang", "en"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await reports(app, pilot)
            await pilot.press("g")
            await until(app, pilot, lambda: screen.data is not None and screen.data.areas is not None)
            assert "By community 2026-03" in str(screen.query_one("#reports-scores-title", Static).render())
            table = screen.query_one("#reports-scores", DataTable)
            labels = [str(c.label) for c in table.columns.values()]
            assert labels[:3] == ["Community", "Received", "Whistled"]
            for _ in range(screen.pages - 1):  # the columns that did not fit come up with >
                await pilot.press("greater_than_sign")
                await pilot.pause()
                labels += [str(c.label) for c in table.columns.values()]
            assert "Longest wait" in labels
    finally:
        set_language("zh")


async def test_a_long_list_behind_a_figure_comes_a_page_at_a_time_until_all_are_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of one row: the list opens with the first and reads on while the rows do not fill
    the table, until it holds every case the figure counts; Enter opens one from a later page."""
    monkeypatch.setattr("data.read.behind.PAGE", 1)
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reports(app, pilot)
        await pilot.press("g")
        await until(app, pilot, lambda: screen.data is not None and screen.data.areas is not None)
        table = screen.query_one("#reports-scores", DataTable)
        received = column(GroupBy.COMMUNITY, "received")
        counts = {str(k.value): int(str(table.get_cell(k, "received"))) for k in table.rows}
        busiest = max(counts, key=lambda k: counts[k])
        assert counts[busiest] >= 2
        table.move_cursor(row=table.get_row_index(busiest), column=received)
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, FigureScreen) and app.screen.more is None)
        figure = app.screen
        assert isinstance(figure, FigureScreen)
        rows = figure.query_one(DataTable)
        assert rows.row_count == counts[busiest]
        assert {str(rows.get_row_at(i)[3]) for i in range(rows.row_count)} == {busiest}
        assert f"共 {counts[busiest]} 条" in str(figure.query_one("#figure-hint", Static).render())
        last = figure.rows[-1].case_id
        rows.move_cursor(row=rows.row_count - 1)
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        assert app.screen.case_id == last


async def test_a_resize_between_g_and_its_figures_waits_for_them(tmp_path: Path) -> None:
    """``g`` changes the grouping and reads its figures; a resize of the table before they came
    filled the figures held (the departments') into the new grouping's columns and failed
    (KeyError: 'name'), a traceback on the desk. Now the figures held wait for theirs."""
    from screens.reports import ScoreTable

    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reports(app, pilot)
        assert screen.by is GroupBy.DEPARTMENT
        screen.by = GroupBy.COMMUNITY  # what ``g`` does first; its read is still to come
        screen.query_one("#reports-scores", ScoreTable).post_message(ScoreTable.Resized())
        await pilot.pause()
        assert screen.shown_by is GroupBy.DEPARTMENT  # the table as it was, no traceback
        screen.refresh_data()  # the read ``g`` starts
        await until(app, pilot, lambda: screen.shown_by is GroupBy.COMMUNITY)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_page_of_many_rows_leaves_the_hint_on_the_screen(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """A page of 200 rows (a million-case station's list) pushed the hint below the screen:
    the operator could not see how many were listed, nor that more would come."""
    app = app_for(station(tmp_path))
    async with app.run_test(size=size) as pilot:
        await reports(app, pilot)
        at = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
        rows = [CaseLine(f"c{n}", f"SJ-2026-{n:06d}", at, "noise", "东四社区", "triage") for n in range(200)]

        async def more() -> tuple[list[CaseLine], bool]:
            return [], False

        app.push_screen(FigureScreen("东四社区 · 接收 · 2026-03", rows, UTC, cases=True, more=more))
        await until(app, pilot, lambda: isinstance(app.screen, FigureScreen))
        await pilot.pause()
        hint = app.screen.query_one("#figure-hint", Static)
        assert "已列出 200 条" in str(hint.render())
        assert hint.region.area and app.screen.region.contains_region(hint.region), hint.region
