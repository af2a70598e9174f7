"""CSV for spreadsheets: cases, check-ins and re-inspections, one file each.

UTF-8 with a byte-order mark, because spreadsheet programs otherwise read Chinese as a
legacy code page. Reporter name and phone only when a supervisor asks for them.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select

from data.exports.common import (
    category_name,
    department_names,
    local_text,
    read_connection,
    source_name,
)
from data.store.tables import CASE, CHECKIN, CLOCK, REINSPECTION, WHISTLE
from data.write.commands.sync import record_personal_export, require_supervisor
from data.write.session import SyncService
from models.enums import (
    CaseStatus,
    CheckInStatus,
    Grade,
    Priority,
    Purpose,
    ReinspectionKind,
    ReinspectionResult,
)
from models.i18n import label, t

FILES = ("cases", "checkins", "reinspections")
CASE_COLUMNS = (
    "number",
    "station",
    "status",
    "source",
    "category",
    "subcategory",
    "community",
    "address",
    "description",
    "priority",
    "received_at",
    "dispatched_at",
    "closed_at",
    "handling_deadline",
    "updated_at",
    "reopened_from",
)
PERSONAL_COLUMNS = ("reporter_name", "reporter_phone")
CHECKIN_COLUMNS = (
    "number",
    "grade",
    "purpose",
    "blown_at",
    "department",
    "status",
    "deadline",
    "arrived_at",
    "late_minutes",
    "person",
    "action",
    "result",
    "rating",
    "rating_reason",
    "released_at",
)
REINSPECTION_COLUMNS = (
    "number",
    "kind",
    "due_on",
    "result",
    "inspector",
    "notes",
    "recorded_at",
    "relapse_number",
)


def _label(enum: Any, value: str | None) -> str:
    return label(enum(value)) if value else ""


def _cases(conn: Connection, tz: ZoneInfo, personal: bool) -> Iterable[list[Any]]:
    numbers = dict(conn.execute(select(CASE.c.id, CASE.c.number)).all())
    handling = and_(CLOCK.c.case_id == CASE.c.id, CLOCK.c.kind == "handling")
    query = (
        select(CASE, CLOCK.c.deadline.label("handling_deadline"))
        .outerjoin(CLOCK, handling)
        .order_by(CASE.c.received_at, CASE.c.number)
    )
    for r in conn.execute(query):
        row = [
            r.number,
            r.station_id,
            _label(CaseStatus, r.status),
            source_name(r.source),
            category_name(r.category),
            r.subcategory,
            r.community,
            r.address,
            r.description,
            _label(Priority, r.priority),
            local_text(r.received_at, tz),
            local_text(r.dispatched_at, tz),
            local_text(r.closed_at, tz),
            local_text(r.handling_deadline, tz),
            local_text(r.updated_at, tz),
            numbers.get(r.reopened_from, ""),
        ]
        if personal:
            row += [r.reporter_name or "", r.reporter_phone or ""]
        yield row


def _checkins(conn: Connection, tz: ZoneInfo) -> Iterable[list[Any]]:
    departments = department_names(conn)
    query = (
        select(
            CHECKIN,
            CASE.c.number,
            WHISTLE.c.grade,
            WHISTLE.c.purpose,
            WHISTLE.c.blown_at,
        )
        .join(CASE, CASE.c.id == CHECKIN.c.case_id)
        .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
        .order_by(WHISTLE.c.blown_at, CASE.c.number, CHECKIN.c.department_code)
    )
    for r in conn.execute(query):
        yield [
            r.number,
            _label(Grade, r.grade),
            _label(Purpose, r.purpose),
            local_text(r.blown_at, tz),
            departments.get(r.department_code, r.department_code),
            _label(CheckInStatus, r.status),
            local_text(r.deadline, tz),
            local_text(r.arrived_at, tz),
            "" if r.late_minutes is None else r.late_minutes,
            r.arrived_person or "",
            r.action_taken or "",
            r.result or "",
            "" if r.rating is None else r.rating,
            r.rating_reason or "",
            local_text(r.released_at, tz),
        ]


def _reinspections(conn: Connection, tz: ZoneInfo) -> Iterable[list[Any]]:
    numbers = dict(conn.execute(select(CASE.c.id, CASE.c.number)).all())
    query = select(REINSPECTION).order_by(REINSPECTION.c.due_on, REINSPECTION.c.id)
    for r in conn.execute(query):
        yield [
            numbers.get(r.case_id, r.case_id),
            _label(ReinspectionKind, r.kind),
            r.due_on.isoformat(),
            _label(ReinspectionResult, r.result),
            r.inspector or "",
            r.notes,
            local_text(r.recorded_at, tz),
            numbers.get(r.relapse_case_id, "") if r.relapse_case_id else "",
        ]


def _write(path: Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    count = 0
    with open(temp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return count


def write_csv(conn: Connection, out_dir: Path, tz: ZoneInfo, *, include_personal: bool) -> dict[str, int]:
    """The three files in ``out_dir``; returns the number of rows written to each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    case_columns = CASE_COLUMNS + (PERSONAL_COLUMNS if include_personal else ())
    plan: dict[str, tuple[tuple[str, ...], Callable[[], Iterable[list[Any]]]]] = {
        "cases": (case_columns, lambda: _cases(conn, tz, include_personal)),
        "checkins": (CHECKIN_COLUMNS, lambda: _checkins(conn, tz)),
        "reinspections": (REINSPECTION_COLUMNS, lambda: _reinspections(conn, tz)),
    }
    counts = {}
    for name, (columns, rows) in plan.items():
        header = [t(f"export.column.{c}") for c in columns]
        counts[name] = _write(out_dir / f"{name}.csv", header, rows())
    return counts


def export_csv(service: SyncService, out_dir: Path, *, include_personal: bool = False) -> dict[str, int]:
    if include_personal:
        service.run(require_supervisor)
    with read_connection(service) as conn:
        counts = write_csv(conn, out_dir, service.rules.settings.tz, include_personal=include_personal)
    if include_personal:
        service.run(record_personal_export, "csv", counts["cases"])
    return counts
