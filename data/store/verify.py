"""``whistle verify``: SQLite's integrity check, the hash chains, the chains held to every
signed head known here, the derived tables (the queue's order, the search index) against the
cases, and a replay of every event compared with the tables, so a row changed behind the
event log is found and named. A malformed event is named too, never a traceback."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, String, create_engine, func, inspect, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.pool import StaticPool

from data.store.apply import apply_event
from data.store.derived import derived_problem
from data.store.dialect import by_insertion, insertion, on_server
from data.store.eventlog import (
    HASHED_COLUMNS,
    SEALED_PAGE,
    SEALED_RANGE,
    driver_rows,
    range_links,
    range_pages,
    record_from_row,
    sealed_as_stored,
    stored_iso,
    whole_row,
)
from data.store.heads import first_contradiction
from data.store.marks import Marks, signed_marks
from data.store.ownership import prefetch
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
    HANDOVER,
    HANDOVER_ITEM,
    MEETING,
    OPERATOR,
    REINSPECTION,
    SIGNED_HEAD,
    STATION,
    TOTALS,
    TRUST,
    WHISTLE,
)
from data.store.totals import differences, prefetch_parts, totals_batch
from data.store.writebehind import write_behind
from models.errors import DomainError
from models.events import GENESIS, canonical, digest_of, hashed_fields
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
    HANDOVER,
    HANDOVER_ITEM,
    SIGNED_HEAD,
)
BATCH = 5000
SCRATCH_CACHE_KB = 32 * 1024


@dataclass
class Report:
    events: int = 0
    stations: int = 0
    problems: list[str] = field(default_factory=list)
    marks: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _log(conn: Connection) -> Iterator[Sequence[Any]]:
    """Every event in the order it was written here, in pages by SQLite's rowid (the
    server's ``event.n``)."""
    last = 0
    written = insertion(conn)
    while True:
        rows = conn.execute(
            select(EVENT, text(f"{written} AS rid")).where(text(f"{written} > :r").bindparams(r=last))
            .order_by(text(written)).limit(BATCH)
        ).all()  # fmt: skip
        if not rows:
            return
        yield rows
        last = rows[-1].rid


def _chain(conn: Connection, station: str, after: int = 0) -> Iterator[Any]:
    """One station's events after ``after``, in keyset pages by (station, seq): each page
    starts where the index holds the last one's successor, however long the chain."""
    while True:
        result = conn.execute(
            select(*HASHED_COLUMNS)
            .where((EVENT.c.station_id == station) & (EVENT.c.seq > after))
            .order_by(EVENT.c.seq)
            .limit(BATCH)
        )
        rows = driver_rows(result)
        if not rows:
            return
        yield from rows
        after = rows[-1][0]


def _ordered(conn: Connection, column: Any) -> Any:
    """A column to sort by as Python compares: the server's text columns by code point (its
    default collation may follow a language), SQLite's as they are."""
    if on_server(conn) and isinstance(column.type, String):
        return column.collate("C")
    return column


def _stations(conn: Connection) -> list[str]:
    """The stations with events here, found by skipping through the (station, seq) index."""
    found: list[str] = []
    while True:
        query = select(func.min(EVENT.c.station_id))
        if found:
            query = query.where(EVENT.c.station_id > found[-1])
        station = conn.execute(query).scalar()
        if station is None:
            return found
        found.append(station)


def check_chain(conn: Connection, report: Report, since: dict[str, tuple[int, str]] | None = None) -> None:
    """Every station's chain, from its first event or, for the stations in ``since``, from the
    (seq, hash) given there (a head checked before): that event must still carry that hash."""
    for station in _stations(conn):
        report.stations += 1
        start, prev = (since or {}).get(station, (0, GENESIS))
        if start:
            held = conn.execute(
                select(EVENT.c.hash).where((EVENT.c.station_id == station) & (EVENT.c.seq == start))
            ).scalar()
            if held != prev:
                report.problems.append(t("verify.mark_rewritten", station=station, seq=start))
                return
        if not _check_station(conn, station, start, prev, report):
            return


def _check_station(conn: Connection, station: str, start: int, prev: str, report: Report) -> bool:
    """The station's chain after ``start`` (whose hash is ``prev``); False (and the problem
    named) at the first event that does not follow, link or hash."""
    if on_server(conn):
        expected = start + 1
        for row in _chain(conn, station, start):
            report.events += 1
            if not _check_row(row, expected, prev, report):
                return False
            expected, prev = row[0] + 1, row[11]
        return True
    # SQLite: whole pages of the (station, seq) index, each joined by the database into a few
    # values (SEALED_RANGE) and read by a second thread while this one hashes the last; the
    # rest (a last page not whole, or from the first page that does not pass so) row by row.
    head = conn.execute(select(func.max(EVENT.c.seq)).where(EVENT.c.station_id == station)).scalar() or 0
    pages = range_pages(conn, SEALED_RANGE, station, start, head)
    try:
        for (after, upto), page in pages:
            parts = page[7].split(b"\n") if page[7] is not None else []
            last = range_links(page, after, upto, prev, parts)
            if last is None:
                break
            report.events += upto - after
            start, prev = upto, last
    finally:
        pages.close()  # the reading thread stops before the rows are read on this connection
    return _check_rows(conn, station, start, prev, report)


def _check_rows(conn: Connection, station: str, start: int, prev: str, report: Report) -> bool:
    """The station's chain after ``start`` row by row (SEALED_PAGE, keyset pages by (station,
    seq)); a row that does not pass so is read whole and checked by ``_check_row``: it is named
    the same way, or it is an older row that passes."""
    expected, after, sha256 = start + 1, start, hashlib.sha256
    while rows := driver_rows(conn.exec_driver_sql(SEALED_PAGE, (station, after, BATCH))):
        for seq, prev_hash, hash_, personal, digest, hashed in rows:
            report.events += 1
            if (
                seq != expected
                or prev_hash != prev
                or sha256(hashed).hexdigest() != hash_
                or (personal is not None and sha256(personal.encode("utf-8")).hexdigest() != digest)
            ) and not _check_row(whole_row(conn, station, seq), expected, prev, report):
                return False
            expected, prev = seq + 1, hash_
        after = rows[-1][0]
    return True


def _check_row(row: Any, expected: int, prev: str, report: Report) -> bool:
    """One HASHED_COLUMNS row: it follows (``expected``), links (``prev``) and hashes to its
    stored hash, its personal part to its digest; False (and the problem named) otherwise."""
    # unpacked once: a row's attributes by name cost more than the hash
    (
        seq,
        ident,
        station_id,
        operator,
        at,
        type_,
        subject,
        _stored,
        stored_personal,
        personal_digest,
        prev_hash,
        hash_,
    ) = row
    # The stored text is canonical (as hashed) since payloads are kept so: hash it as it
    # is. An older row, or one that does not hash so, is parsed and encoded again.
    sha256 = hashlib.sha256
    sealed = sealed_as_stored(row) is not None and (
        stored_personal is None or sha256(stored_personal.encode("utf-8")).hexdigest() == personal_digest
    )
    parsed = None
    if not sealed:
        parsed = _parsed(row, report)
        if parsed is None:
            return False
    if seq != expected:
        report.problems.append(
            t("verify.seq_gap", expected=expected, found=seq, station=station_id, id=ident)
        )
        return False
    if prev_hash != prev:
        report.problems.append(t("verify.prev_mismatch", station=station_id, seq=seq, id=ident))
        return False
    if parsed is not None:
        payload, personal = parsed
        iso = stored_iso(at)
        hashed = hashed_fields(
            ident, station_id, seq, operator, iso, type_, subject, payload, personal_digest, prev_hash
        )
        if sha256(canonical(hashed)).hexdigest() != hash_ or (
            personal is not None and digest_of(personal) != personal_digest
        ):
            report.problems.append(t("verify.hash_mismatch", station=station_id, seq=seq, id=ident))
            return False
    return True


def _parsed(row: Any, report: Report) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """The stored payload and personal part, or None (and the problem named) when their JSON
    does not parse into objects."""
    stored, stored_personal = row[7], row[8]
    try:
        payload = json.loads(stored)
        personal = json.loads(stored_personal) if stored_personal is not None else None
    except (ValueError, TypeError, RecursionError) as exc:
        report.problems.append(
            t("verify.bad_json", station=row[2], seq=row[0], id=row[1], detail=str(exc)[:120])
        )
        return None
    if not isinstance(payload, dict) or not isinstance(personal, dict | None):
        report.problems.append(
            t("verify.bad_json", station=row[2], seq=row[0], id=row[1], detail="not an object")
        )
        return None
    return payload, personal


def check_heads(conn: Connection, report: Report) -> None:
    found = first_contradiction(conn)
    if found is not None:
        report.problems.append(str(found))


def check_derived(conn: Connection, report: Report) -> None:
    """The tables kept from the cases by triggers: the queue's order and the search index."""
    problem = derived_problem(conn)
    if problem is not None:
        report.problems.append(problem)


def check_totals(conn: Connection, report: Report) -> None:
    """The assessment's running totals against a recount from the rows and events: one line
    per counter that differs."""
    tables = inspect(conn)
    if not all(tables.has_table(name) for name in ("period_totals_state", *(t.name for t in TOTALS))):
        return  # a file from before a totals step, read as it is: counted when opened for writing
    if not conn.execute(text("SELECT filled FROM period_totals_state")).scalar():
        return  # not yet counted (a file upgraded but not yet opened for writing)
    for table, row, column, held, counted in differences(conn):
        report.problems.append(
            t("verify.totals_differ", table=table, row=row, column=column, held=held, counted=counted)
        )


def check_integrity(conn: Connection, report: Report) -> None:
    """SQLite's integrity check; a server checks its own pages (checksums, WAL) as it reads."""
    if on_server(conn):
        return
    result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
    if result != "ok":
        report.problems.append(t("verify.integrity", detail=result))


def _scratch_engine(folder: Path) -> Engine:
    """The replay's tables in a scratch file (not in memory): a station of any size replays
    in bounded memory. It is thrown away after, so it is written without a journal."""

    def connect() -> sqlite3.Connection:
        raw = sqlite3.connect(folder / "replay.db", isolation_level=None, check_same_thread=False)
        raw.execute("PRAGMA journal_mode=OFF")
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute(f"PRAGMA cache_size=-{SCRATCH_CACHE_KB}")  # bounded: 32 MB of pages at most
        upgrade(raw)
        raw.isolation_level = "DEFERRED"  # the replay is one transaction, not one per write
        return raw

    return create_engine("sqlite://", creator=connect, poolclass=StaticPool)


def _rows(conn: Connection, tbl: Any, names: set[str]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The table's rows in key order, each with the columns ``names`` (those the file has)."""
    skip = LOCAL_COLUMNS.get(tbl.name, set())
    keys = list(tbl.primary_key.columns)
    columns = [c for c in tbl.columns if c.name in names]
    for row in conn.execute(select(*columns).order_by(*(_ordered(conn, k) for k in keys))).mappings():
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
    with tempfile.TemporaryDirectory(prefix="whistle-verify-") as folder:
        _check_replay(conn, report, Path(folder))


def _check_replay(conn: Connection, report: Report, folder: Path) -> None:
    scratch = _scratch_engine(folder)
    try:
        with scratch.begin() as replay:
            _viewpoint(conn, replay)
            if not _replayed(conn, replay, report):
                return
            held = inspect(conn)
            for tbl in REPLAYED:
                if not held.has_table(tbl.name):
                    continue  # a file from before the step that made it, read as it is
                names = {c["name"] for c in held.get_columns(tbl.name)}  # a later step's are not there
                key = _first_difference(_rows(conn, tbl, names), _rows(replay, tbl, names))
                if key is not None:
                    report.problems.append(_differs(conn, tbl.name, key))
                    return
    finally:
        scratch.dispose()


def _replayed(conn: Connection, replay: Connection, report: Report) -> bool:
    """Every event applied to the scratch tables, a page at a time with the row writes behind
    (data/store/writebehind.py); False (and the problem named) at the first one refused."""
    with write_behind(replay) as batch:
        for page in _log(conn):
            batch.forget()
            records = [(row, record_from_row(row)) for row in page]
            prefetch(replay, [record for _row, record in records])
            with totals_batch(replay) as totals:
                prefetch_parts(replay, [record for _row, record in records])
                for row, record in records:
                    try:
                        apply_event(replay, record)
                    except (DomainError, StatementError) as exc:
                        totals.discard()
                        batch.discard()
                        detail = str(exc.orig) if isinstance(exc, StatementError) else str(exc)
                        report.problems.append(
                            t(
                                "verify.replay_refused",
                                station=row.station_id,
                                seq=row.seq,
                                id=row.id,
                                detail=detail,
                            )
                        )
                        return False
    return True


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


def verify(engine: Engine, *, replay: bool = True, since: Marks | None = None) -> Report:
    """The whole check; with ``since`` (marks a sound verify left), only what came after them:
    each station's chain from its mark on (the marked event must still carry the signed hash)
    and every signed head and the trust, without the full-file scans (integrity, replay,
    derived tables) that the nightly full check makes."""
    with engine.connect() as conn:
        return verify_connection(conn, replay=replay, since=since)


def verify_connection(conn: Connection, *, replay: bool = True, since: Marks | None = None) -> Report:
    """:func:`verify` on an open connection (a migration checks its target before it commits)."""
    report = Report()
    if since is None:
        check_integrity(conn, report)
    if report.ok:
        check_chain(conn, report, since)
    if report.ok:
        check_heads(conn, report)
    if report.ok:
        check_trust(conn, report)
    if since is not None:
        if report.ok:
            report.marks = signed_marks(conn)
        return report
    if report.ok and replay:
        check_replay(conn, report)
    if report.ok:
        check_derived(conn, report)
    if report.ok and replay:  # a recount reads every case, as the replay does
        check_totals(conn, report)
    if report.ok:
        report.marks = signed_marks(conn)
    return report
