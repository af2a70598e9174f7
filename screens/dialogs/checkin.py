"""Prompts for a department's check-in: arrival (来没来), action and result (干没干), rating
(干得好不好), and pausing or extending its clock."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.widgets import Static

from data.settings import Settings
from models.enums import CheckInStatus
from models.errors import ValidationError
from models.i18n import minutes_text, t
from models.times import parse_local_time
from screens.dialogs.form import FieldSpec, FormDialog, Submit


@dataclass(frozen=True)
class CheckinTarget:
    """What a check-in action needs to know, from the case detail or from the board."""

    id: str
    department: str
    case_number: str
    status: CheckInStatus
    deadline: datetime
    clock_id: str
    clock_paused: bool
    clock_stopped: bool
    absent: bool = False
    """Marked 缺席 and not come since: it may still arrive (after absence), or be whistled again."""


def time_fields(name: str, settings: Settings) -> list[FieldSpec]:
    """When it happened (empty: now) and, for a time entered late (补录), why."""
    return [
        FieldSpec(name, t(f"field.{name}"), kind="time", required=False, placeholder=t("dialog.time_hint")),
        FieldSpec(
            "entry_reason",
            t("field.entry_reason"),
            required=False,
            placeholder=t("dialog.entry_reason_hint", minutes=settings.late_entry_minutes),
        ),
    ]


class TimedForm(FormDialog[Any]):
    """A form with a time field, read in the station's time zone (``10:05`` is today)."""

    def __init__(
        self,
        title: str,
        fields: list[FieldSpec],
        now: datetime,
        tz: ZoneInfo,
        *,
        first: str | None = None,
        hint: str = "",
        submit: Submit | None = None,
    ) -> None:
        super().__init__(title, fields, hint=hint, submit=submit)
        self.now, self.tz, self.first = now, tz, first

    def initial_focus(self) -> str | None:
        return f"#f-{self.first}" if self.first else super().initial_focus()

    def _convert(self, spec: FieldSpec, text: str) -> Any:
        if spec.kind != "time" or not text:
            return super()._convert(spec, text)
        try:
            return parse_local_time(text, self.now, self.tz)
        except ValueError:
            raise ValidationError("error.bad_time", field=spec.name, value=text) from None


class ArriveDialog(TimedForm):
    """来没来: who arrived, and when (now unless told). Shows how late the arrival will be
    recorded when past the deadline. The time comes first, the cursor starts at the name, so a
    name and enter record an arrival now."""

    def __init__(
        self, target: CheckinTarget, now: datetime, settings: Settings, *, submit: Submit | None = None
    ) -> None:
        title = t("dialog.arrive", department=target.department, number=target.case_number)
        fields = [*time_fields("arrived_at", settings), FieldSpec("person", t("field.person"))]
        super().__init__(title, fields, now, settings.tz, first="person", submit=submit)
        self.late = max(0, math.ceil((now - target.deadline).total_seconds() / 60))

    def compose_after(self, name: str) -> ComposeResult:
        if name != "person":
            return
        if self.late:
            yield Static(
                t("dialog.arrive_late", late=minutes_text(self.late)),
                id="arrive-late",
                classes="form-note -warning",
            )
        else:
            yield Static(t("dialog.arrive_on_time"), id="arrive-late", classes="form-note")


def act_prompt(
    target: CheckinTarget, now: datetime, settings: Settings, *, submit: Submit | None = None
) -> FormDialog[Any]:
    return TimedForm(
        t("dialog.act", department=target.department, number=target.case_number),
        [
            *time_fields("acted_at", settings),
            FieldSpec("action", t("field.action")),
            FieldSpec("result", t("field.result")),
        ],
        now,
        settings.tz,
        first="action",
        submit=submit,
    )


def release_prompt(
    target: CheckinTarget, now: datetime, settings: Settings, *, submit: Submit | None = None
) -> FormDialog[Any]:
    """撤离: confirmed with the time it happened (now unless told)."""
    return TimedForm(
        t("checkin.release_title"),
        time_fields("released_at", settings),
        now,
        settings.tz,
        hint=t("checkin.release_confirm", department=target.department, number=target.case_number),
        submit=submit,
    )


def rate_prompt(target: CheckinTarget, *, submit: Submit | None = None) -> FormDialog[Any]:
    return FormDialog(
        t("dialog.rate", department=target.department, number=target.case_number),
        [
            FieldSpec("rating", t("field.rating"), kind="int", low=1, high=5, placeholder="1–5"),
            FieldSpec("reason", t("field.reason")),
        ],
        submit=submit,
    )


def pause_prompt(target: CheckinTarget, *, submit: Submit | None = None) -> FormDialog[Any]:
    return FormDialog(
        t("dialog.pause", department=target.department, number=target.case_number),
        [FieldSpec("reason", t("field.reason"))],
        submit=submit,
    )


def extend_prompt(target: CheckinTarget, *, submit: Submit | None = None) -> FormDialog[Any]:
    return FormDialog(
        t("dialog.extend", department=target.department, number=target.case_number),
        [
            FieldSpec("by", t("field.extend_by"), kind="limit", placeholder=t("dialog.limit_hint")),
            FieldSpec("reason", t("field.reason")),
        ],
        submit=submit,
    )
