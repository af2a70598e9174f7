"""The live queue table: draws only the lines on screen (line API), from a window of rows
around the scroll position that its loader (handed in by the screen) reads from SQL. Rows are
keyed by case id; a tick redraws the visible lines from what is held, a reload re-reads only
the window and keeps the cursor on the same case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol
from zoneinfo import ZoneInfo

from rich.cells import cell_len
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
    Tones,
    format_age,
    marks_width,
    row_clocks,
    row_head,
    row_marks,
    row_tail,
)

TONES = ("overdue", "warning", "ok", "muted")
HELD_LINES = 1000
HELD_FITS = 4
"""Cases whose last drawn line is held for a jump or a page back (a few screens' worth)."""


@dataclass(frozen=True)
class Look:
    """The styles the table is drawn in, read once for a tick or a repaint (not for every
    line): the widget's own, the cursor line's, the header's and each tone's."""

    base: Style
    cursor: Style
    header: Style
    tones: dict[str, Style]


@dataclass(frozen=True)
class Clocks:
    """What a row's countdown cells show at one time: its marks (most urgent first), what
    the marks column draws, and the age."""

    marks: list[MarkView]
    drawn: list[MarkView]
    age: str

    @property
    def overdue(self) -> bool:
        """A check-in is overdue (its number is red; the handling clock does not count)."""
        return any(m.tone == "overdue" for m in self.marks)


@dataclass(frozen=True)
class Line:
    """One screen line as drawn, with what it was drawn from: the tick draws a line again
    from its held head (the cells before the marks) and new countdown cells."""

    row: QueueRow
    columns: Columns
    look: Look
    cursor: bool
    clocks: Clocks
    head: list[Segment]
    """The cells before the marks (``Columns.marks_x``), kept while they read the same."""
    tail: list[Segment]
    """The countdown cells: the marks and the age."""
    strip: Strip


def changed_cells(old: Sequence[Segment], new: Sequence[Segment]) -> tuple[int, int] | None:
    """The cells ``[x0, x1)`` outside which two runs of segments as wide as each other read
    and look the same (None: they are the same), compared segment by segment from both ends
    and, in the first segment that differs in text only, character by character."""
    a, b = old, new
    width = sum(cell_len(segment.text) for segment in a)
    n = min(len(a), len(b))
    i, x0 = 0, 0
    while i < n and (a[i] is b[i] or a[i] == b[i]):
        x0 += cell_len(a[i].text)
        i += 1
    if i == len(a) == len(b):
        return None
    if i < n and a[i].style == b[i].style:
        x0 += cell_len(_common_prefix(a[i].text, b[i].text))
    j, x1 = 0, width
    while j < n - i and (a[-1 - j] is b[-1 - j] or a[-1 - j] == b[-1 - j]):
        x1 -= cell_len(a[-1 - j].text)
        j += 1
    if j < n - i and a[-1 - j].style == b[-1 - j].style:
        x1 -= cell_len(_common_prefix(a[-1 - j].text[::-1], b[-1 - j].text[::-1]))
    return (x0, x1) if x1 > x0 else None


def _common_prefix(a: str, b: str) -> str:
    k = 0
    for ca, cb in zip(a, b, strict=False):
        if ca != cb:
            break
        k += 1
    return a[:k]


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
        self.reading = False
        """A window is being read. (Not Textual's ``loading``, which covers the table with a
        loading indicator: mounting it and taking it away laid the screen out twice for every
        window read, ~20 ms of a key at a million cases.)"""
        self._window_wanted = False
        self.loaded_once = False
        self._widths: tuple[list[QueueRow], tuple[object, ...], MarksWidth] | None = None
        self._fitted: dict[tuple[object, ...], tuple[list[QueueRow], Columns]] = {}
        """The columns fitted to the last few windows, by the width, the time and the rows."""
        self._columns_seen: dict[Columns, Columns] = {}
        self._drawn: dict[int, Line] = {}
        """Each screen line as last drawn, with what it showed: the tick repaints only the
        cells of a line that read differently now (the seconds of a countdown; from one second
        to the next many read the same: hours and minutes, an age in days)."""
        self._lines: dict[str, Line] = {}
        """Each case's line as last drawn, on whichever screen line: a jump back (End, then
        Home) or a page back draws its rows from these when they read the same, not again
        (building a line costs its clocks, its cells and its strip: ~2 ms of a jump)."""
        self._clocks: dict[str, tuple[QueueRow, Clocks]] = {}
        self._clocks_at: tuple[datetime, WorkCalendar, ZoneInfo] | None = None
        self._tones = Tones()
        """The clocks' lights, each counted again only when it may have changed."""
        """The rows' countdowns as of ``now``, counted once for the tick and the repaint."""
        self._look: Look | None = None
        self._look_read = False
        """The styles read for the repaint under way (``render_lines``), or the last ones."""
        self._pass: tuple[Look, int] | None = None

    # -- reading ---------------------------------------------------------------------------

    @property
    def rows_on_screen(self) -> int:
        return max(self.size.height - 1, 1)

    def _window_size(self) -> int:
        return max(200, self.rows_on_screen * 4)

    def _jump_size(self) -> int:
        """The window read for a jump (End, Home, a page past the rows held): the screen's rows
        and as many again around them, not a scrolling window's two hundred (each row read
        costs its case, marks and clocks: ~0.1 ms at a million cases)."""
        return self.rows_on_screen * 2

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

    def _fetch(
        self, *, keep_counts: bool, follow: bool, scroll: int | None = None, size: int | None = None
    ) -> None:
        """Read the window around ``scroll`` (the scroll position when None) of ``size`` rows
        (a scrolling window's when None)."""
        row = self.cursor_row if follow else None
        request = WindowRequest(
            self.filter,
            row.case_id if row else None,
            self.cursor,
            int(self.scroll_y) if scroll is None else scroll,
            self.rows_on_screen,
            size or self._window_size(),
            self.counts if keep_counts else None,
        )
        load = self.loader

        async def job() -> None:
            self.reading = True
            try:
                loaded = await load(request)
            finally:
                self.reading = False
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
        if self.reading:
            self._window_wanted = True
            return
        self._window_wanted = False
        if self.row_at(top) is None or self.row_at(bottom - 1) is None:
            self._fetch(keep_counts=True, follow=False)

    # -- the clock ---------------------------------------------------------------------------

    def tick(self, now: datetime) -> None:
        """Repaint the countdown cells only: of each line on screen, the cells of its marks and
        age that read differently now (the seconds of a countdown, most seconds), and the cells
        before them of a row whose check-in deadline passed since the last tick (its number
        turns red). A line not drawn as it is held (a window just arrived) is drawn whole."""
        before, self.now = self.now, now
        if before is None or not self._rows:
            self.refresh()
            return
        width = self.scrollable_content_region.width
        cols = self.columns
        if width != self._columns_width:
            self.refresh()
            return
        look = self._current_look()
        focus = self.has_focus
        x = cols.marks_x
        top = int(self.scroll_y)
        lines = min(self.rows_on_screen, max(self.counts.total - top, 0))
        regions: list[Region] = []
        for y in range(1, lines + 1):
            index = top + y - 1
            row = self.row_at(index)
            held = self._drawn.get(y)
            if row is None or held is None or held.row is not row or held.columns is not cols:
                regions.append(Region(0, y, width, 1))
                continue
            line = self._line(y, row, cols, look, index == self.cursor and focus, width)
            if line is held:
                continue
            if line.head is not held.head and line.head != held.head:  # its number turned red
                regions.append(Region(0, y, x, 1))
            cells = changed_cells(held.tail, line.tail)
            if cells is not None:
                regions.append(Region(x + cells[0], y, cells[1] - cells[0], 1))
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

    def notify_style_update(self) -> None:
        """The styles were applied again (the theme changed, the CSS was reloaded, a class or a
        pseudo-class changed): read them again for the next lines drawn."""
        super().notify_style_update()
        self._look_read = False

    def on_focus(self) -> None:
        self._look_read = False

    def on_blur(self) -> None:
        self._look_read = False

    def _current_look(self) -> Look:
        """The styles as they are now; the held ones while they read the same (so the lines
        held compare by identity). Read once until Textual applies the styles again
        (``notify_style_update``): read for every repaint and tick, they cost more than the
        lines a tick draws (every refresh empties Textual's own cache of them)."""
        if self._look_read and self._look is not None:
            return self._look
        self._look_read = True
        tones = {tone: self.get_component_rich_style(f"queue--{tone}", partial=True) for tone in TONES}
        look = Look(
            self.rich_style,
            self.get_component_rich_style("queue--cursor"),
            self.get_component_rich_style("queue--header"),
            tones,
        )
        if look != self._look:
            self._look = look
        return self._look

    def render_lines(self, crop: Region) -> list[Strip]:
        # the styles and the width, read once for every line of this repaint
        self._pass = (self._current_look(), self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        look, width = self._pass or (self._current_look(), self.scrollable_content_region.width)
        if width != self._columns_width:
            self._fit_columns()
        cols = self.columns
        if y == 0:
            return Strip([Segment(cols.header(), look.header)]).crop_extend(0, width, look.header)
        index = int(self.scroll_y) + y - 1
        row = self.row_at(index)
        cursor = index == self.cursor and self.has_focus
        if row is None or self.now is None:
            return Strip.blank(width, look.base + look.cursor if cursor else look.base)
        return self._line(y, row, cols, look, cursor, width).strip

    def _clocks_of(self, row: QueueRow) -> Clocks:
        """The row's countdowns as of ``now``, counted once however often they are drawn."""
        assert self.now is not None
        at = self._clocks_at
        if at is None or at[0] != self.now or at[1] is not self.calendar or at[2] is not self.tz:
            self._clocks_at = (self.now, self.calendar, self.tz)
            self._clocks = {}
        held = self._clocks.get(row.case_id)
        if held is not None and held[0] is row:
            return held[1]
        marks = row_marks(row, self.now, self.calendar, self.tz, self._tones)
        clocks = Clocks(
            marks,
            row_clocks(row, self.now, self.calendar, self.tz, marks, self._tones),
            format_age(self.now - row.received_at),
        )
        self._clocks[row.case_id] = (row, clocks)
        return clocks

    def _line(self, y: int, row: QueueRow, cols: Columns, look: Look, cursor: bool, width: int) -> Line:
        """Line ``y`` showing ``row`` as of ``now``: the line held when it reads the same, else
        drawn again, with the held head when only the countdown cells changed. Runs of one
        style are drawn as one segment (each segment costs Textual's repaint again)."""
        clocks = self._clocks_of(row)
        held = self._drawn.get(y)
        if held is None or held.row is not row:
            held = self._lines.get(row.case_id)
        same = (
            held is not None
            and held.row is row
            and held.columns is cols
            and held.look is look
            and held.cursor == cursor
        )
        if same and held is not None and held.clocks == clocks:
            self._drawn[y] = held
            return held
        base = look.base + look.cursor if cursor else look.base
        if same and held is not None and held.clocks.overdue == clocks.overdue:
            head = held.head
        else:
            head = list(Segment.simplify(row_head(row, cols, look.tones, base, overdue=clocks.overdue)))
        tail = list(Segment.simplify(row_tail(row, cols, clocks.drawn, clocks.age, look.tones, base)))
        cells = cols.marks_x + cols.marks + 1 + cols.age  # what head and tail fill, exactly
        strip = Strip([*head, *tail], cells)
        if cells != width:
            strip = strip.crop_extend(0, width, base)
        line = Line(row, cols, look, cursor, clocks, head, tail, strip)
        self._drawn[y] = line
        if len(self._lines) >= HELD_LINES:
            self._lines.clear()
        self._lines[row.case_id] = line
        return line

    # -- moving --------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        rows = self.rows_on_screen
        if top <= new < top + rows:  # no scroll: only the two cursor lines change
            width = self.scrollable_content_region.width
            lines = [i - top + 1 for i in {old, new} if top <= i < top + rows]
            self.refresh(*(Region(0, y, width, 1) for y in lines))
            return
        target = new if new < top else new - rows + 1
        bottom = min(target + rows, self.counts.total)
        if self.row_at(target) is None or self.row_at(bottom - 1) is None:
            # the rows it scrolls to are not held (End, Home, a page past the window): read
            # them first and scroll when they come, not draw the table blank in between
            self._fetch(keep_counts=True, follow=False, scroll=target, size=self._jump_size())
            return
        self.scroll_to(y=target, animate=False, immediate=True)
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
        # the rows by identity: a fitting holds its rows, so their ids stay theirs meanwhile
        key = (self._columns_width, self.stations, self.now, self.calendar, self.tz, *map(id, self._rows))
        held = self._fitted.get(key)
        if held is not None:
            self.columns = held[1]  # the same rows again (a jump back): fitted as before
            return
        marks = self._marks_width()
        cols = Columns.for_width(self._columns_width, self._rows, marks, stations=self.stations)
        # columns that read as some drawn before are that same object, so the lines held for
        # them (``_lines``) are drawn again as they are
        if len(self._columns_seen) >= HELD_FITS * 4:
            self._columns_seen.clear()
        self.columns = self._columns_seen.setdefault(cols, cols)
        if len(self._fitted) >= HELD_FITS:
            self._fitted.pop(next(iter(self._fitted)))
        self._fitted[key] = (self._rows, self.columns)

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
