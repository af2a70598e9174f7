"""Export the agenda or the minutes of the meeting on screen to a path the facilitator types.

What is written is rendered from the very ``MeetingView`` the screen holds, so the file
says what the screen said. The file is written in a worker thread; an existing file is only
replaced after a confirmation.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from data.exports.minutes import Stage, format_for, render, stage_of, write
from data.read.meetings import MeetingView
from models.errors import DomainError
from models.i18n import label, t
from screens.base import ViewScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.meeting_forms import ExportDialog


def default_path(view: MeetingView, tz: Any, stage: Stage) -> Path:
    day = view.meeting.scheduled_at.astimezone(tz).strftime("%Y%m%d")
    name = t(f"meetings.file.{stage.value}", day=day, kind=label(view.meeting.kind))
    return Path.home() / f"{name}.md"


class ExportFlow:
    """Mixed into the screens that show a meeting (``self.view``, ``self.item``): export,
    and open the case of the item under the cursor."""

    def action_export(self) -> None:
        screen: Any = self
        if screen.view is not None:
            self.start_export(screen.view)

    def action_open_item_case(self) -> None:
        screen: Any = self
        item = screen.item
        if item is not None and item.case_id is not None:
            screen.open_case(item.case_id)

    def start_export(self, view: MeetingView) -> None:
        screen: Any = self
        assert isinstance(screen, ViewScreen)
        tz = screen.desk.settings.tz
        stage = stage_of(view)

        def chosen(values: dict[str, Any] | None) -> None:
            if not values:
                return
            path = Path(values["path"]).expanduser()
            text = render(view, format_for(path), tz, Stage(values["stage"]))
            if path.exists():
                screen.app.push_screen(
                    ConfirmDialog(t("meetings.export_replace_title"), str(path)),
                    lambda yes: self._write(path, text) if yes else None,
                )
            else:
                self._write(path, text)

        screen.app.push_screen(ExportDialog(str(default_path(view, tz, stage)), stage.value), chosen)

    def _write(self, path: Path, text: str) -> None:
        screen: Any = self

        async def job() -> None:
            try:
                written = await asyncio.to_thread(write, path, text)
            except DomainError as err:
                screen.notify(str(err), severity="error", timeout=8)
                return
            screen.notify(t("meetings.exported", path=written))

        screen.run_worker(job(), name="export-minutes", group="export", exclusive=True, exit_on_error=False)
