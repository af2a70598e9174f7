"""Helpers of the dispatch Pilot tests: waiting on workers (never on time) and reading what
the operator sees."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.message import Message
from textual.notifications import Notify
from textual.widgets import ListView, OptionList
from textual.worker import WorkerCancelled, WorkerState

from screens.case_detail import CaseDetailScreen, CheckinItem


async def workers_done(app: App[Any]) -> None:
    """Wait for every started worker. One that a newer exclusive worker of its group cancelled
    (a read replaced by a fresher one) is done too; one that failed raises here."""
    started = [w for w in app.workers if w.state is not WorkerState.PENDING]
    results = await asyncio.gather(*(w.wait() for w in started), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
            raise result


async def until(app: App[Any], pilot: Any, condition: Callable[[], bool], what: str = "") -> None:
    """Let workers and messages run until ``condition`` holds (bounded, no sleeping). A condition
    that asserts on the way (``detail_screen`` while a dialog still waits for its write to
    finish) is not met yet; if it never is, its last failure is the cause given."""
    failed: AssertionError | None = None
    for _ in range(200):
        try:
            if condition():
                return
        except AssertionError as error:
            failed = error
        await workers_done(app)
        await pilot.pause()
    raise AssertionError(f"never happened: {what or condition}") from failed


def palette_offers(app: App[Any], name: str) -> bool:
    """The command palette's highlighted command (the one Enter runs) is ``name``."""
    lists = app.screen.query(OptionList)
    option = lists.first().highlighted_option if lists else None
    return option is not None and name in str(option.prompt)


class Notices:
    """What the desk told the operator: every notification, seen through ``run_test``'s
    message hook (``app.run_test(message_hook=told)``), as the texts of the toasts."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.seen.append(str(message.notification.message))


def detail_screen(app: App[Any]) -> CaseDetailScreen:
    screen = app.screen
    assert isinstance(screen, CaseDetailScreen), screen
    return screen


def checkin_items(app: App[Any]) -> list[CheckinItem]:
    return list(detail_screen(app).query(CheckinItem))


def checkin_texts(app: App[Any]) -> list[str]:
    return [str(item.query_one("Label").render()) for item in checkin_items(app)]


def selected_department(app: App[Any]) -> str:
    item = detail_screen(app).query_one("#case-checkins", ListView).highlighted_child
    assert isinstance(item, CheckinItem)
    return item.checkin.department_code
