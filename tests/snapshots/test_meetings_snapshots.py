"""SVG snapshots of the proposed agenda and of the 回头看 schedule, with Chinese data at a
frozen clock, at 80×24 and 120×40. Review the SVGs before updating them (--snapshot-update)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from data.write.commands import meetings as mt
from data.write.commands.reinspections import draw_random, record_result
from models.enums import MeetingKind, ReinspectionResult
from screens.meetings import MeetingsScreen
from screens.reinspections import ReinspectionsScreen
from tests.tui.meetings_support import app_as, closed_station, meeting_station, wait

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_proposed_agenda(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    st = meeting_station(tmp_path)
    st.run(
        mt.create_with_agenda,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now() + timedelta(hours=4),
        facilitator="赵主任",
        invited=["CGZF", "GA", "SCJG"],
        title="3月10日周例会",
    )
    app = app_as(st, "赵主任")

    async def open_agenda(pilot: Any) -> None:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        assert isinstance(app.screen, MeetingsScreen) and app.screen.view is not None
        app.clear_notifications()
        app.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_agenda)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_reinspection_schedule(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    st = closed_station(tmp_path, count=4, days_ago=8)
    import sqlite3

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
        app.clear_notifications()
        app.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_schedule)
