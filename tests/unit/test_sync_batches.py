"""An import reads the bundle as a stream and applies it a batch at a time: the reader is
never more than one batch ahead of the apply, the event rows of a batch go in through one
prepared statement, and a row the log refuses is still named by its sequence number, with
nothing changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event

from data.store.keys import key_path_for, load_private
from data.sync import importer
from data.sync.bundle import Archive, BundleRefused, event_line, line_of_hashed
from data.sync.export import db_path_of, export_bundle
from data.sync.importer import Outcome, import_bundle
from models.clock import FrozenClock
from models.errors import DomainError
from models.events import EventRecord, canonical, seal
from tests.unit.sync_craft import entries, rechained
from tests.unit.sync_support import events_of, new_case, open_station, table_dump, trust_each_other

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _stations(tmp_path: Path, cases: int) -> tuple[Any, Any, Path]:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    for n in range(cases):
        new_case(a, phone=f"138123456{n:02d}")
    export_bundle(a, tmp_path / "a.bundle")
    return a, b, tmp_path / "a.bundle"


def test_the_reader_is_never_more_than_one_batch_ahead_of_the_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, path = _stations(tmp_path, 6)
    monkeypatch.setattr(importer, "BATCH", 4)
    read, applied, lead = [0], [0], []
    events = Archive.events

    def counted(self: Archive) -> Iterator[EventRecord]:
        for record in events(self):
            read[0] += 1
            yield record

    def apply(conn: Connection, record: EventRecord, **options: Any) -> None:
        applied[0] += 1
        lead.append(read[0] - applied[0])
        real_apply(conn, record, **options)

    real_apply = importer.apply_event
    monkeypatch.setattr(Archive, "events", counted)
    monkeypatch.setattr(importer, "apply_event", apply)
    result = import_bundle(b, path)
    assert result.outcome is Outcome.APPLIED and result.applied == applied[0] > 3 * 4
    assert max(lead) < 4  # at most the rest of the batch being applied was read ahead
    got = events_of(b, "ST-A")
    assert got == events_of(a, "ST-A")[: len(got)] and len(got) == result.applied


def test_an_event_whose_id_the_log_holds_is_refused_by_its_seq_and_changes_nothing(tmp_path: Path) -> None:
    a, b, path = _stations(tmp_path, 3)
    key = load_private(key_path_for(db_path_of(a)))
    taken = events_of(b, "ST-B")[0][1]  # an id the receiver's own log holds

    def reuse(events: list[dict[str, Any]]) -> None:
        events[-2]["id"] = taken

    path.write_bytes(rechained(path.read_bytes(), key, reuse))
    seq = json.loads(entries(path.read_bytes())["manifest.json"])["last_seq"] - 1
    before = table_dump(db_path_of(b))
    with pytest.raises(BundleRefused) as refused:
        import_bundle(b, path)
    assert refused.value.key == "sync.refuse.conflict" and refused.value.params["seq"] == seq
    after = table_dump(db_path_of(b))
    assert events_of(b, "ST-A") == []  # none of the bundle; the refusal is recorded by one event
    assert {k: v for k, v in after.items() if k != "event"} == {
        k: v for k, v in before.items() if k != "event"
    }


@pytest.mark.parametrize("personal", [None, {"reporter_name": "张三", "reporter_phone": "13812345678"}])
@pytest.mark.parametrize("include", [False, True])
def test_an_exported_line_is_the_canonical_line_whichever_way_it_is_made(
    personal: dict[str, str] | None, include: bool
) -> None:
    record = seal(
        id="019cd578-f500-7037-9c6f-04f599df5021",
        station_id="ST-A",
        seq=7,
        operator='值班员 "甲"',
        at=NOW,
        type="case.received",
        subject="c-1",
        payload={"id": "c-1", "note": 'a "quoted", \\n line', "at": "2026-03-10T02:00:00Z"},
        personal=personal,
        prev_hash="0" * 64,
    )
    hashed = canonical(record.hashed_part())
    line = line_of_hashed(record, hashed, include)
    assert line == event_line(record, include)
    assert json.loads(line) == {
        **json.loads(hashed),
        "hash": record.hash,
        **({"personal": personal} if include and personal else {}),
    }


@pytest.mark.parametrize("cases", [3, 24])
def test_a_batch_reads_its_cases_totals_in_a_few_statements_however_many_cases_it_touches(
    tmp_path: Path, cases: int
) -> None:
    """The assessment's totals read each case's part before the batch's first event about
    it: all of them at the start of the batch, and all again at its end, not one read (and
    one flush of the rows written behind) for each case the batch touches."""
    _a, b, path = _stations(tmp_path, cases)
    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM case_file" in statement:
            reads.append(statement)

    event.listen(b.engine, "before_cursor_execute", seen)
    try:
        assert import_bundle(b, path).applied > cases
    finally:
        event.remove(b.engine, "before_cursor_execute", seen)
    totals_reads = [s for s in reads if "case_file.feedback_at" in s]
    assert 1 <= len(totals_reads) <= 2, len(totals_reads)


def _parts_station(tmp_path: Path, cases: int) -> tuple[Any, Any, Any]:
    clock = FrozenClock(NOW)
    a, b, c = (open_station(tmp_path, s, clock) for s in ("ST-A", "ST-B", "ST-C"))
    trust_each_other([a, b, c])
    for n in range(cases):
        new_case(a, phone=f"138123456{n:02d}")
    return a, b, c


def test_a_history_bigger_than_one_bundle_goes_out_in_several_that_import_in_any_order(
    tmp_path: Path,
) -> None:
    """A station's history is split into as many bundles as the receivers' limits need (a
    million-case station wrote 9.2 GB of events and was then refused at its own read-back,
    one bundle holding at most 2 GiB): each a whole bundle, imported in any order."""
    a, b, c = _parts_station(tmp_path, 6)
    a.rules.settings.sync.bundle_events = 7
    whole = export_bundle(a, tmp_path / "a.bundle", since=0)
    files = [whole.path, *whole.more]
    assert len(files) >= 3 and whole.more[0].name == "a.2.bundle"
    counts = []
    for path in files:
        with Archive(path, a.rules.settings.sync) as archive:
            counts.append(archive.manifest["count"])
    assert max(counts) <= 7 and sum(counts) == whole.count == whole.last_seq - whole.first_seq + 1
    for path in reversed(files):  # the last first: held until the earlier ones come
        import_bundle(b, path)
    a.rules.settings.sync.bundle_events = 5_000_000
    import_bundle(c, export_bundle(a, tmp_path / "one.bundle", since=0).path)
    assert events_of(b, "ST-A", upto=whole.last_seq) == events_of(c, "ST-A", upto=whole.last_seq)
    assert len(events_of(b, "ST-A", upto=whole.last_seq)) == whole.count


def test_the_bundles_are_split_by_their_bytes_too_and_an_event_no_bundle_holds_is_refused(
    tmp_path: Path,
) -> None:
    a, b, _c = _parts_station(tmp_path, 4)
    a.rules.settings.sync.bundle_bytes = 6000
    whole = export_bundle(a, tmp_path / "a.bundle", since=0)
    assert whole.more
    for path in [whole.path, *whole.more]:
        with Archive(path, a.rules.settings.sync) as archive:
            assert 0 < archive.manifest["events_bytes"] <= 6000
        import_bundle(b, path)
    a.rules.settings.sync.bundle_bytes = 10
    with pytest.raises(DomainError) as refused:
        export_bundle(a, tmp_path / "tiny.bundle", since=0)
    assert refused.value.key == "sync.error.line_too_big"
    assert not list(tmp_path.glob("tiny*"))
