"""Writing rows from events: the handler registry and the prebuilt insert/update statements
every handler (and the event log) writes through.

Handlers write rows with ``add_row`` / ``add_rows`` / ``set_rows``; inside a write-behind block
(an import's batch, verify's replay: data/store/writebehind.py) these are queued and sent as one
``executemany`` per table and statement, and any other ``conn.execute`` flushes them first, so
a handler may read what an earlier one wrote. A handler never reads through
``exec_driver_sql`` or the raw DBAPI connection (those do not flush)."""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, select

from data.store.tables import OPERATOR, STATION
from data.store.writebehind import KEY, insert_of, pending, update_of
from models.events import EventRecord
from models.ids import from_iso

Handler = Callable[[Connection, EventRecord], None]


def ts(value: str | None) -> Any:
    return from_iso(value) if value else None


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def parts_json(parts: list[Any] | None) -> str:
    """A reason's parts (models.agenda.said) as its row keeps them: the same text live and on
    replay, whatever order the event's keys come back in; '' for none."""
    return json.dumps(parts, ensure_ascii=False, sort_keys=True) if parts else ""


class Registry:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}

    def __call__(self, *types: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            for name in types:
                self.handlers[name] = fn
            return fn

        return register


def local_operator(name: str) -> Any:
    """The condition for ``name`` among this file's own station's operators."""
    local = select(STATION.c.id).where(STATION.c.is_local.is_(True)).scalar_subquery()
    return (OPERATOR.c.station_id == local) & (OPERATOR.c.name == name)


def set_rows(conn: Connection, tbl: Table, key: Any, column: str = "id", **values: Any) -> None:
    """UPDATE tbl SET values WHERE column = key, through a statement built once (queued inside
    a write-behind block)."""
    batch = pending(conn)
    if batch is not None:
        batch.set(tbl, key, column, values)
    else:
        conn.execute(update_of(tbl, column), {KEY: key, **values})


def add_row(conn: Connection, tbl: Table, **values: Any) -> None:
    """INSERT one row (queued inside a write-behind block)."""
    batch = pending(conn)
    if batch is not None:
        batch.add(tbl, values)
    else:
        conn.execute(insert_of(tbl), values)


def add_rows(conn: Connection, tbl: Table, rows: list[dict[str, Any]]) -> None:
    """Several rows of the same columns in one go (the driver's executemany; queued inside a
    write-behind block)."""
    batch = pending(conn)
    if batch is not None:
        for row in rows:
            batch.add(tbl, row)
    else:
        conn.execute(insert_of(tbl), rows)


def for_case(conn: Connection, tbl: Table, statement: Any, case: Any, /, **params: Any) -> None:
    """Run ``statement`` (bound with ``params``), which changes only rows of ``tbl`` whose
    ``case_id`` is ``case`` (an UPDATE … WHERE case_id = :case AND …): inside a write-behind
    block it is queued too, and runs after the rows written before it."""
    batch = pending(conn)
    if batch is not None:
        batch.for_case(tbl, statement, case, params)
    else:
        conn.execute(statement, params)


def insert_now(conn: Connection, tbl: Table, rows: list[dict[str, Any]]) -> None:
    """Rows inserted at once even inside a write-behind block (the event log: a refusal of
    its rows must be found where they are stored)."""
    conn.execute(insert_of(tbl), rows)


def upsert(conn: Connection, tbl: Table) -> Any:
    """An INSERT with ``on_conflict_do_update`` / ``on_conflict_do_nothing`` in the dialect of
    ``conn`` (SQLite's or PostgreSQL's: the two speak the same ON CONFLICT clause)."""
    return _dialect_insert(conn.dialect.name)(tbl)


def _dialect_insert(dialect: str) -> Callable[[Table], Any]:
    """The dialect's own INSERT (the one with ON CONFLICT), taken from the package of the
    dialect named, PostgreSQL's or else SQLite's. Looked up by name for start-up cost: a desk
    on a SQLite file never loads PostgreSQL's dialect (~20 ms of CPU)."""
    package = "postgresql" if dialect == "postgresql" else "sqlite"
    insert: Callable[[Table], Any] = importlib.import_module(f"sqlalchemy.dialects.{package}").insert
    return insert


@functools.cache
def _adding(tbl: Table, dialect: str, columns: tuple[str, ...]) -> Any:
    insert_ = _dialect_insert(dialect)(tbl)
    keys = [c.name for c in tbl.primary_key.columns]
    return insert_.on_conflict_do_update(
        index_elements=keys, set_={name: tbl.c[name] + insert_.excluded[name] for name in columns}
    )


@functools.cache
def counters_of(tbl: Table) -> tuple[str, ...]:
    """Every column of ``tbl`` outside its primary key (a totals table's counters)."""
    return tuple(c.name for c in tbl.columns if not c.primary_key)


def add_to_many(conn: Connection, tbl: Table, rows: list[dict[str, Any]]) -> None:
    """Add each row's counters to the row at its key (made, at zero, when missing): INSERT …
    ON CONFLICT DO UPDATE SET c = c + excluded.c, one executemany through a statement built
    once. Each row names its key and every counter (``counters_of``; adding 0 leaves a
    counter as it was, and a new row's counters start at 0 either way), so all share it."""
    if rows:
        conn.execute(_adding(tbl, conn.dialect.name, counters_of(tbl)), rows)
