"""The poller at rest and on a change: each second's poll read the record (four queries, and
at a million cases a count of every overdue check-in) although nothing could have changed, and
another desk's write showed only at the next of those polls (0.5 s on average, 1 s at worst,
before the reload). The desk now reads when the database file changed, a check-in deadline or
a step of the ladder came, or ten rounds passed; and looks at the file ten times a second."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from data.read.poll import change_mark
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import NOW, SIZE, app_for, settle, station
from tests.tui.dispatch_support import workers_done
from tui.app import WhistleApp


async def test_a_desk_at_rest_reads_nothing_until_a_deadline_or_a_step_comes(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _no_watch(app)
        await app.poll_once()
        assert await app._poll_due() is False  # nothing written, no deadline come: no read
        assert app.overdue_count == 2  # "overdue"'s two check-ins
        assert app._next_deadline == NOW + timedelta(minutes=20)  # "soon"'s check-in
        for _ in range(2):  # the ladder's next step (5 minutes on), then "soon"'s deadline
            assert app._next_deadline is not None and app._ladder_next is not None
            came = min(app._next_deadline, app._ladder_next)
            st.clock.advance(seconds=(came - st.clock.now()).total_seconds() - 1)
            assert await app._poll_due() is False
            st.clock.advance(seconds=1)
            assert await app._poll_due() is True  # it came: the poll reads, rings, escalates
            await app.poll_once()
            await workers_done(app)
            await pilot.pause()
            await _looked(app, pilot, st.path)  # the step it wrote is looked at, as the watch does
        assert app.overdue_count == 4 and await app._poll_due() is False  # and "soon"'s two


async def test_ten_quiet_rounds_read_once(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _no_watch(app)
        await app.poll_once()
        due = [await app._poll_due() for _ in range(11)]
        assert due == [False] * 10 + [True]


async def test_another_desks_write_is_looked_at_before_the_next_poll(tmp_path: Path) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _no_watch(app)
        await app.poll_once()
        view = app.screen.query_one(QueueView)
        before = view.counts.total
        st.case("new", at=st.clock.now() + timedelta(seconds=1), description="另一台调度台登记的案件")
        assert await app._poll_due() is True  # the file changed
        app._look_for_changes(change_mark(st.path))  # what the watch hands on when it looks
        for _ in range(5):
            await workers_done(app)
            await pilot.pause()
        assert view.counts.total == before + 1


def _no_watch(app: WhistleApp) -> None:
    """The file's watch (tui/watch.py) stops: it looks in a thread of its own, and a look that
    lands between a write and the test's own question answers it first."""
    assert app._changes is not None
    app._changes.stop()


async def _looked(app: WhistleApp, pilot: Any, db: Path) -> None:
    """What the watch does within a tenth of a second of a write (the poll's own escalation
    step): the file's new mark is looked at and polled once more, which settles."""
    mark = change_mark(db)
    assert mark is not None
    app._look_for_changes(mark)
    await workers_done(app)
    await pilot.pause()
