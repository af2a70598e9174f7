"""Benchmark-sized demo databases: after a few thousand cases simulated through the commands,
further cases are copies of finished ones, moved back in time by whole weeks, with fresh ids
and numbers. The copies' events are new, hash-chained events and their rows are exactly what
applying those events gives (``whistle verify`` replays them), written in batches.

Each finished case is read once and compiled into a ``Template``: its events and rows as text
exactly as stored, with a numbered slot wherever a copy differs (an id, a time, a day, the case
number, the chain's previous hash and sequence number). A copy then only fills the slots and
joins strings: the canonical text each event's hash covers is rendered the same way, so the
hash is that of ``models.events.seal`` (``check_template`` compares the two). The copies are
written oldest first, so ids, numbers and times arrive in the order of the indexes.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import re
import signal
from collections import Counter, defaultdict
from collections.abc import Generator, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from sqlalchemy import Connection, Date, Engine, Table, func, select

from data.store.eventlog import event_row, head_of
from data.store.tables import CASE, CHECKIN, CLOCK, EVENT, REINSPECTION, SUMMONS_DAY, SUMMONS_PLACE, WHISTLE
from data.store.totals import NEVER, PAST, TZ, Key, Parts, rebuild, recount, totals_filled, write_difference
from models.enums import CaseStatus
from models.events import canonical, canonical_text, seal
from models.ids import from_iso, to_iso

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
FLUSH = 5000
APART = 20_000  # from this many copies on, a second process renders them (``_rendered_apart``)
TEMPLATES = 800
WEEK_S = 7 * 24 * 3600
# while the copies are written (into a new demo database that nothing else has open): no
# rollback journal, no fsync and a bigger page cache, so each page is written once; a build that
# stops half way leaves a file to delete, not to use. All three are put back when copying ends
# (a journal mode that cannot change while another connection is open stays WAL).
BUILD_PRAGMAS = {"journal_mode": "OFF", "synchronous": "OFF", "cache_size": "-131072"}

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


@dataclass
class Copy:
    """One copy's filled slots, and its events and rows as stored."""

    vals: list[str]
    events: list[tuple[Any, ...]]
    rows: dict[str, list[tuple[Any, ...]]]


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


class Numbers:
    def __init__(self, conn: Connection, station_id: str, prefix: str, tz: Any) -> None:
        self.prefix = prefix
        self.tz = tz
        self.last: dict[int, int] = defaultdict(int)
        for number in conn.execute(
            select(func.max(CASE.c.number))
            .where(CASE.c.station_id == station_id)
            .group_by(func.substr(CASE.c.number, 1, len(prefix) + 5))
        ).scalars():
            _prefix, year, seq = number.rsplit("-", 2)
            self.last[int(year)] = int(seq)

    def __call__(self, received: datetime) -> str:
        year = received.astimezone(self.tz).year
        self.last[year] += 1
        return f"{self.prefix}-{year}-{self.last[year]:06d}"


def check_template(template: Template, station_id: str, rng: random.Random) -> None:
    """A copy's events chain and hash exactly as ``seal`` makes them (a wrong template fails
    here, before anything is written, not only later in ``whistle verify``)."""
    vals = fill(template, 1, "X-0000-000001", rng)
    events, _seq, _prev = render(template, vals, 0, "0" * 64)
    columns = _columns(EVENT)
    for values in events:
        row = dict(zip(columns, values, strict=True))
        at = datetime.fromisoformat(row["at"]).replace(tzinfo=UTC)
        record = seal(
            id=row["id"],
            station_id=station_id,
            seq=row["seq"],
            operator=row["operator"],
            at=at,
            type=row["type"],
            subject=row["subject"],
            payload=json.loads(row["payload"]),
            personal=json.loads(row["personal"]) if row["personal"] is not None else None,
            prev_hash=row["prev_hash"],
        )
        expected = event_row(record)
        if record.hash != row["hash"] or expected["payload"] != row["payload"]:
            raise AssertionError(f"a copied {row['type']} event does not seal as written")
        if from_iso(to_iso(at)) != at:
            raise AssertionError("a copied event's time does not round-trip")


def _order(templates: list[Template], count: int, rng: random.Random) -> list[int]:
    """Which template and how many weeks back, for each copy, oldest copy first."""
    keys = []
    for _ in range(count):
        t = rng.randrange(len(templates))
        weeks = rng.randint(1, 40)
        received = int(templates[t].received_at.timestamp()) - weeks * WEEK_S
        keys.append(received << 20 | t << 6 | weeks)
    keys.sort()
    return keys


def _insert(tbl: Table) -> str:
    columns = _columns(tbl)
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{tbl.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'


def copy_cases(
    engine: Engine,
    station_id: str,
    *,
    count: int,
    rng: random.Random,
    prefix: str,
    tz: Any,
    progress: IO[str] | None = None,
) -> int:
    """Add ``count`` copies of finished cases; returns how many events were written."""
    written = 0
    with engine.connect() as conn:
        templates = _templates(conn, station_id)
        if not templates:
            return 0
        for template in templates:
            check_template(template, station_id, rng)
        order = _order(templates, count, rng)
        # a copy counts as its template's case a whole number of weeks earlier: the same
        # figures on days as many weeks earlier, as long as the zone's offset does not change
        counted = totals_filled(conn) and _fixed_offset(templates, order)
        if counted:
            for template in templates:
                template.counted = _counted(conn, template)
        numbers = Numbers(conn, station_id, prefix, tz)
        conn.commit()
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        before = {name: dbapi.execute(f"PRAGMA {name}").fetchone()[0] for name in BUILD_PRAGMAS}
        for name, value in BUILD_PRAGMAS.items():
            dbapi.execute(f"PRAGMA {name} = {value}")
        aside = _set_aside(dbapi, [tbl.name for tbl in (*COPIED, EVENT)])
        try:
            written, copies = _copy(conn, station_id, templates, order, numbers, rng, progress)
            _put_back(dbapi, aside)
            if counted:
                _add_counts(conn, templates, copies)
            else:  # the copies' rows were written apart from the apply function
                rebuild(conn)
            conn.commit()
        finally:
            conn.rollback()
            _put_back(dbapi, aside)
            for name, value in before.items():
                dbapi.execute(f"PRAGMA {name} = {value}")
    return written


def _set_aside(dbapi: Any, tables: list[str]) -> list[tuple[str, str]]:
    """Drops the copied tables' own indexes that no trigger names and returns them (name, SQL):
    made again once the copies are written, each is one sort instead of a b-tree insert per row
    (the indexes SQLite makes for keys and unique columns stay)."""
    trigger_sql = dbapi.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
    triggers = " ".join(sql for (sql,) in trigger_sql)
    named = set(re.findall(r"INDEXED BY (\w+)", triggers))
    marks = ", ".join("?" * len(tables))
    aside = [
        (name, sql)
        for name, sql in dbapi.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name",
            tables,
        )
        if name not in named
    ]
    for name, _sql in aside:
        dbapi.execute(f'DROP INDEX "{name}"')
    return aside


def _put_back(dbapi: Any, aside: list[tuple[str, str]]) -> None:
    """Makes again the indexes ``_set_aside`` dropped (those not made yet: also after a failure)."""
    there = {name for (name,) in dbapi.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name, sql in aside:
        if name not in there:
            dbapi.execute(sql)


def _fixed_offset(templates: list[Template], order: list[int]) -> bool:
    """The zone the totals count days in keeps one offset from the oldest copy to a year after
    the newest template's case came in (the copies and the cases they copy, closed)."""
    newest = max(t.received_at for t in templates)
    at = datetime.fromtimestamp(order[0] >> 20, UTC) - timedelta(days=1) if order else newest
    offsets = set()
    while at < newest + timedelta(days=366):
        offsets.add(TZ.utcoffset(at))
        at += timedelta(days=14)
    return len(offsets) == 1


def _counted(conn: Connection, template: Template) -> list[Counted]:
    """What the template's case adds to the totals' counters (its rows per summons are copied)."""
    out = []
    for (table, key), values in recount(conn, [template.case_id]).counts.items():
        days = tuple(
            i for i, v in enumerate(key) if isinstance(v, str) and DAY.fullmatch(v) and v not in (PAST, NEVER)
        )
        out.append(Counted(table, key, days, values))
    return out


def _add_counts(conn: Connection, templates: list[Template], copies: Counter[int]) -> None:
    """The copies' counters, added up by template and weeks back and written at once."""
    parts = Parts()
    for key, n in copies.items():
        template, shift_days = templates[key >> 6], 7 * (key & 0x3F)
        for c in template.counted:
            moved = list(c.key)
            for i in c.days:
                moved[i] = _day(date.fromisoformat(c.key[i]).toordinal() - shift_days)
            parts.add(c.table, tuple(moved), **{name: value * n for name, value in c.values.items()})
    write_difference(conn, Parts(), parts)


@dataclass
class Batch:
    """``FLUSH`` copies' events and rows, chained after (``seq``, ``prev``), the ``done``-th
    copy last."""

    seq: int
    prev: str
    done: int
    events: list[tuple[Any, ...]]
    rows: dict[str, list[tuple[Any, ...]]]


def _batches(
    templates: list[Template],
    order: list[int],
    numbers: Numbers,
    rng: random.Random,
    seq: int,
    prev: str,
    flush: int | None = None,
) -> Iterator[Batch]:
    """The copies in ``order``, rendered and chained after (``seq``, ``prev``), in batches of
    ``flush`` (``FLUSH``)."""
    count = len(order)
    every = FLUSH if flush is None else flush
    batch = Batch(seq, prev, 0, [], defaultdict(list))
    for done, key in enumerate(order, 1):
        template = templates[key >> 6 & 0x3FFF]
        weeks = key & 0x3F
        number = numbers(template.received_at - timedelta(weeks=weeks))
        vals = fill(template, weeks, number, rng)
        copied, seq, prev = render(template, vals, seq, prev)
        batch.events.extend(copied)
        for name, row in rows_of(template, vals):
            batch.rows[name].append(row)
        if done % every == 0 or done == count:
            batch.done = done
            yield batch
            batch = Batch(seq, prev, done, [], defaultdict(list))


def _render_apart(
    out: Any,
    templates: list[Template],
    order: list[int],
    numbers: Numbers,
    rng: random.Random,
    seq: int,
    prev: str,
    flush: int,
) -> None:
    """A second process's work: renders the batches and sends each down the pipe ``out``, then
    ``None``; a failure is sent as its text. When the writing process stops reading (it failed,
    or Ctrl-C stopped it: that is its to handle, not this one's) this one ends without a word."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for batch in _batches(templates, order, numbers, rng, seq, prev, flush):
            out.send(batch)
        out.send(None)
    except OSError:  # nobody reads the pipe any more
        pass
    except Exception as exc:  # handed to the writing process, which raises it
        with suppress(OSError):
            out.send(f"{type(exc).__name__}: {exc}")
    finally:
        out.close()


def _rendered_apart(
    templates: list[Template], order: list[int], numbers: Numbers, rng: random.Random, seq: int, prev: str
) -> Generator[Batch, None, None]:
    """``_batches`` rendered by a second process while this one writes the batch before: the
    build's Python half and SQLite's half run on two cores. The same draws in the same order,
    so the same seed makes the same file as rendering in this process, which renders them
    itself when no second process can start (say, the folder the build runs in is gone)."""
    ctx = multiprocessing.get_context("spawn")  # not a fork of a process with a database open
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(
        target=_render_apart, args=(send, templates, order, numbers, rng, seq, prev, FLUSH), daemon=True
    )
    try:
        worker.start()
    except OSError:
        receive.close()
        send.close()
        yield from _batches(templates, order, numbers, rng, seq, prev)
        return
    send.close()
    try:
        while True:
            try:
                item = receive.recv()
            except EOFError:
                raise RuntimeError(f"the copying process ended ({worker.exitcode})") from None
            if item is None:
                return
            if isinstance(item, str):
                raise RuntimeError(item)
            yield item
    finally:
        receive.close()
        worker.join(timeout=5)
        if worker.is_alive():
            worker.terminate()
            worker.join()


def _copy(
    conn: Connection,
    station_id: str,
    templates: list[Template],
    order: list[int],
    numbers: Numbers,
    rng: random.Random,
    progress: IO[str] | None,
) -> tuple[int, Counter[int]]:
    """Writes the copies; returns how many events, and how many copies of each template were
    moved back how many weeks (``template << 6 | weeks``)."""
    written = 0
    count = len(order)
    copies = Counter(key & 0xFFFFF for key in order)
    inserts = {tbl.name: _insert(tbl) for tbl in (*COPIED, EVENT)}
    seq, prev = head_of(conn, station_id)
    make = _rendered_apart if count >= APART else _batches
    for batch in make(templates, order, numbers, rng, seq, prev):
        if head_of(conn, station_id) != (batch.seq, batch.prev):  # each batch's own transaction
            raise RuntimeError("the station's events changed while its demo copies were written")
        written += len(batch.events)
        for tbl in COPIED:
            if batch.rows.get(tbl.name):
                conn.exec_driver_sql(inserts[tbl.name], batch.rows[tbl.name])
        conn.exec_driver_sql(inserts[EVENT.name], batch.events)
        conn.commit()  # in batches, so the WAL stays small
        if progress is not None:
            progress.write(f"\r{batch.done}/{count} …")
            progress.flush()
    return written, copies
