"""The desk measured from inside, on one database: keys, filter and search (counts included),
search p95, idle CPU with the queue showing, and another desk's write seen. Prints one JSON
object. Started by tests.bench.run; runs alone too:

    PYTHONPATH=$PWD python -m tests.bench.desk DB [--idle 20] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from data.read.queue import QueueFilter
from data.service import DEFAULT_OPERATOR, SyncService
from data.settings import Settings
from data.write.commands.cases import receive_case
from models.clock import SystemClock
from screens.signin import SignInScreen
from screens.widgets.queue_view import QueueView
from tests.bench.common import Sample, p95, settled, summary, timed
from tui.app import build_app
from tui.config import AppConfig

OPERATOR, PIN = "王丽", "1111"
"""A duty operator of ``whistle demo`` and the PIN the demo gives her."""

FREQUENT = "号"
"""In nearly every address: the worst case for search."""
RARE = "消防栓漏水"
"""In few cases, or none."""
WRITE = {
    "source": "patrol",
    "category": "street_vending",
    "community": "东四社区",
    "address": "东四北大街 12 号",
    "description": "基准测试：另一台调度台写入",
}


class OtherDesk:
    """Another desk on the same file: writes one case when asked, in its own thread."""

    def __init__(self, path: Path) -> None:
        self.service = SyncService.open(path, Settings(), SystemClock(), DEFAULT_OPERATOR)

    def write(self) -> float:
        self.service.run(receive_case, **WRITE)
        return time.perf_counter()

    def close(self) -> None:
        self.service.close()


async def measure(path: Path, runs: int, idle: float, seen_runs: int) -> dict[str, Any]:
    app = build_app(AppConfig(path, Settings(), SystemClock(), OPERATOR, "zh"))
    out: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        # signed in as an operator would be: the demo's duty operator with the demo's PIN
        while not isinstance(app.screen, SignInScreen):
            await settled(app, pilot)
        await pilot.press(*PIN, "enter")
        while isinstance(app.screen, SignInScreen):
            await settled(app, pilot)
        view: QueueView | None = None
        while view is None or not view.loaded_once:
            await settled(app, pilot)
            found = app.screen.query(QueueView)
            view = found.first() if found else None
        assert view is not None
        table = view
        await settled(app, pilot, table)
        out["queue_rows"] = table.counts.total

        async def press(key: str) -> None:
            await pilot.press(key)
            await settled(app, pilot, table)

        async def apply(flt: QueueFilter) -> None:
            table.set_filter(flt)
            await settled(app, pilot, table)

        async def repeat(action: Any, before: Any = None, n: int = runs) -> list[Sample]:
            samples = []
            for _ in range(n):
                if before is not None:
                    await before()
                samples.append(await timed(action))
            return samples

        async def home() -> None:
            await press("home")

        async def end() -> None:
            await press("end")

        out["key move"] = summary(await repeat(lambda: press("down")))
        out["key page"] = summary(await repeat(lambda: press("pagedown")))
        out["key End"] = summary(await repeat(end, before=home))
        out["key Home"] = summary(await repeat(home, before=end))
        await press("home")

        async def clear() -> None:
            await apply(QueueFilter())

        out["filter"] = summary(await repeat(lambda: apply(QueueFilter(department="CGZF")), before=clear))
        out["search"] = summary(await repeat(lambda: apply(QueueFilter(search="摊贩")), before=clear))
        out[f"search {FREQUENT}"] = summary(
            await repeat(lambda: apply(QueueFilter(search=FREQUENT)), before=clear, n=20)
        )
        out[f"search {RARE}"] = summary(
            await repeat(lambda: apply(QueueFilter(search=RARE)), before=clear, n=20)
        )
        await clear()

        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(idle)
        out["idle cpu %"] = (time.process_time() - cpu) / (time.perf_counter() - wall) * 100

        other = OtherDesk(path)
        seen: list[float] = []
        try:
            for _ in range(seen_runs):
                await settled(app, pilot, table)
                before = table.counts.total
                written = await asyncio.to_thread(other.write)
                while table.counts.total == before:
                    await asyncio.sleep(0.005)
                seen.append((time.perf_counter() - written) * 1000)
        finally:
            other.close()
        out["another desk"] = {"wall": sorted(seen)[len(seen) // 2], "wall_p95": p95(seen)}
        app.exit()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--idle", type=float, default=20.0)
    parser.add_argument("--seen", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.db, args.runs, args.idle, args.seen)), ensure_ascii=False))


if __name__ == "__main__":
    main()
