"""Write-behind for applying many events in one transaction (an import's batch, verify's replay).

Handlers do not change: they write rows through ``data.store.rows`` (``add_row``, ``add_rows``,
``set_rows``) and run anything else (a read, an ``UPDATE … WHERE`` on other columns, an upsert)
with ``conn.execute``. Inside ``with write_behind(conn):``

- ``add_row`` / ``add_rows`` / ``set_rows`` are queued instead of run: an update of a row
  inserted in the same window is folded into its pending INSERT, later updates of one row into
  one, and at a flush each table's rows go out as one ``executemany`` per statement shape
  (INSERTs in foreign-key order, then the UPDATEs), through statements built once (the
  INSERTs straight to the driver, a COPY on the server: data/store/bulk.py);
- ``for_case(conn, tbl, statement, case_id, **params)`` (``data.store.rows``) queues a statement
  that changes only rows of ``tbl`` with ``case_id = case_id`` (an ``UPDATE … WHERE case_id =
  :case AND …``: a case's clocks stopped when it ends, its summonses settled); such statements
  run after the window's rows, one executemany per statement, and a later write that may reach
  a row of that case flushes first, so the order per case is kept;
- any other statement run on the connection (``conn.execute``: a read, an update by a
  condition, a savepoint) first flushes what is pending, so it sees every earlier write; so does
  leaving the block. A new handler needs nothing special: write rows with the three functions
  (or ``for_case``), run anything else with ``conn.execute``; a row another handler wrote in
  the same batch is there when it reads. Reads through ``exec_driver_sql`` or the raw DBAPI connection do NOT
  flush: handlers use ``conn.execute``;
- a rollback (to a savepoint, or of the transaction) throws the pending writes away, as it
  would have undone them; leaving the block by an exception throws them away too;
- the ownership check (data/store/ownership.py) keeps what it learnt of each row's owner in
  ``owners``, so an event touching a row made or looked up earlier in the window does not read
  it again (``prefetch`` there looks a whole batch's rows up in one query per kind).

Outside such a block (live writes) every write runs at once, exactly as before: the same
handlers serve live writes, replay and import. A database refusal (a foreign key, a duplicate
key) of a queued write surfaces at the flush, not in the handler that queued it: a caller that
must name the event at fault applies the batch again without write-behind (the importer does).
Memory is bounded by the caller's batch: ``flush`` (and ``forget``) between batches.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Insert, Table, Update, bindparam, event, insert, update

from data.store.bulk import direct, insert_rows
from data.store.tables import CASE

KEY = "_key"
UNKNOWN = object()
INFO = "write_behind"
READ_AROUND = "write_behind_read_around"
"""Execution option of a read that may skip the flush (it reads nothing pending: the
ownership check, whose ``owners`` covers every row made in the window)."""


@functools.cache
def insert_of(tbl: Table) -> Insert:
    return insert(tbl)


@functools.cache
def update_of(tbl: Table, column: str) -> Update:
    """UPDATE tbl SET (the columns the parameters name) WHERE column = :_key."""
    return update(tbl).where(tbl.c[column] == bindparam(KEY))


@functools.cache
def _rank(tbl: Table) -> int:
    """Parents before children: the position in the models' foreign-key order."""
    order = CASE.metadata.sorted_tables
    return next((n for n, t in enumerate(order) if t.name == tbl.name), len(order))


@functools.cache
def _nulls(tbl: Table) -> tuple[str, ...]:
    """Columns for which leaving them out of an INSERT and giving NULL are the same (no
    default of any kind): filled in, so the rows of one table share one statement's shape."""
    return tuple(
        c.name
        for c in tbl.columns
        if c.nullable and not c.primary_key and c.default is None and c.server_default is None
    )


@functools.cache
def _refers_to_itself(tbl: Table) -> bool:
    return any(fk.column.table is tbl for fk in tbl.foreign_keys)


@functools.cache
def _single_key(tbl: Table) -> str | None:
    keys = list(tbl.primary_key.columns)
    return keys[0].name if len(keys) == 1 else None


class WriteBehind:
    """The pending writes of one connection (see the module's note)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # table → its pending INSERTs: by primary key (a later update folds in) or in a list
        self.inserts: dict[Table, dict[Any, dict[str, Any]]] = {}
        self.listed: dict[Table, list[dict[str, Any]]] = {}
        # (table, key column) → key → the columns set, later ones over earlier ones
        self.updates: dict[tuple[Table, str], dict[Any, dict[str, Any]]] = {}
        self.updated: dict[tuple[Table, str], set[str]] = {}  # the columns each of those sets
        # statements that change only one case's rows of a table (``for_case``), in order
        self.case_ops: dict[Any, list[dict[str, Any]]] = {}
        self.cased: dict[tuple[Table, Any], Any] = {}
        self.cased_tables: set[Table] = set()
        self.owners: dict[tuple[str, str], str | None] = {}
        # (table name, id) → the case the row belongs to, as the ownership check learnt it
        self.cases: dict[tuple[str, Any], Any] = {}
        self.flushing = False

    def __len__(self) -> int:
        return (
            sum(len(rows) for rows in self.inserts.values())
            + sum(len(rows) for rows in self.listed.values())
            + sum(len(rows) for rows in self.updates.values())
        )

    # -- queueing

    def for_case(self, tbl: Table, statement: Any, case: Any, params: dict[str, Any]) -> None:
        """Queue ``statement``, which changes only rows of ``tbl`` whose ``case_id`` is ``case``
        (its clocks stopped when it ends, its summonses settled). It runs after the window's
        inserts and updates: any later write that may reach a row of that case flushes first."""
        if self.cased.get((tbl, case), statement) is not statement:
            self.flush()  # another statement on that case's rows waits: keep their order
        self.case_ops.setdefault(statement, []).append(params)  # one executemany, in order
        self.cased[(tbl, case)] = statement
        self.cased_tables.add(tbl)

    def _case_of(self, tbl: Table, key: Any, column: str) -> Any:
        """The case of the row(s) ``column = key`` of ``tbl``, or UNKNOWN."""
        if column != _single_key(tbl):
            targets = [fk.column.table for fk in tbl.c[column].foreign_keys]
            return self._case_of(targets[0], key, "id") if len(targets) == 1 else UNKNOWN
        row = self.inserts.get(tbl, {}).get(key)
        if row is not None:
            return row.get("case_id", UNKNOWN)
        return self.cases.get((tbl.name, key), UNKNOWN)

    def _reaches_cased(self, tbl: Table, case: Any) -> bool:
        return tbl in self.cased_tables and (case is UNKNOWN or (tbl, case) in self.cased)

    def add(self, tbl: Table, values: dict[str, Any]) -> None:
        if self.cased_tables and self._reaches_cased(tbl, values.get("case_id", UNKNOWN)):
            self.flush()
        key_column = _single_key(tbl)
        if key_column is None or key_column not in values:
            self.listed.setdefault(tbl, []).append(values)
            return
        key = values[key_column]
        rows = self.inserts.setdefault(tbl, {})
        if key in rows or key in self.updates.get((tbl, key_column), ()):
            # a second insert of one key (the database refuses it), or an insert after an
            # update of that key (which found no row): in order, as they were written
            self.flush()
            rows = self.inserts.setdefault(tbl, {})
        rows[key] = dict(values)

    def set(self, tbl: Table, key: Any, column: str, values: dict[str, Any]) -> None:
        if not values:
            return
        if self.listed.get(tbl):
            self.flush()  # rows without a key to fold into: let them reach the table first
        if self.cased_tables and self._reaches_cased(tbl, self._case_of(tbl, key, column)):
            self.flush()  # a row of a case whose statement waits: after it, in order
        names = values.keys()
        for (other, other_column), columns in self.updated.items():
            if other is tbl and other_column != column and not columns.isdisjoint(names):
                self.flush()  # one column set by two different keys: keep their order
                break
        rows = self.inserts.get(tbl)
        if rows:
            if column == _single_key(tbl):
                if key in rows:
                    rows[key].update(values)
                    return
            else:
                for row in rows.values():
                    if row.get(column) == key:
                        row.update(values)
        self.updates.setdefault((tbl, column), {}).setdefault(key, {}).update(values)
        self.updated.setdefault((tbl, column), set()).update(names)

    # -- flushing

    def flush(self) -> None:
        if self.flushing or not (self.inserts or self.listed or self.updates or self.case_ops):
            return
        inserts, listed, updates, case_ops = self.inserts, self.listed, self.updates, self.case_ops
        self._clear()
        self.flushing = True
        try:
            for tbl, keyed in inserts.items():
                if "case_id" in tbl.c:  # still known once the rows are in the table
                    self.cases.update(
                        ((tbl.name, k), row.get("case_id", UNKNOWN)) for k, row in keyed.items()
                    )
            for tbl in sorted(inserts.keys() | listed.keys(), key=_rank):
                rows = [*inserts.get(tbl, {}).values(), *listed.get(tbl, ())]
                at_once = direct(self.conn, tbl)  # past SQLAlchemy's per-row work (bulk.py)
                for group in _groups(tbl, rows):
                    if at_once:
                        insert_rows(self.conn, tbl, group)
                    else:
                        self.conn.execute(insert_of(tbl), group)
            for (tbl, column), pending in updates.items():
                shapes: dict[frozenset[str], list[dict[str, Any]]] = {}
                for key, values in pending.items():
                    shapes.setdefault(frozenset(values), []).append({KEY: key, **values})
                for params in shapes.values():
                    self.conn.execute(update_of(tbl, column), params)
            for statement, params in case_ops.items():
                self.conn.execute(statement, params)
        finally:
            self.flushing = False

    def _clear(self) -> None:
        self.inserts, self.listed, self.updates, self.updated = {}, {}, {}, {}
        self.case_ops, self.cased, self.cased_tables = {}, {}, set()

    def discard(self) -> None:
        self._clear()
        self.owners.clear()
        self.cases.clear()

    def forget(self) -> None:
        """Flush, then drop what was learnt of owners (to bound memory between batches: the
        owners must cover every row made and still pending)."""
        self.flush()
        self.owners.clear()
        self.cases.clear()


def _groups(tbl: Table, rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Rows of one table by their columns, one executemany each. A table whose rows may refer
    to one another (a case reopened from another) keeps its rows' order: runs of one shape."""
    nulls = _nulls(tbl)
    for row in rows:
        for name in nulls:
            row.setdefault(name, None)
    if _refers_to_itself(tbl):
        run: list[dict[str, Any]] = []
        for row in rows:
            if run and row.keys() != run[0].keys():
                yield run
                run = []
            run.append(row)
        if run:
            yield run
        return
    shapes: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        shapes.setdefault(frozenset(row), []).append(row)
    yield from shapes.values()


def pending(conn: Connection) -> WriteBehind | None:
    batch = conn.info.get(INFO)
    return batch if isinstance(batch, WriteBehind) and batch.conn is conn else None


def _before_execute(conn: Connection, _clause: Any, _multi: Any, _params: Any, options: Any) -> None:
    batch = pending(conn)
    if batch is not None and not options.get(READ_AROUND):
        batch.flush()


def _rolled_back(conn: Connection, *_args: Any) -> None:
    batch = pending(conn)
    if batch is not None:
        batch.discard()


@contextmanager
def write_behind(conn: Connection) -> Iterator[WriteBehind]:
    """Queue the row writes of the handlers run inside (see the module's note); flushed on the
    way out, thrown away when the block ends by an exception. Nested blocks share the outer one."""
    outer = pending(conn)
    if outer is not None:
        yield outer
        return
    batch = WriteBehind(conn)
    conn.info[INFO] = batch
    event.listen(conn, "before_execute", _before_execute)
    event.listen(conn, "rollback_savepoint", _rolled_back)
    event.listen(conn, "rollback", _rolled_back)
    try:
        yield batch
        batch.flush()
    except BaseException:
        batch.discard()
        raise
    finally:
        event.remove(conn, "before_execute", _before_execute)
        event.remove(conn, "rollback_savepoint", _rolled_back)
        event.remove(conn, "rollback", _rolled_back)
        conn.info.pop(INFO, None)
