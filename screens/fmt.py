"""Small formatting helpers of the dispatch screens: cell-width padding for Chinese text,
station-local times, limits and live clock text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
        text = _cut(text, room - 1).rstrip() + "…" if room > 1 else ""
    return set_cell_size(text, width)


def clip(text: str, width: int) -> str:
    """``text`` within ``width`` cells, cut with "…" when it does not fit (no padding)."""
    if cell_len(text) <= width:
        return text
    return _cut(text, width - 1).rstrip() + "…" if width > 0 else ""


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


@dataclass(frozen=True)
class Flex:
    """One column of a table that shares its width: ``want`` cells would show all it holds,
    it never gets fewer than ``least`` (nor more than it wants, unless it ``grows`` and takes
    what the others leave)."""

    want: int
    least: int = 0
    grows: bool = False
    floor: int | None = None
    """Where the minimums do not fit, this column gives way first, down to ``floor``."""


def share(width: int, columns: Sequence[Flex], gap: int = 1) -> list[int]:
    """Widths of ``columns`` sharing ``width`` cells (``gap`` cells between two): each gets
    its minimum first, then the room left goes to the columns still cut, in equal shares, the
    least short satisfied first (when even the minimums do not fit, the widest columns that
    are cut anyway give way down to six cells if that is enough, else the columns with a
    floor down to it, then the cut ones down to four); what is left after every column shows all it holds
    goes to the growing columns (to the last column when none grows)."""
    widths = [min(c.least, c.want) if not c.grows else c.least for c in columns]
    room = width - gap * max(len(columns) - 1, 0) - sum(widths)
    cuttable = sum(
        max(w - 6, 0) for w, c in zip(widths, columns, strict=True) if not c.grows and c.least < c.want
    )
    if 0 < -room <= cuttable:  # the minimums do not fit: cut columns give a little when that is enough
        room = _give_way(widths, columns, room, down_to=6)
    for i, c in enumerate(columns):  # else those with a floor give way down to it
        if room < 0 and c.floor is not None and widths[i] > c.floor:
            give = min(widths[i] - c.floor, -room)
            widths[i] -= give
            room += give
    room = _give_way(widths, columns, room, down_to=4)
    short = sorted(
        (i for i, c in enumerate(columns) if c.want > widths[i]), key=lambda i: columns[i].want - widths[i]
    )
    while room > 0 and short:
        each = room // len(short)
        if each == 0:  # fewer cells left than columns short of room: one each, in turn
            for i in short[:room]:
                widths[i] += 1
            room = 0
            break
        first = short[0]
        if columns[first].want - widths[first] <= each:
            room -= columns[first].want - widths[first]
            widths[first] = columns[first].want
            short.pop(0)
            continue
        for i in short:
            widths[i] += each
        room -= each * len(short)
    if room > 0 and columns:
        growing = [i for i, c in enumerate(columns) if c.grows] or [len(columns) - 1]
        for n, i in enumerate(growing):
            widths[i] += room // len(growing) + (1 if n < room % len(growing) else 0)
    return widths


def _give_way(widths: list[int], columns: Sequence[Flex], room: int, down_to: int) -> int:
    """Cells taken one at a time from the widest column that is cut anyway (not a growing
    one) while ``room`` is short, none below ``down_to``; the room left."""
    while room < 0:
        cut = [i for i, c in enumerate(columns) if not c.grows and c.least < c.want and widths[i] > down_to]
        if not cut:
            break
        widths[max(cut, key=lambda i: widths[i])] -= 1
        room += 1
    return room


def column_widths(
    width: int, header: list[str], cells: list[list[str]], leasts: list[int | None]
) -> list[int]:
    """The widths of a table ``width`` cells wide (a cell's padding and the scrollbar counted
    by the caller) whose columns hold ``cells`` under ``header``: all shown when there is
    room, shared with minimums when not, the last column taking what is left once the others
    show all they hold."""
    wants = [max([cell_len(h), *(cell_len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    flex = [Flex(want, want if least is None else least) for want, least in zip(wants, leasts, strict=True)]
    last = flex[-1]  # it takes what the others leave, only after they show all they hold
    flex[-1] = Flex(max(last.least, cell_len(header[-1])), last.least, grows=True)
    return share(width, flex, gap=0)
