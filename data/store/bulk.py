"""Many rows of one table in one COPY, on the server: what an import's batch writes (its event
rows, the rows its events make) goes to PostgreSQL as one stream instead of one statement per
row. Each value is bound as SQLAlchemy binds it (the column type's own bind processing: an
aware time becomes naive UTC), a column left out gets its Python-side default as an INSERT
would, and a row the server refuses raises the DBAPIError (an IntegrityError for a duplicate
or a missing parent) an INSERT would have raised. SQLite has no COPY: its callers use the
driver's executemany there (``copies`` says which)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.exc import DBAPIError

from data.store.dialect import on_server

Processor = Callable[[Any], Any] | None


def copies(conn: Connection) -> bool:
    """Whether ``copy_rows`` can write to ``conn``: the server through its blocking driver
    (SQLite has no COPY; the console's async driver would need awaiting)."""
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


def can_copy(conn: Connection, tbl: Table) -> bool:
    """``copy_rows`` writes ``tbl`` on ``conn`` as an INSERT would."""
    return copies(conn) and _defaults(tbl) is not None


def copy_rows(conn: Connection, tbl: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts of one shape) into ``tbl`` through one COPY (``can_copy``)."""
    if not rows:
        return
    given = tuple(rows[0])
    missing = [(name, value) for name, value in _defaults(tbl) or () if name not in rows[0]]
    fill = tuple(value for _, value in missing)
    columns = (*given, *(name for name, _ in missing))
    copy_values(conn, tbl, columns, ((*(row[name] for name in given), *fill) for row in rows))


def copy_values(
    conn: Connection, tbl: Table, columns: tuple[str, ...], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY ``rows`` (values in the order of ``columns``, not yet bound) into ``tbl``."""
    preparer = conn.dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in columns)
    sql = f"COPY {preparer.format_table(tbl)} ({names}) FROM STDIN"
    processors = _processors(tbl, columns, conn.dialect)
    bound = [n for n, p in enumerate(processors) if p is not None]
    dbapi_error = conn.dialect.loaded_dbapi.Error
    driver = conn.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as stream:  # type: ignore[union-attr]
            for values in rows:
                if bound:
                    values = list(values)
                    for n in bound:
                        values[n] = processors[n](values[n])  # type: ignore[misc]
                stream.write_row(values)
    except dbapi_error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi_error) from exc
