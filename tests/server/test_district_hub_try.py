"""whistle hub try --dir FOLDER: the README's one command for a local district hub. Its
non-interactive part (--no-console) as the README runs it: a cluster of its own in the folder,
the district made a district's, three demo stations' bundles imported; run again, it changes
nothing. (The console it opens is tested on a server in test_district_console.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.read.district import stations_with_cases
from data.service import SyncService, verify
from data.settings import Settings
from data.write.commands.district import is_district
from models.clock import FrozenClock
from tests.pg_cluster import REQUIRED_ENV, bindir
from tests.server.cli_support import run, script_env
from tests.server.conftest import NOW

pytestmark = pytest.mark.server


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    if bindir() is None:
        if os.environ.get(REQUIRED_ENV):
            pytest.fail("PostgreSQL's initdb (Debian package postgresql) is missing")
        pytest.skip("PostgreSQL's initdb (Debian package postgresql) is missing")
    script_env(tmp_path, monkeypatch)
    monkeypatch.setenv("WHISTLE_KEY_DIR", str(tmp_path / "elsewhere"))  # the hub keeps its own
    where = tmp_path / "hub"
    yield where
    stop = ["pg_ctl", "-D", str((where / "pgdata").resolve()), "-m", "immediate", "stop"]
    stop[0] = str(bindir() / "pg_ctl")  # type: ignore[operator]
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *stop] if os.geteuid() == 0 else stop,
        capture_output=True,
        check=False,
    )
    if (where / "pgdata").is_symlink():  # the cluster's own folder, out of root's reach for postgres
        shutil.rmtree((where / "pgdata").resolve().parent, ignore_errors=True)
    if (where / "pgdata").is_symlink():  # the cluster's own folder, out of root's reach for postgres
        shutil.rmtree((where / "pgdata").resolve().parent, ignore_errors=True)


def test_one_command_makes_a_district_hub_with_three_stations(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "hub", "try", "--dir", str(folder), "--no-console")
    assert code == 0, err
    assert "Made the district hub" in out and "To stop the cluster:" in out
    url = next(w for w in out.split() if w.startswith("postgresql+psycopg://")).rstrip(";")
    assert (folder / "keys").is_dir() and not (folder.parent / "elsewhere").exists()

    service = SyncService.open(url, Settings(), FrozenClock(NOW))
    try:
        with service.engine.connect() as conn:
            assert is_district(conn)
            assert [s.id for s in stations_with_cases(conn)] == ["ST-CHAOYANG", "ST-DONGSI", "ST-JIANGUO"]
        assert verify(service.engine).ok
    finally:
        service.close()

    # the README's own check: verify on the hub's URL
    code, out, err = run(capsys, "verify", "--db", url)
    assert code == 0 and "4 station(s)" in out, err

    # again: started if need be, nothing made twice
    code, out, err = run(capsys, "hub", "try", "--dir", str(folder), "--no-console")
    assert code == 0 and "Started the district hub" in out, err
