"""Reading the next page while this one is checked: the chain check and the export read a
page of the event log in one statement, during which SQLite lets go of Python's lock, so a
second thread can read page n + 1 while this thread hashes page n (the machine's other core).
One page waits at most, so memory stays bounded; the pages come in order, an error in the
reading thread is raised here, and stopping early (a page that fails, an export that is full)
stops the reading thread before the caller uses the connection again."""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

K = TypeVar("K")
R = TypeVar("R")


def shared_across_threads(raw: Any) -> bool:
    """Whether the driver's connection may be used from a second thread: a file's connections
    may (the driver's same-thread check is off for them); an in-memory one's may not, and its
    pages are then read in this thread."""
    if not isinstance(raw, sqlite3.Connection):
        return False
    refused: list[BaseException] = []

    def probe() -> None:
        try:
            raw.execute("SELECT 1").close()
        except sqlite3.ProgrammingError as exc:
            refused.append(exc)

    thread = threading.Thread(target=probe, name="page-probe", daemon=True)
    thread.start()
    thread.join()
    return not refused


def ahead(read: Callable[[K], R], keys: Iterable[K], *, threaded: bool) -> Generator[tuple[K, R], None, None]:
    """(key, ``read(key)``) for each key in order; with ``threaded`` the next one is read by a
    second thread while the caller works on this one. Closing the iterator early waits for the
    reading thread to finish the page it is on."""
    if not threaded:
        for key in keys:
            yield key, read(key)
        return
    ready: queue.Queue[tuple[str, Any, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def work() -> None:
        try:
            for key in keys:
                if stop.is_set():
                    break
                ready.put(("page", key, read(key)))
        except BaseException as exc:  # raised on the caller's side
            ready.put(("error", exc, None))
        finally:
            ready.put(("end", None, None))

    thread = threading.Thread(target=work, name="page-reader", daemon=True)
    thread.start()
    ended = False
    try:
        while True:
            kind, key, value = ready.get()
            if kind == "end":
                ended = True
                return
            if kind == "error":
                raise key
            yield key, value
    finally:
        if not ended:
            stop.set()
            while ready.get()[0] != "end":  # the page being read, then the end
                pass
        thread.join()
