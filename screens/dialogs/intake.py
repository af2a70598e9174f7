"""接收案件 (key ``n`` on the queue): the intake form. Choosing a category proposes its
departments and shows its handling limit; a refusal lands at its field."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select, Static

from data.read import cases as repo
from data.settings import Settings
from models.enums import Priority
from models.i18n import label, t
from screens.dialogs.form import FieldSpec, FormDialog, Submit
from screens.fmt import limit_text


class IntakeDialog(FormDialog[str | None]):
    """Returns the new case id, or None when cancelled."""

    def __init__(
        self,
        settings: Settings,
        department_names: dict[str, str],
        communities: tuple[str, ...] = (),
        *,
        submit: Submit | None = None,
    ) -> None:
        self.categories = {c.code: c for c in repo.categories(settings)}
        self.department_names = department_names
        fields = [
            FieldSpec(
                "source",
                t("field.source"),
                kind="choice",
                choices=tuple((s.name, s.code) for s in repo.sources()),
            ),
            FieldSpec(
                "category",
                t("field.category"),
                kind="choice",
                choices=tuple((c.name, c.code) for c in self.categories.values()),
            ),
            FieldSpec("community", t("field.community"), suggestions=communities),
            FieldSpec("address", t("field.address")),
            FieldSpec("description", t("field.description"), read_back=True),
            FieldSpec("reporter_name", t("field.reporter_name"), required=False),
            FieldSpec("reporter_phone", t("field.reporter_phone"), kind="phone", required=False),
            FieldSpec(
                "priority",
                t("field.priority"),
                kind="choice",
                value=Priority.NORMAL.value,
                choices=tuple((label(p), p.value) for p in Priority),
            ),
        ]
        super().__init__(t("dialog.intake"), fields, submit=submit, id="intake-dialog")

    def compose_after(self, name: str) -> ComposeResult:
        if name == "category":
            yield Static(t("dialog.intake_pick_category"), id="intake-proposal", classes="form-note")

    @on(Select.Changed, "#f-category")
    def _category_chosen(self, event: Select.Changed) -> None:
        note = self.query_one("#intake-proposal", Static)
        spec = self.categories.get(str(event.value)) if event.value is not Select.NULL else None
        if spec is None:
            note.update(t("dialog.intake_pick_category"))
            return
        names = t("timeline.list_sep").join(self.department_names.get(c, c) for c in spec.departments)
        note.update(t("dialog.intake_proposal", limit=limit_text(spec.limit), departments=names))


def read_intake_lookups(conn: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    """What the form offers: the known communities and the department names."""
    return repo.communities(conn), repo.department_name_map(conn)


__all__ = ["IntakeDialog", "read_intake_lookups"]
