"""导出同步包 from the console: ask where, then write the bundle in a thread with a progress bar.

The export itself is ``data.sync.export.export_file`` — the same code as ``whistle export`` —
run in a thread worker; its progress callback posts to the UI thread, never touches widgets.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from data.sync.export import ExportResult, export_file, more_bundles
from models.errors import DomainError
from models.i18n import t
from screens.base import Desk
from screens.dialogs.form import FieldSpec, FormDialog


def default_bundle_path(station: str, now: datetime, tz: Any) -> Path:
    return Path.home() / f"whistle-{station}-{now.astimezone(tz):%Y%m%d-%H%M}.zip"


class BundlePathDialog(FormDialog[dict[str, Any]]):
    CSS_PATH = "dialogs/dialogs.tcss"

    def __init__(self, path: str) -> None:
        super().__init__(
            t("sync.ui.title"),
            [FieldSpec("path", t("sync.ui.path"), value=path)],
            hint=t("sync.ui.hint"),
        )


class BundleExportScreen(ModalScreen[None]):
    """Shows the export's progress, then what was written (or why not)."""

    CSS_PATH = "dialogs/dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", t("sync.ui.close"))]

    def __init__(self, desk: Desk, path: Path) -> None:
        super().__init__()
        self.desk = desk
        self.path = path
        self.running = True

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("sync.ui.title"), classes="dialog-title")
            yield Static(str(self.path), id="bundle-path")
            yield ProgressBar(id="bundle-progress", show_eta=False)
            yield Static(t("sync.cli.exporting"), id="bundle-status")
            yield Static(t("sync.ui.close_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._export()

    @work(thread=True, exclusive=True, exit_on_error=False, group="bundle-export")
    def _export(self) -> None:
        desk = self.desk
        try:
            result = export_file(
                desk.db_path,
                desk.settings,
                desk.clock,
                desk.operator or "",
                self.path,
                progress=lambda done, total: self.app.call_from_thread(self._progress, done, total),
            )
        except (DomainError, OSError) as err:
            self.app.call_from_thread(self._finished, None, str(err))
            return
        self.app.call_from_thread(self._finished, result, "")

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def _finished(self, result: ExportResult | None, error: str) -> None:
        self.running = False
        status = self.query_one("#bundle-status", Static)
        if result is None:
            status.update(t("sync.ui.failed", detail=error))
            status.add_class("field-error")
            return
        self.query_one(ProgressBar).update(total=max(result.count, 1), progress=max(result.count, 1))
        done = t(
            "sync.cli.exported",
            path=result.path,
            station=result.station,
            first=result.first_seq,
            last=result.last_seq,
            count=result.count,
        )
        more = more_bundles(result, self.desk.settings.sync)
        status.update(f"{done}\n{more}" if more else done)

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(None)


def start_bundle_export(host: Any) -> None:
    """Palette entry: ask for the file, then export into it."""
    desk: Desk = host
    service = desk.service
    if service is None:
        return
    path = default_bundle_path(service.station_id, desk.now(), desk.settings.tz)

    def chosen(values: dict[str, Any] | None) -> None:
        if values:
            host.push_screen(BundleExportScreen(desk, Path(values["path"]).expanduser()))

    host.push_screen(BundlePathDialog(str(path)), chosen)
