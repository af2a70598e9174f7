"""The district hub's database server: PostgreSQL through psycopg 3.

A database location is either a SQLite file (the embedded default) or a server URL,
``postgresql+psycopg://user@host:port/dbname``. psycopg 3 serves both the blocking engines of
the command line and, through SQLAlchemy's ``postgresql+psycopg`` async dialect, the console's
engines: one driver, one set of connection rules, rather than psycopg for one and asyncpg for
the other.

Every write transaction first takes one transaction-level advisory lock: writers queue one
behind the other exactly as ``BEGIN IMMEDIATE`` makes them queue on SQLite, so an event's
station sequence number, a held bundle's release and every read-then-write decision see the
previous writer's committed result, and no update is lost under concurrency. Readers take no
lock and run in read-only transactions.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from data.store.schema import SchemaTooNew
from data.store.schema_pg import PG_SCHEMA_VERSION, PG_STEPS
from models.errors import DomainError

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgresql+psycopg://")
WRITE_LOCK = 7_416_171  # the advisory lock every writer holds until it commits
KEY_DIR_ENV = "WHISTLE_KEY_DIR"
"""Where the station key of a server database is kept (a file cannot sit beside a server)."""


class ServerError(DomainError):
    pass


def is_server(location: Path | str) -> bool:
    return isinstance(location, str) and location.startswith(SCHEMES)


def server_url(location: str) -> URL:
    return make_url(location).set(drivername="postgresql+psycopg")


def shown(location: Path | str) -> str:
    """The location as the user may see it: a server URL without its password."""
    if is_server(location):
        return server_url(str(location)).render_as_string(hide_password=True)
    return str(location)


def key_path(location: str) -> Path:
    """The station key of a server database: in ``WHISTLE_KEY_DIR`` (else the user's data
    folder), named after the server and the database."""
    url = server_url(location)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{url.database}@{url.host or 'local'}_{url.port or 5432}")
    folder = Path(os.environ.get(KEY_DIR_ENV) or Path(platformdirs.user_data_dir("whistle-desk")) / "keys")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.key"


def _conninfo(location: str) -> str:
    return server_url(location).set(drivername="postgresql").render_as_string(hide_password=False)


def _failed(location: str, exc: Exception) -> ServerError:
    if isinstance(exc, SchemaTooNew):
        return ServerError(
            "error.schema_too_new", path=shown(location), found=exc.found, known=PG_SCHEMA_VERSION
        )
    return ServerError("error.not_a_database", path=shown(location), detail=str(exc).strip())


def _driver() -> ModuleType:
    """psycopg, loaded when a server is first reached: for start-up cost (~120 ms of CPU), a
    desk on a SQLite file never loads the driver (the engines load it through their dialect)."""
    return importlib.import_module("psycopg")


def _version(cur: psycopg.Cursor[Any]) -> int:
    cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = cur.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0) if row else 0


def prepare_server(location: str) -> int:
    """Bring the server database's schema up to date under the writers' lock; returns the
    version reached. A database from a newer program is refused and left as it is."""
    pg = _driver()
    try:
        with pg.connect(_conninfo(location), autocommit=False) as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            found = _version(cur)
            if found > PG_SCHEMA_VERSION:
                raise SchemaTooNew(found)
            for version in range(found + 1, PG_SCHEMA_VERSION + 1):
                cur.execute(PG_STEPS[version - 1].encode())
                # the version stays one row (a second step would otherwise add a second)
                cur.execute("DELETE FROM schema_version")
                cur.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
            # the role the app connects as may add events, never change or remove them
            cur.execute("REVOKE UPDATE, DELETE, TRUNCATE ON event FROM CURRENT_USER")
            conn.commit()
            return max(found, PG_SCHEMA_VERSION)
    except (SchemaTooNew, pg.Error) as exc:
        raise _failed(location, exc) from exc


def check_server(location: str) -> None:
    """Refuse, without writing anything, a server database a reader cannot make sense of."""
    pg = _driver()
    try:
        with pg.connect(_conninfo(location), autocommit=True) as conn:
            exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
            found = 0
            if exists and exists[0]:
                row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
                found = int(row[0] or 0) if row else 0
            if found > PG_SCHEMA_VERSION:
                raise SchemaTooNew(found)
    except (SchemaTooNew, pg.Error) as exc:
        raise _failed(location, exc) from exc


def _configure(sync_engine: Engine, *, writer: bool) -> None:
    if not writer:
        return

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def _connect_args(writer: bool) -> dict[str, Any]:
    return {} if writer else {"options": "-c default_transaction_read_only=on"}


def server_engine(location: str, *, writer: bool) -> Engine:
    engine = create_engine(server_url(location), connect_args=_connect_args(writer))
    _configure(engine, writer=writer)
    return engine


def server_async_engine(location: str, *, writer: bool) -> AsyncEngine:
    engine = create_async_engine(server_url(location), connect_args=_connect_args(writer))
    _configure(engine.sync_engine, writer=writer)
    return engine
