"""Fixtures of the whole suite."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from models import credentials

PILOT_IDLE_WINDOW = 0.002
"""Seconds in which Textual's Pilot looks for the desk to have gone idle after each key or pause
(its own window is 20 ms; see ``_quick_pilot``)."""

RAM = Path("/dev/shm")
RAM_NEEDED = 2 * 2**30
"""Room the suite's temporary files want in memory (one run leaves a few hundred MB, and pytest
keeps the last three runs' folders)."""


def pytest_configure(config: pytest.Config) -> None:
    _quick_pilot()
    _temporary_files_in_memory()


def _quick_pilot() -> None:
    """Pilot waits twice after every key it presses, and once in every ``pause()``, until the
    process has gone idle: it sleeps a window, and when the process used almost no CPU in it
    (a twentieth of the window, counting every thread, the desk's workers too) it is idle. Its
    window is 20 ms, so every key cost at least 40 ms of sleeping, about half the wall time of
    the long keyboard paths. A 2 ms window with the same twentieth finds the same idle desk (a
    thread still working shows as CPU in the window, and the wait goes on) without the
    sleeping. Textual keeps both in module constants and reads them at each sleep;
    tests/unit/test_pilot_window.py checks that this still takes effect, so an upgrade that
    moves them fails there instead of quietly making the suite slow again."""
    import textual._wait

    textual._wait.SLEEP_GRANULARITY = PILOT_IDLE_WINDOW
    textual._wait.SLEEP_IDLE = PILOT_IDLE_WINDOW / 20


def _temporary_files_in_memory() -> None:
    """The suite's temporary folders (``tmp_path`` and every ``tempfile`` folder) in memory when
    the machine has room there and TMPDIR does not name a place: every commit fsyncs
    (synchronous=FULL, which test_storage checks stays so), about a millisecond each on this
    machine's disk and nothing in memory; the database tests spent a quarter of their time
    waiting on it."""
    if "TMPDIR" in os.environ or not (RAM.is_dir() and os.access(RAM, os.W_OK)):
        return
    if shutil.disk_usage(RAM).free >= RAM_NEEDED:
        tempfile.tempdir = str(RAM)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the test process has loaded (the libraries, the test modules, the collected tests)
    lives as long as it does: collected once and frozen, as the desk freezes its own start-up
    (tui/app.py ``_freeze_heap``). A desk started under a frozen heap leaves it as it is, so
    the ~190 desks the suite starts do not each collect the whole test process again (a full
    collection of ~0.3 s each, a tenth of the suite's CPU)."""
    _freeze_what_is_loaded()


def _freeze_what_is_loaded() -> None:
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _heap_frozen_again() -> Iterator[None]:
    """A test that unfroze the heap (to watch a desk freeze its own start-up) leaves it frozen
    again for the tests after it."""
    yield
    if not gc.get_freeze_count():
        _freeze_what_is_loaded()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The new file tests/fresh_file.py made for this test process goes, and the stations
    tests/tui/desk_support.py built once (only where those modules are loaded)."""
    fresh = sys.modules.get("tests.fresh_file")
    if fresh is not None:
        fresh.remove_made()
    desks = sys.modules.get("tests.tui.desk_support")  # the desk stations built once
    if desks is not None:
        desks.remove_built()


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
