"""Export the period on view 5 as a report (scorecards, rates, 周报, 月报) in the format the
supervisor chooses, from the console.

The whole export — reading, laying out, writing — runs in a thread worker on its own read-only
connection, so the desk's loop never waits for it; a progress bar under the table counts the
reads and the write. The file is written whole or not at all (``write_report`` goes through the
atomic write); what happened is one line: the path, or why not (a full disk among them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import ProgressBar

from data.exports.report import ReportFormat
from data.exports.report_build import STEPS, ReportKind, build, write_report
from data.service import is_disk_full, open_sync
from models.errors import DomainError
from models.i18n import language, os_reason, t
from models.periods import Period
from screens.base import ViewScreen
from screens.dialogs.form import FieldSpec, FormDialog

EXPORT_GROUP = "report-export"


class ReportExportDialog(FormDialog[dict[str, Any]]):
    """Which report, which format, and where (left empty: the home folder, named by report and
    period)."""

    CSS_PATH = "dialogs/dialogs.tcss"  # resolved beside this module

    def __init__(self, period: Period) -> None:
        fields = [
            FieldSpec(
                "kind",
                t("report_export.kind"),
                "choice",
                value=ReportKind.MONTHLY.value,
                choices=tuple((t(f"report_kind.{k.value}"), k.value) for k in ReportKind),
            ),
            FieldSpec(
                "format",
                t("report_export.format"),
                "choice",
                value=ReportFormat.XLSX.value,
                choices=tuple((f.value, f.value) for f in ReportFormat),
            ),
            FieldSpec("path", t("report_export.path"), required=False, placeholder=str(Path.home())),
        ]
        super().__init__(
            t("report_export.title", period=period.key),
            fields,
            hint=t("report_export.hint"),
            id="report-export",
        )


def target_path(typed: str, kind: ReportKind, fmt: ReportFormat, period: Period) -> Path:
    """The file to write: what was typed (its format's suffix added when it has none), or a
    file named by the report and the period in the home folder; a folder gets that name."""
    name = f"{t('report_export.file', kind=t(f'report_kind.{kind.value}'), period=period.key)}.{fmt.value}"
    name = name.replace(" ", "-")
    if not typed.strip():
        return Path.home() / name
    path = Path(typed.strip()).expanduser()
    if path.is_dir():
        return path / name
    return path if path.suffix else path.with_suffix(f".{fmt.value}")


class ReportExportFlow:
    """Mixed into view 5: ``e`` asks what to export, then writes it in the background."""

    exporting = False

    def action_export(self) -> None:
        screen: Any = self
        period: Period = screen.period_shown()
        if self.exporting:
            screen.notify(t("report_export.busy"), severity="warning")
            return

        def chosen(values: dict[str, Any] | None) -> None:
            if values:
                kind, fmt = ReportKind(values["kind"]), ReportFormat(values["format"])
                self.start_export(kind, fmt, target_path(values.get("path") or "", kind, fmt, period), period)

        screen.app.push_screen(ReportExportDialog(period), chosen)

    def start_export(self, kind: ReportKind, fmt: ReportFormat, path: Path, period: Period) -> None:
        screen: Any = self
        assert isinstance(screen, ViewScreen)
        service = screen.service
        if service is None:
            return
        settings, now = service.settings, screen.desk.now()
        database, english = service.db.path, language() == "en"
        bar = screen.query_one("#reports-export-bar", ProgressBar)
        total = STEPS[kind] + 1  # the reads, then the write
        bar.update(total=total, progress=0)
        bar.display = True
        self.exporting = True
        app = screen.app

        def advance(done: int, _total: int) -> None:
            app.call_from_thread(bar.update, progress=done)

        def finish(line: str, error: bool) -> None:
            self.exporting = False
            bar.display = False
            screen.notify(line, severity="error" if error else "information", timeout=10 if error else 6)

        def job() -> None:
            try:
                engine = open_sync(database, writer=False)
                try:
                    with engine.connect() as conn:
                        built = build(
                            conn, kind, period, now, settings.tz, settings.weights,
                            settings.station_name, english=english, progress=advance,
                        )  # fmt: skip
                finally:
                    engine.dispose()
                written = write_report(path, built, fmt)
            except DomainError as err:
                app.call_from_thread(finish, str(err), True)
                return
            except Exception as exc:  # anything else still ends in one line, never a traceback
                detail = (
                    t("error.disk_full", path=str(path))
                    if is_disk_full(exc)
                    else os_reason(exc)
                    if isinstance(exc, OSError)
                    else str(exc) or type(exc).__name__
                )
                app.call_from_thread(finish, t("report_export.failed", detail=detail), True)
                return
            app.call_from_thread(bar.update, progress=total)
            app.call_from_thread(finish, t("report_export.done", path=written), False)

        screen.run_worker(job, name=EXPORT_GROUP, group=EXPORT_GROUP, thread=True, exit_on_error=False)
