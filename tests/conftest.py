"""Fixtures of the whole suite."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from models import credentials


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hashes made in tests cost little (the parameters are stored with each hash, so checking
    works the same); the production cost is tested in tests/unit/test_operators.py."""
    monkeypatch.setattr(credentials, "N", 2**8)
    yield


@pytest.fixture(autouse=True)
def _close_station_writers() -> Iterator[None]:
    """After each test, the services the test stations of tests/tui/desk_support.py kept open
    for their commands are closed (only where that module is loaded: most tests never use it)."""
    yield
    desk = sys.modules.get("tests.tui.desk_support")
    if desk is not None:
        desk.close_writers()
