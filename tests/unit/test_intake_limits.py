"""Intake refuses control characters and over-long text, at the form and in CSV, in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from data.service import SyncService
from data.write.commands.cases import receive_case
from models.errors import ValidationError
from models.limits import DESCRIPTION_MAX, TEXT_LIMITS, check_text
from tests.unit.support import rows
from tui.cli import main

HEADER = "来源,类别,社区,地址,问题描述,反映人,联系电话,紧急程度"
CASE = {
    "source": "hotline",
    "category": "noise",
    "community": "东四社区",
    "address": "东四北大街 12 号",
    "description": "夜间施工噪音扰民",
}


def _cases(db: Path) -> int:
    return int(rows(db, "SELECT count(*) AS n FROM case_file")[0]["n"]) if db.exists() else 0


def _intake(tmp_path: Path, body: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    path = tmp_path / "orders.csv"
    path.write_text(f"{HEADER}\n{body}\n", encoding="utf-8")
    db = tmp_path / "cli.db"
    code = main(["intake", str(path), "--db", str(db)])
    return code, capsys.readouterr().err, db


def test_nul_in_a_csv_field_is_refused_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, db = _intake(tmp_path, "12345热线,噪音扰民,东四社区,东四北大街 12 号,夜间\x00施工,,,", capsys)
    assert code == 1
    assert "第 2 行" in err and "U+0000" in err and "整个文件未导入" in err
    assert "\x00" not in err and "Traceback" not in err
    assert _cases(db) == 0


def test_a_csv_field_over_131072_characters_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "长" * 140_000
    code, err, db = _intake(tmp_path, f"12345热线,噪音扰民,东四社区,东四北大街 12 号,{huge},,,", capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "第 2 行" in err and "131072" in err
    assert _cases(db) == 0


def test_an_unmatched_quote_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the quote never closes, so the rest of the file becomes one field past the limit
    body = '12345热线,噪音扰民,东四社区,东四北大街 12 号,"夜间施工\n' + ("施工噪音扰民，" * 20_000)
    code, err, _ = _intake(tmp_path, body, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("description", "x" * (DESCRIPTION_MAX + 1), "error.too_long"),
        ("address", "东四北大街" + "号" * TEXT_LIMITS["address"], "error.too_long"),
        ("reporter_name", "王" * (TEXT_LIMITS["reporter_name"] + 1), "error.too_long"),
        ("address", "东四北大街\x1b[31m12 号", "error.control_character"),
        ("community", "东四\x00社区", "error.control_character"),
        ("description", "一行\n二行\x07", "error.control_character"),
        ("reporter_name", "王\n女士", "error.control_character"),
    ],
    ids=["long-description", "long-address", "long-name", "escape", "nul", "bell", "newline-in-name"],
)
def test_intake_refuses_at_the_field(
    sync_service: SyncService, db_path: Path, field: str, value: str, key: str
) -> None:
    """The console's intake form and CSV intake both end in receive_case."""
    with pytest.raises(ValidationError) as refused:
        sync_service.run(receive_case, **{**CASE, field: value})
    assert refused.value.key == key and refused.value.field == field
    assert "\n" not in str(refused.value)
    assert _cases(db_path) == 0


def test_the_limits_themselves_are_accepted(sync_service: SyncService, db_path: Path) -> None:
    sync_service.run(
        receive_case,
        **{**CASE, "description": "一\r\n" + "x" * (DESCRIPTION_MAX - 2)},
        reporter_name="王" * TEXT_LIMITS["reporter_name"],
    )
    (case,) = rows(db_path, "SELECT description, reporter_name FROM case_file")
    assert case["description"].startswith("一\nx") and len(case["description"]) == DESCRIPTION_MAX


def test_check_text_keeps_ordinary_text() -> None:
    assert check_text("address", "东四北大街 12 号（近地铁站）") == "东四北大街 12 号（近地铁站）"
    assert check_text("notes", "第一行\r第二行") == "第一行\n第二行"


@pytest.mark.parametrize(
    "make",
    [
        lambda d: d,  # a folder
        lambda d: d / "missing.csv",
        lambda d: Path("/dev/zero"),  # endless: refused before it is read
        lambda d: _bytes(d / "binary.csv", bytes(range(256)) * 40),
        lambda d: _bytes(d / "nul.csv", b"\x00\x01\x1b[2Jabc,def\n1,2\n"),
    ],
    ids=["folder", "missing", "device", "binary", "control-header"],
)
def test_a_bad_file_is_one_clean_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any) -> None:
    path = make(tmp_path)
    code = main(["intake", str(path), "--db", str(tmp_path / "cli.db")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert not any(ch in err.strip() for ch in "\x00\x01\x1b")


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
