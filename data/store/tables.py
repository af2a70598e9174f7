"""Table handles that the write side, the read side, sync and exports all use: the model tables,
the event log, the queue's order index and the exchange's local bookkeeping (never replicated)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    select,
)

from models.tables import (
    AgendaItem,
    CalendarYear,
    Case,
    CheckIn,
    Clock,
    Department,
    Event,
    Handover,
    HandoverItem,
    Meeting,
    MeetingAttendance,
    Operator,
    Reinspection,
    Station,
    UTCDateTime,
    Whistle,
)


def table(model: Any) -> Table:
    return model.__table__


STATION = table(Station)


def local_station(conn: Connection) -> str | None:
    """This file's own station (the one whose events it writes)."""
    return conn.execute(select(STATION.c.id).where(STATION.c.is_local.is_(True))).scalar()


OPERATOR = table(Operator)
DEPARTMENT = table(Department)
CASE = table(Case)
WHISTLE = table(Whistle)
CHECKIN = table(CheckIn)
CLOCK = table(Clock)
MEETING = table(Meeting)
ATTENDANCE = table(MeetingAttendance)
AGENDA = table(AgendaItem)
REINSPECTION = table(Reinspection)
CALENDAR_YEAR = table(CalendarYear)
HANDOVER = table(Handover)
HANDOVER_ITEM = table(HandoverItem)


EVENT = table(Event)

_meta = MetaData()

QUEUE_KEY = Table(
    "queue_key",
    _meta,
    Column("case_id", String, primary_key=True),
    Column("open", Integer),
    Column("next_checkin", UTCDateTime),
    Column("next_deadline", UTCDateTime),
    Column("received_at", UTCDateTime),
)


TRUST = Table(
    "sync_trust",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("public_key", String, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", String, nullable=False),
    Column("district", Boolean, nullable=False, default=False),
)

# Signed chain heads, one row per event that carries one (replicated: derived from events).
SIGNED_HEAD = Table(
    "signed_head",
    _meta,
    Column("via_station", String, nullable=False),
    Column("via_seq", Integer, nullable=False),
    Column("station_id", String, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String, nullable=False),
    Column("signed_at", UTCDateTime, nullable=False),
    Column("signature", String, nullable=False),
    PrimaryKeyConstraint("via_station", "via_seq"),
)

# Operators' PIN/passphrase hashes: local to this file, written beside their
# ``operator.secret_set`` event (which holds no hash), never in an event or a bundle.
CREDENTIAL = Table(
    "operator_credential",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("name", String, primary_key=True),
    Column("secret_hash", String, nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
    Column("set_by", String, nullable=False),
    Column("event_id", String, nullable=False),
)

PENDING = Table(
    "sync_pending",
    _meta,
    Column("digest", String, primary_key=True),
    Column("station_id", String, nullable=False),
    Column("first_seq", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("reason", String, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("content", LargeBinary, nullable=False),
)
