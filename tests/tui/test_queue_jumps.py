"""A jump past the rows the queue holds (End, Home, a page past its window): the window is read
first and the table scrolls when it comes, drawing no blank table in between; and a window read
lays nothing out again (no loading indicator mounted over the table, no counts line rewritten
with the same words)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import app_for, settle, station
from tests.tui.dispatch_support import workers_done

SHORT = (120, 6)
"""A screen with room for two queue lines: the four cases do not fit."""


async def _small_window(app: Any, pilot: Any) -> QueueView:
    """The queue holding two rows at a time, as it holds two hundred of a big station."""
    view: QueueView = app.screen.query_one(QueueView)
    view._window_size = lambda: 2  # type: ignore[method-assign]
    view.reload()
    await workers_done(app)
    await pilot.pause()
    assert view.rows_on_screen == 2 and view.counts.total == 4
    assert view.row_at(0) is not None and view.row_at(3) is None
    return view


def _blank_spy(view: QueueView) -> list[int]:
    """The lines drawn with no row held for a case that is listed (a blank table line)."""
    blank: list[int] = []
    real = view.render_line

    def render_line(y: int) -> Any:
        index = int(view.scroll_y) + y - 1
        if y >= 1 and index < view.counts.total and view.row_at(index) is None:
            blank.append(index)
        return real(y)

    view.render_line = render_line  # type: ignore[method-assign]
    return blank


async def test_end_and_home_read_their_rows_before_they_scroll(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SHORT) as pilot:
        await settle(app, pilot)
        view = await _small_window(app, pilot)
        blank = _blank_spy(view)
        first = view.row_at(0)
        await pilot.press("end")
        await workers_done(app)
        await pilot.pause()
        last = view.row_at(3)
        assert view.cursor == 3 and int(view.scroll_y) == 2 and last is not None
        assert last.number in view.render_line(2).text
        await pilot.press("home")
        await workers_done(app)
        await pilot.pause()
        assert view.cursor == 0 and int(view.scroll_y) == 0
        assert first is not None and first.number in view.render_line(1).text
    assert blank == []


async def test_a_window_read_lays_nothing_out_again(tmp_path: Path) -> None:
    """Textual's ``loading`` covered the table with a loading indicator for each read (mounted,
    then taken away: two layouts of the screen), and the counts line was written again with
    the same words (a third)."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SHORT) as pilot:
        await settle(app, pilot)
        view = await _small_window(app, pilot)
        bar = app.screen.query_one("#queue-filters", Static)
        shown = str(bar.render())
        covered: list[bool] = []
        updates: list[Any] = []
        real_loading, real_update = view.set_loading, bar.update

        def set_loading(loading: bool) -> Any:
            covered.append(loading)
            return real_loading(loading)

        def update(*args: Any, **kwargs: Any) -> None:
            updates.append(args)
            real_update(*args, **kwargs)

        view.set_loading = set_loading  # type: ignore[method-assign]
        bar.update = update  # type: ignore[method-assign]
        await pilot.press("end")
        await workers_done(app)
        await pilot.pause()
        assert view.cursor == 3 and view.row_at(3) is not None  # the window was read
        assert covered == [] and updates == []
        assert str(bar.render()) == shown


async def test_a_jump_reads_the_screens_rows_and_as_many_again(tmp_path: Path) -> None:
    """End and Home read the rows they show with a margin (twice the screen's rows), not a
    scrolling window (two hundred rows at a million cases, each with its marks and clocks):
    what they show is the same."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SHORT) as pilot:
        await settle(app, pilot)
        view = await _small_window(app, pilot)
        view._window_size = lambda: 3  # type: ignore[method-assign]
        sizes: list[int] = []
        real = view.loader

        async def loader(request: Any) -> Any:
            sizes.append(request.size)
            return await real(request)

        view.loader = loader
        await pilot.press("end")
        await workers_done(app)
        await pilot.pause()
        assert sizes == [2 * view.rows_on_screen] == [4]
        last = view.row_at(3)
        assert view.cursor == 3 and last is not None and last.number in view.render_line(2).text
        await pilot.press("home")
        await workers_done(app)
        await pilot.pause()
        assert sizes == [4, 4] and view.cursor == 0 and int(view.scroll_y) == 0
        assert [view.row_at(i) is not None for i in range(4)] == [True] * 4
