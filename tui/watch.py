"""The database file watched for another desk's commit, in a thread of its own.

Ten times a second the desk looks whether the file changed (``change_mark``: two stats, no
query), so another desk's write shows within a tenth of a second and a poll. Looked at from a
timer of the event loop, each look woke the loop and handed the stats to a thread and back
(~0.5% of a core at rest, half of what the desk may spend idle); here the thread looks on its
own and wakes the loop only when the mark differs from the one the desk holds."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

from data.read.poll import ChangeMark, change_mark


class ChangeWatch:
    """Every ``every`` seconds, the file's mark; one that differs from ``known()`` (read from
    the thread: the desk's mark as the last poll or look left it) is handed to ``changed`` on
    the event loop that started the watch, until ``stop``."""

    def __init__(
        self,
        db_path: Path | str,
        every: float,
        known: Callable[[], ChangeMark | None],
        changed: Callable[[ChangeMark], None],
    ) -> None:
        self.db_path = db_path
        self.every = every
        self.known = known
        self.changed = changed
        self._loop = asyncio.get_running_loop()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="whistle-change-watch", daemon=True)
        self.mark: ChangeMark | None = None
        """The file's mark as the last look read it (None: not looked yet, or a server)."""
        self.looked = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """No mark is handed on after this (one already on its way to the loop is dropped)."""
        self._stop.set()

    @property
    def watching(self) -> bool:
        """Looking every ``every`` seconds (started, looked once at least and not stopped): its
        ``mark`` is then at most that old."""
        return self.looked and self._thread.is_alive() and not self._stop.is_set()

    def look(self) -> None:
        """One look: a changed mark is handed to the loop (thread-safe)."""
        mark = change_mark(self.db_path)
        self.mark, self.looked = mark, True
        if mark is None or mark == self.known():
            return
        try:
            self._loop.call_soon_threadsafe(self._hand_on, mark)
        except RuntimeError:  # the loop closed under the watch
            self._stop.set()

    def _hand_on(self, mark: ChangeMark) -> None:
        if not self._stop.is_set():
            self.changed(mark)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.look()
