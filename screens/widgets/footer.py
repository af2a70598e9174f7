"""The desk's footer: the screen's keys on one line, whole entries only.

Textual's own footer lays its keys side by side and the terminal's edge cuts the last one
mid-word (``l Relea``, ``v 挂起/``). This one draws the line itself: in ``render`` it takes as
many whole entries as the width holds and, when some are left out, ends with ``…`` (the rest
are in ``?`` and ``:``). It repaints when the screen's keys change; it composes nothing, so a
repaint cannot announce new keys and start over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.widget import Widget

MORE = "…"


@dataclass(frozen=True)
class FooterEntry:
    """One thing the footer shows: a key and what it does, or a group's keys and its word."""

    keys: tuple[str, ...]
    """Keys as shown (``?``, ``⏎``, ``1`` …)."""
    presses: tuple[str, ...]
    """The key each of ``keys`` stands for, as Textual names it (a click presses it)."""
    description: str
    enabled: bool = True

    @property
    def key_text(self) -> str:
        return " " + " ".join(self.keys) + " "

    @property
    def description_text(self) -> str:
        return self.description + " " if self.description else ""

    @property
    def width(self) -> int:
        return cell_len(self.key_text) + cell_len(self.description_text)


def footer_entries(
    active: Iterable[ActiveBinding], key_display: Callable[[Binding], str]
) -> list[FooterEntry]:
    """The shown bindings in order, one entry per action (its first key), and the keys of a
    group that follow each other under the group's one word (``1 2 3 4 5 视图``)."""
    by_action: dict[str, tuple[Binding, bool]] = {}
    for _node, binding, enabled, _tooltip in active:
        if binding.show:
            by_action.setdefault(binding.action, (binding, enabled))
    entries: list[FooterEntry] = []
    for group, run_of in groupby(by_action.values(), lambda item: item[0].group):
        members = list(run_of)
        if group is not None and len(members) > 1:
            entries.append(
                FooterEntry(
                    tuple(key_display(binding) for binding, _ in members),
                    tuple(binding.key for binding, _ in members),
                    group.description,
                    any(enabled for _, enabled in members),
                )
            )
            continue
        for binding, enabled in members:
            entries.append(FooterEntry((key_display(binding),), (binding.key,), binding.description, enabled))
    return entries


def fit(entries: list[FooterEntry], width: int) -> tuple[list[FooterEntry], bool]:
    """The entries that fit whole in ``width`` cells, first ones first, and whether some were
    left out (then the ones kept leave room for a closing `` …``)."""
    if sum(entry.width for entry in entries) <= width:
        return entries, False
    room = width - cell_len(" " + MORE)
    kept: list[FooterEntry] = []
    for entry in entries:
        if entry.width > room:
            break
        kept.append(entry)
        room -= entry.width
    return kept, True


def _key_at(entry: FooterEntry, cell: int) -> int:
    """Which of an entry's keys the cell (counted from the entry's left) belongs to."""
    right = 1
    for index, key in enumerate(entry.keys):
        right += cell_len(key) + 1
        if cell < right:
            return index
    return len(entry.keys) - 1


class DeskFooter(Widget, can_focus=False):
    """The keys of the screen it is on; styles in ``tui/app.tcss``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "desk-footer--key",
        "desk-footer--description",
        "desk-footer--disabled",
    }

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._keys_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _keys_changed(self, _screen: Screen[object]) -> None:
        self.refresh()

    def entries(self) -> list[FooterEntry]:
        return footer_entries(self.screen.active_bindings.values(), self.app.get_key_display)

    def render(self) -> Text:
        shown, cut = fit(self.entries(), self.size.width)
        key_style = self.get_component_rich_style("desk-footer--key")
        description_style = self.get_component_rich_style("desk-footer--description")
        disabled = self.get_component_rich_style("desk-footer--disabled", partial=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        for entry in shown:
            extra = disabled if not entry.enabled else Style()
            line.append(entry.key_text, key_style + extra)
            line.append(entry.description_text, description_style + extra)
        if cut:
            line.append(" " + MORE, description_style)
        return line

    def on_click(self, event: events.Click) -> None:
        shown, _cut = fit(self.entries(), self.size.width)
        left = 0
        for entry in shown:
            right = left + entry.width
            if left <= event.x < right:
                if not entry.enabled:
                    self.app.bell()
                    return
                self.app.simulate_key(entry.presses[_key_at(entry, event.x - left)])
                return
            left = right
