"""Crafting bundles the way an attacker would: event lines rewritten and re-chained, the
manifest signed again with the station's real key, and zip archives written by hand."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.events import canonical


def entries(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {name: z.read(name) for name in z.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def event_hash(event: dict[str, Any]) -> str:
    body = {k: v for k, v in event.items() if k not in ("hash", "personal")}
    return hashlib.sha256(canonical(body)).hexdigest()


def rechained(
    raw: bytes,
    key: Ed25519PrivateKey,
    change: Callable[[list[dict[str, Any]]], None],
    **manifest_changes: Any,
) -> bytes:
    """The bundle with its events changed by ``change``, every hash and link recomputed, and
    the manifest signed again: everything a sender holding the key could do."""
    parts = entries(raw)
    manifest = json.loads(parts["manifest.json"])
    events = [json.loads(line) for line in parts["events.jsonl"].splitlines()]
    change(events)
    prev = manifest["prev_hash"]
    for event in events:
        event["prev"] = prev
        event["hash"] = event_hash(event)
        prev = event["hash"]
    data = b"".join(canonical(e) + b"\n" for e in events)
    manifest.update(
        events_sha256=hashlib.sha256(data).hexdigest(),
        events_bytes=len(data),
        count=len(events),
        head_hash=prev,
        **manifest_changes,
    )
    signed = canonical(manifest)
    return zipped(
        {"manifest.json": signed, "events.jsonl": data, "signature": key.sign(signed).hex().encode()}
    )


def _deflate_repeated(block: bytes, times: int) -> bytes:
    """``block`` × ``times`` as one raw deflate stream, without compressing it all: after a full
    flush the compressor starts afresh, so each block's output is the same bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    return one * times + c.flush(zlib.Z_FINISH)


def _local(name: bytes, method: int, crc: int, csize: int, usize: int) -> bytes:
    return (
        struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, usize, len(name), 0)
        + name
    )


def _central(name: bytes, method: int, crc: int, csize: int, usize: int, offset: int) -> bytes:
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )


def bomb(manifest: dict[str, Any], key: Ed25519PrivateKey, *, block: bytes, times: int) -> bytes:
    """A bundle whose events entry is ``block`` repeated ``times`` times once decompressed
    (a few megabytes on disk), written by hand; the manifest is signed with the real key."""
    signed = canonical(manifest)
    signature = key.sign(signed).hex().encode()
    files = [
        (b"manifest.json", 0, zlib.crc32(signed), signed, len(signed)),
        (b"signature", 0, zlib.crc32(signature), signature, len(signature)),
        # the CRC is never reached: the reader must refuse long before the end
        (b"events.jsonl", 8, 0, _deflate_repeated(block, times), min(len(block) * times, 0xFFFFFFFE)),
    ]
    out, central = io.BytesIO(), io.BytesIO()
    for name, method, crc, data, usize in files:
        offset = out.tell()
        out.write(_local(name, method, crc, len(data), usize) + data)
        central.write(_central(name, method, crc, len(data), usize, offset))
    start, size = out.tell(), central.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files), size, start, 0))
    return out.getvalue()
