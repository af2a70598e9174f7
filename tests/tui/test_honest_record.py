"""An honest record at the desk (issue 12): a clock set back un-breaches nothing and shows a red
banner; a forward jump is reported; the arrival dialog takes the time and asks why when late."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Static

from data.read.cases import case_detail
from data.service import open_sync
from models.enums import CheckInStatus
from screens.dialogs.checkin import ArriveDialog
from screens.messages import Tick
from screens.signin import SignInScreen
from tests.tui.desk_support import NOW, PINS, SIZE, app_for, settle, station
from tests.tui.dispatch_support import Notices, checkin_items, until


def _label(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def _error(screen: Any, name: str) -> str:
    widget = screen.query_one(f"#e-{name}", Static)
    return str(widget.render()) if widget.has_class("-shown") else ""


async def _open_detail(app: Any, pilot: Any, case_id: str) -> None:
    await settle(app, pilot)
    app.screen.open_case(case_id)
    await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "detail")


def _event_times(path: Path) -> list[Any]:
    engine = open_sync(path, writer=False)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.exec_driver_sql("SELECT at FROM event ORDER BY seq")]
    finally:
        engine.dispose()


async def test_a_clock_set_back_keeps_the_overdue_count_and_refuses_the_arrival(tmp_path: Path) -> None:
    """Finding 1: the header count went 2 → 0 and a late arrival counted on time."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await _open_detail(app, pilot, st.ids["overdue"])
        app.tick()
        await pilot.pause()
        assert _label(app, "#hdr-overdue") == "报到超时 2"
        assert not app.screen.query_one("#clock-banner").display

        st.clock.set(NOW - timedelta(hours=2))
        app.tick()
        await app.poll_once()
        await pilot.pause()
        assert _label(app, "#hdr-overdue") == "报到超时 2"
        assert "超时" in str(checkin_items(app)[0].query_one("Label").render())
        banner = app.screen.query_one("#clock-banner", Static)
        assert banner.display
        assert "08:00:00" in str(banner.render()) and "10:00:00" in str(banner.render())

        await pilot.press("a")
        await until(app, pilot, lambda: isinstance(app.screen, ArriveDialog), "arrive dialog")
        dialog = app.screen
        await pilot.press(*"赵站长", "enter")
        await until(app, pilot, lambda: bool(_error(dialog, "form")), "refusal")
        assert "08:00:00" in _error(dialog, "form") and "10:00:00" in _error(dialog, "form")
        await pilot.press("escape")
        await until(app, pilot, lambda: not isinstance(app.screen, ArriveDialog), "closed")
        assert checkin_items(app)[0].checkin.status is CheckInStatus.SUMMONED


async def test_a_desk_opened_with_its_clock_back_counts_from_the_record(tmp_path: Path) -> None:
    st = station(tmp_path)
    st.staff("张三")  # enrolled at 10:00 as the record's last event; signing in then writes nothing
    st.clock.set(NOW - timedelta(hours=2))
    before = len(_event_times(st.path))
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        # a sign-in is recorded (an event), so with the clock behind the record it is refused
        # like every other write, naming both times; the desk beneath still counts from the record
        await until(app, pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in")
        app.tick()
        await pilot.press(*PINS["张三"], "enter")
        await until(app, pilot, lambda: bool(_label(app, "#signin-error")), "the refusal")
        refusal = _label(app, "#signin-error")
        assert "08:00:00" in refusal and "10:00:00" in refusal
        assert isinstance(app.screen, SignInScreen) and app.operator is None
        desk = app.screen_stack[-2]
        assert str(desk.query_one("#hdr-overdue").render()) == "报到超时 2"
        assert desk.query_one("#clock-banner").display
    # the station's history was written out of order by the fixture; the desk added nothing
    assert len(_event_times(st.path)) == before


async def test_a_forward_jump_of_hours_is_reported_once(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        app.tick()
        st.clock.advance(hours=3)
        app.tick()
        app.tick()
        await pilot.pause()
        jumps = [n for n in told.seen if "向前 3.0 小时" in n]
        assert len(jumps) == 1
        assert not app.screen.query_one("#clock-banner").display


async def test_the_arrival_dialog_takes_the_time_and_asks_why_it_is_entered_late(tmp_path: Path) -> None:
    """Finding 4: the dialog had no time field; a phoned-in 10:05 was stamped when typed."""
    st = station(tmp_path)
    st.clock.advance(minutes=20)  # 10:20; 'soon' was whistled at 09:50, due 10:20
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await _open_detail(app, pilot, st.ids["soon"])
        await pilot.press("a")
        await until(app, pilot, lambda: isinstance(app.screen, ArriveDialog), "arrive dialog")
        dialog = app.screen
        await pilot.press("shift+tab", "shift+tab", *"10:05", "tab", "tab", *"李队长", "enter")
        await until(app, pilot, lambda: bool(_error(dialog, "entry_reason")), "reason asked")
        assert "补录" in _error(dialog, "entry_reason")
        await pilot.press(*"电话报到", "enter", "enter")
        await until(app, pilot, lambda: not isinstance(app.screen, ArriveDialog), "arrived")
        await until(app, pilot, lambda: checkin_items(app)[0].checkin.entered_late, "refreshed")
        line = str(checkin_items(app)[0].query_one("Label").render())
        assert "10:05" in line and "按时" in line and "〔补〕" in line
        timeline = str(app.screen.query_one("#case-timeline", Static).render())
        assert "【补录】实际 03-10 10:05，登记于 03-10 10:20，原因：电话报到" in timeline
    engine = open_sync(st.path, writer=False)
    try:
        with engine.connect() as conn:
            detail = case_detail(conn, st.ids["soon"], st.settings.tz)
    finally:
        engine.dispose()
    assert detail.checkins[0].late_minutes == 0 and detail.checkins[0].entered_late


async def test_a_time_in_the_future_is_refused_at_the_field(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await _open_detail(app, pilot, st.ids["soon"])
        app.screen.post_message(Tick(NOW))
        await pilot.press("a")
        await until(app, pilot, lambda: isinstance(app.screen, ArriveDialog), "arrive dialog")
        dialog = app.screen
        await pilot.press("shift+tab", "shift+tab", *"10:30", "tab", "tab", *"李队长", "enter")
        await until(app, pilot, lambda: bool(_error(dialog, "arrived_at")), "refused at the field")
        assert "不能晚于现在" in _error(dialog, "arrived_at")
