"""``whistle serve``: the desk (or its meeting view) as a web page for the projector.

The page is served by textual-serve: each browser that opens it gets its own desk, run in a
child process (this same command with ``--child``) whose terminal is drawn in the page. The
child is opened as the signed-in operator (``--operator``, one of the station's) and runs
read-only unless that operator gave ``--allow-control``.
"""

from __future__ import annotations

import argparse
import html
import ipaddress
import shlex
import sys
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from data.read.poll import operator_names
from data.service import database_exists, open_sync, shown
from models.errors import DomainError
from models.i18n import set_language, t
from tui.app import build_app
from tui.cli.common import Context, add_common
from tui.config import AppConfig

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
VIEWS = {"console": "queue", "meetings": "meetings"}
"""``--view`` → the desk view shown first."""


def register(commands: Any) -> None:
    p: argparse.ArgumentParser = commands.add_parser(
        "serve", help=t("cli.help.serve"), description=t("cli.help.serve")
    )
    add_common(p)
    p.add_argument("--host", default=DEFAULT_HOST, help=t("cli.help.serve_host"))
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("cli.help.serve_port"))
    p.add_argument("--view", choices=sorted(VIEWS), default="console", help=t("cli.help.serve_view"))
    p.add_argument("--allow-control", action="store_true", help=t("cli.help.serve_control"))
    # how the server starts the desk for each browser; not for people
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=serve_cmd)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_operator(ctx: Context) -> str:
    """The signed-in operator the projector is opened as (and who may allow control): given,
    and one of this station's, so that opening the page never adds an operator."""
    if not ctx.operator:
        raise DomainError("projector.needs_operator")
    if not database_exists(ctx.db):
        raise DomainError("error.not_a_database", path=shown(ctx.db), detail="—")
    engine = open_sync(ctx.db, writer=False)
    try:
        with engine.connect() as conn:
            known = operator_names(conn)
    finally:
        engine.dispose()
    if ctx.operator not in known:
        raise DomainError("projector.unknown_operator", name=ctx.operator)
    return ctx.operator


def child_command(ctx: Context, args: argparse.Namespace, operator: str) -> str:
    """The shell command textual-serve runs for each browser: this desk, as ``--child``."""
    argv = [sys.executable, "-m", "tui.cli", "--db", str(ctx.db), "--lang", ctx.settings.language]
    if args.config:
        argv += ["--config", str(args.config)]
    argv += ["--operator", operator]
    argv += ["serve", "--child", "--view", args.view]
    if args.allow_control:
        argv.append("--allow-control")
    return shlex.join(argv)


class ProjectorServer(Server):
    """textual-serve's server, with the page titled after the station and our own start line."""

    def __init__(self, command: str, host: str, port: int, title: str, mode: str) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.mode = mode

    async def handle_index(self, request: web.Request) -> Any:
        response = await super().handle_index(request)
        if isinstance(response, web.Response) and response.text:
            title = f"<title>{html.escape(self.title)}</title>"
            response.text = response.text.replace("<head>", f"<head>\n    {title}", 1)
        return response

    async def on_startup(self, app: web.Application) -> None:
        print(t("projector.serving", url=self.public_url, mode=self.mode), flush=True)


def serve_cmd(ctx: Context, args: argparse.Namespace) -> int:
    if args.child:
        return run_child(ctx, args)
    if not 0 < args.port < 65536:
        raise DomainError("projector.bad_port", port=args.port)
    operator = check_operator(ctx)
    if args.allow_control:
        mode = t("projector.mode_control", operator=operator)
    else:
        mode = t("projector.mode_read_only")
    if not is_loopback(args.host):
        print(t("projector.exposed", host=args.host), file=sys.stderr, flush=True)
    title = t("projector.page_title", station=ctx.settings.station_name)
    server = ProjectorServer(child_command(ctx, args, operator), args.host, args.port, title, mode)
    server.serve()
    return 0


def run_child(ctx: Context, args: argparse.Namespace) -> int:
    """One browser's desk (textual-serve set the web driver in the environment)."""
    set_language(ctx.settings.language)
    config = AppConfig(
        db_path=ctx.db,
        settings=ctx.settings,
        clock=ctx.clock,
        operator=ctx.operator,
        language=ctx.settings.language,
        read_only=not args.allow_control,
        start_view=VIEWS[args.view],
    )
    app = build_app(config)
    app.run()
    return app.return_code or 0
