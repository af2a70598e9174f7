"""The few places where SQLite and PostgreSQL spell one thing differently, chosen by the
connection's dialect in one helper each, so the business logic holds no SQLite-only SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Connection, cast, func, text
from sqlalchemy.sql.elements import TextClause


def on_server(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def insertion(conn: Connection) -> str:
    """The event log's insertion order: SQLite's rowid, the server's ``event.n``."""
    return "n" if on_server(conn) else "rowid"


def last_event(conn: Connection) -> int:
    """The insertion number of the last event written, 0 for none."""
    column = insertion(conn)
    return int(conn.execute(text(f"SELECT coalesce(max({column}), 0) FROM event")).scalar() or 0)


def by_insertion(conn: Connection, *, descending: bool = False) -> TextClause:
    return text(f"{insertion(conn)} DESC" if descending else insertion(conn))


def json_field(conn: Connection, column: Any, key: str) -> Any:
    """``column``'s JSON text's top-level ``key``, as text on both."""
    if on_server(conn):
        return func.json_extract_path_text(cast(column, JSON), key)
    return func.json_extract(column, f"$.{key}")
