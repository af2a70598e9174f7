"""Shared fixtures of the unit tests: a temp database, a frozen clock, the two services."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from data.service import Service, SyncService
from data.settings import Settings
from models.clock import FrozenClock
from models.i18n import set_language
from tests.fresh_file import fresh_file

# A Tuesday, 10:00 in Shanghai: a working day inside the library's holiday tables.
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
STATION = "ST-TEST"

Snapshot = dict[str, list[tuple[Any, ...]]]


@pytest.fixture(autouse=True)
def _passphrases(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's passphrase (and the PIN ``whistle operator`` sets), as a script gives
    them; every test operator of the command line has this one."""
    from tests.unit.support import SECRET

    monkeypatch.setenv("WHISTLE_PASSPHRASE", SECRET)
    monkeypatch.setenv("WHISTLE_NEW_PIN", SECRET)


@pytest.fixture(autouse=True)
def _language() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "whistle.db"


@pytest.fixture
def settings() -> Settings:
    return Settings(station_id=STATION, station_name="测试街道综合执法中心")


@pytest.fixture
async def service(db_path: Path, settings: Settings, clock: FrozenClock) -> AsyncIterator[Service]:
    svc = await Service.open(fresh_file(db_path), settings, clock)
    svc.operator = "值班员"  # as if signed in (no operator is made: commands name who acts)
    yield svc
    await svc.close()


@pytest.fixture
def sync_service(db_path: Path, settings: Settings, clock: FrozenClock) -> Iterator[SyncService]:
    svc = SyncService.open(fresh_file(db_path), settings, clock, "值班员")
    yield svc
    svc.close()


def snapshot_of(path: Path) -> Snapshot:
    """Every row of every table, read with plain sqlite3 (outside the service)."""
    conn = sqlite3.connect(path)
    try:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        names = sorted(r[0] for r in conn.execute(query))
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}
    finally:
        conn.close()


@pytest.fixture
def snapshot() -> Callable[[Path], Snapshot]:
    return snapshot_of


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo, built once at NOW for the whole run (the first test process that needs
    it builds it, the others wait for it and read the same file); copy it (``copy_db``) before
    changing it."""
    from data.demo import DemoOptions, generate

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each test process's own
    folder = root / "demo"
    with (root / "demo.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.exists():
            building = root / "demo-building"
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            svc = SyncService.open(building / "demo.db", Settings(station_id="ST-DEMO"), FrozenClock(NOW))
            try:
                generate(svc, DemoOptions())
            finally:
                svc.close()
            building.rename(folder)  # whole (the database and its key) or not at all
    return folder / "demo.db"


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy of a closed or open database (sqlite3's backup API)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    os.chmod(target, 0o600)
    return target
