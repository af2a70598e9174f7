"""Many rows of one table in one go, past SQLAlchemy's per-row work: what an import's batch
writes (its event rows, the rows its events make). On the server one COPY, on SQLite the
driver's own executemany of one prepared INSERT. Each value is bound as SQLAlchemy binds it
(the column type's own bind processing: an aware time becomes naive UTC, SQLite's text), a
column left out gets its Python-side default as an INSERT would, and a row the database
refuses raises the DBAPIError (an IntegrityError for a duplicate or a missing parent) an
INSERT would have raised."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.exc import DBAPIError

from data.store.dialect import on_server

Processor = Callable[[Any], Any] | None


def copies(conn: Connection) -> bool:
    """Whether ``conn`` takes rows by COPY: the server through its blocking driver (SQLite has
    no COPY; the console's async driver would need awaiting)."""
    return on_server(conn) and not conn.dialect.is_async


@functools.cache
def _defaults(tbl: Table) -> tuple[tuple[str, Any], ...] | None:
    """The Python-side defaults an INSERT fills in (scalars all; None if any is not)."""
    found = []
    for column in tbl.columns:
        default = column.default
        if default is None:
            continue
        if not default.is_scalar:
            return None
        found.append((column.name, default.arg))  # type: ignore[attr-defined]
    return tuple(found)


@functools.cache
def _processors(tbl: Table, columns: tuple[str, ...], dialect: Dialect) -> tuple[Processor, ...]:
    return tuple(tbl.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns)


def direct(conn: Connection, tbl: Table) -> bool:
    """``insert_rows`` writes ``tbl`` on ``conn`` as an INSERT would (not through the console's
    async driver, nor for a table with a default computed at insert time)."""
    driver = copies(conn) or (conn.dialect.paramstyle == "qmark" and not conn.dialect.is_async)
    return driver and _defaults(tbl) is not None


def insert_rows(conn: Connection, tbl: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts of one shape) into ``tbl`` in one go (``direct``)."""
    if not rows:
        return
    given = tuple(rows[0])
    missing = [(name, value) for name, value in _defaults(tbl) or () if name not in rows[0]]
    fill = tuple(value for _, value in missing)
    columns = (*given, *(name for name, _ in missing))
    values = ((*(row[name] for name in given), *fill) for row in rows)
    if copies(conn):
        copy_values(conn, tbl, columns, values)
    else:
        execute_values(conn, tbl, columns, values)


def _bound(processors: tuple[Processor, ...]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """Binds a row of values as SQLAlchemy would, column by column."""
    bound = [(n, p) for n, p in enumerate(processors) if p is not None]
    if not bound:
        return lambda values: values

    def bind(values: Sequence[Any]) -> Sequence[Any]:
        out = list(values)
        for n, processor in bound:
            out[n] = processor(out[n])
        return out

    return bind


def execute_values(
    conn: Connection, tbl: Table, columns: tuple[str, ...], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT ``rows`` (values in the order of ``columns``, not yet bound) into ``tbl`` through
    the driver's executemany of one statement (SQLite's ``?`` placeholders)."""
    preparer = conn.dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in columns)
    marks = ", ".join("?" * len(columns))
    bind = _bound(_processors(tbl, columns, conn.dialect))
    sql = f"INSERT INTO {preparer.format_table(tbl)} ({names}) VALUES ({marks})"
    conn.exec_driver_sql(sql, [tuple(bind(values)) for values in rows])


def copy_values(
    conn: Connection, tbl: Table, columns: tuple[str, ...], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY ``rows`` (values in the order of ``columns``, not yet bound) into ``tbl``."""
    preparer = conn.dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in columns)
    sql = f"COPY {preparer.format_table(tbl)} ({names}) FROM STDIN"
    bind = _bound(_processors(tbl, columns, conn.dialect))
    dbapi_error = conn.dialect.loaded_dbapi.Error
    driver = conn.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as stream:  # type: ignore[union-attr]
            for values in rows:
                stream.write_row(bind(values))
    except dbapi_error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi_error) from exc
