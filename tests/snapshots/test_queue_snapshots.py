"""SVG snapshots of the live queue with Chinese data at a frozen time (in both languages).

Review a changed snapshot before accepting it: ``pytest tests/snapshots --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from models.i18n import set_language
from tests.tui.desk_support import app_for, settle, station


async def _ready(pilot: Any) -> None:
    await settle(pilot.app, pilot)
    pilot.app.clear_notifications()
    pilot.app.tick()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_queue(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_for(station(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_queue_in_english(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """English labels are longer: the columns share the width by what they hold all the same."""
    app = app_for(station(tmp_path))
    set_language("en")
    try:
        assert snap_compare(app, terminal_size=size, run_before=_ready)
    finally:
        set_language("zh")


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
def test_queue_in_theme(snap_compare: Any, tmp_path: Path, theme: str) -> None:
    """The console stays readable under Textual's built-in light and dark themes."""
    app = app_for(station(tmp_path))

    async def themed(pilot: Any) -> None:
        pilot.app.theme = theme
        await _ready(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=themed)


def test_queue_searched(snap_compare: Any, tmp_path: Path) -> None:
    app = app_for(station(tmp_path))

    async def search(pilot: Any) -> None:
        await _ready(pilot)
        await pilot.press("slash", *"摊贩", "enter")
        await _ready(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=search)


def test_reports(snap_compare: Any, tmp_path: Path) -> None:
    app = app_for(station(tmp_path))

    async def reports(pilot: Any) -> None:
        await _ready(pilot)
        await pilot.press("5")
        await _ready(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=reports)
