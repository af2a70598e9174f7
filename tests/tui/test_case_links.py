"""A relapse names its earlier case by number with a key to go there, the earlier case links
forward, and the relapse's timeline says what it is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Static

from data.write.commands.reinspections import record_result
from models.enums import ReinspectionResult
from models.i18n import set_language
from screens.case_detail import CaseDetailScreen
from tests.tui.desk_support import settle, station
from tests.tui.dispatch_support import until
from tests.tui.meetings_support import app_as, closed_station, wait
from tui.app import build_app
from tui.config import AppConfig


def _one(path: Path, sql: str, *args: str) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute(sql, args).fetchone()[0])


async def test_a_relapse_links_both_ways_by_number(tmp_path: Path) -> None:
    st = closed_station(tmp_path, count=1)
    earlier = st.ids["closed0"]
    item = _one(st.path, "SELECT id FROM reinspection WHERE case_id = ?", earlier)
    relapse = st.run(record_result, item, result=ReinspectionResult.RELAPSE, inspector="李核查")
    earlier_number = _one(st.path, "SELECT number FROM case_file WHERE id = ?", earlier)
    relapse_number = _one(st.path, "SELECT number FROM case_file WHERE id = ?", relapse)
    app = app_as(st, "张三")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait(app, pilot)
        app.screen.open_case(relapse)  # type: ignore[attr-defined]
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen)
        fields = str(screen.query_one("#case-fields", Static).render())
        assert f"反弹自    {earlier_number}（g 打开）" in fields
        assert earlier not in fields  # no uuid
        timeline = str(screen.query_one("#case-timeline", Static).render())
        assert f"回头看发现反弹，由案件 {earlier_number} 重开" in timeline

        await pilot.press("g")
        await wait(app, pilot)
        back = app.screen
        assert isinstance(back, CaseDetailScreen) and back.case_id == earlier
        fields = str(back.query_one("#case-fields", Static).render())
        assert f"重开为    {relapse_number}（g 打开）" in fields
        await pilot.press("g")
        await wait(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == relapse


async def test_in_english_the_result_and_feedback_read_without_chinese_brackets(tmp_path: Path) -> None:
    """The case's result line put the feedback in （full-width brackets） in English too."""
    st = station(tmp_path)  # its closed case: result 已处理, feedback 已反馈
    st.staff("张三")
    app = build_app(AppConfig(st.path, st.settings, st.clock, "张三", "en"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            app.screen.open_case(st.ids["closed"])  # type: ignore[attr-defined]
            opened = lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail is not None  # noqa: E731
            await until(app, pilot, opened, "the case")
            await wait(app, pilot)
            fields = str(app.screen.query_one("#case-fields", Static).render())
            result = next(line for line in fields.splitlines() if line.startswith("Result"))
            assert result.endswith("已处理 (已反馈)"), result
    finally:
        set_language("zh")
