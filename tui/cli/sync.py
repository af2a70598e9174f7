"""key, trust, export, import, sync held|drop, head sign, export-csv, export-open311."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from data.exports.csv import TableFormat, export_csv, output_path
from data.exports.open311 import export_open311, services_path_for
from data.read.exchange import held_bundles, trusted_stations
from data.service import SyncService, station_public_key
from data.sync.bundle import BundleRefused
from data.sync.export import db_path_of, export_bundle, more_bundles, sign_station_head
from data.sync.importer import Outcome, import_bundle
from data.write.commands.sync import drop_held, trust_station
from models.errors import DomainError
from models.i18n import joined, t
from tui.cli.common import Context, add_common, open_service

# Below this many events an export is over before a bar could be read.
PROGRESS_FROM = 2000


def register(commands: Any) -> None:
    def command(name: str, help_key: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=t(help_key), description=t(help_key))
        add_common(parser)
        return parser

    command("key", "sync.help.key").set_defaults(handler=key)

    p = command("trust", "sync.help.trust")
    trust = p.add_subparsers(dest="trust_command", metavar="add|list", required=True)
    add = trust.add_parser("add", help=t("sync.help.trust_add"), description=t("sync.help.trust_add"))
    add_common(add)
    add.add_argument("station", help=t("sync.help.station"))
    add.add_argument("public_key", help=t("sync.help.public_key"))
    add.add_argument("--district", action="store_true", help=t("sync.help.district"))
    add.set_defaults(handler=trust_add)
    listing = trust.add_parser("list", help=t("sync.help.trust_list"), description=t("sync.help.trust_list"))
    add_common(listing)
    listing.set_defaults(handler=trust_list)

    p = command("export", "sync.help.export")
    p.add_argument("--out", type=Path, required=True, help=t("sync.help.out_bundle"))
    p.add_argument("--since", type=int, default=None, help=t("sync.help.since"))
    p.add_argument("--include-personal", action="store_true", help=t("sync.help.include_personal"))
    p.set_defaults(handler=export)

    p = command("import", "sync.help.import")
    p.add_argument("file", type=Path, help=t("sync.help.bundle_file"))
    p.set_defaults(handler=import_)

    p = command("sync", "sync.help.sync")
    held = p.add_subparsers(dest="sync_command", metavar="held|drop", required=True)
    listing = held.add_parser("held", help=t("sync.help.held"), description=t("sync.help.held"))
    add_common(listing)
    listing.set_defaults(handler=held_list)
    drop = held.add_parser("drop", help=t("sync.help.drop"), description=t("sync.help.drop"))
    add_common(drop)
    drop.add_argument("digest", help=t("sync.help.digest"))
    drop.set_defaults(handler=held_drop)

    p = command("head", "sync.help.head")
    heads = p.add_subparsers(dest="head_command", metavar="sign", required=True)
    sign = heads.add_parser("sign", help=t("sync.help.head_sign"), description=t("sync.help.head_sign"))
    add_common(sign)
    sign.set_defaults(handler=head_sign)

    p = command("export-csv", "sync.help.export_csv")
    p.add_argument("--out", type=Path, required=True, help=t("sync.help.out_dir"))
    p.add_argument(
        "--format",
        choices=[f.value for f in TableFormat],
        default=TableFormat.CSV.value,
        help=t("sync.help.format_table"),
    )
    p.add_argument("--include-personal", action="store_true", help=t("sync.help.include_personal"))
    p.set_defaults(handler=export_csv_cmd)

    p = command("export-open311", "sync.help.export_open311")
    p.add_argument("--out", type=Path, default=None, help=t("sync.help.out_json"))
    p.add_argument("--services", type=Path, default=None, help=t("sync.help.services"))
    p.add_argument("--include-personal", action="store_true", help=t("sync.help.include_personal"))
    p.set_defaults(handler=export_open311_cmd)


def _open(ctx: Context) -> SyncService:
    return open_service(ctx)


def key(ctx: Context, args: argparse.Namespace) -> int:
    service = _open(ctx)
    try:
        public = station_public_key(db_path_of(service))
        print(f"{service.station_id} {public}")
    finally:
        service.close()
    return 0


def trust_add(ctx: Context, args: argparse.Namespace) -> int:
    service = _open(ctx)
    try:
        changed = service.run(trust_station, args.station, args.public_key, district=args.district)
    finally:
        service.close()
    print(t("sync.cli.trusted" if changed else "sync.cli.already_trusted", station=args.station.strip()))
    return 0


def trust_list(ctx: Context, args: argparse.Namespace) -> int:
    service = _open(ctx)
    try:
        with service.engine.connect() as conn:
            rows = trusted_stations(conn)
    finally:
        service.close()
    if not rows:
        print(t("sync.cli.trust_none"))
    for row in rows:
        print(
            t(
                "sync.cli.trust_row",
                station=row.station_id,
                key=row.public_key,
                added=row.added_at.astimezone(ctx.settings.tz).strftime("%Y-%m-%d %H:%M"),
                by=row.added_by,
                held=row.held,
            )
        )
    return 0


def held_list(ctx: Context, args: argparse.Namespace) -> int:
    service = _open(ctx)
    try:
        with service.engine.connect() as conn:
            rows = held_bundles(conn)
    finally:
        service.close()
    if not rows:
        print(t("sync.cli.held_none"))
    for row in rows:
        print(
            t(
                "sync.cli.held_row",
                digest=row.digest[:16],
                station=row.station_id,
                first=row.first_seq,
                last=row.last_seq,
                reason=t(f"sync.cli.held_reason_{row.reason}"),
                size=row.size,
                received=row.received_at.astimezone(ctx.settings.tz).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return 0


def held_drop(ctx: Context, args: argparse.Namespace) -> int:
    service = _open(ctx)
    try:
        dropped = service.run(drop_held, args.digest)
    finally:
        service.close()
    print(
        t(
            "sync.cli.dropped",
            station=dropped["station"],
            first=dropped["first_seq"],
            last=dropped["last_seq"],
        )
    )
    return 0


def head_sign(ctx: Context, args: argparse.Namespace) -> int:
    service = _open(ctx)
    try:
        seq, hash_ = sign_station_head(service)
    finally:
        service.close()
    print(t("sync.cli.head_signed", station=service.station_id, seq=seq, hash=hash_[:16]))
    return 0


def export(ctx: Context, args: argparse.Namespace) -> int:
    service = _open(ctx)
    console = Console(stderr=True)
    progress = Progress(
        TextColumn(t("sync.cli.exporting")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("export", total=None)

    def report(done: int, total: int) -> None:
        if total >= PROGRESS_FROM and not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=total)

    try:
        result = export_bundle(
            service, args.out, since=args.since, include_personal=args.include_personal, progress=report
        )
    finally:
        progress.stop()
        service.close()
    print(
        t(
            "sync.cli.exported",
            path=result.path,
            station=result.station,
            first=result.first_seq,
            last=result.last_seq,
            count=result.count,
        )
    )
    if result.more:
        print(more_bundles(result, service.rules.settings.sync))
    if result.include_personal:
        print(t("sync.cli.personal_included"), file=sys.stderr)
    return 0


def _ranges(ranges: list[tuple[int, int]]) -> str:
    return joined(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def import_(ctx: Context, args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise DomainError("sync.error.no_file", path=str(args.file))
    service = _open(ctx)
    try:
        result = import_bundle(service, args.file)
    except BundleRefused as exc:
        print(t("sync.cli.refused", file=args.file.name, detail=str(exc)), file=sys.stderr)
        return 2
    finally:
        service.close()
    where = {"station": result.station, "first": result.first_seq, "last": result.last_seq}
    if result.outcome is Outcome.APPLIED:
        print(t("sync.cli.imported", applied=result.applied, skipped=result.skipped, **where))
    elif result.outcome is Outcome.NOTHING_NEW:
        print(t("sync.cli.nothing_new", **where))
    for station, first, last in result.released:
        print(t("sync.cli.released", station=station, first=first, last=last))
    for detail in result.refused_held:
        print(t("sync.cli.refused_held", detail=detail), file=sys.stderr)
    if result.missing:
        print(t("sync.cli.missing", station=result.station, seqs=_ranges(result.missing)), file=sys.stderr)
    if result.outcome is Outcome.HELD:
        print(t(f"sync.cli.held_{result.hold_reason}", **where), file=sys.stderr)
        return 3
    return 0


def export_csv_cmd(ctx: Context, args: argparse.Namespace) -> int:
    fmt = TableFormat(args.format)
    service = _open(ctx)
    try:
        counts = export_csv(service, args.out, include_personal=args.include_personal, fmt=fmt)
    finally:
        service.close()
    done = "sync.cli.xlsx_done" if fmt is TableFormat.XLSX else "sync.cli.csv_done"
    print(t(done, path=output_path(args.out, fmt), **counts))
    return 0


def export_open311_cmd(ctx: Context, args: argparse.Namespace) -> int:
    services_out = args.services
    if services_out is None and args.out is not None:
        services_out = services_path_for(args.out)
    service = _open(ctx)
    try:
        text, count = export_open311(
            service, args.out, include_personal=args.include_personal, services_out=services_out
        )
    finally:
        service.close()
    if args.out is None:
        sys.stdout.write(text)
    else:
        print(t("sync.cli.open311_done", path=args.out, count=count))
    if services_out is not None:
        # with the requests on standard output, the note goes where it does not mix with them
        where = sys.stderr if args.out is None else sys.stdout
        print(t("sync.cli.services_done", path=services_out), file=where)
    return 0
