"""Key bindings as data: every binding of the desk, in one module, each with an id, its
default key(s), the catalogue key of its description and the scope it belongs to.

:data:`REGISTRY` lists every scope and its keys; nothing is added to it at import time, so the
README key table (``tui/keys_doc.py``), the help screen and the footer read the same list
whichever screens happen to be loaded. A screen takes its ``BINDINGS`` with
:func:`bindings_for`. The settings file's ``[keymap]`` section maps binding ids to keys; the app
hands it to Textual's own keymap (``App.set_keymap``), which substitutes keys by binding id on
every screen. Descriptions are looked up in the catalogue when they are shown
(:class:`CatalogueBindings`), so a language chosen after import still shows in the footer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from textual.binding import ActiveBinding, Binding, BindingType
from textual.screen import Screen

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
    group: str | None = None
    """Catalogue key of a footer group: its keys show side by side under this one word."""

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            t(self.description),
            show=self.show,
            priority=self.priority,
            key_display=self.key_display,
            id=self.id,
            group=Binding.Group(t(self.group)) if self.group else None,
        )


APP_KEYS = [
    KeySpec("view.queue", "1", "view('queue')", "key.view_queue", group="key.views"),
    KeySpec("view.board", "2", "view('board')", "key.view_board", group="key.views"),
    KeySpec("view.meetings", "3", "view('meetings')", "key.view_meetings", group="key.views"),
    KeySpec("view.reinspections", "4", "view('reinspections')", "key.view_reinspections", group="key.views"),
    KeySpec("view.reports", "5", "view('reports')", "key.view_reports", group="key.views"),
    KeySpec("view.handover", "6", "view('handover')", "key.view_handover", show=False),
    KeySpec("help", "question_mark", "help", "key.help", key_display="?"),
    KeySpec("palette", "colon", "command_palette", "key.palette", key_display=":"),
    # ctrl+p too (Textual adds its own only when no binding opens the palette); one footer key
    KeySpec("palette.ctrl_p", "ctrl+p", "command_palette", "key.palette", show=False),
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
    KeySpec("case.intake", "i", "intake", "key.intake"),
    KeySpec("queue.search", "slash", "search", "key.search", key_display="/"),
    KeySpec("queue.filter", "f", "filter", "key.filter"),
    KeySpec("queue.clear", "x", "clear_filters", "key.clear_filters"),
    KeySpec("queue.search_close", "escape", "close_search", "key.close_search", show=False),
]

TABLE_KEYS = [
    KeySpec("queue.down", "down", "cursor_down", "key.cursor_down", show=False),
    KeySpec("queue.up", "up", "cursor_up", "key.cursor_up", show=False),
    KeySpec("queue.page_down", "pagedown", "page_down", "key.page_down", show=False),
    KeySpec("queue.page_up", "pageup", "page_up", "key.page_up", show=False),
    KeySpec("queue.first", "home", "first", "key.first", show=False),
    KeySpec("queue.last", "end", "last", "key.last", show=False),
]

CASE_KEYS = [
    KeySpec("case.triage", "t", "case('triage')", "key.case_triage"),
    KeySpec("case.whistle", "w", "whistle", "key.case_whistle"),
    KeySpec("case.dispatch", "d", "case('dispatch')", "key.case_dispatch"),
    KeySpec("case.consult", "h", "case('consult')", "key.case_consult"),
    KeySpec("case.resume", "o", "case('resume')", "key.case_resume"),
    KeySpec("case.dispose", "p", "case('dispose')", "key.case_dispose"),
    KeySpec("case.feedback", "b", "feedback", "key.case_feedback"),
    KeySpec("case.close", "c", "close_case", "key.case_close"),
    KeySpec("case.reject", "r", "reject", "key.case_reject"),
    KeySpec("case.park", "z", "park", "key.case_park"),
    KeySpec("case.unpark", "u", "case('unpark')", "key.case_unpark"),
    KeySpec("case.linked", "g", "open_linked", "key.case_linked"),
    KeySpec("case.rewhistle", "W", "rewhistle", "key.case_rewhistle", key_display="W"),
]

CHECKIN_KEYS = [
    KeySpec("checkin.arrive", "a", "arrive", "key.checkin_arrive"),
    KeySpec("checkin.act", "e", "act", "key.checkin_act"),
    KeySpec("checkin.rate", "s", "rate", "key.checkin_rate"),
    KeySpec("checkin.release", "l", "release", "key.checkin_release"),
    KeySpec("checkin.pause", "v", "pause_clock", "key.checkin_pause"),
    KeySpec("checkin.extend", "plus", "extend_clock", "key.checkin_extend", key_display="+"),
]

CORRECT_KEYS = [KeySpec("record.correct", "C", "correct", "key.correct", key_display="C")]

BOARD_KEYS = [KeySpec("board.open", "enter", "open_selected", "key.open_case")]

MEETING_KEYS = [
    KeySpec("meeting.new", "n", "new_meeting", "key.meeting_new"),
    KeySpec("meeting.add", "a", "add_item", "key.meeting_add"),
    KeySpec("meeting.remove", "x,delete", "remove_item", "key.meeting_remove", key_display="x"),
    KeySpec("meeting.up", "K,shift+up", "move(-1)", "key.meeting_up", key_display="K"),
    KeySpec("meeting.down", "J,shift+down", "move(1)", "key.meeting_down", key_display="J"),
    KeySpec("meeting.timebox", "t", "timebox", "key.meeting_timebox"),
    KeySpec("meeting.propose", "p", "propose", "key.meeting_propose"),
    KeySpec("meeting.run", "r", "run", "key.meeting_run"),
    KeySpec("meeting.export", "e", "export", "key.meeting_export"),
    KeySpec("meeting.open_case", "o", "open_item_case", "key.meeting_open_case"),
]

RUN_KEYS = [
    KeySpec("run.next", "right,n", "step(1)", "key.run_next", key_display="→"),
    KeySpec("run.previous", "left,b", "step(-1)", "key.run_previous", key_display="←"),
    KeySpec("run.decide", "c", "decide", "key.run_decide"),
    KeySpec("run.attendance", "a", "attendance", "key.run_attendance"),
    KeySpec("run.followup_done", "f", "followup_done", "key.run_followup_done"),
    KeySpec("run.open_case", "o", "open_item_case", "key.meeting_open_case"),
    KeySpec("run.export", "e", "export", "key.meeting_export"),
    KeySpec("run.end", "E", "end_meeting", "key.run_end", key_display="E"),
]

SCHEDULE_KEYS = [
    KeySpec("reinspect.record", "r", "record", "key.reinspect_record"),
    KeySpec("reinspect.open", "o", "open_row_case", "key.reinspect_open"),
    KeySpec("reinspect.group", "g", "cycle_group", "key.reinspect_group"),
    KeySpec("reinspect.draw", "D", "draw", "key.reinspect_draw", key_display="D"),
]

HANDOVER_KEYS = [
    KeySpec("handover.open", "o", "open_handover", "key.handover_open"),
    KeySpec("handover.acknowledge", "a", "acknowledge", "key.handover_acknowledge"),
    KeySpec("handover.note", "n", "edit_note", "key.handover_note"),
    KeySpec("handover.current", "g", "show_current", "key.handover_current"),
]

REPORT_KEYS = [
    KeySpec("reports.refresh", "r", "refresh", "key.refresh"),
    KeySpec("reports.previous", "left_square_bracket", "step(-1)", "key.period_previous", key_display="["),
    KeySpec("reports.next", "right_square_bracket", "step(1)", "key.period_next", key_display="]"),
    KeySpec("reports.kind", "p", "cycle_kind", "key.period_kind"),
    KeySpec("reports.open", "enter", "open_figure", "key.open_figure"),
    KeySpec("reports.by", "g", "cycle_group", "key.report_by"),
    KeySpec("reports.columns", "greater_than_sign", "next_columns", "key.report_columns", key_display=">"),
    KeySpec("reports.station", "s", "cycle_station", "key.report_station", show=False),
    KeySpec("reports.export", "e", "export", "key.report_export"),
]

FIGURE_KEYS = [
    KeySpec("figure.open", "enter", "open_case", "key.open"),
    KeySpec("figure.close", "escape", "close", "key.back"),
]

DIALOG_KEYS = [
    KeySpec("dialog.submit", "ctrl+s", "submit", "key.form_submit"),
    KeySpec("dialog.cancel", "escape", "cancel", "key.form_cancel"),
]

CONFIRM_KEYS = [
    KeySpec("confirm.yes", "y,enter", "answer(True)", "key.confirm_yes"),
    KeySpec("confirm.no", "n,escape", "answer(False)", "key.confirm_no"),
]

ADD_ITEM_KEYS = [
    KeySpec("add.submit", "ctrl+s", "submit", "key.form_submit"),
    KeySpec("add.cancel", "escape", "cancel", "key.form_cancel"),
]

ATTENDANCE_KEYS = [
    KeySpec("attendance.submit", "ctrl+s", "submit", "key.form_submit"),
    KeySpec("attendance.cancel", "escape", "cancel", "key.form_cancel"),
]

# The scopes a case passes through on the desk: a key means one thing across all of them
# (tests/unit/test_keys_doc.py checks it), so a finger trained in one never does something
# else in another. Only enter (accept what is in front: open, yes) and escape (back, cancel,
# no) are shared, with that one sense everywhere.
# Shown first in every view's footer, so a narrow terminal never cuts them off.
FOOTER_FIRST = ("help", "palette")

CASE_PATH_SCOPES = (APP_SCOPE, NAV_SCOPE, "queue", "queue_table", "case", "board", "confirm")
GENERIC_KEYS = frozenset({"enter", "escape"})

REGISTRY: dict[str, list[KeySpec]] = {
    APP_SCOPE: APP_KEYS,
    NAV_SCOPE: NAV_KEYS,
    "queue": QUEUE_KEYS,
    "queue_table": TABLE_KEYS,
    "case": CASE_KEYS + CHECKIN_KEYS + CORRECT_KEYS,
    "board": BOARD_KEYS + CHECKIN_KEYS + CORRECT_KEYS,
    "meetings": MEETING_KEYS,
    "meeting.run": RUN_KEYS,
    "reinspections": SCHEDULE_KEYS,
    "reports": REPORT_KEYS,
    "handover": HANDOVER_KEYS,
    "figure": FIGURE_KEYS,
    "dialog": DIALOG_KEYS,
    "confirm": CONFIRM_KEYS,
    "meeting.add": ADD_ITEM_KEYS,
    "meeting.attendance": ATTENDANCE_KEYS,
}
"""Every scope of the desk and its keys: the one list the key table is generated from."""


def _by_id(registry: dict[str, list[KeySpec]]) -> dict[str, KeySpec]:
    found: dict[str, KeySpec] = {}
    for specs in registry.values():
        for spec in specs:
            bad = RESERVED_KEYS.intersection(k.strip() for k in spec.keys.split(","))
            if bad:
                raise ValueError(f"binding {spec.id!r} uses keys terminals swallow: {sorted(bad)}")
            if found.setdefault(spec.id, spec) != spec:
                raise ValueError(f"binding id {spec.id!r} is declared twice, differently")
    return found


SPECS: dict[str, KeySpec] = _by_id(REGISTRY)


def action_description(action: str, parameters: tuple[object, ...] = ()) -> str:
    """What the key bound to ``action`` does, in the current language (the action's own name
    when no key of the registry runs it)."""
    wanted = f"{action}({', '.join(repr(p) for p in parameters)})" if parameters else action
    for spec in SPECS.values():
        if spec.action == wanted:
            return t(spec.description)
    return action


def bindings_for(scope: str) -> list[BindingType]:
    """The Textual bindings of a scope of :data:`REGISTRY`."""
    return [spec.binding() for spec in REGISTRY[scope]]


def spec_by_id(binding_id: str) -> KeySpec | None:
    return SPECS.get(binding_id)


def effective_keys(spec: KeySpec, keymap: dict[str, str]) -> str:
    return keymap.get(spec.id, spec.keys)


def described(binding: Binding) -> Binding:
    """The binding with its description in the current language (ours have an id)."""
    spec = SPECS.get(binding.id) if binding.id else None
    if spec is None:
        return binding
    group = Binding.Group(t(spec.group)) if spec.group else binding.group
    return replace(binding, description=t(spec.description), group=group)


ResultT = TypeVar("ResultT")

if TYPE_CHECKING:

    class _ScreenBase(Screen[ResultT]): ...

else:

    class _ScreenBase(Generic[ResultT]): ...


class CatalogueBindings(_ScreenBase[ResultT]):
    """Mix into a screen (before Textual's class): the footer and the key panel show the
    descriptions in the language chosen when they are drawn, not when the class was built."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return {
            key: active._replace(binding=described(active.binding))
            for key, active in super().active_bindings.items()
        }


def declared_bindings(node_type: type) -> list[Binding]:
    """The bindings a class and its bases declare in ``BINDINGS``, bases first."""
    found: list[Binding] = []
    for cls in reversed(node_type.__mro__):
        found.extend(Binding.make_bindings(vars(cls).get("BINDINGS", [])))
    return found


def help_rows(
    bindings: Iterable[Binding], keymap: dict[str, str], key_display: Callable[[Binding], str]
) -> list[tuple[str, str]]:
    """(keys, description) for each of the desk's own bindings (Textual's carry no id of
    ours), with the keys remapped by ``keymap`` and each row once."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        spec = SPECS.get(binding.id) if binding.id else None
        if spec is None:
            continue
        if spec.id in keymap:
            keys = key_display(replace(binding, key=keymap[spec.id], key_display=None))
        else:
            keys = binding.key_display or key_display(binding)
        row = (keys, t(spec.description))
        if row not in rows:
            rows.append(row)
    return rows
