from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from data.settings import Settings, default_config_path, default_db_path, load_settings
from models.clock import Clock, SystemClock
from models.i18n import LANGUAGES, t


def add_common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """Options every command takes, before or after the command name."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", type=Path, default=default, help=t("cli.help.db"))
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
    db: Path
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
