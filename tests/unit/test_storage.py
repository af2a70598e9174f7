"""Storage: pragmas on every engine, BEGIN IMMEDIATE, owner-only files, nothing at import time."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, text

from data.service import Service, SyncService
from data.settings import Settings
from data.store import db as store_db
from data.store.db import BUSY_TIMEOUT_MS, DatabaseError, open_database, open_sync
from data.store.schema import SCHEMA_VERSION
from data.store.tables import CASE as CASE_TABLE
from data.write.commands.cases import receive_case
from models.clock import FrozenClock
from models.i18n import set_language
from tests.unit.conftest import NOW
from tests.unit.support import CASE, one

ROOT = Path(__file__).resolve().parents[2]


def _pragmas(conn: Connection) -> dict[str, Any]:
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names}


EXPECTED = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": BUSY_TIMEOUT_MS}


async def test_both_async_engines_are_configured(db_path: Path) -> None:
    db = await open_database(db_path)
    try:
        for engine in (db.read, db.write):
            async with engine.connect() as conn:
                assert await conn.run_sync(_pragmas) == EXPECTED
    finally:
        await db.close()
    assert BUSY_TIMEOUT_MS >= 1000


@pytest.mark.parametrize("writer", [True, False])
def test_blocking_engines_are_configured(db_path: Path, writer: bool) -> None:
    open_sync(db_path).dispose()  # the reader expects a prepared file
    engine = open_sync(db_path, writer=writer)
    try:
        with engine.connect() as conn:
            assert _pragmas(conn) == EXPECTED
    finally:
        engine.dispose()


def _locked_for_others(path: Path) -> bool:
    """Whether another connection is refused a write lock at once (no waiting)."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        other.close()


def test_a_write_transaction_takes_the_write_lock_before_its_first_read(db_path: Path) -> None:
    engine = open_sync(db_path)
    try:
        with engine.begin() as conn:
            conn.execute(select(CASE_TABLE.c.id)).all()  # a read only, so far
            assert _locked_for_others(db_path)
        assert not _locked_for_others(db_path)
        # the read engine never takes it
        reader = open_sync(db_path, writer=False)
        with reader.begin() as conn:
            conn.execute(select(CASE_TABLE.c.id)).all()
            assert not _locked_for_others(db_path)
        reader.dispose()
    finally:
        engine.dispose()


async def test_the_async_write_engine_takes_the_write_lock_at_begin(db_path: Path) -> None:
    db = await open_database(db_path)
    try:
        async with db.write.begin() as conn:
            await conn.execute(text("SELECT 1"))
            assert _locked_for_others(db_path)
        async with db.read.begin() as conn:
            await conn.execute(text("SELECT 1"))
            assert not _locked_for_others(db_path)
    finally:
        await db.close()


def test_deferred_read_then_write_fails_where_immediate_waits(db_path: Path) -> None:
    """The failure BEGIN IMMEDIATE exists to avoid, shown on raw connections, then avoided."""
    open_sync(db_path).dispose()
    a = sqlite3.connect(db_path, isolation_level=None, timeout=5)
    b = sqlite3.connect(db_path, isolation_level=None, timeout=5)
    try:
        a.execute("BEGIN")
        a.execute("SELECT count(*) FROM event").fetchone()
        b.execute("BEGIN IMMEDIATE")
        b.execute("CREATE TABLE scratch (x)")
        b.execute("COMMIT")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            a.execute("CREATE TABLE scratch2 (x)")  # fails at once, whatever the timeout
        a.execute("ROLLBACK")
    finally:
        a.close()
        b.close()


def _writers(svc_a: SyncService, svc_b: SyncService, per_thread: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(svc: SyncService) -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                svc.run(receive_case, **CASE)  # reads the last number, then writes
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in (svc_a, svc_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_writers_that_read_first_both_succeed(db_path: Path, settings: Settings) -> None:
    clock = FrozenClock(NOW)
    svc_a = SyncService.open(db_path, settings, clock)
    svc_b = SyncService.open(db_path, settings, clock)
    try:
        assert _writers(svc_a, svc_b, 40) == []
    finally:
        svc_a.close()
        svc_b.close()
    numbers = [r[0] for r in sqlite3.connect(db_path).execute("SELECT number FROM case_file ORDER BY number")]
    assert len(numbers) == len(set(numbers)) == 80


# -- files --------------------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_database_and_wal_files_are_owner_only_while_open(
    open_umask: None, db_path: Path, settings: Settings, clock: FrozenClock
) -> None:
    service = await Service.open(db_path, settings, clock)
    try:
        await service.run(receive_case, **CASE)
        async with service.db.read.connect() as conn:
            await conn.execute(text("SELECT count(*) FROM case_file"))
            for suffix in ("", "-wal", "-shm"):
                candidate = Path(f"{db_path}{suffix}")
                assert candidate.exists(), suffix
                assert _mode(candidate) == 0o600, suffix
    finally:
        await service.close()


def test_a_file_made_readable_by_others_is_closed_again_on_open(open_umask: None, db_path: Path) -> None:
    open_sync(db_path).dispose()
    os.chmod(db_path, 0o644)
    engine = open_sync(db_path)
    engine.dispose()
    assert _mode(db_path) == 0o600


def test_importing_every_core_module_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "cwd"
    work.mkdir()
    script = textwrap.dedent(
        """
        import importlib, pkgutil, models, data, tui.cli, tui.cli.core
        for package in (models, data):
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                importlib.import_module(info.name)
        import sqlalchemy.pool
        from data.settings import default_db_path
        default_db_path()
        """
    )
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "WHISTLE_DB": str(tmp_path / "env.db"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    created = [p for p in tmp_path.rglob("*") if p not in (home, work) and "__pycache__" not in p.parts]
    assert created == []


# -- versions -----------------------------------------------------------------------------


def _stamp(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_newer_file_is_refused_with_a_clear_message(db_path: Path, lang: str) -> None:
    set_language(lang)
    _stamp(db_path, SCHEMA_VERSION + 3)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError) as refused:
        await open_database(db_path)
    message = str(refused.value)
    assert str(SCHEMA_VERSION + 3) in message
    assert str(SCHEMA_VERSION) in message
    assert str(db_path) in message
    assert ("升级" in message) if lang == "zh" else ("Upgrade" in message)
    with pytest.raises(DatabaseError):
        open_sync(db_path)
    assert db_path.read_bytes() == before


def test_reading_a_newer_file_is_refused_too(db_path: Path) -> None:
    _stamp(db_path, SCHEMA_VERSION + 1)
    with pytest.raises(DatabaseError, match=str(SCHEMA_VERSION + 1)):
        engine = open_sync(db_path, writer=False)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))


def test_a_file_that_is_not_a_database_is_refused(db_path: Path) -> None:
    db_path.write_bytes(b"this is a spreadsheet, not a database" * 200)
    with pytest.raises(DatabaseError, match=str(db_path)):
        open_sync(db_path)


def test_the_prepared_file_is_at_the_current_version(sync_service: SyncService, db_path: Path) -> None:
    assert one(db_path, "PRAGMA user_version")[0] == SCHEMA_VERSION
    engine: Engine = sync_service.engine
    assert engine.url.database == str(db_path)


async def test_a_write_held_up_past_the_busy_timeout_is_one_line_and_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console is told first that another desk holds the lock (``on_wait``); a lock held
    past the busy timeout refuses the write in one line instead of an unexpected error."""
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "busy.db"
    database = await open_database(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    told: list[str] = []
    try:
        with pytest.raises(DatabaseError) as refused:
            await database.run_write(
                lambda conn: conn.exec_driver_sql("PRAGMA user_version = 99"),
                on_wait=lambda: told.append("w"),
            )
        assert told == ["w"]
        assert "另一台电脑占用数据库" in str(refused.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
        await database.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] != 99


async def test_a_read_cancelled_mid_statement_runs_to_its_end_and_the_database_still_closes(
    db_path: Path,
) -> None:
    """A view's read cancelled while its statement ran (a fresher read replacing it, the
    console closing) cancelled the driver mid-statement: the connection was closed from under
    aiosqlite's worker and closing the database could wait forever. The awaiting task stops at
    once; the statement finishes, its connection goes back, the next read works, close ends."""
    import asyncio

    from sqlalchemy import event

    db = await open_database(db_path)
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def wait_here() -> int:  # runs on the driver's thread, inside the statement
        started.set()
        release.wait(10)
        finished.set()
        return 1

    @event.listens_for(db.read.sync_engine, "connect")
    def _register(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.create_function("wait_here", 0, wait_here)

    def held(conn: Connection) -> int:
        return int(conn.execute(text("SELECT wait_here()")).scalar() or 0)

    read = asyncio.ensure_future(db.run_read(held))
    try:
        assert await asyncio.to_thread(started.wait, 30)
        read.cancel()
        with pytest.raises(asyncio.CancelledError):
            await read
        assert not finished.is_set()  # the task stopped waiting while the statement ran on
        assert len(db.running) == 1  # ... to its end
    finally:
        release.set()
    assert await asyncio.wait_for(db.run_read(lambda conn: conn.execute(text("SELECT 2")).scalar()), 30) == 2
    await asyncio.wait_for(db.close(), 30)
    assert not db.running
