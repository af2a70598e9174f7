"""The tabular exports' content, typed: cases, check-ins and re-inspections.

Each cell is what it is — text (``str``), a whole number (``int``), a local date and time
(``datetime`` without a zone, the station's wall clock), a date, or ``None`` for nothing —
so the CSV writer can spell it and the workbook writer can store it as its own type
(phones and codes keep their leading zeros, dates are dates, numbers are numbers).

Staff names (who arrived, who inspected) are personal data, like the reporter's name and
phone: they come only when a supervisor asks for personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select

from data.exports.common import category_name, department_names, source_name
from data.store.tables import CASE, CHECKIN, CLOCK, REINSPECTION, WHISTLE
from models.enums import (
    CaseStatus,
    CheckInStatus,
    Grade,
    Priority,
    Purpose,
    ReinspectionKind,
    ReinspectionResult,
)
from models.i18n import label

Cell = str | int | datetime | date | None
TABLE_NAMES = ("cases", "checkins", "reinspections")

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
CASE_PERSONAL = ("reporter_name", "reporter_phone")
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
    "action",
    "result",
    "rating",
    "rating_reason",
    "released_at",
)
CHECKIN_PERSONAL = ("person",)
REINSPECTION_COLUMNS = (
    "number",
    "kind",
    "due_on",
    "result",
    "notes",
    "recorded_at",
    "relapse_number",
)
REINSPECTION_PERSONAL = ("inspector",)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    """Column codes; the header is ``t(f"export.column.{code}")``."""
    rows: Callable[[], Iterable[list[Cell]]]


def local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """The station's wall-clock time, without a zone: what a spreadsheet shows as a date."""
    return value.astimezone(tz).replace(tzinfo=None) if value else None


def _label(enum: Any, value: str | None) -> str | None:
    return label(enum(value)) if value else None


def _cases(conn: Connection, tz: ZoneInfo, personal: bool) -> Iterable[list[Cell]]:
    numbers = dict(conn.execute(select(CASE.c.id, CASE.c.number)).all())
    handling = and_(CLOCK.c.case_id == CASE.c.id, CLOCK.c.kind == "handling")
    query = (
        select(CASE, CLOCK.c.deadline.label("handling_deadline"))
        .outerjoin(CLOCK, handling)
        .order_by(CASE.c.received_at, CASE.c.number)
    )
    for r in conn.execute(query):
        row: list[Cell] = [
            r.number,
            r.station_id,
            _label(CaseStatus, r.status),
            source_name(r.source),
            category_name(r.category),
            r.subcategory or None,
            r.community,
            r.address,
            r.description,
            _label(Priority, r.priority),
            local(r.received_at, tz),
            local(r.dispatched_at, tz),
            local(r.closed_at, tz),
            local(r.handling_deadline, tz),
            local(r.updated_at, tz),
            numbers.get(r.reopened_from) if r.reopened_from else None,
        ]
        if personal:
            row += [r.reporter_name or None, r.reporter_phone or None]
        yield row


def _checkins(conn: Connection, tz: ZoneInfo, personal: bool) -> Iterable[list[Cell]]:
    departments = department_names(conn)
    query = (
        select(CHECKIN, CASE.c.number, WHISTLE.c.grade, WHISTLE.c.purpose, WHISTLE.c.blown_at)
        .join(CASE, CASE.c.id == CHECKIN.c.case_id)
        .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
        .order_by(WHISTLE.c.blown_at, CASE.c.number, CHECKIN.c.department_code)
    )
    for r in conn.execute(query):
        row: list[Cell] = [
            r.number,
            _label(Grade, r.grade),
            _label(Purpose, r.purpose),
            local(r.blown_at, tz),
            departments.get(r.department_code, r.department_code),
            _label(CheckInStatus, r.status),
            local(r.deadline, tz),
            local(r.arrived_at, tz),
            r.late_minutes,
            r.action_taken or None,
            r.result or None,
            r.rating,
            r.rating_reason or None,
            local(r.released_at, tz),
        ]
        if personal:
            row.append(r.arrived_person or None)
        yield row


def _reinspections(conn: Connection, tz: ZoneInfo, personal: bool) -> Iterable[list[Cell]]:
    numbers = dict(conn.execute(select(CASE.c.id, CASE.c.number)).all())
    query = select(REINSPECTION).order_by(REINSPECTION.c.due_on, REINSPECTION.c.id)
    for r in conn.execute(query):
        row: list[Cell] = [
            numbers.get(r.case_id, r.case_id),
            _label(ReinspectionKind, r.kind),
            r.due_on,
            _label(ReinspectionResult, r.result),
            r.notes or None,
            local(r.recorded_at, tz),
            numbers.get(r.relapse_case_id) if r.relapse_case_id else None,
        ]
        if personal:
            row.append(r.inspector or None)
        yield row


def tables(conn: Connection, tz: ZoneInfo, *, include_personal: bool) -> tuple[Table, ...]:
    """The three tables, their rows read lazily from ``conn`` when written."""
    extra = include_personal
    return (
        Table(
            "cases",
            CASE_COLUMNS + (CASE_PERSONAL if extra else ()),
            lambda: _cases(conn, tz, extra),
        ),
        Table(
            "checkins",
            CHECKIN_COLUMNS + (CHECKIN_PERSONAL if extra else ()),
            lambda: _checkins(conn, tz, extra),
        ),
        Table(
            "reinspections",
            REINSPECTION_COLUMNS + (REINSPECTION_PERSONAL if extra else ()),
            lambda: _reinspections(conn, tz, extra),
        ),
    )


__all__ = ["TABLE_NAMES", "Cell", "Table", "local", "tables"]
