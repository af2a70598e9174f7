"""``whistle`` with no command: the desk console."""

from __future__ import annotations

import sys

from data.read.poll import case_count
from data.service import SyncService
from models.i18n import set_language
from tui.app import build_app
from tui.cli.common import Context, print_staff
from tui.config import AppConfig


def _fill_demo(ctx: Context) -> None:
    # imported only when asked: the console starts without the demo (test_startup_imports)
    from data.demo import DemoOptions, demo_staff, generate

    service = SyncService.open(ctx.db, ctx.settings, ctx.clock)
    try:
        with service.engine.connect() as conn:
            empty = case_count(conn) == 0
        if empty:
            generate(service, DemoOptions(), progress=sys.stderr)
        with service.engine.connect() as conn:
            print_staff(demo_staff(conn, service.station_id))
    finally:
        service.close()


def run_console(ctx: Context, demo: bool) -> int:
    set_language(ctx.settings.language)
    if demo:
        _fill_demo(ctx)
    config = AppConfig(
        db_path=ctx.db,
        settings=ctx.settings,
        clock=ctx.clock,
        operator=ctx.operator,
        language=ctx.settings.language,
    )
    app = build_app(config)
    app.run()
    return app.return_code or 0
