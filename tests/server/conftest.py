"""The server tests' fixtures: one throwaway cluster per test process, a fresh database per
test (see tests/pg_cluster.py)."""

from __future__ import annotations

import os
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
    """Three demo stations, each with one bundle of everything it has: built once per test
    process (the tests only read them: their bundles, keys and rows)."""
    folder = tmp_path_factory.mktemp("streets")
    made = []
    for n, station in enumerate(STATIONS):
        settings = Settings(station_id=station, station_name=f"{station} 街道", case_prefix=station[-2:])
        service = SyncService.open(folder / f"{station}.db", settings, FrozenClock(NOW), "值班员")
        generate(service, DemoOptions(cases=25, seed=2026 + n, days=40))
        exported = export_bundle(service, folder / f"{station}.bundle")
        made.append(Street(service, exported.path, exported.last_seq))
    yield made
    for street in made:
        street.service.close()
