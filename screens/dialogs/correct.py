"""冲正 prompts: first what to correct, then the new value and the reason. The command checks
who is correcting and the honest-record rules; a refusal comes back to its field."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.corrections import CorrectionKind as K
from models.corrections import parse_local_time
from models.enums import CheckInStatus as C
from models.errors import ValidationError
from models.i18n import label, t
from screens.dialogs.form import FieldSpec, FormDialog, Submit

CASE_FIELDS = ("community", "address", "description", "subcategory")
"""Case fields offered in the console as free text (the others by the command line)."""
TIME_FIELD = {K.ARRIVAL: "arrived_at", K.ACTION_TIME: "acted_at", K.RELEASE_TIME: "released_at"}


def checkin_kinds(status: C) -> tuple[K, ...]:
    """What a check-in in ``status`` has recorded that may be corrected."""
    if status is C.ARRIVED:
        return (K.ARRIVAL,)
    if status is C.ACTED:
        return (K.ARRIVAL, K.ACTION, K.ACTION_TIME, K.RATING)
    if status is C.RELEASED:
        return (K.ARRIVAL, K.ACTION, K.ACTION_TIME, K.RELEASE_TIME, K.RATING)
    if status in (C.WITHDRAWN, C.NO_SHOW):
        return (K.WITHDRAWAL,)
    return ()


def what_prompt(number: str, choices: list[tuple[str, str]]) -> FormDialog[Any]:
    """Which value to correct: (shown text, choice key) pairs."""
    return FormDialog(
        t("dialog.correct_what", number=number),
        [FieldSpec("what", t("correct.field.what"), kind="choice", choices=tuple(choices))],
        id="correct-what",
    )


def _reason() -> FieldSpec:
    return FieldSpec("reason", t("field.reason"))


def correction_prompt(
    kind: K, number: str, what: str, status: C | None = None, *, submit: Submit | None = None
) -> FormDialog[Any]:
    fields: list[FieldSpec]
    if kind in TIME_FIELD:
        fields = [FieldSpec(TIME_FIELD[kind], t("correct.field.at"), placeholder=t("correct.time_hint"))]
    elif kind is K.ACTION:
        fields = [
            FieldSpec("action", t("field.action"), required=False),
            FieldSpec("result", t("field.result"), required=False),
        ]
    elif kind is K.RATING:
        fields = [FieldSpec("rating", t("field.rating"), kind="int", low=1, high=5, placeholder="1–5")]
    elif kind is K.WITHDRAWAL:
        targets = (C.NO_SHOW, C.SUMMONED) if status is C.WITHDRAWN else (C.WITHDRAWN,)
        fields = [
            FieldSpec(
                "status",
                t("correct.field.status"),
                kind="choice",
                choices=tuple((label(s), s.value) for s in targets),
                value=targets[0].value,
            )
        ]
    else:
        fields = [
            FieldSpec(
                "field",
                t("correct.field.field"),
                kind="choice",
                choices=tuple((t(f"field.{f}"), f) for f in CASE_FIELDS),
            ),
            FieldSpec("value", t("correct.field.value")),
        ]
    return FormDialog(
        t("dialog.correct", number=number, what=what),
        [*fields, _reason()],
        hint=t("dialog.correct_hint"),
        submit=submit,
        id="correct-form",
    )


def command_values(kind: K, values: dict[str, Any], now: datetime, tz: ZoneInfo) -> dict[str, Any]:
    """The dialog's values as the correction command's keywords; a time that cannot be read
    is refused at its field."""
    out = dict(values)
    if kind in TIME_FIELD:
        name = TIME_FIELD[kind]
        at = parse_local_time(out[name], now, tz)
        if at is None:
            raise ValidationError("correct.error.bad_time", field=name, value=out[name])
        out[name] = at
    if kind is K.ACTION:
        out = {k: (v or None) if k != "reason" else v for k, v in out.items()}
    if kind is K.WITHDRAWAL:
        out["status"] = C(out["status"])
    return out
