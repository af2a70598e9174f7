"""Importing stations' bundles into the district's server database is the same code as into a
SQLite file: the same tables result, a second import changes nothing, a bundle after a gap is
held and released when the gap fills, a refused bundle changes nothing, and verify agrees."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from data.service import SyncService
from data.settings import Settings
from data.store.keys import key_path_for, load_private
from data.store.verify import verify
from data.sync.bundle import BundleRefused
from data.sync.export import db_path_of, export_bundle
from data.sync.importer import Outcome, import_bundle
from data.write.commands.sync import trust_station
from models.clock import FrozenClock
from tests.server.conftest import STATIONS, Street
from tests.unit.support import as_supervisor
from tests.unit.sync_craft import rechained
from tests.unit.sync_support import new_case, public_key, replicated_dump

pytestmark = pytest.mark.server
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
DISTRICT = Settings(station_id="QU-DC", station_name="东城区", case_prefix="Q")


def _district(where: Path | str) -> SyncService:
    return as_supervisor(where, DISTRICT, FrozenClock(NOW), "区值班")


def _trusting(hub: SyncService, streets: list[Street]) -> SyncService:
    for street in streets:
        hub.run(trust_station, street.service.station_id, public_key(street.service))
    return hub


def server_dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the server database, every row, in one fixed order."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def test_the_district_holds_what_a_file_holds_after_the_same_imports(
    server_url: str, tmp_path: Path, streets: list[Street]
) -> None:
    on_server = _trusting(_district(server_url), streets)
    on_file = _trusting(_district(tmp_path / "district.db"), streets)
    for street in streets:
        got = import_bundle(on_server, street.bundle)
        want = import_bundle(on_file, street.bundle)
        assert got.outcome is want.outcome is Outcome.APPLIED
        assert got.applied == want.applied > 0
    # the stations' history is the same rows on both (the district's own events differ only
    # by their ids and times of sign-in, which are its own)
    server, file = replicated_dump(on_server), replicated_dump(on_file)
    for table in ("case_file", "whistle", "clock", "checkin", "reinspection", "meeting", "agenda_item"):
        assert server[table] == file[table] and server[table], table
    report = verify(on_server.engine)
    assert report.ok, report.problems
    assert report.stations == len(STATIONS) + 1
    on_server.close()
    on_file.close()


def test_a_second_import_changes_nothing(server_url: str, streets: list[Street]) -> None:
    hub = _trusting(_district(server_url), streets)
    import_bundle(hub, streets[0].bundle)
    before = server_dump(server_url)
    again = import_bundle(hub, streets[0].bundle)
    assert again.outcome is Outcome.NOTHING_NEW and again.applied == 0
    assert server_dump(server_url) == before
    hub.close()


def test_a_bundle_after_a_gap_is_held_and_released_when_the_gap_fills(
    server_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(NOW)
    street = as_supervisor(tmp_path / "ST-A.db", Settings(station_id="ST-A", case_prefix="A"), clock)
    hub = _district(server_url)
    hub.run(trust_station, "ST-A", public_key(street))
    files = []
    for n in range(3):
        new_case(street)
        files.append(export_bundle(street, tmp_path / f"a{n}.bundle"))
    assert import_bundle(hub, files[0].path).outcome is Outcome.APPLIED
    held = import_bundle(hub, files[2].path)
    assert held.outcome is Outcome.HELD and held.hold_reason == "gap"
    before = server_dump(server_url)
    assert import_bundle(hub, files[2].path).outcome is Outcome.HELD
    assert server_dump(server_url) == before
    filled = import_bundle(hub, files[1].path)
    assert filled.outcome is Outcome.APPLIED
    assert filled.released == [("ST-A", files[2].first_seq, files[2].last_seq)]
    assert server_dump(server_url)["sync_pending"] == []
    assert len(server_dump(server_url)["case_file"]) == 3
    assert verify(hub.engine).ok
    street.close()
    hub.close()


def test_a_bundle_from_a_station_not_trusted_is_refused_and_changes_nothing_but_its_record(
    server_url: str, streets: list[Street]
) -> None:
    hub = _district(server_url)
    before = server_dump(server_url)
    with pytest.raises(BundleRefused):
        import_bundle(hub, streets[0].bundle)
    after = server_dump(server_url)
    assert after["case_file"] == before["case_file"] == []
    for table in after:
        if table != "event":  # the refusal is recorded as the district's own event
            assert after[table] == before[table], table
    assert verify(hub.engine).ok
    hub.close()


def test_an_event_whose_id_the_server_holds_is_refused_by_its_seq_and_changes_nothing(
    server_url: str, streets: list[Street], tmp_path: Path
) -> None:
    """The server takes a batch's event rows in one COPY: a row it refuses is still named by
    its sequence number, and nothing of the bundle stays."""
    street = streets[0]
    hub = _trusting(_district(server_url), [street])
    taken = server_dump(server_url)["event"][0][0]  # an id the district's own log holds
    key = load_private(key_path_for(db_path_of(street.service)))

    def reuse(events: list[dict[str, Any]]) -> None:
        events[-2]["id"] = taken

    crafted = tmp_path / "reused.bundle"
    crafted.write_bytes(rechained(street.bundle.read_bytes(), key, reuse))
    before = server_dump(server_url)
    with pytest.raises(BundleRefused) as refused:
        import_bundle(hub, crafted)
    assert refused.value.key == "sync.refuse.conflict"
    assert refused.value.params["seq"] == street.last_seq - 1
    after = server_dump(server_url)
    for table in after:
        if table != "event":  # the refusal is recorded as the district's own event
            assert after[table] == before[table], table
    assert [row for row in after["event"] if row[2] == street.service.station_id] == []
    hub.close()
