"""argparse in the desk's language: its own words (``usage:``, the titles of the option groups,
``-h``, and the errors it gives for a wrong command line) come from the catalogue, so a Chinese
desk reads no English when it mistypes a command."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from models.i18n import t

ERRORS = (
    (re.compile(r"^the following arguments are required: (?P<names>.+)$"), "cli.arg.required"),
    (
        re.compile(
            r"^argument (?P<name>.+?): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)$"
        ),
        "cli.arg.invalid_choice",
    ),
    (re.compile(r"^argument (?P<name>.+?): invalid \S+ value: (?P<value>.+)$"), "cli.arg.invalid_value"),
    (re.compile(r"^argument (?P<name>.+?): expected one argument$"), "cli.arg.expected_one"),
    (re.compile(r"^argument (?P<name>.+?): expected at least one argument$"), "cli.arg.expected_some"),
    (re.compile(r"^argument (?P<name>.+?): not allowed with argument (?P<other>.+)$"), "cli.arg.not_with"),
    (re.compile(r"^unrecognized arguments: (?P<args>.+)$"), "cli.arg.unrecognized"),
    (re.compile(r"^ambiguous option: (?P<option>\S+) could match (?P<matches>.+)$"), "cli.arg.ambiguous"),
    (re.compile(r"^one of the arguments (?P<names>.+) is required$"), "cli.arg.one_of"),
)
"""argparse's errors (Python 3.11–3.13 word them so), each with its catalogue key; any other
is shown as argparse says it."""


def said(message: str) -> str:
    """argparse's error ``message`` in the desk's language."""
    for pattern, key in ERRORS:
        found = pattern.match(message)
        if found:
            return t(key, **found.groupdict())
    return message


class DeskHelpFormatter(argparse.HelpFormatter):
    """Help whose ``usage:`` line is the catalogue's."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, t("cli.usage") if prefix is None else prefix)


class DeskParser(argparse.ArgumentParser):
    """An ArgumentParser speaking the catalogue's words; its sub-commands' parsers are of this
    class too (argparse makes them of the parent's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DeskHelpFormatter)
        helped = kwargs.pop("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        # argparse names its two groups when it is built and offers no other way to rename them
        self._positionals.title = t("cli.positionals")
        self._optionals.title = t("cli.options")
        if helped:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help.help")
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, t("cli.arg.error", prog=self.prog, message=said(message)) + "\n")
