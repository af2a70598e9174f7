"""district publish: the district's signed bundle of reference data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from data.sync.export import export_bundle
from data.write.commands.district import publish_reference
from models.i18n import t
from tui.cli.common import Context, add_common, open_service


def register(commands: Any) -> None:
    p = commands.add_parser("district", help=t("cli.help.district"), description=t("cli.help.district"))
    add_common(p)
    sub = p.add_subparsers(dest="district_command", metavar="publish", required=True)
    publish = sub.add_parser(
        "publish", help=t("cli.help.district_publish"), description=t("cli.help.district_publish")
    )
    add_common(publish)
    publish.add_argument("--out", type=Path, required=True, help=t("sync.help.out_bundle"))
    publish.set_defaults(handler=publish_cmd)


def publish_cmd(ctx: Context, args: argparse.Namespace) -> int:
    service = open_service(ctx)
    try:
        published = service.run(publish_reference)
        # the whole chain: a station that has none of it yet takes it in one bundle
        exported = export_bundle(service, args.out, since=0)
    finally:
        service.close()
    print(
        t(
            "cli.district.published",
            path=str(exported.path),
            urgent=published.urgent,
            regular=published.regular,
            handling=published.handling,
            departments=published.departments,
            years=", ".join(str(y) for y in published.years) or "—",
            count=exported.count,
        )
    )
    return 0
