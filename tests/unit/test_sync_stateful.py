"""Random work on three stations, bundles exchanged in random orders with duplicates:
after everyone has received everything, all hold the same state and nothing is lost."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import select

from data.service import SyncService
from data.store.tables import CASE, CHECKIN, PENDING
from data.store.verify import verify
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.cases import blow_whistle, transition
from data.write.commands.checkins import act, arrive
from models.clock import FrozenClock
from models.enums import Grade
from models.errors import DomainError
from models.lifecycle import Action
from tests.unit.sync_support import events_of, new_case, open_station, replicated_dump, trust_each_other

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
NAMES = ("ST-A", "ST-B", "ST-C")
ACTIONS = (Action.TRIAGE, Action.WHISTLE, Action.DISPOSE, Action.FEEDBACK, Action.CLOSE, Action.PARK)


# Every commit fsyncs (synchronous=FULL); on a RAM-backed directory that costs nothing,
# which keeps a hundred-odd small databases per run within a few seconds.
RAM = "/dev/shm" if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK) else None
_TEMPLATE: list[Path] = []


def _template() -> Path:
    """Three stations that trust each other, made once and copied for every example."""
    if not _TEMPLATE:
        directory = Path(tempfile.mkdtemp(prefix="whistle-sync-template-", dir=RAM))
        stations = [open_station(directory, n, FrozenClock(NOW)) for n in NAMES]
        trust_each_other(stations)
        for station in stations:
            station.close()
        _TEMPLATE.append(directory)
        atexit.register(shutil.rmtree, directory, True)
    return _TEMPLATE[0]


def _copy(template: Path, directory: Path) -> None:
    for name in NAMES:
        with (
            sqlite3.connect(template / f"{name}.db") as src,
            sqlite3.connect(directory / f"{name}.db") as dst,
        ):
            src.backup(dst)
        shutil.copy2(template / f"{name}.db.key", directory / f"{name}.db.key")


class Exchange(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="whistle-sync-", dir=RAM))
        self.clock = FrozenClock(NOW)
        _copy(_template(), self.dir)
        self.stations: list[SyncService] = [open_station(self.dir, n, self.clock) for n in NAMES]
        self.bundles: list[tuple[int, Path]] = []
        self.exported_upto = dict.fromkeys(range(len(NAMES)), 0)

    def _own(self, i: int, tbl: object) -> list[str]:
        station = self.stations[i]
        query = select(CASE.c.id).where(CASE.c.station_id == station.station_id).order_by(CASE.c.id)
        if tbl is CHECKIN:
            query = (
                select(CHECKIN.c.id)
                .join(CASE, CASE.c.id == CHECKIN.c.case_id)
                .where(CASE.c.station_id == station.station_id)
                .order_by(CHECKIN.c.id)
            )
        with station.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    @rule(i=st.integers(0, 2))
    def receive(self, i: int) -> None:
        new_case(self.stations[i])

    @rule(i=st.integers(0, 2), pick=st.integers(0, 50), action=st.sampled_from(ACTIONS))
    def act_on_case(self, i: int, pick: int, action: Action) -> None:
        cases = self._own(i, CASE)
        if not cases:
            return
        case_id, station = cases[pick % len(cases)], self.stations[i]
        try:
            if action is Action.WHISTLE:
                station.run(blow_whistle, case_id, grade=Grade.URGENT, departments=["CGZF", "GA"])
            else:
                station.run(transition, case_id, action, reason="核实", result="已处置", note="")
        except DomainError:
            pass  # an illegal step is refused and changes nothing: part of the game

    @rule(i=st.integers(0, 2), pick=st.integers(0, 50))
    def check_in(self, i: int, pick: int) -> None:
        checkins = self._own(i, CHECKIN)
        if not checkins:
            return
        checkin = checkins[pick % len(checkins)]
        try:
            self.stations[i].run(arrive, checkin, person="王队")
            self.stations[i].run(act, checkin, action="劝离", result="已清理")
        except DomainError:
            pass

    @rule(minutes=st.integers(1, 90))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    @rule(i=st.integers(0, 2), full=st.booleans())
    def export(self, i: int, full: bool) -> None:
        out = self.dir / f"b{len(self.bundles):03d}-{NAMES[i]}.bundle"
        result = export_bundle(self.stations[i], out, since=0 if full else None)
        self.bundles.append((i, out))
        self.exported_upto[i] = max(self.exported_upto[i], result.last_seq)

    @precondition(lambda self: bool(self.bundles))
    @rule(to=st.integers(0, 2), pick=st.integers(0, 200))
    def deliver(self, to: int, pick: int) -> None:
        _source, path = self.bundles[pick % len(self.bundles)]
        import_bundle(self.stations[to], path)

    @invariant()
    def no_station_holds_an_event_twice_or_out_of_order(self) -> None:
        for station in self.stations:
            for name in NAMES:
                seqs = [seq for seq, _id, _hash in events_of(station, name)]
                assert seqs == list(range(1, len(seqs) + 1))

    def teardown(self) -> None:
        try:
            for i in range(len(NAMES)):
                self.export(i, full=False)
            # Everyone receives everything, newest first: the worst order for gaps.
            for target in range(len(NAMES)):
                for _source, path in reversed(self.bundles):
                    import_bundle(self.stations[target], path)
            dumps = [replicated_dump(s) for s in self.stations]
            assert dumps[0] == dumps[1] == dumps[2]
            for i, name in enumerate(NAMES):
                held = events_of(self.stations[i], name, upto=self.exported_upto[i])
                for other in self.stations:
                    assert events_of(other, name, upto=self.exported_upto[i]) == held
            for station in self.stations:
                with station.engine.connect() as conn:
                    assert conn.execute(select(PENDING)).all() == []
            report = verify(self.stations[0].engine)
            assert report.ok, report.problems
        finally:
            for station in self.stations:
                station.close()
            shutil.rmtree(self.dir, ignore_errors=True)


Exchange.TestCase.settings = settings(
    max_examples=10,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestExchange = Exchange.TestCase
