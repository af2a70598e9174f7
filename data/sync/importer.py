"""Importing a bundle: check everything, then apply every new event in one transaction.

A bundle whose first new event is beyond what this file holds of its station (a gap) is
kept whole in ``sync_pending`` and applied, chain checked, as soon as the missing events
arrive; so is one whose events need records another station has not sent yet. The state
is therefore a function of the set of bundles received, whatever their order.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.exc import IntegrityError

from data.store.apply import HANDLERS, apply_event
from data.store.eventlog import head_of, store
from data.store.keys import signature_ok
from data.store.ownership import NotOwner
from data.store.schema import SCHEMA_VERSION
from data.store.tables import EVENT, PENDING, STATION, TRUST
from data.sync import bundle
from data.sync.bundle import BundleRefused
from data.write.commands.common import Ctx, writer
from data.write.commands.sync import record_refusal
from data.write.session import SyncService
from models.errors import DomainError
from models.events import EventRecord


class Outcome(Enum):
    APPLIED = "applied"
    NOTHING_NEW = "nothing_new"
    HELD = "held"


GAP = "gap"
DEPENDS = "depends"


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


@dataclass(frozen=True)
class Checked:
    manifest: dict[str, Any]
    records: list[EventRecord]
    digest: str

    @property
    def station(self) -> str:
        return str(self.manifest["station"])


def read_bundle_file(path: Path) -> bytes:
    size = os.stat(path).st_size
    limit = bundle.MAX_EVENTS_BYTES + bundle.ZIP_SLACK
    if size > limit:
        raise BundleRefused("sync.refuse.oversize", entry=path.name, size=size, limit=limit)
    return path.read_bytes()


def check(conn: Connection, raw: bytes) -> Checked:
    """Everything that can be checked without looking at the events already held."""
    opened = bundle.open_bundle(raw)
    m = opened.manifest
    if m["format_version"] != bundle.FORMAT_VERSION:
        raise BundleRefused(
            "sync.refuse.format_version", found=m["format_version"], known=bundle.FORMAT_VERSION
        )
    if not 1 <= m["schema_version"] <= SCHEMA_VERSION:
        raise BundleRefused("sync.refuse.schema_version", found=m["schema_version"], known=SCHEMA_VERSION)
    public = conn.execute(select(TRUST.c.public_key).where(TRUST.c.station_id == opened.station)).scalar()
    if public is None:
        # A station's own bundles come back (from a stick, from the district): check them
        # against its own key, then find every event already held.
        public = conn.execute(
            select(STATION.c.public_key).where(
                (STATION.c.id == opened.station) & STATION.c.is_local.is_(True)
            )
        ).scalar()
    if public is None:
        raise BundleRefused("sync.refuse.unknown_station", station=opened.station)
    if not opened.signature:
        raise BundleRefused("sync.refuse.unsigned", station=opened.station)
    if not signature_ok(public, opened.manifest_bytes, opened.signature):
        raise BundleRefused("sync.refuse.bad_signature", station=opened.station)
    records = bundle.parse_events(opened)
    for record in records:
        if record.type not in HANDLERS:
            raise BundleRefused("sync.refuse.unknown_type", type=record.type, seq=record.seq)
    return Checked(m, records, hashlib.sha256(raw).hexdigest())


def _new_records(ctx: Ctx, checked: Checked) -> tuple[list[EventRecord], int]:
    """The events not held yet; refuses a history that contradicts what is held."""
    conn, station = ctx.conn, checked.station
    held_seq, held_hash = head_of(conn, station)
    records = checked.records
    overlap_end = min(records[-1].seq, held_seq)
    if records[0].seq <= overlap_end:
        stored: dict[int, str] = dict(
            conn.execute(
                select(EVENT.c.seq, EVENT.c.hash).where(
                    (EVENT.c.station_id == station)
                    & (EVENT.c.seq >= records[0].seq)
                    & (EVENT.c.seq <= overlap_end)
                )
            ).all()
        )
        for record in records:
            if record.seq <= overlap_end and stored.get(record.seq) != record.hash:
                raise BundleRefused("sync.refuse.fork", station=station, seq=record.seq)
    new = [r for r in records if r.seq > held_seq]
    if new and station == ctx.w.station_id:
        raise BundleRefused("sync.refuse.own_station", station=station)
    if new and new[0].seq == held_seq + 1 and new[0].prev_hash != held_hash:
        raise BundleRefused("sync.refuse.fork", station=station, seq=new[0].seq)
    return new, len(records) - len(new)


def _apply(ctx: Ctx, new: list[EventRecord]) -> str | None:
    """Store and apply, inside a savepoint; the hold reason when a record it needs is missing."""
    savepoint = ctx.conn.begin_nested()
    try:
        for record in new:
            store(ctx.conn, record)
            apply_event(ctx.conn, record)
    except IntegrityError as exc:
        savepoint.rollback()
        if "FOREIGN KEY" in str(exc.orig):
            return DEPENDS
        raise BundleRefused("sync.refuse.conflict", seq=record.seq, detail=str(exc.orig)) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        savepoint.rollback()
        raise BundleRefused("sync.refuse.bad_payload", seq=record.seq, detail=repr(exc)) from exc
    except NotOwner as exc:
        savepoint.rollback()
        raise BundleRefused("sync.refuse.not_owner", detail=str(exc)) from exc
    savepoint.commit()
    return None


def _place(ctx: Ctx, checked: Checked, raw: bytes, result: ImportResult) -> None:
    new, result.skipped = _new_records(ctx, checked)
    if not new:
        result.outcome = Outcome.NOTHING_NEW
        return
    held_seq, _ = head_of(ctx.conn, checked.station)
    reason = GAP if new[0].seq > held_seq + 1 else _apply(ctx, new)
    if reason is None:
        result.outcome, result.applied = Outcome.APPLIED, len(new)
        return
    result.outcome, result.hold_reason = Outcome.HELD, reason
    m = checked.manifest
    inserted = ctx.conn.execute(
        insert(PENDING)
        .values(
            digest=checked.digest,
            station_id=checked.station,
            first_seq=m["first_seq"],
            last_seq=m["last_seq"],
            reason=reason,
            received_at=ctx.now,
            content=raw,
        )
        .on_conflict_do_nothing()
    ).rowcount
    if inserted:
        payload = {"station": checked.station, "first_seq": m["first_seq"], "last_seq": m["last_seq"]}
        ctx.w.emit("sync.held", None, {**payload, "reason": reason, "bundle_sha256": checked.digest})


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


def _release_held(ctx: Ctx, result: ImportResult) -> None:
    """Apply held bundles that can now be applied, until none can."""
    progress = True
    while progress:
        progress = False
        rows = ctx.conn.execute(select(PENDING).order_by(PENDING.c.station_id, PENDING.c.first_seq)).all()
        for row in rows:
            attempt = ImportResult(row.station_id, row.first_seq, row.last_seq)
            try:
                _place(ctx, check(ctx.conn, row.content), row.content, attempt)
            except BundleRefused as exc:
                # The chain across the gap did not hold (or trust changed): refuse it now.
                ctx.conn.execute(delete(PENDING).where(PENDING.c.digest == row.digest))
                record_refusal(ctx, refusal_payload(exc, "", row.content))
                result.refused_held.append(str(exc))
                progress = True
                continue
            if attempt.outcome is not Outcome.HELD:
                ctx.conn.execute(delete(PENDING).where(PENDING.c.digest == row.digest))
                result.released.append((row.station_id, row.first_seq, row.last_seq))
                result.applied += attempt.applied
                progress = True


def refusal_payload(exc: BundleRefused, name: str, raw: bytes) -> dict[str, Any]:
    return {
        "reason": exc.key,
        "params": {k: str(v) for k, v in exc.params.items()},
        "file": name,
        "file_sha256": hashlib.sha256(raw).hexdigest(),
    }


def import_into(ctx: Ctx, raw: bytes) -> ImportResult:
    """The whole import inside the caller's write transaction; raises BundleRefused."""
    checked = check(ctx.conn, raw)
    m = checked.manifest
    result = ImportResult(checked.station, m["first_seq"], m["last_seq"])
    _place(ctx, checked, raw, result)
    own_applied = result.applied
    if result.outcome is not Outcome.HELD:
        _release_held(ctx, result)
    if result.applied:
        ctx.w.emit(
            "sync.imported",
            None,
            {
                "station": checked.station,
                "first_seq": m["first_seq"],
                "last_seq": m["last_seq"],
                "applied": own_applied,
                "released": [list(r) for r in result.released],
                "bundle_sha256": checked.digest,
            },
        )
    result.missing = missing_ranges(ctx.conn, checked.station)
    return result


def import_bundle(service: SyncService, path: Path) -> ImportResult:
    """Import one bundle file. A refusal is recorded by one event and raised."""
    raw = b""
    try:
        try:
            raw = read_bundle_file(path)
        except OSError as exc:
            raise DomainError(
                "sync.error.read_file", path=str(path), detail=exc.strerror or str(exc)
            ) from exc
        with service.engine.begin() as conn:
            w = writer(conn, service.station_id, service.operator, service.clock, service.rules.settings)
            ctx = Ctx(w, service.rules)
            return import_into(ctx, raw)
    except BundleRefused as exc:
        service.run(record_refusal, refusal_payload(exc, path.name, raw))
        raise
