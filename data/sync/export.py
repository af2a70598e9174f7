"""Writing a bundle of this station's events. Callable from the command line and, in a
worker thread, from the console (``progress`` is called with (done, total))."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from data.settings import Settings, SyncLimits
from data.store.db import Location, location_of
from data.store.dialect import on_server
from data.store.eventlog import (
    HASHED_COLUMNS,
    LINE_PAGE,
    LINE_RANGE,
    driver_rows,
    line_hashed,
    part_hashed,
    range_links,
    range_pages,
    sealed_as_stored,
    stored_iso,
    whole_row,
)
from data.store.files import atomic_write, prepare_folder
from data.store.keys import key_path_for, load_private, public_text, signature_ok
from data.store.schema import SCHEMA_VERSION
from data.store.tables import EVENT
from data.sync import bundle
from data.write.commands.common import Ctx
from data.write.commands.sync import record_export, require_supervisor, sign_head
from data.write.session import SyncService
from models.clock import Clock
from models.errors import DomainError
from models.events import GENESIS, canonical, hashed_fields
from models.i18n import joined, t
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
    more: tuple[Path, ...] = ()
    """Further bundles of the same export, in order, when one bundle could not hold it all
    (SyncLimits: what a receiver accepts); each is a whole bundle of its own."""


def more_bundles(result: ExportResult, limits_: SyncLimits) -> str:
    """The line that names an export's further bundles (empty when it fitted one)."""
    if not result.more:
        return ""
    return t(
        "sync.cli.exported_more",
        events=limits_.bundle_events,
        mb=limits_.bundle_bytes // (1024 * 1024),
        paths=joined(str(p) for p in result.more),
    )


def part_path(out: Path, number: int) -> Path:
    """The file of the ``number``-th bundle of an export to ``out`` (``a.bundle`` → ``a.2.bundle``)."""
    return out.with_name(f"{out.stem}.{number}{out.suffix}")


def db_path_of(service: SyncService) -> Location:
    return location_of(service.engine)


def last_exported(conn: Connection, station: str) -> int:
    """The highest sequence number any earlier export of this station covered."""
    payloads = conn.execute(
        select(EVENT.c.payload).where((EVENT.c.station_id == station) & (EVENT.c.type == "sync.exported"))
    ).scalars()
    return max((int(json.loads(p)["last_seq"]) for p in payloads), default=0)


def _parsed_fields(row: Any) -> dict[str, Any]:
    """What a HASHED_COLUMNS row's hash covers, its payload parsed (a row stored before
    payloads were kept canonical, or a line with personal data)."""
    seq, ident, st, op, at, kind, subj, payload, _personal, pd, prev, _hash = row
    return hashed_fields(ident, st, seq, op, stored_iso(at), kind, subj, json.loads(payload), pd, prev)


def _whole_line(row: Any, include_personal: bool) -> tuple[bytes, bool]:
    """A HASHED_COLUMNS row's bundle line, and whether its columns hash to its stored hash: the
    stored text hashed as it is; an older row (stored before payloads were kept canonical)
    parsed and encoded again; a line with personal data encoded whole."""
    personal, hash_ = row[8], row[11]
    hashed = sealed_as_stored(row)
    sealed = hashed is not None
    if hashed is None:
        hashed = canonical(_parsed_fields(row))
        sealed = hashlib.sha256(hashed).hexdigest() == hash_
    if include_personal and personal is not None:
        fields = _parsed_fields(row)
        return canonical({**fields, "hash": hash_, "personal": json.loads(personal)}) + b"\n", sealed
    return bundle.line_of_hashed_bytes(hashed, hash_), sealed


def _page(conn: Connection, station: str, last: int, head: int, joined: bool) -> list[Any]:
    """The next page of the station's events after ``last`` up to ``head``, by the (station,
    seq) index: on SQLite as LINE_PAGE joins them, elsewhere their HASHED_COLUMNS."""
    if joined:
        return driver_rows(conn.exec_driver_sql(LINE_PAGE, (station, last, head, BATCH)))
    return driver_rows(
        conn.execute(
            select(*HASHED_COLUMNS)
            .where((EVENT.c.station_id == station) & (EVENT.c.seq > last) & (EVENT.c.seq <= head))
            .order_by(EVENT.c.seq)
            .limit(BATCH)
        )
    )


def _lines(
    conn: Connection,
    station: str,
    since: int,
    head: int,
    include_personal: bool,
    progress: Progress | None,
    state: dict[str, Any],
    limits_: SyncLimits,
) -> Iterator[bytes]:
    """The bundle's event lines in chunks of about bundle.CHUNK bytes (whole lines), read in
    pages by (station, seq) and checked as they go, up to ``head`` or to as many as one bundle
    may hold (``limits_``: events and bytes, what a receiver accepts); ``state["last"]`` says
    where they stopped. Each line is checked by the bytes it is written from: its hashed
    bytes hash to the stored hash, its seq follows and its prev is the last one's hash.

    On SQLite, without personal data, whole pages come first as the database joins them
    (``_joined_pages``, each a chunk of its own), as long as they pass and fit; the rest (and a
    last page not whole) is read row by row, each row judged as it always was."""
    prev = GENESIS
    if since > 0:
        prev = conn.execute(
            select(EVENT.c.hash).where((EVENT.c.station_id == station) & (EVENT.c.seq == since))
        ).scalar_one()
    state["prev"] = prev
    joined = not on_server(conn)
    sha256, cut = hashlib.sha256, line_hashed
    max_events, max_bytes, chunk_bytes = limits_.bundle_events, limits_.bundle_bytes, bundle.CHUNK
    digest, size, waiting = sha256(), 0, 0
    pending: list[bytes] = []
    last, done, link, total = since, 0, prev, head - since
    full = False
    if joined and not include_personal:
        # closed with these lines (a write that failed): the reading thread stops here
        with closing(_joined_pages(conn, station, since, head, prev, limits_)) as pages:
            for upto, upto_hash, chunk in pages:
                digest.update(chunk)
                size += len(chunk)
                last, link = upto, upto_hash
                yield chunk
                if progress is not None:
                    progress(last - since, total)
        done = last - since
    while last < head and not full:
        rows = _page(conn, station, last, head, joined)
        for row in rows:
            if joined:
                seq, prev, hash_, personal, line = row
                # the joined line, when it hashes to the stored hash; else the row read whole
                sealed = not (personal and include_personal) and sha256(cut(line)).hexdigest() == hash_
                if not sealed:
                    line, sealed = _whole_line(whole_row(conn, station, seq), include_personal)
            else:
                seq, prev, hash_ = row[0], row[10], row[11]
                line, sealed = _whole_line(row, include_personal)
            # Never sign a history that does not verify here: the receiver would refuse it.
            if seq != last + 1 or prev != link or not sealed:
                raise DomainError("sync.error.local_chain", station=station, seq=seq)
            if last - since >= max_events or size + len(line) > max_bytes:
                if last == since:  # not even one line fits: no bundle can carry this event
                    raise DomainError("sync.error.line_too_big", station=station, seq=seq)
                full = True
                break
            pending.append(line)
            size += len(line)
            waiting += len(line)
            if waiting >= chunk_bytes:
                chunk = b"".join(pending)
                digest.update(chunk)
                yield chunk
                pending, waiting = [], 0
            last, link = seq, hash_
        done += len(rows)
        if progress is not None and not full:
            progress(done, total)
    if pending:
        chunk = b"".join(pending)
        digest.update(chunk)
        yield chunk
    state.update(sha=digest.hexdigest(), size=size, head=link, last=last)


def _joined_pages(
    conn: Connection, station: str, since: int, head: int, prev: str, limits_: SyncLimits
) -> Generator[tuple[int, str, bytes], None, None]:
    """``_lines`` on SQLite without personal data: whole LINE_RANGE pages, read ahead by a
    second thread, each that passes (``range_links`` over each line's hashed bytes, cut from
    it) and fits the bundle as (its last seq, its last hash, its lines as the database joined
    them); it stops at the first page that does not, the caller reading the rest row by row."""
    size = 0
    pages = range_pages(conn, LINE_RANGE, station, since, head)
    try:
        for (after, upto), page in pages:
            if page[7] is None or upto - since > limits_.bundle_events:
                return
            lines = page[7] + b"\n"
            size += len(lines)
            if size > limits_.bundle_bytes:
                return
            last = range_links(page, after, upto, prev, [part_hashed(line) for line in page[7].split(b"\n")])
            if last is None:
                return
            prev = last
            yield upto, last, lines
    finally:
        pages.close()  # the reading thread stops before the rows are read on this connection


def _check_written(out: Path, expected_sha: str, public: str, count: int, limits_: SyncLimits) -> None:
    """Read the file back as a receiver would, streaming, one chunk at a time."""
    try:
        digest = hashlib.sha256()
        with out.open("rb") as stream:
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
        if digest.hexdigest() != expected_sha:
            raise bundle.BundleRefused("sync.refuse.corrupt", detail="sha256")
        with bundle.open_archive(out, limits_) as archive:
            if archive.signature is None or not signature_ok(
                public, archive.manifest_bytes, archive.signature
            ):
                raise bundle.BundleRefused("sync.refuse.bad_signature", station=archive.station)
            # The lines are the very bytes hashed as each checked record was written: their
            # size and digest against the signed manifest (checked as they stream) and their
            # number are what a reader would find; parsing each again proves nothing more.
            seen = sum(1 for _line in archive.lines())
        if seen != count:
            raise bundle.BundleRefused("sync.refuse.count", count=count, first=0, last=0)
    except bundle.BundleRefused as exc:
        raise DomainError("sync.error.readback", path=str(out), detail=str(exc)) from exc


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def export_bundle(
    service: SyncService,
    out: Path,
    *,
    since: int | None = None,
    include_personal: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Sign the station's chain head, write its events after ``since`` (default: after the last
    export) to ``out`` as a stream, read the file back and check it, then record the export.

    All of it is one write transaction: a file that cannot be written (a full disk) or does
    not read back leaves no signed head and no trace, and a bundle whose transaction does not
    commit is removed, so no file carries an event the station did not keep."""
    if include_personal:
        service.run(require_supervisor)
    prepare_folder(out.parent, personal=include_personal)
    key = load_private(key_path_for(db_path_of(service)))
    written: list[Path] = []

    def export(ctx: Ctx) -> ExportResult:
        conn, station = ctx.conn, ctx.w.station_id
        sign_head(ctx, key, always=False)
        start = last_exported(conn, station) if since is None else max(0, since)
        head = conn.execute(select(func.max(EVENT.c.seq)).where(EVENT.c.station_id == station)).scalar() or 0
        if head - start <= 0:
            raise DomainError("sync.error.nothing_to_export", station=station, since=start)
        limits_ = ctx.rules.settings.sync
        public = public_text(key)
        parts: list[ExportResult] = []
        begin = start
        while begin < head:  # one bundle, or as many as the receivers' limits need
            target = out if not parts else part_path(out, len(parts) + 1)
            parts.append(_part(ctx, target, begin, head, start, limits_, public))
            begin = parts[-1].last_seq
        first = parts[0]
        return ExportResult(
            out,
            station,
            start + 1,
            head,
            head - start,
            first.file_sha256,
            include_personal,
            tuple(p.path for p in parts[1:]),
        )

    def _part(
        ctx: Ctx, target: Path, begin: int, head: int, start: int, limits_: SyncLimits, public: str
    ) -> ExportResult:
        """One bundle of the events after ``begin``, as many as it may hold; checked and
        recorded (a ``sync.exported`` event for each file)."""
        conn, station = ctx.conn, ctx.w.station_id
        state: dict[str, Any] = {}

        def manifest(done: dict[str, Any]) -> dict[str, Any]:
            return {
                "format": bundle.FORMAT,
                "format_version": bundle.FORMAT_VERSION,
                "schema_version": SCHEMA_VERSION,
                "station": station,
                "first_seq": begin + 1,
                "last_seq": done["last"],
                "count": done["last"] - begin,
                "events_sha256": done["sha"],
                "events_bytes": done["size"],
                "prev_hash": done["prev"],
                "head_hash": done["head"],
                "created_at": to_iso(ctx.now),
                "include_personal": include_personal,
            }

        def overall(done: int, _total: int) -> None:
            if progress is not None:
                progress(begin - start + done, head - start)

        with atomic_write(target, personal=include_personal, owner_only=True) as stream:
            lines = _lines(conn, station, begin, head, include_personal, overall, state, limits_)
            bundle.write_streamed(stream, lines, lambda: manifest(state), key)
        written.append(target)
        file_sha = _file_sha(target)
        last = int(state["last"])
        _check_written(target, file_sha, public, last - begin, limits_)
        payload = {
            "first_seq": begin + 1,
            "last_seq": last,
            "count": last - begin,
            "events_sha256": state["sha"],
            "file_sha256": file_sha,
            "file": target.name,
            "include_personal": include_personal,
        }
        record_export(ctx, payload)
        return ExportResult(target, station, begin + 1, last, last - begin, file_sha, include_personal)

    try:
        result: ExportResult = service.run(export)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return result


def sign_station_head(service: SyncService) -> tuple[int, str]:
    """Sign the chain head now (end of a shift or day, or on demand): (seq, hash) signed."""
    key = load_private(key_path_for(db_path_of(service)))
    result: tuple[int, str] = service.run(sign_head, key)
    return result


def export_file(
    db_path: Location,
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
