"""Two processes writing to the district's server database at once lose nothing and raise
nothing: cases received at once, and stations' bundles imported at once (as on a file,
tests/unit/test_concurrency.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data.settings import Settings
from data.store.db import open_sync
from data.store.tables import CASE, EVENT
from data.store.verify import verify
from data.write.commands.sync import trust_station
from models.clock import FrozenClock
from tests.server.conftest import NOW, Street
from tests.unit.support import as_supervisor
from tests.unit.sync_support import public_key

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parents[2]
WRITES = 300

# Each process opens the (possibly still empty) database itself, so the two also race through
# the schema's creation and the station's bootstrap; then both write together.
WORKER = textwrap.dedent(
    """
    import sys
    import time
    from datetime import UTC, datetime
    from pathlib import Path

    from data.service import SyncService
    from data.settings import Settings
    from data.sync.importer import import_bundle
    from data.write.commands.cases import receive_case
    from models.clock import FrozenClock

    url, operator, job = sys.argv[1], sys.argv[2], sys.argv[3]
    clock = FrozenClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    svc = SyncService.open(url, Settings(station_id="QU-DC"), clock, operator)
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    began = time.monotonic()
    if job == "cases":
        for n in range(int(sys.argv[4])):
            if n == 10:
                print("ten", flush=True)  # meet the other here: both are under way together
                sys.stdin.readline()
            svc.run(
                receive_case,
                source="hotline",
                category="noise",
                community="朝阳门社区",
                address=f"{operator}巷 {n} 号",
                description=f"{operator} 第 {n} 件",
            )
    else:
        print("ten", flush=True)
        sys.stdin.readline()
        for bundle in sys.argv[4:]:
            import_bundle(svc, Path(bundle))
    ended = time.monotonic()
    svc.close()
    print("done", began, ended, flush=True)
    """
)


def _race(url: str, jobs: list[list[str]], home: Path) -> list[tuple[float, float]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, *job],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    for step in ("ready", "ten"):
        for w in workers:
            assert w.stdout is not None and w.stdout.readline().strip() == step, w.communicate()[1]
        for w in workers:
            assert w.stdin is not None
            w.stdin.write("go\n")
            w.stdin.flush()
    spans = []
    for w in workers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0 and err.strip() == "", err
        word, began, ended = out.split()
        assert word == "done"
        spans.append((float(began), float(ended)))
    return spans


def test_two_processes_receive_300_cases_each_and_lose_nothing(server_url: str, tmp_path: Path) -> None:
    (a0, a1), (b0, b1) = _race(
        server_url, [["甲", "cases", str(WRITES)], ["乙", "cases", str(WRITES)]], tmp_path
    )
    assert a0 < b1 and b0 < a1, "the two writers did not actually overlap"
    engine = open_sync(server_url, writer=False)
    with engine.connect() as conn:
        received = conn.execute(select(CASE.c.received_by, CASE.c.description)).all()
        assert sorted(received) == sorted(
            (name, f"{name} 第 {n} 件") for name in ("甲", "乙") for n in range(WRITES)
        )
        numbers = conn.execute(select(CASE.c.number).order_by(CASE.c.number)).scalars().all()
        assert numbers == [f"SJ-2026-{n:06d}" for n in range(1, 2 * WRITES + 1)]
        seqs = conn.execute(select(EVENT.c.seq).order_by(EVENT.c.seq)).scalars().all()
        assert seqs == list(range(1, len(seqs) + 1))
    report = verify(engine)
    engine.dispose()
    assert report.ok, report.problems
    assert report.events == len(seqs)


def test_two_processes_import_stations_bundles_at_once_and_lose_nothing(
    server_url: str, tmp_path: Path, streets: list[Street]
) -> None:
    hub = as_supervisor(server_url, Settings(station_id="QU-DC"), FrozenClock(NOW), "区值班")
    for street in streets:
        hub.run(trust_station, street.service.station_id, public_key(street.service))
    hub.close()
    first, second, third = (str(s.bundle) for s in streets)
    _race(server_url, [["甲", "bundles", first, third], ["乙", "bundles", second, third]], tmp_path)
    engine = open_sync(server_url, writer=False)
    with engine.connect() as conn:
        for street in streets:
            with street.service.engine.connect() as own:
                want = own.execute(
                    select(EVENT.c.id, EVENT.c.hash).where(
                        (EVENT.c.station_id == street.service.station_id) & (EVENT.c.seq <= street.last_seq)
                    )
                ).all()
            got = conn.execute(
                select(EVENT.c.id, EVENT.c.hash).where(EVENT.c.station_id == street.service.station_id)
            ).all()
            assert sorted(got) == sorted(want) and got
        cases = conn.execute(select(func.count()).select_from(CASE)).scalar()
    want_cases = 0
    for street in streets:
        with street.service.engine.connect() as own:
            want_cases += int(own.execute(select(func.count()).select_from(CASE)).scalar() or 0)
    assert cases == want_cases > 0
    report = verify(engine)
    engine.dispose()
    assert report.ok, report.problems
