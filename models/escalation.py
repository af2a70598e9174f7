"""The escalation ladder (升级阶梯) of a summons that is not reported in.

At its deadline a summons turns red, rings once and raises a notice (what every desk does for an
overdue check-in). Past it, the ladder of its whistle's grade takes further steps, each counted
from the deadline (the deadline passed, when it was extended afterwards) by the limit the
settings give it, in wall minutes or in working time by the clock's own working hours:

- ``alarm`` (二次报警): a second alarm on every desk and a notice to the supervisor;
- ``absent`` (缺席): the summons is marked absent; the case offers a re-whistle and is proposed
  for the next weekly meeting.

Each step reached is an event (``checkin.escalated``) whose id is made from the check-in and the
step, so two desks (or a desk and a bundle) that reach the same step record it once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from models.calendar import WorkCalendar
from models.deadlines import Limit, Unit, add_limit, parse_limit
from models.i18n import label, t
from models.working_hours import WorkingHours

ESCALATED = "checkin.escalated"
"""The event type of a step reached."""

_NAMESPACE = uuid.UUID("6f1c3b0e-2d7a-5c1e-9a4b-5e7d8c9f0a12")


class Step(StrEnum):
    ALARM = "alarm"  # 二次报警
    ABSENT = "absent"  # 缺席


STEP_ORDER: tuple[Step, ...] = (Step.ALARM, Step.ABSENT)


@dataclass(frozen=True)
class Ladder:
    """The steps after the deadline of one whistle grade; a step set to None is not taken."""

    alarm: Limit | None
    absent: Limit | None

    def steps(self) -> list[tuple[Step, Limit]]:
        found = [(Step.ALARM, self.alarm), (Step.ABSENT, self.absent)]
        return [(step, limit) for step, limit in found if limit is not None]

    def problem(self) -> str | None:
        """Why this ladder cannot be used (the alarm must come before the absence when both
        count in the same unit), else None."""
        alarm, absent = self.alarm, self.absent
        if alarm is None or absent is None or alarm.unit is not absent.unit:
            return None
        if alarm.amount >= absent.amount:
            return t("error.ladder_order", alarm=str(alarm), absent=str(absent))
        return None


def default_ladders() -> dict[str, Ladder]:
    """Urgent: +15 minutes and +60 minutes; regular: +2 working hours and +1 working day."""
    return {
        "urgent": Ladder(Limit.minutes(15), Limit.minutes(60)),
        "regular": Ladder(Limit.working_hours(2), Limit.working_days(1)),
    }


def step_event_id(checkin_id: str, step: Step) -> str:
    """The one id the event of ``step`` of a check-in has, whoever writes it."""
    return str(uuid.uuid5(_NAMESPACE, f"{checkin_id}/{step.value}"))


@dataclass(frozen=True)
class DueStep:
    step: Step
    after: Limit
    due_at: datetime


def step_times(
    ladder: Ladder,
    base: datetime,
    cal: WorkCalendar,
    tz: ZoneInfo,
    hours: WorkingHours,
) -> list[DueStep]:
    """When each step of ``ladder`` falls, counted from ``base`` (the deadline passed), in
    ladder order; a later step never falls before an earlier one."""
    out: list[DueStep] = []
    for step, limit in ladder.steps():
        at = add_limit(base, limit, cal, tz, hours).at
        if out and at < out[-1].due_at:
            at = out[-1].due_at
        out.append(DueStep(step, limit, at))
    return out


def due_steps(
    ladder: Ladder,
    base: datetime,
    now: datetime,
    reached: frozenset[Step],
    cal: WorkCalendar,
    tz: ZoneInfo,
    hours: WorkingHours,
) -> tuple[list[DueStep], datetime | None]:
    """The steps due by ``now`` and not ``reached`` yet, in order, and when the next one falls
    (None when no step is left)."""
    due, upcoming = [], None
    for s in step_times(ladder, base, cal, tz, hours):
        if s.step in reached:
            continue
        if s.due_at <= now:
            due.append(s)
        elif upcoming is None:
            upcoming = s.due_at
    return due, upcoming


def after_text(text: str) -> str:
    """How long past the deadline a step falls, as people read it (15 分钟, 2 工作小时); the
    event keeps the settings' form (15m, 2wh)."""
    try:
        limit = parse_limit(text)
    except ValueError:
        return text
    if limit.unit is Unit.MINUTES and limit.amount % 60 == 0 and limit.amount >= 60:
        return t("fmt.hours", n=limit.amount // 60)
    return f"{limit.amount} {label(limit.unit)}"
