"""On-demand benchmark of the live queue (not part of the test suite). The full table, with
start-up, idle and another desk, is tests.bench.run; this one compares databases side by side.

    /tmp/venv/bin/whistle demo --db /tmp/bench/small.db --cases 300
    /tmp/venv/bin/whistle demo --db /tmp/bench/big.db --cases 200000
    /tmp/venv/bin/python -m tests.bench.bench_queue /tmp/bench/small.db /tmp/bench/big.db [--reopen]

For each database: time from app start to the first queue window drawn, then the median of
several runs of key-press-to-screen for page down, end (deepest scroll), a filter, and a
search. ``--reopen`` also measures a throw-away copy in which every case is marked open
(bulk SQL on the copy only), so the queue has as many rows as the database has cases.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from data.read.queue import QueueFilter, queue_counts, queue_window
from data.settings import Settings
from data.store.db import open_sync, prepare
from models.clock import SystemClock
from screens.widgets.queue_view import QueueView
from tests.bench.common import settled
from tui.app import build_app
from tui.config import AppConfig

RUNS = 7


async def _median(action: Callable[[], Awaitable[None]]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


async def measure(path: Path) -> dict[str, Any]:
    app = build_app(AppConfig(path, Settings(), SystemClock(), "bench", "zh"))
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        view: QueueView | None = None
        while view is None or not view.loaded_once:
            await settled(app, pilot)
            found = app.screen.query(QueueView)
            view = found.first() if found else None
        opened = (time.perf_counter() - started) * 1000
        assert view is not None
        queue_view = view

        async def page_down() -> None:
            await pilot.press("pagedown")
            await settled(app, pilot, queue_view)

        async def to_end_and_back() -> None:
            await pilot.press("end")
            await settled(app, pilot, queue_view)
            await pilot.press("home")
            await settled(app, pilot, queue_view)

        async def apply(flt: QueueFilter) -> None:
            queue_view.set_filter(flt)
            await settled(app, pilot, queue_view)

        async def filter_and_clear() -> None:
            await apply(QueueFilter(department="CGZF"))
            await apply(QueueFilter())

        async def search_and_clear() -> None:
            await apply(QueueFilter(search="摊贩"))
            await apply(QueueFilter())

        async def tick() -> None:
            app.tick()
            await pilot.pause()

        async def noop() -> None:
            await pilot.pause()

        total = queue_view.counts.total
        app.exit()
        return {
            "db": path.name,
            "cases": _count(path),
            "queue rows": total,
            "open ms": opened,
            "page down ms": await _median(page_down),
            "end+home ms": await _median(to_end_and_back),
            "filter+clear ms": await _median(filter_and_clear),
            "search+clear ms": await _median(search_and_clear),
            "tick ms": await _median(tick),
            "pilot pause ms": await _median(noop),
            **_sql(path),
        }


def _sql(path: Path) -> dict[str, float]:
    """The reads alone, without the UI: one window at the top and at the bottom, and a search."""
    engine = open_sync(path, writer=False)
    now = SystemClock().now()
    out: dict[str, float] = {}
    try:
        with engine.connect() as conn:
            counts = queue_counts(conn, now, QueueFilter())
            for name, fn in (
                ("sql counts ms", lambda: queue_counts(conn, now, QueueFilter())),
                ("sql top window ms", lambda: queue_window(conn, now, QueueFilter(), 0, 200, counts)),
                (
                    "sql last window ms",
                    lambda: queue_window(conn, now, QueueFilter(), counts.total - 200, 200, counts),
                ),
                ("sql search ms", lambda: queue_window(conn, now, QueueFilter(search="摊贩"), 0, 200)),
            ):
                samples = []
                for _ in range(RUNS):
                    start = time.perf_counter()
                    fn()
                    samples.append(time.perf_counter() - start)
                out[name] = statistics.median(samples) * 1000
    finally:
        engine.dispose()
    return out


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM case_file").fetchone()[0])


def reopened_copy(path: Path, workdir: Path) -> Path:
    copy = workdir / f"{path.stem}-all-open.db"
    shutil.copy(path, copy)
    prepare(copy)  # the desk schema step keeps queue_key in step with the update below
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE case_file SET status = 'disposing' WHERE status NOT IN ('disposing')")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", nargs="+", type=Path)
    parser.add_argument("--reopen", action="store_true")
    args = parser.parse_args()
    paths: list[Path] = list(args.db)
    with tempfile.TemporaryDirectory() as tmp:
        if args.reopen:
            paths += [reopened_copy(p, Path(tmp)) for p in args.db]
        results = [asyncio.run(measure(p)) for p in paths]
    columns = list(results[0])
    widths = [max(len(c), *(len(_fmt(r[c])) for r in results)) for c in columns]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for r in results:
        print("  ".join(_fmt(r[c]).rjust(w) for c, w in zip(columns, widths, strict=True)))


def _fmt(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    main()
