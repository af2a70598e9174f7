"""What a tick does not do again every second at rest: read the table's styles (Textual empties
its own cache of them at every refresh) and put the header's other labels together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Label

from screens.widgets import header as header_module
from screens.widgets.header import DeskHeader
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import SIZE, app_for, settle, station
from tests.tui.dispatch_support import workers_done
from tests.tui.screen_text import screen_lines


async def _ticked(app: Any, pilot: Any, st: Any, seconds: int = 1) -> None:
    st.clock.advance(seconds=seconds)
    app.tick()
    await workers_done(app)
    await pilot.pause()


async def test_the_tables_styles_are_read_once_until_they_change(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)
        await _ticked(app, pilot, st)
        read: list[tuple[str, ...]] = []
        real = view.get_component_rich_style

        def get_component_rich_style(*names: str, **kwargs: Any) -> Any:
            read.append(names)
            return real(*names, **kwargs)

        view.get_component_rich_style = get_component_rich_style  # type: ignore[method-assign]
        before = screen_lines(app)
        for _ in range(3):
            await _ticked(app, pilot, st)
        assert read == []
        assert screen_lines(app) != before  # the countdowns moved on
        app.theme = "textual-light"  # the styles change: read again, once
        await workers_done(app)
        await pilot.pause()
        await _ticked(app, pilot, st)
        assert read and len(read) == len(set(read))


async def test_a_tick_shows_the_clock_and_leaves_the_other_labels_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        header = app.screen.query_one(DeskHeader)
        put_together: list[Any] = []
        real = header_module.operator_text

        def operator_text(*args: Any, **kwargs: Any) -> str:
            put_together.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(header_module, "operator_text", operator_text)
        await _ticked(app, pilot, st, seconds=5)
        assert str(header.query_one("#hdr-clock", Label).render()) == "03-10 10:00:05"
        assert put_together == []
        app.overdue_count += 1  # another value changes: the labels are shown again
        app.screen.update_header()
        await pilot.pause()
        assert put_together


async def test_a_round_at_rest_asks_no_thread_for_the_files_mark(tmp_path: Path) -> None:
    """Each second's round looked whether the file changed by handing two stats to a thread and
    back; the watch (tui/watch.py) reads the same mark ten times a second in its own thread,
    and a round now takes the watch's latest. A write still makes the round due."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await app.poll_once()
        watch = app._changes
        assert watch is not None
        watch.look()  # what the watch's thread does every tenth of a second
        asked: list[bool] = []
        real = app._file_mark

        async def file_mark() -> Any:
            asked.append(True)
            return await real()

        app._file_mark = file_mark  # type: ignore[method-assign]
        assert await app._poll_due() is False and asked == []
        st.case("new", at=st.clock.now(), description="另一台调度台登记的案件")
        watch.look()
        assert await app._poll_due() is True and asked == []
        watch.stop()  # no watch: the round reads the file itself
        assert await app._poll_due() is True and asked == [True]


async def test_a_quiet_second_of_the_poller_starts_no_worker(tmp_path: Path) -> None:
    """A round that the watch's mark shows could find nothing new is passed over by the timer
    itself (a worker's start and end cost more than the question); a write starts the round,
    which polls and shows it."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await app.poll_once()
        watch = app._changes
        assert watch is not None
        watch.look()

        def rounds() -> int:
            return sum(1 for w in app.workers if w.name == "poll_round")

        before, passed = rounds(), app._passed_over
        app._poll_second()
        assert rounds() == before and app._passed_over == passed + 1
        view = app.screen.query_one(QueueView)
        total = view.counts.total
        st.case("new", at=st.clock.now(), description="另一台调度台登记的案件")
        watch.look()
        app._poll_second()
        assert rounds() == before + 1
        for _ in range(5):
            await workers_done(app)
            await pilot.pause()
        assert view.counts.total == total + 1


def _recorded(screen: Any, method: str) -> list[tuple[Any, ...]]:
    """The arguments of each call of ``screen``'s ``method`` from now on (it still answers)."""
    calls: list[tuple[Any, ...]] = []
    real = getattr(screen, method)

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    setattr(screen, method, recording)
    return calls


async def test_a_tick_finds_the_header_without_looking_through_the_screen(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _ticked(app, pilot, st)
        screen = app.screen
        looked = _recorded(screen, "query")
        await _ticked(app, pilot, st, seconds=2)
        assert str(screen.query_one("#hdr-clock", Label).render()) == "03-10 10:00:03"
        assert not any(DeskHeader in args for args in looked)


async def test_keys_and_ticks_find_the_table_without_looking_through_the_screen(tmp_path: Path) -> None:
    """The queue screen found its table (and the search box, the counts line) by a query of
    the screen several times a key (the footer's checks, the counts line) and every tick."""
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        view = screen.query_one(QueueView)
        await pilot.press("down")
        await workers_done(app)
        await pilot.pause()
        looked = _recorded(screen, "query_one")
        for key in ("down", "up", "end", "home"):
            await pilot.press(key)
            await workers_done(app)
            await pilot.pause()
        await _ticked(app, pilot, st)
        assert view.cursor == 0 and looked == []
