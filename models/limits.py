"""Limits on free text, in one place for every way text comes in: intake (the console's form
and CSV intake) checks them with ``check_text``, and the event payload schemas that every
bundle is checked against (``models/payloads.py``) use the same numbers.

A text field is refused, naming the field, when it is longer than its limit or holds a
control character (NUL, escape, bell, …). Line breaks are allowed only in the long,
multi-line fields (description and notes); ``\\r\\n`` and a lone ``\\r`` count as one line
break and are stored as ``\\n``.
"""

from __future__ import annotations

import re
from typing import Final

from models.errors import ValidationError
from models.i18n import t
from models.strings import CATALOGUE as MESSAGES

DESCRIPTION_MAX: Final = 4000
NOTE_MAX: Final = 1000
ADDRESS_MAX: Final = 200
NAME_MAX: Final = 50
SHORT_MAX: Final = 100
PHONE_MAX: Final = 30

TEXT_LIMITS: Final[dict[str, int]] = {
    "description": DESCRIPTION_MAX,
    "address": ADDRESS_MAX,
    "community": SHORT_MAX,
    "subcategory": SHORT_MAX,
    "reporter_name": NAME_MAX,
    "reporter_phone": PHONE_MAX,
    "person": NAME_MAX,
    "inspector": NAME_MAX,
    "facilitator": NAME_MAX,
    "operator": NAME_MAX,
    "name": SHORT_MAX,
    "reason": NOTE_MAX,
    "note": NOTE_MAX,
    "notes": NOTE_MAX,
    "action": NOTE_MAX,
    "result": NOTE_MAX,
    "decision": NOTE_MAX,
}
"""The longest text each field may hold, in characters."""

MULTILINE: Final = frozenset({"description", "reason", "note", "notes", "action", "result", "decision"})
"""Fields that may hold line breaks."""

# What an event payload may hold (a bundle carries what other stations wrote, so its limits
# are the intake limits, a little wider for names).
DESCRIPTION_CHARS: Final = DESCRIPTION_MAX
NOTE_CHARS: Final = NOTE_MAX
ADDRESS_CHARS: Final = ADDRESS_MAX
NAME_CHARS: Final = SHORT_MAX
CODE_CHARS: Final = 64
ID_CHARS: Final = 64
EVENT_LINE_BYTES: Final = 64 * 1024
"""One event line of a bundle, in bytes (its payload, chain fields and personal data together)."""

# C0 and C1 controls and DEL; line breaks are dealt with separately.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_character(text: str, lines_allowed: bool = False) -> str | None:
    """The first control character ``text`` holds (as U+XXXX), or None."""
    found = (_CONTROL_BUT_LINES if lines_allowed else _CONTROL).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def printable(text: str, most: int = 200) -> str:
    """``text`` fit to be shown and recorded: control characters replaced, at most ``most``."""
    cleaned = _CONTROL.sub("\ufffd", text)
    return cleaned if len(cleaned) <= most else cleaned[: most - 1] + "…"


def limit_of(field: str) -> int:
    return TEXT_LIMITS.get(field, NOTE_MAX)


def _name(field: str) -> str:
    return t(f"field.{field}") if f"field.{field}" in MESSAGES else field


def check_text(field: str, value: str) -> str:
    """``value`` with its line breaks made ``\\n``; refused when too long or holding a
    control character."""
    multiline = field in MULTILINE
    text = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else value
    bad = (_CONTROL_BUT_NEWLINE if multiline else _CONTROL).search(text)
    if bad is not None:
        raise ValidationError(
            "error.control_character",
            field=field,
            name=_name(field),
            code=f"U+{ord(bad.group()):04X}",
            position=bad.start() + 1,
        )
    limit = limit_of(field)
    if len(text) > limit:
        raise ValidationError("error.too_long", field=field, name=_name(field), limit=limit, length=len(text))
    return text


__all__ = [
    "ADDRESS_CHARS",
    "ADDRESS_MAX",
    "CODE_CHARS",
    "DESCRIPTION_CHARS",
    "DESCRIPTION_MAX",
    "EVENT_LINE_BYTES",
    "ID_CHARS",
    "MULTILINE",
    "NAME_CHARS",
    "NAME_MAX",
    "NOTE_CHARS",
    "NOTE_MAX",
    "PHONE_MAX",
    "SHORT_MAX",
    "TEXT_LIMITS",
    "check_text",
    "control_character",
    "limit_of",
    "printable",
]
