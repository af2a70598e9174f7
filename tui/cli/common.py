from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from data.service import Location, SyncService, location
from data.settings import Settings, default_config_path, default_db_path, load_settings
from models.clock import Clock, SystemClock
from models.enums import Role
from models.errors import DomainError
from models.i18n import LANGUAGES, label, t


def positive(value: str) -> int:
    """A whole number of one or more, as an argument's type: anything else is refused by the
    parser in one line ("invalid value"), before a command runs."""
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def add_common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """Options every command takes, before or after the command name."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", type=location, default=default, help=t("cli.help.db"))
    parser.add_argument("--config", type=Path, default=default, help=t("cli.help.config"))
    parser.add_argument("--operator", default=default, help=t("cli.help.operator"))
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=t("cli.help.lang"))


def early_language(argv: list[str]) -> str | None:
    """The --lang value, read before the parser is built so that --help is translated."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            return arg.split("=", 1)[1]
    return None


@dataclass
class Context:
    db: Location
    settings: Settings
    operator: str | None
    clock: Clock

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        settings = load_settings(args.config or default_config_path())
        if args.lang:
            settings.language = args.lang
        operator = args.operator or os.environ.get("WHISTLE_OPERATOR") or None
        return cls(args.db or default_db_path(), settings, operator, SystemClock())


PASSPHRASE_ENV = "WHISTLE_PASSPHRASE"
"""The passphrase (or PIN) of the operator named by ``--operator``, for scripts."""
NEW_SECRET_ENV = "WHISTLE_NEW_PIN"
"""The PIN or passphrase ``whistle operator`` sets, for scripts."""


def read_secret(env: str, prompt: str, *, confirm: bool = False) -> str:
    """A secret from the environment variable ``env`` or else typed at the terminal (not
    echoed). Never from a command-line argument: those show in the process list."""
    given = os.environ.get(env)
    if given:
        return given
    if not sys.stdin.isatty():
        raise DomainError("auth.no_terminal", env=env)
    secret = getpass.getpass(prompt)
    if confirm and getpass.getpass(t("auth.prompt_again")) != secret:
        raise DomainError("auth.mismatch")
    return secret


def open_service(ctx: Context) -> SyncService:
    """The service for one command: as the operator named by ``--operator``, signed in with
    their passphrase, or else as nobody in particular (no role, never a supervisor)."""
    service = SyncService.open(ctx.db, ctx.settings, ctx.clock)
    if ctx.operator:
        try:
            service.sign_in(ctx.operator, read_secret(PASSPHRASE_ENV, t("auth.prompt", name=ctx.operator)))
        except BaseException:
            service.close()
            raise
    return service


def print_staff(staff: list[tuple[str, Role, str]]) -> None:
    """The demo's operators and their PINs (a demo database's own, known to the world)."""
    if staff:
        print(t("cli.demo.staff"))
        for name, role, pin in staff:
            print(t("cli.demo.staff_line", name=name, role=label(role), pin=pin))
