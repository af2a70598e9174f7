"""Writing a bundle of this station's events. Callable from the command line and, in a
worker thread, from the console (``progress`` is called with (done, total))."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from data.settings import Settings
from data.store.db import open_sync
from data.store.eventlog import record_from_row
from data.store.files import prepare_folder, write_bytes
from data.store.keys import key_path_for, load_private, public_text, sign, signature_ok
from data.store.schema import SCHEMA_VERSION
from data.store.tables import EVENT
from data.sync import bundle
from data.write.commands.sync import record_export, require_supervisor
from data.write.session import SyncService
from models.clock import Clock
from models.errors import DomainError
from models.events import GENESIS
from models.ids import to_iso

Progress = Callable[[int, int], None]
BATCH = 2000


@dataclass(frozen=True)
class ExportResult:
    path: Path
    station: str
    first_seq: int
    last_seq: int
    count: int
    file_sha256: str
    include_personal: bool


def db_path_of(service: SyncService) -> Path:
    return Path(str(service.engine.url.database))


def last_exported(conn: Connection, station: str) -> int:
    """The highest sequence number any earlier export of this station covered."""
    payloads = conn.execute(
        select(EVENT.c.payload).where((EVENT.c.station_id == station) & (EVENT.c.type == "sync.exported"))
    ).scalars()
    return max((int(json.loads(p)["last_seq"]) for p in payloads), default=0)


def _events(
    conn: Connection, station: str, since: int, include_personal: bool, progress: Progress | None
) -> tuple[bytes, int, int, str, str]:
    head = conn.execute(select(func.max(EVENT.c.seq)).where(EVENT.c.station_id == station)).scalar() or 0
    total = head - since
    if total <= 0:
        raise DomainError("sync.error.nothing_to_export", station=station, since=since)
    prev = GENESIS
    if since > 0:
        prev = conn.execute(
            select(EVENT.c.hash).where((EVENT.c.station_id == station) & (EVENT.c.seq == since))
        ).scalar_one()
    chunks: list[bytes] = []
    first, last, done, link = since + 1, since, 0, prev
    while last < head:
        rows = conn.execute(
            select(EVENT)
            .where((EVENT.c.station_id == station) & (EVENT.c.seq > last) & (EVENT.c.seq <= head))
            .order_by(EVENT.c.seq)
            .limit(BATCH)
        ).all()
        for row in rows:
            record = record_from_row(row)
            # Never sign a history that does not verify here: the receiver would refuse it.
            if record.seq != last + 1 or record.prev_hash != link or record.computed_hash() != record.hash:
                raise DomainError("sync.error.local_chain", station=station, seq=record.seq)
            chunks.append(bundle.event_line(record, include_personal))
            last, link = record.seq, record.hash
        done += len(rows)
        if progress is not None:
            progress(done, total)
    return b"".join(chunks), first, last, prev, link


def _check_written(out: Path, expected_sha: str, public: str, count: int) -> None:
    raw = out.read_bytes()
    try:
        if hashlib.sha256(raw).hexdigest() != expected_sha:
            raise bundle.BundleRefused("sync.refuse.corrupt", detail="sha256")
        opened = bundle.open_bundle(raw)
        if opened.signature is None or not signature_ok(public, opened.manifest_bytes, opened.signature):
            raise bundle.BundleRefused("sync.refuse.bad_signature", station=opened.station)
        if len(bundle.parse_events(opened)) != count:
            raise bundle.BundleRefused("sync.refuse.count", count=count, first=0, last=0)
    except bundle.BundleRefused as exc:
        raise DomainError("sync.error.readback", path=str(out), detail=str(exc)) from exc


def export_bundle(
    service: SyncService,
    out: Path,
    *,
    since: int | None = None,
    include_personal: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the station's events after ``since`` (default: after the last export) to
    ``out``, read the file back and check it, then record the export as an event."""
    if include_personal:
        service.run(require_supervisor)
    prepare_folder(out.parent, personal=include_personal)
    db_path = db_path_of(service)
    key = load_private(key_path_for(db_path))
    station = service.station_id
    reader = open_sync(db_path, writer=False)
    try:
        with reader.connect() as conn:
            start = last_exported(conn, station) if since is None else max(0, since)
            events, first, last, prev, head = _events(conn, station, start, include_personal, progress)
    finally:
        reader.dispose()
    manifest: dict[str, Any] = {
        "format": bundle.FORMAT,
        "format_version": bundle.FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "station": station,
        "first_seq": first,
        "last_seq": last,
        "count": last - first + 1,
        "events_sha256": bundle.events_digest(events),
        "events_bytes": len(events),
        "prev_hash": prev,
        "head_hash": head,
        "created_at": to_iso(service.clock.now()),
        "include_personal": include_personal,
    }
    data = bundle.build(manifest, events, sign(key, bundle.manifest_bytes(manifest)))
    file_sha = hashlib.sha256(data).hexdigest()
    write_bytes(out, data, personal=include_personal, owner_only=True)
    _check_written(out, file_sha, public_text(key), manifest["count"])
    payload = {
        "first_seq": first,
        "last_seq": last,
        "count": manifest["count"],
        "events_sha256": manifest["events_sha256"],
        "file_sha256": file_sha,
        "file": out.name,
        "include_personal": include_personal,
    }
    service.run(record_export, payload)
    return ExportResult(out, station, first, last, manifest["count"], file_sha, include_personal)


def export_file(
    db_path: Path,
    settings: Settings,
    clock: Clock,
    operator: str,
    out: Path,
    *,
    since: int | None = None,
    include_personal: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """The export for the console's palette: blocking, so run it in a thread worker
    (``@work(thread=True, exclusive=True, exit_on_error=False)``); ``progress`` is called
    from that thread, so post a message from it rather than touching widgets."""
    service = SyncService.open(db_path, settings, clock, operator)
    try:
        return export_bundle(service, out, since=since, include_personal=include_personal, progress=progress)
    finally:
        service.close()
