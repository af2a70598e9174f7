"""Each case and meeting has one owning station; only its events change it (SPEC §6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from data.store import apply
from data.sync.bundle import BundleRefused
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.common import Ctx
from data.write.commands.meetings import add_item, create_meeting, decide, followup_done
from models.clock import FrozenClock
from models.enums import AgendaReason, MeetingKind
from models.errors import DomainError
from tests.unit.sync_support import new_case, open_station, table_dump, trust_each_other

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _stations(tmp_path: Path) -> tuple[Any, Any, str, str]:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    case_id = new_case(a)
    meeting = a.run(
        create_meeting, kind=MeetingKind.WEEKLY, scheduled_at=NOW, facilitator="赵主任", invited=["CGZF"]
    )
    item = a.run(add_item, meeting, reason=AgendaReason.MANUAL, case_id=case_id)
    a.run(decide, item, decision="限期整改", lead_department="CGZF", due_on=date(2026, 3, 20))
    export_bundle(a, tmp_path / "a1.zip")
    import_bundle(b, tmp_path / "a1.zip")
    return a, b, case_id, item


def test_a_station_cannot_mark_another_stations_follow_up_done(tmp_path: Path) -> None:
    _a, b, _case, item = _stations(tmp_path)
    with pytest.raises(DomainError) as refused:
        b.run(followup_done, item)
    assert "ST-A" in str(refused.value)


def test_a_decision_about_another_stations_case_leaves_its_follow_ups_alone(tmp_path: Path) -> None:
    a, b, case_id, item = _stations(tmp_path)
    mine = b.run(create_meeting, kind=MeetingKind.DAILY, scheduled_at=NOW, facilitator="B", invited=["CGZF"])
    own_item = b.run(add_item, mine, reason=AgendaReason.MANUAL, case_id=case_id)
    b.run(decide, own_item, decision="暂不处理", tracked=False)
    export_bundle(b, tmp_path / "b1.zip")
    import_bundle(a, tmp_path / "b1.zip")
    with a.engine.connect() as conn:
        followup = conn.exec_driver_sql("SELECT followup FROM agenda_item WHERE id = ?", (item,)).scalar()
    assert followup == "open"


def test_a_bundle_that_writes_another_stations_case_is_refused_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, case_id, _item = _stations(tmp_path)

    def forged(ctx: Ctx) -> None:
        ctx.w.emit("case.triage", case_id, {"id": case_id, "from": "received", "to": "triage"})

    with monkeypatch.context() as patch:  # a station whose own code does not check: sign it anyway
        patch.setattr(apply, "check_owner", lambda conn, record: None)
        b.run(forged)
    export_bundle(b, tmp_path / "b-forged.zip")
    path_a = Path(str(a.engine.url.database))
    before = table_dump(path_a)
    with pytest.raises(BundleRefused) as refused:
        import_bundle(a, tmp_path / "b-forged.zip")
    assert "ST-A" in str(refused.value)
    after = table_dump(path_a)
    assert {k: v for k, v in after.items() if k != "event"} == {
        k: v for k, v in before.items() if k != "event"
    }
    assert len(after["event"]) == len(before["event"]) + 1  # the refusal, recorded


def test_a_station_cannot_speak_for_another_station(tmp_path: Path) -> None:
    _a, b, _case, _item = _stations(tmp_path)

    def renamed(ctx: Ctx) -> None:
        ctx.w.emit("station.registered", "ST-A", {"id": "ST-A", "name": "被改名", "case_prefix": "XX"})

    with pytest.raises(DomainError):
        b.run(renamed)


def test_a_district_edit_outlives_a_stations_shipped_defaults(tmp_path: Path) -> None:
    """Every new station writes the default catalogue; that must not undo an edit its district
    made earlier, whatever order the bundles arrive in."""
    from data.write.commands.reference import upsert_department
    from data.write.commands.sync import trust_station
    from models.enums import StationingMode
    from tests.unit.sync_support import public_key

    clock = FrozenClock(NOW)
    a = open_station(tmp_path, "ST-A", clock, operator="王站长")
    edit = {"code": "CGZF", "name": "城管执法队", "mode": StationingMode.RESIDENT, "contact": "值班 6666"}
    a.run(upsert_department, **edit)
    clock.advance(minutes=10)
    b = open_station(tmp_path, "ST-B", clock)  # created later: its defaults are newer than A's edit
    a.run(trust_station, b.station_id, public_key(b))
    b.run(trust_station, a.station_id, public_key(a), district=True)  # A is B's district
    export_bundle(b, tmp_path / "b.zip")
    import_bundle(a, tmp_path / "b.zip")
    export_bundle(a, tmp_path / "a.zip")
    import_bundle(b, tmp_path / "a.zip")
    for station in (a, b):
        with station.engine.connect() as conn:
            contact = conn.exec_driver_sql("SELECT contact FROM department WHERE code = 'CGZF'").scalar()
        assert contact == "值班 6666"


def test_an_operators_role_belongs_to_their_station(tmp_path: Path) -> None:
    from data.write.commands.reference import add_operator
    from models.enums import Role

    clock = FrozenClock(NOW)
    a = open_station(tmp_path, "ST-A", clock, operator="王站长")  # the first operator supervises
    clock.advance(minutes=10)
    b = open_station(tmp_path, "ST-B", clock, operator="值班员")
    b.run(add_operator, name="王站长", role=Role.OPERATOR)  # someone else of the same name at B
    trust_each_other([a, b])
    export_bundle(b, tmp_path / "b.zip")
    import_bundle(a, tmp_path / "b.zip")
    with a.engine.connect() as conn:
        roles = conn.exec_driver_sql(
            "SELECT station_id, role FROM operator WHERE name = '王站长' ORDER BY station_id"
        ).all()
    assert [tuple(r) for r in roles] == [("ST-A", "supervisor"), ("ST-B", "operator")]
