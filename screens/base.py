"""The base of every main view and of screens pushed on them.

How a screen plugs in
---------------------
- Subclass :class:`ViewScreen` and put the content in ``compose_body()``; the header and
  footer come from here. Set ``VIEW_ID`` and ``view_title`` for the header.
- Declare the screen's keys as data in ``screens/bindings.py`` (``KeySpec``: id, default keys,
  catalogue key) under a scope of its ``REGISTRY`` and take them with
  ``BINDINGS = bindings_for("<scope>")``; ``[keymap]`` in the settings remaps them by id and
  the README key table is generated from the registry. Override ``check_action`` to hide what is not
  possible now (return ``False`` to hide, ``None`` to show greyed-out), and ``refusal`` to say
  in one line why such a key does nothing when it is pressed (the app shows it as a notice).
- Load data in ``refresh_data()``: it runs when the service is ready, when the screen comes
  back on top, and on every ``DataChanged`` (another desk or this one wrote). Use
  ``self.read(fn, *args, on_done=...)`` with ``fn(connection, *args)`` a plain function from
  ``data/`` for reads, and ``self.run_command(command, *args, on_done=...)`` for writes.
- ``on_tick(Tick)`` receives the one 1 Hz tick (``message.now``); redraw countdowns from
  what is held, never read the database there. Textual calls this class's handler too.
- ``palette_commands()`` returns ``(name, help, callback)`` tuples, names namespaced like
  ``"案件: 吹哨"`` (``t("ns.case")`` …), only the ones that apply now; the palette
  (``:``/ctrl+p) shows them with the app's own.
- Post ``CaseSelected(case_id)`` (or call ``open_case``) to open a case: it bubbles up to
  the app, which pushes the case detail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from textual.app import App, ComposeResult
from textual.binding import ActiveBinding
from textual.screen import Screen

from data.service import Service
from data.settings import Settings
from models.clock import Clock
from models.enums import Role
from models.errors import DomainError
from models.i18n import t
from screens.bindings import FOOTER_FIRST, NAV_SCOPE, CatalogueBindings, bindings_for
from screens.commands import CommandQueue, Job
from screens.messages import CaseSelected, DataChanged, ServiceReady, Tick
from screens.readonly import is_write_action, refuse_write
from screens.signin import SupervisorDialog
from screens.widgets.clock_banner import ClockBanner
from screens.widgets.footer import DeskFooter
from screens.widgets.header import DeskHeader

PaletteCommand = tuple[str, str, Callable[[], Any]]


@runtime_checkable
class Desk(Protocol):
    """What screens need from the application. ``tui.app.WhistleApp`` provides it, and mypy
    checks that it does (``tui/app.py`` assigns the class to a ``type[Desk]``)."""

    settings: Settings
    clock: Clock
    operator: str | None
    role: Role | None
    service: Service | None
    overdue_count: int
    read_only: bool
    """The projector without control: :meth:`ViewScreen.run_command` refuses every write."""

    @property
    def locked(self) -> bool:
        """The sign-in is up: no key of a view works."""
        ...

    @property
    def db_path(self) -> Path | str: ...

    def now(self) -> datetime: ...

    def clock_warning(self) -> str | None: ...

    @property
    def commands(self) -> CommandQueue: ...

    async def poll_once(self) -> None: ...

    def view_title(self, view_id: str) -> str: ...


def desk_of(app: App[Any]) -> Desk:
    """The running app as the desk screens lean on; anything else is a wiring mistake."""
    if not isinstance(app, Desk):
        raise TypeError(f"{type(app).__name__} does not provide the Desk protocol")
    return app


class ViewScreen(CatalogueBindings[None], Screen[None]):
    VIEW_ID: ClassVar[str] = ""
    BINDINGS = bindings_for(NAV_SCOPE)

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._header: tuple[list[DeskHeader], list[ClockBanner]] | None = None
        """The screen's header and clock banner, found once it is mounted (they stay): the tick
        looked for them in the screen every second."""

    @cached_property
    def desk(self) -> Desk:
        """The app as the desk, checked once (the protocol's check walks its members)."""
        return desk_of(self.app)

    @property
    def service(self) -> Service | None:
        return self.desk.service

    @property
    def view_id(self) -> str:
        return self.VIEW_ID

    @property
    def view_title(self) -> str:
        return self.desk.view_title(self.view_id) if self.view_id else ""

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why the key for ``action`` (refused by ``check_action``) does nothing now, in one
        line; None lets the key pass on to the next binding (escape goes back …)."""
        return None

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Help and the palette first (a narrow footer cuts what comes last); on the read-only
        projector the footer leaves out the keys that write (pressed, they still say why
        nothing happens); under the sign-in it shows none (none of them works there)."""
        if self.desk.locked:
            return {}
        found = super().active_bindings
        first = {key: active for key, active in found.items() if active.binding.id in FOOTER_FIRST}
        found = first | {key: active for key, active in found.items() if key not in first}
        if not self.desk.read_only:
            return found
        return {key: active for key, active in found.items() if not is_write_action(active.binding.action)}

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield ClockBanner(id="clock-banner")
        yield from self.compose_body()
        yield DeskFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    # -- data ----------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Re-read what is on screen. Override; called when data may have changed."""

    def on_mount(self) -> None:
        self.update_header()
        if self.service is not None:
            self.refresh_data()

    def on_screen_resume(self) -> None:
        if self.service is not None and self.is_mounted:
            self.refresh_data()

    def on_service_ready(self, _message: ServiceReady) -> None:
        self.update_header()
        self.refresh_data()

    def on_data_changed(self, _message: DataChanged) -> None:
        self.refresh_data()

    def on_tick(self, message: Tick) -> None:
        self.update_header(message.now)

    def update_header(self, now: datetime | None = None) -> None:
        """Tell the header what to show: this screen's title and the desk's state."""
        desk = self.desk
        settings = desk.settings
        service = desk.service
        now = now or desk.now()
        found = self._header
        if found is None:
            found = (list(self.query(DeskHeader)), list(self.query(ClockBanner)))
            if self.is_mounted and found[0]:
                self._header = found
        headers, banners = found
        for header in headers:
            header.view_title = self.view_title
            header.station = settings.station_name
            header.operator = desk.operator
            header.role = desk.role
            header.clock = now.astimezone(settings.tz)
            header.overdue = desk.overdue_count
            header.fallback_years = tuple(sorted(service.rules.fallback_years)) if service else ()
            header.overridden_years = tuple(sorted(service.rules.overrides)) if service else ()
        for banner in banners:
            banner.show(desk.clock_warning())

    def read(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None],
        group: str | None = None,
    ) -> None:
        """Run ``fn(connection, *args)`` on the read engine in a worker; ``on_done(result)``."""
        service = self.service
        if service is None:
            return

        async def job() -> None:
            result = await service.db.run_read(fn, *args)
            on_done(result)

        name = group or f"read-{getattr(fn, '__name__', 'query')}"
        self.run_worker(job, name=name, group=name, exclusive=True, exit_on_error=False)  # type: ignore[arg-type]

    def run_command(
        self,
        command: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[DomainError], None] | None = None,
        proof: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Run a write command in its own transaction, through the app's one command queue
        (in order, one at a time; closing this screen never cancels it: screens/commands.py).

        A refusal (DomainError) changes nothing; it goes to ``on_error`` (a dialog puts it at
        its field) or else becomes an error notification. ``proof``: the supervisor's
        passphrase for a supervisor-only command (use ``run_supervised``). On the read-only
        projector nothing runs: one line says so.
        """
        if self.desk.read_only:
            refuse_write(self.app)
            return
        service = self.service
        if service is None:
            self.notify(t("app.not_ready"), severity="warning")
            return

        async def run() -> Any:
            if proof is None:
                return await service.run(command, *args, **kwargs)
            return await service.run_supervised(proof, command, *args, **kwargs)

        what = getattr(command, "__name__", "command")
        self.desk.commands.submit(Job(what, run, done=on_done, refused=on_error, owner=self))

    def run_supervised(
        self,
        action: str,
        command: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """A supervisor-only command (its data side calls ``require_supervisor``): asks the
        signed-in supervisor's passphrase in a small dialog, then runs the command with it;
        a refusal (wrong passphrase, not a supervisor) stays in the dialog."""

        def run(proof: str, done: Callable[[Any], None], refused: Callable[[DomainError], None]) -> None:
            self.run_command(command, *args, on_done=done, on_error=refused, proof=proof, **kwargs)

        def finished(result: Any) -> None:
            if result is not None and on_done is not None:
                on_done(result)

        dialog = SupervisorDialog(action, self.desk.operator or "", run)
        self.app.push_screen(dialog, finished)

    # -- navigation ----------------------------------------------------------------------------

    def open_case(self, case_id: str) -> None:
        """Ask for the case's detail: the message bubbles up and the app pushes the screen."""
        self.post_message(CaseSelected(case_id))

    def action_cursor_down(self) -> None:
        self._forward("action_cursor_down")

    def action_cursor_up(self) -> None:
        self._forward("action_cursor_up")

    def _forward(self, action: str) -> None:
        target = getattr(self.focused, action, None)
        if callable(target):
            target()

    def palette_commands(self) -> list[PaletteCommand]:
        return []
