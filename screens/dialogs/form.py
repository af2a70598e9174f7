"""The one form dialog the desk's prompts are built from: labelled compact fields, an error
line under each field, and a submit that either returns the values or hands them to a write.

With ``submit`` given, the dialog stays open while the write runs (the host screen runs it
through ``ViewScreen.run_command``) and a refusal comes back to the field it names
(``ValidationError.field``); nothing is written until the values are valid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Literal, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from models.deadlines import parse_limit
from models.errors import DomainError, ValidationError
from models.i18n import t
from models.personal import is_valid_phone, mask_phone, normalise_phone
from screens.bindings import CatalogueBindings, bindings_for
from screens.fmt import limit_text

ResultT = TypeVar("ResultT")
Kind = Literal["text", "date", "int", "choice", "phone", "limit", "time"]
Submit = Callable[[dict[str, Any], Callable[[Any], None], Callable[[DomainError], None]], None]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    """The command's keyword (and ``ValidationError.field``) this input feeds."""
    label: str
    kind: Kind = "text"
    required: bool = True
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    """(shown text, value) for ``choice`` fields."""
    placeholder: str = ""
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    low: int | None = None
    high: int | None = None
    read_back: bool = False
    """A long text (a complaint): shown whole, wrapped, under its one-line input as it is typed."""


READ_BACK_FROM = 20
"""Characters after which a long text is shown whole under its input (it no longer fits)."""


class PhoneInput(Input):
    """Shows the number masked (138****5678) whenever the cursor is elsewhere."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.number = ""

    def on_focus(self) -> None:
        if self.number:
            self.value = self.number

    def on_blur(self) -> None:
        self.number = self.value.strip()
        if self.number and is_valid_phone(self.number):
            self.value = mask_phone(self.number)

    @property
    def real_value(self) -> str:
        return self.value.strip() if self.has_focus or not self.number else self.number


class FormDialog(CatalogueBindings[ResultT], ModalScreen[ResultT]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("dialog")

    def __init__(
        self,
        title: str,
        fields: list[FieldSpec],
        *,
        hint: str = "",
        submit: Submit | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.fields = fields
        self.hint = hint
        self._submit = submit
        self.busy = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield from self.compose_top()
            for spec in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(spec.label, classes="form-label")
                    yield self._widget(spec)
                yield Static("", id=f"e-{spec.name}", classes="field-error form-error")
                if spec.kind == "limit" or spec.read_back:  # how the typed text is read, while typing
                    yield Static("", id=f"p-{spec.name}", classes="form-preview")
                yield from self.compose_after(spec.name)
            yield Static("", id="e-form", classes="field-error form-error")
            yield Static(self.hint or t("form.hint"), classes="dialog-hint")

    def compose_top(self) -> ComposeResult:
        yield from ()

    def compose_after(self, name: str) -> ComposeResult:
        """Extra lines under a field (a preview, a proposal); override."""
        yield from ()

    def _widget(self, spec: FieldSpec) -> Widget:
        wid = f"f-{spec.name}"
        if spec.kind == "choice":
            initial: Any = spec.value or Select.NULL
            select: Select[str] = Select(
                list(spec.choices),
                prompt=spec.placeholder or t("form.choose"),
                allow_blank=not spec.value,
                value=initial,
                id=wid,
                compact=True,
            )
            return select
        cls = PhoneInput if spec.kind == "phone" else Input
        suggester = SuggestFromList(spec.suggestions, case_sensitive=False) if spec.suggestions else None
        return cls(
            spec.value,
            placeholder=spec.placeholder,
            id=wid,
            compact=True,
            suggester=suggester,
            type="integer" if spec.kind == "int" else "text",
        )

    def on_mount(self) -> None:
        target = self.initial_focus()
        if target:
            self.query_one(target).focus()

    def initial_focus(self) -> str | None:
        """The selector of the widget the cursor starts in; the first field unless overridden."""
        return f"#f-{self.fields[0].name}" if self.fields else None

    # -- values ---------------------------------------------------------------------------

    def raw(self, name: str) -> str:
        widget = self.query_one(f"#f-{name}")
        if isinstance(widget, PhoneInput):
            return widget.real_value
        if isinstance(widget, Input):
            return widget.value.strip()
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        return ""

    def _convert(self, spec: FieldSpec, text: str) -> Any:
        if not text:
            if spec.required:
                raise ValidationError("error.required", field=spec.name, name=spec.label)
            return None if spec.kind in ("date", "int", "limit", "time") else ""
        if spec.kind == "date":
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValidationError("form.bad_date", field=spec.name, value=text) from None
        if spec.kind == "int":
            try:
                number = int(text)
            except ValueError:
                raise ValidationError("form.bad_number", field=spec.name, value=text) from None
            if (spec.low is not None and number < spec.low) or (spec.high is not None and number > spec.high):
                raise ValidationError("form.out_of_range", field=spec.name, low=spec.low, high=spec.high)
            return number
        if spec.kind == "limit":
            try:
                return parse_limit(text)
            except ValueError:
                raise ValidationError("form.bad_limit", field=spec.name, value=text) from None
        if spec.kind == "phone":
            if not is_valid_phone(text):
                raise ValidationError("error.bad_phone", field=spec.name, value=text)
            return normalise_phone(text)
        return text

    def collect(self) -> dict[str, Any] | None:
        """Every field converted, or None with each problem shown at its field."""
        self.clear_errors()
        values: dict[str, Any] = {}
        first_bad: str | None = None
        for spec in self.fields:
            try:
                values[spec.name] = self._convert(spec, self.raw(spec.name))
            except ValidationError as err:
                self._show(spec.name, str(err))
                first_bad = first_bad or spec.name
        if first_bad:
            self.query_one(f"#f-{first_bad}").focus()
            return None
        return self.extra_values(values)

    def extra_values(self, values: dict[str, Any]) -> dict[str, Any] | None:
        """Add values from widgets other than the fields; override."""
        return values

    # -- errors ---------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for error in self.query(".form-error"):
            if isinstance(error, Static):
                error.update("")
                error.remove_class("-shown")

    def _show(self, name: str | None, message: str) -> None:
        known = {s.name for s in self.fields} | set(self.extra_error_targets())
        target = self.query_one(f"#e-{name}" if name in known else "#e-form", Static)
        target.update(message)
        target.add_class("-shown")
        target.scroll_visible()

    def extra_error_targets(self) -> tuple[str, ...]:
        return ()

    def show_error(self, err: DomainError) -> None:
        """A refusal from the write: shown at its field, the form stays open."""
        self.busy = False
        field_name = getattr(err, "field", None)
        self._show(field_name, str(err))
        if field_name and self.query(f"#f-{field_name}"):
            self.query_one(f"#f-{field_name}").focus()

    # -- actions --------------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        """A field being corrected loses its error line; a limit shows how it is read."""
        name = (event.input.id or "").removeprefix("f-")
        for error in self.query(f"#e-{name}.-shown"):
            if isinstance(error, Static):
                error.update("")
                error.remove_class("-shown")
        previews = self.query(f"#p-{name}")
        if not previews:
            return
        spec = next((f for f in self.fields if f.name == name), None)
        if spec is not None and spec.read_back:
            whole = Text(event.value) if len(event.value) > READ_BACK_FROM else Text()  # never markup
            previews.first(Static).update(whole)
            return
        try:
            shown = t("form.limit_read_as", limit=limit_text(parse_limit(event.value))) if event.value else ""
        except ValueError:
            shown = t("form.limit_unreadable") if event.value.strip() else ""
        previews.first(Static).update(shown)

    @on(Input.Submitted)
    def _next_or_submit(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [w for w in self.query("Input, Select, SelectionList, RadioSet") if w.focusable]
        if inputs and event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        if self.busy:
            return
        values = self.collect()
        if values is None:
            return
        if self._submit is None:
            self.dismiss(values)  # type: ignore[arg-type]
            return
        self.busy = True
        self._submit(values, self._written, self.show_error)

    def _written(self, result: Any) -> None:
        self.busy = False
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
