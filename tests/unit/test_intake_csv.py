"""Batch intake of hotline work orders: encodings, columns, all-or-nothing, --skip-bad."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from data.service import SyncService
from data.settings import Settings
from data.write.intake_csv import CsvError, IntakeRefused, decode, import_rows, parse, read_file
from models.clock import FrozenClock
from tests.unit.conftest import Snapshot
from tests.unit.support import event_count, rows
from tui.cli import main

HEADER = "来源,类别,社区,地址,问题描述,反映人,联系电话,紧急程度"
GOOD = [
    "12345热线,噪音扰民,东四社区,东四北大街 12 号,夜间施工噪音扰民,王女士,13812345678,较急",
    "hotline,parking,朝阳门社区,朝阳门内大街 3 号,小区门口乱停车,,,",
    '巡查发现,占道经营/流动摊贩,东四社区,东四十条 8 号,"早市占道，\n影响通行",李先生,010-65123456,紧急',
]


def _csv(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "orders.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_good_rows_become_cases_in_order(sync_service: SyncService, db_path: Path) -> None:
    result = sync_service.run(import_rows, parse(_csv(*GOOD)))
    assert result.numbers == ("SJ-2026-000001", "SJ-2026-000002", "SJ-2026-000003")
    found = rows(
        db_path,
        "SELECT source, category, priority, reporter_phone, description FROM case_file ORDER BY number",
    )
    assert [(r["source"], r["category"], r["priority"]) for r in found] == [
        ("hotline", "noise", "high"),
        ("hotline", "parking", "normal"),
        ("patrol", "street_vending", "urgent"),
    ]
    assert found[0]["reporter_phone"] == "13812345678"
    assert found[2]["description"] == "早市占道，\n影响通行"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    parsed = read_file(_write(tmp_path, _csv(*GOOD), encoding))
    assert [r.fields["community"] for r in parsed.rows] == ["东四社区", "朝阳门社区", "东四社区"]
    assert parsed.errors == ()


def test_undecodable_file_is_refused() -> None:
    with pytest.raises(CsvError) as err:
        decode(b"\xff\xfe\x00\xd8\x00\x00\x81", "x.csv")
    assert "GB18030" in str(err.value)


def test_english_column_names_and_optional_source() -> None:
    parsed = parse("category,community,address,description\nnoise,东四社区,东四北大街 1 号,噪音\n")
    (row,) = parsed.rows
    assert row.fields["source"] == "hotline" and row.fields["priority"] == "normal"


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("来源,类别,社区,地址", "问题描述"),
        ("来源,类别,社区,地址,问题描述,备注", "备注"),
        ("类别,社区,地址,问题描述,category", "category"),
    ],
)
def test_bad_header_is_refused(header: str, fragment: str) -> None:
    with pytest.raises(CsvError) as err:
        parse(header + "\n")
    assert fragment in str(err.value)


BAD = [
    "12345热线,噪音扰民,东四社区,东四北大街 12 号,夜间施工,王女士,138-1234,一般",  # bad phone (line 3)
    "12345热线,外星人入侵,东四社区,东四北大街 12 号,不明飞行物,,,",  # unknown category (line 4)
    "12345热线,噪音扰民,东四社区,,没有地址,,,",  # address missing (line 5)
    "12345热线,噪音扰民,东四社区",  # too few fields (line 6)
]


def test_one_bad_row_refuses_the_whole_file(
    sync_service: SyncService, db_path: Path, snapshot: Callable[[Path], Snapshot]
) -> None:
    before = snapshot(db_path)
    with pytest.raises(IntakeRefused) as refused:
        sync_service.run(import_rows, parse(_csv(GOOD[0], *BAD, GOOD[1])))
    assert [e.line for e in refused.value.errors] == [3, 4, 5, 6]
    lines = [str(e) for e in refused.value.errors]
    assert lines[0].startswith("第 3 行：联系电话格式不对：138-1234")
    assert lines[1] == "第 4 行：未知的案件类别：外星人入侵"
    assert lines[2] == "第 5 行：请填写地址。"
    assert lines[3] == "第 6 行：本行有 3 列，表头有 8 列。"
    assert "4 行有错，整个文件未导入（共 6 行）" in str(refused.value)
    assert snapshot(db_path) == before


def test_skip_bad_writes_only_the_good_rows(sync_service: SyncService, db_path: Path) -> None:
    result = sync_service.run(import_rows, parse(_csv(GOOD[0], *BAD, GOOD[1])), skip_bad=True)
    assert result.numbers == ("SJ-2026-000001", "SJ-2026-000002")
    assert [e.line for e in result.errors] == [3, 4, 5, 6]
    assert len(rows(db_path, "SELECT id FROM case_file")) == 2


def test_line_numbers_count_multiline_fields() -> None:
    parsed = parse(_csv(GOOD[2], BAD[1]))
    assert [e.line for e in parsed.errors] == [4]


def _cli(db: Path, *args: str) -> int:
    return main(["intake", *args, "--db", str(db)])  # a script naming no operator


def test_cli_refuses_then_skips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: Settings, clock: FrozenClock
) -> None:
    db = tmp_path / "cli.db"
    path = _write(tmp_path, _csv(GOOD[0], BAD[0], GOOD[1]), "gb18030")
    assert _cli(db, str(path)) == 1
    err = capsys.readouterr().err
    assert "第 3 行" in err and "整个文件未导入" in err
    assert rows(db, "SELECT count(*) AS n FROM case_file")[0]["n"] == 0
    assert _cli(db, str(path), "--skip-bad") == 0
    out = capsys.readouterr()
    assert "已导入 2 件案件，跳过 1 行" in out.out and "第 3 行" in out.err
    assert rows(db, "SELECT count(*) AS n FROM case_file")[0]["n"] == 2
    # named by no one: recorded as nobody in particular
    assert {r["operator"] for r in rows(db, "SELECT operator FROM event WHERE type = 'case.received'")} == {
        ""
    }
    assert event_count(db) > 2
    assert main(["verify", "--db", str(db)]) == 0
