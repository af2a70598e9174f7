"""verify holds the chains to the signed heads stations exchange, checks the derived tables
and names a malformed event (issue 13): the tampering a recomputed chain hides is found."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from data.store.db import open_sync
from data.store.eventlog import record_from_row
from data.store.tables import EVENT
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.reference import upsert_department
from models.clock import FrozenClock
from models.events import GENESIS
from tests.unit.sync_support import new_case, open_station, trust_each_other
from tui.cli import main

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["verify", "--db", str(path), "--lang", "en"])
    out = capsys.readouterr()
    return code, out.out + out.err


def _sql(path: Path, *statements: str, params: tuple[Any, ...] = ()) -> list[Any]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS event_no_update")
        conn.execute("DROP TRIGGER IF EXISTS event_no_delete")
        rows: list[Any] = []
        for statement in statements:
            rows = conn.execute(statement, params if "?" in statement else ()).fetchall()
        return rows
    finally:
        conn.close()


def _rechain(path: Path, station: str, start: int, **changes: Any) -> None:
    """Recompute the chain of ``station`` from ``start`` on, as anyone with the file can;
    ``changes`` rewrite the event at ``start`` first (payload, at ...)."""
    _sql(path, "SELECT 1")
    engine = open_sync(path)
    try:
        with engine.begin() as conn:
            prev = GENESIS
            if start > 1:
                prev = conn.execute(
                    select(EVENT.c.hash).where((EVENT.c.station_id == station) & (EVENT.c.seq == start - 1))
                ).scalar_one()
            rows = conn.execute(
                select(EVENT)
                .where((EVENT.c.station_id == station) & (EVENT.c.seq >= start))
                .order_by(EVENT.c.seq)
            ).all()
            for row in rows:
                record = record_from_row(row)
                if row.seq == start and changes:
                    record = dataclasses.replace(record, **changes)
                record = dataclasses.replace(record, prev_hash=prev)
                record = dataclasses.replace(record, hash=record.computed_hash())
                values = {"prev_hash": record.prev_hash, "hash": record.hash}
                if row.seq == start and changes:
                    values["payload"] = conn.exec_driver_sql(
                        "SELECT json(?)", (_json(record.payload),)
                    ).scalar()
                    values["at"] = record.at
                conn.execute(update(EVENT).where(EVENT.c.id == row.id).values(**values))
                prev = record.hash
    finally:
        engine.dispose()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Exchanged:
    """A receives a case and exports (signing its head); B imports and exports (sending A's
    head back); A imports B's bundle: A's file now holds its head as kept by B."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.clock = FrozenClock(NOW)
        a = open_station(tmp, "ST-A", self.clock)
        b = open_station(tmp, "ST-B", self.clock)
        trust_each_other([a, b])
        self.case = new_case(a)
        self.backup = tmp / "ST-A.backup.db"
        src, dst = sqlite3.connect(tmp / "ST-A.db"), sqlite3.connect(self.backup)
        src.backup(dst)  # a copy taken before the last case
        dst.close()
        src.close()
        self.clock.advance(minutes=5)
        self.last_case = new_case(a)
        export_bundle(a, tmp / "a.bundle")
        self.clock.advance(minutes=5)
        import_bundle(b, tmp / "a.bundle")
        export_bundle(b, tmp / "b.bundle")
        self.clock.advance(minutes=5)
        import_bundle(a, tmp / "b.bundle")
        a.close()
        b.close()
        self.a = tmp / "ST-A.db"
        # the head A signed at its export, and the copy of it B sent back
        ((self.signed,),) = [
            tuple(r)
            for r in _sql(
                self.a, "SELECT seq FROM signed_head WHERE station_id = 'ST-A' AND via_station = 'ST-B'"
            )
        ]


@pytest.fixture
def world(tmp_path: Path) -> Exchanged:
    return Exchanged(tmp_path)


def test_the_exchange_itself_verifies(world: Exchanged, capsys: pytest.CaptureFixture[str]) -> None:
    assert _verify(world.a, capsys)[0] == 0
    assert _verify(world.tmp / "ST-B.db", capsys)[0] == 0


def test_a_payload_rewritten_with_the_chain_recomputed_is_a_rewritten_history(
    world: Exchanged, capsys: pytest.CaptureFixture[str]
) -> None:
    (seq, payload) = _sql(
        world.a,
        "SELECT seq, payload FROM event WHERE station_id = 'ST-A' AND type = 'case.received' "
        "ORDER BY seq LIMIT 1",
    )[0]
    changed = {**json.loads(payload), "description": "改写过的描述"}
    _rechain(world.a, "ST-A", seq, payload=changed)
    _sql(world.a, "UPDATE case_file SET description = '改写过的描述' WHERE id = ?", params=(world.case,))
    code, text = _verify(world.a, capsys)
    assert code == 1 and "rewritten history" in text and "ST-A" in text


def test_an_event_deleted_and_the_chain_renumbered_is_a_rewritten_history(
    world: Exchanged, capsys: pytest.CaptureFixture[str]
) -> None:
    # the event that announced A's key goes (its effect is local bookkeeping, which the replay
    # leaves alone); every later event moves up one and the chain is recomputed
    ((seq,),) = _sql(world.a, "SELECT seq FROM event WHERE station_id = 'ST-A' AND type = 'station.key'")
    _sql(
        world.a,
        f"DELETE FROM event WHERE station_id = 'ST-A' AND seq = {seq}",
        f"UPDATE event SET seq = seq - 1 WHERE station_id = 'ST-A' AND seq > {seq}",
    )
    _rechain(world.a, "ST-A", seq)
    code, text = _verify(world.a, capsys)
    assert code == 1 and "rewritten history" in text


def test_a_forged_tail_that_chains_correctly_is_found_by_the_head_kept_elsewhere(
    world: Exchanged, capsys: pytest.CaptureFixture[str]
) -> None:
    # Replace A's last case before the export by a forged one, drop everything A wrote after
    # it (its own signed heads too, events and rows), re-chain: only B's copy of the head remains.
    n = world.signed
    _sql(
        world.a,
        f"DELETE FROM signed_head WHERE via_station = 'ST-A' AND via_seq > {n}",
        f"DELETE FROM event WHERE station_id = 'ST-A' AND seq > {n}",
    )
    ((payload,),) = _sql(world.a, f"SELECT payload FROM event WHERE station_id = 'ST-A' AND seq = {n}")
    forged = json.loads(payload)
    forged["description"] = forged.get("description", "") + "（伪造）"
    _rechain(world.a, "ST-A", n, payload=forged)
    code, text = _verify(world.a, capsys)
    assert code == 1 and "forged tail" in text and f"event {n}" in text


def test_a_file_rolled_back_to_an_older_copy_is_found_by_the_head_kept_elsewhere(
    world: Exchanged, capsys: pytest.CaptureFixture[str]
) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{world.a}{suffix}").unlink(missing_ok=True)
    shutil.copy(world.backup, world.a)  # the copy from before the last case and the export
    station = open_station(world.tmp, "ST-A", FrozenClock(NOW + timedelta(hours=1)))
    import_bundle(station, world.tmp / "b.bundle")  # B's bundle brings A's signed head back
    station.close()
    code, text = _verify(world.a, capsys)
    assert code == 1 and "rollback" in text and "ST-A" in text


def test_a_truncated_tail_is_found_by_the_stations_own_signed_head(
    world: Exchanged, capsys: pytest.CaptureFixture[str]
) -> None:
    station = open_station(world.tmp, "ST-A", FrozenClock(NOW + timedelta(hours=1)))
    station.run(upsert_department, code="CGZF", name="城管执法队", contact="值班 6666")
    main(["head", "sign", "--db", str(world.a), "--lang", "en"])
    station.close()
    capsys.readouterr()
    ((head,),) = _sql(world.a, "SELECT max(seq) FROM signed_head WHERE via_station = 'ST-A'")
    # the department edit and the signed head event go; the edit's row is put back as it was
    _sql(
        world.a,
        f"DELETE FROM event WHERE station_id = 'ST-A' AND seq >= {head}",
        "UPDATE department SET contact = '' WHERE code = 'CGZF'",
    )
    code, text = _verify(world.a, capsys)
    assert code == 1 and "truncated tail" in text


@pytest.mark.parametrize(
    ("change", "table"),
    [
        ("UPDATE queue_key SET open = 0 WHERE case_id = ?", "queue_key"),
        (
            "DELETE FROM case_search WHERE rowid = (SELECT n FROM case_search_key WHERE case_id = ?)",
            "case_search",
        ),
    ],
)
def test_derived_tables_altered_are_named(
    world: Exchanged, capsys: pytest.CaptureFixture[str], change: str, table: str
) -> None:
    _sql(world.a, change, params=(world.case,))
    code, text = _verify(world.a, capsys)
    assert code == 1 and table in text and world.case in text
    code, text = _verify_quick(world.a, capsys)
    assert code == 1 and table in text


def _verify_quick(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["verify", "--quick", "--db", str(path), "--lang", "en"])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_an_event_whose_payload_is_not_json_is_named_not_a_traceback(
    world: Exchanged, capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(world.a, "UPDATE event SET payload = '{\"id\": ' WHERE station_id = 'ST-A' AND seq = 3")
    code, text = _verify(world.a, capsys)
    assert code == 1 and "station ST-A event 3" in text and "not a valid JSON" in text
    assert "Traceback" not in text
