"""``whistle correct …``: 冲正 from the command line, one sub-command per kind; every one needs
``--reason`` and a supervisor."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from data.write.commands import corrections as c
from data.write.commands.common import Ctx
from models.corrections import CorrectionKind as K
from models.corrections import parse_local_time
from models.enums import CheckInStatus, ReinspectionResult
from models.errors import DomainError
from models.i18n import label, t
from tui.cli.common import Context, add_common, open_service

# kind → (sub-command, help key)
_SUB = {
    K.CASE: ("case", "cli.help.correct_case"),
    K.ARRIVAL: ("arrival", "cli.help.correct_arrival"),
    K.ACTION: ("action", "cli.help.correct_action"),
    K.ACTION_TIME: ("action-time", "cli.help.correct_action_time"),
    K.RELEASE_TIME: ("release", "cli.help.correct_release"),
    K.RATING: ("rating", "cli.help.correct_rating"),
    K.WITHDRAWAL: ("withdrawal", "cli.help.correct_withdrawal"),
    K.REINSPECTION: ("reinspection", "cli.help.correct_reinspection"),
}


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "correct", help=t("cli.help.correct"), description=t("cli.help.correct")
    )
    add_common(parser)
    sub = parser.add_subparsers(
        dest="correct_command", metavar="|".join(n for n, _ in _SUB.values()), required=True
    )
    for kind, (name, help_key) in _SUB.items():
        p: argparse.ArgumentParser = sub.add_parser(name, help=t(help_key), description=t(help_key))
        add_common(p)
        p.add_argument("number", help=t("cli.help.case_number"))
        if kind in (K.ARRIVAL, K.ACTION, K.ACTION_TIME, K.RELEASE_TIME, K.RATING, K.WITHDRAWAL):
            p.add_argument("--department", required=True, help=t("cli.help.department"))
        if kind is K.CASE:
            p.add_argument(
                "--set", action="append", required=True, metavar="FIELD=VALUE", help=t("cli.help.correct_set")
            )
        if kind in (K.ARRIVAL, K.ACTION_TIME, K.RELEASE_TIME):
            p.add_argument("--at", required=True, help=t("cli.help.correct_at"))
        if kind is K.ACTION:
            p.add_argument("--action", default=None, help=t("field.action"))
            p.add_argument("--result", default=None, help=t("field.result"))
        if kind is K.RATING:
            p.add_argument("--rating", type=int, required=True, help=t("cli.help.correct_rating_value"))
        if kind is K.WITHDRAWAL:
            states = [
                s.value for s in (CheckInStatus.WITHDRAWN, CheckInStatus.NO_SHOW, CheckInStatus.SUMMONED)
            ]
            p.add_argument("--to", choices=states, required=True, help=t("cli.help.correct_status"))
        if kind is K.REINSPECTION:
            results = [r.value for r in ReinspectionResult]
            p.add_argument("--result", choices=results, required=True, help=t("cli.help.correct_result"))
        p.add_argument("--reason", required=True, help=t("cli.help.correct_reason"))
        p.set_defaults(handler=_handler(kind))


def _time(ctx: Context, text: str) -> datetime:
    at = parse_local_time(text, ctx.clock.now(), ctx.settings.tz)
    if at is None:
        raise DomainError("correct.error.bad_time", value=text)
    return at


def _settings(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise DomainError("correct.error.bad_setting", value=pair)
        out[name.strip()] = value
    return out


def _command(kind: K, ctx: Context, args: argparse.Namespace) -> Callable[[Ctx], object]:
    """The correction as one command: find the case (and check-in) and correct, in one write."""
    reason, number = args.reason, args.number
    if kind is K.CASE:
        changes = _settings(args.set)
        return lambda w: c.correct_case(w, c.case_numbered(w, number), changes, reason=reason)
    if kind is K.REINSPECTION:
        result = ReinspectionResult(args.result)

        def reinspection(w: Ctx) -> None:
            item = c.recorded_reinspection(w, c.case_numbered(w, number))
            c.correct_reinspection(w, item, result=result, reason=reason)

        return reinspection
    fixed: dict[str, Any] = {}
    if kind is K.ARRIVAL:
        fn: Callable[..., object] = c.correct_arrival
        fixed["arrived_at"] = _time(ctx, args.at)
    elif kind is K.ACTION_TIME:
        fn = c.correct_action_time
        fixed["acted_at"] = _time(ctx, args.at)
    elif kind is K.RELEASE_TIME:
        fn = c.correct_release_time
        fixed["released_at"] = _time(ctx, args.at)
    elif kind is K.ACTION:
        fn = c.correct_action
        fixed.update(action=args.action, result=args.result)
    elif kind is K.RATING:
        fn = c.correct_rating
        fixed["rating"] = args.rating
    else:
        fn = c.correct_withdrawal
        fixed["status"] = CheckInStatus(args.to)
    department = args.department.strip().upper()

    def checkin(w: Ctx) -> object:
        target = c.checkin_of(w, c.case_numbered(w, number), department)
        return fn(w, target, reason=reason, **fixed)

    return checkin


def _handler(kind: K) -> Callable[[Context, argparse.Namespace], int]:
    def run(ctx: Context, args: argparse.Namespace) -> int:
        command = _command(kind, ctx, args)
        service = open_service(ctx)  # signed in: only a supervisor with the passphrase corrects
        try:
            service.run(command)
        finally:
            service.close()
        print(t("cli.correct.done", number=args.number, what=label(kind)))
        return 0

    return run
