"""Key bindings as data: one registry of every binding with an id, its default key(s), the
catalogue key of its description and the scope it belongs to.

A screen builds its ``BINDINGS`` with :func:`for_scope`, which also records its specs here, so
the README key table (``tui/keys_doc.py``) and the help screen read the same registry. The
settings file's ``[keymap]`` section maps binding ids to keys; the app hands it to Textual's
own keymap, which substitutes keys by binding id on every screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingsMap, BindingType
from textual.dom import DOMNode

from models.i18n import t

APP_SCOPE = "app"
NAV_SCOPE = "nav"
# Keys terminals swallow or send as something else (ctrl+m is enter, ctrl+i tab …).
RESERVED_KEYS = frozenset({"ctrl+m", "ctrl+j", "ctrl+i", "ctrl+h"})


@dataclass(frozen=True)
class KeySpec:
    id: str
    keys: str
    """Default key or comma-separated keys, in Textual's key names."""
    action: str
    description: str
    """Catalogue key of the description."""
    show: bool = True
    priority: bool = False
    key_display: str | None = None

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            t(self.description),
            show=self.show,
            priority=self.priority,
            key_display=self.key_display,
            id=self.id,
        )


REGISTRY: dict[str, list[KeySpec]] = {}


def for_scope(scope: str, specs: list[KeySpec]) -> list[BindingType]:
    """Record ``specs`` under ``scope`` and return them as Textual bindings."""
    for spec in specs:
        bad = RESERVED_KEYS.intersection(k.strip() for k in spec.keys.split(","))
        if bad:
            raise ValueError(f"binding {spec.id!r} uses keys terminals swallow: {sorted(bad)}")
    known = {s.id: s for s in REGISTRY.get(scope, [])}
    known.update({s.id: s for s in specs})
    REGISTRY[scope] = list(known.values())
    return [spec.binding() for spec in specs]


def spec_by_id(binding_id: str) -> KeySpec | None:
    for specs in REGISTRY.values():
        for spec in specs:
            if spec.id == binding_id:
                return spec
    return None


def effective_keys(spec: KeySpec, keymap: dict[str, str]) -> str:
    return keymap.get(spec.id, spec.keys)


def retranslate(node: DOMNode) -> None:
    """Descriptions are read from the catalogue when a node is built, not when its class was
    imported, so that a language chosen after import still shows in the footer."""
    bindings: BindingsMap = node._bindings
    for key, items in bindings.key_to_bindings.items():
        fresh = []
        for item in items:
            spec = spec_by_id(item.id) if item.id else None
            fresh.append(
                Binding(
                    item.key,
                    item.action,
                    t(spec.description) if spec else item.description,
                    show=item.show,
                    key_display=item.key_display,
                    priority=item.priority,
                    tooltip=item.tooltip,
                    id=item.id,
                    system=item.system,
                    group=item.group,
                )
            )
        bindings.key_to_bindings[key] = fresh


APP_KEYS = [
    KeySpec("view.queue", "1", "view('queue')", "key.view_queue"),
    KeySpec("view.board", "2", "view('board')", "key.view_board"),
    KeySpec("view.meetings", "3", "view('meetings')", "key.view_meetings"),
    KeySpec("view.reinspections", "4", "view('reinspections')", "key.view_reinspections"),
    KeySpec("view.reports", "5", "view('reports')", "key.view_reports"),
    KeySpec("help", "question_mark", "help", "key.help", key_display="?"),
    KeySpec("palette", "colon", "command_palette", "key.palette", key_display=":"),
    KeySpec("back", "escape", "go_back", "key.back", show=False),
    KeySpec("lock", "ctrl+l", "lock", "key.lock", show=False, priority=True),
    KeySpec("quit", "ctrl+q", "quit", "key.quit", show=False, priority=True),
]

NAV_KEYS = [
    KeySpec("cursor.down", "j", "cursor_down", "key.cursor_down", show=False),
    KeySpec("cursor.up", "k", "cursor_up", "key.cursor_up", show=False),
]

QUEUE_KEYS = [
    KeySpec("case.open", "enter", "open_case", "key.open_case"),
    KeySpec("case.intake", "n", "intake", "key.intake"),
    KeySpec("queue.search", "slash", "search", "key.search", key_display="/"),
    KeySpec("queue.filter", "f", "filter", "key.filter"),
    KeySpec("queue.clear", "x", "clear_filters", "key.clear_filters"),
]
