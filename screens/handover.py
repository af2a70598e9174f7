"""View 6, 交接班: what the outgoing operator hands over (running clocks, overdue check-ins,
summons awaited, parked cases due for review, meeting follow-ups due) with a note; ``o`` opens
the handover, ``a`` acknowledges the one awaiting its incoming operator; past handovers are
listed below and reread with Enter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Static

from data.read.handover import REASONS, Gathered, HandoverRow, Named, awaiting, gather, handover, handovers
from data.write.commands.handover import acknowledge_handover, open_handover
from models.i18n import t
from screens.base import PaletteCommand, ViewScreen
from screens.bindings import bindings_for


@dataclass(frozen=True)
class Loaded:
    gathered: Gathered
    past: list[HandoverRow]
    pending: HandoverRow | None


def load(conn: Any, now: datetime, tz: ZoneInfo, shifts: Sequence[time]) -> Loaded:
    return Loaded(gather(conn, now, tz, shifts=shifts), handovers(conn), awaiting(conn))


def _when(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%m-%d %H:%M") if at is not None else "—"


def body_lines(items: tuple[Named, ...]) -> list[str]:
    """The named items, section by section (a section with nothing says so)."""
    out: list[str] = []
    for why in REASONS:
        named = [i for i in items if i.why == why]
        out.append(t("handover.print.section", why=t(f"handover.why.{why}"), n=len(named)))
        out += [t("handover.view.item", number=i.number, detail=i.detail) for i in named]
    return out


class HandoverScreen(ViewScreen):
    VIEW_ID = "handover"
    CSS_PATH = "handover.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("handover")

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Loaded | None = None
        self.shown: HandoverRow | None = None
        """The past handover being reread (None: what would be handed over now)."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="handover-head")
        with VerticalScroll(id="handover-body"):
            yield Static("", id="handover-text")
        yield Input(placeholder=t("handover.view.note_placeholder"), id="handover-note", max_length=2000)
        yield DataTable(id="handover-list", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#handover-list", DataTable)
        table.add_columns(
            t("handover.col.opened"),
            t("handover.col.by"),
            t("handover.col.acknowledged"),
            t("handover.col.note"),
        )
        table.focus()
        super().on_mount()

    @property
    def tz(self) -> ZoneInfo:
        return self.desk.settings.tz

    # -- data ----------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        self.read(load, self.desk.now(), self.tz, self.desk.settings.shift_starts, on_done=self._loaded)

    def _loaded(self, loaded: Loaded) -> None:
        self.loaded = loaded
        table = self.query_one("#handover-list", DataTable)
        table.clear()
        for row in loaded.past:
            ack = (
                f"{_when(row.acknowledged_at, self.tz)} {row.acknowledged_by}"
                if row.acknowledged
                else t("handover.print.not_yet")
            )
            table.add_row(_when(row.opened_at, self.tz), row.opened_by, ack, row.note[:30], key=row.id)
        self._show()

    def _incoming(self) -> HandoverRow | None:
        """The handover this operator may acknowledge (another's, not acknowledged yet)."""
        pending = self.loaded.pending if self.loaded else None
        if pending is None or pending.opened_by == self.desk.operator:
            return None
        return pending

    def _show(self) -> None:
        head = self.query_one("#handover-head", Static)
        text = self.query_one("#handover-text", Static)
        loaded = self.loaded
        if loaded is None:
            return
        incoming = self._incoming()
        head.set_class(incoming is not None, "-pending")
        shown = self.shown or incoming
        if shown is not None:
            if incoming is not None and shown.id == incoming.id:
                head.update(
                    t("handover.view.to_acknowledge", by=shown.opened_by, at=_when(shown.opened_at, self.tz))
                )
            else:
                head.update(t("handover.view.reread", by=shown.opened_by, at=_when(shown.opened_at, self.tz)))
            note = [t("handover.view.note", note=shown.note)] if shown.note else []
            text.update("\n".join([*note, *body_lines(shown.items)]))
            return
        if loaded.pending is not None:
            head.update(t("handover.view.awaiting", at=_when(loaded.pending.opened_at, self.tz)))
        else:
            head.update(t("handover.view.now", n=len(loaded.gathered.items)))
        text.update("\n".join(body_lines(loaded.gathered.items)))

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            return None if self._incoming() is None else True
        return True

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "acknowledge":
            return t("handover.view.nothing_to_acknowledge")
        return None

    def action_open_handover(self) -> None:
        note = self.query_one("#handover-note", Input).value

        def done(_handover_id: Any) -> None:
            self.query_one("#handover-note", Input).value = ""
            self.shown = None
            self.notify(t("handover.view.opened"))
            self.refresh_data()

        self.run_command(open_handover, note=note, on_done=done)

    def action_acknowledge(self) -> None:
        incoming = self._incoming()
        if incoming is None:
            return

        def done(_result: Any) -> None:
            self.shown = None
            self.notify(t("handover.view.acknowledged", by=incoming.opened_by))
            self.refresh_data()

        self.run_command(acknowledge_handover, incoming.id, on_done=done)

    def action_edit_note(self) -> None:
        self.query_one("#handover-note", Input).focus()

    def action_show_current(self) -> None:
        self.shown = None
        self._show()

    @on(Input.Submitted, "#handover-note")
    def _note_done(self) -> None:
        self.query_one("#handover-list", DataTable).focus()

    @on(DataTable.RowSelected, "#handover-list")
    def _reread(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key is not None:
            self.read(handover, key, on_done=self._reread_loaded)

    def _reread_loaded(self, row: HandoverRow) -> None:
        self.shown = row
        self._show()

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = [
            (t("handover.cmd.open"), t("handover.cmd.open_help"), self.action_open_handover)
        ]
        if self._incoming() is not None:
            commands.append(
                (t("handover.cmd.acknowledge"), t("handover.cmd.acknowledge_help"), self.action_acknowledge)
            )
        return commands
