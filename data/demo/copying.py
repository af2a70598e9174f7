"""Writing the copies of ``data.demo.bulk``'s templates into a station's file: which template
and how many weeks back each copy is, its number, its batches rendered (by a second process for
a big build) and written with the file's own indexes set aside, and the assessment's totals
added up once for all the copies. The copies are written oldest first, so ids, numbers and times
arrive in the order of the indexes."""

from __future__ import annotations

import json
import multiprocessing
import random
import re
import signal
from collections import Counter, defaultdict
from collections.abc import Generator, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table, func, select

from data.demo.bulk import (
    COPIED,
    DAY,
    WEEK_S,
    Counted,
    Template,
    _columns,
    _day,
    _templates,
    fill,
    render,
    rows_of,
)
from data.store.eventlog import event_row, head_of
from data.store.tables import CASE, EVENT
from data.store.totals import NEVER, PAST, TZ, Parts, rebuild, recount, totals_filled, write_difference
from models.events import seal
from models.ids import from_iso, to_iso

FLUSH = 5000
APART = 20_000  # from this many copies on, a second process renders them (``_rendered_apart``)
# while the copies are written (into a new demo database that nothing else has open): no
# rollback journal, no fsync and a bigger page cache, so each page is written once; a build that
# stops half way leaves a file to delete, not to use. All three are put back when copying ends
# (a journal mode that cannot change while another connection is open stays WAL).
BUILD_PRAGMAS = {"journal_mode": "OFF", "synchronous": "OFF", "cache_size": "-131072"}


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
class Plan:
    """What the copies are rendered from: the templates, which one and how many weeks back each
    copy is (``order``), their numbers and draws, the chain's head they follow, and how many
    copies a batch holds (``FLUSH`` unless given)."""

    templates: list[Template]
    order: list[int]
    numbers: Numbers
    rng: random.Random
    seq: int
    prev: str
    flush: int | None = None


@dataclass
class Batch:
    """``FLUSH`` copies' events and rows, chained after (``seq``, ``prev``), the ``done``-th
    copy last."""

    seq: int
    prev: str
    done: int
    events: list[tuple[Any, ...]]
    rows: dict[str, list[tuple[Any, ...]]]


def _batches(plan: Plan) -> Iterator[Batch]:
    """The copies in ``plan.order``, rendered and chained after its head, in batches."""
    count, every = len(plan.order), plan.flush or FLUSH
    seq, prev = plan.seq, plan.prev
    batch = Batch(seq, prev, 0, [], defaultdict(list))
    for done, key in enumerate(plan.order, 1):
        template = plan.templates[key >> 6 & 0x3FFF]
        weeks = key & 0x3F
        number = plan.numbers(template.received_at - timedelta(weeks=weeks))
        vals = fill(template, weeks, number, plan.rng)
        copied, seq, prev = render(template, vals, seq, prev)
        batch.events.extend(copied)
        for name, row in rows_of(template, vals):
            batch.rows[name].append(row)
        if done % every == 0 or done == count:
            batch.done = done
            yield batch
            batch = Batch(seq, prev, done, [], defaultdict(list))


def _render_apart(out: Any, plan: Plan) -> None:
    """A second process's work: renders the batches and sends each down the pipe ``out``, then
    ``None``; a failure is sent as its text. When the writing process stops reading (it failed,
    or Ctrl-C stopped it: that is its to handle, not this one's) this one ends without a word."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for batch in _batches(plan):
            out.send(batch)
        out.send(None)
    except OSError:  # nobody reads the pipe any more
        pass
    except Exception as exc:  # handed to the writing process, which raises it
        with suppress(OSError):
            out.send(f"{type(exc).__name__}: {exc}")
    finally:
        out.close()


def _rendered_apart(plan: Plan) -> Generator[Batch, None, None]:
    """``_batches`` rendered by a second process while this one writes the batch before: the
    build's Python half and SQLite's half run on two cores. The same draws in the same order,
    so the same seed makes the same file as rendering in this process, which renders them
    itself when no second process can start (say, the folder the build runs in is gone)."""
    ctx = multiprocessing.get_context("spawn")  # not a fork of a process with a database open
    receive, send = ctx.Pipe(duplex=False)
    # the batch size read here, where a test may have changed it, not on the other side's import
    worker = ctx.Process(
        target=_render_apart, args=(send, replace(plan, flush=plan.flush or FLUSH)), daemon=True
    )
    try:
        worker.start()
    except OSError:
        receive.close()
        send.close()
        yield from _batches(plan)
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
    for batch in make(Plan(templates, order, numbers, rng, seq, prev)):
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
