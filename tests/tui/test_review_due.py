"""Issue 15: a parked case comes back to the queue's attention when its review date comes
(the frozen clock moved past it): its row says 待复查 and the count line says how many. A
decision recorded without an owner says that nobody will follow it up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Select

from data.write.commands import meetings as mt
from data.write.commands.cases import transition
from models.enums import MeetingKind
from models.i18n import t
from models.lifecycle import Action
from screens.dialogs.meeting_forms import AttendanceDialog, DecisionDialog
from screens.meeting_run import MeetingRunScreen
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import NOW, app_for, numbers, settle, station
from tests.tui.dispatch_support import Notices, until
from tests.tui.meetings_support import app_as, meeting_station, wait


async def test_a_parked_case_shows_due_for_review_once_its_day_has_come(tmp_path: Path) -> None:
    st = station(tmp_path)
    waiting = st.ids["waiting"]  # in triage: park it until the day after tomorrow
    review_on = (NOW + timedelta(days=2)).astimezone(st.settings.tz).date()
    st.run(transition, waiting, Action.PARK, reason="待产权认定", review_on=review_on)
    app = app_for(st)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)

        def line_of(case_number: str) -> str:
            at = numbers(view).index(case_number) + 1  # under the header
            return view.render_line(at - view.scroll_offset.y).text

        number = next(
            r.number for r in (view.row_at(i) for i in range(view.counts.total)) if r and r.case_id == waiting
        )
        day = review_on.strftime("%m-%d")
        assert f"复查 {day}" in line_of(number) and "待复查" not in line_of(number)
        assert "待复查" not in str(app.screen.query_one("#queue-filters").render())

        st.clock.advance(days=2)  # the review day has come: the next tick sees it
        app.tick()
        await until(app, pilot, lambda: "待复查" in str(app.screen.query_one("#queue-filters").render()))
        assert "1 件搁置到期待复查" in str(app.screen.query_one("#queue-filters").render())
        assert f"待复查 {day}" in line_of(number)


async def test_recording_a_decision_without_an_owner_says_nobody_will_follow_it_up(tmp_path: Path) -> None:
    st = meeting_station(tmp_path)
    st.run(
        mt.create_with_agenda,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now(),
        facilitator="赵主任",
        invited=["CGZF", "GA"],
        title="3月10日周例会",
    )
    app = app_as(st, "赵主任")
    told = Notices()
    warning = t("meetings.run.decided_without_owner")
    async with app.run_test(size=(120, 40), message_hook=told) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        await pilot.press("r")
        await wait(app, pilot)
        run = app.screen
        assert isinstance(run, MeetingRunScreen)

        await pilot.press("c")  # with a lead department and a date: followed up, nothing said
        await wait(app, pilot)
        assert isinstance(app.screen, DecisionDialog)
        app.screen.query_one("#f-decision", Input).value = "城管牵头，限期拆除"
        app.screen.query_one("#f-lead_department", Select).value = "CGZF"
        app.screen.query_one("#f-due_on", Input).value = "2026-03-17"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert app.screen is run and warning not in told.seen

        await pilot.press("right", "c")  # without: recorded, and the room is told
        await wait(app, pilot)
        app.screen.query_one("#f-decision", Input).value = "再议"
        app.screen.query_one("#f-tracked", Select).value = "no"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert app.screen is run and run.view is not None
        assert run.view.items[1].decision == "再议"
        assert warning in told.seen


async def test_attendance_records_who_came_from_each_department(tmp_path: Path) -> None:
    """Issue 15: 出席登记 named departments only; the people present are recorded with it."""
    st = meeting_station(tmp_path)
    st.run(
        mt.create_with_agenda,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now(),
        facilitator="赵主任",
        invited=["CGZF", "GA"],
        title="3月10日周例会",
    )
    app = app_as(st, "赵主任")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        await pilot.press("r")
        await wait(app, pilot)
        run = app.screen
        assert isinstance(run, MeetingRunScreen)
        await pilot.press("a")
        await wait(app, pilot)
        assert isinstance(app.screen, AttendanceDialog)
        await pilot.click("#people-CGZF")
        await pilot.press(*"张队长", "comma", *"李明", "ctrl+s")
        await wait(app, pilot)
        assert app.screen is run and run.view is not None
        assert [(a.code, a.present, a.people) for a in run.view.attendance] == [
            ("CGZF", True, ("张队长", "李明")),
            ("GA", False, ()),
        ]
        assert "城管执法队：张队长、李明" in str(run.query_one("#run-attendance").render())
