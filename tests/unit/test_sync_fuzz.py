"""The importer over mutated valid bundles: whatever the bytes, a bundle is applied or refused
cleanly (BundleRefused), never another exception, and a refusal changes no table but for the
one event that records it."""

from __future__ import annotations

import atexit
import json
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.store.keys import key_path_for, load_private
from data.sync.bundle import BundleRefused
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.cases import blow_whistle, transition
from models.clock import FrozenClock
from models.enums import Grade
from models.lifecycle import Action
from tests.unit.sync_craft import entries, rechained, zipped
from tests.unit.sync_support import new_case, open_station, table_dump, trust_each_other

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
_MADE: list[tuple[Path, bytes, Any]] = []


def _made() -> tuple[Path, bytes, Any]:
    """Station B (trusting A) as a file to copy, A's bundle of a case with a whistle, A's key."""
    if not _MADE:
        directory = Path(tempfile.mkdtemp(prefix="whistle-fuzz-"))
        atexit.register(shutil.rmtree, directory, True)
        clock = FrozenClock(NOW)
        a, b = open_station(directory, "ST-A", clock), open_station(directory, "ST-B", clock)
        trust_each_other([a, b])
        case = new_case(a)
        a.run(transition, case, Action.TRIAGE)
        a.run(blow_whistle, case, grade=Grade.URGENT, departments=["CGZF", "GA"])
        raw = export_bundle(a, directory / "a.bundle").path.read_bytes()
        a.close()
        b.close()
        _MADE.append((directory, raw, load_private(key_path_for(directory / "ST-A.db"))))
    return _MADE[0]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.text(max_size=20)
    | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    _dir, raw, key = _made()
    how = draw(st.sampled_from(["byte", "cut", "value", "key", "drop", "duplicate", "entry"]))
    if how == "byte":  # a flipped byte anywhere in the file
        at = draw(st.integers(0, len(raw) - 1))
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :]
    if how == "cut":
        return raw[: draw(st.integers(0, len(raw) - 1))]
    if how == "entry":  # an entry replaced by other bytes
        parts = entries(raw)
        name = draw(st.sampled_from(sorted(parts)))
        return zipped({**parts, name: draw(st.binary(max_size=200))})
    lines = entries(raw)["events.jsonl"].splitlines()
    index = draw(st.integers(0, len(lines) - 1))

    def change(events: list[dict[str, Any]]) -> None:
        event = events[index]
        if how == "value":  # any JSON value at any key of the event or its payload
            target = event["payload"] if draw(st.booleans()) else event
            name = draw(st.sampled_from(sorted(target) or ["x"]))
            target[name] = draw(JSON)
        elif how == "key":
            event["payload"][draw(st.text(max_size=8))] = draw(JSON)
        elif how == "drop":
            name = draw(st.sampled_from(sorted(event["payload"]) or ["x"]))
            event["payload"].pop(name, None)
        else:
            events.insert(index, json.loads(json.dumps(event)))

    # re-chained and signed again with the real key: only the importer's own checks stand
    return rechained(raw, key, change)


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=mutated())
def test_a_mutated_bundle_is_applied_or_refused_cleanly(tmp_path_factory: Any, data: bytes) -> None:
    directory, _raw, _key = _made()
    work = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    src, dst = sqlite3.connect(directory / "ST-B.db"), sqlite3.connect(work / "ST-B.db")
    src.backup(dst)
    dst.close()
    src.close()
    shutil.copy(directory / "ST-B.db.key", work / "ST-B.db.key")
    path = work / "mutated.bundle"
    path.write_bytes(data)
    before = table_dump(work / "ST-B.db")
    station = open_station(work, "ST-B", FrozenClock(NOW), signed_in=False)
    try:
        import_bundle(station, path)
    except BundleRefused:
        after = table_dump(work / "ST-B.db")
        for name in before:
            if name != "event":
                assert after[name] == before[name], name
        added = [r for r in after["event"] if r not in before["event"]]
        assert len(added) == 1 and "sync.refused" in added[0]
    finally:
        station.close()
        shutil.rmtree(work, ignore_errors=True)
