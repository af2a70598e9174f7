"""A district can trust the exchange (issue 13): a bundle cannot change another station's
records or shared reference rows, every payload is typed and bounded, memory stays bounded
whatever the file, and held bundles are bounded and managed by a supervisor."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from data.store import apply, eventlog
from data.store.apply import HANDLERS
from data.store.keys import key_path_for, load_private
from data.store.ownership import TOUCHES
from data.store.tables import CALENDAR_YEAR
from data.store.verify import verify
from data.sync import bundle
from data.sync.bundle import BundleRefused
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.common import Ctx
from data.write.commands.reference import add_operator, upsert_department
from data.write.commands.sync import trust_station
from data.write.commands.working_time import load_calendar_year
from data.write.session import refresh_calendar
from models.calendar import parse_year_table
from models.clock import FrozenClock
from models.enums import Role
from models.errors import DomainError
from models.payloads import SCHEMAS
from tests.unit.calendar_support import TABLE_2027
from tests.unit.sync_craft import bomb, entries, rechained
from tests.unit.sync_support import new_case, open_station, public_key, table_dump, trust_each_other
from tui.cli import main

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


class World:
    """Stations A and B trusting each other; A has received one case and exported it."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.clock = FrozenClock(NOW)
        self.a = open_station(tmp, "ST-A", clock=self.clock)
        self.b = open_station(tmp, "ST-B", clock=self.clock)
        trust_each_other([self.a, self.b])
        self.case = new_case(self.a)
        self.good_path = export_bundle(self.a, tmp / "good.bundle").path
        self.good = self.good_path.read_bytes()
        self.key = load_private(key_path_for(tmp / "ST-A.db"))

    def close(self) -> None:
        self.a.close()
        self.b.close()


def _only_the_refusal_added(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> None:
    for name in before:
        if name != "event":
            assert after[name] == before[name], f"{name} changed"
    added = [r for r in after["event"] if r not in before["event"]]
    assert len(added) == 1 and "sync.refused" in added[0]


def refused(service: Any, path: Path, raw: bytes | None = None) -> BundleRefused:
    """Import, expect a refusal that changes nothing but records itself."""
    if raw is not None:
        path.write_bytes(raw)
    db = Path(str(service.engine.url.database))
    before = table_dump(db)
    with pytest.raises(BundleRefused) as exc:
        import_bundle(service, path)
    _only_the_refusal_added(before, table_dump(db))
    return exc.value


def _received(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["type"] == "case.received")


# ---- ownership by what is touched ------------------------------------------------------


@pytest.mark.parametrize("subject", ["none", "own case"])
@pytest.mark.parametrize("type_", ["case.corrected", "case.reject"])
def test_a_station_cannot_change_another_stations_case_named_in_its_payload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subject: str, type_: str
) -> None:
    w = World(tmp_path)
    import_bundle(w.b, w.good_path)
    own = new_case(w.b)
    payload: dict[str, Any] = (
        {
            "id": w.case,
            "changes": {"description": {"from": "x", "to": "被改写"}},
            "reason": "冲正",
            "personal_fields": [],
        }
        if type_ == "case.corrected"
        else {"id": w.case, "from": "received", "to": "rejected", "reason": "不属于执法事项"}
    )

    def forged(ctx: Ctx) -> None:
        ctx.w.emit(type_, None if subject == "none" else own, payload)

    with monkeypatch.context() as patch:  # B's own code does not check: it signs it anyway
        patch.setattr(apply, "check_owner", lambda conn, record: None)
        # nor applies it (a correction's handler refuses a payload case other than its subject)
        patch.setitem(HANDLERS, type_, lambda conn, record: None)
        w.b.run(forged)
    export_bundle(w.b, tmp_path / "b.bundle")
    exc = refused(w.a, tmp_path / "b.bundle")
    assert exc.key == "sync.refuse.not_owner" and "ST-A" in str(exc)


def test_every_event_type_has_a_schema_and_declares_what_it_touches() -> None:
    assert set(HANDLERS) - set(SCHEMAS) == set(), "a new event type needs a schema in models/payloads.py"
    assert set(HANDLERS) - set(TOUCHES) == set(), "a new event type declares its rows in ownership.TOUCHES"
    assert set(SCHEMAS) - set(HANDLERS) == set()


# ---- shared reference rows: one authority, ordered by its own sequence -------------------

HIGHEST_ID = "ffffffff-ffff-7fff-bfff-ffffffffffff"


def _department(service: Any, code: str = "CGZF") -> tuple[Any, ...]:
    with service.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT active, contact FROM department WHERE code = ?", (code,)).one()
    return tuple(row)


def test_a_peers_edit_with_the_highest_id_does_not_change_this_stations_reference_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(eventlog, "uuid7", lambda at: HIGHEST_ID)
        w.b.run(upsert_department, code="CGZF", name="城管执法队", active=False, contact="被停用")
    export_bundle(w.b, tmp_path / "b.bundle")
    before = _department(w.a)
    assert import_bundle(w.a, tmp_path / "b.bundle").applied > 0
    assert _department(w.a) == before == (1, "")


def test_the_districts_edits_follow_its_own_sequence_not_the_ids_it_chose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(tmp_path)
    w.a.run(trust_station, "ST-B", public_key(w.b), district=True)  # B is A's district
    with monkeypatch.context() as patch:
        patch.setattr(eventlog, "uuid7", lambda at: HIGHEST_ID)
        w.b.run(upsert_department, code="CGZF", name="城管执法队", active=False, contact="停用")
    w.b.run(upsert_department, code="CGZF", name="城管执法队", active=True, contact="值班 6666")
    export_bundle(w.b, tmp_path / "b.bundle")
    import_bundle(w.a, tmp_path / "b.bundle")
    assert _department(w.a) == (1, "值班 6666")
    # and the station's own override outranks its district
    w.a.run(upsert_department, code="CGZF", name="城管执法队", contact="本站 8888")
    w.b.run(upsert_department, code="CGZF", name="城管执法队", contact="区 9999")
    export_bundle(w.b, tmp_path / "b2.bundle")
    import_bundle(w.a, tmp_path / "b2.bundle")
    assert _department(w.a) == (1, "本站 8888")


# ---- every payload typed and bounded -----------------------------------------------------


def _set_description(value: Any) -> Any:
    def change(events: list[dict[str, Any]]) -> None:
        _received(events)["payload"]["description"] = value

    return change


def test_a_50_mb_description_is_refused_at_once(tmp_path: Path) -> None:
    w = World(tmp_path)
    raw = rechained(w.good, w.key, _set_description("占道" * (25 * 1024 * 1024)))
    exc = refused(w.b, tmp_path / "big.bundle", raw)
    assert exc.key == "sync.refuse.line_too_long"


def test_a_description_over_4000_characters_is_refused_naming_station_seq_and_field(tmp_path: Path) -> None:
    w = World(tmp_path)
    raw = rechained(w.good, w.key, _set_description("占" * 4001))
    exc = refused(w.b, tmp_path / "long.bundle", raw)
    seq = _received([json.loads(x) for x in entries(raw)["events.jsonl"].splitlines()])["seq"]
    assert exc.key == "sync.refuse.bad_payload"
    assert exc.params["station"] == "ST-A" and exc.params["seq"] == seq
    assert exc.params["field"] == "payload.description"


def test_a_nul_character_in_a_payload_is_refused(tmp_path: Path) -> None:
    w = World(tmp_path)
    exc = refused(w.b, tmp_path / "nul.bundle", rechained(w.good, w.key, _set_description("占道\x00经营")))
    assert exc.key == "sync.refuse.bad_payload" and exc.params["field"] == "payload.description"
    assert exc.params["detail"] == "Value error, control character U+0000"


def _number_as_list(events: list[dict[str, Any]]) -> None:
    _received(events)["payload"]["number"] = ["SJ", 1]


def _renumbered(events: list[dict[str, Any]]) -> None:
    for i, event in enumerate(events):
        event["seq"] = 2**64 + i


CONFUSED = {
    "description as an object": (
        lambda w: rechained(w.good, w.key, _set_description({"$gt": ""})),
        "payload.description",
    ),
    "case number as a list": (lambda w: rechained(w.good, w.key, _number_as_list), "payload.number"),
    "sequence number 2^64": (
        lambda w: rechained(
            w.good,
            w.key,
            _renumbered,
            first_seq=2**64,
            last_seq=2**64 + len(entries(w.good)["events.jsonl"].splitlines()) - 1,
        ),
        "first_seq",
    ),
}


@pytest.mark.parametrize("case", list(CONFUSED))
def test_type_confusion_is_refused_cleanly_with_one_line_and_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    w = World(tmp_path)
    make, field = CONFUSED[case]
    bad = tmp_path / "confused.bundle"
    bad.write_bytes(make(w))
    w.close()
    before = table_dump(tmp_path / "ST-B.db")
    code = main(["import", str(bad), "--db", str(tmp_path / "ST-B.db"), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Refused to import confused.bundle" in err and field in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    _only_the_refusal_added(before, table_dump(tmp_path / "ST-B.db"))


# ---- bounded memory ----------------------------------------------------------------------

PEAK_SCRIPT = """
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from data.sync.bundle import BundleRefused
from data.sync.importer import import_bundle
from models.clock import FrozenClock
from tests.unit.sync_support import open_station

station = open_station(
    Path(sys.argv[1]), "ST-B", FrozenClock(datetime(2026, 3, 10, 2, tzinfo=UTC)), signed_in=False
)
try:
    import_bundle(station, Path(sys.argv[2]))
    print("applied")
except BundleRefused as exc:
    print("refused", exc.key)
# this process's own high-water mark (ru_maxrss would carry over the parent's from the fork)
status = Path("/proc/self/status").read_text()
print(next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")))
"""

GB = 1024**3


def _bombs(w: World) -> dict[str, bytes]:
    manifest = json.loads(entries(w.good)["manifest.json"])
    block = b"a" * (1024 * 1024)
    line = entries(w.good)["events.jsonl"].splitlines(keepends=True)[0]
    return {
        # one endless line, 4 GB once inflated, the manifest honest about nothing but signed
        "4 GB of one line": bomb({**manifest, "events_bytes": GB + GB // 2}, w.key, block=block, times=4095),
        # lines that look like events, many times over
        "1 GB of repeated events": bomb(
            {**manifest, "events_bytes": GB + GB // 2},
            w.key,
            block=line * 2000,
            times=GB // (len(line) * 2000),
        ),
        # a manifest claiming sizes beyond any limit
        "a manifest claiming 4 GB": bomb(
            {**manifest, "events_bytes": 4 * GB - 1}, w.key, block=block, times=4095
        ),
    }


@pytest.mark.parametrize("case", ["4 GB of one line", "1 GB of repeated events", "a manifest claiming 4 GB"])
def test_a_zip_bomb_is_refused_with_bounded_memory_and_the_file_unchanged(tmp_path: Path, case: str) -> None:
    w = World(tmp_path)
    path = tmp_path / "bomb.bundle"
    path.write_bytes(_bombs(w)[case])
    assert path.stat().st_size < 8 * 1024 * 1024
    w.close()
    before = table_dump(tmp_path / "ST-B.db")
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(tmp_path), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    outcome, peak_kb = done.stdout.split("\n")[:2]
    assert outcome.startswith("refused")
    assert int(peak_kb) < 300 * 1024, f"peak {int(peak_kb) // 1024} MB"
    _only_the_refusal_added(before, table_dump(tmp_path / "ST-B.db"))


def test_the_signature_is_checked_before_any_event_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    w = World(tmp_path)
    manifest = json.loads(entries(w.good)["manifest.json"])
    read: list[int] = []
    original = bundle.Archive.lines

    def counting(self: bundle.Archive) -> Any:
        read.append(1)
        return original(self)

    monkeypatch.setattr(bundle.Archive, "lines", counting)
    raw = bomb(manifest, Ed25519PrivateKey.generate(), block=b"a" * 1024 * 1024, times=1024)
    assert refused(w.b, tmp_path / "wrong-key.bundle", raw).key == "sync.refuse.bad_signature"
    assert read == []


# ---- held bundles bounded, listed, dropped ------------------------------------------------


def _gapped(w: World, count: int) -> list[Path]:
    """``count`` bundles of A, each after the first export, none importable at B without the
    one before it (which B never gets)."""
    w.a.run(add_operator, name="小李", role=Role.OPERATOR)
    export_bundle(w.a, w.tmp / "skipped.bundle")
    paths = []
    for i in range(count):
        w.a.run(add_operator, name=f"值班{i}", role=Role.OPERATOR)
        paths.append(export_bundle(w.a, w.tmp / f"later{i}.bundle").path)
    return paths


def test_held_bundles_are_bounded_per_station(tmp_path: Path) -> None:
    w = World(tmp_path)
    import_bundle(w.b, w.good_path)
    w.b.rules.settings.sync.held_bundles = 2
    first, second, third = _gapped(w, 3)
    for path in (first, second):
        assert import_bundle(w.b, path).outcome.value == "held"
    exc = refused(w.b, third)
    assert exc.key == "sync.refuse.held_full" and exc.params["station"] == "ST-A"


def test_held_bytes_are_bounded_per_station(tmp_path: Path) -> None:
    w = World(tmp_path)
    import_bundle(w.b, w.good_path)
    (first,) = _gapped(w, 1)
    w.b.rules.settings.sync.held_bytes = first.stat().st_size - 1
    assert refused(w.b, first).key == "sync.refuse.held_full"


def test_a_supervisor_lists_and_drops_held_bundles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w = World(tmp_path)
    import_bundle(w.b, w.good_path)
    first, second = _gapped(w, 2)
    import_bundle(w.b, first)
    import_bundle(w.b, second)
    w.close()
    db = str(tmp_path / "ST-B.db")
    assert main(["sync", "held", "--db", db, "--lang", "en"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and all(
        "ST-A" in line and "waiting for earlier events" in line for line in listed
    )
    digest = listed[0].split()[0]
    # the station's supervisor (值班员, with the passphrase the environment gives) names them
    assert main(["operator", "小王", "--db", db, "--operator", "值班员", "--lang", "en"]) == 0
    capsys.readouterr()
    assert main(["sync", "drop", digest, "--db", db, "--operator", "小王", "--lang", "en"]) == 2
    assert "supervisor" in capsys.readouterr().err
    assert main(["sync", "drop", digest, "--db", db, "--lang", "en"]) == 2  # nobody named
    assert "supervisor" in capsys.readouterr().err
    assert main(["sync", "drop", digest, "--db", db, "--operator", "值班员", "--lang", "en"]) == 0
    assert "Dropped" in capsys.readouterr().out
    assert main(["sync", "held", "--db", db, "--lang", "en"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["verify", "--db", db, "--lang", "en"]) == 0


def test_an_import_does_not_reopen_other_stations_held_bundles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(tmp_path)
    import_bundle(w.b, w.good_path)
    (held,) = _gapped(w, 1)
    import_bundle(w.b, held)
    c = open_station(tmp_path, "ST-C", w.clock)
    trust_each_other([w.b, c])
    new_case(c)
    export_bundle(c, tmp_path / "c.bundle")
    opened: list[object] = []
    original = bundle.open_archive

    def counting(source: Any, limits: Any) -> Any:
        opened.append(source)
        return original(source, limits)

    monkeypatch.setattr(bundle, "open_archive", counting)
    import_bundle(w.b, tmp_path / "c.bundle")
    assert opened == [tmp_path / "c.bundle"]


def test_a_holiday_table_the_district_publishes_outranks_the_stations_own(tmp_path: Path) -> None:
    """Issue 14: the district answers for the calendar its streets count by. Its table
    replaces one loaded at the station, whichever was loaded first, and the station can no
    longer load its own for that year (one line naming the year, nothing written)."""
    w = World(tmp_path)
    w.a.run(trust_station, "ST-B", public_key(w.b), district=True)  # B is A's district
    day_off = date(2027, 3, 3)  # a Wednesday the station takes off by itself
    local = replace(TABLE_2027, holidays=TABLE_2027.holidays | {day_off})
    w.a.run(load_calendar_year, local)
    assert not w.a.rules.calendar.is_workday(day_off)
    w.b.run(load_calendar_year, TABLE_2027)
    export_bundle(w.b, tmp_path / "b.bundle")
    assert import_bundle(w.a, tmp_path / "b.bundle").applied > 0
    with w.a.engine.connect() as conn:
        row = conn.execute(select(CALENDAR_YEAR.c.table_json, CALENDAR_YEAR.c.origin)).one()
        assert row.origin == "district"
        assert parse_year_table(row.table_json) == TABLE_2027
        refresh_calendar(conn, w.a.rules)
    assert w.a.rules.calendar.is_workday(day_off)
    before = table_dump(tmp_path / "ST-A.db")
    with pytest.raises(DomainError) as refused:
        w.a.run(load_calendar_year, local)
    assert "2027" in str(refused.value) and "区里" in str(refused.value)
    assert table_dump(tmp_path / "ST-A.db") == before
    assert verify(w.a.engine).ok
    w.close()
