"""The suite's Pilot looks for an idle desk in short windows (tests/conftest.py ``_quick_pilot``).

This checks the suite's own configuration, which sets two constants of Textual's private
``textual._wait``: the desk's code and its UI tests (tests/tui, tests/snapshots) use Textual's
public API only (tests/unit/test_textual_privates.py). If a Textual release moves them, this
fails, rather than the suite quietly going back to sleeping 40 ms a key."""

from __future__ import annotations

import asyncio

import pytest
import textual._wait
from textual.app import App

from tests.conftest import PILOT_IDLE_WINDOW


async def test_pilot_sleeps_in_the_suites_window_after_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded(seconds: float) -> None:
        slept.append(seconds)
        await real_sleep(seconds)

    monkeypatch.setattr(textual._wait, "sleep", recorded)
    async with App[None]().run_test() as pilot:
        slept.clear()
        await pilot.press("x")
        await pilot.pause()
    assert slept, "Pilot no longer waits through textual._wait: _quick_pilot has nothing to shorten"
    assert set(slept) == {PILOT_IDLE_WINDOW}


def test_the_idle_test_reads_the_window_and_its_twentieth_when_it_runs() -> None:
    """Both constants are read at each wait (not bound when Textual loaded), so setting them
    in the suite's configuration takes effect, and idle stays under a twentieth of the window."""
    names = textual._wait.wait_for_idle.__code__.co_names
    assert {"SLEEP_GRANULARITY", "SLEEP_IDLE"} <= set(names)
    assert pytest.approx(textual._wait.SLEEP_GRANULARITY / 20) == textual._wait.SLEEP_IDLE
