"""Text of the case detail: the field block, the stages, a check-in's line and the timeline.
Widths are counted in terminal cells so Chinese labels line up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text

from data.read.cases import CaseDetail, CheckInView
from models.deadlines import ClockState
from models.enums import CheckInStatus as C
from models.i18n import label, minutes_text, operator_shown, t
from models.personal import mask_phone
from screens.fmt import clock_text, local, pad

LABEL_CELLS = 10


def _row(key: str, value: str) -> str:
    return f"{pad(t(key), LABEL_CELLS)}{value}"


def detail_fields(d: CaseDetail, tz: ZoneInfo, link_key: str = "g") -> list[str]:
    """The field block; ``link_key`` is the key that opens a linked case (keymap applied)."""
    reporter = d.reporter_name or "—"
    phone = mask_phone(d.reporter_phone) or "—"
    lines = [
        _row("case.f.number", f"{pad(d.number, 18)}{pad(t('case.f.status'), LABEL_CELLS)}{label(d.status)}"),
        _row(
            "case.f.source",
            f"{pad(d.source_name, 18)}{pad(t('case.f.priority'), LABEL_CELLS)}{label(d.priority)}",
        ),
        _row("case.f.category", d.category_name + (f" / {d.subcategory}" if d.subcategory else "")),
        _row("case.f.place", f"{d.community} {d.address}"),
        _row("case.f.description", d.description),
        _row("case.f.reporter", f"{pad(reporter, 18)}{pad(t('case.f.phone'), LABEL_CELLS)}{phone}"),
        _row(
            "case.f.received",
            t("case.received_by", at=local(d.received_at, tz), operator=operator_shown(d.received_by)),
        ),
    ]
    if d.status is d.status.PARKED:
        lines.append(
            _row("case.f.parked", t("case.parked", reason=d.park_reason or "", day=d.park_review_on or "—"))
        )
    if d.reject_reason:
        lines.append(_row("case.f.rejected", d.reject_reason))
    if d.consult_flag:
        lines.append(_row("case.f.consult", t("case.flagged")))
    if d.result_note:
        lines.append(
            _row(
                "case.f.result",
                t("case.result_with_feedback", result=d.result_note, feedback=d.feedback_note)
                if d.feedback_note
                else d.result_note,
            )
        )
    hint = t("case.link_hint", key=link_key)
    if d.reopened_from:
        lines.append(_row("case.f.reopened", (d.reopened_from_number or d.reopened_from) + hint))
        hint = ""
    if d.relapsed_into:
        numbers = t("timeline.list_sep").join(number for _, number in d.relapsed_into)
        lines.append(_row("case.f.relapsed_into", numbers + hint))
    return lines


def stages_line(d: CaseDetail, tz: ZoneInfo) -> str:
    stages = " · ".join(f"{label(s)} {local(at, tz, '%m-%d %H:%M')}" for s, at in d.stages)
    return _row("case.f.stages", stages or "—")


def checkin_status(c: CheckInView) -> str:
    return t("mark.absent") if c.absent else label(c.status)


@dataclass(frozen=True)
class CheckinColumns:
    """Cells of a check-in line's department and status columns: as wide as the case's widest
    (a department's whole name, in English too), up to a bound, then cut with …"""

    department: int = 14
    status: int = 8

    @classmethod
    def of(cls, checkins: Iterable[CheckInView]) -> CheckinColumns:
        shown = list(checkins)
        department = max((cell_len(c.department) for c in shown), default=12) + 1
        status = max((cell_len(checkin_status(c)) for c in shown), default=6) + 1
        return cls(min(department, DEPARTMENT_MOST), min(status, STATUS_MOST))


DEPARTMENT_MOST, STATUS_MOST = 34, 16


def checkin_line(
    c: CheckInView,
    state: ClockState,
    tz: ZoneInfo,
    rewhistle_key: str = "W",
    columns: CheckinColumns | None = None,
) -> str:
    columns = columns or CheckinColumns()
    head = f"{pad(c.department, columns.department)}{pad(checkin_status(c), columns.status)}"
    if c.status is C.SUMMONED:
        head += f"{pad(local(c.deadline, tz, '%H:%M'), 7)}{clock_text(state)}"
        if c.alarmed_at is not None:  # 升级: the second alarm has rung
            head += " " + t("mark.alarm")
    elif c.absent:
        head += t("case.absent_hint", at=local(c.absent_at, tz), key=rewhistle_key)
    elif c.arrived_at is not None:
        late = t("case.late", late=minutes_text(c.late_minutes)) if c.late_minutes else t("case.on_time")
        head += f"{c.arrived_person or ''} {local(c.arrived_at, tz, '%H:%M')} {late}"
        if c.clock.late_since is not None:
            head += t("timeline.sep") + t("mark.extended_late")
        if c.after_absence:
            head += t("timeline.sep") + t("mark.after_absence")
    if c.entered_late:
        head += " " + t("mark.late_entry")
    details = []
    if c.rewhistle_of:
        details.append(t("case.rewhistle_of", department=c.rewhistle_of))
    if c.action_taken:
        details.append(t("case.acted", action=c.action_taken, result=c.result or ""))
    if c.rating is not None:
        details.append(t("case.rated", rating=c.rating, reason=c.rating_reason or ""))
    if c.released_at is not None:
        details.append(t("case.released_at", at=local(c.released_at, tz, "%H:%M")))
    if c.withdraw_reason:
        details.append(t("case.withdrawn_because", reason=c.withdraw_reason))
    if c.clock.paused and c.clock.pause_reason:
        details.append(t("case.paused_because", reason=c.clock.pause_reason))
    if details:
        return head + "\n" + " " * 2 + t("timeline.sep").join(details)
    return head


CORRECTION_MARK = "  └ "


def timeline_rich(d: CaseDetail, tz: ZoneInfo) -> Text:
    """The timeline with each corrected entry struck through and its correction beside it."""
    lines = []
    for e in d.timeline:
        line = Text(f"{local(e.at, tz, '%m-%d %H:%M')} {pad(e.operator, 8)} ")
        if e.corrects:
            line.append(CORRECTION_MARK)
        line.append(e.text, style="strike" if e.struck else "")
        lines.append(line)
    return Text("\n").join(lines)


def timeline_text(d: CaseDetail, tz: ZoneInfo) -> str:
    return timeline_rich(d, tz).plain
