"""Every refusal leaves every table as it was, but for the one event that records it."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from data.store.keys import key_path_for, load_private
from data.store.schema import SCHEMA_VERSION
from data.sync import bundle
from data.sync.bundle import BundleRefused
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from models.clock import FrozenClock
from models.events import canonical
from tests.unit.sync_support import new_case, open_station, table_dump, trust_each_other
from tui.cli import main

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def entries(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {name: z.read(name) for name in z.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def resigned(parts: dict[str, bytes], key: Ed25519PrivateKey, **changes: Any) -> bytes:
    """The bundle with its manifest changed and signed again with the station's real key."""
    manifest = {**json.loads(parts["manifest.json"]), **changes}
    data = canonical(manifest)
    return zipped({**parts, "manifest.json": data, "signature": key.sign(data).hex().encode()})


class World:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.clock = FrozenClock(NOW)
        self.a = open_station(tmp, "ST-A", self.clock)
        self.b = open_station(tmp, "ST-B", self.clock)
        trust_each_other([self.a, self.b])
        new_case(self.a)
        self.good = export_bundle(self.a, tmp / "good.bundle").path.read_bytes()
        self.key = load_private(key_path_for(tmp / "ST-A.db"))


def truncated(w: World) -> bytes:
    return w.good[: len(w.good) // 2]


def flipped_byte_in_file(w: World) -> bytes:
    raw = bytearray(w.good)
    raw[len(raw) // 3] ^= 0x01
    return bytes(raw)


def flipped_byte_in_events(w: World) -> bytes:
    parts = entries(w.good)
    events = bytearray(parts["events.jsonl"])
    at = events.index(b"patrol")
    events[at] ^= 0x02
    return zipped({**parts, "events.jsonl": bytes(events)})


def bad_signature(w: World) -> bytes:
    return resigned(entries(w.good), Ed25519PrivateKey.generate())


def missing_signature(w: World) -> bytes:
    parts = entries(w.good)
    del parts["signature"]
    return zipped(parts)


def unknown_station(w: World) -> bytes:
    stranger = open_station(w.tmp, "ST-X", w.clock)
    new_case(stranger)
    return export_bundle(stranger, w.tmp / "x.bundle").path.read_bytes()


def unknown_schema_version(w: World) -> bytes:
    return resigned(entries(w.good), w.key, schema_version=SCHEMA_VERSION + 1)


def forked_history(w: World) -> bytes:
    """Station A's real events, then a different event under a number B already holds."""
    import_bundle(w.b, w.tmp / "good.bundle")
    parts = entries(w.good)
    lines = parts["events.jsonl"].splitlines(keepends=True)
    last = json.loads(lines[-1])
    last["operator"] = "冒名者"
    from models.events import EventRecord
    from models.ids import from_iso

    record = EventRecord(
        id=last["id"],
        station_id=last["station"],
        seq=last["seq"],
        operator=last["operator"],
        at=from_iso(last["at"]),
        type=last["type"],
        subject=last["subject"],
        payload=last["payload"],
        personal=None,
        personal_digest=last["personal_digest"],
        prev_hash=last["prev"],
        hash="",
    )
    last["hash"] = record.computed_hash()
    events = b"".join(lines[:-1]) + canonical(last) + b"\n"
    return resigned(
        {**parts, "events.jsonl": events},
        w.key,
        events_sha256=bundle.events_digest(events),
        events_bytes=len(events),
        head_hash=last["hash"],
    )


def path_outside(w: World) -> bytes:
    return zipped({**entries(w.good), "../../etc/cron.d/evil": b"* * * * * root true\n"})


def oversize(w: World) -> bytes:
    parts = entries(w.good)
    padding = b"\n" * (4 * 1024 * 1024)
    return zipped({**parts, "events.jsonl": parts["events.jsonl"] + padding})


CASES: dict[str, tuple[Callable[[World], bytes], str]] = {
    "truncated": (truncated, "sync.refuse.corrupt"),
    "flipped byte in the file": (flipped_byte_in_file, "sync.refuse.corrupt"),
    # read as a stream, the event whose hash fails is named before the whole file's digest is
    "flipped byte in the events": (flipped_byte_in_events, "sync.refuse.event_hash"),
    "bad signature": (bad_signature, "sync.refuse.bad_signature"),
    "missing signature": (missing_signature, "sync.refuse.unsigned"),
    "unknown station": (unknown_station, "sync.refuse.unknown_station"),
    "unknown schema version": (unknown_schema_version, "sync.refuse.schema_version"),
    "forked history": (forked_history, "sync.refuse.fork"),
    "path outside the archive": (path_outside, "sync.refuse.path"),
    "size far beyond the manifest": (oversize, "sync.refuse.oversize"),
}


def _diff(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> dict[str, list[Any]]:
    assert before.keys() == after.keys()
    added = {}
    for name in before:
        gone = [r for r in before[name] if r not in after[name]]
        assert gone == [], f"{name} lost rows"
        new = [r for r in after[name] if r not in before[name]]
        if new:
            added[name] = new
    return added


@pytest.mark.parametrize("case", list(CASES))
def test_refusal_changes_nothing_but_records_itself(tmp_path: Path, case: str) -> None:
    w = World(tmp_path)
    make, reason = CASES[case]
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(make(w))
    before = table_dump(tmp_path / "ST-B.db")
    with pytest.raises(BundleRefused) as refused:
        import_bundle(w.b, bad)
    assert refused.value.key == reason
    added = _diff(before, table_dump(tmp_path / "ST-B.db"))
    assert list(added) == ["event"] and len(added["event"]) == 1
    (event,) = added["event"]
    assert "sync.refused" in event
    payload = json.loads(next(v for v in event if isinstance(v, str) and v.startswith('{"file"')))
    assert payload["reason"] == reason and payload["file"] == "bad.bundle"


def test_the_command_line_names_the_reason_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w = World(tmp_path)
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(missing_signature(w))
    w.a.close()
    w.b.close()
    code = main(["import", str(bad), "--db", str(tmp_path / "ST-B.db"), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Refused to import bad.bundle" in err and "not signed" in err


def test_a_good_bundle_passes_the_same_checks(tmp_path: Path) -> None:
    """The refusals above are not a checker that refuses everything."""
    w = World(tmp_path)
    result = import_bundle(w.b, w.tmp / "good.bundle")
    assert result.applied > 0
