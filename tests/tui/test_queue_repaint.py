"""The 1 Hz tick repaints the countdown cells of the queue, not the whole table: the marks and
the age of the rows on screen, and the whole line of a row only when a deadline passed (its
number turns red). Moving the cursor repaints its two lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.geometry import Region

from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import NOW, SIZE, app_for, settle, station
from tests.tui.dispatch_support import workers_done


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
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _caught_up(app, pilot)
        view = app.screen.query_one(QueueView)
        width = view.scrollable_content_region.width
        x = view.columns.marks_x
        calls = _spy(view)
        st.clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        # every repaint is the countdown cells (the desk's own 1 Hz timer may tick once more
        # on a loaded machine: it repaints the same cells, never the whole table)
        assert calls and all(c == (Region(x, 1, width - x, view.counts.total),) for c in calls), calls
        assert "城管 19:59" in view.render_line(2).text  # and what it draws there moved on


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
