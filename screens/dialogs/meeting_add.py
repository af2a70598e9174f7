"""Add an agenda item by hand: a case found by number or words, or a free topic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from data.read.meetings import CaseHit
from models.i18n import label, t
from screens.bindings import CatalogueBindings, bindings_for
from screens.fmt import pad

Search = Callable[[str, Callable[[list[CaseHit]], None]], None]
DEFAULT_TIMEBOX = 10


class AddItemDialog(CatalogueBindings[dict[str, Any] | None], ModalScreen[dict[str, Any] | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("meeting.add")

    def __init__(self, search: Search) -> None:
        super().__init__(id="meeting-add")
        self.search = search
        self.hits: list[CaseHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog"):
            yield Static(t("meetings.add.title"), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield Label(t("meetings.add.case"), classes="form-label")
                yield Input(placeholder=t("meetings.add.case_placeholder"), id="f-find", compact=True)
            yield OptionList(id="add-hits")
            with Horizontal(classes="form-row"):
                yield Label(t("meetings.add.topic"), classes="form-label")
                yield Input(placeholder=t("meetings.add.topic_placeholder"), id="f-topic", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(t("meetings.form.timebox"), classes="form-label")
                yield Input(str(DEFAULT_TIMEBOX), id="f-timebox", type="integer", compact=True)
            yield Static("", id="e-form", classes="field-error form-error")
            yield Static(t("meetings.add.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#f-find", Input).focus()

    @on(Input.Changed, "#f-find")
    def _find(self, event: Input.Changed) -> None:
        self.search(event.value, self._found)

    def _found(self, hits: list[CaseHit]) -> None:
        self.hits = hits
        options = self.query_one("#add-hits", OptionList)
        options.clear_options()
        options.add_options(
            Option(f"{h.number}  {pad(label(h.status), 8)} {h.community}{h.address}", id=h.id) for h in hits
        )
        if hits:
            options.highlighted = 0

    @on(Input.Submitted, "#f-find")
    def _to_hits(self, event: Input.Submitted) -> None:
        event.stop()
        if self.hits:
            self.query_one("#add-hits", OptionList).focus()

    @on(OptionList.OptionSelected, "#add-hits")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._done({"case_id": event.option.id})

    @on(Input.Submitted, "#f-topic")
    def _topic(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def _timebox(self) -> int | None:
        text = self.query_one("#f-timebox", Input).value.strip()
        try:
            minutes = int(text or DEFAULT_TIMEBOX)
        except ValueError:
            minutes = 0
        if minutes <= 0:
            self._error(t("error.bad_timebox"))
            return None
        return minutes

    def _error(self, message: str) -> None:
        error = self.query_one("#e-form", Static)
        error.update(message)
        error.add_class("-shown")

    def _done(self, values: dict[str, Any]) -> None:
        minutes = self._timebox()
        if minutes is not None:
            self.dismiss({**values, "timebox_minutes": minutes})

    def action_submit(self) -> None:
        topic = self.query_one("#f-topic", Input).value.strip()
        options = self.query_one("#add-hits", OptionList)
        if topic:
            self._done({"topic": topic})
        elif options.highlighted is not None and self.hits and options.has_focus:
            self._done({"case_id": self.hits[options.highlighted].id})
        else:
            self._error(t("error.item_needs_subject"))

    def action_cancel(self) -> None:
        self.dismiss(None)
