"""``whistle verify``: SQLite's integrity check, the hash chains, the chains held to every
signed head known here, the derived tables (the queue's order, the search index) against the
cases, and a replay of every event compared with the tables, so a row changed behind the
event log is found and named. A malformed event is named too, never a traceback."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, String, create_engine, select, text
from sqlalchemy.pool import StaticPool

from data.store.apply import apply_event
from data.store.dialect import by_insertion, insertion, on_server
from data.store.eventlog import record_from_row
from data.store.heads import first_contradiction
from data.store.schema import upgrade
from data.store.tables import (
    AGENDA,
    ATTENDANCE,
    CALENDAR_YEAR,
    CASE,
    CHECKIN,
    CLOCK,
    DEPARTMENT,
    EVENT,
    MEETING,
    OPERATOR,
    REINSPECTION,
    SIGNED_HEAD,
    STATION,
    TRUST,
    WHISTLE,
)
from models.errors import DomainError
from models.events import GENESIS, EventRecord, digest_of
from models.i18n import t

# Columns that describe this copy of the file rather than the shared history.
# A shared reference row's rank says who wrote it as seen from this file (its own station, its
# district): the values are the shared history, the rank is this file's view of it.
LOCAL_COLUMNS = {
    "station": {"is_local", "public_key", "trusted"},
    "department": {"event_id"},
    "calendar_year": {"event_id"},
}
REPLAYED = (
    STATION,
    OPERATOR,
    DEPARTMENT,
    CALENDAR_YEAR,
    CASE,
    WHISTLE,
    CLOCK,
    CHECKIN,
    MEETING,
    ATTENDANCE,
    AGENDA,
    REINSPECTION,
    SIGNED_HEAD,
)
BATCH = 5000


@dataclass
class Report:
    events: int = 0
    stations: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _events(conn: Connection, order: Any) -> Iterator[Any]:
    """Every event in batches, in chain order or (``ROWID_ORDER``) in the order they were
    written: SQLite's rowid, the server's ``event.n``."""
    last = None
    written = insertion(conn)
    by_rowid = order is ROWID_ORDER
    columns = (text(written),) if by_rowid else tuple(_ordered(conn, c) for c in order)
    while True:
        query = select(EVENT, text(f"{written} AS rid")).order_by(*columns).limit(BATCH)
        if last is not None:
            query = query.where(last)
        rows = conn.execute(query).all()
        if not rows:
            return
        yield from rows
        tail = rows[-1]
        last = (
            text(f"{written} > :r").bindparams(r=tail.rid)
            if by_rowid
            else (
                (_ordered(conn, EVENT.c.station_id) > tail.station_id)
                | ((EVENT.c.station_id == tail.station_id) & (EVENT.c.seq > tail.seq))
            )
        )


def _ordered(conn: Connection, column: Any) -> Any:
    """A column to sort by as Python compares: the server's text columns by code point (its
    default collation may follow a language), SQLite's as they are."""
    if on_server(conn) and isinstance(column.type, String):
        return column.collate("C")
    return column


ROWID_ORDER = (text("rowid"),)
CHAIN_ORDER = (EVENT.c.station_id, EVENT.c.seq)


def check_chain(conn: Connection, report: Report) -> None:
    station, expected, prev = None, 1, GENESIS
    for row in _events(conn, CHAIN_ORDER):
        if row.station_id != station:
            station, expected, prev = row.station_id, 1, GENESIS
            report.stations += 1
        report.events += 1
        where = {"station": row.station_id, "seq": row.seq, "id": row.id}
        record = _record(row, report)
        if record is None:
            return
        if row.seq != expected:
            report.problems.append(
                t(
                    "verify.seq_gap",
                    expected=expected,
                    found=row.seq,
                    **{k: v for k, v in where.items() if k != "seq"},
                )
            )
            return
        if record.prev_hash != prev:
            report.problems.append(t("verify.prev_mismatch", **where))
            return
        if record.computed_hash() != record.hash or (
            record.personal is not None and digest_of(record.personal) != record.personal_digest
        ):
            report.problems.append(t("verify.hash_mismatch", **where))
            return
        expected, prev = row.seq + 1, row.hash


def _record(row: Any, report: Report) -> EventRecord | None:
    """The stored event, or None (and the problem named) when its JSON does not parse."""
    try:
        record = record_from_row(row)
    except (ValueError, TypeError, RecursionError) as exc:
        report.problems.append(
            t("verify.bad_json", station=row.station_id, seq=row.seq, id=row.id, detail=str(exc)[:120])
        )
        return None
    if not isinstance(record.payload, dict) or not isinstance(record.personal, dict | None):
        report.problems.append(
            t("verify.bad_json", station=row.station_id, seq=row.seq, id=row.id, detail="not an object")
        )
        return None
    return record


def check_heads(conn: Connection, report: Report) -> None:
    found = first_contradiction(conn)
    if found is not None:
        report.problems.append(str(found))


OPEN_STATUSES = "('received', 'triage', 'dispatched', 'consulting', 'disposing', 'feedback', 'parked')"
FAR = "'9999-12-31 00:00:00.000000'"
# What the queue's order table must hold for each case (as its triggers keep it).
QUEUE_KEY_WRONG = f"""
SELECT c.id FROM case_file c LEFT JOIN queue_key q ON q.case_id = c.id
WHERE q.case_id IS NULL
   OR q.open IS NOT (c.status IN {OPEN_STATUSES})
   OR q.next_checkin IS NOT coalesce((SELECT min(deadline) FROM clock WHERE case_id = c.id
        AND kind = 'checkin' AND stopped_at IS NULL AND paused_at IS NULL), {FAR})
   OR q.next_deadline IS NOT coalesce((SELECT min(deadline) FROM clock WHERE case_id = c.id
        AND stopped_at IS NULL AND paused_at IS NULL), {FAR})
   OR q.received_at IS NOT c.received_at
UNION ALL
SELECT q.case_id FROM queue_key q LEFT JOIN case_file c ON c.id = q.case_id WHERE c.id IS NULL
ORDER BY 1 LIMIT 1
"""


def _grams(column: str, width: int) -> str:
    test = "<" if width == 2 else "<="
    return f"""coalesce((SELECT group_concat(g, ' ') FROM (
        SELECT substr({column}, n, {width}) AS g FROM search_seq
        WHERE n {test} length({column}) ORDER BY n)), '')"""


# What the search index must hold for each case, as its triggers write it (V15_SEARCH_MORE):
# the grams of one text (number split at its dashes, community, address, description) and
# the category code.
_BODY = "replace(c.number, '-', ' ') || ' ' || c.community || ' ' || c.address || ' ' || c.description"
SEARCH_WRONG = f"""
SELECT c.id FROM case_file c
LEFT JOIN case_search_key k ON k.case_id = c.id
LEFT JOIN case_search s ON s.rowid = k.n
WHERE s.rowid IS NULL
   OR s.pairs IS NOT (SELECT {_grams("b", 2)} FROM (SELECT {_BODY} AS b))
   OR s.singles IS NOT (SELECT {_grams("b", 1)} FROM (SELECT {_BODY} AS b))
   OR s.tags IS NOT c.category
UNION ALL
SELECT k.case_id FROM case_search_key k LEFT JOIN case_file c ON c.id = k.case_id WHERE c.id IS NULL
UNION ALL
SELECT CAST(s.rowid AS TEXT) FROM case_search s LEFT JOIN case_search_key k ON k.n = s.rowid WHERE k.n IS NULL
ORDER BY 1 LIMIT 1
"""


SERVER_FAR = "TIMESTAMP '9999-12-31 00:00:00'"
SERVER_QUEUE_KEY_WRONG = f"""
SELECT c.id FROM case_file c LEFT JOIN queue_key q ON q.case_id = c.id
WHERE q.case_id IS NULL
   OR q.open IS DISTINCT FROM (CASE WHEN c.status IN {OPEN_STATUSES} THEN 1 ELSE 0 END)
   OR q.next_checkin IS DISTINCT FROM coalesce((SELECT min(deadline) FROM clock WHERE case_id = c.id
        AND kind = 'checkin' AND stopped_at IS NULL AND paused_at IS NULL), {SERVER_FAR})
   OR q.next_deadline IS DISTINCT FROM coalesce((SELECT min(deadline) FROM clock WHERE case_id = c.id
        AND stopped_at IS NULL AND paused_at IS NULL), {SERVER_FAR})
   OR q.received_at IS DISTINCT FROM c.received_at
UNION ALL
SELECT q.case_id FROM queue_key q LEFT JOIN case_file c ON c.id = q.case_id WHERE c.id IS NULL
ORDER BY 1 LIMIT 1
"""
# The server's search table (data/store/schema_pg.py) as its trigger writes it.
SERVER_SEARCH_WRONG = f"""
SELECT c.id FROM case_file c LEFT JOIN case_search s ON s.case_id = c.id
WHERE s.case_id IS NULL
   OR s.body IS DISTINCT FROM ({_BODY})
   OR s.tags IS DISTINCT FROM c.category
UNION ALL
SELECT s.case_id FROM case_search s LEFT JOIN case_file c ON c.id = s.case_id WHERE c.id IS NULL
ORDER BY 1 LIMIT 1
"""


def check_derived(conn: Connection, report: Report) -> None:
    """The tables kept from the cases by triggers: the queue's order and the search index."""
    checks = (
        (("queue_key", SERVER_QUEUE_KEY_WRONG), ("case_search", SERVER_SEARCH_WRONG))
        if on_server(conn)
        else (("queue_key", QUEUE_KEY_WRONG), ("case_search", SEARCH_WRONG))
    )
    for table, sql in checks:
        wrong = conn.exec_driver_sql(sql).scalar()
        if wrong is not None:
            report.problems.append(t("verify.derived_differs", table=table, row=wrong))
            return


def check_integrity(conn: Connection, report: Report) -> None:
    """SQLite's integrity check; a server checks its own pages (checksums, WAL) as it reads."""
    if on_server(conn):
        return
    result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
    if result != "ok":
        report.problems.append(t("verify.integrity", detail=result))


def _memory_engine() -> Engine:
    def connect() -> sqlite3.Connection:
        raw = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        upgrade(raw)
        return raw

    return create_engine("sqlite://", creator=connect, poolclass=StaticPool)


def _rows(conn: Connection, tbl: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    skip = LOCAL_COLUMNS.get(tbl.name, set())
    keys = list(tbl.primary_key.columns)
    for row in conn.execute(select(tbl).order_by(*(_ordered(conn, k) for k in keys))).mappings():
        key = tuple(row[k.name] for k in keys)
        yield key, {k: v for k, v in row.items() if k not in skip}


def _viewpoint(conn: Connection, replay: Connection) -> None:
    """Who this file is and whom it trusts as its district: shared reference rows are ranked
    from that view, so the replay takes it too."""
    local = conn.execute(select(STATION).where(STATION.c.is_local.is_(True))).mappings().first()
    if local is not None:
        replay.execute(STATION.insert().values({**local, "event_id": ""}))
    for trust in conn.execute(select(TRUST)).mappings():
        replay.execute(TRUST.insert().values(**trust))


def check_replay(conn: Connection, report: Report) -> None:
    memory = _memory_engine()
    try:
        with memory.begin() as replay:
            _viewpoint(conn, replay)
            for row in _events(conn, ROWID_ORDER):
                try:
                    apply_event(replay, record_from_row(row))
                except DomainError as exc:
                    report.problems.append(
                        t(
                            "verify.replay_refused",
                            station=row.station_id,
                            seq=row.seq,
                            id=row.id,
                            detail=str(exc),
                        )
                    )
                    return
            for tbl in REPLAYED:
                key = _first_difference(_rows(conn, tbl), _rows(replay, tbl))
                if key is not None:
                    report.problems.append(_differs(conn, tbl.name, key))
                    return
    finally:
        memory.dispose()


def _first_difference(actual: Iterator[Any], wanted: Iterator[Any]) -> tuple[Any, ...] | None:
    """The key of the first row that differs, is missing or is extra; both sides come in key
    order, so they are merged by key (a removed row must not shift the comparison)."""
    a, w = next(actual, None), next(wanted, None)
    while a is not None or w is not None:
        if a is not None and (w is None or a[0] < w[0]):
            return a[0]  # a row no event made
        if w is not None and (a is None or w[0] < a[0]):
            return w[0]  # a row the events made, now gone
        if a is not None and w is not None and a[1] != w[1]:
            return a[0]
        a, w = next(actual, None), next(wanted, None)
    return None


def _differs(conn: Connection, table: str, key: tuple[Any, ...] | None) -> str:
    ident = "/".join(str(k) for k in key or ())
    last = conn.execute(
        select(EVENT.c.station_id, EVENT.c.seq, EVENT.c.id)
        .where(EVENT.c.subject == str(key[0]) if key else text("0"))
        .order_by(by_insertion(conn, descending=True))
        .limit(1)
    ).first()
    event = f"{last.station_id}#{last.seq} {last.id}" if last else "—"
    return t("verify.row_differs", table=table, row=ident, event=event)


def check_trust(conn: Connection, report: Report) -> None:
    """The stations this file accepts bundles from are exactly what its own ``sync.trusted``
    events say (the table is local, written beside them)."""
    local = conn.execute(select(STATION.c.id).where(STATION.c.is_local.is_(True))).scalar()
    said: dict[str, tuple[str, str, bool]] = {}
    for row in conn.execute(
        select(EVENT.c.payload, EVENT.c.operator)
        .where((EVENT.c.station_id == local) & (EVENT.c.type == "sync.trusted"))
        .order_by(EVENT.c.seq)
    ):
        payload = json.loads(row.payload)
        said[payload["station"]] = (payload["public_key"], row.operator, bool(payload.get("district")))
    held = {
        row.station_id: (row.public_key, row.added_by, bool(row.district))
        for row in conn.execute(
            select(TRUST.c.station_id, TRUST.c.public_key, TRUST.c.added_by, TRUST.c.district)
        )
    }
    for station in sorted(said.keys() | held.keys()):
        if said.get(station) != held.get(station):
            report.problems.append(t("verify.trust_differs", station=station))
            return


def verify(engine: Engine, *, replay: bool = True) -> Report:
    report = Report()
    with engine.connect() as conn:
        check_integrity(conn, report)
        if report.ok:
            check_chain(conn, report)
        if report.ok:
            check_heads(conn, report)
        if report.ok:
            check_trust(conn, report)
        if report.ok and replay:
            check_replay(conn, report)
        if report.ok:
            check_derived(conn, report)
    return report
