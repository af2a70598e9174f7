"""留痕 as people read it: a case's events rendered to one line of text each."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from data.catalogue import CATEGORY_BY_CODE, SOURCE_BY_CODE
from data.store.tables import CHECKIN, EVENT
from models.deadlines import DEFAULT_TZ
from models.enums import CaseStatus, Grade, Purpose, ReinspectionKind, ReinspectionResult
from models.i18n import label, language, t
from models.ids import from_iso
from models.lifecycle import Action


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    operator: str
    type: str
    text: str
    station_id: str
    seq: int


class _Clock(Protocol):
    @property
    def department(self) -> str | None: ...

    def label(self) -> str: ...


def fetch_timeline_rows(conn: Connection, case_id: str) -> tuple[Sequence[Any], dict[str, str]]:
    """The case's events in order, and which department each of its check-ins belongs to."""
    query = (
        select(EVENT.c.at, EVENT.c.operator, EVENT.c.type, EVENT.c.payload, EVENT.c.station_id, EVENT.c.seq)
        .where(EVENT.c.subject == case_id)
        .order_by(EVENT.c.at, EVENT.c.station_id, EVENT.c.seq)
    )
    rows = conn.execute(query).all()
    checkin_ids = {
        row.id: row.department_code
        for row in conn.execute(
            select(CHECKIN.c.id, CHECKIN.c.department_code).where(CHECKIN.c.case_id == case_id)
        )
    }
    return rows, checkin_ids


class _Renderer:
    def __init__(self, names: Mapping[str, str], clocks: Mapping[str, _Clock], tz: ZoneInfo) -> None:
        self.names = names
        self.clocks = clocks
        self.tz = tz

    def when(self, iso: str) -> str:
        return from_iso(iso).astimezone(self.tz).strftime("%m-%d %H:%M")

    def dept(self, code: str) -> str:
        return self.names.get(code, code)

    def clock(self, clock_id: str) -> str:
        clock = self.clocks.get(clock_id)
        return clock.label() if clock else t("timeline.some_clock")

    def render(self, type_: str, p: dict[str, Any], checkin_dept: Mapping[str, str]) -> str:
        def dept_of_checkin() -> str:
            return self.dept(checkin_dept.get(p.get("id", ""), "?"))

        if type_ == "case.received":
            category = CATEGORY_BY_CODE.get(p["category"])
            source = SOURCE_BY_CODE.get(p["source"])
            en = language() == "en"
            return t(
                "timeline.received",
                number=p["number"],
                category=(category.name_en if en else category.name) if category else p["category"],
                source=(source.name_en if en else source.name) if source else p["source"],
                community=p["community"],
                address=p["address"],
            )
        if type_ == "case.corrected":
            fields = t("timeline.list_sep").join(
                t(f"field.{name}") for name in [*p["changes"], *p.get("personal_fields", [])]
            )
            return t("timeline.corrected", fields=fields, reason=p["reason"])
        if type_ == "whistle.blown":
            grade = label(Grade(p["grade"]))
            purpose = t("timeline.purpose", purpose=label(Purpose(p["purpose"]))) if p.get("purpose") else ""
            parts = [
                t(
                    "timeline.summoned_one",
                    department=self.dept(d["code"]),
                    deadline=self.when(d["clock"]["deadline"]),
                )
                for d in p["departments"]
            ]
            return t(
                "timeline.whistle", grade=grade, purpose=purpose, departments=t("timeline.sep").join(parts)
            )
        if type_.startswith("case."):
            return self._transition(Action(type_.removeprefix("case.")), p)
        return self._other(type_, p, dept_of_checkin)

    def _transition(self, action: Action, p: dict[str, Any]) -> str:
        text = t(
            "timeline.transition",
            action=label(action),
            before=label(CaseStatus(p["from"])),
            after=label(CaseStatus(p["to"])),
        )
        extras = []
        if p.get("reason"):
            extras.append(t("timeline.reason", reason=p["reason"]))
        if p.get("review_on"):
            extras.append(t("timeline.review_on", day=p["review_on"]))
        if p.get("result"):
            extras.append(t("timeline.result", result=p["result"]))
        if p.get("note"):
            extras.append(t("timeline.note", note=p["note"]))
        return "".join([text, *(t("timeline.sep") + extra for extra in extras)])

    def _other(self, type_: str, p: dict[str, Any], dept_of_checkin: Callable[[], str]) -> str:
        text = self._checkin_or_clock(type_, p, dept_of_checkin)
        late_entry = p.get("late_entry")
        if late_entry:  # 补录: both times, and why
            at = p.get("arrived_at") or p.get("acted_at") or p.get("released_at") or late_entry["entered_at"]
            text += t("timeline.sep") + t(
                "timeline.late_entry",
                at=self.when(at),
                entered=self.when(late_entry["entered_at"]),
                reason=late_entry["reason"],
            )
        if type_ == "clock.extended" and p.get("late_since"):
            text += t("timeline.sep") + t("timeline.extended_late", late_since=self.when(p["late_since"]))
        return text

    def _checkin_or_clock(self, type_: str, p: dict[str, Any], dept_of_checkin: Callable[[], str]) -> str:
        if type_ == "checkin.withdrawn":
            if p["overdue"]:
                return t(
                    "timeline.withdrawn_overdue",
                    department=dept_of_checkin(),
                    deadline=self.when(p["deadline"]),
                    reason=p["reason"],
                )
            return t("timeline.withdrawn", department=dept_of_checkin(), reason=p["reason"])
        if type_ == "checkin.arrived":
            late = p.get("late_minutes") or 0
            when = self.when(p["arrived_at"])
            if late:
                return t(
                    "timeline.arrived_late",
                    department=dept_of_checkin(),
                    person=p["person"],
                    at=when,
                    late=late,
                )
            return t("timeline.arrived", department=dept_of_checkin(), person=p["person"], at=when)
        if type_ == "checkin.acted":
            return t("timeline.acted", department=dept_of_checkin(), action=p["action"], result=p["result"])
        if type_ == "checkin.rated":
            return t("timeline.rated", department=dept_of_checkin(), rating=p["rating"], reason=p["reason"])
        if type_ == "checkin.released":
            return t("timeline.released", department=dept_of_checkin())
        if type_ == "checkin.noted":
            return t("timeline.noted", department=dept_of_checkin(), notes=p.get("notes", ""))
        if type_ == "clock.paused":
            return t("timeline.paused", clock=self.clock(p["id"]), reason=p["reason"])
        if type_ == "clock.resumed":
            return t("timeline.resumed", clock=self.clock(p["id"]), deadline=self.when(p["deadline"]))
        if type_ == "clock.extended":
            return t(
                "timeline.extended",
                clock=self.clock(p["id"]),
                by=p["by"],
                deadline=self.when(p["deadline"]),
                reason=p["reason"],
            )
        if type_ == "reinspection.scheduled":
            return t(
                "timeline.reinspection_scheduled", kind=label(ReinspectionKind(p["kind"])), day=p["due_on"]
            )
        if type_ == "reinspection.recorded":
            text = t(
                "timeline.reinspection_recorded",
                result=label(ReinspectionResult(p["result"])),
                inspector=p["inspector"],
            )
            return text + (t("timeline.sep") + t("timeline.note", note=p["notes"]) if p.get("notes") else "")
        return t("timeline.other", type=type_)


def render_timeline(
    fetched: tuple[Iterable[Any], Mapping[str, str]],
    names: Mapping[str, str],
    clocks: Mapping[str, _Clock],
    tz: ZoneInfo = DEFAULT_TZ,
) -> tuple[TimelineEntry, ...]:
    renderer = _Renderer(names, clocks, tz)
    rows, checkin_dept = fetched
    return tuple(
        TimelineEntry(
            at=row.at,
            operator=row.operator,
            type=row.type,
            text=renderer.render(row.type, json.loads(row.payload), checkin_dept),
            station_id=row.station_id,
            seq=row.seq,
        )
        for row in rows
    )
