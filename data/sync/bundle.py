"""The bundle file: one zip holding ``manifest.json``, ``events.jsonl`` and ``signature``.

The signature (Ed25519) covers the manifest bytes; the manifest carries the SHA-256 of the
events, so one signature covers everything. Reading streams: the archive is read entry by
entry, the small entries within their own limits, and the events line by line as they are
decompressed, each line checked (size, schema, chain) before the next is read, the SHA-256
computed on the way. No size the archive declares is trusted: a limit passed is a refusal
at once, whatever the headers said.
"""

from __future__ import annotations

import hashlib
import io
import json
import queue
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Annotated, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr
from pydantic import ValidationError as PydanticError

from data.settings import SyncLimits
from data.store.keys import sign
from models import limits
from models.errors import DomainError
from models.events import EventRecord, canonical, digest_of
from models.ids import from_iso, to_iso
from models.payloads import (
    MAX_INT,
    SCHEMAS,
    Code,
    Hex,
    Id,
    Moment,
    Name,
    PayloadInvalid,
    check_payload,
    error_message,
)

FORMAT = "whistle-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
SIGNATURE = "signature"
ENTRIES = (MANIFEST, EVENTS, SIGNATURE)
MAX_MANIFEST_BYTES = 64 * 1024
MAX_SIGNATURE_BYTES = 1024
CHUNK = 256 * 1024
QUEUED = 4
EVENTS_LEVEL = 1
"""zlib's level for the events entry: these lines deflate to ~23% of their size at ~4.6 µs an
event of CPU, against ~19% at ~11 µs at zlib's default level (6), which cost more than reading
and checking the event. Any zip reader inflates either."""
UNREADABLE = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError)
"""What reading a damaged archive raises."""

MANIFEST_FIELDS = {
    "format": str,
    "format_version": int,
    "schema_version": int,
    "station": str,
    "first_seq": int,
    "last_seq": int,
    "count": int,
    "events_sha256": str,
    "events_bytes": int,
    "prev_hash": str,
    "head_hash": str,
    "created_at": str,
    "include_personal": bool,
}


class BundleRefused(DomainError):
    """A bundle that is not imported. ``key`` names the reason (a catalogue key). What the
    bundle itself put in a parameter is shown and recorded bounded, without control characters."""

    def __init__(self, key: str, **params: object) -> None:
        clean = {k: limits.printable(v) if isinstance(v, str) else v for k, v in params.items()}
        super().__init__(key, **clean)


class Envelope(BaseModel):
    """One event line: the chain's fields, typed; the payload is checked by its own schema."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id: Id
    station: Id
    seq: Annotated[StrictInt, Field(ge=1, le=MAX_INT)]
    operator: Name
    at: Moment
    type: Code
    subject: Id | None
    # the payload and the personal part are checked by their own schemas (``check_payload``,
    # which refuses one that is not an object): not walked here a first time
    payload: Any
    personal: Any = None
    personal_digest: Hex | None
    prev: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
    hash: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]


def event_line(record: EventRecord, include_personal: bool) -> bytes:
    body: dict[str, Any] = {**record.hashed_part(), "hash": record.hash}
    if include_personal and record.personal is not None:
        body["personal"] = record.personal
    return canonical(body) + b"\n"


def line_of_hashed(record: EventRecord, hashed: bytes, include_personal: bool) -> bytes:
    """``event_line`` from the canonical bytes the record's hash was computed over, without
    encoding it again: the keys are sorted, so ``hash`` goes right after ``at`` (the first
    key, a timestamp without quotes in it). A line with personal data is encoded in full."""
    if include_personal and record.personal is not None:
        return event_line(record, include_personal)
    return line_of_hashed_bytes(hashed, record.hash)


def line_of_hashed_bytes(hashed: bytes, hash_: str) -> bytes:
    """The line of an event without personal data from its canonical hashed bytes and hash."""
    cut = hashed.index(b'",', 7) + 2  # past '{"at":"…",'
    return b"".join((hashed[:cut], b'"hash":"', hash_.encode("ascii"), b'",', hashed[cut:], b"\n"))


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The exact bytes stored, and signed."""
    return canonical(manifest)


def write_streamed(
    out: IO[bytes],
    events: Iterator[bytes],
    manifest: Callable[[], dict[str, Any]],
    key: Ed25519PrivateKey,
) -> None:
    """The archive with its events written as they come; the manifest (which holds their
    digest and size) and its signature follow them. Readers find entries by name."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=EVENTS_LEVEL) as archive:
        with archive.open(EVENTS, "w", force_zip64=True) as stream:
            write_beside(stream, chunks_of(events))
        data = manifest_bytes(manifest())
        archive.writestr(MANIFEST, data)
        archive.writestr(SIGNATURE, sign(key, data).hex())


def chunks_of(lines: Iterator[bytes]) -> Iterator[bytes]:
    """The lines joined into chunks of about CHUNK bytes: one write (and one deflate call) per
    chunk, not per line."""
    pending: list[bytes] = []
    size = 0
    for line in lines:
        pending.append(line)
        size += len(line)
        if size >= CHUNK:
            yield b"".join(pending)
            pending, size = [], 0
    yield b"".join(pending)


def write_beside(stream: IO[bytes], chunks: Iterator[bytes]) -> None:
    """Each chunk compressed and written by a second thread while this one reads and hashes
    the next (zlib and the file write let go of the GIL: deflating was a third of an
    export's time). At most QUEUED chunks wait, so memory stays bounded; an error on either
    side stops both and is raised here."""
    waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
    failed: list[BaseException] = []

    def drain() -> None:
        try:
            while (chunk := waiting.get()) is not None:
                stream.write(chunk)
        except BaseException as exc:  # a full disk: kept for the reading side to raise
            failed.append(exc)
            while waiting.get() is not None:  # let the reading side finish its puts
                pass

    writer = threading.Thread(target=drain, name="bundle-writer", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            if failed:
                break
            waiting.put(chunk)
    finally:
        waiting.put(None)
        writer.join()
    if failed:
        raise failed[0]


def build(manifest: dict[str, Any], events: bytes, signature: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes(manifest))
        archive.writestr(EVENTS, events)
        archive.writestr(SIGNATURE, signature.hex())
    return out.getvalue()


def _outside(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def _read_small(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise BundleRefused("sync.refuse.oversize", entry=name, size=f"> {limit}", limit=limit)
    return data


class Archive:
    """An open bundle whose container and manifest are sound; nothing verified beyond that.
    Use as a context manager; ``events()`` streams and checks the events."""

    def __init__(self, source: Path | bytes, limits_: SyncLimits) -> None:
        self.limits = limits_
        try:
            self._zip = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise BundleRefused("sync.refuse.corrupt", detail=str(exc)) from exc
        try:
            self._open()
        except BaseException:
            self._zip.close()
            raise

    def _open(self) -> None:
        infos = self._zip.infolist()
        if len(infos) > 16:
            raise BundleRefused("sync.refuse.shape", detail=f"{len(infos)} entries")
        for info in infos:
            if _outside(info.filename):
                raise BundleRefused("sync.refuse.path", entry=info.filename)
        names = [info.filename for info in infos]
        unexpected = sorted(set(names) - set(ENTRIES))
        if unexpected or len(names) != len(set(names)):
            raise BundleRefused("sync.refuse.shape", detail=", ".join(unexpected) or "duplicate entry")
        if MANIFEST not in names or EVENTS not in names:
            raise BundleRefused("sync.refuse.shape", detail=f"{MANIFEST} + {EVENTS}")
        try:
            self.manifest_bytes = _read_small(self._zip, MANIFEST, MAX_MANIFEST_BYTES)
            self.manifest = _manifest(self.manifest_bytes, self.limits)
            self.signature: bytes | None = None
            if SIGNATURE in names:
                self.signature = _hex(_read_small(self._zip, SIGNATURE, MAX_SIGNATURE_BYTES))
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
            raise BundleRefused("sync.refuse.corrupt", detail=str(exc)) from exc

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zip.close()

    @property
    def station(self) -> str:
        return str(self.manifest["station"])

    def lines(self) -> Iterator[bytes]:
        """The events file line by line, its size and digest checked against the manifest
        as it streams: past the declared size or a line's limit, refused at once."""
        declared = self.manifest["events_bytes"]
        digest, total, pending = hashlib.sha256(), 0, b""
        line_limit = limits.EVENT_LINE_BYTES
        try:
            with self._zip.open(EVENTS) as stream:
                while chunk := stream.read(CHUNK):
                    total += len(chunk)
                    if total > declared:
                        raise BundleRefused(
                            "sync.refuse.oversize", entry=EVENTS, size=f"> {declared}", limit=declared
                        )
                    digest.update(chunk)
                    pending += chunk
                    *complete, pending = pending.split(b"\n")
                    for line in complete:
                        if len(line) > line_limit:
                            raise BundleRefused("sync.refuse.line_too_long", limit=line_limit)
                        yield line
                    if len(pending) > line_limit:
                        raise BundleRefused("sync.refuse.line_too_long", limit=line_limit)
        except UNREADABLE as exc:
            raise BundleRefused("sync.refuse.corrupt", detail=str(exc)) from exc
        if pending:
            yield pending
        if total != declared:
            raise BundleRefused("sync.refuse.corrupt", detail=f"{EVENTS}: {total} ≠ {declared}")
        if digest.hexdigest() != self.manifest["events_sha256"]:
            raise BundleRefused("sync.refuse.events_hash")

    def events(self) -> Iterator[EventRecord]:
        """Every event, checked on its own and as a chain inside the bundle; the checks of the
        whole (count, digest, head) are made after the last one and refuse then."""
        m = self.manifest
        if m["count"] != m["last_seq"] - m["first_seq"] + 1 or m["first_seq"] < 1:
            raise BundleRefused(
                "sync.refuse.count", count=m["count"], first=m["first_seq"], last=m["last_seq"]
            )
        prev, number = m["prev_hash"], 0
        for line in self.lines():
            number += 1
            if number > m["count"]:
                raise BundleRefused(
                    "sync.refuse.count", count=m["count"], first=m["first_seq"], last=m["last_seq"]
                )
            record, at = parse_line(line, number, self.station)
            expected = m["first_seq"] + number - 1
            if record.station_id != self.station:
                raise BundleRefused("sync.refuse.foreign_event", seq=record.seq, station=record.station_id)
            if record.seq != expected:
                raise BundleRefused("sync.refuse.seq", seq=record.seq, expected=expected)
            if record.computed_hash(at) != record.hash:
                raise BundleRefused("sync.refuse.event_hash", seq=record.seq)
            if record.personal is not None and digest_of(record.personal) != record.personal_digest:
                raise BundleRefused("sync.refuse.event_hash", seq=record.seq)
            if record.prev_hash != prev:
                raise BundleRefused("sync.refuse.chain", seq=record.seq)
            prev = record.hash
            yield record
        if number != m["count"]:
            raise BundleRefused(
                "sync.refuse.count", count=m["count"], first=m["first_seq"], last=m["last_seq"]
            )
        if prev != m["head_hash"]:
            raise BundleRefused("sync.refuse.chain", seq=m["last_seq"])


def open_archive(source: Path | bytes, limits_: SyncLimits) -> Archive:
    return Archive(source, limits_)


def _hex(text: bytes) -> bytes:
    """A signature that is not even hex is simply a bad signature."""
    try:
        return bytes.fromhex(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return b""


def _manifest(data: bytes, limits_: SyncLimits) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BundleRefused("sync.refuse.corrupt", detail=f"{MANIFEST}: {exc}") from exc
    if not isinstance(manifest, dict):
        raise BundleRefused("sync.refuse.shape", detail=MANIFEST)
    for name, kind in MANIFEST_FIELDS.items():
        value: Any = manifest.get(name)
        # bool is an int in Python; a count of True is not a count.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise BundleRefused("sync.refuse.shape", detail=f"{MANIFEST}: {name}")
        if isinstance(value, int) and not 0 <= value <= MAX_INT:
            raise BundleRefused("sync.refuse.shape", detail=f"{MANIFEST}: {name}")
        if isinstance(value, str) and len(value) > limits.NOTE_CHARS:
            raise BundleRefused("sync.refuse.shape", detail=f"{MANIFEST}: {name}")
    if manifest["format"] != FORMAT:
        raise BundleRefused("sync.refuse.shape", detail=f"{MANIFEST}: format")
    if manifest["events_bytes"] > limits_.bundle_bytes:
        raise BundleRefused(
            "sync.refuse.oversize", entry=EVENTS, size=manifest["events_bytes"], limit=limits_.bundle_bytes
        )
    if manifest["count"] > limits_.bundle_events:
        raise BundleRefused("sync.refuse.too_many", count=manifest["count"], limit=limits_.bundle_events)
    return manifest


def events_digest(events: bytes) -> str:
    return hashlib.sha256(events).hexdigest()


def parse_line(line: bytes, number: int, station: str) -> tuple[EventRecord, str]:
    """One event line, typed: the envelope and the payload by its type's schema. A line that
    does not match is refused naming the station, the sequence number and the field. With the
    record, its time as the line gives it (checked canonical: its hash is computed from it)."""
    try:
        d = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BundleRefused("sync.refuse.bad_event", line=number, detail=str(exc)[:200]) from None
    seq = d.get("seq") if isinstance(d, dict) else None
    where = {"station": station, "seq": seq if isinstance(seq, int) else f"#{number}"}
    if not isinstance(d, dict):
        raise BundleRefused("sync.refuse.bad_payload", **where, field="event", detail="not an object")
    try:
        envelope = Envelope.model_validate(d)
    except PydanticError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "event"
        raise BundleRefused(
            "sync.refuse.bad_payload", **where, field=field, detail=error_message(first)[:200]
        ) from None
    if envelope.type not in SCHEMAS:
        raise BundleRefused("sync.refuse.unknown_type", type=envelope.type, seq=envelope.seq)
    try:
        check_payload(envelope.type, envelope.payload, envelope.personal)
    except PayloadInvalid as exc:
        raise BundleRefused("sync.refuse.bad_payload", **where, field=exc.field, detail=exc.detail) from None
    at = from_iso(envelope.at)
    if to_iso(at) != envelope.at:
        raise BundleRefused("sync.refuse.bad_payload", **where, field="at", detail=envelope.at)
    record = EventRecord(
        id=envelope.id,
        station_id=envelope.station,
        seq=envelope.seq,
        operator=envelope.operator,
        at=at,
        type=envelope.type,
        subject=envelope.subject,
        payload=envelope.payload,
        personal=envelope.personal,
        personal_digest=envelope.personal_digest,
        prev_hash=envelope.prev,
        hash=envelope.hash,
    )
    return record, envelope.at
