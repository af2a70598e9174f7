"""Helpers the on-demand benchmarks share: waiting for the desk to settle without tripping on
a cancelled worker, timing with CPU beside wall, and medians / percentiles."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.worker import WorkerState

from screens.widgets.queue_view import QueueView

BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


async def settled(app: Any, pilot: Any, view: QueueView | None = None) -> None:
    """Until no worker is pending or running and the table holds its window. Worker states are
    looked at, never awaited: a worker that an exclusive newer one cancelled is simply done
    (``wait_for_complete`` raised WorkerCancelled for it, which once crashed the filter step
    and left the app hanging, and awaiting the poller's worker from outside stopped its timer)."""
    for _ in range(100_000):
        await pilot.pause()
        if not any(w.state in BUSY for w in app.workers) and (view is None or not view.reading):
            return
        await asyncio.sleep(0.001)


@dataclass(frozen=True)
class Sample:
    wall_ms: float
    cpu_ms: float


async def timed(action: Callable[[], Awaitable[None]]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    await action()
    return Sample((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(samples: list[Sample]) -> dict[str, float]:
    return {
        "wall": median([s.wall_ms for s in samples]),
        "cpu": median([s.cpu_ms for s in samples]),
        "wall_p95": p95([s.wall_ms for s in samples]),
        "cpu_p95": p95([s.cpu_ms for s in samples]),
    }
