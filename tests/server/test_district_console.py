"""The district console on a database holding three stations' imported bundles, on a file and
on the server (issue 11): the queue lists every station's open cases with a station column and
a station filter; another station's case is read-only (a write key says why in one line and
writes nothing); view 5 shows the scorecards of all stations or of one, and the stations
ranked by their rates."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import func, select
from textual.widgets import Select, Static

from data.read.assessment import scorecards
from data.read.district import ranked_stations
from data.service import SyncService, station_public_key
from data.settings import Settings
from data.store.tables import CASE, EVENT, QUEUE_KEY
from data.sync.importer import import_bundle
from data.write.commands.sync import trust_station
from models.clock import FrozenClock
from models.periods import PeriodKind, period_of
from screens.case_detail import CaseDetailScreen
from screens.queue_filter import FilterDialog
from screens.reports import ReportsScreen
from screens.widgets.queue_view import QueueView
from tests.pg_cluster import Cluster
from tests.server.conftest import NOW, Street
from tests.tui.desk_support import PINS, SIZE, SUPERVISOR, Station, app_for, numbers, settle
from tests.tui.dispatch_support import Notices, until
from tests.unit.support import as_supervisor

pytestmark = pytest.mark.server

HUB = Settings(
    station_id="QU-DC", station_name="东城区指挥中心", case_prefix="QU", district=True, idle_lock_minutes=0
)


@pytest.fixture(params=["file", "server"])
def hub(request: pytest.FixtureRequest, tmp_path: Path, streets: list[Street]) -> Iterator[Station]:
    """The district's database (a file or a server's) with the three streets' bundles."""
    if request.param == "server":
        cluster: Cluster = request.getfixturevalue("cluster")
        request.getfixturevalue("monkeypatch").setenv("WHISTLE_KEY_DIR", str(tmp_path / "keys"))
        db: Any = cluster.url(cluster.fresh_database())
    else:
        db = tmp_path / "district.db"
    clock = FrozenClock(NOW)
    st = Station(db, clock, HUB)
    st.staff("张三")
    service: SyncService = as_supervisor(db, HUB, clock, SUPERVISOR, secret=PINS[SUPERVISOR])
    try:
        for street in streets:
            public = station_public_key(Path(street.service.engine.url.database or ""))
            service.run(trust_station, street.service.station_id, public)
            import_bundle(service, street.bundle)
    finally:
        service.close()
    yield st


def _read(st: Station, fn: Any) -> Any:
    service = SyncService.open(st.path, HUB, st.clock)
    try:
        with service.engine.connect() as conn:
            return fn(conn)
    finally:
        service.close()


def _open_of(station: str | None) -> Any:
    def count(conn: Any) -> int:
        query = select(func.count()).select_from(QUEUE_KEY).join(CASE, CASE.c.id == QUEUE_KEY.c.case_id)
        query = query.where(QUEUE_KEY.c.open == 1)
        if station is not None:
            query = query.where(CASE.c.station_id == station)
        return int(conn.execute(query).scalar() or 0)

    return count


def _events(conn: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(EVENT)).scalar() or 0)


def _text(renderable: Any) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _line(view: QueueView, y: int) -> str:
    return view.render_line(y).text


async def test_the_district_queue_lists_every_station_and_filters_by_one(hub: Station) -> None:
    app = app_for(hub)
    told = Notices()
    async with app.run_test(size=SIZE, message_hook=told) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)
        await until(app, pilot, lambda: view.stations and view.columns.station > 0, "the station column")
        assert view.counts.total == _read(hub, _open_of(None)) > 0
        assert "站点" in _line(view, 0)
        shown = {_line(view, y).split()[1] for y in range(1, 15)}
        assert {"ST-DS", "ST-CY", "ST-JG"} <= shown, shown

        # the station filter, from the dialog
        await pilot.press("f")
        await until(app, pilot, lambda: isinstance(app.screen, FilterDialog), "the filter")
        app.screen.query_one("#filter-station", Select).value = "ST-CY"
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: view.counts.total == _read(hub, _open_of("ST-CY")), "one station")
        await settle(app, pilot)
        assert "站点=ST-CY" in str(app.screen.query_one("#queue-filters").render())
        assert {_line(view, y).split()[1] for y in range(1, min(view.counts.total, 10) + 1)} == {"ST-CY"}

        # another station's case opens, and is read-only here
        before = _read(hub, _events)
        first = numbers(view)[0]
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, CaseDetailScreen), "the case")
        await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "its detail")
        assert app.screen.detail.number == first  # type: ignore[attr-defined]
        for key in ("t", "w", "c", "a"):
            told.seen.clear()
            await pilot.press(key)
            await until(app, pilot, lambda: bool(told.seen), f"the refusal of {key}")
            assert told.seen == [
                "这件案件属于站点 ST-CY，在此只读：只有该站点能改动它（改动随其同步包送来）"
            ], key
            assert isinstance(app.screen, CaseDetailScreen)  # no dialog opened
    assert _read(hub, _events) == before


async def test_the_district_scorecards_per_station_and_the_stations_ranked(hub: Station) -> None:
    app = app_for(hub)
    period = period_of(PeriodKind.MONTH, NOW.date())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await until(app, pilot, lambda: isinstance(app.screen, ReportsScreen), "view 5")
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await until(app, pilot, lambda: screen.data is not None and bool(screen.data.ranking), "the ranking")
        tz = hub.settings.tz
        want = _read(hub, lambda c: ranked_stations(c, period, NOW, tz))
        assert [r.station.id for r in screen.data.ranking] == [r.station.id for r in want]  # type: ignore[union-attr]
        assert len(want) == 3
        title = str(screen.query_one("#reports-stations-title", Static).render())
        assert "站点排名" in title and "全部站点" in title
        ranking = _text(screen.query_one("#reports-stations", Static).content)
        assert all(s in ranking for s in ("ST-DS", "ST-CY", "ST-JG"))
        every = _read(hub, lambda c: scorecards(c, period, NOW, tz))
        assert [c.department for c in screen.data.cards.cards] == [c.department for c in every.cards]  # type: ignore[union-attr]

        # s: one station's scorecards
        await pilot.press("s")
        await until(app, pilot, lambda: screen.data is not None and screen.data.station == "ST-CY", "ST-CY")
        one = _read(hub, lambda c: scorecards(c, period, NOW, tz, station="ST-CY"))
        got = screen.data.cards.cards  # type: ignore[union-attr]
        assert [(c.department, c.summoned) for c in got] == [(c.department, c.summoned) for c in one.cards]
        assert sum(c.summoned for c in got) < sum(c.summoned for c in every.cards)
        assert "ST-CY" in str(screen.query_one("#reports-stations-title", Static).render())
