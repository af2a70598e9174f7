"""The chain check and the export read whole pages joined by SQLite (data/store/eventlog.py
SEALED_RANGE, LINE_RANGE), the next page read by a second thread (data/store/ahead.py): the
bytes are the ones ``hashed_text`` makes, and whatever is wrong in a page, at its edges too
(a broken link, an altered row, a missing or extra event), is found and named exactly as the
row by row reading names it."""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import threading
import zipfile
from datetime import UTC, datetime
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from data.store import ahead as ahead_module
from data.store.ahead import ahead, shared_across_threads
from data.store.eventlog import LINE_RANGE, SEALED_RANGE, part_hashed, range_links, record_from_row
from data.store.schema import upgrade
from data.store.verify import Report, check_chain
from data.sync import bundle
from data.sync.bundle import EVENTS, event_line
from data.sync.export import export_bundle
from data.write.commands.cases import receive_case
from models.clock import FrozenClock
from models.errors import DomainError
from models.events import GENESIS, canonical_text, hashed_text
from tests.unit.event_columns import EVENT_COLUMNS, TEXT
from tests.unit.sync_support import CASE_ARGS, open_station

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
PAGE = 3


@settings(max_examples=200, deadline=None)
@given(**EVENT_COLUMNS, station=TEXT)
def test_a_page_passes_only_as_the_bytes_hashed_text_makes(
    ident: str,
    operator: str,
    kind: str,
    subject: str | None,
    payload: dict[str, Any],
    digest: str | None,
    prev: str,
    station: str,
    seq: int,
) -> None:
    """Whatever the text columns hold, a page's bytes are ``hashed_text`` of them, so a row the
    desk stored passes; the prev hash joined as it is passes only when it is a hash (hex),
    which JSON quotes as it is (any other is judged row by row)."""
    conn = sqlite3.connect(":memory:")
    upgrade(conn)
    at, text = "2026-03-10 02:00:00.123456", canonical_text(payload)
    wanted = hashed_text(
        ident, station, seq, operator, "2026-03-10T02:00:00.123456Z", kind, subject, text, digest, prev
    )
    stored_hash = hashlib.sha256(wanted).hexdigest()
    conn.execute(
        "INSERT INTO event (id, station_id, seq, operator, at, type, subject, payload, personal,"
        " personal_digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
        (ident, station, seq, operator, at, kind, subject, text, digest, prev, stored_hash),
    )
    hexadecimal = all(c in "0123456789abcdef" for c in prev)
    params = (station, seq - 1, seq, encode_basestring(station))
    page = conn.execute(SEALED_RANGE, params).fetchone()
    passed = range_links(page, seq - 1, seq, prev, page[7].split(b"\n"))
    assert (passed is not None) == (page[7] == wanted) and (passed is not None) >= hexadecimal
    lines = conn.execute(LINE_RANGE, params).fetchone()
    hashed = [part_hashed(line) for line in lines[7].split(b"\n")]
    assert (range_links(lines, seq - 1, seq, prev, hashed) is not None) == (passed is not None)
    if hexadecimal:
        assert hashed == [wanted]
    conn.close()


def _station(tmp_path: Path) -> tuple[Any, Path]:
    clock = FrozenClock(NOW)
    a = open_station(tmp_path, "ST-A", clock)
    for n in range(4):
        a.run(receive_case, reporter_name="张三", reporter_phone=f"1381234567{n}", **CASE_ARGS)
        clock.advance(minutes=1)
    return a, tmp_path / "ST-A.db"


def _tamper(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS event_no_update")
    conn.execute("DROP TRIGGER IF EXISTS event_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def _checked(a: Any, monkeypatch: pytest.MonkeyPatch, *, rows: bool) -> Report:
    """The chain check in pages of PAGE events, or (``rows``) row by row as it always was."""
    with monkeypatch.context() as patch:
        patch.setattr("data.store.eventlog.RANGE_PAGE", PAGE)
        if rows:
            patch.setattr("data.store.verify.range_links", lambda *_args: None)
        report = Report()
        with a.engine.connect() as conn:
            check_chain(conn, report)
    return report


def _tampered(seq: int, head: int) -> dict[str, list[str]]:
    """Each way a row can be wrong, at ``seq``."""
    return {
        "altered payload": [
            f"UPDATE event SET payload = replace(payload, '}}', ',\"x\":1}}') WHERE seq = {seq}"
        ],
        "broken link": [f"UPDATE event SET prev_hash = '{'e' * 64}' WHERE seq = {seq}"],
        "altered hash": [f"UPDATE event SET hash = '{'f' * 64}' WHERE seq = {seq}"],
        "hash as bytes": [f"UPDATE event SET hash = CAST(hash AS BLOB) WHERE seq = {seq}"],
        "missing event": [f"DELETE FROM event WHERE seq = {seq}"],
        "moved": [f"UPDATE event SET seq = {head + 1} WHERE seq = {seq}"],
    }


def _relink(db: Path, seq: int) -> None:
    """The event at ``seq`` linked to another hash and sealed again over it: it hashes, it does
    not follow."""
    conn = sqlite3.connect(db)
    row = conn.execute(
        "SELECT id, station_id, seq, operator, at, type, subject, payload, personal_digest FROM event"
        " WHERE station_id = 'ST-A' AND seq = ?",
        (seq,),
    ).fetchone()
    ident, station, seq, operator, at, kind, subject, payload, digest = row
    iso = at.replace(" ", "T") + "Z"
    prev = "e" * 64
    hashed = hashed_text(ident, station, seq, operator, iso, kind, subject, payload, digest, prev)
    conn.close()
    _tamper(
        db,
        f"UPDATE event SET prev_hash = '{prev}', hash = '{hashlib.sha256(hashed).hexdigest()}'"
        f" WHERE station_id = 'ST-A' AND seq = {seq}",
    )


def _head(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT max(seq) FROM event WHERE station_id = 'ST-A'").fetchone()[0])


@pytest.mark.parametrize("where", ["first of a page", "last of a page", "first event", "last event"])
@pytest.mark.parametrize(
    "how",
    [
        "altered payload",
        "broken link",
        "altered hash",
        "hash as bytes",
        "missing event",
        "moved",
        "relinked",
    ],
)
def test_a_fault_at_a_page_edge_is_named_as_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, how: str
) -> None:
    a, db = _station(tmp_path)
    head = _head(db)
    edges = {"first of a page": PAGE * 2 + 1, "last of a page": PAGE * 2, "first event": 1}
    seq = edges.get(where, head)
    clean = _checked(a, monkeypatch, rows=False)
    assert clean.ok and clean.events == _checked(a, monkeypatch, rows=True).events
    if how == "relinked":
        _relink(db, seq)
    else:
        _tamper(db, *_tampered(seq, head)[how])
    paged, rows = _checked(a, monkeypatch, rows=False), _checked(a, monkeypatch, rows=True)
    assert (paged.problems, paged.events) == (rows.problems, rows.events)
    if not (how == "missing event" and seq == head):
        assert not paged.ok  # the last event gone is the replay's to find, as before
    a.close()


def test_a_personal_part_altered_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, db = _station(tmp_path)
    with sqlite3.connect(db) as conn:
        (seq,) = conn.execute(
            "SELECT min(seq) FROM event WHERE personal IS NOT NULL AND seq > ?", (PAGE,)
        ).fetchone()
    _tamper(db, f"UPDATE event SET personal = replace(personal, '张三', '李四') WHERE seq = {seq}")
    paged, rows = _checked(a, monkeypatch, rows=False), _checked(a, monkeypatch, rows=True)
    assert not paged.ok and str(seq) in paged.problems[0]
    assert (paged.problems, paged.events) == (rows.problems, rows.events)
    a.close()


def test_a_chain_checked_from_a_mark_in_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``since``: the pages start after the mark, the first linked to the marked hash."""
    a, db = _station(tmp_path)
    with sqlite3.connect(db) as conn:
        (held,) = conn.execute("SELECT hash FROM event WHERE station_id = 'ST-A' AND seq = 4").fetchone()
    monkeypatch.setattr("data.store.eventlog.RANGE_PAGE", PAGE)
    for mark, ok in (((4, held), True), ((4, GENESIS), False)):
        report = Report()
        with a.engine.connect() as conn:
            check_chain(conn, report, {"ST-A": mark})
        assert report.ok == ok
        assert report.events == (_head(db) - 4 if ok else 0)
    a.close()


def _reference(db: Path, upto: int) -> bytes:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT * FROM event WHERE station_id = 'ST-A' AND seq <= ? ORDER BY seq", (upto,))
    lines = []
    for row in rows:
        values = dict(row)
        values["at"] = datetime.fromisoformat(values["at"]).replace(tzinfo=UTC)
        lines.append(event_line(record_from_row(type("Row", (), values)), False))
    conn.close()
    return b"".join(lines)


@pytest.mark.parametrize("events", [None, 4, 7])
def test_an_export_in_pages_is_line_for_line_the_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, events: int | None
) -> None:
    """Pages of PAGE events, a bundle's limit falling inside a page or on its edge: every
    bundle holds its events as each record encodes to, together all of them in order."""
    a, db = _station(tmp_path)
    monkeypatch.setattr("data.store.eventlog.RANGE_PAGE", PAGE)
    if events is not None:
        a.rules.settings.sync.bundle_events = events
    result = export_bundle(a, tmp_path / "a.bundle", since=0)
    written = b""
    for path in (result.path, *result.more):
        with zipfile.ZipFile(path) as archive:
            written += archive.read(EVENTS)
    assert written == _reference(db, result.last_seq)
    assert result.count == result.last_seq and (len(result.more) > 0) == (events is not None)
    a.close()


@pytest.mark.parametrize("seq", [PAGE, PAGE + 1])
@pytest.mark.parametrize("how", ["broken link", "altered payload", "missing event"])
def test_an_export_refuses_a_fault_at_a_page_edge_as_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seq: int, how: str
) -> None:
    a, db = _station(tmp_path)
    _tamper(db, *_tampered(seq, _head(db))[how])
    refusals = []
    for rows in (False, True):
        with monkeypatch.context() as patch:
            patch.setattr("data.store.eventlog.RANGE_PAGE", PAGE)
            if rows:
                patch.setattr("data.sync.export.range_links", lambda *_args: None)
            with pytest.raises(DomainError) as refused:
                export_bundle(a, tmp_path / "a.bundle", since=0)
        refusals.append((refused.value.key, refused.value.params))
        assert not (tmp_path / "a.bundle").exists()
    assert refusals[0] == refusals[1] and refusals[0][0] == "sync.error.local_chain"
    a.close()


def test_a_write_that_fails_while_pages_are_read_ahead_stops_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills after the first chunk: the export is refused, no reading thread is left
    behind on the connection, and the next export (room again) is whole."""
    a, db = _station(tmp_path)
    monkeypatch.setattr("data.store.eventlog.RANGE_PAGE", PAGE)
    write_beside = bundle.write_beside

    def fills(stream: Any, chunks: Any) -> None:
        next(chunks)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(bundle, "write_beside", fills)
    with pytest.raises(DomainError):
        export_bundle(a, tmp_path / "a.bundle", since=0)
    assert not [t for t in threading.enumerate() if t.name == "page-reader"]
    monkeypatch.setattr(bundle, "write_beside", write_beside)
    result = export_bundle(a, tmp_path / "a.bundle", since=0)
    with zipfile.ZipFile(result.path) as archive:
        assert archive.read(EVENTS) == _reference(db, result.last_seq)
    a.close()


def test_pages_read_ahead_come_in_order_and_an_error_is_raised_here() -> None:
    read: list[int] = []

    def page(n: int) -> int:
        read.append(n)
        if n == 5:
            raise ValueError("page 5")
        return n * 10

    assert list(ahead(page, range(5), threaded=True)) == [(n, n * 10) for n in range(5)]
    with pytest.raises(ValueError, match="page 5"):
        list(ahead(page, range(10), threaded=True))
    assert max(read) == 5


def test_pages_read_ahead_stop_when_the_reader_stops() -> None:
    """Closed early, the reading thread ends after at most the page it was reading: nothing is
    read on the connection after that."""
    read: list[int] = []
    threads = threading.active_count()
    pages = ahead(lambda n: read.append(n) or n, range(1000), threaded=True)
    assert next(pages) == (0, 0)
    pages.close()
    after = len(read)
    assert after <= 3 and threading.active_count() == threads
    assert len(read) == after


def test_a_connection_of_one_thread_is_read_in_this_thread() -> None:
    own = sqlite3.connect(":memory:")
    shared = sqlite3.connect(":memory:", check_same_thread=False)
    assert not shared_across_threads(own) and shared_across_threads(shared)
    assert not ahead_module.shared_across_threads(object())
    own.close()
    shared.close()


def test_the_pages_are_ranges_of_the_station_seq_index(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "plans.db")
    upgrade(conn)
    for statement in (SEALED_RANGE, LINE_RANGE):
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", ("ST", 0, 10, '"ST"'))]
        assert len(plan) == 1 and plan[0].startswith("SEARCH event USING INDEX "), plan
        assert plan[0].endswith("(station_id=? AND seq>? AND seq<?)"), plan
    conn.close()
