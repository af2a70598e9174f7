"""The facilitator's path in Pilot at a frozen time: create → proposed agenda → reorder →
run → attendance and decisions → end → export, the Markdown checked item by item."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from data.exports.minutes import item_heading
from models.enums import AgendaReason, FollowUp, MeetingStatus
from screens.dialogs.meeting_forms import AttendanceDialog, DecisionDialog, ExportDialog, MeetingCreateDialog
from screens.meeting_run import MeetingRunScreen
from screens.meetings import MeetingsScreen
from tests.tui.meetings_support import app_as, meeting_station, wait


def _numbers(st, *names: str) -> list[str]:  # type: ignore[no-untyped-def]
    with sqlite3.connect(st.path) as conn:
        return [
            conn.execute("SELECT number FROM case_file WHERE id = ?", (st.ids[n],)).fetchone()[0]
            for n in names
        ]


def _text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_facilitator_path_from_creation_to_exported_minutes(tmp_path: Path) -> None:
    st = meeting_station(tmp_path)
    absent, flagged, stale = _numbers(st, "absent", "flagged", "stale")
    app = app_as(st, "赵主任")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen)

        # create: the dialog proposes the facilitator and the resident/area departments
        await pilot.press("n")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, MeetingCreateDialog)
        assert dialog.query_one("#f-facilitator", Input).value == "赵主任"
        dialog.query_one("#f-title", Input).value = "3月10日周例会"
        dialog.query_one("#f-at", Input).value = "14:00"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert app.screen is screen and screen.view is not None

        # the proposed agenda, each item with its reason
        view = screen.view
        assert [(i.case_number, i.reason) for i in view.items] == [
            (absent, AgendaReason.ABSENT),  # the desk's ladder marked its summons 缺席
            (flagged, AgendaReason.FLAGGED),
            (stale, AgendaReason.LONG_OPEN),
        ]
        assert "公安派出所 超时未到，已标记缺席" in view.items[0].reason_detail
        assert "14:00" in _text(screen, "#meeting-head")
        agenda = screen.query_one("#agenda", DataTable)
        assert agenda.row_count == 3 and agenda.has_focus

        # reorder with keys: the flagged case goes first, the stale one up above the no-show
        agenda.move_cursor(row=1)
        await pilot.press("K")
        await wait(app, pilot)
        await pilot.press("down", "down", "K")
        await wait(app, pilot)
        assert [i.case_number for i in screen.view.items] == [flagged, stale, absent]
        assert agenda.cursor_row == 1

        # a time box for the stale case
        await pilot.press("t")
        await wait(app, pilot)
        app.screen.query_one("#f-minutes", Input).value = "5"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert [i.timebox_minutes for i in screen.view.items] == [10, 5, 10]

        # run: the meeting starts, the first item shows with its case context and a timer
        await pilot.press("r")
        await wait(app, pilot)
        run = app.screen
        assert isinstance(run, MeetingRunScreen)
        assert run.view is not None and run.view.meeting.status is MeetingStatus.RUNNING
        assert flagged in _text(run, "#run-head")
        assert "违建加层" in _text(run, "#run-context") and "提请会商" in _text(run, "#run-context")
        assert "用时 00:00 / 时长 10:00" in _text(run, "#run-timer")

        # attendance: tick 城管执法队 (the first invited); every other invited is absent
        await pilot.press("a")
        await wait(app, pilot)
        assert isinstance(app.screen, AttendanceDialog)
        await pilot.press("space", "ctrl+s")
        await wait(app, pilot)
        assert run.view.attendance[0].present is True
        assert all(a.present is False for a in run.view.attendance[1:])

        # decision on the first item: tracked, with lead and deadline
        st.clock.advance(minutes=8)
        app.tick()
        await pilot.pause()
        assert "-warning" in run.query_one("#run-timer").classes
        await pilot.press("c")
        await wait(app, pilot)
        decision = app.screen
        assert isinstance(decision, DecisionDialog)
        decision.query_one("#f-decision", Input).value = "规划、城管联合认定，限期自行拆除"
        decision.query_one("#f-lead_department", Select).value = "CGZF"
        decision.query_one("#f-due_on", Input).value = "2026-03-17"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert app.screen is run
        first = run.view.items[0]
        assert (first.decision, first.lead_department, first.followup) == (
            "规划、城管联合认定，限期自行拆除",
            "CGZF",
            FollowUp.OPEN,
        )

        # the second item overruns its five minutes and turns red
        await pilot.press("right")
        await wait(app, pilot)
        assert stale in _text(run, "#run-head")
        st.clock.advance(minutes=6)
        app.tick()
        await pilot.pause()
        assert "-overdue" in run.query_one("#run-timer").classes
        assert "用时 06:00 / 时长 05:00" in _text(run, "#run-timer")
        await pilot.press("c")
        await wait(app, pilot)
        app.screen.query_one("#f-decision", Input).value = "车主已联系，本周拖移"
        app.screen.query_one("#f-tracked", Select).value = "no"
        await pilot.press("ctrl+s")
        await wait(app, pilot)

        # end the meeting (confirmed), then export the minutes to a typed path
        await pilot.press("E")
        await wait(app, pilot)
        await pilot.press("y")
        await wait(app, pilot)
        assert run.view.meeting.status is MeetingStatus.DONE
        await pilot.press("e")
        await wait(app, pilot)
        export = app.screen
        assert isinstance(export, ExportDialog)
        assert export.query_one("#f-stage", Select).value == "minutes"
        target = tmp_path / "周例会纪要.md"
        export.query_one("#f-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        on_screen = [item_heading(n, item) for n, item in enumerate(run.view.items, start=1)]

    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# 3月10日周例会 会议纪要"
    assert "- **出席**：城管执法队" in lines
    headings = [
        line.removeprefix("## ")
        for line in lines
        if line.startswith("## ") and line not in ("## 出席情况", "## 签字")
    ]
    assert headings == on_screen
    assert headings[0].startswith(f"1. {flagged}") and headings[1].startswith(f"2. {stale}")
    assert headings[2].startswith(f"3. {absent}")

    def block(number: str) -> list[str]:
        start = next(i for i, line in enumerate(lines) if line.startswith("## ") and number in line)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        return [line for line in lines[start + 1 : end] if line]

    assert block(flagged) == [
        "- **问题类别**：违法建设",
        "- **问题描述**：违建加层，需多部门会商",
        "- **上会事由**：提请会商 — 2026-03-09 提请会商",
        "- **案件状态**：会商",
        "- **时长**：10 分钟",
        "- **结论**：规划、城管联合认定，限期自行拆除",
        "- **牵头部门**：城管执法队",
        "- **完成期限**：2026-03-17",
        "- **跟踪**：跟踪中",
    ]
    assert block(stale)[4:] == [
        "- **时长**：5 分钟",
        "- **结论**：车主已联系，本周拖移",
        "- **牵头部门**：—",
        "- **完成期限**：—",
        "- **跟踪**：已落实",
    ]
    assert block(absent)[-1] == "- **结论**：（未形成结论）"


async def test_a_carried_over_decision_comes_back_on_the_next_agenda(tmp_path: Path) -> None:
    from data.write.commands import meetings as mt
    from models.enums import MeetingKind

    st = meeting_station(tmp_path)
    (flagged,) = _numbers(st, "flagged")
    first = st.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now() - timedelta(days=7),
        facilitator="赵主任",
        invited=["CGZF"],
        at=st.clock.now() - timedelta(days=7),
    )
    item = st.run(mt.add_item, first, reason=AgendaReason.MANUAL, case_id=st.ids["flagged"])
    st.run(
        mt.decide,
        item,
        decision="一周内出具认定意见",
        lead_department="CGZF",
        due_on=(st.clock.now() - timedelta(days=1)).date(),
        at=st.clock.now() - timedelta(days=7),
    )
    app = app_as(st, "赵主任")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        await pilot.press("n")
        await wait(app, pilot)
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen) and screen.view is not None
        carried = screen.view.items[0]
        assert (carried.case_number, carried.reason, carried.carried_from) == (
            flagged,
            AgendaReason.CARRIED_OVER,
            item,
        )
        assert "一周内出具认定意见" in carried.reason_detail and "逾期 1 天未落实" in carried.reason_detail
        # the other reasons for the same case stay in its detail, one item per case
        assert "提请会商" in carried.reason_detail
        assert [i.case_number for i in screen.view.items].count(flagged) == 1
        assert "上次决定未落实" in _text(screen, "#agenda-detail")


async def test_add_a_case_by_number_and_a_free_topic(tmp_path: Path) -> None:
    from data.write.commands import meetings as mt
    from models.enums import MeetingKind
    from screens.dialogs.meeting_add import AddItemDialog

    st = meeting_station(tmp_path)
    (absent,) = _numbers(st, "absent")
    st.run(
        mt.create_meeting,
        kind=MeetingKind.SPECIAL,
        scheduled_at=st.clock.now(),
        facilitator="赵主任",
        invited=["CGZF"],
    )
    app = app_as(st, "赵主任")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen) and screen.view is not None and not screen.view.items
        await pilot.press("a")
        await wait(app, pilot)
        assert isinstance(app.screen, AddItemDialog)
        app.screen.query_one("#f-find", Input).value = absent
        await wait(app, pilot)
        await pilot.press("enter", "enter")
        await wait(app, pilot)
        await pilot.press("a")
        await wait(app, pilot)
        app.screen.query_one("#f-topic", Input).value = "背街小巷环境整治方案"
        app.screen.query_one("#f-timebox", Input).value = "20"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        items = [(i.case_number, i.topic, i.reason, i.timebox_minutes) for i in screen.view.items]
        assert items == [
            (absent, "", AgendaReason.MANUAL, 10),
            (None, "背街小巷环境整治方案", AgendaReason.MANUAL, 20),
        ]


async def test_ending_with_undecided_items_names_how_many_and_can_be_declined(tmp_path: Path) -> None:
    from data.write.commands import meetings as mt
    from models.enums import MeetingKind
    from screens.dialogs.confirm import ConfirmDialog

    st = meeting_station(tmp_path)
    meeting = st.run(
        mt.create_with_agenda,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now(),
        facilitator="赵主任",
        invited=["CGZF"],
    )
    item = st.run(mt.add_item, meeting, reason=AgendaReason.MANUAL, topic="背街小巷环境整治方案")
    st.run(mt.start, meeting)
    st.run(mt.decide, item, decision="下周拿出方案", tracked=False)
    app = app_as(st, "赵主任")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        await pilot.press("r")
        await wait(app, pilot)
        run = app.screen
        assert isinstance(run, MeetingRunScreen) and run.view is not None
        assert len(run.view.items) == 4
        await pilot.press("E")
        await wait(app, pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        shown = _text(confirm, "#confirm-message") + str(confirm.query_one(".dialog-title", Static).render())
        assert "还有 3 项未决" in shown and "共 4 项议题，3 项未形成结论" in shown
        assert "上次未决" in shown
        await pilot.press("n")
        await wait(app, pilot)
        assert app.screen is run and run.view.meeting.status is MeetingStatus.RUNNING


async def test_a_second_weekly_meeting_the_same_day_is_refused_in_one_line(tmp_path: Path) -> None:
    from data.write.commands import meetings as mt
    from models.enums import MeetingKind

    st = meeting_station(tmp_path)
    st.run(
        mt.create_meeting,
        kind=MeetingKind.WEEKLY,
        scheduled_at=st.clock.now(),
        facilitator="赵主任",
        invited=["CGZF"],
    )
    app = app_as(st, "赵主任")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait(app, pilot)
        await pilot.press("3")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen)
        await pilot.press("n")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, MeetingCreateDialog)
        dialog.query_one("#f-at", Input).value = "16:00"
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert app.screen is dialog  # refused: the form stays, with one line saying why
        error = _text(dialog, "#e-scheduled_at")
        assert "已有一次周例会" in error and "\n" not in error
    with sqlite3.connect(st.path) as conn:
        assert conn.execute("SELECT count(*) FROM meeting").fetchone()[0] == 1
