"""留痕 as people read it: a case's events rendered to one line of text each."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from data.catalogue import CATEGORY_BY_CODE, SOURCE_BY_CODE
from data.store.tables import CHECKIN, EVENT, HANDOVER_ITEM
from models.corrections import CHECKIN_KINDS, CorrectionKind
from models.deadlines import DEFAULT_TZ
from models.enums import (
    CaseStatus,
    CheckInStatus,
    Grade,
    Priority,
    Purpose,
    ReinspectionKind,
    ReinspectionResult,
)
from models.escalation import ESCALATED, Step, after_text
from models.i18n import joined, label, language, minutes_text, operator_shown, t
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
    event_id: str = ""
    corrects: str | None = None
    """The event this one corrects (冲正), shown right after it."""
    struck: bool = False
    """A later correction replaced what this event recorded: shown struck through."""


class _Clock(Protocol):
    @property
    def department(self) -> str | None: ...

    def label(self) -> str: ...


def fetch_timeline_rows(conn: Connection, case_id: str) -> tuple[Sequence[Any], dict[str, str]]:
    """The case's events in order, and which department each of its check-ins belongs to."""
    query = (
        select(
            EVENT.c.id,
            EVENT.c.at,
            EVENT.c.operator,
            EVENT.c.type,
            EVENT.c.payload,
            EVENT.c.station_id,
            EVENT.c.seq,
        )
        .where(
            (EVENT.c.subject == case_id)
            | (
                EVENT.c.type.in_(HANDOVER_EVENTS)
                & EVENT.c.subject.in_(
                    select(HANDOVER_ITEM.c.handover_id).where(HANDOVER_ITEM.c.case_id == case_id)
                )
            )
        )
        .order_by(EVENT.c.at, EVENT.c.station_id, EVENT.c.seq)
    )
    rows = [_only_this_case(row, case_id) for row in conn.execute(query)]
    checkin_ids = {
        row.id: row.department_code
        for row in conn.execute(
            select(CHECKIN.c.id, CHECKIN.c.department_code).where(CHECKIN.c.case_id == case_id)
        )
    }
    return rows, checkin_ids


HANDOVER_EVENTS = ("handover.opened", "handover.acknowledged")


def _only_this_case(row: Any, case_id: str) -> Any:
    """A handover's event as this case's timeline reads it: with only what it says of the case."""
    if row.type != "handover.opened":
        return row
    payload = json.loads(row.payload)
    payload["items"] = [i for i in payload["items"] if i.get("case_id") == case_id]
    payload["opened_by"] = row.operator
    return SimpleNamespace(**{**row._asdict(), "payload": json.dumps(payload, ensure_ascii=False)})


class _Renderer:
    def __init__(
        self,
        names: Mapping[str, str],
        clocks: Mapping[str, _Clock],
        tz: ZoneInfo,
        case_numbers: Mapping[str, str],
    ) -> None:
        self.names = names
        self.clocks = clocks
        self.tz = tz
        self.case_numbers = case_numbers

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
            received = t(
                "timeline.received",
                number=p["number"],
                category=(category.name_en if en else category.name) if category else p["category"],
                source=(source.name_en if en else source.name) if source else p["source"],
                community=p["community"],
                address=p["address"],
            )
            earlier = p.get("reopened_from")
            if earlier:
                number = self.case_numbers.get(earlier, earlier)
                received += t("timeline.sep") + t("timeline.relapse_of", number=number)
            return received
        if type_ == "case.corrected":
            return self._correction(p, checkin_dept)
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
            text = t(
                "timeline.whistle", grade=grade, purpose=purpose, departments=t("timeline.sep").join(parts)
            )
            if p.get("follows"):  # 再吹哨 after a department was marked absent
                department = self.dept(checkin_dept.get(p["follows"], "?"))
                text += t("timeline.sep") + t("timeline.rewhistle", department=department)
            return text
        if type_.startswith("case."):
            return self._transition(Action(type_.removeprefix("case.")), p)
        return self._other(type_, p, dept_of_checkin)

    def _correction(self, p: dict[str, Any], checkin_dept: Mapping[str, str]) -> str:
        kind = CorrectionKind(p.get("kind", CorrectionKind.CASE.value))
        changes: dict[str, dict[str, Any]] = p.get("changes", {})
        what = label(kind)
        if kind in CHECKIN_KINDS:
            code = p.get("department") or checkin_dept.get(p.get("target", ""), "?")
            what = t("timeline.correction_of", department=self.dept(code), what=what)
        parts: list[str]
        if kind is CorrectionKind.CASE:
            parts = [
                t(
                    "timeline.field_change",
                    field=t(f"field.{name}"),
                    before=self._case_value(name, c["from"]),
                    after=self._case_value(name, c["to"]),
                )
                for name, c in changes.items()
            ]
            personal = p.get("personal_fields", [])
            parts += [t("timeline.field_changed", field=t(f"field.{n}")) for n in personal]
        else:
            parts = [self._change(name, c, changes) for name, c in changes.items() if name in _SHOWN]
        return t(
            "timeline.correction", what=what, changes=t("timeline.list_sep").join(parts), reason=p["reason"]
        )

    def _case_value(self, name: str, value: Any) -> str:
        if name == "category" and value in CATEGORY_BY_CODE:
            category = CATEGORY_BY_CODE[value]
            return category.name_en if language() == "en" else category.name
        if name == "source" and value in SOURCE_BY_CODE:
            source = SOURCE_BY_CODE[value]
            return source.name_en if language() == "en" else source.name
        if name == "priority":
            return label(Priority(value))
        return str(value or "—")

    def _change(self, name: str, c: dict[str, Any], changes: Mapping[str, Any]) -> str:
        def shown(value: Any, late: Any = None) -> str:
            if value is None:
                return "—"
            if name in ("arrived_at", "acted_at", "released_at"):
                text = self.when(value)
                if late is not None:
                    on_time = t("timeline.on_time")
                    lateness = t("timeline.late_by", late=minutes_text(late)) if late else on_time
                    text += t("timeline.purpose", purpose=lateness)
                return text
            if name == "status":
                return label(CheckInStatus(value))
            if name == "result" and value in set(ReinspectionResult):
                return label(ReinspectionResult(value))
            if name == "case_status":
                return label(CaseStatus(value))
            return str(value)

        if name == "arrived_at" and "late_minutes" in changes:
            late = changes["late_minutes"]
            before, after = shown(c["from"], late["from"]), shown(c["to"], late["to"])
            return t("timeline.change", before=before, after=after)
        if name == "case_status":
            return t("timeline.case_became", before=shown(c["from"]), after=shown(c["to"]))
        return t("timeline.change", before=shown(c["from"]), after=shown(c["to"]))

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

    def _recomputed(self, p: dict[str, Any]) -> str:
        years = joined(p["years"])
        old, new = self.when(p["from"]), self.when(p["computed"])
        if p.get("late_kept"):
            key = "timeline.clock_recomputed_late"
        elif p["from"] == p["to"]:
            key = "timeline.clock_recomputed_same"
        else:
            key = "timeline.clock_recomputed"
        return t(key, clock=self.clock(p["id"]), year=years, old=old, new=new)

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
        if type_ == "checkin.arrived" and p.get("after_absence"):
            text += t("timeline.sep") + t("timeline.after_absence", at=self.when(p["after_absence"]))
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
                    late=minutes_text(late),
                )
            return t("timeline.arrived", department=dept_of_checkin(), person=p["person"], at=when)
        if type_ == "checkin.acted":
            return t("timeline.acted", department=dept_of_checkin(), action=p["action"], result=p["result"])
        if type_ == "checkin.rated":
            return t("timeline.rated", department=dept_of_checkin(), rating=p["rating"], reason=p["reason"])
        if type_ == "checkin.released":
            return t("timeline.released", department=dept_of_checkin())
        if type_ == ESCALATED:
            key = "timeline.escalated_alarm" if p["step"] == Step.ALARM else "timeline.escalated_absent"
            after = after_text(p["after"])
            return t(key, department=dept_of_checkin(), after=after, at=self.when(p["due_at"]))
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
        if type_ == "clock.recomputed":
            return self._recomputed(p)
        if type_ == "handover.opened":
            whys = dict.fromkeys(t(f"handover.why.{i['why']}") for i in p["items"])
            return t(
                "timeline.handover_opened",
                operator=operator_shown(p.get("opened_by")),
                whys=t("timeline.list_sep").join(whys),
            )
        if type_ == "handover.acknowledged":
            return t("timeline.handover_acknowledged", by=operator_shown(p["by"]))
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


# What a correction's line shows of its changes (the rating's reason is the correction's own).
_SHOWN = (
    "arrived_at",
    "action_taken",
    "result",
    "acted_at",
    "released_at",
    "rating",
    "status",
    "case_status",
)
# Events that record more than the corrected value: their line stays, the correction follows it.
_NOT_STRUCK = tuple(f"case.{a.value}" for a in Action if a is not Action.WHISTLE)


def _beside(entries: list[TimelineEntry]) -> tuple[TimelineEntry, ...]:
    """Each correction right after the entry it corrects (and a correction of it after that);
    a corrected entry struck through."""
    known = {e.event_id for e in entries}
    followers: dict[str, list[TimelineEntry]] = {}
    for e in entries:
        if e.corrects in known:
            followers.setdefault(e.corrects, []).append(e)
    out: list[TimelineEntry] = []

    def place(entry: TimelineEntry) -> None:
        corrected = entry.event_id in followers and entry.type not in _NOT_STRUCK
        out.append(replace(entry, struck=corrected))
        for follower in followers.get(entry.event_id, ()):
            place(follower)

    for e in entries:
        if e.corrects not in known:
            place(e)
    return tuple(out)


def render_timeline(
    fetched: tuple[Iterable[Any], Mapping[str, str]],
    names: Mapping[str, str],
    clocks: Mapping[str, _Clock],
    tz: ZoneInfo = DEFAULT_TZ,
    case_numbers: Mapping[str, str] | None = None,
) -> tuple[TimelineEntry, ...]:
    """``case_numbers`` names linked cases (a relapse's earlier case) by number."""
    renderer = _Renderer(names, clocks, tz, case_numbers or {})
    rows, checkin_dept = fetched
    entries = []
    for row in rows:
        payload = json.loads(row.payload)
        corrects = payload.get("corrects") if row.type == "case.corrected" else None
        entries.append(
            TimelineEntry(
                at=row.at,
                operator=operator_shown(row.operator),
                type=row.type,
                text=renderer.render(row.type, payload, checkin_dept),
                station_id=row.station_id,
                seq=row.seq,
                event_id=getattr(row, "id", ""),
                corrects=corrects.get("event") if isinstance(corrects, dict) else None,
            )
        )
    return _beside(entries)
