"""Export → import round trips, idempotence, personal data, gaps held back and released."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from data.store.tables import CASE, CHECKIN, EVENT, PENDING, WHISTLE
from data.store.verify import verify
from data.sync.bundle import BundleRefused
from data.sync.export import export_bundle
from data.sync.importer import Outcome, import_bundle
from data.write.commands.cases import blow_whistle, transition
from data.write.commands.checkins import act, arrive
from data.write.commands.reference import add_operator
from models.clock import FrozenClock
from models.enums import Grade, Role
from models.errors import DomainError
from models.lifecycle import Action
from tests.unit.sync_support import (
    events_of,
    new_case,
    open_station,
    table_dump,
    trust_each_other,
)

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def busy_case(a, clock: FrozenClock) -> str:  # type: ignore[no-untyped-def]
    case_id = new_case(a)
    a.run(transition, case_id, Action.TRIAGE)
    whistle = a.run(blow_whistle, case_id, grade=Grade.URGENT, departments=["CGZF", "GA"])
    clock.advance(timedelta(minutes=12))
    with a.engine.connect() as conn:
        checkin = conn.execute(select(CHECKIN.c.id).where(CHECKIN.c.whistle_id == whistle)).scalars().first()
    a.run(arrive, checkin, person="李队长")
    a.run(act, checkin, action="现场劝离", result="已清理")
    return case_id


def test_round_trip_into_an_empty_database(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    case_id = busy_case(a, clock)
    result = export_bundle(a, tmp_path / "a.bundle")
    imported = import_bundle(b, tmp_path / "a.bundle")
    assert imported.outcome is Outcome.APPLIED and imported.applied == result.count
    for tbl in (CASE, WHISTLE, CHECKIN):
        where = tbl.c["id" if tbl is CASE else "case_id"] == case_id
        with a.engine.connect() as ca, b.engine.connect() as cb:
            want = [dict(r) for r in ca.execute(select(tbl).where(where)).mappings()]
            got = [dict(r) for r in cb.execute(select(tbl).where(where)).mappings()]
        if tbl is CASE:
            # The reporter stays with the owning station unless a supervisor exports it.
            assert want[0]["reporter_phone"] == "13812345678"
            want = [{**r, "reporter_name": None, "reporter_phone": None} for r in want]
        assert got == want and got
    timeline = select(EVENT.c.seq, EVENT.c.at, EVENT.c.operator, EVENT.c.type, EVENT.c.payload).where(
        EVENT.c.subject == case_id
    )
    with a.engine.connect() as ca, b.engine.connect() as cb:
        want_timeline = ca.execute(timeline.order_by(EVENT.c.seq)).all()
        assert cb.execute(timeline.order_by(EVENT.c.seq)).all() == want_timeline
    assert [r.type for r in want_timeline][:3] == ["case.received", "case.triage", "whistle.blown"]
    assert events_of(b, "ST-A") == events_of(a, "ST-A", upto=result.last_seq)
    report = verify(b.engine)
    assert report.ok, report.problems


def test_second_import_changes_nothing(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    busy_case(a, clock)
    export_bundle(a, tmp_path / "a.bundle")
    import_bundle(b, tmp_path / "a.bundle")
    before = table_dump(tmp_path / "ST-B.db")
    again = import_bundle(b, tmp_path / "a.bundle")
    assert again.outcome is Outcome.NOTHING_NEW and again.applied == 0
    assert table_dump(tmp_path / "ST-B.db") == before


def test_personal_data_only_on_a_supervisors_request(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    case_id = new_case(a, phone="13912345678")
    a.run(add_operator, name="小王", role=Role.OPERATOR)
    clerk = open_station(tmp_path, "ST-A", clock, operator="小王", signed_in=False)
    before = table_dump(tmp_path / "ST-A.db")
    with pytest.raises(DomainError) as refused:
        export_bundle(clerk, tmp_path / "p.bundle", include_personal=True)
    assert refused.value.key == "auth.needs_supervisor" and "小王" in str(refused.value)
    assert table_dump(tmp_path / "ST-A.db") == before
    assert not (tmp_path / "p.bundle").exists()

    plain = tmp_path / "plain.bundle"
    export_bundle(a, plain, since=0)
    assert b"13912345678" not in _events_text(plain)
    personal = tmp_path / "personal.bundle"
    export_bundle(a, personal, since=0, include_personal=True)
    assert "13912345678" in _events_text(personal).decode()
    with a.engine.connect() as conn:
        last = (
            conn.execute(
                select(EVENT.c.payload).where(EVENT.c.type == "sync.exported").order_by(EVENT.c.seq.desc())
            )
            .scalars()
            .first()
        )
    assert last is not None and json.loads(last)["include_personal"] is True
    import_bundle(b, personal)
    with b.engine.connect() as conn:
        row = conn.execute(select(CASE).where(CASE.c.id == case_id)).one()
    assert (row.reporter_name, row.reporter_phone) == ("张三", "13912345678")


def _events_text(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("events.jsonl")


def test_a_gap_is_held_back_reported_and_filled(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    files = []
    for n in range(3):
        new_case(a)
        files.append(export_bundle(a, tmp_path / f"a{n}.bundle"))
    import_bundle(b, files[0].path)
    held = import_bundle(b, files[2].path)
    assert held.outcome is Outcome.HELD and held.hold_reason == "gap"
    assert held.missing == [(files[1].first_seq, files[1].last_seq)]
    assert events_of(b, "ST-A") == events_of(a, "ST-A", upto=files[0].last_seq)
    # The same held bundle again: still held, nothing more written.
    before = table_dump(tmp_path / "ST-B.db")
    assert import_bundle(b, files[2].path).outcome is Outcome.HELD
    assert table_dump(tmp_path / "ST-B.db") == before

    filled = import_bundle(b, files[1].path)
    assert filled.outcome is Outcome.APPLIED and filled.missing == []
    assert filled.released == [("ST-A", files[2].first_seq, files[2].last_seq)]
    assert events_of(b, "ST-A") == events_of(a, "ST-A", upto=files[2].last_seq)
    with b.engine.connect() as conn:
        assert conn.execute(select(PENDING)).all() == []
    assert verify(b.engine).ok


def _clone(src: Path, dst: Path) -> None:
    """A second copy of a station (same id, same key) that will go its own way: a fork."""
    with sqlite3.connect(src) as s, sqlite3.connect(dst) as d:
        s.backup(d)
    Path(f"{dst}.key").write_bytes(Path(f"{src}.key").read_bytes())


def test_the_chain_across_a_gap_is_checked_when_the_gap_is_filled(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    first = export_bundle(a, tmp_path / "a1.bundle")
    twin_dir = tmp_path / "twin"
    twin_dir.mkdir()
    _clone(tmp_path / "ST-A.db", twin_dir / "ST-A.db")
    twin = open_station(twin_dir, "ST-A", clock, signed_in=False)
    new_case(a)
    real = export_bundle(a, tmp_path / "a2.bundle")
    new_case(twin)
    forged = export_bundle(twin, tmp_path / "t2.bundle")
    new_case(twin)
    later = export_bundle(twin, tmp_path / "t3.bundle")
    assert (real.first_seq, real.last_seq) == (forged.first_seq, forged.last_seq)

    import_bundle(b, first.path)
    assert import_bundle(b, later.path).outcome is Outcome.HELD
    filled = import_bundle(b, real.path)
    assert filled.outcome is Outcome.APPLIED and filled.released == []
    assert len(filled.refused_held) == 1
    with b.engine.connect() as conn:
        assert conn.execute(select(PENDING)).all() == []
        reasons = [
            json.loads(p)["reason"]
            for p in conn.execute(select(EVENT.c.payload).where(EVENT.c.type == "sync.refused")).scalars()
        ]
    assert reasons == ["sync.refuse.fork"]
    assert events_of(b, "ST-A") == events_of(a, "ST-A", upto=real.last_seq)
    with pytest.raises(BundleRefused) as exc:
        import_bundle(b, forged.path)
    assert exc.value.key == "sync.refuse.fork"
    assert verify(b.engine).ok


def test_a_bundle_needing_another_stations_records_waits_for_them(tmp_path: Path) -> None:
    """B whistles a department A added; C gets B's bundle first, then A's."""
    from data.write.commands.reference import upsert_department

    clock = FrozenClock(NOW)
    a, b, c = (open_station(tmp_path, n, clock) for n in ("ST-A", "ST-B", "ST-C"))
    trust_each_other([a, b, c])
    a.run(upsert_department, code="RF", name="人防办")
    from_a = export_bundle(a, tmp_path / "a.bundle")
    import_bundle(b, from_a.path)
    case_id = new_case(b)
    b.run(transition, case_id, Action.TRIAGE)
    b.run(blow_whistle, case_id, grade=Grade.REGULAR, departments=["RF"])
    from_b = export_bundle(b, tmp_path / "b.bundle")

    held = import_bundle(c, from_b.path)
    assert held.outcome is Outcome.HELD and held.hold_reason == "depends" and held.missing == []
    assert events_of(c, "ST-B") == []
    released = import_bundle(c, from_a.path)
    assert released.released == [("ST-B", from_b.first_seq, from_b.last_seq)]
    assert events_of(c, "ST-B") == events_of(b, "ST-B", upto=from_b.last_seq)
    assert verify(c.engine).ok
