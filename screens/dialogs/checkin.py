"""Prompts for a department's check-in: arrival (来没来), action and result (干没干), rating
(干得好不好), and pausing or extending its clock."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from models.enums import CheckInStatus
from models.i18n import t
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


class ArriveDialog(FormDialog[Any]):
    """来没来: who arrived. Shows how late the arrival will be recorded when past the deadline."""

    def __init__(self, target: CheckinTarget, now: datetime, *, submit: Submit | None = None) -> None:
        title = t("dialog.arrive", department=target.department, number=target.case_number)
        super().__init__(title, [FieldSpec("person", t("field.person"))], submit=submit)
        self.late = max(0, math.ceil((now - target.deadline).total_seconds() / 60))

    def compose_after(self, name: str) -> ComposeResult:
        if self.late:
            yield Static(
                t("dialog.arrive_late", late=self.late), id="arrive-late", classes="form-note -warning"
            )
        else:
            yield Static(t("dialog.arrive_on_time"), id="arrive-late", classes="form-note")


def act_prompt(target: CheckinTarget, *, submit: Submit | None = None) -> FormDialog[Any]:
    return FormDialog(
        t("dialog.act", department=target.department, number=target.case_number),
        [FieldSpec("action", t("field.action")), FieldSpec("result", t("field.result"))],
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
