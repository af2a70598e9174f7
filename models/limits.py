"""Text limits, one place for every way text comes in (intake, CSV, bundles): how long each
kind of field may be, and the characters no field may hold."""

from __future__ import annotations

import re

DESCRIPTION_CHARS = 4000
NOTE_CHARS = 1000
ADDRESS_CHARS = 200
NAME_CHARS = 100
CODE_CHARS = 64
ID_CHARS = 64
# One event line of a bundle, in bytes (its payload, chain fields and personal data together).
EVENT_LINE_BYTES = 64 * 1024

# C0 controls (NUL among them), DEL and the C1 controls; long texts may hold line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_character(text: str, lines_allowed: bool = False) -> str | None:
    """The first control character ``text`` holds (as U+XXXX), or None."""
    found = (_CONTROL_BUT_LINES if lines_allowed else _CONTROL).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def printable(text: str, most: int = 200) -> str:
    """``text`` fit to be shown and recorded: control characters replaced, at most ``most``."""
    cleaned = _CONTROL.sub("\ufffd", text)
    return cleaned if len(cleaned) <= most else cleaned[: most - 1] + "…"
