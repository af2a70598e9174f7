"""The 回头看 schedule in Pilot at a frozen time: closed → scheduled → overdue as the clock moves
(red, first) → relapse recorded → linked case reopened → rework counted; the random draw."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from data.read.reinspections import draws, rework_by_department
from data.store.db import open_sync
from models.enums import CaseStatus, ReinspectionKind
from models.reinspection import ReinspectionBucket, draw_sample
from screens.dialogs.reinspection_forms import DrawDialog, ResultDialog
from screens.reinspections import ReinspectionsScreen, ScheduleTable
from screens.signin import SupervisorDialog
from tests.tui.desk_support import PINS
from tests.tui.meetings_support import app_as, closed_station, wait


def _case(st, case_id: str) -> sqlite3.Row:  # type: ignore[no-untyped-def]
    with sqlite3.connect(st.path) as conn:
        conn.row_factory = sqlite3.Row
        row: sqlite3.Row = conn.execute("SELECT * FROM case_file WHERE id = ?", (case_id,)).fetchone()
        return row


async def test_overdue_after_the_clock_moves_then_relapse_reopens_and_counts_rework(tmp_path: Path) -> None:
    st = closed_station(tmp_path, count=2)
    first = _case(st, st.ids["closed0"])["number"]
    app = app_as(st, "李核查")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait(app, pilot)
        await pilot.press("4")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReinspectionsScreen)
        assert {r.bucket for r in screen.rows} == {ReinspectionBucket.LATER}
        assert len(screen.rows) == 3  # every closure was scheduled

        # seven days on, the street-vending ones are due today; one more day and they are late
        st.clock.advance(days=7)
        app.tick()
        await wait(app, pilot)
        assert [r.bucket for r in screen.rows][:2] == [ReinspectionBucket.TODAY] * 2
        st.clock.advance(days=1)
        app.tick()
        await wait(app, pilot)
        assert [r.bucket for r in screen.rows] == [
            ReinspectionBucket.OVERDUE,
            ReinspectionBucket.OVERDUE,
            ReinspectionBucket.LATER,
        ]
        table = screen.query_one(ScheduleTable)
        red = table.get_component_rich_style("schedule--overdue", partial=True)
        cell = table.get_row_at(0)[0]
        assert red.color is not None and cell.style == red and "逾期1天" in cell.plain
        assert "已逾期 2" in str(screen.query_one("#schedule-head", Static).render())
        assert screen.query_one("#schedule-head").has_class("-overdue")

        # grouped by community, the overdue community comes first
        await pilot.press("g")
        await pilot.pause()
        assert str(table.get_row_at(0)[0]).startswith("东四社区 2/2")

        # record a relapse on the first overdue one
        await pilot.press("g", "g")
        table.move_cursor(row=0)
        await pilot.press("r")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ResultDialog)
        assert dialog.query_one("#f-inspector", Input).value == "李核查"
        dialog.query_one("#f-result", Select).value = "relapse"
        dialog.query_one("#f-notes", Input).value = "摊位复现"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        done = next(r for r in screen.rows if r.case_number == first)
        assert done.bucket is ReinspectionBucket.DONE and done.relapse_case_number is not None
        assert screen.rows[-1].case_number == first  # done goes last
        table.move_cursor(row=len(screen.rows) - 1)
        await pilot.pause()
        assert done.relapse_case_number in str(screen.query_one("#schedule-detail", Static).render())

    original = _case(st, st.ids["closed0"])
    assert original["status"] == CaseStatus.RELAPSED
    with sqlite3.connect(st.path) as conn:
        reopened = conn.execute(
            "SELECT status, number FROM case_file WHERE reopened_from = ?", (st.ids["closed0"],)
        ).fetchone()
    assert reopened == (CaseStatus.TRIAGE.value, done.relapse_case_number)
    engine = open_sync(st.path, writer=False)
    try:
        with engine.connect() as conn:
            assert rework_by_department(conn) == {"CGZF": 1}
    finally:
        engine.dispose()


async def test_supervisor_draw_shows_its_seed_and_can_be_redrawn(tmp_path: Path) -> None:
    st = closed_station(tmp_path, count=5, days_ago=2)
    app = app_as(st, "值班员")  # the station's first operator: its supervisor
    async with app.run_test(size=(120, 40)) as pilot:
        await wait(app, pilot)
        await pilot.press("4")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReinspectionsScreen)
        await pilot.press("D")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, DrawDialog)
        dialog.query_one("#f-seed", Input).value = "77"
        dialog.query_one("#f-rate", Input).value = "0.5"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert isinstance(app.screen, SupervisorDialog)  # the passphrase, at that moment
        await pilot.press(*"wrong", "enter")
        await wait(app, pilot)
        assert isinstance(app.screen, SupervisorDialog)
        assert "不正确" in str(app.screen.query_one("#supervisor-error", Static).render())
        await pilot.press(*PINS["值班员"], "enter")
        await wait(app, pilot)
        assert app.screen is screen
        drawn = [r for r in screen.rows if r.kind is ReinspectionKind.RANDOM]
        assert len(drawn) == 3 and {r.draw_seed for r in drawn} == {77}
        assert "种子 77，抽中 3/6 件" in str(screen.query_one("#schedule-head", Static).render())
        kinds = [str(screen.query_one(DataTable).get_row_at(i)[5]) for i in range(len(screen.rows))]
        assert kinds.count(f"随机抽查 {st.clock.now().astimezone(st.settings.tz):%m-%d}") == 3
        assert not any("#" in k for k in kinds)  # no raw seed in the list
        table = screen.query_one(DataTable)
        table.move_cursor(row=screen.keys.index(drawn[0].id))
        await wait(app, pilot)
        assert "随机种子 77（供核验）" in str(screen.query_one("#schedule-detail", Static).render())

    engine = open_sync(st.path, writer=False)
    try:
        with engine.connect() as conn:
            (draw,) = draws(conn)
    finally:
        engine.dispose()
    assert draw_sample(draw.population, 0.5, 77) == list(draw.drawn)
    assert {r.case_id for r in drawn} == set(draw.drawn)


async def test_only_a_supervisor_may_draw(tmp_path: Path) -> None:
    st = closed_station(tmp_path, count=2, days_ago=2)
    app = app_as(st, "张三")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait(app, pilot)
        await pilot.press("4")
        await wait(app, pilot)
        screen = app.screen
        await pilot.press("D")
        await wait(app, pilot)
        assert app.screen is screen
        assert not any(r.kind is ReinspectionKind.RANDOM for r in screen.rows)  # type: ignore[attr-defined]
