"""Who is at the desk, and the supervisor's passphrase.

The sign-in the console opens on, and the same screen when the desk is
locked (after the idle time in the settings, or on the lock key). Names are only chosen from
the station's operators, never typed: signing in never creates anyone. While it is up the app
keeps its clock, its poller and its alarms; nothing else can be done until someone signs in,
and whoever does becomes the one who writes.

``SupervisorDialog`` asks the passphrase at the moment of a supervisor-only action (random
draw, and any later one: corrections, roles …): the console side of the one guard whose data
side is ``data.write.commands.operators.require_supervisor``. The passphrase goes with that
one command (``Service.run_supervised``) and is not kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from data.service import Service
from models.enums import Role
from models.errors import DomainError
from models.i18n import label, t


class SignInScreen(ModalScreen[str | None]):
    """Dismissed with the name signed in; with None only when quitting from the first sign-in
    (a locked desk cannot be dismissed but by signing in)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(
        self,
        service: Service,
        names: list[str],
        *,
        chosen: str | None = None,
        locked_by: str | None = None,
        demo: list[tuple[str, Role, str]] | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.names = names
        self.chosen = chosen if chosen in names else None
        self.locked_by = locked_by
        self.demo = demo or []
        self.busy = False

    @property
    def locked(self) -> bool:
        return self.locked_by is not None

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-dialog", classes="dialog"):
            title = t("signin.locked_title", name=self.locked_by) if self.locked else t("signin.title")
            yield Static(title, classes="dialog-title", id="signin-title")
            if self.names:
                yield OptionList(*[Option(name, id=name) for name in self.names], id="signin-list")
            else:
                yield Static(t("signin.none"), classes="field-error")
            yield Input(placeholder=t("signin.secret"), password=True, id="signin-secret", compact=True)
            yield Static("", id="signin-error", classes="field-error")
            if self.demo:
                yield self._demo_line()
            yield Static(
                t("signin.locked_hint") if self.locked else t("signin.hint"),
                classes="dialog-hint",
                id="signin-hint",
            )

    def _demo_line(self) -> Static:
        shown = [(t("app.operator_role", name=n, role=label(r)), pin) for n, r, pin in self.demo]
        staff = "  ".join(f"{who} {pin}" for who, pin in shown)
        return Static(t("signin.demo", staff=staff), id="signin-demo")

    def show_demo(self, demo: list[tuple[str, Role, str]]) -> None:
        """The demo's operators and PINs, once the desk has checked them (after the sign-in
        is up: the check is slow on purpose); shown above the hint, as when given at once."""
        if self.demo or not demo:
            return
        self.demo = demo
        self.query_one("#signin-dialog", Vertical).mount(self._demo_line(), before="#signin-hint")

    def on_mount(self) -> None:
        if not self.names:
            return
        listing = self.query_one("#signin-list", OptionList)
        listing.highlighted = self.names.index(self.chosen) if self.chosen else 0
        if self.chosen:
            self.query_one("#signin-secret", Input).focus()
        else:
            listing.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#signin-secret", Input).focus()

    @property
    def name_chosen(self) -> str | None:
        if not self.names:
            return None
        index = self.query_one("#signin-list", OptionList).highlighted
        return self.names[index] if index is not None else None

    @on(Input.Submitted, "#signin-secret")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = self.name_chosen
        if name is None:
            self._error(t("signin.pick"))
            return
        if not self.busy:
            self.busy = True
            self._sign_in(name, event.value)

    @work(group="signin", exit_on_error=False)
    async def _sign_in(self, name: str, secret: str) -> None:
        try:
            await self.service.sign_in(name, secret, unlock=self.locked)
        except DomainError as err:
            self.busy = False
            self.query_one("#signin-secret", Input).clear()
            self._error(str(err))
            return
        self.dismiss(name)

    def _error(self, message: str) -> None:
        self.query_one("#signin-error", Static).update(message)

    def action_cancel(self) -> None:
        if not self.locked:
            self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        """A PIN typed while the names have the focus goes to the PIN field, for the name
        highlighted (the keys were lost: an operator types the PIN after choosing a name)."""
        listing = self.query("#signin-list")
        if not listing or self.focused is not listing.first() or not event.is_printable:
            return
        if event.character is None or event.character.isspace():
            return
        event.stop()
        event.prevent_default()
        secret = self.query_one("#signin-secret", Input)
        secret.select_on_focus = False  # (selected, the first key would be typed over)
        secret.focus()
        secret.insert_text_at_cursor(event.character)


Run = Callable[[str, Callable[[Any], None], Callable[[DomainError], None]], None]
"""``run(passphrase, done, refused)``: runs the command with the passphrase."""


class SupervisorDialog(ModalScreen[Any]):
    """Dismissed with the command's result once it ran; with None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, action: str, name: str, run: Run) -> None:
        super().__init__()
        self.action_name = action
        self.supervisor = name
        self.run = run
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="supervisor-dialog", classes="dialog"):
            yield Static(t("supervise.title"), classes="dialog-title")
            yield Static(t("supervise.prompt", action=self.action_name, name=self.supervisor))
            yield Input(placeholder=t("signin.secret"), password=True, id="supervisor-secret", compact=True)
            yield Static("", id="supervisor-error", classes="field-error")
            yield Static(t("supervise.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#supervisor-secret", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy or not event.value:
            return
        self.busy = True
        self.run(event.value, self._done, self._refused)

    def _done(self, result: Any) -> None:
        self.dismiss(result)

    def _refused(self, err: DomainError) -> None:
        self.busy = False
        self.query_one("#supervisor-secret", Input).clear()
        self.query_one("#supervisor-error", Static).update(str(err))

    def action_cancel(self) -> None:
        self.dismiss(None)
