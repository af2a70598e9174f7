"""Exports cannot attack their reader, open right, leak nothing and reach the disk whole."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from data.exports.csv import TableFormat, export_csv, neutralise
from data.exports.open311 import export_open311
from data.read.reinspections import schedule
from data.service import SyncService
from data.settings import Settings
from data.sync.export import export_bundle
from data.write.commands.cases import receive_case
from data.write.commands.reference import add_operator
from data.write.commands.reinspections import record_result
from models.clock import FrozenClock
from models.enums import ReinspectionResult, Role
from models.errors import DomainError
from tests.unit.meetings_support import handled_and_closed
from tests.unit.support import as_supervisor

FORMULAS = {
    "description": '=HYPERLINK("http://example.invalid/x","点我")',
    "address": "+cmd|' /C calc'!A0",
    "community": "@SUM(1+1)",
    "subcategory": "-2+3",
}


@pytest.fixture(autouse=True)
def _umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def sync_service(db_path: Path, settings: Settings, clock: FrozenClock) -> Iterator[SyncService]:
    """The station signed in as its supervisor: personal data leaves only in a supervisor's hands."""
    svc: SyncService = as_supervisor(db_path, settings, clock)
    yield svc
    svc.close()


def _case(service: SyncService, **fields: str) -> str:
    values = {
        "source": "hotline",
        "category": "noise",
        "community": "东四社区",
        "address": "东四北大街 12 号",
        "description": "夜间施工噪音扰民",
        **fields,
    }
    case_id: str = service.run(receive_case, **values)
    return case_id


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- formula injection -------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
    sync_service: SyncService, tmp_path: Path
) -> None:
    _case(sync_service, **FORMULAS)
    export_csv(sync_service, tmp_path / "out")
    with open(tmp_path / "out" / "cases.csv", encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["问题描述"] == "'" + FORMULAS["description"]
    assert row["地址"] == "'" + FORMULAS["address"]
    assert row["社区"] == "'" + FORMULAS["community"]
    assert row["小类"] == "'" + FORMULAS["subcategory"]
    # every text cell is quoted, so no separator inside one can split it
    raw = (tmp_path / "out" / "cases.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://example.invalid/x"",""点我"")"' in raw


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise(f"a{start}1") == f"a{start}1"


def test_the_csv_opens_as_utf8_with_a_bom(sync_service: SyncService, tmp_path: Path) -> None:
    _case(sync_service)
    export_csv(sync_service, tmp_path / "out")
    raw = (tmp_path / "out" / "cases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # a plain open that knows the BOM (what Excel and WPS do) reads the Chinese header
    with open(tmp_path / "out" / "cases.csv", encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle))[0] == "案件编号"
    # and a reader that ignores it gets the character U+FEFF before the header, not mojibake
    assert raw.decode("utf-8").startswith('\ufeff"案件编号"')


# -- the workbook ------------------------------------------------------------------------


def test_xlsx_keeps_text_as_text_dates_as_dates_numbers_as_numbers(
    sync_service: SyncService, db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    handled_and_closed(sync_service, db_path, came=["CGZF"], absent=[])
    formulas = {k: v for k, v in FORMULAS.items() if k != "subcategory"}
    _case(
        sync_service, reporter_name="王女士", reporter_phone="01065123456", subcategory="000123", **formulas
    )
    counts = export_csv(sync_service, tmp_path / "x", include_personal=True, fmt=TableFormat.XLSX)
    assert counts["cases"] == 2 and counts["checkins"] == 1
    book = load_workbook(tmp_path / "x" / "whistle-export.xlsx")
    assert book.sheetnames == ["案件", "报到", "回头看"]
    sheet = book["案件"]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[3], strict=True)}
    assert row["小类"].value == "000123" and row["小类"].data_type == "s"
    assert row["联系电话"].value == "01065123456" and row["联系电话"].data_type == "s"
    assert row["问题描述"].value == FORMULAS["description"] and row["问题描述"].data_type == "s"
    assert row["接收时间"].is_date and row["接收时间"].value == datetime(2026, 3, 10, 10, 0)
    checkins = book["报到"]
    header = [c.value for c in checkins[1]]
    checkin = {h: c.value for h, c in zip(header, checkins[2], strict=True)}
    assert isinstance(checkin["吹哨时间"], datetime)
    assert checkin["迟到分钟"] == 0 and isinstance(checkin["迟到分钟"], int)
    assert checkin["到场人员"] == "张三"
    due = book["回头看"]["C2"]  # 应查日期: a date cell (openpyxl reads it back as midnight)
    assert due.is_date and due.number_format == "yyyy-mm-dd" and isinstance(due.value, datetime)


# -- Open311 -----------------------------------------------------------------------------


def test_open311_is_strict_and_names_no_staff(
    sync_service: SyncService, db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    case_id = handled_and_closed(sync_service, db_path, came=["CGZF"], absent=[])
    closed_at = clock.now()
    clock.advance(timedelta(days=20))
    with sync_service.engine.connect() as conn:
        today = clock.now().astimezone(sync_service.rules.settings.tz).date()
        (item,) = schedule(conn, today, clock.now())  # type: ignore[arg-type]
    sync_service.run(record_result, item.id, result=ReinspectionResult.PASS, inspector="李核查")

    out = tmp_path / "open311" / "requests.json"
    text, _ = export_open311(sync_service, out, services_out=tmp_path / "open311" / "services.json")
    assert "null" not in text
    (request,) = json.loads(text)
    assert request["extended_attributes"]["case_id"] == case_id
    assert not {"lat", "long", "address_id", "zipcode", "media_url"} & request.keys()
    # the close, not the re-inspection twenty days later
    assert request["updated_datetime"] == closed_at.astimezone(sync_service.rules.settings.tz).isoformat()
    assert request["status"] == "closed"
    # no names of staff, no ratings
    assert "张三" not in text and "rating" not in text and "blown_by" not in text
    services = json.loads((tmp_path / "open311" / "services.json").read_text(encoding="utf-8"))
    codes = {s["service_code"]: s for s in services}
    assert request["service_code"] in codes
    fields = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert set(codes["noise"]) == fields
    assert codes["noise"]["metadata"] is False and codes["noise"]["type"] == "realtime"

    personal, _ = export_open311(sync_service, tmp_path / "p" / "requests.json", include_personal=True)
    (checkin,) = json.loads(personal)[0]["extended_attributes"]["whistles"][0]["checkins"]
    assert checkin["arrived_person"] == "张三"


def test_open311_personal_data_needs_a_supervisor(
    sync_service: SyncService, db_path: Path, settings: object, clock: FrozenClock, tmp_path: Path
) -> None:
    sync_service.run(add_operator, name="小王", role=Role.OPERATOR)
    clerk = SyncService.open(db_path, sync_service.rules.settings, clock, "小王")
    try:
        with pytest.raises(DomainError) as refused:
            export_open311(clerk, tmp_path / "o.json", include_personal=True)
    finally:
        clerk.close()
    # the one supervisor guard of the sign-in work (auth) refuses it, naming the operator
    assert refused.value.key == "auth.needs_supervisor" and "小王" in str(refused.value)


# -- file modes --------------------------------------------------------------------------


def test_personal_files_are_0600_in_a_0700_folder(sync_service: SyncService, tmp_path: Path) -> None:
    _case(sync_service, reporter_name="王女士", reporter_phone="13812345678")
    folder = tmp_path / "new" / "personal"
    export_csv(sync_service, folder, include_personal=True)
    assert _mode(folder) == 0o700
    assert {p.name: _mode(p) for p in folder.iterdir()} == {
        "cases.csv": 0o600,
        "checkins.csv": 0o600,
        "reinspections.csv": 0o600,
    }
    export_open311(sync_service, tmp_path / "o311" / "r.json", include_personal=True)
    assert _mode(tmp_path / "o311") == 0o700 and _mode(tmp_path / "o311" / "r.json") == 0o600
    export_csv(sync_service, folder, include_personal=True, fmt=TableFormat.XLSX)
    assert _mode(folder / "whistle-export.xlsx") == 0o600


def test_personal_data_is_refused_in_a_folder_others_can_open(
    sync_service: SyncService, tmp_path: Path
) -> None:
    _case(sync_service, reporter_name="王女士", reporter_phone="13812345678")
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    for export in (
        lambda: export_csv(sync_service, shared, include_personal=True),
        lambda: export_open311(sync_service, shared / "r.json", include_personal=True),
    ):
        with pytest.raises(DomainError) as refused:
            export()
        assert refused.value.key == "error.folder_not_private" and "chmod 700" in str(refused.value)
    assert list(shared.iterdir()) == []


def test_other_exports_follow_the_umask(sync_service: SyncService, tmp_path: Path) -> None:
    _case(sync_service)
    export_csv(sync_service, tmp_path / "plain")
    export_open311(sync_service, tmp_path / "plain" / "r.json")
    assert {p.name: _mode(p) for p in (tmp_path / "plain").iterdir()} == {
        "cases.csv": 0o644,
        "checkins.csv": 0o644,
        "reinspections.csv": 0o644,
        "r.json": 0o644,
    }


def test_a_bundle_with_personal_data_needs_a_private_folder(
    sync_service: SyncService, tmp_path: Path
) -> None:
    _case(sync_service, reporter_name="王女士", reporter_phone="13812345678")
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    with pytest.raises(DomainError) as refused:
        export_bundle(sync_service, shared / "a.zip", include_personal=True)
    assert refused.value.key == "error.folder_not_private" and list(shared.iterdir()) == []
    export_bundle(sync_service, tmp_path / "private" / "a.zip", include_personal=True)
    assert _mode(tmp_path / "private") == 0o700 and _mode(tmp_path / "private" / "a.zip") == 0o600
    export_bundle(sync_service, shared / "b.zip", since=0)
    assert _mode(shared / "b.zip") == 0o600  # a bundle names the operators: owner-only still


def test_a_bundle_that_does_not_read_back_leaves_no_file_and_no_signed_head(
    sync_service: SyncService, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from data.sync import export as bundle_export

    _case(sync_service)
    before = _events(db_path)

    def unreadable(out: Path, *args: object) -> None:
        raise DomainError("sync.error.readback", path=str(out), detail="test")

    monkeypatch.setattr(bundle_export, "_check_written", unreadable)
    with pytest.raises(DomainError):
        export_bundle(sync_service, tmp_path / "out" / "a.zip")
    # the head signed for it and the export's trace went with the file
    assert not (tmp_path / "out" / "a.zip").exists() and _events(db_path) == before


def _events(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute("SELECT type FROM event ORDER BY station_id, seq")]
    finally:
        conn.close()
