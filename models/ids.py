"""Time-ordered unique ids (UUIDv7, RFC 9562) and UTC timestamp encoding."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7(at: datetime) -> str:
    """A UUIDv7 for the given instant; ids made in one process are strictly increasing."""
    global _last_ms, _counter
    ms = int(at.timestamp() * 1000)
    with _lock:
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:
                ms += 1
                _counter = 0
        else:
            _counter = 0
        _last_ms = ms
        rand_a = _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def to_iso(at: datetime) -> str:
    """Canonical UTC text form used in event payloads: 2026-11-21T06:51:31.123456Z."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
