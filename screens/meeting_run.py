"""Run mode: the meeting item by item, with the case's context (clocks, check-ins, timeline,
earlier decisions), a timer against the item's time box driven by the app's 1 Hz tick, and
the record: attendance, 结论, lead department, deadline, follow-up."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from data.exports.minutes import Stage, attendance_lines, item_heading, item_lines
from data.read.cases import departments
from data.read.meetings import AgendaRow, ItemContext, MeetingView, item_context, meeting_view
from data.write.commands import meetings as mt
from models.agenda import format_elapsed, timebox_light
from models.enums import FollowUp, MeetingStatus
from models.i18n import label, t
from screens.base import PaletteCommand, ViewScreen
from screens.bindings import bindings_for
from screens.case_render import CheckinColumns, checkin_line, timeline_text
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.meeting_forms import AttendanceDialog, Attended, DecisionDialog
from screens.fmt import LIGHT_CLASSES, clock_text, local, pad
from screens.meeting_export import ExportFlow
from screens.messages import Tick
from screens.minutes_text import packed

TIMELINE_LINES = 12


class MeetingRunScreen(ViewScreen, ExportFlow):
    VIEW_ID = "meetings"
    CSS_PATH = "meetings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("meeting.run")

    def __init__(self, meeting_id: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.view: MeetingView | None = None
        self.index = 0
        self.context: ItemContext | None = None
        self.spent: dict[str, timedelta] = {}
        """Time already spent on each item, over every visit."""
        self.since: datetime | None = None
        self.starting = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="run-head")
        yield Static("", id="run-timer")
        with VerticalScroll(id="run-body"):
            yield Static("", id="run-item")
            yield Static("", id="run-context")
        yield Static("", id="run-attendance")

    # -- data ----------------------------------------------------------------------------------

    @property
    def item(self) -> AgendaRow | None:
        if self.view is None or not self.view.items:
            return None
        return self.view.items[min(self.index, len(self.view.items) - 1)]

    @property
    def running(self) -> bool:
        return self.view is not None and self.view.meeting.status is MeetingStatus.RUNNING

    def refresh_data(self) -> None:
        self.read(meeting_view, self.meeting_id, on_done=self._got_view, group="read-run-meeting")

    def _got_view(self, view: MeetingView) -> None:
        first = self.view is None
        current = self.item.id if self.item else None
        self.view = view
        ids = [i.id for i in view.items]
        if current in ids:
            self.index = ids.index(current)
        if view.meeting.status is MeetingStatus.PLANNED and not self.starting:
            self.starting = True
            self.run_command(mt.start, self.meeting_id, on_done=lambda _: self.refresh_data())
        if first or self.since is None:
            self._enter_item()
        self._show()
        self._load_context()

    def _load_context(self) -> None:
        item = self.item
        case_id = item.case_id if item else None
        self.read(
            item_context, case_id, self.desk.settings.tz, on_done=self._got_context, group="read-run-ctx"
        )

    def _got_context(self, context: ItemContext) -> None:
        item = self.item
        if item is not None and context.case is not None and context.case.id != item.case_id:
            return
        self.context = context
        self._show_context()

    # -- drawing -------------------------------------------------------------------------------

    def _show(self) -> None:
        view, item = self.view, self.item
        head = self.query_one("#run-head", Static)
        if view is None:
            return
        if item is None:
            head.update(t("meetings.empty_agenda"))
        else:
            head.update(
                t("meetings.run.head", n=self.index + 1, total=len(view.items))
                + "  "
                + item_heading(self.index + 1, item)
            )
            self.query_one("#run-item", Static).update(packed(item_lines(item, Stage.MINUTES)))
        att = attendance_lines(view)
        self.query_one("#run-attendance", Static).update(
            "  ".join(f"{line.label}{t('minutes.sep')}{line.value}" for line in att)
        )
        self._show_timer(self.desk.now())
        self.refresh_bindings()

    def _show_context(self) -> None:
        target = self.query_one("#run-context", Static)
        context = self.context
        if context is None or context.case is None:
            target.update("")
            return
        case = context.case
        tz = self.desk.settings.tz
        now = self.desk.now()
        calendar = self.service.rules.calendar if self.service else None
        lines = [f"{case.number}  {label(case.status)}  {case.category_name}  {case.community}{case.address}"]
        lines.append(case.description)
        if calendar is not None:
            lines.append(t("meetings.run.clocks"))
            for clock in case.clocks:
                if clock.stopped:
                    continue
                state = clock.state(now, calendar, tz)
                lines.append(f"  {pad(clock.label(), 24)}{clock_text(state)}")
            lines.append(t("meetings.run.checkins"))
            columns = CheckinColumns.of(case.checkins)
            for checkin in case.checkins:
                state = checkin.clock.state(now, calendar, tz)
                lines.append("  " + checkin_line(checkin, state, tz, columns=columns))
        if context.followups:
            lines.append(t("meetings.run.followups"))
            for f in context.followups:
                lines.append(
                    f"  {local(f.meeting_at, tz, '%Y-%m-%d')} {f.decision}  {f.lead_name or '—'}  "
                    f"{f.due_on.isoformat() if f.due_on else '—'}  {label(f.status)}"
                )
        lines.append(t("meetings.run.timeline"))
        timeline = timeline_text(case, tz).splitlines()
        lines.extend(timeline[-TIMELINE_LINES:])
        target.update("\n".join(lines))

    def on_tick(self, message: Tick) -> None:
        super().on_tick(message)
        self._show_timer(message.now)

    def _elapsed(self, now: datetime) -> timedelta:
        item = self.item
        if item is None:
            return timedelta()
        spent = self.spent.get(item.id, timedelta())
        if self.since is not None and self.running:
            spent += max(timedelta(), now - self.since)
        return spent

    def _show_timer(self, now: datetime) -> None:
        timer = self.query_one("#run-timer", Static)
        item = self.item
        for cls in LIGHT_CLASSES.values():
            timer.remove_class(cls)
        if item is None:
            timer.update("")
            return
        elapsed = self._elapsed(now)
        light = timebox_light(elapsed, item.timebox_minutes)
        timer.add_class(LIGHT_CLASSES[light])
        box = format_elapsed(timedelta(minutes=item.timebox_minutes))
        timer.update(t("meetings.run.timer", elapsed=format_elapsed(elapsed), box=box))

    # -- moving between items ------------------------------------------------------------------

    def _leave_item(self) -> None:
        item = self.item
        if item is not None and self.since is not None:
            self.spent[item.id] = self._elapsed(self.desk.now())
        self.since = None

    def _enter_item(self) -> None:
        self.since = self.desk.now()

    def action_step(self, step: int) -> None:
        if self.view is None or not self.view.items:
            return
        to = self.index + step
        if not 0 <= to < len(self.view.items):
            return
        self._leave_item()
        self.index = to
        self._enter_item()
        self.context = None
        self.query_one("#run-context", Static).update("")
        self._show()
        self._load_context()

    # -- recording -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("decide", "attendance", "end_meeting"):
            return self.running and (action != "decide" or self.item is not None)
        if action == "followup_done":
            return self.running and self._open_followup() is not None
        if action == "open_item_case":
            return self.item is not None and self.item.case_id is not None
        return True

    def _open_followup(self) -> str | None:
        """The earlier decision this item carries, while it is still open."""
        item, context = self.item, self.context
        if item is None or item.carried_from is None:
            return None
        if context is not None and context.followups:
            still = {f.item_id for f in context.followups if f.status is FollowUp.OPEN}
            return item.carried_from if item.carried_from in still else None
        return item.carried_from

    def action_decide(self) -> None:
        item, view = self.item, self.view
        if item is None or view is None:
            return
        self.read(departments, on_done=lambda refs: self._decide_with(item, view, refs))

    def _decide_with(self, item: AgendaRow, view: MeetingView, refs: Any) -> None:
        invited = [a.code for a in view.attendance]
        names = [(d.code, d.name) for d in refs]
        names.sort(key=lambda pair: pair[0] not in invited)
        dialog = DecisionDialog(
            item.subject,
            departments=names,
            today=self.desk.now().astimezone(self.desk.settings.tz).date(),
            decision=item.decision or "",
            lead=item.lead_department,
            due=item.decision_due,
            submit=lambda values, done, error: self.run_command(
                mt.decide,
                item.id,
                on_done=lambda result: self._decided(values, done, result),
                on_error=error,
                **values,
            ),
        )
        self.app.push_screen(dialog, lambda _: self.refresh_data())

    def _decided(self, values: dict[str, Any], done: Any, result: Any) -> None:
        """A decision without a lead department or a due date is recorded, and the room is
        told that nobody will follow it up until a meeting gives it both."""
        if values.get("lead_department") is None or values.get("due_on") is None:
            self.notify(t("meetings.run.decided_without_owner"), severity="warning")
        done(result)

    def action_attendance(self) -> None:
        view = self.view
        if view is None:
            return
        rows = [(a.code, a.name, a.present) for a in view.attendance]
        people = {a.code: a.people for a in view.attendance}

        def recorded(attended: Attended | None) -> None:
            if attended:
                present, names = attended
                self.run_command(
                    mt.record_attendance,
                    self.meeting_id,
                    present,
                    names,
                    on_done=lambda _: self.refresh_data(),
                )

        self.app.push_screen(AttendanceDialog(rows, people), recorded)

    def action_followup_done(self) -> None:
        earlier = self._open_followup()
        if earlier is not None:
            self.run_command(mt.followup_done, earlier, on_done=lambda _: self._followup_closed())

    def _followup_closed(self) -> None:
        self.notify(t("meetings.run.followup_closed"))
        self._load_context()

    def action_end_meeting(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self._leave_item()
                self.run_command(mt.end, self.meeting_id, on_done=lambda _: self._ended())

        view = self.view
        undecided = view.undecided if view is not None else 0
        if undecided:  # say how much is left open before the room disperses
            total = len(view.items) if view is not None else undecided
            title = t("meetings.run.end_title_undecided", n=undecided)
            message = t("meetings.run.end_message_undecided", n=undecided, total=total)
        else:
            title, message = t("meetings.run.end_title"), t("meetings.run.end_message")
        self.app.push_screen(ConfirmDialog(title, message), confirmed)

    def _ended(self) -> None:
        self.notify(t("meetings.run.ended"))
        self.refresh_data()

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = [
            (t("cmd.meeting_export"), t("key.meeting_export"), self.action_export)
        ]
        if self.running:
            commands.append((t("cmd.meeting_end"), t("key.run_end"), self.action_end_meeting))
        return commands
