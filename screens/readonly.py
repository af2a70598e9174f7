"""The projector's read-only mode (``whistle serve`` without ``--allow-control``).

A desk started read-only (``AppConfig.read_only``) shows everything and changes nothing:

- every key that writes is refused with one line before any dialog opens
  (:func:`is_write_action`, checked by the app for every action a key or a click runs);
- palette commands of a screen run only if they are known to read (:func:`palette_guard`);
- :meth:`screens.base.ViewScreen.run_command`, the one place writes go through, refuses any
  write that gets past those two.

Exports count as writes here: they write files on the machine that serves the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.actions import ActionError
from textual.actions import parse as parse_action
from textual.app import App

from models.i18n import t
from screens.bindings import SPECS

WRITE_KEYS = frozenset(
    {
        # a case
        "case.intake",
        "case.triage",
        "case.whistle",
        "case.dispatch",
        "case.consult",
        "case.resume",
        "case.dispose",
        "case.feedback",
        "case.close",
        "case.reject",
        "case.park",
        "case.unpark",
        # a check-in
        "checkin.arrive",
        "checkin.act",
        "checkin.rate",
        "checkin.release",
        "checkin.pause",
        "checkin.extend",
        "record.correct",
        # meetings
        "meeting.new",
        "meeting.add",
        "meeting.remove",
        "meeting.up",
        "meeting.down",
        "meeting.timebox",
        "meeting.propose",
        "meeting.export",
        "run.decide",
        "run.attendance",
        "run.followup_done",
        "run.export",
        "run.end",
        # 回头看
        "reinspect.record",
        "reinspect.draw",
    }
)
"""Binding ids (``screens/bindings.py``) whose key writes to the record or to a file."""


def _name(action: str) -> str:
    _, name, _ = parse_action(action)
    return name


WRITE_ACTIONS = frozenset(_name(SPECS[key].action) for key in WRITE_KEYS)
"""The action names those keys run (``case('triage')`` → ``case``)."""


def is_write_action(action: str | Any) -> bool:
    """Whether an action (a binding's string, or one Textual parsed already) is one that writes."""
    if isinstance(action, tuple):
        return len(action) == 3 and action[1] in WRITE_ACTIONS
    if not isinstance(action, str):
        return False
    try:
        return _name(action) in WRITE_ACTIONS
    except ActionError:  # not an action string: Textual reports it as it always does
        return False


CASE_WRITE_ACTIONS = frozenset(
    _name(SPECS[key].action)
    for key in WRITE_KEYS
    if key.split(".")[0] in ("case", "checkin", "record") and key != "case.intake"
)
"""The actions that change the case on screen (its steps, its check-ins, a correction)."""


def foreign_case_write(action: str | Any, owner: str | None, local: str | None) -> str | None:
    """At a district hub, a case another station owns is read-only here (only its own station
    changes it, and sends the change in its bundle): the one line that says why, for a key
    that would change it; None when the key may run."""
    if owner is None or local is None or owner == local:
        return None
    name = action[1] if isinstance(action, tuple) and len(action) == 3 else None
    if isinstance(action, str):
        try:
            name = _name(action)
        except ActionError:
            return None
    if name not in CASE_WRITE_ACTIONS:
        return None
    return t("district.read_only_case", station=owner)


def refuse_write(app: App[Any]) -> None:
    """The one line the projector shows for a write."""
    app.notify(t("projector.read_only"), severity="warning", timeout=4)


def reads_only(callback: Callable[[], Any]) -> bool:
    """A palette callback known to read: a screen's ``action_…`` method that is no write.
    Anything else (a lambda over a case action, say) counts as a write."""
    name = getattr(callback, "__name__", "")
    return name.startswith("action_") and name.removeprefix("action_") not in WRITE_ACTIONS


def palette_guard(app: App[Any], callback: Callable[[], Any]) -> Callable[[], Any]:
    """The callback itself if it reads; else one that refuses."""
    if reads_only(callback):
        return callback
    return lambda: refuse_write(app)
