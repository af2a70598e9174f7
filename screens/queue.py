"""View 1, the live queue: open cases, most urgent first, with every summoned department's
clock counting on screen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from functools import cached_property
from typing import Any, ClassVar

from sqlalchemy import Connection
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Input, Static

from data.read.queue import (
    QueueFilter,
    filter_choices,
    position_of,
    queue_counts,
    queue_window,
    review_due_count,
)
from data.write.commands.cases import receive_case
from models.i18n import t
from screens.base import PaletteCommand, ViewScreen
from screens.bindings import bindings_for
from screens.dialogs.intake import IntakeDialog, read_intake_lookups
from screens.messages import Tick
from screens.queue_filter import FilterDialog, describe
from screens.widgets.queue_view import QueueView, Snapshot, WindowRequest


def read_window(conn: Connection, now: datetime, request: WindowRequest) -> Snapshot:
    """Everything one refresh of the table needs, in one read transaction."""
    counts = request.counts or queue_counts(conn, now, request.filter)
    cursor, scroll = request.cursor, request.scroll
    if request.cursor_case is not None:
        found = position_of(conn, now, request.filter, counts, request.cursor_case)
        if found is not None:
            scroll += found - cursor
            cursor = found
    last = max(counts.total - 1, 0)
    cursor = min(max(cursor, 0), last)
    scroll = min(max(scroll, 0, cursor - request.height + 1), cursor, max(counts.total - request.height, 0))
    start = max(scroll - request.size // 4, 0)
    window = queue_window(conn, now, request.filter, start, request.size, counts)
    return Snapshot(window, cursor, scroll, now)


class QueueScreen(ViewScreen):
    VIEW_ID = "queue"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("queue")

    def __init__(self) -> None:
        super().__init__()
        self.communities: list[str] = []
        self.stations: list[str] = []
        self.review_due = 0
        self.review_day: date | None = None
        """The day the count of parked cases due for review was read for."""
        self._bindings_for: tuple[bool, bool, bool] | None = None
        self._counts_shown: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="queue-filters")
        yield QueueView(self._load_window, tz=self.desk.settings.tz, id="queue-view")
        yield Input(placeholder=t("queue.search_placeholder"), id="queue-search")

    @cached_property
    def view(self) -> QueueView:
        """The table, found once (it stays): every key asked the screen for it several times
        (the footer's checks, the counts line, the tick)."""
        return self.query_one(QueueView)

    @cached_property
    def _search_box(self) -> Input:
        return self.query_one("#queue-search", Input)

    @cached_property
    def _filters_bar(self) -> Static:
        return self.query_one("#queue-filters", Static)

    def on_mount(self) -> None:
        self.view.focus()

    async def _load_window(self, request: WindowRequest) -> Snapshot | None:
        service = self.service
        if service is None:
            return None
        return await service.db.run_read(read_window, self.desk.now(), request)

    def refresh_data(self) -> None:
        service = self.service
        if service is None:
            return
        self.view.calendar = service.rules.calendar
        self.view.tz = service.settings.tz
        self.view.reload()
        self.read(filter_choices, on_done=self._got_choices)
        self._read_review_due(self.desk.now())

    def _read_review_due(self, now: datetime) -> None:
        self.review_day = now.astimezone(self.desk.settings.tz).date()
        self.read(review_due_count, self.review_day, on_done=self._got_review_due)

    def _got_review_due(self, n: int) -> None:
        self.review_due = n
        self._show_counts()

    def _got_choices(self, choices: dict[str, list[str]]) -> None:
        self.communities = choices["community"]
        self.stations = choices["station"]
        several = len(self.stations) > 1 or self.view.filter.station is not None
        if several != self.view.stations:
            self.view.stations = several
            self.view.reload()

    def on_tick(self, message: Tick) -> None:
        self.view.tick(message.now)
        if (
            self.review_day is not None
            and message.now.astimezone(self.desk.settings.tz).date() != self.review_day
        ):
            self._read_review_due(message.now)  # past midnight more reviews may be due

    @on(QueueView.WindowLoaded)
    def _show_counts(self) -> None:
        counts = self.view.counts
        line = t("queue.counts", total=counts.total, overdue=counts.overdue)
        if self.review_due:  # parked cases whose review date has come are the desk's again
            line += " · " + t("queue.review_count", n=self.review_due)
        active = describe(self.view.filter, self.communities)
        if active:
            line += "  " + t("queue.filtered", filters=active)
        bar = self._filters_bar
        if line != self._counts_shown:  # a window read while scrolling counts the same: an
            # update lays the screen out again (~5 ms of a key at scale)
            self._counts_shown = line
            bar.update(line)
        bar.set_class(bool(active), "-active")
        # the footer is rebuilt only when what check_action answers changed (a rebuild costs
        # more than the window read itself at scale)
        searching = self._search_box.has_class("-open")
        shown = (self.view.cursor_row is not None, self.view.filter.active, searching)
        if shown != self._bindings_for:
            self._bindings_for = shown
            self.refresh_bindings()

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_case":
            return self.view.cursor_row is not None
        if action == "clear_filters":
            return self.view.filter.active
        if action == "close_search":
            return self._search_box.has_class("-open")
        return True

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "clear_filters":
            return t("refuse.no_filter")
        if action == "open_case":
            return t("refuse.no_case")
        return super().refusal(action, parameters)

    def action_intake(self) -> None:
        """Read the lookups, then show the form; a new case opens in its detail."""
        if self.service is None:
            self.notify(t("app.not_ready"), severity="warning")
            return
        self.read(read_intake_lookups, on_done=self._show_intake, group="intake-lookups")

    def _show_intake(self, lookups: tuple[tuple[str, ...], dict[str, str]]) -> None:
        service = self.service
        if service is None:
            return
        communities, names = lookups

        def submit(values: dict[str, Any], done: Any, fail: Any) -> None:
            self.run_command(receive_case, **values, on_done=done, on_error=fail)

        dialog = IntakeDialog(service.settings, names, communities, submit=submit)
        self.app.push_screen(dialog, self._intake_done)

    def _intake_done(self, case_id: str | None) -> None:
        if case_id:
            self.open_case(case_id)

    def action_open_case(self) -> None:
        self.view.action_select()

    def action_search(self) -> None:
        search = self._search_box
        search.value = self.view.filter.search
        search.add_class("-open")
        search.focus()

    @on(Input.Submitted, "#queue-search")
    def _search(self, event: Input.Submitted) -> None:
        self._close_search()
        self.view.set_filter(replace(self.view.filter, search=event.value.strip()))

    def _close_search(self) -> None:
        self._search_box.remove_class("-open")
        self.view.focus()

    def action_close_search(self) -> None:
        self._close_search()

    def action_filter(self) -> None:
        dialog = FilterDialog(self.view.filter, self.communities, self.stations)
        self.app.push_screen(dialog, self._filtered)

    def _filtered(self, flt: QueueFilter | None) -> None:
        if flt is not None:
            self.view.set_filter(flt)

    def action_clear_filters(self) -> None:
        self.view.set_filter(QueueFilter())

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = [
            (t("cmd.queue_search"), t("cmd.queue_search_help"), self.action_search),
            (t("cmd.queue_filter"), t("cmd.queue_filter_help"), self.action_filter),
        ]
        if self.view.filter.active:
            commands.append((t("cmd.queue_clear"), t("cmd.queue_clear_help"), self.action_clear_filters))
        row = self.view.cursor_row
        if row is not None:
            commands.append(
                (t("cmd.case_open", number=row.number), t("cmd.case_open_help"), self.action_open_case)
            )
        return commands
