"""``whistle verify``: the chain, the integrity check and the replay find every change made
behind the event log, and name the first bad event or row."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from data.service import SyncService
from data.write.commands.cases import receive_case
from data.write.commands.checkins import arrive
from models.enums import CaseStatus
from models.events import canonical_text, seal
from models.ids import from_iso, uuid7
from tests.unit.conftest import NOW, STATION
from tests.unit.support import CASE, case_in, one, whistle
from tui.cli import main


@pytest.fixture(autouse=True)
def _no_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("WHISTLE_DB", raising=False)


@pytest.fixture
def history(sync_service: SyncService, db_path: Path) -> Path:
    """A small station history: cases in several states, a whistle with an arrival."""
    run = sync_service.run
    for state in (CaseStatus.CLOSED, CaseStatus.PARKED, CaseStatus.REJECTED):
        case_in(run, state)
    case_id = case_in(run, CaseStatus.TRIAGE)
    whistle(run, case_id, ["CGZF", "GA"])
    checkin = one(db_path, "SELECT id FROM checkin WHERE department_code = 'GA'")["id"]
    sync_service.clock.advance(minutes=9)  # type: ignore[attr-defined]
    run(arrive, checkin, person="王警官")
    run(receive_case, **CASE, reporter_phone="13812345678")
    sync_service.close()
    return db_path


def _verify(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["verify", "--db", str(path), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def _tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS event_no_update")
        conn.execute("DROP TRIGGER IF EXISTS event_no_delete")
        for statement in sql:
            conn.execute(statement)
    finally:
        conn.close()


def _event(path: Path, seq: int) -> sqlite3.Row:
    return one(path, "SELECT * FROM event WHERE station_id = ? AND seq = ?", STATION, seq)


def test_the_demo_verifies_and_exits_0(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _verify(demo_db, capsys)
    assert code == 0, text
    count = one(demo_db, "SELECT count(*) FROM event")[0]
    assert f"{count} 条留痕" in text


def test_a_clean_history_verifies(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _verify(history, capsys)[0] == 0


def test_an_altered_payload_is_named(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _event(history, 12)
    _tamper(history, "UPDATE event SET payload = replace(payload, '\"', '\"') || '' WHERE seq = 12")
    assert _verify(history, capsys)[0] == 0  # an update that changes nothing is no change
    payload = json.loads(target["payload"])
    payload["id" if "id" in payload else "name"] = "forged"
    _tamper(history, f"UPDATE event SET payload = '{json.dumps(payload)}' WHERE seq = 12")
    code, text = _verify(history, capsys)
    assert code != 0
    assert target["id"] in text and "12" in text and STATION in text
    assert "哈希不符" in text


def test_an_altered_personal_part_is_found(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = one(history, "SELECT * FROM event WHERE personal IS NOT NULL")
    forged = target["personal"].replace("13812345678", "13900000000")
    _tamper(history, f"UPDATE event SET personal = '{forged}' WHERE id = '{target['id']}'")
    code, text = _verify(history, capsys)
    assert code != 0
    assert target["id"] in text


def test_a_removed_event_is_named(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    after = _event(history, 8)
    _tamper(history, "DELETE FROM event WHERE seq = 7")
    code, text = _verify(history, capsys)
    assert code != 0
    assert after["id"] in text
    assert "应为 7" in text and "实为 8" in text


def test_a_removed_last_event_is_found_by_the_replay(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last = one(history, "SELECT * FROM event ORDER BY seq DESC LIMIT 1")
    _tamper(history, f"DELETE FROM event WHERE id = '{last['id']}'")
    code, text = _verify(history, capsys)
    assert code != 0
    assert "case_file" in text and last["subject"] in text


def test_an_inserted_event_with_a_made_up_hash_is_named(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last = one(history, "SELECT * FROM event ORDER BY seq DESC LIMIT 1")
    forged_id = uuid7(NOW + timedelta(hours=1))
    _tamper(
        history,
        "INSERT INTO event (id, station_id, seq, operator, at, type, subject, payload, personal,"
        " personal_digest, prev_hash, hash) VALUES"
        f" ('{forged_id}', '{STATION}', {last['seq'] + 1}, '值班员', '{last['at']}', 'case.close',"
        f" '{last['subject']}', '{{}}', NULL, NULL, '{last['hash']}', '{'f' * 64}')",
    )
    code, text = _verify(history, capsys)
    assert code != 0
    assert forged_id in text


def test_an_inserted_event_with_a_good_hash_is_found_by_the_replay(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A forger who recomputes the chain but cannot make the tables agree."""
    last = one(history, "SELECT * FROM event ORDER BY seq DESC LIMIT 1")
    closed = one(history, "SELECT id FROM case_file WHERE status = 'closed'")["id"]
    record = seal(
        id=uuid7(NOW + timedelta(hours=1)),
        station_id=STATION,
        seq=last["seq"] + 1,
        operator="值班员",
        at=from_iso("2026-03-10T03:00:00Z"),
        type="case.verify",
        subject=closed,
        payload={"id": closed, "from": "closed", "to": "verified"},
        personal=None,
        prev_hash=last["hash"],
    )
    _tamper(
        history,
        "INSERT INTO event (id, station_id, seq, operator, at, type, subject, payload, personal,"
        " personal_digest, prev_hash, hash) VALUES"
        f" ('{record.id}', '{STATION}', {record.seq}, '值班员', '2026-03-10 03:00:00.000000',"
        f" 'case.verify', '{closed}', '{json.dumps(record.payload)}', NULL, NULL,"
        f" '{record.prev_hash}', '{record.hash}')",
    )
    assert _verify(history, capsys, "--quick")[0] == 0  # the chain alone is fooled
    code, text = _verify(history, capsys)
    assert code != 0
    assert "case_file" in text and closed in text


@pytest.mark.parametrize(
    ("table", "change"),
    [
        ("case_file", "UPDATE case_file SET status = 'closed' WHERE status = 'parked'"),
        (
            "checkin",
            "UPDATE checkin SET late_minutes = 0, arrived_person = '李四' WHERE arrived_at IS NOT NULL",
        ),
        ("clock", "UPDATE clock SET deadline = '2026-03-11 02:00:00.000000' WHERE kind = 'handling'"),
        ("case_file", "DELETE FROM case_file WHERE status = 'rejected'"),
    ],
)
def test_a_row_changed_behind_the_service_is_named_by_the_replay(
    history: Path, capsys: pytest.CaptureFixture[str], table: str, change: str
) -> None:
    key = {
        "case_file": "SELECT id FROM case_file WHERE status IN ('parked', 'rejected') ORDER BY status",
        "checkin": "SELECT id FROM checkin WHERE arrived_at IS NOT NULL",
        "clock": "SELECT id FROM clock WHERE kind = 'handling' ORDER BY id",
    }[table]
    candidates = [r[0] for r in sqlite3.connect(history).execute(key)]
    _tamper(history, "PRAGMA foreign_keys = OFF", change)
    # --quick skips the replay; a deleted case still leaves its queue row behind, which the
    # check of the derived tables (quick too) finds
    quick, quick_text = _verify(history, capsys, "--quick")
    assert quick == (1 if change.startswith("DELETE") else 0)
    assert quick == 0 or "queue_key" in quick_text
    code, text = _verify(history, capsys)
    assert code != 0
    assert f"表 {table} " in text
    assert any(c in text for c in candidates), text


def test_verify_speaks_english_on_request(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tamper(history, "DELETE FROM event WHERE seq = 5")
    code, text = _verify(history, capsys, "--lang", "en")
    assert code != 0
    assert "sequence jumps from 5 to 6" in text


def test_verify_of_a_missing_file_is_a_clear_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _verify(tmp_path / "nowhere.db", capsys)
    assert code != 0
    assert "nowhere.db" in text
    assert not (tmp_path / "nowhere.db").exists()


def test_a_parked_case_really_is_in_the_history(history: Path) -> None:
    # guards the fixtures above: the rows they tamper with exist
    assert one(history, "SELECT count(*) FROM case_file WHERE status = 'parked'")[0] == 1
    assert one(history, "SELECT count(*) FROM checkin WHERE arrived_at IS NOT NULL")[0] == 1
    assert one(history, "SELECT count(*) FROM case_file WHERE status = 'rejected'")[0] == 1


def test_a_row_added_behind_the_service_is_named(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tamper(
        history,
        "CREATE TEMP TABLE forged AS SELECT * FROM case_file WHERE status = 'closed'",
        "UPDATE forged SET id = '00000000-forged', number = 'SJ-2026-999999'",
        "INSERT INTO case_file SELECT * FROM forged",
    )
    code, text = _verify(history, capsys)
    assert code != 0
    assert "表 case_file 中的记录 00000000-forged " in text


def _old_form(path: Path) -> None:
    """Payloads and personal parts as files written before they were kept canonical: the
    same JSON with ``json.dumps``' default separators."""
    conn = sqlite3.connect(path, isolation_level=None)
    rows = conn.execute("SELECT id, payload, personal FROM event").fetchall()
    _tamper(
        path,
        *(
            "UPDATE event SET payload = {}, personal = {} WHERE id = '{}'".format(
                _quoted(json.dumps(json.loads(payload), ensure_ascii=False, sort_keys=True)),
                "NULL"
                if personal is None
                else _quoted(json.dumps(json.loads(personal), ensure_ascii=False, sort_keys=True)),
                ident,
            )
            for ident, payload, personal in rows
        ),
    )
    conn.close()


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_new_events_store_their_payload_as_the_hash_saw_it(history: Path) -> None:
    for row in sqlite3.connect(history).execute("SELECT payload, personal FROM event"):
        for stored in row:
            if stored is not None:
                assert stored == canonical_text(json.loads(stored))


def test_a_file_written_before_payloads_were_canonical_still_verifies_and_exports(
    history: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _old_form(history)
    assert ", " in one(history, "SELECT payload FROM event WHERE seq = 12")["payload"]
    assert _verify(history, capsys, "--quick")[0] == 0
    assert main(["export", "--db", str(history), "--out", str(tmp_path / "b.bundle")]) == 0
    capsys.readouterr()
    target = _event(history, 12)
    payload = json.loads(target["payload"])
    payload["id" if "id" in payload else "name"] = "forged"
    _tamper(
        history,
        f"UPDATE event SET payload = {_quoted(json.dumps(payload, ensure_ascii=False))} WHERE seq = 12",
    )
    code, text = _verify(history, capsys, "--quick")
    assert code != 0 and target["id"] in text and "哈希不符" in text


def test_a_payload_rehashed_in_another_spelling_of_the_same_json_is_still_one_event(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reformatting one stored payload (spaces, the same keys and values) changes no hash:
    the check falls back to parsing it, so a cosmetic rewrite is not a forgery."""
    target = _event(history, 12)
    spaced = json.dumps(json.loads(target["payload"]), ensure_ascii=False, sort_keys=True, indent=1)
    _tamper(history, f"UPDATE event SET payload = {_quoted(spaced)} WHERE seq = 12")
    assert _verify(history, capsys, "--quick")[0] == 0
