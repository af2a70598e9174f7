"""A jump back (End, then Home, then End again) or a page back draws the lines it drew before
when they read the same, not again; and every screen shows the rows at its positions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screens.widgets import queue_view
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import app_for, numbers, settle, station
from tests.tui.dispatch_support import workers_done
from tests.tui.screen_text import screen_lines

SHORT = (120, 6)
"""Room for two queue lines: the four cases do not fit."""


async def _two_rows_held(app: Any, pilot: Any) -> QueueView:
    """The queue holding two rows at a time, as it holds two hundred of a big station."""
    view: QueueView = app.screen.query_one(QueueView)
    view._window_size = lambda: 2  # type: ignore[method-assign]
    view.reload()
    await workers_done(app)
    await pilot.pause()
    assert view.rows_on_screen == 2 and view.counts.total == 4
    return view


async def _press(app: Any, pilot: Any, key: str) -> None:
    await pilot.press(key)
    await workers_done(app)
    await pilot.pause()


def _shown(app: Any, view: QueueView) -> list[str]:
    """The case numbers on the table's lines, top to bottom, as the operator reads them."""
    order = numbers(view)
    lines = screen_lines(app)
    return [n for line in lines for n in order if n.removeprefix("SJ-") in line]


async def test_a_jump_back_draws_the_lines_it_drew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    st = station(tmp_path)
    app = app_for(st)
    async with app.run_test(size=SHORT) as pilot:
        await settle(app, pilot)
        view = await _two_rows_held(app, pilot)
        order = [view.row_at(i) for i in range(2)]
        await _press(app, pilot, "end")
        order += [view.row_at(2), view.row_at(3)]
        assert None not in order
        listed = [row.number for row in order if row is not None]
        assert _shown(app, view) == listed[2:]
        await _press(app, pilot, "home")
        assert _shown(app, view) == listed[:2]
        built: list[str] = []
        real = queue_view.row_head

        def row_head(row: Any, *args: Any, **kwargs: Any) -> Any:
            built.append(row.number)
            return real(row, *args, **kwargs)

        monkeypatch.setattr(queue_view, "row_head", row_head)
        await _press(app, pilot, "end")
        assert _shown(app, view) == listed[2:] and view.cursor == 3
        await _press(app, pilot, "home")
        assert _shown(app, view) == listed[:2] and view.cursor == 0
        assert built == []  # every line drawn as it was
        await _press(app, pilot, "pagedown")
        assert _shown(app, view) == listed[1:3] and view.cursor == 2
        await _press(app, pilot, "pageup")
        assert _shown(app, view) == listed[:2] and view.cursor == 0
        # a line drawn with the cursor on it, and off it: the cursor's lines drawn again
        assert set(built) <= {listed[0], listed[2]}
