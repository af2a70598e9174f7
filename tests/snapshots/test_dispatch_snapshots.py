"""SVG snapshots of the case detail and the check-in board, with Chinese data at a frozen
clock, at 80×24 and 120×40. Review the SVGs before updating them (--snapshot-update)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from data.write.commands.checkins import act, arrive
from screens.board import BoardScreen
from tests.tui.desk_support import app_for, settle, station
from tests.tui.dispatch_support import until

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_case_detail(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    st = station(tmp_path)
    case_id = st.ids["overdue"]
    app = app_for(st)

    async def open_case(pilot: Any) -> None:
        await settle(app, pilot)
        app.clear_notifications()
        app.screen.open_case(case_id)  # type: ignore[attr-defined]
        await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "detail")
        app.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_case)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_checkin_board(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    st = station(tmp_path)
    soon = st.ids["soon"]
    import sqlite3

    with sqlite3.connect(st.path) as conn:
        (checkin_id,) = conn.execute(
            "SELECT id FROM checkin WHERE case_id = ? AND department_code = 'CGZF'", (soon,)
        ).fetchone()
    st.run(arrive, checkin_id, person="李队长")
    st.run(act, checkin_id, action="现场劝离", result="摊贩已撤离")
    app = app_for(st)

    async def open_board(pilot: Any) -> None:
        await settle(app, pilot)
        app.clear_notifications()
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.board is not None)
        app.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_board)
