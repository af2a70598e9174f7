"""Importing a bundle: check the container and the signature, then stream the events from
the file, checking each and applying them in batches inside one transaction; any refusal on
the way (or in the checks of the whole at the end) rolls everything back.

A bundle whose first new event is beyond what this file holds of its station (a gap) is
kept whole in ``sync_pending`` and applied, chain checked, as soon as the missing events
arrive; so is one whose events need records another station has not sent yet. The state
is therefore a function of the set of bundles received, whatever their order. What waits
is bounded per station (count and bytes, ``[sync]`` settings).
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.exc import IntegrityError, StatementError

from data.settings import SyncLimits
from data.store.apply import EventInvalid, UnknownEventType, apply_event
from data.store.eventlog import head_of, store, store_many
from data.store.keys import signature_ok
from data.store.ownership import MissingRow, NotOwner, prefetch
from data.store.rows import upsert
from data.store.schema import SCHEMA_VERSION
from data.store.tables import EVENT, PENDING, STATION, TRUST
from data.store.totals import prefetch_parts, totals_batch
from data.store.writebehind import write_behind
from data.sync import bundle
from data.sync.bundle import Archive, BundleRefused
from data.write.commands.common import Ctx, writer
from data.write.commands.sync import record_received_head, record_refusal
from data.write.session import SyncService
from models import limits
from models.errors import DomainError
from models.events import EventRecord
from models.i18n import os_reason


class Outcome(Enum):
    APPLIED = "applied"
    NOTHING_NEW = "nothing_new"
    HELD = "held"


GAP = "gap"
DEPENDS = "depends"
BATCH = 5000
"""Events read, stored and applied at a time (the reader is at most one batch ahead): each
batch costs a few statements of its own (owners and totals read, rows flushed per table and
shape), so fewer, bigger batches cost less; 5,000 hold the batch in tens of MB."""


@dataclass
class ImportResult:
    station: str
    first_seq: int
    last_seq: int
    outcome: Outcome = Outcome.NOTHING_NEW
    hold_reason: str | None = None
    applied: int = 0
    skipped: int = 0
    missing: list[tuple[int, int]] = field(default_factory=list)
    released: list[tuple[str, int, int]] = field(default_factory=list)
    refused_held: list[str] = field(default_factory=list)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def check_signature(conn: Connection, archive: Archive) -> None:
    """Format, schema version and the signature over the manifest: before any event is read."""
    m = archive.manifest
    if m["format_version"] != bundle.FORMAT_VERSION:
        raise BundleRefused(
            "sync.refuse.format_version", found=m["format_version"], known=bundle.FORMAT_VERSION
        )
    if not 1 <= m["schema_version"] <= SCHEMA_VERSION:
        raise BundleRefused("sync.refuse.schema_version", found=m["schema_version"], known=SCHEMA_VERSION)
    public = conn.execute(select(TRUST.c.public_key).where(TRUST.c.station_id == archive.station)).scalar()
    if public is None:
        # A station's own bundles come back (from a stick, from the district): check them
        # against its own key, then find every event already held.
        public = conn.execute(
            select(STATION.c.public_key).where(
                (STATION.c.id == archive.station) & STATION.c.is_local.is_(True)
            )
        ).scalar()
    if public is None:
        raise BundleRefused("sync.refuse.unknown_station", station=archive.station)
    if not archive.signature:
        raise BundleRefused("sync.refuse.unsigned", station=archive.station)
    if not signature_ok(public, archive.manifest_bytes, archive.signature):
        raise BundleRefused("sync.refuse.bad_signature", station=archive.station)


def _drain(events: Iterator[EventRecord]) -> None:
    """Check the rest of the stream without applying it (for a bundle about to be held)."""
    for _record in events:
        pass


def _fork_check(conn: Connection, station: str, batch: list[EventRecord]) -> None:
    stored: dict[int, str] = dict(
        conn.execute(
            select(EVENT.c.seq, EVENT.c.hash).where(
                (EVENT.c.station_id == station)
                & (EVENT.c.seq >= batch[0].seq)
                & (EVENT.c.seq <= batch[-1].seq)
            )
        ).all()
    )
    for record in batch:
        if stored.get(record.seq) != record.hash:
            raise BundleRefused("sync.refuse.fork", station=station, seq=record.seq)


def _store_batch(conn: Connection, batch: list[EventRecord]) -> None:
    """The batch's event rows in one go (one prepared statement, a COPY on the server: the
    handlers never read the log); a row the log refuses is then found, and named, one by one."""
    savepoint = conn.begin_nested()
    try:
        store_many(conn, batch)
    except IntegrityError:
        savepoint.rollback()
        for record in batch:
            _refusing(conn, record, store)
        return
    savepoint.commit()


def _apply_checked(conn: Connection, record: EventRecord) -> None:
    apply_event(conn, record, checked=True)  # parse_line checked the payload


def _apply_batch(conn: Connection, records: list[EventRecord]) -> None:
    """The batch's events applied with their row writes behind (data/store/writebehind.py),
    in a savepoint. A write the database refuses surfaces at a flush, not at the event that
    made it: the batch is then applied again one statement at a time, which names the event."""
    savepoint = conn.begin_nested()
    try:
        with write_behind(conn), totals_batch(conn):
            prefetch(conn, records)
            prefetch_parts(conn, records)
            for record in records:
                _refusing(conn, record, _apply_checked, integrity=False)
    except StatementError:
        savepoint.rollback()
        for record in records:
            _refusing(conn, record, _apply_checked)
        return
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


def _refusing(
    conn: Connection,
    record: EventRecord,
    step: Callable[[Connection, EventRecord], None],
    *,
    integrity: bool = True,
) -> None:
    """One step of taking in ``record``, its failures turned into the refusal that names it
    (a database refusal only with ``integrity``: under write-behind it may be another's)."""
    try:
        step(conn, record)
    except IntegrityError as exc:
        if not integrity:
            raise
        if "FOREIGN KEY" in str(exc.orig):
            raise MissingRow("error.missing_row", table="?", id="?") from exc
        raise BundleRefused("sync.refuse.conflict", seq=record.seq, detail=str(exc.orig)) from exc
    except NotOwner as exc:
        raise BundleRefused("sync.refuse.not_owner", detail=str(exc)) from exc
    except UnknownEventType as exc:
        raise BundleRefused("sync.refuse.unknown_type", type=record.type, seq=record.seq) from exc
    except EventInvalid as exc:
        raise BundleRefused(
            "sync.refuse.bad_payload",
            station=record.station_id,
            seq=record.seq,
            field=exc.field,
            detail=exc.detail,
        ) from exc
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise BundleRefused(
            "sync.refuse.bad_payload",
            station=record.station_id,
            seq=record.seq,
            field="payload",
            detail=repr(exc)[:200],
        ) from exc


@dataclass
class Placed:
    outcome: Outcome
    reason: str | None = None
    applied: int = 0
    skipped: int = 0
    heads: list[EventRecord] = field(default_factory=list)


def _stream_apply(ctx: Ctx, archive: Archive) -> Placed:
    """Stream the events: the ones held already are compared, the new ones stored and applied
    in a savepoint. A gap or a record another station has not sent yet holds the bundle."""
    conn, station = ctx.conn, archive.station
    held_seq, held_hash = head_of(conn, station)
    m = archive.manifest
    events = archive.events()
    if m["first_seq"] > held_seq + 1:
        _drain(events)
        return Placed(Outcome.HELD, GAP)
    placed = Placed(Outcome.NOTHING_NEW)
    savepoint = conn.begin_nested()
    try:
        link = held_hash
        while batch := list(itertools.islice(events, BATCH)):
            old = [r for r in batch if r.seq <= held_seq]
            if old:
                _fork_check(conn, station, old)
                placed.skipped += len(old)
            new = [r for r in batch if r.seq > held_seq]
            if not new:
                continue
            if station == ctx.w.station_id:
                raise BundleRefused("sync.refuse.own_station", station=station)
            if new[0].seq == held_seq + 1 and new[0].prev_hash != link:
                raise BundleRefused("sync.refuse.fork", station=station, seq=new[0].seq)
            _store_batch(conn, new)
            _apply_batch(conn, new)
            placed.applied += len(new)
            placed.heads += [r for r in new if r.type == "chain.head_signed"]
    except MissingRow:
        savepoint.rollback()
        _drain(events)
        return Placed(Outcome.HELD, DEPENDS)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    placed.outcome = Outcome.APPLIED if placed.applied else Outcome.NOTHING_NEW
    return placed


def _hold(ctx: Ctx, archive: Archive, content: bytes, digest: str, reason: str) -> None:
    limits_: SyncLimits = ctx.rules.settings.sync
    station, m = archive.station, archive.manifest
    count, size = ctx.conn.execute(
        select(func.count(), func.coalesce(func.sum(func.length(PENDING.c.content)), 0)).where(
            (PENDING.c.station_id == station) & (PENDING.c.digest != digest)
        )
    ).one()
    if count + 1 > limits_.held_bundles or size + len(content) > limits_.held_bytes:
        raise BundleRefused(
            "sync.refuse.held_full", station=station, count=limits_.held_bundles, bytes=limits_.held_bytes
        )
    inserted = ctx.conn.execute(
        upsert(ctx.conn, PENDING)
        .values(
            digest=digest,
            station_id=station,
            first_seq=m["first_seq"],
            last_seq=m["last_seq"],
            reason=reason,
            received_at=ctx.now,
            content=content,
        )
        .on_conflict_do_nothing()
        # an INSERT's row count is kept for it only when asked (psycopg's cursor is closed)
        .execution_options(preserve_rowcount=True)
    ).rowcount
    if inserted:
        payload = {"station": station, "first_seq": m["first_seq"], "last_seq": m["last_seq"]}
        ctx.w.emit("sync.held", None, {**payload, "reason": reason, "bundle_sha256": digest})


def _content(source: Path | bytes, limits_: SyncLimits) -> bytes:
    """The bundle's bytes, to be held: never more than a station may hold."""
    if isinstance(source, bytes):
        return source
    size = os.stat(source).st_size
    if size > limits_.held_bytes:
        raise BundleRefused(
            "sync.refuse.held_full", station="?", count=limits_.held_bundles, bytes=limits_.held_bytes
        )
    return source.read_bytes()


def _place(ctx: Ctx, source: Path | bytes, digest: str, result: ImportResult) -> Placed:
    limits_ = ctx.rules.settings.sync
    with bundle.open_archive(source, limits_) as archive:
        check_signature(ctx.conn, archive)
        m = archive.manifest
        result.station, result.first_seq, result.last_seq = archive.station, m["first_seq"], m["last_seq"]
        placed = _stream_apply(ctx, archive)
        result.outcome, result.skipped = placed.outcome, placed.skipped
        result.applied += placed.applied
        if placed.outcome is Outcome.HELD:
            result.hold_reason = placed.reason
            _hold(ctx, archive, _content(source, limits_), digest, str(placed.reason))
        elif placed.heads:
            record_received_head(ctx, placed.heads[-1])
    return placed


def missing_ranges(conn: Connection, station: str) -> list[tuple[int, int]]:
    held, _ = head_of(conn, station)
    cursor, gaps = held + 1, []
    pending = conn.execute(
        select(PENDING.c.first_seq, PENDING.c.last_seq)
        .where(PENDING.c.station_id == station)
        .order_by(PENDING.c.first_seq)
    ).all()
    for first, last in pending:
        if first > cursor:
            gaps.append((cursor, first - 1))
        cursor = max(cursor, last + 1)
    return gaps


def _candidates(conn: Connection, stations: set[str]) -> list[Any]:
    """Held bundles the last applied events may have unblocked: the next one of each station
    that moved on (by its first sequence number), and the ones waiting for a record."""
    rows: list[Any] = []
    for station in sorted(stations):
        held, _ = head_of(conn, station)
        rows += conn.execute(
            select(PENDING.c.digest, PENDING.c.station_id, PENDING.c.first_seq, PENDING.c.last_seq)
            .where(
                (PENDING.c.station_id == station)
                & (PENDING.c.reason == GAP)
                & (PENDING.c.first_seq <= held + 1)
            )
            .order_by(PENDING.c.first_seq)
        ).all()
    rows += conn.execute(
        select(PENDING.c.digest, PENDING.c.station_id, PENDING.c.first_seq, PENDING.c.last_seq)
        .where(PENDING.c.reason == DEPENDS)
        .order_by(PENDING.c.station_id, PENDING.c.first_seq)
    ).all()
    return rows


def _release_held(ctx: Ctx, moved: set[str], result: ImportResult) -> None:
    """Apply held bundles the events just applied may have unblocked, until none can."""
    while moved:
        rows = _candidates(ctx.conn, moved)
        moved = set()
        for row in rows:
            content = ctx.conn.execute(
                select(PENDING.c.content).where(PENDING.c.digest == row.digest)
            ).scalar()
            if content is None:
                continue
            attempt = ImportResult(row.station_id, row.first_seq, row.last_seq)
            try:
                placed = _place(ctx, content, row.digest, attempt)
            except BundleRefused as exc:
                # The chain across the gap did not hold (or trust changed): refuse it now.
                ctx.conn.execute(delete(PENDING).where(PENDING.c.digest == row.digest))
                record_refusal(ctx, refusal_payload(exc, "", row.digest))
                result.refused_held.append(str(exc))
                continue
            if placed.outcome is not Outcome.HELD:
                ctx.conn.execute(delete(PENDING).where(PENDING.c.digest == row.digest))
                result.released.append((row.station_id, row.first_seq, row.last_seq))
                result.applied += placed.applied
                if placed.applied:
                    moved.add(row.station_id)


def refusal_payload(exc: BundleRefused, name: str, digest: str) -> dict[str, Any]:
    return {
        "reason": exc.key,
        "params": {k: limits.printable(str(v)) for k, v in exc.params.items()},
        "file": limits.printable(name),
        "file_sha256": digest,
    }


def import_into(ctx: Ctx, source: Path | bytes, digest: str) -> ImportResult:
    """The whole import inside the caller's write transaction; raises BundleRefused."""
    result = ImportResult("", 0, 0)
    _place(ctx, source, digest, result)
    own_applied = result.applied
    if result.outcome is Outcome.APPLIED:
        _release_held(ctx, {result.station}, result)
    if result.applied:
        ctx.w.emit(
            "sync.imported",
            None,
            {
                "station": result.station,
                "first_seq": result.first_seq,
                "last_seq": result.last_seq,
                "applied": own_applied,
                "released": [list(r) for r in result.released],
                "bundle_sha256": digest,
            },
        )
    result.missing = missing_ranges(ctx.conn, result.station)
    return result


def import_bundle(service: SyncService, path: Path) -> ImportResult:
    """Import one bundle file. A refusal is recorded by one event and raised."""
    digest = ""
    try:
        try:
            digest = file_digest(path)
        except OSError as exc:
            raise DomainError("sync.error.read_file", path=str(path), detail=os_reason(exc)) from exc
        with service.engine.begin() as conn:
            w = writer(conn, service.station_id, service.operator, service.clock, service.rules.settings)
            ctx = Ctx(w, service.rules)
            return import_into(ctx, path, digest)
    except BundleRefused as exc:
        service.run(record_refusal, refusal_payload(exc, path.name, digest))
        raise
