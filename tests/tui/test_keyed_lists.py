"""Lists an operator reads while they update keep their cursor and their scroll.

Each test moves the cursor down a list long enough to scroll, lets another desk write
(picked up by the change poll, as on a live desk), and checks that the cursor is on the same
record and the list scrolled exactly as before."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import DataTable, ListView

from data.catalogue import DEPARTMENTS
from data.write.commands import meetings as mt
from data.write.commands.cases import blow_whistle
from data.write.commands.checkins import act, arrive, release
from data.write.commands.reinspections import record_result
from models.clock import FrozenClock
from models.enums import AgendaReason, CheckInStatus, Grade, MeetingKind, ReinspectionResult
from screens.board import BoardScreen, SummonsItem
from screens.case_detail import CaseDetailScreen, CheckinItem
from screens.meeting_run import MeetingRunScreen
from screens.meetings import MeetingsScreen
from screens.reinspections import ReinspectionsScreen
from screens.widgets.keyed import cursor_key
from tests.tui.desk_support import NOW, SIZE, Station, app_for, settle
from tests.tui.dispatch_support import until
from tests.tui.meetings_support import app_as, closed_station, wait

CODES = [d.code for d in DEPARTMENTS]


def _checkins(st: Station, case: str) -> dict[str, str]:
    """department code → id of its open (not released) check-in on the case."""
    with sqlite3.connect(st.path) as conn:
        rows = conn.execute(
            "SELECT department_code, id FROM checkin WHERE case_id = ? AND released_at IS NULL",
            (st.ids[case],),
        ).fetchall()
    return dict(rows)


def _busy_case(st: Station, name: str, *, community: str = "东四社区") -> None:
    """A case every department was summoned to; six came, acted, left and were summoned
    again: nineteen check-ins, six of them two lines high."""
    st.case(name, at=NOW - timedelta(hours=4), description="大型活动现场秩序保障", community=community)
    st.whistle(name, at=NOW - timedelta(hours=4), grade=Grade.REGULAR, departments=CODES)
    ids = _checkins(st, name)
    for code in CODES[:6]:
        st.run(arrive, ids[code], person="值守", at=NOW - timedelta(hours=3))
        st.run(act, ids[code], action="疏导", result="已疏导", at=NOW - timedelta(hours=2, minutes=30))
        st.run(release, ids[code], at=NOW - timedelta(hours=2))
    st.run(
        blow_whistle, st.ids[name], grade=Grade.REGULAR, departments=CODES[:6], at=NOW - timedelta(hours=1)
    )


def _status(screen: Any, checkin_id: str) -> CheckInStatus | None:
    """The status a check-in is shown with (case detail or board)."""
    for item in screen.query(CheckinItem):
        if item.checkin.id == checkin_id:
            return item.checkin.status  # type: ignore[no-any-return]
    for item in screen.query(SummonsItem):
        if item.summons.checkin_id == checkin_id:
            return item.summons.status  # type: ignore[no-any-return]
    return None


async def _another_desk_writes(app: Any, write: Any) -> None:
    write()
    await app.poll_once()


# -- case detail: the check-ins, the clocks and the timeline ---------------------------------


async def test_case_detail_keeps_the_checkin_cursor_and_the_scroll_when_the_case_changes(
    tmp_path: Path,
) -> None:
    st = Station(tmp_path / "desk.db", FrozenClock(NOW))
    _busy_case(st, "big")
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CaseDetailScreen(st.ids["big"]))
        await until(app, pilot, lambda: len(list(app.screen.query(CheckinItem))) == 19, "check-ins")
        screen = app.screen
        listing = screen.query_one("#case-checkins", ListView)
        body = screen.query_one("#case-body", VerticalScroll)
        await pilot.press(*["down"] * 3)
        # the operator scrolls on (wheel) to read the rest of the list and the timeline,
        # leaving the cursor where it was
        listing.scroll_end(animate=False, immediate=True)
        body.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        item = listing.highlighted_child
        assert isinstance(item, CheckinItem)
        before = (item.checkin.id, listing.index, listing.scroll_y, body.scroll_y)
        assert listing.scroll_y > 0 and body.scroll_y > 0  # both long enough to have scrolled

        # another desk records an arrival on a check-in near the top of the list
        target = next(
            i.checkin.id for i in screen.query(CheckinItem) if i.checkin.status is CheckInStatus.SUMMONED
        )
        assert target != item.checkin.id
        await _another_desk_writes(app, lambda: st.run(arrive, target, person="李队"))
        await until(app, pilot, lambda: _status(screen, target) is CheckInStatus.ARRIVED, "arrival shown")
        await wait(app, pilot)  # and whatever the refresh scheduled after it
        item = listing.highlighted_child
        assert isinstance(item, CheckinItem)
        assert (item.checkin.id, listing.index, listing.scroll_y, body.scroll_y) == before


# -- the check-in board ----------------------------------------------------------------------


async def test_board_keeps_its_cursor_and_scroll_when_another_desk_records_an_arrival(
    tmp_path: Path,
) -> None:
    st = Station(tmp_path / "desk.db", FrozenClock(NOW))
    _busy_case(st, "one")
    _busy_case(st, "two", community="史家社区")
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.board is not None)
        screen = app.screen
        listing = screen.query_one("#board-list", ListView)
        await pilot.press(*["j"] * 2)
        listing.scroll_to(y=20, animate=False, immediate=True)  # the wheel, reading on
        await pilot.pause()
        item = listing.highlighted_child
        assert isinstance(item, SummonsItem)
        before = (item.summons.checkin_id, listing.index, listing.scroll_y)
        assert listing.scroll_y > 0

        target = next(
            i.summons.checkin_id
            for i in screen.query(SummonsItem)
            if i.summons.status is CheckInStatus.SUMMONED and i.summons.checkin_id != before[0]
        )
        await _another_desk_writes(app, lambda: st.run(arrive, target, person="李队"))
        await until(app, pilot, lambda: _status(screen, target) is CheckInStatus.ARRIVED, "arrival shown")
        await wait(app, pilot)  # and whatever the refresh scheduled after it
        item = listing.highlighted_child
        assert isinstance(item, SummonsItem)
        assert (item.summons.checkin_id, listing.index, listing.scroll_y) == before


# -- meetings: the list, the agenda and run mode ---------------------------------------------


def _meetings(st: Station, n: int) -> list[str]:
    return [
        st.run(
            mt.create_meeting,
            kind=MeetingKind.DAILY,
            scheduled_at=NOW + timedelta(days=i),
            facilitator="赵主任",
            invited=["CGZF"],
            title=f"第{i}次会商",
        )
        for i in range(n)
    ]


async def test_meeting_list_keeps_its_cursor_and_scroll_when_a_meeting_changes(tmp_path: Path) -> None:
    st = Station(tmp_path / "meet.db", FrozenClock(NOW))
    ids = _meetings(st, 14)
    app = app_as(st, "赵主任")
    async with app.run_test(size=SIZE) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen)
        table = screen.query_one("#meeting-list", DataTable)
        await pilot.press(*["down"] * 10, *["up"] * 2)
        await wait(app, pilot)
        before = (cursor_key(table), table.cursor_row, table.scroll_y)
        assert table.scroll_y > 0

        other = next(i for i in ids if i != before[0])
        await _another_desk_writes(
            app, lambda: st.run(mt.add_item, other, reason=AgendaReason.MANUAL, topic="临时议题")
        )
        await until(app, pilot, lambda: "1" in str(table.get_row(other)[4]), "item count shown")
        await wait(app, pilot)
        assert (cursor_key(table), table.cursor_row, table.scroll_y) == before


async def test_agenda_keeps_its_cursor_and_scroll_when_an_item_changes(tmp_path: Path) -> None:
    st = Station(tmp_path / "meet.db", FrozenClock(NOW))
    (meeting,) = _meetings(st, 1)
    items = [st.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic=f"议题 {i}") for i in range(40)]
    app = app_as(st, "赵主任")
    async with app.run_test(size=SIZE) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen)
        await pilot.press("enter")  # into the agenda
        table = screen.query_one("#agenda", DataTable)
        assert table.has_focus
        await pilot.press(*["down"] * 30, *["up"] * 4)
        await wait(app, pilot)
        before = (cursor_key(table), table.cursor_row, table.scroll_y)
        assert table.scroll_y > 0

        changed = items[1]
        await _another_desk_writes(app, lambda: st.run(mt.set_timebox, changed, 25))
        await until(app, pilot, lambda: "25" in str(table.get_row(changed)[3]), "time box shown")
        await wait(app, pilot)
        assert (cursor_key(table), table.cursor_row, table.scroll_y) == before


async def test_meeting_run_keeps_its_scroll_when_the_meeting_changes(tmp_path: Path) -> None:
    st = Station(tmp_path / "meet.db", FrozenClock(NOW))
    _busy_case(st, "big")
    (meeting,) = _meetings(st, 1)
    first = st.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, case_id=st.ids["big"])
    second = st.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="下一议题")
    st.run(mt.start, meeting)
    app = app_as(st, "赵主任")
    async with app.run_test(size=SIZE) as pilot:
        await wait(app, pilot)
        app.push_screen(MeetingRunScreen(meeting))
        await until(
            app, pilot, lambda: isinstance(app.screen, MeetingRunScreen) and app.screen.context is not None
        )
        screen = app.screen
        assert isinstance(screen, MeetingRunScreen)
        body = screen.query_one("#run-body", VerticalScroll)
        await pilot.pause()
        assert body.max_scroll_y > 10
        body.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert screen.item is not None
        before = (screen.item.id, body.scroll_y)
        assert before[0] == first and body.scroll_y > 10

        await _another_desk_writes(app, lambda: st.run(mt.set_timebox, second, 25))
        await until(
            app,
            pilot,
            lambda: screen.view is not None and screen.view.items[1].timebox_minutes == 25,
            "time box read",
        )
        await wait(app, pilot)
        assert (screen.item.id, body.scroll_y) == before


# -- the 回头看 schedule ------------------------------------------------------------------------


async def test_schedule_keeps_its_cursor_and_scroll_when_a_result_is_recorded(tmp_path: Path) -> None:
    st = closed_station(tmp_path, count=24, days_ago=8)
    with sqlite3.connect(st.path) as conn:
        (first,) = conn.execute(
            "SELECT id FROM reinspection WHERE case_id = ?", (st.ids["closed0"],)
        ).fetchone()
    app = app_as(st, "值班员")
    async with app.run_test(size=(120, 24)) as pilot:
        await wait(app, pilot)
        await pilot.press("4")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReinspectionsScreen)
        table = screen.query_one("#schedule", DataTable)
        await pilot.press(*["down"] * 22, *["up"] * 3)
        await wait(app, pilot)
        before = (cursor_key(table), table.scroll_y)
        assert table.scroll_y > 0
        assert before[0] != first

        await _another_desk_writes(
            app, lambda: st.run(record_result, first, result=ReinspectionResult.PASS, inspector="李核查")
        )
        await until(app, pilot, lambda: any(r.id == first and r.result for r in screen.rows), "result read")
        await wait(app, pilot)
        assert (cursor_key(table), table.scroll_y) == before
