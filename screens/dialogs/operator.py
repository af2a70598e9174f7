"""Who is at the desk, asked at start when ``--operator`` was not given."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from models.i18n import t


class OperatorPicker(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="operator-dialog", classes="dialog"):
            yield Static(t("operator.title"), classes="dialog-title")
            if self.names:
                yield OptionList(*[Option(name, id=name) for name in self.names], id="operator-list")
            yield Input(placeholder=t("operator.new"), id="operator-name")
            yield Static("", id="operator-error", classes="field-error")
            yield Static(t("operator.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        # the list first, when there is one: most shifts start with a known name
        if self.names:
            listing = self.query_one("#operator-list", OptionList)
            listing.highlighted = 0
            listing.focus()
        else:
            self.query_one("#operator-name", Input).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.query_one("#operator-error", Static).update(t("operator.empty"))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
