"""吹哨 (key ``w``): grade, purpose, departments pre-selected from the category, and a preview
of each department's check-in deadline. Departments already engaged on the case are shown but
cannot be summoned again; re-whistling adds the others without touching their clocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, RadioButton, RadioSet, SelectionList, Static
from textual.widgets.selection_list import Selection

from data.read.cases import DepartmentRef
from data.write.commands.common import Rules
from models.deadlines import add_limit
from models.enums import Grade, Purpose
from models.errors import ValidationError
from models.i18n import label, t
from screens.dialogs.form import FieldSpec, FormDialog, Submit
from screens.fmt import limit_text, local, pad

PREVIEW_NAME_LEAST, PREVIEW_NAME_MOST = 14, 34
"""The cells of a department's name in the deadline preview (a longer one is cut with …)."""


class WhistleDialog(FormDialog[str | None]):
    """Returns the whistle id (or, without ``submit``, the chosen values); None when cancelled."""

    def __init__(
        self,
        *,
        case_number: str,
        departments: tuple[DepartmentRef, ...],
        proposed: tuple[str, ...],
        engaged: frozenset[str],
        rules: Rules,
        now: Callable[[], datetime],
        grade: Grade = Grade.URGENT,
        submit: Submit | None = None,
        title: str | None = None,
    ) -> None:
        fields = [
            FieldSpec(
                "purpose",
                t("field.purpose"),
                kind="choice",
                required=False,
                choices=tuple((label(p), p.value) for p in Purpose),
                placeholder=t("dialog.whistle_no_purpose"),
            ),
            FieldSpec("note", t("field.note"), required=False),
        ]
        title = title or t("dialog.whistle", number=case_number)
        super().__init__(title, fields, submit=submit, id="whistle-dialog")
        self.departments = departments
        self.proposed = tuple(c for c in proposed if c not in engaged)
        self.engaged = engaged
        self.rules = rules
        self.now = now
        self.grade = grade

    def compose_top(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(t("field.grade"), classes="form-label")
            with RadioSet(id="whistle-grade", compact=True):
                for grade in Grade:
                    yield RadioButton(label(grade), value=grade is self.grade, name=grade.value)
        with Horizontal(classes="form-row"):
            yield Label(t("field.departments"), classes="form-label")
            yield SelectionList[str](
                *[
                    Selection(
                        d.name + (t("dialog.whistle_engaged") if d.code in self.engaged else ""),
                        d.code,
                        d.code in self.proposed,
                        disabled=d.code in self.engaged,
                    )
                    for d in self.departments
                ],
                id="whistle-departments",
                compact=True,
            )
        yield Static("", id="e-departments", classes="field-error form-error")
        yield Static("", id="whistle-preview", classes="form-note")

    def on_mount(self) -> None:
        self._preview()

    def initial_focus(self) -> str | None:
        return "#whistle-departments"  # what an operator edits here, more than the label

    def extra_error_targets(self) -> tuple[str, ...]:
        return ("departments",)

    @on(RadioSet.Changed, "#whistle-grade")
    def _grade_changed(self, event: RadioSet.Changed) -> None:
        self.grade = Grade(event.pressed.name or Grade.URGENT.value)
        self._preview()

    @on(SelectionList.SelectedChanged, "#whistle-departments")
    def _departments_changed(self) -> None:
        self._preview()

    def chosen(self) -> list[str]:
        selected = set(self.query_one("#whistle-departments", SelectionList).selected)
        return [d.code for d in self.departments if d.code in selected]

    def _preview(self) -> None:
        settings = self.rules.settings
        limit = settings.urgent_limit if self.grade is Grade.URGENT else settings.regular_limit
        now = self.now()
        deadline = add_limit(now, limit, self.rules.calendar, settings.tz, self.rules.hours_at(now)).at
        names = {d.code: d.name for d in self.departments}
        chosen = self.chosen()
        # as wide as the longest name chosen (whole in English too), within bounds
        widest = max((cell_len(names[code]) for code in chosen), default=0) + 1
        width = min(max(widest, PREVIEW_NAME_LEAST), PREVIEW_NAME_MOST)
        lines = [
            t(
                "dialog.whistle_preview",
                department=pad(names[code], width),
                deadline=local(deadline, settings.tz),
                limit=limit_text(limit),
            )
            for code in chosen
        ]
        self.query_one("#whistle-preview", Static).update("\n".join(lines) or t("dialog.whistle_none"))

    def extra_values(self, values: dict[str, Any]) -> dict[str, Any] | None:
        codes = self.chosen()
        if not codes:
            self._show("departments", str(ValidationError("error.no_departments", field="departments")))
            return None
        purpose = values.pop("purpose")
        return {
            **values,
            "grade": self.grade,
            "departments": codes,
            "purpose": Purpose(purpose) if purpose else None,
        }
