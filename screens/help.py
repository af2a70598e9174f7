"""``?``: every key that applies on the screen below, as the app hands them in (from the
binding registry, with the keymap applied)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from models.i18n import t

LEGENDS = {
    "queue": ("help.legend.queue",),
    "board": ("help.legend.board", "help.legend.board_ladder"),
}
"""The views whose rows abbreviate: their legend's catalogue keys, one paragraph each."""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", show=False)]

    def __init__(self, rows: list[tuple[str, str]], view_id: str = "") -> None:
        super().__init__()
        self.rows = rows
        """(keys, description) of each binding, in the order shown."""
        self.legend = "\n".join(t(key) for key in LEGENDS.get(view_id, ()))
        """How to read the screen's abbreviations and marks, for the views that have them."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(t("help.title"), classes="dialog-title")
            yield Static(self._table(), id="help-keys")
            if self.legend:
                yield Static(t("help.legend_title"), classes="dialog-title", id="help-legend-title")
                yield Static(self.legend, id="help-legend")
            yield Static(t("help.close"), classes="dialog-hint")

    def _table(self) -> str:
        width = max((len(k) for k, _ in self.rows), default=4) + 2
        return "\n".join(f"{k.ljust(width)}{d}" for k, d in self.rows)

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(result)
