"""The few places where SQLite and PostgreSQL spell one thing differently, chosen by the
connection's dialect in one helper each, so the business logic holds no SQLite-only SQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Connection,
    String,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    text,
)
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


def one_of(dialect: str, column: Any, name: str) -> Any:
    """``column IN`` the list bound as ``name`` (``keys_value``), as one parameter whatever its
    length: the same SQL for every list, prepared once, instead of one placeholder per key
    (a new statement for SQLite to prepare at each length). SQLite reads the list from its
    JSON text (``json_each``, the column's index searched for each), the server from an array
    (``= ANY``). ``dialect``: the connection's dialect name (statements are built per dialect)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(String)))
    listed: Any = select(literal_column("value")).select_from(func.json_each(bindparam(name, type_=String)))
    return column.in_(listed)


def keys_value(conn: Connection, keys: Sequence[str]) -> Any:
    """The value to bind for ``one_of``'s parameter."""
    return list(keys) if on_server(conn) else json.dumps(list(keys), ensure_ascii=False)
