"""Prompts for a reason, a text or a date: reject, park, feedback, and any other short form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from models.i18n import t
from screens.dialogs.form import FieldSpec, FormDialog, Submit

PARK_REVIEW_DAYS = 7


def reason_prompt(
    title: str, *, submit: Submit | None = None, hint: str = "", label: str = ""
) -> FormDialog[Any]:
    return FormDialog(title, [FieldSpec("reason", label or t("field.reason"))], submit=submit, hint=hint)


def text_prompt(title: str, fields: list[FieldSpec], *, submit: Submit | None = None) -> FormDialog[Any]:
    return FormDialog(title, fields, submit=submit)


def park_prompt(today: date, *, submit: Submit | None = None, hint: str = "") -> FormDialog[Any]:
    """挂账: a reason and the day to look at the case again (a week from today unless changed);
    ``hint`` names the summons the park withdraws."""
    return FormDialog(
        t("dialog.park"),
        [
            FieldSpec("reason", t("field.reason")),
            FieldSpec(
                "review_on",
                t("field.review_on"),
                kind="date",
                value=(today + timedelta(days=PARK_REVIEW_DAYS)).isoformat(),
                placeholder="YYYY-MM-DD",
            ),
        ],
        submit=submit,
        hint=hint,
    )


def feedback_prompt(*, submit: Submit | None = None) -> FormDialog[Any]:
    """信息反馈: the result (required) and a note."""
    return FormDialog(
        t("dialog.feedback"),
        [
            FieldSpec("result", t("field.result")),
            FieldSpec("note", t("field.note"), required=False),
        ],
        submit=submit,
    )
