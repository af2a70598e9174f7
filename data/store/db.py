"""Engine and session factory: the one way the CLI, the app and the tests open a database.

Nothing here runs at import time. Every connection uses WAL with ``synchronous=FULL``,
foreign keys and a busy timeout; write transactions open with ``BEGIN IMMEDIATE`` so a
second writer waits for the lock instead of failing half-way.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from data.store.schema import SCHEMA_VERSION, SchemaTooNew, upgrade, version_of
from data.store.server import (
    check_server,
    is_server,
    prepare_server,
    server_async_engine,
    server_engine,
)
from data.store.totals import fill_if_new
from models.errors import DomainError

Location = Path | str
"""A SQLite file, or a server URL (``postgresql+psycopg://user@host:port/dbname``)."""

BUSY_TIMEOUT_MS = 30_000
FILE_MODE = 0o600


class DatabaseError(DomainError):
    pass


def _pragmas(dbapi_conn: Any, query_only: bool) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    if query_only:
        cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def _configure(sync_engine: Engine, *, writer: bool) -> None:
    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        _pragmas(dbapi_conn, query_only=not writer)

    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)


def restrict_mode(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            os.chmod(candidate, FILE_MODE)


def _refuse_newer(conn: sqlite3.Connection) -> None:
    found = version_of(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(found)


def _opening(path: Path, exc: Exception) -> DatabaseError:
    if isinstance(exc, SchemaTooNew):
        return DatabaseError("error.schema_too_new", path=str(path), found=exc.found, known=SCHEMA_VERSION)
    return DatabaseError("error.not_a_database", path=str(path), detail=str(exc))


def prepare(path: Path) -> int:
    """Create the file owner-only if needed and bring its schema up to date (blocking)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    restrict_mode(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            # before any pragma: a file from a newer program is refused exactly as it was
            _refuse_newer(conn)
            _pragmas(conn, query_only=False)
            version = upgrade(conn)
            unfilled = not conn.execute("SELECT filled FROM period_totals_state").fetchone()[0]
        finally:
            conn.close()
        if unfilled:
            engine = create_engine(_url(path, "pysqlite"))
            _configure(engine, writer=True)
            fill_totals(engine)
    except (SchemaTooNew, sqlite3.DatabaseError) as exc:
        raise _opening(path, exc) from exc
    restrict_mode(path)
    return version


def fill_totals(engine: Engine) -> None:
    """Count the assessment's totals of a file that has just reached V20 with rows in it."""
    try:
        with engine.begin() as conn:
            fill_if_new(conn)
    finally:
        engine.dispose()


def check_readable(path: Path) -> None:
    """Refuse, without writing anything, a file a reader cannot make sense of."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _refuse_newer(conn)
            empty = version_of(conn) == 0  # an empty file, or another program's database
        finally:
            conn.close()
    except (SchemaTooNew, sqlite3.DatabaseError) as exc:
        raise _opening(path, exc) from exc
    if empty:
        raise DatabaseError("error.not_ours", path=str(path))


def _refusal(exc: OperationalError) -> Exception:
    """A write the file itself refused, rolled back, as one line: a full disk, or another
    desk holding the write lock past the busy timeout; anything else stays unexpected."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return DatabaseError("error.disk_full_db")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseError("error.write_busy", seconds=BUSY_TIMEOUT_MS // 1000)
    return exc


def write_lock_held(path: Path) -> bool:
    """Whether another connection holds the file's write lock right now (a look that never
    waits: it takes the lock and gives it back at once when it is free)."""
    try:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


@dataclass
class Database:
    """A prepared database (a file, or a server's) with a read engine and a write engine.

    A read or write that has begun runs to its end even when the task awaiting it is cancelled
    (a view's read replaced by a fresher one, a worker stopped as the console closes): the
    awaiting task stops waiting at once, the statement finishes on the driver's thread and
    gives its connection back. Cancelling the driver mid-statement could leave aiosqlite
    waiting for a worker thread that had gone, and the console hanging on exit. ``close``
    waits for those still running before it lets the engines go."""

    path: Location
    read: AsyncEngine
    write: AsyncEngine
    running: set[asyncio.Task[Any]] = field(default_factory=set, repr=False)
    """Reads and writes begun and not yet finished (each runs to its end)."""

    async def _to_the_end(self, work: Any) -> Any:
        task: asyncio.Task[Any] = asyncio.ensure_future(work)
        self.running.add(task)
        task.add_done_callback(self._finished)
        return await asyncio.shield(task)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.running.discard(task)
        if not task.cancelled():
            task.exception()  # seen here too: no one may be awaiting it any more

    async def run_write(
        self, fn: Callable[..., Any], *args: Any, on_wait: Callable[[], None] | None = None
    ) -> Any:
        """Run ``fn(connection, *args)`` in one ``BEGIN IMMEDIATE`` transaction. ``on_wait`` is
        called first when another connection holds the write lock (another desk is writing):
        the transaction then waits for it, up to the busy timeout."""
        path = self.path
        if on_wait is not None and isinstance(path, Path) and await asyncio.to_thread(write_lock_held, path):
            on_wait()  # (a server queues writers by its own lock: nothing to look at here)
        return await self._to_the_end(self._write(fn, *args))

    async def _write(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            async with self.write.begin() as conn:
                return await conn.run_sync(fn, *args)
        except OperationalError as exc:
            raise _refusal(exc) from exc

    async def run_read(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await self._to_the_end(self._read(fn, *args))

    async def _read(self, fn: Callable[..., Any], *args: Any) -> Any:
        async with self.read.connect() as conn:
            return await conn.run_sync(fn, *args)

    async def close(self) -> None:
        if self.running:
            await asyncio.gather(*self.running, return_exceptions=True)
        await self.read.dispose()
        await self.write.dispose()


def _url(path: Path, driver: str) -> str:
    return f"sqlite+{driver}:///{path}"


def location_of(engine: Engine) -> Location:
    """Where an engine's database is: its file, or its server URL (password kept)."""
    if engine.dialect.name == "sqlite":
        return Path(str(engine.url.database))
    return engine.url.render_as_string(hide_password=False)


async def open_database(path: Location) -> Database:
    if is_server(path):
        url = str(path)
        await asyncio.to_thread(prepare_server, url)
        await asyncio.to_thread(fill_totals, server_engine(url, writer=True))
        return Database(
            path=url,
            read=server_async_engine(url, writer=False),
            write=server_async_engine(url, writer=True),
        )
    path = Path(path)
    await asyncio.to_thread(prepare, path)
    read = create_async_engine(_url(path, "aiosqlite"))
    write = create_async_engine(_url(path, "aiosqlite"))
    _configure(read.sync_engine, writer=False)
    _configure(write.sync_engine, writer=True)
    return Database(path=path, read=read, write=write)


def open_sync(path: Location, *, writer: bool = True) -> Engine:
    """A blocking engine for command-line work. A reader leaves the file exactly as it is."""
    if is_server(path):
        url = str(path)
        if writer:
            prepare_server(url)
            fill_totals(server_engine(url, writer=True))
        else:
            check_server(url)
        return server_engine(url, writer=writer)
    path = Path(path)
    if writer:
        prepare(path)
    else:
        check_readable(path)
    engine = create_engine(_url(path, "pysqlite"))
    _configure(engine, writer=writer)
    return engine
