"""``whistle verify --since``: a nightly check from the last signed head a verify found
sound. It checks the events after that head and that the head's event still carries the
signed hash; a verify that finds a problem moves no mark."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from data.service import SyncService, load_marks, marks_path
from data.sync.export import sign_station_head
from data.write.commands.cases import receive_case
from models.enums import CaseStatus
from tests.unit.conftest import STATION
from tests.unit.support import CASE, case_in
from tests.unit.test_verify import _tamper, _verify


@pytest.fixture(autouse=True)
def _no_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("WHISTLE_DB", raising=False)


@pytest.fixture
def signed(sync_service: SyncService, db_path: Path) -> tuple[Path, int]:
    """A history with a signed head part-way and two cases received after it."""
    run = sync_service.run
    case_in(run, CaseStatus.CLOSED)
    case_in(run, CaseStatus.PARKED)
    seq, _hash = sign_station_head(sync_service)
    run(receive_case, **CASE, reporter_phone="13812345678")
    run(receive_case, **CASE, reporter_phone="13812345679")
    sync_service.close()
    return db_path, seq


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM event WHERE station_id = ?", (STATION,)).fetchone()[0])


def test_since_checks_only_what_came_after_the_last_verified_head(
    signed: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, seq = signed
    assert _verify(path, capsys, "--lang", "en")[0] == 0
    assert load_marks(marks_path(path)) == {STATION: (seq, _hash_at(path, seq))}
    code, out = _verify(path, capsys, "--since", "--lang", "en")
    assert code == 0, out
    assert f"OK: {_count(path) - seq} event(s) since the last verified signed heads" in out


def test_without_a_verify_before_since_checks_the_whole_chain(
    signed: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _seq = signed
    code, out = _verify(path, capsys, "--since", "--lang", "en")
    assert code == 0, out
    assert f"OK: {_count(path)} event(s) since" in out


def test_an_event_after_the_mark_altered_is_named(
    signed: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, seq = signed
    assert _verify(path, capsys)[0] == 0
    before = marks_path(path).read_text(encoding="utf-8")
    with sqlite3.connect(path) as conn:
        (altered,) = conn.execute(
            "SELECT min(seq) FROM event WHERE type = 'case.received' AND seq > ?", (seq,)
        ).fetchone()
    _tamper(path, f"UPDATE event SET payload = replace(payload, '东四', '西四') WHERE seq = {altered}")
    code, out = _verify(path, capsys, "--since", "--lang", "en")
    assert code == 1 and f"event {altered}" in out and "hash" in out, out
    assert marks_path(path).read_text(encoding="utf-8") == before  # a failed check moves nothing


def test_the_marked_event_rewritten_is_named_in_one_line(
    signed: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, seq = signed
    assert _verify(path, capsys, "--quick")[0] == 0
    _tamper(path, f"UPDATE event SET hash = '{'0' * 64}' WHERE seq = {seq}")
    code, out = _verify(path, capsys, "--since", "--lang", "en")
    assert code == 1, out
    assert out.strip().count("\n") == 0 and "rewritten history" in out and f"event {seq} " in out, out


def test_marks_that_do_not_read_as_marks_mean_a_check_from_the_start(
    signed: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _seq = signed
    for junk in ('{"x": [true, "h"]}', "[1, 2]", "not json", json.dumps({STATION: [-3, "h"]})):
        marks_path(path).write_text(junk, encoding="utf-8")
        code, out = _verify(path, capsys, "--since", "--lang", "en")
        assert code == 0 and f"OK: {_count(path)} event(s) since" in out, (junk, out)


def _hash_at(path: Path, seq: int) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT hash FROM event WHERE seq = ?", (seq,)).fetchone()[0])
