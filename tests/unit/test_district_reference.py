"""The district's reference data (issue 11): a database made a district's (init --district)
publishes its time limits, catalogue and holiday tables as one signed district bundle; a
station that trusts it as its district takes them (its own settings file still overrides),
and refuses them from any other station, and another station's holiday table never counts at
a station."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data.service import SyncService
from data.settings import Settings
from data.store.tables import CALENDAR_YEAR, CHECKIN, DEPARTMENT, EVENT
from data.store.verify import verify
from data.sync.bundle import BundleRefused
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.cases import blow_whistle, transition
from data.write.commands.district import district_limits, is_district, publish_reference
from data.write.commands.reference import upsert_department
from data.write.commands.sync import trust_station
from data.write.commands.working_time import load_calendar_year
from models.clock import FrozenClock
from models.deadlines import parse_limit
from models.enums import Grade
from models.errors import DomainError
from models.lifecycle import Action
from tests.unit.calendar_support import TABLE_2027
from tests.unit.support import as_supervisor
from tests.unit.sync_support import new_case, public_key

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _district(tmp: Path, clock: FrozenClock, station: str = "QU-DC") -> SyncService:
    settings = Settings(station_id=station, station_name="东城区指挥中心", case_prefix="QU", district=True)
    settings.urgent_limit = parse_limit("45m")
    settings.handling_limits["noise"] = parse_limit("2wh")
    return as_supervisor(tmp / f"{station}.db", settings, clock)


def _station(tmp: Path, clock: FrozenClock, station: str, settings: Settings | None = None) -> SyncService:
    settings = settings or Settings(
        station_id=station, station_name=f"{station} 街道", case_prefix=station[-1]
    )
    return as_supervisor(tmp / f"{station}.db", settings, clock)


def _events(service: SyncService) -> int:
    with service.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(EVENT)).scalar() or 0)


def _urgent_deadline(service: SyncService) -> datetime:
    case_id = new_case(service)
    service.run(transition, case_id, Action.TRIAGE)
    service.run(blow_whistle, case_id, grade=Grade.URGENT, departments=["GA"])
    with service.engine.connect() as conn:
        return conn.execute(select(CHECKIN.c.deadline).where(CHECKIN.c.case_id == case_id)).scalar_one()


def test_a_district_publishes_and_its_stations_take_its_limits_catalogue_and_tables(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    qu = _district(tmp_path, clock)
    with qu.engine.connect() as conn:
        assert is_district(conn)
    qu.run(upsert_department, code="WJ", name="区文化执法大队")
    qu.run(load_calendar_year, TABLE_2027)
    published = qu.run(publish_reference)
    assert (published.urgent, published.regular, published.years) == ("45m", "24h", [2027])
    bundle = export_bundle(qu, tmp_path / "district.bundle", since=0).path

    st = _station(tmp_path, clock, "ST-A")
    st.run(trust_station, "QU-DC", public_key(qu), district=True)
    import_bundle(st, bundle)
    with st.engine.connect() as conn:
        assert district_limits(conn) is not None
        assert (
            conn.execute(select(DEPARTMENT.c.name).where(DEPARTMENT.c.code == "WJ")).scalar()
            == "区文化执法大队"
        )
        assert (
            conn.execute(select(CALENDAR_YEAR.c.origin).where(CALENDAR_YEAR.c.year == 2027)).scalar()
            == "district"
        )
    st.close()
    # opened again, the station counts by its district's limits
    st = _station(tmp_path, clock, "ST-A")
    assert st.rules.settings.urgent_limit == parse_limit("45m")
    assert st.rules.settings.handling_limit("noise") == parse_limit("2wh")
    assert _urgent_deadline(st) == NOW + timedelta(minutes=45)
    assert verify(st.engine).ok
    st.close()

    # ... except where its own settings file sets a limit: the station's own override
    own = Settings(station_id="ST-A", station_name="ST-A 街道", case_prefix="A")
    own.urgent_limit = parse_limit("20m")
    own.own_limits.add("urgent")
    st = _station(tmp_path, clock, "ST-A", own)
    assert st.rules.settings.urgent_limit == parse_limit("20m")
    assert st.rules.settings.handling_limit("noise") == parse_limit("2wh")
    st.close()
    qu.close()


def test_reference_data_from_a_station_that_is_not_the_district_is_refused(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    qu = _district(tmp_path, clock)
    qu.run(publish_reference)
    bundle = export_bundle(qu, tmp_path / "district.bundle", since=0).path
    st = _station(tmp_path, clock, "ST-B")
    st.run(trust_station, "QU-DC", public_key(qu))  # a trusted peer, not its district
    before = _events(st)
    with pytest.raises(BundleRefused) as refused:
        import_bundle(st, bundle)
    assert "QU-DC is not this database's district" in str(refused.value) or "区级中心" in str(refused.value)
    with st.engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(EVENT).where(EVENT.c.station_id == "QU-DC")
            ).scalar()
            == 0
        )
        assert district_limits(conn) is None
    assert _events(st) == before + 1  # only the refusal, recorded
    st.close()
    qu.close()


def test_only_a_districts_database_publishes(tmp_path: Path) -> None:
    st = _station(tmp_path, FrozenClock(NOW), "ST-C")
    with pytest.raises(DomainError) as refused:
        st.run(publish_reference)
    assert "whistle init --district" in str(refused.value)
    with st.engine.connect() as conn:
        assert not is_district(conn)
    st.close()


def test_another_stations_holiday_table_never_counts_here(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    a = _station(tmp_path, clock, "ST-A")
    b = _station(tmp_path, clock, "ST-B")
    a.run(trust_station, "ST-B", public_key(b))
    b.run(load_calendar_year, TABLE_2027)
    import_bundle(a, export_bundle(b, tmp_path / "b.bundle").path)
    with a.engine.connect() as conn:
        assert conn.execute(select(CALENDAR_YEAR.c.year)).scalars().all() == []
        types = [
            json.loads(p)["year"]
            for p in conn.execute(
                select(EVENT.c.payload).where(
                    (EVENT.c.station_id == "ST-B") & (EVENT.c.type == "calendar.loaded")
                )
            ).scalars()
        ]
    assert types == [2027]  # kept in B's history, counted nowhere here
    assert verify(a.engine).ok
    a.close()
    b.close()
