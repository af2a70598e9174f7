"""The one string catalogue lookup: Simplified Chinese by default, English on request."""

from __future__ import annotations

import errno
from collections.abc import Iterable
from enum import StrEnum

from models.strings import CATALOGUE

LANGUAGES = ("zh", "en")
_state = {"lang": "zh"}


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _state["lang"] = lang


def language() -> str:
    return _state["lang"]


def t(key: str, /, **params: object) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled in."""
    entry = CATALOGUE.get(key)
    if entry is None:
        raise KeyError(f"no catalogue entry {key!r}")
    text = entry[0] if _state["lang"] == "zh" else entry[1]
    return text.format(**params) if params else text


def joined(items: Iterable[object]) -> str:
    """Items of a list in a sentence: 甲、乙 in Chinese, "a, b" in English."""
    return t("timeline.list_sep").join(str(item) for item in items)


def minutes_text(minutes: int) -> str:
    """A lateness read at a glance: 42 分钟, 2 小时 5 分钟, 1 天 18 小时 (2564 分钟 was not)."""
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return t("duration.days", d=days, h=hours)
    if hours:
        return t("duration.hours", h=hours, m=mins)
    return t("duration.minutes", m=mins)


def operator_shown(name: str | None) -> str:
    """Who wrote a record, as shown: the system when nobody was signed in (a desk's poller or
    ``whistle escalate`` writing the escalation ladder's steps, a script without --operator)."""
    return name or t("operator.system")


def label(value: StrEnum) -> str:
    """The display name of an enum member, e.g. ``label(CaseStatus.TRIAGE)`` → 待派遣."""
    return t(f"{type(value).__name__}.{value.value}")


OS_REASONS = {
    errno.EISDIR: "os.is_a_folder",
    errno.ENOTDIR: "os.not_a_folder",
    errno.EACCES: "os.not_allowed",
    errno.EPERM: "os.not_allowed",
    errno.ENOENT: "os.missing",
    errno.EROFS: "os.read_only",
    errno.ENOSPC: "os.disk_full",
    errno.EDQUOT: "os.disk_full",
    errno.EEXIST: "os.exists",
    errno.ENAMETOOLONG: "os.name_too_long",
    errno.EIO: "os.io",
}
"""The operating system's reasons a desk meets, in the catalogue (its own are in English)."""


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in the desk's language (its own text for the rare
    others)."""
    key = OS_REASONS.get(exc.errno or 0)
    return t(key) if key else exc.strerror or str(exc)
