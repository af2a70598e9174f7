"""Small formatting helpers of the dispatch screens: cell-width padding for Chinese text,
station-local times, limits and live clock text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.cells import cell_len, set_cell_size

from models.deadlines import ClockState, Light, Limit, Unit, format_remaining
from models.i18n import label, t


def pad(text: str, width: int) -> str:
    """``text`` as a column ``width`` terminal cells wide (CJK characters are two), cut with
    "…" so that at least one blank cell always parts it from the next column."""
    room = width - 1
    if cell_len(text) > room:
        text = _cut(text, room - 1) + "…" if room > 1 else ""
    return set_cell_size(text, width)


def _cut(text: str, cells: int) -> str:
    """The longest start of ``text`` within ``cells``, never half a CJK character."""
    used = 0
    for index, char in enumerate(text):
        used += cell_len(char)
        if used > cells:
            return text[:index]
    return text


def local(at: datetime | None, tz: ZoneInfo, fmt: str = "%m-%d %H:%M") -> str:
    return at.astimezone(tz).strftime(fmt) if at else "—"


def limit_text(limit: Limit) -> str:
    if limit.unit is Unit.MINUTES and limit.amount % 60 == 0 and limit.amount >= 60:
        return t("fmt.hours", n=limit.amount // 60)
    return f"{limit.amount}\u00a0{label(limit.unit)}"  # kept on one line when text wraps


LIGHT_CLASSES = {Light.GREEN: "-ok", Light.YELLOW: "-warning", Light.RED: "-overdue"}
ALL_LIGHT_CLASSES = ("-ok", "-warning", "-overdue", "-paused", "-stopped")


def light_class(state: ClockState) -> str:
    if state.stopped:
        return "-stopped"
    if state.paused:
        return "-paused"
    return LIGHT_CLASSES[state.light]


def clock_text(state: ClockState) -> str:
    """ "剩余 12:34", "超时 +03:10", "已挂起 …" or "已停止"."""
    if state.stopped:
        return t("fmt.clock_stopped")
    remaining = format_remaining(state.remaining)
    if state.paused:
        return t("fmt.clock_paused", remaining=remaining)
    if state.overdue:
        return t("fmt.clock_overdue", remaining=remaining)
    return t("fmt.clock_remaining", remaining=remaining)
