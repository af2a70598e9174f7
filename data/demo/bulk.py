"""Benchmark-sized demo databases: after a few thousand cases simulated through the commands,
further cases are copies of finished ones, moved back in time by whole weeks, with fresh ids
and numbers. The copies' events are new, hash-chained events and their rows are exactly what
applying those events gives (``whistle verify`` replays them), written in batches.

Each finished case is read once and compiled into a ``Template``: its events and rows as text
exactly as stored, with a numbered slot wherever a copy differs (an id, a time, a day, the case
number, the chain's previous hash and sequence number). A copy then only fills the slots and
joins strings: the canonical text each event's hash covers is rendered the same way, so the
hash is that of ``models.events.seal`` (``check_template`` compares the two). Writing the
copies is ``data.demo.copying``'s.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Date, Table, select

from data.store.tables import CASE, CHECKIN, CLOCK, EVENT, REINSPECTION, SUMMONS_DAY, SUMMONS_PLACE, WHISTLE
from data.store.totals import Key
from models.enums import CaseStatus
from models.events import canonical, canonical_text
from models.ids import to_iso

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}\.\d{6}Z)")
STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{6})")  # a datetime column's text
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ROW_TABLES: tuple[Table, ...] = (CASE, WHISTLE, CLOCK, CHECKIN, REINSPECTION)
SUMMONS_TABLES: tuple[Table, ...] = (SUMMONS_DAY, SUMMONS_PLACE)
"""The assessment's one row per summons: copied with the case, like its rows (its ids and its
day are slots); the totals' counters are added up once for all the copies (``_add_counts``)."""
COPIED: tuple[Table, ...] = (*ROW_TABLES, *SUMMONS_TABLES)
FINISHED = (CaseStatus.CLOSED, CaseStatus.VERIFIED, CaseStatus.REJECTED)
TEMPLATES = 800
WEEK_S = 7 * 24 * 3600

# slot kinds
ID, ISO, STAMPED, DAYS, NUMBER = range(5)
PREV, SEQ = 0, 1  # the first two slots of every copy: the chain's previous hash and sequence
MARK = re.compile("\ue000(\\d+)\ue001")


def _mark(n: int) -> str:
    return f"\ue000{n}\ue001"


@dataclass
class Text:
    """A string with slots, as a format string: ``"{3}…{0}".format(*vals)``."""

    fmt: str

    @classmethod
    def of(cls, marked: str) -> Text:
        parts = MARK.split(marked)
        out = []
        for i, part in enumerate(parts):
            out.append("{" + part + "}" if i % 2 else part.replace("{", "{{").replace("}", "}}"))
        return cls("".join(out))

    def render(self, vals: list[str]) -> str:
        return self.fmt.format(*vals)


@dataclass
class EventText:
    """One event of a template: the canonical text its hash covers, its stored payload, the
    slots of its id, time and subject (-1: the subject is ``subject``), and what stays."""

    hashed: Text
    payload: Text
    id: int
    at: int
    subject_slot: int
    station_id: str
    operator: str
    type: str
    subject: str | None
    personal: str | None
    personal_digest: str | None


@dataclass
class Counted:
    """What the template's case adds to one totals counter: the table, its key with the
    positions of the days in it (a copy's are that many weeks earlier), and the values."""

    table: str
    key: Key
    days: tuple[int, ...]
    values: dict[str, int]


@dataclass
class Template:
    received_at: datetime
    slots: list[tuple[int, int, str]] = field(default_factory=list)  # (kind, ms or day, rest)
    events: list[EventText] = field(default_factory=list)
    rows: dict[str, list[tuple[tuple[Any, ...], tuple[tuple[int, int], ...]]]] = field(default_factory=dict)
    case_id: str = ""
    counted: list[Counted] = field(default_factory=list)


class Compiler:
    """Turns one case's stored events and rows into a ``Template``."""

    def __init__(self, received_at: datetime) -> None:
        self.template = Template(received_at, [(PREV, 0, ""), (SEQ, 0, "")])
        self.known: dict[tuple[int, str], int] = {}

    def slot(self, kind: int, text: str, number: int, rest: str) -> int:
        key = (kind, text)
        if key not in self.known:
            self.known[key] = len(self.template.slots)
            self.template.slots.append((kind, number, rest))
        return self.known[key]

    def new_id(self, old: str, at: datetime) -> int:
        return self.slot(ID, old, int(at.timestamp() * 1000), "")

    def timestamp(self, text: str) -> int:
        day, rest = text.split("T")
        return self.slot(ISO, text, date.fromisoformat(day).toordinal(), "T" + rest)

    def stamp(self, text: str) -> int:
        day, rest = text.split(" ")
        return self.slot(STAMPED, text, date.fromisoformat(day).toordinal(), " " + rest)

    def day(self, text: str) -> int:
        return self.slot(DAYS, text, date.fromisoformat(text).toordinal(), "")

    def number(self) -> int:
        return self.slot(NUMBER, "", 0, "")

    def value(self, key: str, value: Any, at: datetime) -> Any:
        """A payload's value with a mark where a copy differs (as ``Copier.value`` changes it)."""
        if isinstance(value, str):
            if UUID.fullmatch(value):
                return _mark(self.new_id(value, at))
            if TIMESTAMP.fullmatch(value):
                return _mark(self.timestamp(value))
            if DAY.fullmatch(value) and key.endswith("_on"):
                return _mark(self.day(value))
            return value
        if isinstance(value, dict):
            return {k: self.value(k, v, at) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(key, v, at) for v in value]
        return value

    def event(self, row: Any) -> None:
        at = row.at.replace(tzinfo=UTC)
        payload = self.value("", json.loads(row.payload), at)
        if row.type == "case.received":
            payload["number"] = _mark(self.number())
        subject = row.subject
        if subject and UUID.fullmatch(subject):
            subject = _mark(self.new_id(subject, at))
        event_id = _mark(self.new_id(row.id, at))
        at_iso = _mark(self.timestamp(to_iso(at)))
        at_stamp = _mark(self.stamp(at.replace(tzinfo=None).isoformat(" ", "microseconds")))
        seq = _mark(SEQ)
        hashed = canonical(
            {
                "id": event_id,
                "station": row.station_id,
                "seq": seq,
                "operator": row.operator,
                "at": at_iso,
                "type": row.type,
                "subject": subject,
                "payload": payload,
                "personal_digest": row.personal_digest,
                "prev": _mark(PREV),
            }
        ).decode("utf-8")
        hashed = hashed.replace(f'"{seq}"', seq)  # a number in the canonical text, not a string
        marked = MARK.fullmatch(subject) if subject else None
        self.template.events.append(
            EventText(
                hashed=Text.of(hashed),
                payload=Text.of(stored_payload(payload)),
                id=_slot_of(event_id),
                at=_slot_of(at_stamp),
                subject_slot=int(marked.group(1)) if marked else -1,
                station_id=row.station_id,
                operator=row.operator,
                type=row.type,
                subject=subject,
                personal=row.personal,
                personal_digest=row.personal_digest,
            )
        )

    def row(self, tbl: Table, columns: list[str], values: tuple[Any, ...]) -> None:
        received = self.template.received_at
        out = list(values)
        slots: list[tuple[int, int]] = []
        for i, (name, value) in enumerate(zip(columns, values, strict=True)):
            n: int | None = None
            if tbl is CASE and name == "number":
                n = self.number()
            elif isinstance(value, str):
                if UUID.fullmatch(value):
                    n = self.new_id(value, received)
                elif STAMP.fullmatch(value):
                    n = self.stamp(value)
                elif TIMESTAMP.fullmatch(value):
                    n = self.timestamp(value)
                elif DAY.fullmatch(value) and (
                    isinstance(tbl.c[name].type, Date) or name.endswith("_on") or name == "day"
                ):
                    n = self.day(value)
            if n is not None:
                out[i] = None
                slots.append((i, n))
        self.template.rows.setdefault(tbl.name, []).append((tuple(out), tuple(slots)))


def _slot_of(marked: str) -> int:
    whole = MARK.fullmatch(marked)
    assert whole is not None
    return int(whole.group(1))


def stored_payload(payload: dict[str, Any]) -> str:
    """The payload as the event table stores it (``event_row``; ``check_template`` compares)."""
    return canonical_text(payload)


def _columns(tbl: Table) -> list[str]:
    return [c.name for c in tbl.columns]


def _templates(conn: Connection, station_id: str, limit: int = TEMPLATES) -> list[Template]:
    case_columns = _columns(CASE)
    cases = conn.execute(
        select(CASE.c.id)
        .where(
            (CASE.c.station_id == station_id)
            & CASE.c.status.in_([s.value for s in FINISHED])
            & CASE.c.reopened_from.is_(None)
        )
        .order_by(CASE.c.number)
        .limit(limit)
    ).scalars()
    ids = list(cases)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    raw: dict[str, dict[str, list[tuple[Any, ...]]]] = {case_id: {} for case_id in ids}
    for tbl in ROW_TABLES:
        key = "id" if tbl is CASE else "case_id"
        columns = ", ".join(f'"{c}"' for c in _columns(tbl))
        query = f'SELECT {columns} FROM "{tbl.name}" WHERE "{key}" IN ({marks}) ORDER BY rowid'
        at = _columns(tbl).index(key)
        for stored in conn.exec_driver_sql(query, tuple(ids)):
            raw[stored[at]].setdefault(tbl.name, []).append(tuple(stored))
    for tbl in SUMMONS_TABLES:  # by the case of the summons' check-in
        columns = ", ".join(f's."{c}"' for c in _columns(tbl))
        query = (
            f'SELECT {columns}, c.case_id FROM "{tbl.name}" s JOIN "{CHECKIN.name}" c ON c.id = s.checkin_id'
            f" WHERE c.case_id IN ({marks}) ORDER BY s.checkin_id"
        )
        for found in conn.exec_driver_sql(query, tuple(ids)):
            raw[found[-1]].setdefault(tbl.name, []).append(tuple(found[:-1]))
    events: dict[str, list[Any]] = defaultdict(list)
    for event in conn.execute(select(EVENT).where(EVENT.c.subject.in_(ids)).order_by(EVENT.c.seq)):
        events[event.subject].append(event)
    templates = []
    for case_id in ids:
        rows = raw[case_id]
        reinspections = rows.get(REINSPECTION.name, [])
        kind = _columns(REINSPECTION).index("kind")
        # a spot-check row is made by a draw event about many cases, so it is not copied
        if any(r[kind] != "scheduled" for r in reinspections):
            continue
        case = rows[CASE.name][0]
        received = STAMP.fullmatch(case[case_columns.index("received_at")])
        assert received is not None
        compiler = Compiler(datetime.fromisoformat(received.group(0)).replace(tzinfo=UTC))
        compiler.template.case_id = case_id
        for event in events[case_id]:
            compiler.event(event)
        for tbl in COPIED:
            for values in rows.get(tbl.name, []):
                compiler.row(tbl, _columns(tbl), values)
        templates.append(compiler.template)
    return templates


def _uuid7(ms: int, bits: int) -> str:
    """A UUIDv7 (RFC 9562) for ``ms``, its 74 random bits given."""
    value = ms << 80 | 0x7 << 76 | (bits >> 62) << 64 | 0b10 << 62 | (bits & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_DAYS: dict[int, str] = {}  # a day's text by its ordinal


def fill(template: Template, weeks: int, number: str, rng: random.Random) -> list[str]:
    """The slot values of one copy moved back ``weeks`` whole weeks."""
    shift_days = 7 * weeks
    shift_ms = WEEK_S * 1000 * weeks
    getrandbits = rng.getrandbits
    vals: list[str] = ["", ""]
    append = vals.append
    for kind, number_or_day, rest in template.slots[2:]:
        if kind == ID:
            append(_uuid7(number_or_day - shift_ms, getrandbits(74)))
        elif kind == NUMBER:
            append(number)
        else:  # a time or a day: the day moves, the time of day stays
            append(_day(number_or_day - shift_days) + rest)
    return vals


def _day(ordinal: int) -> str:
    day = _DAYS.get(ordinal)
    if day is None:
        day = _DAYS[ordinal] = date.fromordinal(ordinal).isoformat()
    return day


def render(
    template: Template, vals: list[str], seq: int, prev: str
) -> tuple[list[tuple[Any, ...]], int, str]:
    """The copy's events, chained after (``seq``, ``prev``); returns them and the new head."""
    out = []
    sha256 = hashlib.sha256
    for event in template.events:
        seq += 1
        vals[PREV] = prev
        vals[SEQ] = str(seq)
        digest = sha256(event.hashed.fmt.format(*vals).encode("utf-8")).hexdigest()
        subject = event.subject if event.subject_slot < 0 else vals[event.subject_slot]
        out.append(
            (
                vals[event.id],
                event.station_id,
                seq,
                event.operator,
                vals[event.at],
                event.type,
                subject,
                event.payload.fmt.format(*vals),
                event.personal,
                event.personal_digest,
                prev,
                digest,
            )
        )
        prev = digest
    return out, seq, prev


def rows_of(template: Template, vals: list[str]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    for name, rows in template.rows.items():
        for values, slots in rows:
            row = list(values)
            for i, n in slots:
                row[i] = vals[n]
            yield name, tuple(row)
