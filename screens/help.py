"""``?``: every key that applies on the screen below, from the binding registry."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from models.i18n import t
from screens.bindings import retranslate


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", show=False)]

    def __init__(self) -> None:
        super().__init__()
        retranslate(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(t("help.title"), classes="dialog-title")
            yield Static(self._table(), id="help-keys")
            yield Static(t("help.close"), classes="dialog-hint")

    def _table(self) -> str:
        app: Any = self.app
        below = app.screen_stack[-2] if len(app.screen_stack) > 1 else app.screen
        rows: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for node in (below, app):
            for _key, binding in node._bindings:
                if not binding.description or not binding.id:
                    continue  # Textual's own (untranslated) keys carry no id of ours
                keys = binding.key_display or app.get_key_display(binding)
                row = (keys, binding.description)
                if row not in seen:
                    seen.add(row)
                    rows.append(row)
        width = max((len(k) for k, _ in rows), default=4) + 2
        return "\n".join(f"{k.ljust(width)}{d}" for k, d in rows)

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(result)
