"""View 3, the facilitator's console: meetings, and the selected meeting's agenda with the
reason each item is there. Items are reordered with keys, removed, added, time-boxed; the
run mode (``screens.meeting_run``) takes the meeting item by item."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable, Static

from data.exports.minutes import item_lines, stage_of
from data.read.cases import departments
from data.read.meetings import AgendaRow, MeetingRow, MeetingView, find_cases, list_meetings, meeting_view
from data.write.commands import meetings as mt
from models.enums import AgendaReason, MeetingStatus, StationingMode
from models.i18n import label, t
from screens.base import PaletteCommand, ViewScreen
from screens.bindings import bindings_for
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.meeting_add import AddItemDialog
from screens.dialogs.meeting_forms import MeetingCreateDialog, TimeboxDialog
from screens.fmt import clip, column_widths
from screens.meeting_export import ExportFlow
from screens.meeting_run import MeetingRunScreen
from screens.minutes_text import packed
from screens.widgets.keyed import sync_table

# (column, least width in cells, or None to keep it whole): the agenda's columns share the
# table's width by what they hold, the decision taking what is left
AGENDA_COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("no", None),
    ("subject", 16),
    ("reason", 10),
    ("timebox", None),
    ("decision", 24),
)


class AgendaTable(DataTable[Any]):
    class Resized(Message):
        """The table's width changed: its columns share the new width."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())


def agenda_cells(index: int, item: AgendaRow) -> tuple[str, ...]:
    """One agenda row, as on paper: number, subject, reason, time box, decision."""
    return (
        str(index),
        item.subject,
        label(item.reason),
        t("minutes.minutes", n=item.timebox_minutes),
        item.decision or "",
    )


class MeetingsScreen(ViewScreen, ExportFlow):
    VIEW_ID = "meetings"
    CSS_PATH = "meetings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("meetings")

    def __init__(self) -> None:
        super().__init__()
        self.meetings: list[MeetingRow] = []
        self.view: MeetingView | None = None
        self._want_meeting: str | None = None
        self._want_item: str | None = None
        self._agenda_widths: list[int] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="meeting-list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="meeting-head")
        yield AgendaTable(id="agenda", cursor_type="row")
        yield Static("", id="agenda-detail")

    def on_mount(self) -> None:
        meetings = self.query_one("#meeting-list", DataTable)
        meetings.add_columns(
            *(t(f"meetings.col.{c}") for c in ("when", "kind", "status", "facilitator", "items"))
        )
        meetings.focus()
        super().on_mount()

    # -- data ----------------------------------------------------------------------------------

    @property
    def meeting_id(self) -> str | None:
        table = self.query_one("#meeting-list", DataTable)
        if not self.meetings or table.cursor_row >= len(self.meetings):
            return None
        return self.meetings[table.cursor_row].id

    @property
    def item(self) -> AgendaRow | None:
        table = self.query_one("#agenda", DataTable)
        if self.view is None or not self.view.items or table.cursor_row >= len(self.view.items):
            return None
        return self.view.items[table.cursor_row]

    @property
    def editable(self) -> bool:
        return self.view is not None and self.view.meeting.status is not MeetingStatus.DONE

    def refresh_data(self) -> None:
        self.read(list_meetings, on_done=self._got_meetings)

    def _got_meetings(self, meetings: list[MeetingRow]) -> None:
        table = self.query_one("#meeting-list", DataTable)
        want = self._want_meeting
        self.meetings = meetings
        tz = self._tz
        # keyed and changed in place: the cursor stays on its meeting, the scroll where it was
        sync_table(
            table,
            [
                (
                    m.id,
                    (
                        m.scheduled_at.astimezone(tz).strftime("%m-%d %H:%M"),
                        label(m.kind),
                        label(m.status),
                        m.facilitator,
                        t("meetings.items_value", n=m.items, decided=m.decided),
                    ),
                )
                for m in meetings
            ],
        )
        ids = [m.id for m in meetings]
        if want in ids:
            table.move_cursor(row=ids.index(want))
        self._want_meeting = None
        self._load_meeting()

    def _load_meeting(self) -> None:
        meeting_id = self.meeting_id
        if meeting_id is None:
            self.view = None
            self._show_view()
            return
        self.read(meeting_view, meeting_id, on_done=self._got_view, group="read-meeting")

    def _got_view(self, view: MeetingView) -> None:
        if view.meeting.id != self.meeting_id:
            return
        table = self.query_one("#agenda", DataTable)
        want = self._want_item
        if self.view is not None and self.view.meeting.id != view.meeting.id:
            table.clear()  # another meeting's agenda: it opens at its top
        self.view = view
        self._fill_agenda()
        ids = [i.id for i in view.items]
        if want in ids:
            table.move_cursor(row=ids.index(want))
        self._want_item = None
        self._show_view()

    def _fill_agenda(self) -> None:
        """The agenda's rows in columns that share the table's width (a cut shows …)."""
        table = self.query_one("#agenda", DataTable)
        items = self.view.items if self.view is not None else []
        cells = [list(agenda_cells(index, item)) for index, item in enumerate(items, start=1)]
        header = [t(f"meetings.col.{name}") for name, _least in AGENDA_COLUMNS]
        padding = 2 * table.cell_padding * len(header) + table.styles.scrollbar_size_vertical
        widths = column_widths(
            max(table.size.width - padding, 0), header, cells, [least for _name, least in AGENDA_COLUMNS]
        )
        if widths != self._agenda_widths:  # new columns
            self._agenda_widths = widths
            table.clear(columns=True)
            for name, width in zip(header, widths, strict=True):
                table.add_column(clip(name, width), width=width)
        # keyed and changed in place: the cursor stays on its item, the scroll where it was
        sync_table(
            table,
            [
                (item.id, tuple(Text(clip(c, w)) for c, w in zip(row, widths, strict=True)))
                for item, row in zip(items, cells, strict=True)
            ],
        )

    def on_agenda_table_resized(self) -> None:
        if self.view is not None:  # the columns share the new width
            self._fill_agenda()

    def _show_view(self) -> None:
        head = self.query_one("#meeting-head", Static)
        detail = self.query_one("#agenda-detail", Static)
        view = self.view
        if view is None:
            head.update(t("meetings.none"))
            detail.update("")
            self.refresh_bindings()
            return
        m = view.meeting
        title = m.title or label(m.kind)
        head.update(
            t(
                "meetings.head",
                title=title,
                when=m.scheduled_at.astimezone(self._tz).strftime("%Y-%m-%d %H:%M"),
                facilitator=m.facilitator,
                status=label(m.status),
                n=len(view.items),
                minutes=view.total_minutes,
            )
        )
        self._show_item()
        self.refresh_bindings()

    def _show_item(self) -> None:
        detail = self.query_one("#agenda-detail", Static)
        item = self.item
        if self.view is None or item is None:
            detail.update(t("meetings.empty_agenda") if self.view is not None else "")
            return
        detail.update(packed(item_lines(item, stage_of(self.view))))

    @on(DataTable.RowHighlighted, "#meeting-list")
    def _meeting_moved(self) -> None:
        if self.view is None or self.view.meeting.id != self.meeting_id:
            self._load_meeting()

    @on(DataTable.RowHighlighted, "#agenda")
    def _item_moved(self) -> None:
        self._show_item()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#meeting-list")
    def _into_agenda(self) -> None:
        self.query_one("#agenda", DataTable).focus()

    @on(DataTable.RowSelected, "#agenda")
    def _item_selected(self) -> None:
        self.action_open_item_case()

    @property
    def _tz(self) -> Any:
        return self.desk.settings.tz

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_item", "propose"):
            return self.editable
        if action in ("remove_item", "move", "timebox"):
            return self.editable and self.item is not None
        if action in ("run", "export"):
            return self.view is not None
        if action == "open_item_case":
            return self.item is not None and self.item.case_id is not None
        return True

    def action_new_meeting(self) -> None:
        self.read(departments, on_done=self._create_with)

    def _create_with(self, refs: Any) -> None:
        invited_modes = {StationingMode.RESIDENT.value, StationingMode.AREA.value}
        rows = [(d.code, d.name, d.mode in invited_modes) for d in refs]
        dialog = MeetingCreateDialog(
            departments=rows,
            facilitator=self.desk.operator or "",
            now=self.desk.now(),
            tz=self._tz,
            submit=lambda values, done, error: self.run_command(
                mt.create_with_agenda, on_done=done, on_error=error, **values
            ),
        )
        self.app.push_screen(dialog, self._created)

    def _created(self, meeting_id: str | None) -> None:
        if meeting_id:
            self._want_meeting = meeting_id
            self.query_one("#agenda", DataTable).focus()
            self.notify(t("meetings.created"))
            self.refresh_data()

    def action_propose(self) -> None:
        if self.view is not None:
            self.run_command(mt.propose, self.view.meeting.id, on_done=self._proposed)

    def _proposed(self, added: list[str]) -> None:
        self.notify(t("meetings.proposed", n=len(added)))
        self.refresh_data()

    def action_add_item(self) -> None:
        if self.view is None:
            return
        meeting_id = self.view.meeting.id

        def search(text: str, done: Any) -> None:
            self.read(find_cases, text, on_done=done, group="read-find-cases")

        def added(values: dict[str, Any] | None) -> None:
            if values:
                self.run_command(
                    mt.add_item, meeting_id, reason=AgendaReason.MANUAL, **values, on_done=self._added
                )

        self.app.push_screen(AddItemDialog(search), added)

    def _added(self, item_id: str) -> None:
        self._want_item = item_id
        self.refresh_data()

    def action_remove_item(self) -> None:
        item = self.item
        if item is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_command(mt.remove_item, item.id, on_done=lambda _: self.refresh_data())

        self.app.push_screen(
            ConfirmDialog(t("meetings.remove_title"), item.subject, warning=t("meetings.remove_warning")),
            confirmed,
        )

    def action_move(self, step: int) -> None:
        item, view = self.item, self.view
        if item is None or view is None:
            return
        order = [i.id for i in view.items]
        at = order.index(item.id)
        to = at + step
        if not 0 <= to < len(order):
            return
        order[at], order[to] = order[to], order[at]
        self._want_item = item.id
        self.run_command(mt.reorder, view.meeting.id, order, on_done=lambda _: self.refresh_data())

    def action_timebox(self) -> None:
        item = self.item
        if item is None:
            return
        dialog = TimeboxDialog(
            item.subject,
            item.timebox_minutes,
            submit=lambda values, done, error: self.run_command(
                mt.set_timebox, item.id, values["minutes"], on_done=done, on_error=error
            ),
        )
        self._want_item = item.id
        self.app.push_screen(dialog, lambda _: self.refresh_data())

    def action_run(self) -> None:
        view = self.view
        if view is None:
            return
        self.app.push_screen(MeetingRunScreen(view.meeting.id))

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = [
            (t("cmd.meeting_new"), t("key.meeting_new"), self.action_new_meeting)
        ]
        if self.view is not None:
            commands += [
                (t("cmd.meeting_run"), t("key.meeting_run"), self.action_run),
                (t("cmd.meeting_export"), t("key.meeting_export"), self.action_export),
            ]
            if self.editable:
                commands.append((t("cmd.meeting_propose"), t("key.meeting_propose"), self.action_propose))
        return commands
