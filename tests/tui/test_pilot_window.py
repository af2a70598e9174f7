"""The suite's Pilot looks for an idle desk in short windows (tests/conftest.py ``_quick_pilot``)."""

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
