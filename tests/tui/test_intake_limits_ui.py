"""The console's intake form refuses control characters and over-long text at the field."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from models.clock import FrozenClock
from models.limits import DESCRIPTION_MAX
from screens.dialogs.intake import IntakeDialog
from tests.tui.desk_support import NOW, SIZE, Station, app_for, settle
from tests.tui.dispatch_support import until


def _cases(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM case_file").fetchone()[0])


def _error(screen: Any, name: str) -> str:
    widget = screen.query_one(f"#e-{name}", Static)
    return str(widget.render()) if widget.has_class("-shown") else ""


async def test_intake_form_refuses_a_nul_and_an_over_long_description(tmp_path: Path) -> None:
    st = Station(tmp_path / "desk.db", FrozenClock(NOW))
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await until(app, pilot, lambda: isinstance(app.screen, IntakeDialog), "intake form")
        dialog = app.screen
        await pilot.press("enter", "down", "enter", "tab", "enter", "down", "enter")
        await pilot.press("tab", *"东四社区", "enter", *"东四北大街1号", "enter")
        description = dialog.query_one("#f-description", Input)
        description.value = "夜间\x00施工"  # pasted from elsewhere
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: _error(dialog, "description") != "", "refusal at the field")
        assert _error(dialog, "description") == "问题描述含有控制字符 U+0000（第 3 个字符），请删除后再试。"
        assert app.screen is dialog and _cases(st.path) == 0
        description.value = "噪" * (DESCRIPTION_MAX + 1)
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: "过长" in _error(dialog, "description"), "too long at the field")
        too_long = f"问题描述过长：{DESCRIPTION_MAX + 1} 字，最多 {DESCRIPTION_MAX} 字。"
        assert _error(dialog, "description") == too_long
        assert _cases(st.path) == 0
        description.value = "夜间施工噪音扰民"
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: _cases(st.path) == 1, "case written")
