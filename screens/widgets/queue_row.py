"""How one queue row looks: columns fitted by terminal cells (Chinese characters take two),
and per-department marks with their live countdown. Pure functions of (row, now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from data.catalogue import CATEGORY_BY_CODE, DEPARTMENT_BY_CODE
from data.read.queue import Mark, QueueRow
from models.calendar import WorkCalendar
from models.deadlines import Light, Unit, clock_state, format_remaining
from models.enums import OPEN_STATUSES, CaseStatus, CheckInStatus, Grade
from models.i18n import label, language, t
from models.working_hours import hours_from_json

ELLIPSIS = "…"


def fit(text: str, width: int) -> str:
    """``text`` cut (with …) or padded with spaces to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS + " " * (width - used - 1)


@dataclass(frozen=True)
class Columns:
    number: int
    grade: int
    category: int
    community: int
    status: int
    marks: int
    age: int

    @classmethod
    def for_width(cls, width: int) -> Columns:
        wide = width >= 110
        fixed = dict(
            number=14, grade=4 if language() == "zh" else 7, status=6 if language() == "zh" else 10, age=6
        )
        category = 12 if wide else 10
        community = 12 if wide else 10
        used = sum(fixed.values()) + category + community + 6
        return cls(category=category, community=community, marks=max(width - used, 8), **fixed)

    @property
    def marks_x(self) -> int:
        """Where the marks start: the countdowns and the age, the cells a tick changes."""
        return self.number + self.grade + self.category + self.community + self.status + 5

    def header(self) -> str:
        cells = [
            fit(t("queue.col.number"), self.number),
            fit(t("queue.col.grade"), self.grade),
            fit(t("queue.col.category"), self.category),
            fit(t("queue.col.community"), self.community),
            fit(t("queue.col.status"), self.status),
            fit(t("queue.col.marks"), self.marks),
            fit(t("queue.col.age"), self.age),
        ]
        return " ".join(cells)


def department_short(code: str) -> str:
    spec = DEPARTMENT_BY_CODE.get(code)
    if spec is None:
        return code
    return spec.name[:2] if language() == "zh" else spec.short_en


def category_name(code: str) -> str:
    spec = CATEGORY_BY_CODE.get(code)
    if spec is None:
        return code
    return spec.name if language() == "zh" else spec.name_en


def grade_name(grade: str | None) -> str:
    if grade is None:
        return ""
    return t(f"queue.grade.{Grade(grade).value}")


def format_age(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{mins:02d}m"
    return f"{mins}m"


@dataclass(frozen=True)
class MarkView:
    text: str
    tone: str
    """'ok', 'warning', 'overdue', 'muted' or '' (running, green)."""


def mark_view(mark: Mark, now: datetime, cal: WorkCalendar, tz: ZoneInfo) -> MarkView:
    name = department_short(mark.department)
    status = CheckInStatus(mark.status)
    if status in (CheckInStatus.ARRIVED, CheckInStatus.ACTED):
        return MarkView(f"{name}✓", "ok")
    if status is CheckInStatus.RELEASED:
        return MarkView(f"{name}✓", "muted")
    if status is CheckInStatus.NO_SHOW:
        return MarkView(f"{name}✗", "overdue")
    if status is CheckInStatus.WITHDRAWN:
        return MarkView(f"{name}–", "muted")
    state = clock_state(
        started_at=mark.started_at,
        deadline=mark.deadline,
        now=now,
        unit=Unit(mark.unit),
        cal=cal,
        tz=tz,
        paused_minutes=mark.paused_minutes,
        paused_at=mark.paused_at,
        stopped_at=mark.stopped_at,
        hours=hours_from_json(mark.work_hours),
    )
    if state.paused:
        return MarkView(f"{name}‖", "muted")
    text = (
        f"{name}{format_remaining(state.remaining)}"
        if state.overdue
        else f"{name} {format_remaining(state.remaining)}"
    )
    tone = {Light.RED: "overdue", Light.YELLOW: "warning", Light.GREEN: ""}[state.light]
    return MarkView(text, tone)


def row_marks(row: QueueRow, now: datetime, cal: WorkCalendar, tz: ZoneInfo) -> list[MarkView]:
    """A row's marks as of ``now``, in the order they are drawn: what needs the desk first
    (overdue, then still awaited, then those already there)."""
    urgency = {"overdue": 0, "warning": 1, "": 2}
    return sorted((mark_view(m, now, cal, tz) for m in row.marks), key=lambda m: urgency.get(m.tone, 3))


def row_segments(
    row: QueueRow,
    cols: Columns,
    now: datetime,
    cal: WorkCalendar,
    tz: ZoneInfo,
    styles: dict[str, Style],
    base: Style,
) -> tuple[list[Segment], list[MarkView]]:
    """The segments of one row and its marks (the caller checks them for red)."""
    # what needs the desk first: overdue, then still awaited, then those already there; a
    # narrow screen cuts the end of the line, never a red mark
    marks = row_marks(row, now, cal, tz)
    if CaseStatus(row.status) not in OPEN_STATUSES:  # a closed case, shown on request: greyed
        base = base + styles["muted"]
    overdue = any(m.tone == "overdue" for m in marks)
    number_style = base + styles["overdue"] if overdue else base
    segs = [
        Segment(fit(row.number, cols.number), number_style),
        Segment(" ", base),
        Segment(
            fit(grade_name(row.grade), cols.grade),
            base + styles["warning"] if row.grade == "urgent" else base,
        ),
        Segment(" ", base),
        Segment(fit(category_name(row.category), cols.category), base),
        Segment(" ", base),
        Segment(fit(row.community, cols.community), base),
        Segment(" ", base),
        Segment(fit(label(CaseStatus(row.status)), cols.status), base),
        Segment(" ", base),
    ]
    used = 0
    for view in marks:
        piece = view.text if used == 0 else " " + view.text
        if used + cell_len(piece) > cols.marks:
            more = fit("…", cols.marks - used)
            segs.append(Segment(more, base))
            used = cols.marks
            break
        segs.append(Segment(piece, base + styles[view.tone] if view.tone else base))
        used += cell_len(piece)
    segs.append(Segment(" " * (cols.marks - used), base))
    segs.append(Segment(" ", base))
    segs.append(Segment(fit(format_age(now - row.received_at), cols.age), base + styles["muted"]))
    return segs, marks
