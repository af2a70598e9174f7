"""The bundle file: one zip holding ``manifest.json``, ``events.jsonl`` and ``signature``.

The signature (Ed25519) covers the manifest bytes; the manifest carries the SHA-256 of the
events, so one signature covers everything. Reading never extracts to disk and never
trusts a size it has not checked against the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from models.errors import DomainError
from models.events import EventRecord, canonical, digest_of
from models.ids import from_iso, to_iso

FORMAT = "whistle-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
SIGNATURE = "signature"
ENTRIES = (MANIFEST, EVENTS, SIGNATURE)
MAX_MANIFEST_BYTES = 64 * 1024
MAX_SIGNATURE_BYTES = 1024
MAX_EVENTS_BYTES = 4 * 1024**3
# Room for zip headers and the two small entries; a file much larger than its manifest
# says is refused before it is read.
ZIP_SLACK = 1024 * 1024
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
EVENT_FIELDS = {
    "id",
    "station",
    "seq",
    "operator",
    "at",
    "type",
    "subject",
    "payload",
    "personal_digest",
    "prev",
    "hash",
}


class BundleRefused(DomainError):
    """A bundle that is not imported. ``key`` names the reason (a catalogue key)."""


def event_line(record: EventRecord, include_personal: bool) -> bytes:
    body: dict[str, Any] = {**record.hashed_part(), "hash": record.hash}
    if include_personal and record.personal is not None:
        body["personal"] = record.personal
    return canonical(body) + b"\n"


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The exact bytes stored, and signed."""
    return canonical(manifest)


def build(manifest: dict[str, Any], events: bytes, signature: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes(manifest))
        archive.writestr(EVENTS, events)
        archive.writestr(SIGNATURE, signature.hex())
    return out.getvalue()


@dataclass(frozen=True)
class Opened:
    """A bundle whose container and manifest are sound; nothing verified beyond that."""

    manifest: dict[str, Any]
    manifest_bytes: bytes
    signature: bytes | None
    events: bytes

    @property
    def station(self) -> str:
        return str(self.manifest["station"])


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise BundleRefused("sync.refuse.oversize", entry=info.filename, size=info.file_size, limit=limit)
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise BundleRefused("sync.refuse.oversize", entry=info.filename, size=len(data), limit=limit)
    return data


def _outside(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def open_bundle(raw: bytes) -> Opened:
    """Archive shape and manifest; refuses with the first reason found."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BundleRefused("sync.refuse.corrupt", detail=str(exc)) from exc
    with archive:
        infos = archive.infolist()
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
            manifest_bytes = _read(archive, archive.getinfo(MANIFEST), MAX_MANIFEST_BYTES)
            manifest = _manifest(manifest_bytes)
            declared = manifest["events_bytes"]
            if len(raw) > declared + ZIP_SLACK:
                raise BundleRefused("sync.refuse.oversize", entry="*", size=len(raw), limit=declared)
            events = _read(archive, archive.getinfo(EVENTS), declared)
            signature = None
            if SIGNATURE in names:
                text = _read(archive, archive.getinfo(SIGNATURE), MAX_SIGNATURE_BYTES)
                signature = _hex(text)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise BundleRefused("sync.refuse.corrupt", detail=str(exc)) from exc
    if len(events) != declared:
        raise BundleRefused("sync.refuse.corrupt", detail=f"{EVENTS}: {len(events)} ≠ {declared}")
    return Opened(manifest, manifest_bytes, signature, events)


def _hex(text: bytes) -> bytes:
    """A signature that is not even hex is simply a bad signature."""
    try:
        return bytes.fromhex(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return b""


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleRefused("sync.refuse.corrupt", detail=f"{MANIFEST}: {exc}") from exc
    if not isinstance(manifest, dict):
        raise BundleRefused("sync.refuse.shape", detail=MANIFEST)
    for name, kind in MANIFEST_FIELDS.items():
        value = manifest.get(name)
        # bool is an int in Python; a count of True is not a count.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise BundleRefused("sync.refuse.shape", detail=f"{MANIFEST}: {name}")
    if manifest["format"] != FORMAT:
        raise BundleRefused("sync.refuse.shape", detail=f"{MANIFEST}: format")
    if not 0 <= manifest["events_bytes"] <= MAX_EVENTS_BYTES:
        raise BundleRefused(
            "sync.refuse.oversize", entry=EVENTS, size=manifest["events_bytes"], limit=MAX_EVENTS_BYTES
        )
    return manifest


def events_digest(events: bytes) -> str:
    return hashlib.sha256(events).hexdigest()


def parse_events(opened: Opened) -> list[EventRecord]:
    """Every event, checked on its own and as a chain inside the bundle."""
    m = opened.manifest
    if events_digest(opened.events) != m["events_sha256"]:
        raise BundleRefused("sync.refuse.events_hash")
    try:
        lines = opened.events.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise BundleRefused("sync.refuse.corrupt", detail=str(exc)) from exc
    if len(lines) != m["count"] or m["count"] != m["last_seq"] - m["first_seq"] + 1 or m["first_seq"] < 1:
        raise BundleRefused("sync.refuse.count", count=m["count"], first=m["first_seq"], last=m["last_seq"])
    records: list[EventRecord] = []
    prev = m["prev_hash"]
    for offset, line in enumerate(lines):
        record = _record(line, offset + 1)
        expected = m["first_seq"] + offset
        if record.station_id != opened.station:
            raise BundleRefused("sync.refuse.foreign_event", seq=record.seq, station=record.station_id)
        if record.seq != expected:
            raise BundleRefused("sync.refuse.seq", seq=record.seq, expected=expected)
        if record.computed_hash() != record.hash:
            raise BundleRefused("sync.refuse.event_hash", seq=record.seq)
        if record.personal is not None and digest_of(record.personal) != record.personal_digest:
            raise BundleRefused("sync.refuse.event_hash", seq=record.seq)
        if record.prev_hash != prev:
            raise BundleRefused("sync.refuse.chain", seq=record.seq)
        prev = record.hash
        records.append(record)
    if prev != m["head_hash"]:
        raise BundleRefused("sync.refuse.chain", seq=m["last_seq"])
    return records


def _record(line: str, number: int) -> EventRecord:
    try:
        d = json.loads(line)
        if not isinstance(d, dict) or not d.keys() >= EVENT_FIELDS or set(d) - EVENT_FIELDS - {"personal"}:
            raise ValueError("fields")
        if not isinstance(d["payload"], dict) or not isinstance(d["seq"], int):
            raise ValueError("payload")
        personal = d.get("personal")
        if personal is not None and not isinstance(personal, dict):
            raise ValueError("personal")
        at = from_iso(d["at"])
        if to_iso(at) != d["at"]:
            raise ValueError("at")
        return EventRecord(
            id=str(d["id"]),
            station_id=str(d["station"]),
            seq=d["seq"],
            operator=str(d["operator"]),
            at=at,
            type=str(d["type"]),
            subject=d["subject"],
            payload=d["payload"],
            personal=personal,
            personal_digest=d["personal_digest"],
            prev_hash=str(d["prev"]),
            hash=str(d["hash"]),
        )
    except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
        raise BundleRefused("sync.refuse.bad_event", line=number, detail=str(exc)) from exc
