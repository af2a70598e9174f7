"""The check-in actions, shared by the case detail and the check-in board: each screen says
which check-in is selected, this mixin asks for what is needed and runs the write."""

from __future__ import annotations

from typing import Any

from data.write.commands import corrections
from data.write.commands.checkins import act, arrive, extend_clock, pause, rate, release, resume
from models.corrections import CorrectionKind as K
from models.enums import CheckInStatus as C
from models.enums import Role
from models.errors import DomainError
from models.i18n import label, minutes_text, t
from screens.base import ViewScreen
from screens.bindings import action_description
from screens.dialogs.checkin import (
    ArriveDialog,
    CheckinTarget,
    act_prompt,
    extend_prompt,
    pause_prompt,
    rate_prompt,
    release_prompt,
)
from screens.dialogs.correct import checkin_kinds, command_values, correction_prompt, what_prompt
from screens.dialogs.form import Submit
from screens.signin import SupervisorDialog

CHECKIN_ACTIONS = {"arrive", "act", "rate", "release", "pause_clock", "extend_clock"}
# 冲正: shown wherever the station may write, so a refusal is explained rather than hidden.
CORRECTIONS: dict[K, Any] = {
    K.CASE: corrections.correct_case,
    K.ARRIVAL: corrections.correct_arrival,
    K.ACTION: corrections.correct_action,
    K.ACTION_TIME: corrections.correct_action_time,
    K.RELEASE_TIME: corrections.correct_release_time,
    K.RATING: corrections.correct_rating,
    K.WITHDRAWAL: corrections.correct_withdrawal,
}
_ENGAGED = (C.SUMMONED, C.ARRIVED, C.ACTED)
# The check-in states each check-in key needs (pause and extend need a running clock). 撤离
# is allowed before the disposal too, so the operator hears the command's own refusal.
_NEEDS_STATUS: dict[str, tuple[C, ...]] = {
    "arrive": (C.SUMMONED,),
    "act": (C.ARRIVED,),
    "rate": (C.ACTED, C.RELEASED),
    "release": _ENGAGED,
}


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
        if action == "arrive" and target.absent:  # 缺席后到: recorded, the mark kept
            return True
        if action in _NEEDS_STATUS:
            return target.status in _NEEDS_STATUS[action]
        return not target.clock_stopped

    def no_checkin_reason(self, action: str) -> str:
        """Why a check-in key does nothing when no check-in is selected."""
        return t("refuse.no_checkin", action=action_description(action))

    def checkin_refusal(self, action: str) -> str | None:
        """One line on why a check-in key does nothing now."""
        if self.service is None:
            return None
        target = self.selected_checkin()
        if target is None:
            return self.no_checkin_reason(action)
        if not self.can_write():
            return t("refuse.read_only", number=target.case_number)
        what = action_description(action)
        if action in _NEEDS_STATUS:
            needed = t("refuse.or").join(label(c) for c in _NEEDS_STATUS[action])
            return t(
                "refuse.checkin_state",
                department=target.department,
                status=label(target.status),
                action=what,
                needed=needed,
            )
        return t("refuse.clock_stopped", department=target.department, action=what)

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action in CHECKIN_ACTIONS:
            return self.checkin_refusal(action)
        return super().refusal(action, parameters)

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
                t("checkin.arrived_late", department=target.department, late=minutes_text(late)),
                severity="warning",
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

    # -- 冲正 -------------------------------------------------------------------------------

    def correction_case(self) -> tuple[str, str] | None:
        """(case id, number) when the screen offers the case's own fields; override."""
        return None

    def action_correct(self) -> None:
        if not self.can_write():
            return
        target = self.selected_checkin()
        case = self.correction_case()
        choices: list[tuple[str, str]] = []
        if case is not None:
            choices.append((label(K.CASE), K.CASE.value))
        if target is not None:
            choices += [
                (t("correct.what_department", department=target.department, what=label(k)), k.value)
                for k in checkin_kinds(target.status)
            ]
        if not choices:
            key = "correct.error.nothing_here" if target else "correct.error.no_selection"
            self.notify(t(key, status=label(target.status)) if target else t(key), severity="warning")
            return
        number = case[1] if case else target.case_number if target else ""

        def chosen(values: dict[str, Any] | None) -> None:
            if values:
                kind = K(values["what"])
                shown = dict((v, k) for k, v in choices)[kind.value]
                self._correct(kind, number, shown)

        self.app.push_screen(what_prompt(number, choices), chosen)

    def _correct(self, kind: K, number: str, shown: str) -> None:
        target = self.selected_checkin()
        case = self.correction_case()
        target_id = case[0] if kind is K.CASE and case else target.id if target else None
        service = self.service
        if target_id is None or service is None:
            return

        def submit(values: dict[str, Any], done: Any, fail: Any) -> None:
            try:
                kwargs = command_values(kind, values, self.desk.now(), service.settings.tz)
            except DomainError as err:
                fail(err)
                return
            command = CORRECTIONS[kind]
            if kind is K.CASE:
                args: tuple[Any, ...] = (target_id, {kwargs.pop("field"): kwargs.pop("value")})
            else:
                args = (target_id,)
            if self.desk.role is not Role.SUPERVISOR:
                # refused by the data side, at the form: only a supervisor may correct
                self.run_command(command, *args, **kwargs, on_done=lambda _r: done(True), on_error=fail)
                return

            def run(proof: str, ran: Any, refused: Any) -> None:
                self.run_command(
                    command, *args, **kwargs, proof=proof, on_done=lambda _r: ran(True), on_error=refused
                )

            def confirmed(ok: bool | None) -> None:
                if ok:
                    done(True)
                else:  # the passphrase was not given: the form stays open and says so
                    fail(DomainError("auth.needs_passphrase", operator=self.desk.operator or ""))

            dialog = SupervisorDialog(f"{t('key.correct')} {shown}", self.desk.operator or "", run)
            self.app.push_screen(dialog, confirmed)

        def written(ok: bool | None) -> None:
            if ok:
                self.notify(t("correct.done", number=number, what=shown))

        status = target.status if target else None
        self.app.push_screen(correction_prompt(kind, number, shown, status, submit=submit), written)
