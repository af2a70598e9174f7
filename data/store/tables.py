"""Table handles that the write side, the read side, sync and exports all use: the model tables,
the event log, the queue's order index and the exchange's local bookkeeping (never replicated)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
    select,
)

from models.i18n import language
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


def department_name_shown() -> Any:
    """A department's name in the desk's language as a column ``name`` (its English name where
    it has one): what a notice or a list read for the operator names it by."""
    if language() == "en":
        return func.coalesce(func.nullif(DEPARTMENT.c.name_en, ""), DEPARTMENT.c.name).label("name")
    return DEPARTMENT.c.name


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

# 一次一考核's running totals (V20_PERIOD_TOTALS), kept by the apply function beside the rows
# they count (data/store/totals.py), by the station's local day (``day``: YYYY-MM-DD in
# Asia/Shanghai). Derived, replicated the way the rows are: a replay makes them again.
DEPT_COUNTERS = (
    "summoned",
    "on_time",
    "late",
    "withdrawn",
    "arrived_us",
    "acted",
    "rating_sum",
    "rating_count",
    "paused_us",
    "extensions",
    "entered_late",
    "extended_late",
    "rework",
    "pauses",
    "extended_us",
    "corrections",
    "after_absence",
)
"""The counters a department's day keeps (the columns V20_PERIOD_TOTALS made, in its order)."""
# Per department and the local day its whistle was blown (checked-in counts), or the day a
# relapse was found (rework), a pause or extension granted, a correction made.
DEPT_DAY = Table(
    "dept_day_total",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("department_code", String, primary_key=True),
    Column("day", String, primary_key=True),
    *(Column(name, BigInteger, nullable=False, default=0) for name in DEPT_COUNTERS),
)
# Summons still awaited (neither arrived nor withdrawn, or come only after their 缺席 mark) by
# the local day of their deadline: absent once that deadline has passed (or at once when marked
# 缺席), pending before it.
DEPT_DUE = Table(
    "dept_due_total",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("department_code", String, primary_key=True),
    Column("day", String, primary_key=True),
    Column("due_day", String, primary_key=True),
    Column("awaiting", BigInteger, nullable=False, default=0),
)
# The station's rates: cases received, whistled, due by their handling deadline's day, closed,
# disposed; distinct cases whistled, done and relapsed on a day.
STATION_DAY = Table(
    "station_day_total",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("day", String, primary_key=True),
    *(
        Column(name, BigInteger, nullable=False, default=0)
        for name in (
            "received",
            "whistled",
            "due",
            "closed",
            "closed_on_time",
            "disposed",
            "blown",
            "done",
            "relapsed",
        )
    ),
)
# A case counted on several days of a "distinct cases" figure (blown, done, relapsed, rework)
# counts once in a period holding several of them: -1 for each two consecutive such days.
TOTAL_PAIR = Table(
    "total_pair",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("department_code", String, primary_key=True),  # '' for the station's figures
    Column("kind", String, primary_key=True),
    Column("day", String, primary_key=True),
    Column("day2", String, primary_key=True),
    Column("n", BigInteger, nullable=False, default=0),
)
# One row per summons: its department, day and outcome (the list behind a figure, by index)
# and its time to report in (the median, read through the index on the period).
SUMMONS_DAY = Table(
    "summons_day",
    _meta,
    Column("checkin_id", String, primary_key=True),
    Column("station_id", String, nullable=False),
    Column("department_code", String, nullable=False),
    Column("day", String, nullable=False),
    Column("outcome", String, nullable=False),
    Column("wait_us", BigInteger),
)

# The same figures by community and by category (V22_PLACE_TOTALS): ``area`` is 'community' or
# 'category', ``place`` the community's name or the category's code, as the case holds them now.
PLACE_COUNTERS = (
    "received",
    "received_whistled",
    "whistled",
    "summoned",
    "on_time",
    "late",
    "withdrawn",
    "arrived_us",
    "relapsed",
)
"""Per place and local day: cases received (and of those, whistled since), distinct cases
whistled, summons by outcome, their times to report in, distinct cases relapsed."""
PLACE_DAY = Table(
    "place_day_total",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("area", String, primary_key=True),
    Column("place", String, primary_key=True),
    Column("day", String, primary_key=True),
    *(Column(name, BigInteger, nullable=False, default=0) for name in PLACE_COUNTERS),
)
# Summons still awaited by the local day of their deadline, as DEPT_DUE.
PLACE_DUE = Table(
    "place_due_total",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("area", String, primary_key=True),
    Column("place", String, primary_key=True),
    Column("day", String, primary_key=True),
    Column("due_day", String, primary_key=True),
    Column("awaiting", BigInteger, nullable=False, default=0),
)
# The "counted on several days" corrections of a place's distinct cases, as TOTAL_PAIR.
PLACE_PAIR = Table(
    "place_pair",
    _meta,
    Column("station_id", String, primary_key=True),
    Column("area", String, primary_key=True),
    Column("place", String, primary_key=True),
    Column("kind", String, primary_key=True),
    Column("day", String, primary_key=True),
    Column("day2", String, primary_key=True),
    Column("n", BigInteger, nullable=False, default=0),
)
# One row per summons with its case's community and category (the lists behind a place's
# figures and its median and longest wait, by the index on (place, outcome, day, wait)).
SUMMONS_PLACE = Table(
    "summons_place",
    _meta,
    Column("checkin_id", String, primary_key=True),
    Column("station_id", String, nullable=False),
    Column("case_id", String, nullable=False),
    Column("community", String, nullable=False),
    Column("category", String, nullable=False),
    Column("day", String, nullable=False),
    Column("outcome", String, nullable=False),
    Column("wait_us", BigInteger),
)
TOTALS = (
    DEPT_DAY,
    DEPT_DUE,
    STATION_DAY,
    TOTAL_PAIR,
    SUMMONS_DAY,
    PLACE_DAY,
    PLACE_DUE,
    PLACE_PAIR,
    SUMMONS_PLACE,
)
