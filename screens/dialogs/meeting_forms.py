"""The facilitator's forms: a new meeting, a time box, a decision, attendance, an export.

Each is a ``FormDialog`` (or a small modal) that returns plain values; the host screen
runs the command, so a refusal comes back to the field it names.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from models.enums import MeetingKind
from models.errors import ValidationError
from models.i18n import joined, label, t
from screens.bindings import CatalogueBindings, bindings_for
from screens.dialogs.form import FieldSpec, FormDialog, Submit

DEFAULT_DECISION_DAYS = 7


def parse_time(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("meetings.form.bad_time", field=field, value=text) from None


class MeetingCreateDialog(FormDialog[Any]):
    """Kind, day and time, facilitator, title, and the departments invited."""

    def __init__(
        self,
        *,
        departments: list[tuple[str, str, bool]],
        facilitator: str,
        now: datetime,
        tz: ZoneInfo,
        submit: Submit | None = None,
    ) -> None:
        local = now.astimezone(tz)
        fields = [
            FieldSpec(
                "kind",
                t("meetings.form.kind"),
                "choice",
                value=MeetingKind.WEEKLY.value,
                choices=tuple((label(k), k.value) for k in MeetingKind),
            ),
            FieldSpec("day", t("meetings.form.day"), "date", value=local.date().isoformat()),
            FieldSpec("at", t("meetings.form.time"), value=_next_slot(local).strftime("%H:%M")),
            FieldSpec("facilitator", t("field.facilitator"), value=facilitator),
            FieldSpec("title", t("meetings.form.title"), required=False),
        ]
        super().__init__(t("meetings.form.create_title"), fields, submit=submit, id="meeting-create")
        self.departments = departments
        self.tz = tz

    def compose_after(self, name: str) -> ComposeResult:
        if name == "at":  # a refusal of the day and time as a whole (one 周例会 a day)
            yield Static("", id="e-scheduled_at", classes="field-error form-error")
        if name == "title":
            yield Static(t("meetings.form.invited"), classes="form-note")
            yield SelectionList[str](
                *(Selection(text, code, on) for code, text, on in self.departments),
                id="f-invited",
            )
            yield Static("", id="e-invited", classes="field-error form-error")

    def extra_error_targets(self) -> tuple[str, ...]:
        return ("invited", "scheduled_at")

    def extra_values(self, values: dict[str, Any]) -> dict[str, Any] | None:
        try:
            at = parse_time(values.pop("at"), "at")
        except ValidationError as err:
            self._show("at", str(err))
            return None
        invited = list(self.query_one("#f-invited", SelectionList).selected)
        if not invited:
            self._show("invited", t("meetings.form.no_invited"))
            return None
        day: date = values.pop("day")
        values["scheduled_at"] = datetime.combine(day, at, self.tz)
        values["invited"] = invited
        values["kind"] = MeetingKind(values["kind"])
        return values


def _next_slot(local: datetime) -> datetime:
    """The next half hour, a sensible default start."""
    slot = local.replace(second=0, microsecond=0) + timedelta(minutes=30 - local.minute % 30)
    return slot


class TimeboxDialog(FormDialog[Any]):
    def __init__(self, subject: str, minutes: int, *, submit: Submit | None = None) -> None:
        fields = [
            FieldSpec("minutes", t("meetings.form.timebox"), "int", value=str(minutes), low=1, high=240)
        ]
        super().__init__(t("meetings.form.timebox_title", subject=subject), fields, submit=submit)


class DecisionDialog(FormDialog[Any]):
    """结论, lead department, deadline, and whether it is a tracked follow-up."""

    def __init__(
        self,
        subject: str,
        *,
        departments: list[tuple[str, str]],
        today: date,
        decision: str = "",
        lead: str | None = None,
        due: date | None = None,
        submit: Submit | None = None,
    ) -> None:
        fields = [
            FieldSpec("decision", t("field.decision"), value=decision),
            FieldSpec(
                "lead_department",
                t("minutes.lead"),
                "choice",
                required=False,
                value=lead or "",
                choices=tuple((name, code) for code, name in departments),
            ),
            FieldSpec(
                "due_on",
                t("minutes.due"),
                "date",
                required=False,
                value=(due or today + timedelta(days=DEFAULT_DECISION_DAYS)).isoformat(),
            ),
            FieldSpec(
                "tracked",
                t("meetings.form.tracked"),
                "choice",
                value="yes",
                choices=((t("meetings.form.tracked_yes"), "yes"), (t("meetings.form.tracked_no"), "no")),
            ),
        ]
        super().__init__(
            t("meetings.form.decision_title", subject=subject),
            fields,
            hint=t("meetings.form.decision_hint"),
            submit=submit,
            id="meeting-decision",
        )

    def extra_values(self, values: dict[str, Any]) -> dict[str, Any] | None:
        values["tracked"] = values["tracked"] == "yes"
        values["lead_department"] = values["lead_department"] or None
        if not values["tracked"]:
            # the deadline is prefilled; a decision nobody tracks has none
            values["due_on"] = None
        return values


Attended = tuple[dict[str, bool], dict[str, list[str]]]
"""What 出席登记 records: department code → present, and → the names of who came."""


def split_names(text: str) -> list[str]:
    """``"张三，李四、王五"`` → the names (commas, 、 and ; part them)."""
    for mark in "，、；;":
        text = text.replace(mark, ",")
    return [name.strip() for name in text.split(",") if name.strip()]


class AttendanceDialog(CatalogueBindings[Attended | None], ModalScreen[Attended | None]):
    """Ticked = present, and who came from each department (names, comma-separated; a
    department with names is present). Every invited department gets a mark when confirmed."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("meeting.attendance")

    def __init__(
        self, rows: list[tuple[str, str, bool | None]], people: dict[str, tuple[str, ...]] | None = None
    ) -> None:
        super().__init__(id="meeting-attendance")
        self.rows = rows
        self.people = people or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog"):
            yield Static(t("meetings.form.attendance_title"), classes="dialog-title")
            yield SelectionList[str](
                *(Selection(name, code, present is True) for code, name, present in self.rows),
                id="attendance-list",
            )
            with VerticalScroll(id="attendance-people"):
                for code, name, _present in self.rows:
                    yield Input(
                        joined(self.people.get(code, ())),
                        placeholder=t("meetings.form.attendance_people", name=name),
                        id=f"people-{code}",
                    )
            yield Static(t("meetings.form.attendance_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_submit(self) -> None:
        ticked = set(self.query_one(SelectionList).selected)
        people = {
            code: names
            for code, _name, _present in self.rows
            if (names := split_names(self.query_one(f"#people-{code}", Input).value))
        }
        present = {code: code in ticked or code in people for code, _name, _present in self.rows}
        self.dismiss((present, people))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(FormDialog[dict[str, Any]]):
    """Where to write the agenda or minutes; the format follows the file's suffix."""

    def __init__(self, path: str, stage: str, *, submit: Submit | None = None) -> None:
        fields = [
            FieldSpec("path", t("meetings.form.path"), value=path),
            FieldSpec(
                "stage",
                t("meetings.form.stage"),
                "choice",
                value=stage,
                choices=(
                    (t("meetings.form.stage_agenda"), "agenda"),
                    (t("meetings.form.stage_minutes"), "minutes"),
                ),
            ),
        ]
        super().__init__(
            t("meetings.form.export_title"),
            fields,
            hint=t("meetings.form.export_hint"),
            submit=submit,
            id="meeting-export",
        )
