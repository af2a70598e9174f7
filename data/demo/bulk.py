"""Benchmark-sized demo databases: after a few thousand cases simulated through the commands,
further cases are copies of finished ones, moved back in time by whole weeks, with fresh ids
and numbers. The copies' events are new, hash-chained events and their rows are exactly what
applying those events gives (``whistle verify`` replays them), written in batches.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table, func, insert, select

from data.store.eventlog import event_row, head_of, record_from_row
from data.store.tables import CASE, CHECKIN, CLOCK, EVENT, REINSPECTION, WHISTLE
from models.enums import CaseStatus
from models.events import EventRecord, seal
from models.ids import from_iso, to_iso, uuid7

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ROW_TABLES: tuple[Table, ...] = (CASE, WHISTLE, CLOCK, CHECKIN, REINSPECTION)
FINISHED = (CaseStatus.CLOSED, CaseStatus.VERIFIED, CaseStatus.REJECTED)
FLUSH = 2000
TEMPLATES = 800


@dataclass
class Template:
    events: list[EventRecord]
    rows: dict[str, list[dict[str, Any]]]
    received_at: datetime


class Copier:
    """One copy: every id gets a new one, every time moves back by ``shift``."""

    def __init__(self, shift: timedelta, number: Callable[[datetime], str]) -> None:
        self.shift = shift
        self.ids: dict[str, str] = {}
        self.number = number

    def new_id(self, old: str, at: datetime) -> str:
        if old not in self.ids:
            self.ids[old] = uuid7(at)
        return self.ids[old]

    def value(self, key: str, value: Any, at: datetime) -> Any:
        if isinstance(value, str):
            if UUID.fullmatch(value):
                return self.new_id(value, at)
            if TIMESTAMP.fullmatch(value):
                return to_iso(from_iso(value) - self.shift)
            if DAY.fullmatch(value) and key.endswith("_on"):
                return (date.fromisoformat(value) - self.shift).isoformat()
            return value
        if isinstance(value, datetime):
            return value - self.shift
        if isinstance(value, date):
            return value - self.shift
        if isinstance(value, dict):
            return {k: self.value(k, v, at) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(key, v, at) for v in value]
        return value


def _templates(conn: Connection, station_id: str, limit: int = TEMPLATES) -> list[Template]:
    cases = conn.execute(
        select(CASE)
        .where(
            (CASE.c.station_id == station_id)
            & CASE.c.status.in_([s.value for s in FINISHED])
            & CASE.c.reopened_from.is_(None)
        )
        .order_by(CASE.c.number)
        .limit(limit)
    ).mappings()
    by_case = {case["id"]: {CASE.name: [dict(case)]} for case in cases}
    events: dict[str, list[EventRecord]] = defaultdict(list)
    for tbl in ROW_TABLES[1:]:
        for row in conn.execute(select(tbl).where(tbl.c.case_id.in_(list(by_case)))).mappings():
            by_case[row["case_id"]].setdefault(tbl.name, []).append(dict(row))
    query = select(EVENT).where(EVENT.c.subject.in_(list(by_case))).order_by(EVENT.c.seq)
    for event in conn.execute(query):
        events[event.subject].append(record_from_row(event))
    return [
        Template(events[case_id], rows, rows[CASE.name][0]["received_at"])
        for case_id, rows in by_case.items()
        # a spot-check row is made by a draw event about many cases, so it is not copied
        if all(r["kind"] == "scheduled" for r in rows.get(REINSPECTION.name, []))
    ]


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
        numbers = Numbers(conn, station_id, prefix, tz)
        events: list[dict[str, Any]] = []
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for done in range(1, count + 1):
            if not events:  # each batch is its own write transaction: read the chain's head in it
                seq, prev = head_of(conn, station_id)
            template = rng.choice(templates)
            copier = Copier(timedelta(weeks=rng.randint(1, 40)), numbers)
            received = template.received_at - copier.shift
            number = numbers(received)
            for record in template.events:
                at = record.at - copier.shift
                payload = copier.value("", record.payload, at)
                if record.type == "case.received":
                    payload["number"] = number
                seq += 1
                new = seal(
                    id=uuid7(at),
                    station_id=station_id,
                    seq=seq,
                    operator=record.operator,
                    at=at,
                    type=record.type,
                    subject=copier.value("", record.subject, at),
                    payload=payload,
                    personal=record.personal,
                    prev_hash=prev,
                )
                prev = new.hash
                events.append(event_row(new))
            for table_name, table_rows in template.rows.items():
                for row in table_rows:
                    copy = {k: copier.value(k, v, received) for k, v in row.items()}
                    if table_name == CASE.name:
                        copy["number"] = number
                    rows[table_name].append(copy)
            if done % FLUSH == 0 or done == count:
                written += len(events)
                _flush(conn, events, rows)
                conn.commit()  # in batches, so the WAL stays small
                events, rows = [], defaultdict(list)
                if progress is not None:
                    progress.write(f"\r{done}/{count} …")
                    progress.flush()
    return written


def _flush(conn: Connection, events: list[dict[str, Any]], rows: dict[str, list[dict[str, Any]]]) -> None:
    for tbl in ROW_TABLES:
        if rows.get(tbl.name):
            conn.execute(insert(tbl), rows[tbl.name])
    if events:
        conn.execute(insert(EVENT), events)
