"""The ``whistle`` command line. Each module in this package adds its sub-commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from data.service import is_disk_full
from models.errors import DomainError
from models.i18n import LANGUAGES, set_language, t
from tui import loaded
from tui.cli.common import Context, add_common, early_language
from tui.cli.parser import DeskParser

REGISTRARS = (
    "tui.cli.core",
    "tui.cli.intake",
    "tui.cli.sync",
    "tui.cli.meeting",
    "tui.cli.correct",
    "tui.cli.report",
    "tui.cli.serve",
    "tui.cli.handover",
    "tui.cli.district",
    "tui.cli.hub",
)
"""Modules whose ``register`` adds their sub-commands: imported only when a command (or the
help) is asked for, so the console starts without the demo, the exports or sync."""
HELP = ("-h", "--help")


def _console_parser() -> argparse.ArgumentParser:
    parser = DeskParser(prog="whistle", description=t("cli.description"))
    add_common(parser, top=True)
    parser.add_argument("--demo", action="store_true", help=t("cli.help.demo_start"))
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _console_parser()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in REGISTRARS:
        importlib.import_module(name).register(commands)
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    """The console's own options when no command is named; the full parser otherwise."""
    if not any(arg in HELP for arg in argv):
        args, rest = _console_parser().parse_known_args(argv)
        if not rest:
            args.handler = None
            return args
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(early_language(argv) or "zh")
    args = parse(argv)
    try:
        ctx = Context.from_args(args)
        if args.lang is None:
            set_language(ctx.settings.language)
        handler = getattr(args, "handler", None)
        if handler is None:
            from tui.cli.console import run_console

            return run_console(ctx, demo=args.demo)
        loaded()  # a command's modules are in (tui/__init__.py); the console's: build_app
        result: int = handler(ctx, args)
        # what is still buffered goes now, so a closed pipe is met here and not at exit
        sys.stdout.flush()
        return result
    except BrokenPipeError:
        return _pipe_closed()
    except DomainError as exc:
        print(t("cli.error", detail=str(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        print(t("cli.error", detail=t("error.disk_full_db")), file=sys.stderr)
        return 2


def _pipe_closed() -> int:
    """The reader went away (``whistle meeting list | head``): stop quietly, for every
    command. Standard output is pointed at the null device so that Python's own flush at
    exit does not meet the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)


__all__ = ["LANGUAGES", "build_parser", "main", "parse"]
