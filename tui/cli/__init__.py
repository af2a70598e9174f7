"""The ``whistle`` command line. Each module in this package adds its sub-commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from models.errors import DomainError
from models.i18n import LANGUAGES, set_language, t
from tui.cli import core, correct, intake, meeting, report, serve, sync
from tui.cli.common import Context, add_common, early_language

REGISTRARS = [
    core.register,
    intake.register,
    sync.register,
    meeting.register,
    correct.register,
    report.register,
    serve.register,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="whistle", description=t("cli.description"))
    add_common(parser, top=True)
    parser.add_argument("--demo", action="store_true", help=t("cli.help.demo_start"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in REGISTRARS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(early_language(argv) or "zh")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        ctx = Context.from_args(args)
        if args.lang is None:
            set_language(ctx.settings.language)
        handler = getattr(args, "handler", None)
        if handler is None:
            from tui.cli.console import run_console

            return run_console(ctx, demo=args.demo)
        result: int = handler(ctx, args)
        return result
    except DomainError as exc:
        print(t("cli.error", detail=str(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


__all__ = ["LANGUAGES", "build_parser", "main"]
