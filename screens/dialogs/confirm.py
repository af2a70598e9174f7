"""A confirmation for what cannot be undone: y/enter confirms, n/esc cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from models.i18n import t
from screens.bindings import CatalogueBindings, bindings_for


class ConfirmDialog(CatalogueBindings[bool], ModalScreen[bool]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("confirm")

    def __init__(self, title: str, message: str, *, warning: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.warning = warning or t("confirm.cannot_undo")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.message, id="confirm-message")
            yield Static(self.warning, classes="confirm-warning")
            yield Static(t("confirm.hint"), classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
