"""One start of the desk, as the console starts it (parser, settings, app), run headless until
the queue is painted; prints one JSON line with the CPU time and peak memory at that moment.
Started by tests.bench.run, which times it from the command (interpreter start included)."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

import tui.cli
from screens.widgets.queue_view import QueueView
from tui.app import build_app
from tui.cli.common import Context
from tui.config import AppConfig


async def _paint(argv: list[str]) -> dict[str, float]:
    # the console's own parse where there is one (older code parsed with every command)
    parse = getattr(tui.cli, "parse", None) or tui.cli.build_parser().parse_args
    args = parse(argv)
    ctx = Context.from_args(args)
    app = build_app(AppConfig(ctx.db, ctx.settings, ctx.clock, ctx.operator, ctx.settings.language))
    async with app.run_test(size=(120, 40)) as pilot:
        while True:
            await pilot.pause()
            # the queue painted under the sign-in (the first screen a desk shows)
            found = [v for screen in app.screen_stack for v in screen.query(QueueView)]
            if found and found[0].loaded_once:
                break
        await pilot.pause()  # the window drawn
        out = {
            "cpu_ms": time.process_time() * 1000,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "modules": len(sys.modules),
        }
        print(json.dumps(out), flush=True)
        app.exit()
    return out


if __name__ == "__main__":
    asyncio.run(_paint(sys.argv[1:]))
