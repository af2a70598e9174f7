"""CSV and Open311 exports, field by field."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from data.exports.csv import export_csv
from data.exports.open311 import export_open311
from data.store.tables import CHECKIN, EVENT
from data.write.commands.cases import blow_whistle, transition
from data.write.commands.checkins import act, arrive, rate
from data.write.commands.reference import add_operator
from models.clock import FrozenClock
from models.enums import Grade, Role
from models.errors import DomainError
from models.lifecycle import Action
from tests.unit.sync_support import new_case, open_station, table_dump

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def station(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FrozenClock(NOW)
    a = open_station(tmp_path, "ST-A", clock)
    open_case = new_case(a)
    a.run(transition, open_case, Action.TRIAGE)
    whistle = a.run(blow_whistle, open_case, grade=Grade.URGENT, departments=["CGZF", "GA"])
    clock.advance(timedelta(minutes=40))
    with a.engine.connect() as conn:
        checkins = dict(
            conn.execute(
                select(CHECKIN.c.department_code, CHECKIN.c.id).where(CHECKIN.c.whistle_id == whistle)
            ).all()
        )
    a.run(arrive, checkins["CGZF"], person="李队长")
    a.run(act, checkins["CGZF"], action="现场劝离", result="摊位已清理")
    a.run(rate, checkins["CGZF"], rating=4, reason="到场迅速")
    rejected = new_case(a, phone="13900001111")
    a.run(transition, rejected, Action.REJECT, reason="不属于本街道管辖")
    return a, clock, open_case, rejected


def test_open311_field_by_field(station) -> None:  # type: ignore[no-untyped-def]
    a, _clock, open_case, rejected = station
    text, count = export_open311(a)
    requests = {r["extended_attributes"]["case_id"]: r for r in json.loads(text)}
    assert count == 2 and set(requests) == {open_case, rejected}
    r = requests[open_case]
    assert r["service_request_id"] == "A-2026-000001"
    assert r["status"] == "open"
    assert r["status_notes"] == "已吹哨"
    assert r["service_code"] == "street_vending"
    assert r["service_name"] == "占道经营/流动摊贩"
    assert r["description"] == "早高峰占道摆摊，影响通行"
    assert r["agency_responsible"] == "城管执法队、公安派出所"
    assert r["requested_datetime"] == "2026-03-10T10:00:00+08:00"
    assert r["updated_datetime"] == "2026-03-10T10:40:00+08:00"
    # street vending: 4 working hours from 10:00 on a Tuesday, the lunch break not counted.
    assert r["expected_datetime"] == "2026-03-10T15:30:00+08:00"
    assert r["address"] == "东四北大街 12 号"
    assert not {"lat", "long", "address_id", "zipcode", "media_url"} & r.keys()
    ext = r["extended_attributes"]
    assert ext["community"] == "东四社区" and ext["station"] == "ST-A" and ext["status_code"] == "dispatched"
    assert "reporter" not in ext and "13812345678" not in text
    (whistle,) = ext["whistles"]
    assert whistle["grade"] == "urgent" and whistle["blown_at"] == "2026-03-10T10:00:00+08:00"
    by_dept = {c["department_code"]: c for c in whistle["checkins"]}
    assert by_dept["CGZF"]["arrived_at"] == "2026-03-10T10:40:00+08:00"
    assert by_dept["CGZF"]["late_minutes"] == 10
    assert by_dept["CGZF"]["action_taken"] == "现场劝离"
    assert by_dept["GA"]["status"] == "summoned" and "arrived_at" not in by_dept["GA"]
    assert by_dept["GA"]["deadline"] == "2026-03-10T10:30:00+08:00"

    closed = requests[rejected]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "不予受理；不属于本街道管辖"
    assert closed["agency_responsible"] == "ST-A 街道"
    assert closed["extended_attributes"]["whistles"] == []


def test_open311_personal_data_for_a_supervisor_only(station, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, clock, _open_case, rejected = station
    a.run(add_operator, name="小王", role=Role.OPERATOR)
    clerk = open_station(tmp_path, "ST-A", clock, operator="小王", signed_in=False)
    before = table_dump(tmp_path / "ST-A.db")
    with pytest.raises(DomainError) as refused:
        export_open311(clerk, tmp_path / "o.json", include_personal=True)
    assert refused.value.key == "auth.needs_supervisor"
    assert table_dump(tmp_path / "ST-A.db") == before and not (tmp_path / "o.json").exists()
    text, _ = export_open311(a, tmp_path / "o.json", include_personal=True)
    requests = {r["extended_attributes"]["case_id"]: r for r in json.loads(text)}
    assert requests[rejected]["extended_attributes"]["reporter"] == {"name": "张三", "phone": "13900001111"}
    assert json.loads((tmp_path / "o.json").read_text(encoding="utf-8")) == json.loads(text)
    with a.engine.connect() as conn:
        kinds = [
            json.loads(p)["kind"]
            for p in conn.execute(select(EVENT.c.payload).where(EVENT.c.type == "export.personal")).scalars()
        ]
    assert kinds == ["open311"]


def test_csv_has_a_bom_and_chinese_intact(station, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, *_ = station
    counts = export_csv(a, tmp_path / "csv")
    assert counts == {"cases": 2, "checkins": 2, "reinspections": 0}
    raw = (tmp_path / "csv" / "cases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "csv" / "cases.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["案件编号"] == "A-2026-000001"
    assert rows[0]["类别"] == "占道经营/流动摊贩" and rows[0]["社区"] == "东四社区"
    assert rows[0]["状态"] == "已吹哨" and rows[0]["接收时间"] == "2026-03-10 10:00:00"
    assert "联系电话" not in rows[0] and b"13812345678" not in raw
    with open(tmp_path / "csv" / "checkins.csv", encoding="utf-8-sig", newline="") as handle:
        checkins = {r["部门"]: r for r in csv.DictReader(handle)}
    assert checkins["城管执法队"]["迟到分钟"] == "10" and "到场人员" not in checkins["城管执法队"]
    assert checkins["公安派出所"]["状态"] == "待报到"
    export_csv(a, tmp_path / "personal", include_personal=True)
    with open(tmp_path / "personal" / "cases.csv", encoding="utf-8-sig", newline="") as handle:
        phones = sorted(r["联系电话"] for r in csv.DictReader(handle))
    assert phones == ["13812345678", "13900001111"]
    with open(tmp_path / "personal" / "checkins.csv", encoding="utf-8-sig", newline="") as handle:
        assert {r["部门"]: r["到场人员"] for r in csv.DictReader(handle)}["城管执法队"] == "李队长"
