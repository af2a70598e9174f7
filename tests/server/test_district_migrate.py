"""whistle migrate: a district's file moved to the server (events copied, tables rebuilt by
replay, verified) and back to a file a desk can open offline; a target that is not empty or a
source that fails verify is refused in one line and nothing changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from data.service import station_public_key
from tests.server.cli_support import district, run, script_env
from tests.server.conftest import Street

pytestmark = pytest.mark.server


@pytest.fixture(autouse=True)
def _script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script_env(tmp_path, monkeypatch)


def _events(url: str) -> int | None:
    """The events in the server's database; None while it has no tables at all."""
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        made = conn.execute("SELECT to_regclass('event')").fetchone()
        if made is None or made[0] is None:
            return None
        row = conn.execute("SELECT count(*) FROM event").fetchone()
    return int(row[0]) if row else 0


def _reports(capsys: pytest.CaptureFixture[str], db: str) -> list[tuple[int, str, str]]:
    return [run(capsys, "report", name, "--period", "2026-02", "--db", db) for name in ("scorecard", "rates")]


def test_a_file_moves_to_the_server_and_back_to_a_file(
    server_url: str, tmp_path: Path, streets: list[Street], capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(tmp_path / "district.db")
    district(capsys, file, streets)
    before = _reports(capsys, file)

    code, out, err = run(capsys, "migrate", "--from", file, "--to", server_url)
    assert code == 0, err
    assert "rebuilt by replay and verified" in out and "4 station(s)" in out
    code, out, err = run(capsys, "verify", "--db", server_url)
    assert code == 0, err
    assert _reports(capsys, server_url) == before
    # the same station, with the same key and its supervisor's passphrase
    assert station_public_key(server_url) == station_public_key(Path(file))
    code, out, err = run(capsys, "head", "sign", "--db", server_url, "--operator", "区值班")
    assert code == 0, err

    back = str(tmp_path / "backup.db")
    code, out, err = run(capsys, "migrate", "--from", server_url, "--to", back)
    assert code == 0, err
    code, out, err = run(capsys, "verify", "--db", back)
    assert code == 0, err
    assert _reports(capsys, back) == before
    assert station_public_key(Path(back)) == station_public_key(Path(file))


def test_a_target_that_is_not_empty_is_refused_and_left_as_it_was(
    server_url: str, tmp_path: Path, streets: list[Street], capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(tmp_path / "district.db")
    district(capsys, file, streets[:1])
    assert run(capsys, "init", "--db", server_url, "--station-id", "QU-XC", "--operator", "区值班")[0] == 0
    held = _events(server_url)
    code, out, err = run(capsys, "migrate", "--from", file, "--to", server_url)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "is not empty" in err and "nothing changed" in err
    assert _events(server_url) == held
    # and a file the other way
    code, out, err = run(capsys, "migrate", "--from", server_url, "--to", file)
    assert code == 2 and "is not empty" in err and err.count("\n") == 1


def test_a_source_that_fails_verify_is_refused_and_nothing_is_made(
    server_url: str, tmp_path: Path, streets: list[Street], capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "district.db"
    district(capsys, str(file), streets[:1])
    conn = sqlite3.connect(file, isolation_level=None)
    conn.execute("UPDATE case_file SET community = '改过的社区' WHERE rowid = 1")
    conn.close()
    code, out, err = run(capsys, "migrate", "--from", str(file), "--to", server_url)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "fails verify" in err and "the target is unchanged" in err
    assert _events(server_url) is None  # refused before the target was even opened

    # a server that fails verify is not backed up either: no file is left behind
    district(capsys, server_url, streets[:1])
    with psycopg.connect(server_url.replace("+psycopg", "")) as pg:
        pg.execute("UPDATE case_file SET community = '改过的社区' WHERE id = (SELECT min(id) FROM case_file)")
    backup = tmp_path / "backup.db"
    code, out, err = run(capsys, "migrate", "--from", server_url, "--to", str(backup))
    assert code == 2 and "fails verify" in err
    assert not backup.exists() and not Path(f"{backup}.key").exists()
