"""The check-in actions, shared by the case detail and the check-in board: each screen says
which check-in is selected, this mixin asks for what is needed and runs the write."""

from __future__ import annotations

from typing import Any

from data.write.commands.checkins import act, arrive, extend_clock, pause, rate, release, resume
from models.enums import CheckInStatus as C
from models.i18n import t
from screens.base import ViewScreen
from screens.bindings import KeySpec
from screens.dialogs.checkin import (
    ArriveDialog,
    CheckinTarget,
    act_prompt,
    extend_prompt,
    pause_prompt,
    rate_prompt,
    release_prompt,
)
from screens.dialogs.form import Submit

CHECKIN_KEYS = [
    KeySpec("checkin.arrive", "a", "arrive", "key.checkin_arrive"),
    KeySpec("checkin.act", "e", "act", "key.checkin_act"),
    KeySpec("checkin.rate", "s", "rate", "key.checkin_rate"),
    KeySpec("checkin.release", "l", "release", "key.checkin_release"),
    KeySpec("checkin.pause", "v", "pause_clock", "key.checkin_pause"),
    KeySpec("checkin.extend", "y", "extend_clock", "key.checkin_extend"),
]
CHECKIN_ACTIONS = {"arrive", "act", "rate", "release", "pause_clock", "extend_clock"}
_ENGAGED = (C.SUMMONED, C.ARRIVED, C.ACTED)


class CheckinActions(ViewScreen):
    """Mix into a ViewScreen that implements ``selected_checkin`` and ``can_write``."""

    def selected_checkin(self) -> CheckinTarget | None:
        raise NotImplementedError

    def can_write(self) -> bool:
        return self.service is not None

    def checkin_action_allowed(self, action: str) -> bool:
        target = self.selected_checkin()
        if target is None or not self.can_write():
            return False
        if action == "arrive":
            return target.status is C.SUMMONED
        if action == "act":
            return target.status is C.ARRIVED
        if action == "rate":
            return target.status in (C.ACTED, C.RELEASED)
        if action == "release":
            # shown before the disposal too, so the operator hears why it is refused
            return target.status in _ENGAGED
        return not target.clock_stopped

    def _submit(self, command: Any, target_id: str, **fixed: Any) -> Submit:
        def submit(values: dict[str, Any], done: Any, fail: Any) -> None:
            self.run_command(command, target_id, **fixed, **values, on_done=done, on_error=fail)

        return submit

    def action_arrive(self) -> None:
        target = self.selected_checkin()
        if target is None:
            return
        dialog = ArriveDialog(
            target, self.desk.now(), self.desk.settings, submit=self._submit(arrive, target.id)
        )
        self.app.push_screen(dialog, lambda late: self._arrived(target, late))

    def _arrived(self, target: CheckinTarget, late: int | None) -> None:
        if late is None:
            return
        if late:
            self.notify(
                t("checkin.arrived_late", department=target.department, late=late), severity="warning"
            )
        else:
            self.notify(t("checkin.arrived_on_time", department=target.department))

    def action_act(self) -> None:
        target = self.selected_checkin()
        if target is not None:
            submit = self._submit(act, target.id)
            dialog = act_prompt(target, self.desk.now(), self.desk.settings, submit=submit)
            self.app.push_screen(dialog)

    def action_rate(self) -> None:
        target = self.selected_checkin()
        if target is not None:
            self.app.push_screen(rate_prompt(target, submit=self._submit(rate, target.id)))

    def action_release(self) -> None:
        target = self.selected_checkin()
        if target is None:
            return
        if target.status is not C.ACTED:
            # the command refuses with 事不完、人不撤; asking to confirm first would hide that
            self.run_command(release, target.id)
            return
        submit = self._submit(release, target.id)
        self.app.push_screen(release_prompt(target, self.desk.now(), self.desk.settings, submit=submit))

    def action_pause_clock(self) -> None:
        target = self.selected_checkin()
        if target is None:
            return
        if target.clock_paused:
            self.run_command(resume, target.clock_id)
            return
        self.app.push_screen(pause_prompt(target, submit=self._submit(pause, target.clock_id)))

    def action_extend_clock(self) -> None:
        target = self.selected_checkin()
        if target is not None:
            self.app.push_screen(extend_prompt(target, submit=self._submit(extend_clock, target.clock_id)))
