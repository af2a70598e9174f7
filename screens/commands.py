"""The console's one queue of write commands, owned by the app, not by a screen.

Commands run in the order they were given, one at a time; closing the screen (or the dialog)
that gave one never cancels it; a command that has to wait for another desk's write lock
says so; and every outcome reaches the operator: done (the screen's own follow-up, or one
line when that screen has gone), refused (a ``DomainError``: at its field, or one line), or
failed unexpectedly (one line naming the log file that holds the traceback)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.screen import Screen

from data.failures import log_failure
from models.errors import DomainError
from models.i18n import t


@dataclass
class Job:
    """One write: ``run`` does it; ``done`` and ``refused`` are the giving screen's follow-ups."""

    what: str
    run: Callable[[], Awaitable[Any]]
    done: Callable[[Any], None] | None = None
    refused: Callable[[DomainError], None] | None = None
    owner: Screen[Any] | None = None
    """The screen that gave the command: its follow-ups run only while it is still shown."""


class CommandQueue:
    """Jobs run in order by one worker of the app's (started when a job arrives, ending when
    the queue is empty, so nothing idles between commands)."""

    def __init__(self, app: App[Any], after: Callable[[], Awaitable[None]]) -> None:
        self.app = app
        self.after = after
        """Run after each write that went through (the desk's poll: counts, marks, alarms)."""
        self.jobs: deque[Job] = deque()
        self.running = False
        self.waiting = False
        """True while the job in hand waits for another desk's write lock."""

    @property
    def pending(self) -> int:
        """Jobs given and not yet finished (the one running included)."""
        return len(self.jobs) + (1 if self.running else 0)

    def submit(self, job: Job) -> None:
        self.jobs.append(job)
        if not self.running:
            self.running = True
            self.app.run_worker(self._drain(), name="commands", group="commands", exit_on_error=False)

    def lock_wait(self) -> None:
        """The write in hand waits for another desk's write lock: say so once."""
        self.waiting = True
        self.app.notify(t("commands.waiting_for_lock"), severity="warning", timeout=10)

    async def _drain(self) -> None:
        try:
            while self.jobs:
                job = self.jobs.popleft()
                try:
                    await self._one(job)
                except asyncio.CancelledError:
                    self.jobs.appendleft(job)  # the app is closing: not lost silently
                    raise
                finally:
                    self.waiting = False
        finally:
            self.running = False

    async def _one(self, job: Job) -> None:
        try:
            result = await job.run()
        except DomainError as err:
            if job.refused is not None and self._shown(job, job.refused):
                self._follow(job, job.refused, err)
            else:
                self.app.notify(str(err), severity="error", timeout=8)
            return
        except Exception as exc:
            await self._failed(job, exc, saved=False)
            return
        if job.done is not None and self._shown(job, job.done):
            self._follow(job, job.done, result)
        elif job.owner is not None and not self._attached(job.owner):
            self.app.notify(t("commands.done_after_close"), timeout=6)
        try:
            await self.after()
        except Exception as exc:
            await self._failed(job, exc, saved=True)

    def _follow(self, job: Job, follow: Callable[[Any], None], value: Any) -> None:
        try:
            follow(value)
        except Exception as exc:
            failed = self._failed(job, exc, saved=True)
            self.app.run_worker(failed, group="commands-log", exit_on_error=False)

    async def _failed(self, job: Job, exc: BaseException, *, saved: bool) -> None:
        path = await asyncio.to_thread(log_failure, job.what, exc)
        key = "commands.failed_after" if saved else "commands.failed"
        self.app.notify(t(key, log=str(path)), severity="error", timeout=30)

    def _shown(self, job: Job, follow: Callable[..., Any]) -> bool:
        """Whether a follow-up can still run: its own screen (a dialog's method) and the
        screen that gave the command are both still on the stack."""
        target = getattr(follow, "__self__", None)
        if isinstance(target, Screen) and not self._attached(target):
            return False
        return job.owner is None or self._attached(job.owner)

    @staticmethod
    def _attached(screen: Screen[Any]) -> bool:
        return screen.is_attached
