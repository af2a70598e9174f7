"""The tables (SPEC §3). Rows change only by applying events (data/apply.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import DateTime, Index, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored as naive UTC text."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class Station(SQLModel, table=True):
    __tablename__ = "station"
    id: str = Field(primary_key=True)
    name: str
    case_prefix: str = "SJ"
    is_local: bool = False
    public_key: str | None = None
    trusted: bool = False
    event_id: str = ""


class Operator(SQLModel, table=True):
    """Who acts, at the station that registered them (names repeat across stations)."""

    __tablename__ = "operator"
    station_id: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    role: str = "operator"
    active: bool = True
    event_id: str = ""


class Department(SQLModel, table=True):
    __tablename__ = "department"
    code: str = Field(primary_key=True)
    name: str
    name_en: str = ""
    mode: str = "on_call"
    contact: str = ""
    active: bool = True
    sort: int = 0
    event_id: str = ""


class Case(SQLModel, table=True):
    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("station_id", "number"),
        Index("ix_case_status", "status"),
        Index("ix_case_received", "received_at"),
    )
    id: str = Field(primary_key=True)
    station_id: str = Field(foreign_key="station.id")
    number: str
    source: str
    category: str
    subcategory: str = ""
    community: str
    address: str
    description: str
    reporter_name: str | None = None
    reporter_phone: str | None = None
    priority: str = "normal"
    status: str = "received"
    parked_from: str | None = None
    park_reason: str | None = None
    park_review_on: date | None = None
    reject_reason: str | None = None
    consult_flag: bool = False
    result_note: str | None = None
    feedback_note: str | None = None
    reopened_from: str | None = Field(default=None, foreign_key="case_file.id")
    received_by: str = ""
    received_at: datetime = Field(sa_type=UTCDateTime)
    triaged_at: datetime | None = _ts()
    dispatched_at: datetime | None = _ts()
    consulting_at: datetime | None = _ts()
    disposing_at: datetime | None = _ts()
    feedback_at: datetime | None = _ts()
    closed_at: datetime | None = _ts()
    verified_at: datetime | None = _ts()
    relapsed_at: datetime | None = _ts()
    rejected_at: datetime | None = _ts()
    parked_at: datetime | None = _ts()
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Whistle(SQLModel, table=True):
    __tablename__ = "whistle"
    id: str = Field(primary_key=True)
    case_id: str = Field(foreign_key="case_file.id", index=True)
    grade: str
    purpose: str | None = None
    blown_at: datetime = Field(sa_type=UTCDateTime)
    blown_by: str
    note: str = ""
    follows: str | None = None
    """再吹哨: the absent check-in (缺席) this whistle summons again or replaces."""


class CheckIn(SQLModel, table=True):
    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("whistle_id", "department_code"),)
    id: str = Field(primary_key=True)
    whistle_id: str = Field(foreign_key="whistle.id")
    case_id: str = Field(foreign_key="case_file.id", index=True)
    department_code: str = Field(foreign_key="department.code", index=True)
    clock_id: str = Field(foreign_key="clock.id")
    status: str = "summoned"
    deadline: datetime = Field(sa_type=UTCDateTime)
    arrived_at: datetime | None = _ts()
    arrived_person: str | None = None
    late_minutes: int | None = None
    action_taken: str | None = None
    result: str | None = None
    acted_at: datetime | None = _ts()
    rating: int | None = None
    rating_reason: str | None = None
    released_at: datetime | None = _ts()
    notes: str = ""
    # 补录: when a time was entered, if it was entered late (None: recorded as it happened)
    arrived_entered_at: datetime | None = _ts()
    acted_entered_at: datetime | None = _ts()
    released_entered_at: datetime | None = _ts()
    # 撤回召集: a summons still awaited when its case was closed, rejected or parked
    withdrawn_at: datetime | None = _ts()
    withdrawn_by: str | None = None
    withdraw_reason: str | None = None
    # 升级: the steps reached past the deadline (when each fell due)
    alarmed_at: datetime | None = _ts()
    absent_at: datetime | None = _ts()


class Clock(SQLModel, table=True):
    """One running deadline: a department's check-in per whistle, or a case's handling limit."""

    __tablename__ = "clock"
    __table_args__ = (Index("ix_clock_open", "case_id", "stopped_at", "deadline"),)
    id: str = Field(primary_key=True)
    case_id: str = Field(foreign_key="case_file.id")
    kind: str
    whistle_id: str | None = Field(default=None, foreign_key="whistle.id")
    department_code: str | None = None
    started_at: datetime = Field(sa_type=UTCDateTime)
    deadline: datetime = Field(sa_type=UTCDateTime)
    limit_amount: int
    limit_unit: str
    paused_at: datetime | None = _ts()
    paused_minutes: float = 0.0
    pause_reason: str | None = None
    extensions: int = 0
    stopped_at: datetime | None = _ts()
    late_since: datetime | None = _ts()
    """The deadline already passed when the clock was extended: lateness counts from it."""
    calendar_basis: str | None = None
    """JSON: what counted each year the deadline crosses (official, local, fallback)."""
    work_hours: str | None = None
    """JSON: the working hours the clock counts by (models.working_hours)."""


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    id: str = Field(primary_key=True)
    station_id: str = Field(foreign_key="station.id")
    kind: str
    title: str = ""
    scheduled_at: datetime = Field(sa_type=UTCDateTime)
    facilitator: str
    status: str = "planned"
    started_at: datetime | None = _ts()
    ended_at: datetime | None = _ts()


class MeetingAttendance(SQLModel, table=True):
    __tablename__ = "meeting_attendance"
    meeting_id: str = Field(foreign_key="meeting.id", primary_key=True)
    department_code: str = Field(foreign_key="department.code", primary_key=True)
    present: bool | None = None
    people: str = "[]"
    """JSON list of the names of the people present from the department."""


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    id: str = Field(primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True)
    position: int
    case_id: str | None = Field(default=None, foreign_key="case_file.id", index=True)
    topic: str = ""
    reason: str = "manual"
    reason_detail: str = ""
    reason_parts: str = ""
    """JSON list of the reason's parts (models.agenda.said), said in the reader's language;
    empty for items added before they were kept (their ``reason_detail`` is shown)."""
    timebox_minutes: int = 10
    removed: bool = False
    decision: str | None = None
    lead_department: str | None = None
    decision_due: date | None = None
    followup: str | None = None
    followup_done_at: datetime | None = _ts()
    carried_from: str | None = None
    discussed_at: datetime | None = _ts()


class Reinspection(SQLModel, table=True):
    __tablename__ = "reinspection"
    __table_args__ = (Index("ix_reinspection_due", "result", "due_on"),)
    id: str = Field(primary_key=True)
    case_id: str = Field(foreign_key="case_file.id", index=True)
    kind: str
    due_on: date
    scheduled_at: datetime = Field(sa_type=UTCDateTime)
    draw_seed: int | None = None
    inspector: str | None = None
    result: str | None = None
    notes: str = ""
    recorded_at: datetime | None = _ts()
    relapse_case_id: str | None = None


class Handover(SQLModel, table=True):
    """交接班: the outgoing operator's handover of a shift, acknowledged by the incoming one."""

    __tablename__ = "handover"
    id: str = Field(primary_key=True)
    station_id: str = Field(foreign_key="station.id")
    opened_at: datetime = Field(sa_type=UTCDateTime, index=True)
    opened_by: str
    shift_ends: datetime = Field(sa_type=UTCDateTime)
    note: str = ""
    acknowledged_at: datetime | None = _ts()
    acknowledged_by: str | None = None


class HandoverItem(SQLModel, table=True):
    """What a handover names: a case (or a follow-up without one) and why."""

    __tablename__ = "handover_item"
    handover_id: str = Field(foreign_key="handover.id", primary_key=True)
    position: int = Field(primary_key=True)
    case_id: str | None = Field(default=None, index=True)
    number: str
    why: str
    detail: str = ""
    parts: str = ""
    """JSON list of the detail's parts (models.agenda.said), said in the reader's language; empty
    for items written before they were kept (their ``detail`` is shown)."""


class CalendarYear(SQLModel, table=True):
    """A statutory holiday table loaded by a supervisor (JSON text of models.calendar)."""

    __tablename__ = "calendar_year"
    year: int = Field(primary_key=True)
    table_json: str
    loaded_at: datetime = Field(sa_type=UTCDateTime)
    event_id: str = ""
    origin: str = "local"
    override_reason: str | None = None


class Event(SQLModel, table=True):
    """留痕: append-only, hash-chained per station."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)
    id: str = Field(primary_key=True)
    station_id: str
    seq: int
    operator: str
    at: datetime = Field(sa_type=UTCDateTime)
    type: str = Field(index=True)
    subject: str | None = Field(default=None, index=True)
    payload: str
    personal: str | None = None
    personal_digest: str | None = None
    prev_hash: str
    hash: str
