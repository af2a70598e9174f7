"""Applying an event costs what its own case holds, not what the station holds: the queue
order's triggers on ``clock`` read the written case's clocks only. Counted in SQLite's virtual
machine steps (a progress handler), so nothing is timed: the cost of one clock write must not
grow when hundreds of other cases have running check-in clocks."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from data.store.schema import upgrade

DUMMY = {"INTEGER": 0, "BOOLEAN": 0, "FLOAT": 0.0, "DATETIME": "2026-03-10 02:00:00.000000"}
DEADLINE = "2026-03-11 02:00:00.000000"
EARLIER = "2026-03-10 12:00:00.000000"  # the other cases' clocks fall due first


def _insert(conn: sqlite3.Connection, table: str, **given: Any) -> None:
    """A row with the columns given and every other NOT NULL column filled with a dummy."""
    values = dict(given)
    for _cid, name, kind, notnull, _default, _pk in conn.execute(f"PRAGMA table_info({table})"):
        if notnull and name not in values:
            values[name] = DUMMY.get(kind, "x")
    names = ", ".join(values)
    conn.execute(
        f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )


def _case(conn: sqlite3.Connection, n: int) -> str:
    case_id = f"c-{n}"
    _insert(conn, "case_file", id=case_id, station_id="ST-A", number=f"A-{n}", status="dispatched")
    return case_id


def _clock(conn: sqlite3.Connection, case_id: str, clock_id: str, deadline: str = DEADLINE) -> None:
    _insert(conn, "clock", id=clock_id, case_id=case_id, kind="checkin", deadline=deadline)


def _steps(conn: sqlite3.Connection, action: Callable[[], None]) -> int:
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0

    conn.set_progress_handler(count, 1)
    try:
        action()
    finally:
        conn.set_progress_handler(None, 1)
    return counted[0]


def test_a_clock_write_reads_its_own_cases_clocks_only(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "scale.db", isolation_level=None)
    upgrade(conn)
    _insert(conn, "station", id="ST-A", name="A", case_prefix="A", is_local=1)
    mine = _case(conn, 0)
    _clock(conn, mine, "k-0")

    def cost(n: int) -> tuple[int, int]:
        inserted = _steps(conn, lambda: _clock(conn, mine, f"k-new-{n}"))
        stopped = _steps(
            conn,
            lambda: conn.execute("UPDATE clock SET stopped_at = ? WHERE id = ?", (DEADLINE, f"k-new-{n}")),
        )
        return inserted, stopped

    few = cost(1)
    for n in range(1, 400):
        _clock(conn, _case(conn, n), f"k-{n}", EARLIER)
    many = cost(2)
    # the same work up to a deeper index (a few steps); walking the others would be thousands
    assert many[0] < few[0] + 200 and many[1] < few[1] + 200, (few, many)
