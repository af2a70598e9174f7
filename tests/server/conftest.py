"""The server tests' fixtures: one throwaway cluster per test process, a fresh database per
test (see tests/pg_cluster.py)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from data.demo import DemoOptions, generate
from data.service import SyncService
from data.settings import Settings
from data.sync.export import export_bundle
from models.clock import FrozenClock
from tests.pg_cluster import REQUIRED_ENV, Cluster, start_cluster

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
STATIONS = ("ST-DS", "ST-CY", "ST-JG")


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    try:
        started = start_cluster()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        if os.environ.get(REQUIRED_ENV):
            pytest.fail(f"PostgreSQL cannot be started: {detail}")
        pytest.skip(f"PostgreSQL cannot be started here: {detail}")
    yield started
    started.stop()


@pytest.fixture
def server_url(cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh district database's URL; station keys go to this test's folder."""
    monkeypatch.setenv("WHISTLE_KEY_DIR", str(tmp_path / "keys"))
    return cluster.url(cluster.fresh_database())


@dataclass
class Street:
    service: SyncService
    bundle: Path
    last_seq: int


@pytest.fixture(scope="session")
def streets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Street]]:
    """Three demo stations, each with one bundle of everything it has: built once for the whole
    run (the first test process that needs them builds them, the others wait and copy the same
    files) and opened in each test process's own copy (the tests only read them: their bundles,
    keys and rows)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each test process's own
    built = root / "streets"
    with (root / "streets.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            building = root / "streets-building"
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            last_seqs = {}
            for n, station in enumerate(STATIONS):
                service = SyncService.open(
                    building / f"{station}.db", _street_settings(station), FrozenClock(NOW), "值班员"
                )
                try:
                    generate(service, DemoOptions(cases=25, seed=2026 + n, days=40))
                    exported = export_bundle(service, building / f"{station}.bundle")
                finally:
                    service.close()
                assert exported.path == building / f"{station}.bundle"
                last_seqs[station] = exported.last_seq
            (building / "last_seq.json").write_text(json.dumps(last_seqs))
            building.rename(built)  # whole (databases, keys, bundles) or not at all
    folder = tmp_path_factory.mktemp("streets")
    shutil.copytree(built, folder, dirs_exist_ok=True)
    last_seqs = json.loads((folder / "last_seq.json").read_text())
    made = [
        Street(
            SyncService.open(folder / f"{station}.db", _street_settings(station), FrozenClock(NOW), "值班员"),
            folder / f"{station}.bundle",
            last_seqs[station],
        )
        for station in STATIONS
    ]
    yield made
    for street in made:
        street.service.close()


def _street_settings(station: str) -> Settings:
    return Settings(station_id=station, station_name=f"{station} 街道", case_prefix=station[-2:])
