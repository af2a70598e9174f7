"""The 1 Hz tick repaints the countdown cells of the queue, not the whole table: the marks and
the age of the rows on screen, and the whole line of a row only when a deadline passed (its
number turns red). Moving the cursor repaints its two lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Label

from screens.widgets.header import DeskHeader
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import NOW, SIZE, app_for, settle, station
from tests.tui.dispatch_support import workers_done
from tests.tui.screen_text import screen_lines


async def _caught_up(app: Any, pilot: Any) -> None:
    """The desk has polled past every event written so far (the sign-in's included), so what
    the spy sees is the tick's own repaint, not a reload a late poll brings."""
    await app.poll_once()
    await workers_done(app)
    await pilot.pause()


def _spy(view: QueueView) -> list[tuple[Region, ...]]:
    calls: list[tuple[Region, ...]] = []
    real = view.refresh

    def refresh(*regions: Region, **kwargs: Any) -> QueueView:
        calls.append(regions)
        return real(*regions, **kwargs)

    view.refresh = refresh  # type: ignore[method-assign]
    return calls


async def test_a_tick_repaints_the_countdowns_only(tmp_path: Path) -> None:
    """A second on, each queue line repaints the cells of its countdowns that read differently
    (the seconds), not the table nor the whole marks column: what the operator sees changed in
    those cells and nowhere else, and the rest of every line reads as it did."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _caught_up(app, pilot)
        view = app.screen.query_one(QueueView)
        width = view.scrollable_content_region.width
        x = view.columns.marks_x
        before = {y: _cells(view.render_line(y)) for y in range(1, view.counts.total + 1)}
        calls = _spy(view)
        st.clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        after = {y: _cells(view.render_line(y)) for y in before}
        # the desk's own 1 Hz timer may tick once more on a loaded machine: at the same time,
        # it finds nothing to repaint
        regions = [r for regions in calls for r in regions]
        assert regions and all(r.height == 1 and 1 <= r.y <= view.counts.total for r in regions), regions
        assert all(r.x >= x and r.right <= width for r in regions), regions  # the countdown cells
        assert sum(r.width for r in regions) < (width - x) * view.counts.total / 2  # not the column
        for y in before:
            old, new = before[y], after[y]
            assert len(old) == len(new) == width
            assert old[:x] == new[:x]  # number, grade, category, community, status
            drawn = [r for r in regions if r.y == y]
            changed = [c for c in range(len(old)) if old[c] != new[c]]
            assert all(any(r.x <= c < r.right for r in drawn) for c in changed), (old, new, drawn)
            # each repainted run starts and ends at a cell that changed: no more is repainted
            assert all(old[r.x] != new[r.x] and old[r.right - 1] != new[r.right - 1] for r in drawn)
        assert any("城管 19:59" in line for line in screen_lines(app))  # the screen moved on
        assert not any("城管 19:59" in "".join(c for c, _ in line) for line in before.values())


async def test_a_tick_keeps_the_cursor_its_line_and_the_scroll(tmp_path: Path) -> None:
    """The cursor's line repaints its countdowns in the cursor's colours; the cursor and the
    scroll stay where they were."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _caught_up(app, pilot)
        view = app.screen.query_one(QueueView)
        await pilot.press("down")
        before = view.render_line(2)
        cursor_bg = {s.style.bgcolor for s in before if s.style}
        assert len(cursor_bg) == 1 and cursor_bg != {s.style.bgcolor for s in view.render_line(1) if s.style}
        scroll = view.scroll_y
        st.clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        after = view.render_line(2)
        assert after.text != before.text and "城管 19:59" in after.text
        assert {s.style.bgcolor for s in after if s.style} == cursor_bg  # the whole line
        assert view.cursor == 1 and view.cursor_row is not None
        assert view.cursor_row.number in after.text
        assert view.scroll_y == scroll


async def test_a_deadline_passing_repaints_that_whole_line(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _caught_up(app, pilot)
        view = app.screen.query_one(QueueView)
        app.tick()
        await pilot.pause()
        x = view.columns.marks_x
        calls = _spy(view)
        st.clock.advance(minutes=21)  # "soon" (line 2) passes its 20-minute deadline
        app.tick()
        await pilot.pause()
        whole_lines = [r for regions in calls for r in regions if r.x == 0]
        assert whole_lines == [Region(0, 2, x, 1)]


async def test_moving_the_cursor_repaints_two_lines(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _caught_up(app, pilot)
        view = app.screen.query_one(QueueView)
        width = view.scrollable_content_region.width
        calls = _spy(view)
        await pilot.press("down")
        assert view.cursor == 1
        assert calls[0] == (Region(0, 1, width, 1), Region(0, 2, width, 1))


async def test_a_tick_draws_again_only_the_lines_that_read_differently(tmp_path: Path) -> None:
    """The tick's region is drawn line by line: a line whose countdowns and age read as they
    did (its clocks counting in days: a minute's step) is the line drawn before, not drawn
    anew; a line whose seconds moved is drawn again."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        st.clock.advance(days=2)
        app.tick()
        await _caught_up(app, pilot)
        lines = {y: view_line for y in range(1, 5) if (view_line := _view(app).render_line(y))}
        st.clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        again = {y: _view(app).render_line(y) for y in lines}
    same = [y for y in lines if again[y] is lines[y]]
    drawn = [y for y in lines if again[y] is not lines[y]]
    assert same and drawn, [line.text for line in again.values()]
    assert all("d " in lines[y].text for y in same)  # days and minutes: the same this second
    assert all(again[y].text != lines[y].text for y in drawn)


def _cells(line: Strip) -> list[tuple[str, Style | None]]:
    """A drawn line cell by cell: each character with its style ("" in a wide one's right half)."""
    cells: list[tuple[str, Style | None]] = []
    for segment in line:
        for char in segment.text:
            cells.append((char, segment.style))
            cells += [("", segment.style)] * (cell_len(char) - 1)
    return cells


def _view(app: Any) -> QueueView:
    view: QueueView = app.screen.query_one(QueueView)
    return view


async def test_a_window_arriving_counts_the_marks_width_once(tmp_path: Path) -> None:
    """A window's arrival fitted the columns, and the resize a new row count brings fitted them
    again: every clock of the window (two hundred rows) counted twice for one width."""
    import screens.widgets.queue_view as queue_view

    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _caught_up(app, pilot)
        counted: list[int] = []
        real = queue_view.marks_width

        def spy(rows: Any, *args: Any) -> Any:
            counted.append(len(rows))
            return real(rows, *args)

        queue_view.marks_width = spy  # type: ignore[assignment]
        try:
            st.case("new", at=NOW, description="另一台调度台登记的案件")  # another desk: one row more
            await _caught_up(app, pilot)
            for _ in range(3):
                await pilot.pause()
        finally:
            queue_view.marks_width = real  # type: ignore[assignment]
        assert _view(app).counts.total == 5
    assert counted == [5]


async def test_a_tick_repaints_the_header_clock_not_the_header(tmp_path: Path) -> None:
    """The header's clock label shows the new second; the header line as a whole is not drawn
    again for it (setting the clock repainted the whole header every second)."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _caught_up(app, pilot)
        header = app.screen.query_one(DeskHeader)
        repaints: list[tuple[Any, ...]] = []
        real = header.refresh

        def refresh(*regions: Any, **kwargs: Any) -> DeskHeader:
            if kwargs.get("repaint", True):
                repaints.append(regions)
            return real(*regions, **kwargs)

        header.refresh = refresh  # type: ignore[method-assign]
        st.clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        assert str(header.query_one("#hdr-clock", Label).render()) == "03-10 10:00:01"
        assert "03-10 10:00:01" in screen_lines(app)[0]
        assert repaints == []
