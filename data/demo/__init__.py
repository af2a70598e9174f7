"""``whistle demo``: a realistic station history, written through the same commands as the
desk, with a simulated clock that walks from 90 days ago up to now.

Every case follows a plausible story (intake, triage, whistle, check-ins, disposal,
feedback, closure, 回头看); stories are cut off at the present moment, which leaves cases
in every state and clocks that are green, yellow and red when the demo finishes.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from sqlalchemy import func, select

from data.demo.copying import copy_cases
from data.demo.material import DemoOptions
from data.demo.stories import SIMULATED_MAX, Demo, Step, Story
from data.demo.text import OPERATORS
from data.read.staff import demo_staff
from data.store.eventlog import EventWriter
from data.store.tables import CASE
from data.store.totals import totals_batch
from data.write.commands.common import Ctx
from data.write.session import SyncService
from models.clock import FrozenClock
from models.errors import DomainError

BATCH = 4000

__all__ = ["DemoOptions", "DemoSummary", "demo_staff", "generate"]


@dataclass
class DemoSummary:
    cases: int = 0
    events: int = 0


def generate(service: SyncService, options: DemoOptions, progress: IO[str] | None = None) -> DemoSummary:
    """Write the demo history into an empty database; refused when it already has cases."""
    with service.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(CASE)).scalar():
            raise DomainError("error.demo_not_empty", path=str(service.engine.url.database))
    demo = Demo(service, options)
    order = itertools.count()
    queue: list[tuple[datetime, int, Step, Story]] = []

    def advance(story: Story) -> None:
        item = next(story, None)
        if item is not None and item[0] <= demo.now:
            heapq.heappush(queue, (item[0], next(order), item[1], story))

    for story in demo.stories():
        advance(story)
    clock = FrozenClock(demo.now)
    summary = DemoSummary()
    while queue:
        # the totals of a batch's steps are settled once at its end, as an import's are
        with service.engine.begin() as conn, totals_batch(conn) as totals:
            # the demo makes up a history behind the station's registration: not ordered
            writer = EventWriter(conn, service.station_id, OPERATORS[0], clock, ordered=False)
            ctx = Ctx(writer, service.rules)
            for _ in range(BATCH):
                if not queue:
                    break
                at, _n, step, story = heapq.heappop(queue)
                clock.set(at)
                writer.operator = demo.rng.choice(OPERATORS)
                try:
                    with conn.begin_nested(), totals.undone_with():
                        step(ctx)
                except DomainError:
                    writer.reset_head()
                    continue
                advance(story)
                for spawned in demo.take_spawned():
                    advance(spawned)
        summary.events += len(writer.written)
        if progress is not None:
            progress.write(f"\r{summary.events} …")
            progress.flush()
    if options.cases > SIMULATED_MAX:
        summary.events += copy_cases(
            service.engine,
            service.station_id,
            count=options.cases - SIMULATED_MAX,
            rng=demo.rng,
            prefix=service.rules.settings.case_prefix,
            tz=demo.tz,
            progress=progress,
        )
    if progress is not None:
        progress.write("\r\033[K")
    with service.engine.connect() as conn:
        summary.cases = conn.execute(select(func.count()).select_from(CASE)).scalar() or 0
    return summary
