"""回头看 forms: recording a result, and a supervisor's random draw."""

from __future__ import annotations

from typing import Any

from models.enums import ReinspectionResult
from models.errors import ValidationError
from models.i18n import label, t
from screens.dialogs.form import FieldSpec, FormDialog, Submit


class ResultDialog(FormDialog[Any]):
    """合格 / 反弹 / 无法核查, who inspected, and notes."""

    def __init__(self, subject: str, inspector: str, *, submit: Submit | None = None) -> None:
        fields = [
            FieldSpec(
                "result",
                t("reinspect.form.result"),
                "choice",
                value=ReinspectionResult.PASS.value,
                choices=tuple((label(r), r.value) for r in ReinspectionResult),
            ),
            FieldSpec("inspector", t("field.inspector"), value=inspector),
            FieldSpec("notes", t("reinspect.form.notes"), required=False),
        ]
        super().__init__(
            t("reinspect.form.result_title", subject=subject),
            fields,
            hint=t("reinspect.form.result_hint"),
            submit=submit,
            id="reinspection-result",
        )

    def extra_values(self, values: dict[str, Any]) -> dict[str, Any] | None:
        values["result"] = ReinspectionResult(values["result"])
        return values


class DrawDialog(FormDialog[Any]):
    """不定期: the seed is shown (and can be typed) so the draw can be made again."""

    def __init__(self, seed: int, rate: float, *, submit: Submit | None = None) -> None:
        fields = [
            FieldSpec("seed", t("reinspect.form.seed"), "int", value=str(seed), low=0, high=2**31 - 1),
            FieldSpec("rate", t("reinspect.form.rate"), value=f"{rate:g}"),
        ]
        super().__init__(
            t("reinspect.form.draw_title"),
            fields,
            hint=t("reinspect.form.draw_hint"),
            submit=submit,
            id="reinspection-draw",
        )

    def extra_values(self, values: dict[str, Any]) -> dict[str, Any] | None:
        try:
            rate = float(values["rate"])
        except ValueError:
            rate = -1.0
        if not 0 < rate <= 1:
            self._show("rate", str(ValidationError("error.bad_rate", field="rate", value=values["rate"])))
            return None
        values["rate"] = rate
        return values
