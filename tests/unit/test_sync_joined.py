"""On SQLite the chain check and the export read each event's hashed bytes (the export: its
bundle line) as the database joins them (data/store/eventlog.py SEALED_PAGE, LINE_PAGE): the
bytes are the ones ``hashed_text`` makes from the same columns, a bundle is line for line what
each event's record encodes to, and a row the join cannot take (an older spelling, a row changed
behind the desk) is read whole and judged as before."""

from __future__ import annotations

import json
import sqlite3
import struct
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from data.store import eventlog
from data.store.eventlog import LINE_PAGE, SEALED_PAGE, line_hashed, record_from_row
from data.store.schema import upgrade
from data.store.verify import Report, check_chain
from data.sync.bundle import EVENTS, Archive, BundleRefused, event_line
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.cases import receive_case
from models.clock import FrozenClock
from models.events import canonical_text, hashed_text
from tests.unit.event_columns import EVENT_COLUMNS
from tests.unit.sync_support import CASE_ARGS, open_station, trust_each_other

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
AWKWARD = 'a "quoted" \\ backslash, 王\nsecond line'


@settings(max_examples=200, deadline=None)
@given(**EVENT_COLUMNS)
def test_the_database_joins_the_bytes_hashed_text_makes(
    ident: str,
    operator: str,
    kind: str,
    subject: str | None,
    payload: dict[str, Any],
    digest: str | None,
    prev: str,
    seq: int,
) -> None:
    """Whatever the text columns hold, the join is ``hashed_text`` of them: a row stored as the
    desk stores it is never sent the slow way, and matching bytes come from the same values."""
    conn = sqlite3.connect(":memory:")
    upgrade(conn)
    at, text = "2026-03-10 02:00:00.123456", canonical_text(payload)
    conn.execute(
        "INSERT INTO event (id, station_id, seq, operator, at, type, subject, payload, personal,"
        " personal_digest, prev_hash, hash) VALUES (?, 'ST', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
        (ident, seq, operator, at, kind, subject, text, digest, prev, "f" * 64),
    )
    wanted = hashed_text(
        ident, "ST", seq, operator, "2026-03-10T02:00:00.123456Z", kind, subject, text, digest, prev
    )
    (row,) = conn.execute(SEALED_PAGE, ("ST", 0, 10)).fetchall()
    assert row[5] == wanted
    (line,) = conn.execute(LINE_PAGE, ("ST", 0, seq, 10)).fetchall()
    assert line_hashed(line[4]) == wanted
    conn.close()


def _station(tmp_path: Path) -> Any:
    clock = FrozenClock(NOW)
    a = open_station(tmp_path, "ST-A", clock, operator='值班员 "甲"')
    for n in range(3):
        a.run(
            receive_case,
            reporter_name="张三",
            reporter_phone=f"1381234567{n}",
            **{**CASE_ARGS, "description": AWKWARD},
        )
        clock.advance(minutes=1)
    return a


def _older_spelling(db: Path, seqs: list[int]) -> None:
    """Those events' payloads as files written before payloads were kept canonical (json.dumps'
    default separators): the join does not hash, the row is read whole."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS event_no_update")
    for seq in seqs:
        (payload,) = conn.execute("SELECT payload FROM event WHERE seq = ?", (seq,)).fetchone()
        spaced = json.dumps(json.loads(payload), ensure_ascii=False, sort_keys=True)
        assert spaced != payload
        conn.execute("UPDATE event SET payload = ? WHERE seq = ?", (spaced, seq))
    conn.close()


def _reference(db: Path, upto: int, include_personal: bool) -> bytes:
    """The bundle's events as each stored event's record encodes to (``event_line``)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT * FROM event WHERE station_id = 'ST-A' AND seq <= ? ORDER BY seq", (upto,))
    lines = [
        event_line(record_from_row(_timed(row)), include_personal)
        for row in rows  # the time as the table's DateTime reads it
    ]
    conn.close()
    return b"".join(lines)


def _timed(row: sqlite3.Row) -> Any:
    values = dict(row)
    values["at"] = datetime.fromisoformat(values["at"]).replace(tzinfo=UTC)
    return type("Row", (), values)


@pytest.mark.parametrize("include_personal", [False, True])
def test_a_bundle_is_line_for_line_what_each_event_encodes_to(
    tmp_path: Path, include_personal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _station(tmp_path)
    db = tmp_path / "ST-A.db"
    _older_spelling(db, [3, 5])
    read_whole: list[int] = []
    whole = eventlog.whole_row

    def counted(conn: Any, station: str, seq: int) -> Any:
        read_whole.append(seq)
        return whole(conn, station, seq)

    monkeypatch.setattr("data.sync.export.whole_row", counted)
    result = export_bundle(a, tmp_path / "a.bundle", since=0, include_personal=include_personal)
    with zipfile.ZipFile(result.path) as archive:
        written = archive.read(EVENTS)
    assert written == _reference(db, result.last_seq, include_personal)
    personal = [n + 1 for n, line in enumerate(written.splitlines()) if b'"personal":' in line]
    assert bool(personal) == include_personal
    assert set(read_whole) == {3, 5, *personal}  # the older spellings, the lines with personal data
    a.close()


def test_an_export_with_rows_of_an_older_spelling_imports_and_verifies(tmp_path: Path) -> None:
    a = _station(tmp_path)
    b = open_station(tmp_path, "ST-B", FrozenClock(NOW))
    trust_each_other([a, b])
    _older_spelling(tmp_path / "ST-A.db", [2, 4])
    found = Report()
    with a.engine.connect() as conn:
        check_chain(conn, found)
    assert found.ok and found.events > 5
    assert import_bundle(b, export_bundle(a, tmp_path / "a.bundle", since=0).path).applied > 5
    a.close()
    b.close()


def test_a_text_rewritten_as_its_own_escaped_spelling_is_named(tmp_path: Path) -> None:
    """An operator's name changed behind the desk to the JSON-escaped spelling of the real one
    (``值班员 \\"甲\\"`` for ``值班员 "甲"``): put between quotes as it is, it would join into the
    very bytes that were hashed; each text is quoted as JSON quotes it, so it is named."""
    a = _station(tmp_path)
    a.close()
    conn = sqlite3.connect(tmp_path / "ST-A.db", isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS event_no_update")
    seq, ident = conn.execute(
        "SELECT seq, id FROM event WHERE operator = ? ORDER BY seq DESC LIMIT 1", ('值班员 "甲"',)
    ).fetchone()
    conn.execute("UPDATE event SET operator = ? WHERE seq = ?", ('值班员 \\"甲\\"', seq))
    conn.close()
    a = open_station(tmp_path, "ST-A", FrozenClock(NOW), operator='值班员 "甲"', signed_in=False)
    found = Report()
    with a.engine.connect() as conn:
        check_chain(conn, found)
    assert not found.ok and ident in found.problems[0] and str(seq) in found.problems[0]
    a.close()


def test_an_events_entry_that_does_not_inflate_is_refused_as_corrupt(tmp_path: Path) -> None:
    """A damaged deflate stream in the events entry is the one-line "corrupt" refusal, not a
    traceback."""
    a = _station(tmp_path)
    path = export_bundle(a, tmp_path / "a.bundle", since=0).path
    limits_ = a.rules.settings.sync
    a.close()
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(EVENTS).header_offset
    name_len, extra_len = struct.unpack("<HH", raw[offset + 26 : offset + 30])
    start = offset + 30 + name_len + extra_len
    raw[start : start + 16] = b"\xff" * 16  # a block of the reserved type: no inflater takes it
    with Archive(bytes(raw), limits_) as archive, pytest.raises(BundleRefused) as refused:
        for _line in archive.lines():
            pass
    assert refused.value.key == "sync.refuse.corrupt"
