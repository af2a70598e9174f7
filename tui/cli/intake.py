"""``whistle intake FILE.csv [--skip-bad]``: a batch of hotline work orders."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from data.write.intake_csv import IntakeRefused, import_rows, read_file
from models.i18n import joined, t
from tui.cli.common import Context, add_common, open_service


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "intake", help=t("cli.help.intake"), description=t("cli.help.intake")
    )
    add_common(parser)
    parser.add_argument("file", type=Path, help=t("cli.help.intake_file"))
    parser.add_argument("--skip-bad", action="store_true", help=t("cli.help.skip_bad"))
    parser.set_defaults(handler=intake)


def intake(ctx: Context, args: argparse.Namespace) -> int:
    parsed = read_file(args.file)
    if not parsed.total:
        print(t("csv.nothing"), file=sys.stderr)
        return 1
    service = open_service(ctx)
    try:
        result = service.run(import_rows, parsed, skip_bad=args.skip_bad)
    except IntakeRefused as refused:
        for error in refused.errors:
            print(str(error), file=sys.stderr)
        print(str(refused), file=sys.stderr)
        return 1
    finally:
        service.close()
    for error in result.errors:
        print(str(error), file=sys.stderr)
    if result.errors:
        print(t("csv.done_skipped", count=len(result.case_ids), bad=len(result.errors)))
    elif result.numbers:
        print(t("csv.done", count=len(result.numbers), first=result.numbers[0], last=result.numbers[-1]))
    if service.rules.fallback_years:
        years = joined(sorted(service.rules.fallback_years))
        print(t("calendar.fallback", years=years), file=sys.stderr)
    return 0 if result.case_ids or not result.errors else 1
