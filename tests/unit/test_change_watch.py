"""The watch on the database file (tui/watch.py): it looks in a thread of its own and wakes the
desk's event loop only with a mark that differs from the one the desk holds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from data.read.poll import ChangeMark, change_mark
from tui.watch import ChangeWatch


async def test_a_look_hands_on_only_a_changed_mark_and_nothing_once_stopped(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    db.write_bytes(b"one")
    held = change_mark(db)
    got: list[ChangeMark] = []
    watch = ChangeWatch(db, 0.1, lambda: held, got.append)
    watch.look()
    await asyncio.sleep(0)  # the loop runs what the look handed on
    assert got == []  # the file as the desk holds it: the loop is not woken
    db.write_bytes(b"two commits")
    watch.look()
    await asyncio.sleep(0)
    assert got == [change_mark(db)]
    watch.stop()
    db.write_bytes(b"three commits")
    watch.look()
    await asyncio.sleep(0)
    assert len(got) == 1  # stopped: no poll begins on a desk closing


async def test_a_server_database_is_not_watched(tmp_path: Path) -> None:
    got: list[ChangeMark] = []
    held: ChangeMark = (1, 2, 3, 4)  # whatever the desk holds, a server shows no mark to hand on
    watch = ChangeWatch("postgresql://desk@localhost/whistle", 0.1, lambda: held, got.append)
    watch.look()
    await asyncio.sleep(0)
    assert got == []


async def test_the_watch_holds_the_mark_it_read_last(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    db.write_bytes(b"one")
    watch = ChangeWatch(db, 60, lambda: None, lambda mark: None)
    assert watch.mark is None and not watch.watching  # not started, not looked
    watch.start()
    watch.look()
    assert watch.mark == change_mark(db) and watch.watching
    db.write_bytes(b"two commits")
    watch.look()
    assert watch.mark == change_mark(db)
    watch.stop()
    assert not watch.watching
