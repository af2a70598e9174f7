"""The live queue table: draws only the lines on screen (line API), from a window of rows
around the scroll position that its loader (handed in by the screen) reads from SQL. Rows are
keyed by case id; a tick redraws the visible lines from what is held, a reload re-reads only
the window and keeps the cursor on the same case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from data.read.queue import QueueCounts, QueueFilter, QueueRow, QueueWindow
from models.calendar import WorkCalendar
from screens.bindings import bindings_for
from screens.messages import CaseSelected
from screens.widgets.queue_row import (
    Columns,
    MarksWidth,
    MarkView,
    format_age,
    marks_width,
    row_clocks,
    row_marks,
    row_segments,
)

TONES = ("overdue", "warning", "ok", "muted")


@dataclass(frozen=True)
class WindowRequest:
    """What the table asks its loader for: the window around the scroll position, with the
    cursor kept on ``cursor_case`` when it is still listed."""

    filter: QueueFilter
    cursor_case: str | None
    cursor: int
    scroll: int
    height: int
    size: int
    counts: QueueCounts | None
    """The counts already held (a window read while scrolling), or None to count again."""


@dataclass(frozen=True)
class Snapshot:
    window: QueueWindow
    cursor: int
    scroll: int
    now: datetime
    """When it was read: the countdowns are drawn as of this until the next tick."""


class WindowLoader(Protocol):
    """Reads a window for the table (the screen hands one in); None while nothing is open."""

    async def __call__(self, request: WindowRequest) -> Snapshot | None: ...


class QueueView(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("queue_table")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "queue--header",
        "queue--cursor",
        *(f"queue--{t}" for t in TONES),
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    def __init__(self, loader: WindowLoader, *, tz: ZoneInfo, id: str | None = None) -> None:
        super().__init__(id=id)
        self.loader = loader
        self.tz = tz
        self.filter = QueueFilter()
        self.counts = QueueCounts(0, 0)
        self.now: datetime | None = None
        self.calendar = WorkCalendar()
        self.stations = False
        """More than one station's cases are listed (a district hub): a station column."""
        self._offset = 0
        self._rows: list[QueueRow] = []
        self.columns = Columns.for_width(0)
        self._columns_width = 0
        """The columns as drawn: shared by the width and what the rows held hold."""
        self.loading = False
        """A window is being read."""
        self._window_wanted = False
        self.loaded_once = False
        self._widths: tuple[list[QueueRow], tuple[object, ...], MarksWidth] | None = None
        self._drawn: dict[int, tuple[QueueRow, Columns, tuple[object, ...], Strip]] = {}
        """Each screen line as last drawn, with what it showed: the tick's repaint of the
        countdown cells draws again only a line that reads differently now (from one second
        to the next most read the same: hours and minutes, an age in days)."""

    # -- reading ---------------------------------------------------------------------------

    @property
    def rows_on_screen(self) -> int:
        return max(self.size.height - 1, 1)

    def _window_size(self) -> int:
        return max(200, self.rows_on_screen * 4)

    def row_at(self, index: int) -> QueueRow | None:
        if self._offset <= index < self._offset + len(self._rows):
            return self._rows[index - self._offset]
        return None

    @property
    def cursor_row(self) -> QueueRow | None:
        return self.row_at(self.cursor)

    def index_of(self, case_id: str) -> int | None:
        for i, row in enumerate(self._rows):
            if row.case_id == case_id:
                return self._offset + i
        return None

    def reload(self, *, keep_counts: bool = False) -> None:
        """Re-read the counts and the window around the scroll position."""
        self._fetch(keep_counts=keep_counts, follow=True)

    def set_filter(self, flt: QueueFilter) -> None:
        self.filter = flt
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self._rows = []
        self._fetch(keep_counts=False, follow=False)

    def _fetch(self, *, keep_counts: bool, follow: bool) -> None:
        row = self.cursor_row if follow else None
        request = WindowRequest(
            self.filter,
            row.case_id if row else None,
            self.cursor,
            int(self.scroll_y),
            self.rows_on_screen,
            self._window_size(),
            self.counts if keep_counts else None,
        )
        load = self.loader

        async def job() -> None:
            self.loading = True
            try:
                loaded = await load(request)
            finally:
                self.loading = False
            if loaded is not None:
                self._apply(loaded)

        self.run_worker(job, name="queue-window", group="queue-window", exclusive=True, exit_on_error=False)  # type: ignore[arg-type]

    def _apply(self, loaded: Snapshot) -> None:
        self.counts = loaded.window.counts
        if self.now is None:
            self.now = loaded.now
        self._offset = loaded.window.offset
        self._rows = loaded.window.rows
        self._fit_columns()
        self.virtual_size = Size(self.scrollable_content_region.width, self.counts.total + 1)
        self.set_reactive(QueueView.cursor, loaded.cursor)
        if int(self.scroll_y) != loaded.scroll:
            self.scroll_to(y=loaded.scroll, animate=False, immediate=True)
        self.loaded_once = True
        self.refresh()
        self.post_message(self.WindowLoaded())
        if self._window_wanted:  # the table scrolled on while this window was read
            self._ensure_window()

    class WindowLoaded(Message):
        """A window was read; the screen updates its counts line."""

    def _ensure_window(self) -> None:
        top = int(self.scroll_y)
        bottom = min(top + self.rows_on_screen, self.counts.total)
        if bottom <= top:
            return
        if self.loading:
            self._window_wanted = True
            return
        self._window_wanted = False
        if self.row_at(top) is None or self.row_at(bottom - 1) is None:
            self._fetch(keep_counts=True, follow=False)

    # -- the clock ---------------------------------------------------------------------------

    def tick(self, now: datetime) -> None:
        """Repaint the countdown cells only (the marks and the age), and the whole line of a
        row whose check-in deadline passed since the last tick (its number turns red)."""
        before, self.now = self.now, now
        if before is None or not self._rows:
            self.refresh()
            return
        width = self.scrollable_content_region.width
        x = self.columns.marks_x
        top = int(self.scroll_y)
        lines = min(self.rows_on_screen, max(self.counts.total - top, 0))
        regions = [Region(x, 1, max(width - x, 0), lines)] if lines else []
        for y in range(1, lines + 1):
            row = self.row_at(top + y - 1)
            if row is not None and any(before < m.deadline <= now for m in row.marks):
                regions.append(Region(0, y, x, 1))
        if regions:
            self.refresh(*regions)

    def marks_of(self, case_id: str) -> list[MarkView]:
        """The marks of a case in the window as they are drawn now, most urgent first."""
        index = self.index_of(case_id)
        row = self.row_at(index) if index is not None else None
        if row is None or self.now is None:
            return []
        return row_marks(row, self.now, self.calendar, self.tz)

    # -- drawing -------------------------------------------------------------------------------

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.call_later(self._ensure_window)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._columns_width:
            self._fit_columns()
        cols = self.columns
        if y == 0:
            style = self.get_component_rich_style("queue--header")
            return Strip([Segment(cols.header(), style)]).crop_extend(0, width, style)
        index = int(self.scroll_y) + y - 1
        row = self.row_at(index)
        base = self.rich_style
        if index == self.cursor and self.has_focus:
            base = base + self.get_component_rich_style("queue--cursor")
        if row is None or self.now is None:
            return Strip.blank(width, base)
        styles: dict[str, Style] = {
            tone: self.get_component_rich_style(f"queue--{tone}", partial=True) for tone in TONES
        }
        marks = row_marks(row, self.now, self.calendar, self.tz)
        clocks = row_clocks(row, self.now, self.calendar, self.tz, marks)
        shows = (width, base, *styles.values(), *clocks, format_age(self.now - row.received_at))
        drawn = self._drawn.get(y)
        if drawn is not None and drawn[0] is row and drawn[1] is cols and drawn[2] == shows:
            return drawn[3]
        segments, _marks = row_segments(
            row, cols, self.now, self.calendar, self.tz, styles, base, (marks, clocks)
        )
        strip = Strip(segments).crop_extend(0, width, base)
        self._drawn[y] = (row, cols, shows, strip)
        return strip

    # -- moving --------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self.rows_on_screen:
            self.scroll_to(y=new - self.rows_on_screen + 1, animate=False, immediate=True)
        else:  # no scroll: only the two cursor lines change
            width = self.scrollable_content_region.width
            lines = [i - top + 1 for i in {old, new} if top <= i < top + self.rows_on_screen]
            self.refresh(*(Region(0, y, width, 1) for y in lines))
            return
        self.refresh()

    def _move(self, delta: int) -> None:
        if self.counts.total:
            self.cursor = min(max(self.cursor + delta, 0), self.counts.total - 1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(self.rows_on_screen)

    def action_page_up(self) -> None:
        self._move(-self.rows_on_screen)

    def action_first(self) -> None:
        self._move(-self.cursor)

    def action_last(self) -> None:
        self._move(self.counts.total)

    def action_select(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(CaseSelected(row.case_id))

    def _fit_columns(self) -> None:
        self._columns_width = self.scrollable_content_region.width
        marks = self._marks_width()
        self.columns = Columns.for_width(self._columns_width, self._rows, marks, stations=self.stations)

    def _marks_width(self) -> MarksWidth | None:
        """The marks' width over the rows held, counted once for the rows, the time, the
        calendar and the zone (a window's arrival and the resize it brings fit the columns
        twice: each clock of two hundred rows counted again)."""
        if self.now is None:
            return None
        key = (self.now, self.calendar, self.tz)
        held = self._widths
        if held is not None and held[0] is self._rows and held[1] == key:
            return held[2]
        found = marks_width(self._rows, self.now, self.calendar, self.tz)
        self._widths = (self._rows, key, found)
        return found

    def on_resize(self) -> None:
        self._fit_columns()
        self.virtual_size = Size(self.scrollable_content_region.width, self.counts.total + 1)
        self._ensure_window()
