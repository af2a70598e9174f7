"""How one queue row looks: columns fitted by terminal cells (Chinese characters take two),
and per-department marks with their live countdown. Pure functions of (row, now)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from data.catalogue import CATEGORY_BY_CODE, DEPARTMENT_BY_CODE
from data.read.queue import Handling, Mark, QueueRow
from models.calendar import WorkCalendar
from models.deadlines import Light, Unit, clock_state, format_remaining
from models.enums import OPEN_STATUSES, CaseStatus, CheckInStatus, Grade
from models.i18n import label, language, t
from models.working_hours import hours_from_json
from screens.fmt import Flex, share

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
class MarksWidth:
    """The cells the marks of some rows take: all of them, and their red (overdue) head."""

    all: int
    red: int


@dataclass(frozen=True)
class Columns:
    number: int
    grade: int
    category: int
    community: int
    status: int
    marks: int
    age: int
    station: int = 0
    """The station column (0: not shown; a district hub shows whose case each row is)."""

    @classmethod
    def for_width(
        cls,
        width: int,
        rows: Sequence[QueueRow] = (),
        marks: MarksWidth | None = None,
        *,
        stations: bool = False,
    ) -> Columns:
        """The columns of a table ``width`` cells wide showing ``rows`` (those held around the
        screen): the number, grade, status and age whole; the category, community and marks
        as wide as their longest text when there is room, sharing it when there is not, with
        minimums (the marks keep every red mark whole, up to 30 cells, as long as the category
        and community keep eight; never fewer than 18) and the marks taking what is left."""
        marks = marks or MarksWidth(0, 0)
        grade = max(cell_len(t(f"queue.grade.{g.value}")) for g in Grade)
        status = max((cell_len(label(CaseStatus(r.status))) for r in rows), default=0)
        category = max((cell_len(category_name(r.category)) for r in rows), default=0)
        community = max((cell_len(r.community) for r in rows), default=0)

        def head(key: str, held: int) -> int:
            return max(cell_len(t(f"queue.col.{key}")), held)

        station = head("station", max((cell_len(r.station_id) for r in rows), default=0)) if stations else 0
        width = max(width - station - 1, 0) if station else width

        widths = share(
            width,
            [
                Flex(14, 14),
                Flex(head("grade", grade), head("grade", grade)),
                Flex(head("category", category), 8),
                Flex(head("community", community), 8),
                Flex(head("status", status), head("status", status)),
                Flex(head("marks", marks.all), max(18, min(marks.red, 30)), grows=True, floor=18),
                Flex(head("age", 6), 6),
            ],
        )
        number, grade_w, category_w, community_w, status_w, marks_w, age = widths
        return cls(number, grade_w, category_w, community_w, status_w, marks_w, age, station)

    @property
    def marks_x(self) -> int:
        """Where the marks start: the countdowns and the age, the cells a tick changes."""
        shown = self.station + 1 if self.station else 0
        return shown + self.number + self.grade + self.category + self.community + self.status + 5

    def header(self) -> str:
        cells = [
            fit(t("queue.col.number"), self.number),
            *([fit(t("queue.col.station"), self.station)] if self.station else []),
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


LIGHT_TONES = {Light.RED: "overdue", Light.YELLOW: "warning", Light.GREEN: ""}
"""A running clock's light as the tone its mark is drawn in."""


def mark_text(mark: Mark, now: datetime) -> tuple[str, bool]:
    """A mark's text as of ``now`` and whether it is drawn red (a missed or overdue check-in),
    without its light: its width needs no working-time reckoning (``marks_width``)."""
    name = department_short(mark.department)
    status = CheckInStatus(mark.status)
    if status in (CheckInStatus.ARRIVED, CheckInStatus.ACTED, CheckInStatus.RELEASED):
        return f"{name}✓", False
    if status is CheckInStatus.NO_SHOW:
        return f"{name}✗", True
    if status is CheckInStatus.WITHDRAWN:
        return f"{name}–", False
    return _clock_text(name, mark.deadline, now, mark.paused_at, mark.stopped_at)


def handling_text(clock: Handling, now: datetime) -> tuple[str, bool]:
    """The handling countdown's text as of ``now`` and whether it is overdue (``mark_text``)."""
    return _clock_text(t("queue.handling"), clock.deadline, now, clock.paused_at, None)


def _clock_text(
    name: str, deadline: datetime, now: datetime, paused_at: datetime | None, stopped_at: datetime | None
) -> tuple[str, bool]:
    """A countdown as ``clock_state`` reads it: as of its stop, paused (‖), or as of ``now``;
    the time left is wall time, overdue (red) once past the deadline."""
    if stopped_at is None and paused_at is not None:
        return f"{name}‖", False
    at = stopped_at or now
    overdue = at > deadline
    remaining = format_remaining(deadline - at)
    return (f"{name}{remaining}" if overdue else f"{name} {remaining}"), overdue


class Tones:
    """The tones of the clocks drawn, each held while its light reads the same
    (``ClockState.light_until``): a countdown drawn every second has its light counted again
    (working time through the calendar, ~0.05 ms a clock) only when it may have changed.
    Keyed by the clock's values: equal clocks have equal lights."""

    LIMIT = 5000

    def __init__(self) -> None:
        self._held: dict[Mark | Handling, tuple[WorkCalendar, ZoneInfo, datetime, str, datetime | None]] = {}

    def tone(self, clock: Mark | Handling, now: datetime, cal: WorkCalendar, tz: ZoneInfo) -> str:
        held = self._held.get(clock)
        if (
            held is not None
            and held[0] is cal
            and held[1] is tz
            and held[2] <= now
            and (held[4] is None or now <= held[4])
        ):
            return held[3]
        tone, until = _counted_tone(clock, now, cal, tz)
        if len(self._held) >= self.LIMIT:
            self._held.clear()
        self._held[clock] = (cal, tz, now, tone, until)
        return tone


def _counted_tone(
    clock: Mark | Handling, now: datetime, cal: WorkCalendar, tz: ZoneInfo
) -> tuple[str, datetime | None]:
    """A running (or paused) clock's tone as of ``now``, and until when its light holds."""
    state = clock_state(
        started_at=clock.started_at,
        deadline=clock.deadline,
        now=now,
        unit=Unit(clock.unit),
        cal=cal,
        tz=tz,
        paused_minutes=clock.paused_minutes,
        paused_at=clock.paused_at,
        stopped_at=clock.stopped_at if isinstance(clock, Mark) else None,
        hours=hours_from_json(clock.work_hours),
    )
    return ("muted" if state.paused else LIGHT_TONES[state.light]), state.light_until


def _tone(clock: Mark | Handling, now: datetime, cal: WorkCalendar, tz: ZoneInfo, tones: Tones | None) -> str:
    return tones.tone(clock, now, cal, tz) if tones is not None else _counted_tone(clock, now, cal, tz)[0]


def mark_view(
    mark: Mark, now: datetime, cal: WorkCalendar, tz: ZoneInfo, tones: Tones | None = None
) -> MarkView:
    text, _red = mark_text(mark, now)
    status = CheckInStatus(mark.status)
    if status in (CheckInStatus.ARRIVED, CheckInStatus.ACTED):
        return MarkView(text, "ok")
    if status in (CheckInStatus.RELEASED, CheckInStatus.WITHDRAWN):
        return MarkView(text, "muted")
    if status is CheckInStatus.NO_SHOW:
        return MarkView(text, "overdue")
    return MarkView(text, _tone(mark, now, cal, tz, tones))


def handling_view(
    clock: Handling, now: datetime, cal: WorkCalendar, tz: ZoneInfo, tones: Tones | None = None
) -> MarkView:
    """The case's handling countdown, named 时限 like a department in the marks."""
    text, _red = handling_text(clock, now)
    return MarkView(text, _tone(clock, now, cal, tz, tones))


def row_clocks(
    row: QueueRow,
    now: datetime,
    cal: WorkCalendar,
    tz: ZoneInfo,
    marks: list[MarkView] | None = None,
    tones: Tones | None = None,
) -> list[MarkView]:
    """What the marks column draws: the check-in marks, led by the handling countdown when
    no department's check-in is awaited (the deadline the queue then orders the case by).
    ``marks``: the row's ``row_marks`` at ``now`` when the caller has them already."""
    marks = row_marks(row, now, cal, tz, tones) if marks is None else list(marks)
    if _handling_shown(row):
        assert row.handling is not None
        marks.insert(0, handling_view(row.handling, now, cal, tz, tones))
    review = review_view(row, now, tz)
    if review is not None:
        marks.insert(0, review)
    return marks


def _handling_shown(row: QueueRow) -> bool:
    awaited = any(CheckInStatus(m.status) is CheckInStatus.SUMMONED for m in row.marks)
    return row.handling is not None and not awaited


def review_view(row: QueueRow, now: datetime, tz: ZoneInfo) -> MarkView | None:
    """A parked case's review date, marked once it has come."""
    if row.review_on is None:
        return None
    day = row.review_on.strftime("%m-%d")
    due = row.review_on <= now.astimezone(tz).date()
    review = t("queue.review_due" if due else "queue.review_on", day=day)
    return MarkView(review, "warning" if due else "muted")


def row_marks(
    row: QueueRow, now: datetime, cal: WorkCalendar, tz: ZoneInfo, tones: Tones | None = None
) -> list[MarkView]:
    """A row's marks as of ``now``, in the order they are drawn: what needs the desk first
    (overdue, then still awaited, then those already there)."""
    urgency = {"overdue": 0, "warning": 1, "": 2}
    return sorted(
        (mark_view(m, now, cal, tz, tones) for m in row.marks), key=lambda m: urgency.get(m.tone, 3)
    )


def marks_width(rows: Sequence[QueueRow], now: datetime, cal: WorkCalendar, tz: ZoneInfo) -> MarksWidth:
    """The cells the marks of ``rows`` take as ``row_clocks`` draws them at ``now``, from their
    texts alone (the order and the lights do not change the width; ``cal`` is not needed):
    a window's two hundred rows counted through ``clock_state`` took 5–13 ms of a key."""
    every, red = 0, 0
    for row in rows:
        texts = [mark_text(m, now) for m in row.marks]
        if _handling_shown(row):
            assert row.handling is not None
            texts.append(handling_text(row.handling, now))
        review = review_view(row, now, tz)
        if review is not None:
            texts.append((review.text, False))
        every = max(every, cell_len(" ".join(text for text, _red in texts)))
        red = max(red, cell_len(" ".join(text for text, shown_red in texts if shown_red)))
    return MarksWidth(every, red)


def row_segments(
    row: QueueRow,
    cols: Columns,
    now: datetime,
    cal: WorkCalendar,
    tz: ZoneInfo,
    styles: dict[str, Style],
    base: Style,
    clocks: tuple[list[MarkView], list[MarkView]] | None = None,
) -> tuple[list[Segment], list[MarkView]]:
    """The segments of one row and its marks (the caller checks them for red). ``clocks``:
    the row's ``row_marks`` and ``row_clocks`` at ``now`` when the caller has them already."""
    # what needs the desk first: overdue, then still awaited, then those already there; a
    # narrow screen cuts the end of the line, never a red mark
    marks = row_marks(row, now, cal, tz) if clocks is None else clocks[0]
    drawn = row_clocks(row, now, cal, tz, marks) if clocks is None else clocks[1]
    overdue = any(m.tone == "overdue" for m in marks)  # a check-in's: the handling clock is not
    # what puts a case in the overdue head of the queue
    head = row_head(row, cols, styles, base, overdue=overdue)
    tail = row_tail(row, cols, drawn, format_age(now - row.received_at), styles, base)
    return [*head, *tail], marks


def row_base(row: QueueRow, styles: dict[str, Style], base: Style) -> Style:
    """The style a row is drawn in: a closed case, shown on request, greyed."""
    return base + styles["muted"] if CaseStatus(row.status) not in OPEN_STATUSES else base


def row_head(
    row: QueueRow, cols: Columns, styles: dict[str, Style], base: Style, *, overdue: bool
) -> list[Segment]:
    """The cells before the marks (``cols.marks_x`` of them): the number (red while a
    check-in is ``overdue``), station, grade, category, community and status. A tick changes
    none of them but the number's colour."""
    base = row_base(row, styles, base)
    number_style = base + styles["overdue"] if overdue else base
    return [
        Segment(fit(row.number, cols.number), number_style),
        Segment(" ", base),
        *([Segment(fit(row.station_id, cols.station), base), Segment(" ", base)] if cols.station else []),
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


def row_tail(
    row: QueueRow,
    cols: Columns,
    drawn: Sequence[MarkView],
    age: str,
    styles: dict[str, Style],
    base: Style,
) -> list[Segment]:
    """The countdown cells from ``cols.marks_x`` on: the marks ``drawn`` (``row_clocks``), most
    urgent first and cut at the column's end, and the ``age`` (``format_age``)."""
    base = row_base(row, styles, base)
    segs: list[Segment] = []
    used = 0
    for view in drawn:
        piece = view.text if used == 0 else " " + view.text
        if used + cell_len(piece) > cols.marks:
            if used == 0:  # the most urgent is cut at its end, never dropped
                segs.append(Segment(fit(piece, cols.marks), base + styles[view.tone] if view.tone else base))
            else:
                segs.append(Segment(fit("…", cols.marks - used), base))
            used = cols.marks
            break
        segs.append(Segment(piece, base + styles[view.tone] if view.tone else base))
        used += cell_len(piece)
    segs.append(Segment(" " * (cols.marks - used), base))
    segs.append(Segment(" ", base))
    segs.append(Segment(fit(age, cols.age), base + styles["muted"]))
    return segs
