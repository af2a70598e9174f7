"""The command line as a script runs it, for the district hub's tests: one frozen moment, the
passphrases from the environment, and a district database with the three streets' bundles."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.service import station_public_key
from models.clock import FrozenClock
from tests.server.conftest import NOW, Street
from tests.unit.support import SECRET
from tui.cli import main

DISTRICT = "QU-DC"
DUTY = "区值班"


def script_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("WHISTLE_PASSPHRASE", SECRET)
    monkeypatch.setenv("WHISTLE_NEW_PIN", SECRET)
    monkeypatch.delenv("WHISTLE_DB", raising=False)
    monkeypatch.delenv("WHISTLE_OPERATOR", raising=False)
    clock = FrozenClock(NOW)
    monkeypatch.setattr("tui.cli.common.SystemClock", lambda: clock)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


def district(capsys: pytest.CaptureFixture[str], db: str, streets: list[Street], *init: str) -> None:
    """``db`` made the district's database, trusting the streets and holding their bundles."""
    code, _out, err = run(capsys, "init", "--db", db, "--station-id", DISTRICT, "--operator", DUTY, *init)
    assert code == 0, err
    for street in streets:
        public = station_public_key(street.service.engine.url.database or "")
        code, _, err = run(
            capsys, "trust", "add", street.service.station_id, public, "--db", db, "--operator", DUTY
        )
        assert code == 0, err
        code, out, err = run(capsys, "import", str(street.bundle), "--db", db)
        assert code == 0 and f"Imported station {street.service.station_id}" in out, err
