"""Who may write what (SPEC §6): each case and each meeting has one owning station, and only
that station's events may change it or anything under it (its clocks, check-ins, whistles,
re-inspections; a meeting's agenda). Every event type declares here the rows it changes, by
where their ids sit in its payload; applying an event checks each of them, whatever its
subject says: a row the event creates must not exist yet, any other must exist (else the event
waits for it) and belong to the event's station. Checked when any event is applied, live,
replayed or imported, so a bundle cannot change another station's records.

Reference rows (stations, operators, departments, calendar tables) are not owned this way: a
station speaks only for itself and its operators, and shared rows follow their authority
(data/store/apply/reference.py)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from data.store.dialect import keys_value, one_of
from data.store.tables import AGENDA, CASE, CHECKIN, CLOCK, HANDOVER, MEETING, REINSPECTION, WHISTLE
from data.store.writebehind import READ_AROUND, WriteBehind, pending
from models.errors import DomainError
from models.events import EventRecord


class NotOwner(DomainError):
    pass


class MissingRow(DomainError):
    """A row the event changes is not in this file yet (another station has not sent it)."""


@dataclass(frozen=True)
class Touch:
    """Rows of ``kind`` whose ids sit at ``path`` in the payload (``a.b``; ``[]`` for each
    item of a list); ``created`` when the event makes them."""

    kind: str
    path: str
    created: bool = False


def case(path: str = "id") -> Touch:
    return Touch("case", path)


CASE_UPDATES = (case(),)
CHECKIN_UPDATES = (Touch("checkin", "id"), case("case_id"))
CLOCK_UPDATES = (Touch("clock", "id"), case("case_id"))

# What every event type changes. A new type adds its line here (a test fails without it).
TOUCHES: dict[str, tuple[Touch, ...]] = {
    # reference data: see reference.py and _reference() below
    "station.registered": (),
    "reference.published": (),
    "station.key": (),
    "operator.added": (),
    "operator.changed": (),
    # who sat at the desk: a trace that changes no shared row (a PIN's hash stays in the file)
    "operator.secret_set": (),
    "operator.signed_in": (),
    "operator.signin_failed": (),
    "desk.locked": (),
    "desk.unlocked": (),
    "department.upserted": (),
    "calendar.loaded": (),
    # cases
    "case.received": (Touch("case", "id", True), Touch("clock", "handling_clock.id", True)),
    **{
        f"case.{action}": CASE_UPDATES
        for action in (
            "triage",
            "dispatch",
            "dispose",
            "consult",
            "resume",
            "feedback",
            "close",
            "verify",
            "relapse",
            "reject",
            "park",
        )
    },
    "case.unpark": (case(), Touch("clock", "clocks[].id"), case("clocks[].case_id")),
    "case.corrected": (case("id"), case("case_id")),
    "whistle.blown": (
        case("case_id"),
        Touch("whistle", "id", True),
        Touch("checkin", "departments[].checkin_id", True),
        Touch("clock", "departments[].clock.id", True),
        Touch("checkin", "follows"),
    ),
    "checkin.arrived": (*CHECKIN_UPDATES, Touch("clock", "clock_id")),
    "checkin.acted": CHECKIN_UPDATES,
    "checkin.rated": CHECKIN_UPDATES,
    "checkin.released": CHECKIN_UPDATES,
    "checkin.noted": CHECKIN_UPDATES,
    "checkin.escalated": (*CHECKIN_UPDATES, Touch("clock", "clock_id")),
    "clock.paused": CLOCK_UPDATES,
    "clock.resumed": CLOCK_UPDATES,
    "clock.extended": CLOCK_UPDATES,
    "clock.recomputed": CLOCK_UPDATES,
    "checkin.withdrawn": (*CHECKIN_UPDATES, Touch("clock", "clock_id")),
    # meetings
    "meeting.created": (Touch("meeting", "id", True),),
    "meeting.started": (Touch("meeting", "id"),),
    "meeting.ended": (Touch("meeting", "id"),),
    "meeting.attendance": (Touch("meeting", "id"),),
    "agenda.item_added": (Touch("agenda", "id", True), Touch("meeting", "meeting_id")),
    "agenda.reordered": (Touch("meeting", "meeting_id"), Touch("agenda", "order[]")),
    "agenda.item_removed": (Touch("agenda", "id"),),
    "agenda.timebox_set": (Touch("agenda", "id"),),
    "agenda.decided": (Touch("agenda", "id"), Touch("agenda", "supersedes[]")),
    "agenda.followup_done": (Touch("agenda", "id"),),
    # the shift handover: the station's own record; the cases it names are not changed
    "handover.opened": (Touch("handover", "id", True),),
    "handover.acknowledged": (Touch("handover", "id"),),
    # re-inspections
    "reinspection.scheduled": (Touch("reinspection", "id", True), case("case_id")),
    "reinspection.drawn": (Touch("reinspection", "items[].id", True), case("items[].case_id")),
    "reinspection.recorded": (Touch("reinspection", "id"), case("case_id")),
    # the exchange: a trace that changes no shared row (signed heads are keyed by their signer)
    "sync.trusted": (),
    "sync.exported": (),
    "sync.imported": (),
    "sync.held": (),
    "sync.refused": (),
    "sync.dropped": (),
    "export.personal": (),
    "chain.head_signed": (),
    "chain.head_received": (),
}


@functools.cache
def _owned(kind: str) -> tuple[Any, Select[Any]]:
    """The id column of a row of ``kind`` and the SELECT of its owning station."""
    if kind == "case":
        return CASE.c.id, select(CASE.c.station_id)
    if kind == "meeting":
        return MEETING.c.id, select(MEETING.c.station_id)
    if kind == "handover":
        return HANDOVER.c.id, select(HANDOVER.c.station_id)
    if kind == "agenda":
        return AGENDA.c.id, select(MEETING.c.station_id).join(AGENDA, AGENDA.c.meeting_id == MEETING.c.id)
    child = {"checkin": CHECKIN, "clock": CLOCK, "whistle": WHISTLE, "reinspection": REINSPECTION}[kind]
    return child.c.id, select(CASE.c.station_id).join(child, child.c.case_id == CASE.c.id)


@functools.cache
def _owner_query(kind: str) -> Select[Any]:
    ident, query = _owned(kind)
    return query.where(ident == bindparam("key"))


@functools.cache
def _owners_query(kind: str, dialect: str) -> Select[Any]:
    """(owner, id, case) of several rows: a case's own id, a child's case (``:keys``, bound
    with ``keys_value``)."""
    ident, query = _owned(kind)
    case_id = ident.table.c.case_id if "case_id" in ident.table.c else ident
    return query.add_columns(ident, case_id).where(one_of(dialect, ident, "keys"))


@functools.cache
def _exists_query(kind: str) -> Select[Any]:
    tbl = {
        "case": CASE,
        "meeting": MEETING,
        "agenda": AGENDA,
        "checkin": CHECKIN,
        "clock": CLOCK,
        "whistle": WHISTLE,
        "reinspection": REINSPECTION,
        "handover": HANDOVER,
    }[kind]
    return select(tbl.c.id).where(tbl.c.id == bindparam("key"))


def ids_at(payload: Any, path: str) -> Iterator[str]:
    """The ids at ``path`` in ``payload`` (``items[].case_id``, ``handling_clock.id``)."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    value = payload.get(head.removesuffix("[]")) if isinstance(payload, dict) else None
    for item in (value or ()) if many else (value,):
        if rest:
            yield from ids_at(item, rest)
        elif item is not None:
            yield str(item)


def _refuse(record: EventRecord, owner: str) -> NotOwner:
    return NotOwner(
        "error.event_not_owner", station=record.station_id, seq=record.seq, type=record.type, owner=owner
    )


def touched(record: EventRecord) -> Iterator[tuple[Touch, str]]:
    for touch in TOUCHES[record.type]:
        for key in ids_at(record.payload, touch.path):
            yield touch, key


def check_owner(conn: Connection, record: EventRecord) -> None:
    if record.type.startswith("station."):
        if record.payload.get("id") != record.station_id:
            raise _refuse(record, str(record.payload.get("id")))
        return
    if record.type == "chain.head_signed" and record.payload.get("station") != record.station_id:
        raise _refuse(record, str(record.payload.get("station")))
    if record.type not in TOUCHES:
        raise DomainError("error.unknown_event_type", type=record.type, seq=record.seq)
    batch = pending(conn)
    if batch is not None:
        _check_remembered(conn, batch, record)
        return
    for touch, key in touched(record):
        if touch.created:
            if conn.execute(_exists_query(touch.kind), {"key": key}).first() is not None:
                raise _refuse(record, _owner(conn, touch.kind, key))
            continue
        owner = conn.execute(_owner_query(touch.kind), {"key": key}).scalar()
        if owner is None:
            raise MissingRow("error.missing_row", table=touch.kind, id=key)
        if owner != record.station_id:
            raise _refuse(record, owner)


def _owner(conn: Connection, kind: str, key: str) -> str:
    return str(conn.execute(_owner_query(kind), {"key": key}).scalar() or "?")


# Inside a write-behind block (data/store/writebehind.py) the owners looked up or made in the
# window are remembered (``None``: no such row), so the rows an event makes are known to the
# next event without a read, and the pending writes need not be flushed for the check.
_AROUND = {READ_AROUND: True}
_TABLE_OF = {"case": CASE.name, "checkin": CHECKIN.name, "clock": CLOCK.name}
PREFETCH_CHUNK = 500


def _known_owner(conn: Connection, batch: WriteBehind, kind: str, key: str) -> str | None:
    found = batch.owners.get((kind, key), False)
    if found is False:
        found = conn.execute(_owner_query(kind), {"key": key}, execution_options=_AROUND).scalar()
        batch.owners[(kind, key)] = found
    return found  # type: ignore[return-value]


def _check_remembered(conn: Connection, batch: WriteBehind, record: EventRecord) -> None:
    made = []
    for touch, key in touched(record):
        owner = _known_owner(conn, batch, touch.kind, key)
        if touch.created:
            if owner is not None:
                raise _refuse(record, owner)
            made.append((touch.kind, key))
        elif owner is None:
            raise MissingRow("error.missing_row", table=touch.kind, id=key)
        elif owner != record.station_id:
            raise _refuse(record, owner)
    for made_key in made:
        batch.owners[made_key] = record.station_id


def prefetch(conn: Connection, records: list[EventRecord]) -> None:
    """Look up, in one query per kind, the owners of every row a batch of events touches (in
    a write-behind block; outside one it does nothing)."""
    batch = pending(conn)
    if batch is None:
        return
    wanted: dict[str, set[str]] = {}
    for record in records:
        for touch in TOUCHES.get(record.type, ()):
            for key in ids_at(record.payload, touch.path):
                if (touch.kind, key) not in batch.owners:
                    wanted.setdefault(touch.kind, set()).add(key)
    for kind, keys in wanted.items():
        ordered = sorted(keys)
        for start in range(0, len(ordered), PREFETCH_CHUNK):
            chunk = ordered[start : start + PREFETCH_CHUNK]
            found = dict.fromkeys(chunk)
            rows = conn.execute(
                _owners_query(kind, conn.dialect.name),
                {"keys": keys_value(conn, chunk)},
                execution_options=_AROUND,
            )
            for owner, key, case_id in rows:
                found[key] = owner
                batch.cases[(_TABLE_OF.get(kind, kind), key)] = case_id
            for key, owner in found.items():
                batch.owners[(kind, key)] = owner
