"""The command line on the district's server database: init, trust add, import (held and
released), verify, the report commands, export-csv and export-open311, with the same figures
as the same imports into a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.service import station_public_key
from models.clock import FrozenClock
from tests.server.conftest import NOW, Street
from tests.unit.support import SECRET
from tui.cli import main

pytestmark = pytest.mark.server


@pytest.fixture(autouse=True)
def _script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("WHISTLE_PASSPHRASE", SECRET)
    monkeypatch.setenv("WHISTLE_NEW_PIN", SECRET)
    monkeypatch.delenv("WHISTLE_DB", raising=False)
    monkeypatch.delenv("WHISTLE_OPERATOR", raising=False)
    # one moment for every command: the reports count overdue minutes up to now
    clock = FrozenClock(NOW)
    monkeypatch.setattr("tui.cli.common.SystemClock", lambda: clock)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


def _district(capsys: pytest.CaptureFixture[str], db: str, streets: list[Street]) -> None:
    code, out, err = run(capsys, "init", "--db", db, "--station-id", "QU-DC", "--operator", "区值班")
    assert code == 0, err
    for street in streets:
        public = station_public_key(street.service.engine.url.database or "")
        code, _, err = run(
            capsys, "trust", "add", street.service.station_id, public, "--db", db, "--operator", "区值班"
        )
        assert code == 0, err
        code, out, err = run(capsys, "import", str(street.bundle), "--db", db)
        assert code == 0 and f"Imported station {street.service.station_id}" in out, err


def test_the_commands_run_on_the_server_as_on_a_file(
    server_url: str, tmp_path: Path, streets: list[Street], capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(tmp_path / "district.db")
    _district(capsys, server_url, streets)
    _district(capsys, file, streets)
    assert "nothing changed" in run(capsys, "import", str(streets[0].bundle), "--db", server_url)[1]
    code, out, err = run(capsys, "verify", "--db", server_url)
    assert code == 0 and "4 station(s) (a server database" in out, err
    for report in (["scorecard"], ["rates"], ["monthly"]):
        got = run(capsys, "report", *report, "--period", "2026-02", "--db", server_url)
        want = run(capsys, "report", *report, "--period", "2026-02", "--db", file)
        assert got[0] == 0 and got == want and "|" in got[1], report
    for name, db in (("server", server_url), ("file", file)):
        code, _, err = run(capsys, "export-csv", "--db", db, "--out", str(tmp_path / name))
        assert code == 0, err
    for table in ("cases.csv", "checkins.csv", "reinspections.csv"):
        got = (tmp_path / "server" / table).read_text(encoding="utf-8-sig")
        assert got == (tmp_path / "file" / table).read_text(encoding="utf-8-sig") and got.count("\n") > 10
    got = run(capsys, "export-open311", "--db", server_url)
    assert got[0] == 0 and got == run(capsys, "export-open311", "--db", file)


def test_the_server_url_may_come_from_the_environment_and_no_password_is_shown(
    server_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with_password = server_url.replace("whistle_app@", "whistle_app:secret-pw@")
    monkeypatch.setenv("WHISTLE_DB", with_password)
    code, out, err = run(capsys, "init", "--operator", "区值班")
    assert code == 0, err
    assert "secret-pw" not in out + err and server_url.rsplit("/", 1)[1] in out
    code, out, err = run(capsys, "verify")
    assert code == 0 and "1 station(s)" in out, err
