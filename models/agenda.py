"""The weekly agenda (周例会研判) proposed from the data: one pure rule per reason.

Each rule takes plain facts read from the database and returns proposals, each with its
reason and a detail a facilitator can read aloud. ``build_agenda`` runs them all and
merges proposals about the same case into one item, keeping every reason in the detail.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.deadlines import YELLOW_FRACTION, Light
from models.enums import OPEN_STATUSES, AgendaReason, CaseStatus, CheckInStatus
from models.i18n import t

REPEAT_WINDOW_DAYS = 30
REPEAT_MIN_CASES = 2
DETAIL_SEPARATOR = "；"

Part = dict[str, Any]
"""A reason's text kept as its catalogue key and values (:func:`said`), said in the reader's
language when shown (:func:`say`): a value is data (a date, a count, a decision), another part,
:func:`depts` (departments, named in the reader's language) or :func:`listed` items."""


def said(key: str, **values: Any) -> Part:
    return {"k": key, "v": values}


def depts(codes: Iterable[str]) -> Part:
    return {"depts": list(codes)}


def listed(items: Iterable[str]) -> Part:
    return {"items": list(items)}


def _value(value: Any, names: Mapping[str, str]) -> Any:
    if not isinstance(value, dict):
        return value
    if "depts" in value:
        return t("timeline.list_sep").join(names.get(code, code) for code in value["depts"])
    if "items" in value:
        return t("timeline.list_sep").join(str(item) for item in value["items"])
    return say(value, names)


def say(part: Part, names: Mapping[str, str]) -> str:
    """A part in the current language; ``names``: department code → name in it."""
    return t(part["k"], **{key: _value(v, names) for key, v in part.get("v", {}).items()})


def say_all(parts: Iterable[Part], names: Mapping[str, str]) -> str:
    return t("agenda.detail_sep").join(say(part, names) for part in parts)

# The order items appear in: what the meeting promised and broke first, routine last.
REASON_ORDER: tuple[AgendaReason, ...] = (
    AgendaReason.CARRIED_OVER,
    AgendaReason.RELAPSE,
    AgendaReason.ABSENT,
    AgendaReason.NO_SHOW,
    AgendaReason.FLAGGED,
    AgendaReason.REPEAT_ADDRESS,
    AgendaReason.REVIEW_DUE,
    AgendaReason.LONG_OPEN,
    AgendaReason.MANUAL,
)


@dataclass(frozen=True)
class CaseFacts:
    id: str
    number: str
    status: CaseStatus
    community: str
    address: str
    received_at: datetime
    consult_flag: bool = False
    consulting_at: datetime | None = None
    review_on: date | None = None
    """A parked case's review date (搁置复查日)."""


@dataclass(frozen=True)
class CheckInFacts:
    department: str
    department_name: str
    status: CheckInStatus
    deadline: datetime
    absent_at: datetime | None = None
    """缺席: when the escalation ladder marked it absent (it keeps the mark if it came later)."""


@dataclass(frozen=True)
class WhistleFacts:
    id: str
    case: CaseFacts
    blown_at: datetime
    checkins: tuple[CheckInFacts, ...]


@dataclass(frozen=True)
class RelapseFacts:
    original: CaseFacts
    recorded_at: datetime
    inspector: str
    reopened: CaseFacts | None


@dataclass(frozen=True)
class FollowUpFacts:
    item_id: str
    meeting_at: datetime
    case: CaseFacts | None
    topic: str
    decision: str
    lead_department_name: str
    due_on: date
    lead_department: str | None = None


@dataclass(frozen=True)
class Proposal:
    reason: AgendaReason
    detail: str
    """The reason's text in the language it was proposed in (kept with the item as written)."""
    case_id: str | None = None
    case_number: str | None = None
    topic: str = ""
    carried_from: str | None = None
    reasons: tuple[AgendaReason, ...] = field(default=())
    parts: tuple[Part, ...] = ()
    """The same text as catalogue keys and values, said in the reader's language when shown."""

    @property
    def key(self) -> str:
        """Proposals with the same key are about the same thing and become one item."""
        if self.case_id is not None:
            return f"case:{self.case_id}"
        return f"item:{self.carried_from or self.topic}"


@dataclass(frozen=True)
class AgendaInputs:
    """``at`` is when the state of cases is judged (the meeting, or now if that is earlier);
    ``day`` is the meeting's day, by which follow-ups are due."""

    at: datetime
    day: date
    tz: ZoneInfo
    open_days: int
    since: datetime | None
    cases: Sequence[CaseFacts] = ()
    whistles: Sequence[WhistleFacts] = ()
    relapses: Sequence[RelapseFacts] = ()
    followups: Sequence[FollowUpFacts] = ()
    long_open_most: int | None = None


def _day(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).date().isoformat()


def _about(
    case: CaseFacts, reason: AgendaReason, parts: Sequence[Part], names: Mapping[str, str] | None = None
) -> Proposal:
    return Proposal(
        reason, say_all(parts, names or {}), case_id=case.id, case_number=case.number, parts=tuple(parts)
    )


def flagged(cases: Iterable[CaseFacts], tz: ZoneInfo) -> list[Proposal]:
    """Cases an operator sent to consultation (提请会商)."""
    found = [c for c in cases if c.status is CaseStatus.CONSULTING or c.consult_flag]
    found.sort(key=lambda c: (c.consulting_at or c.received_at, c.number))
    return [
        _about(c, AgendaReason.FLAGGED, [said("agenda.detail.flagged", day=_day(c.consulting_at, tz))])
        if c.consulting_at
        else _about(c, AgendaReason.FLAGGED, [said("agenda.detail.flagged_undated")])
        for c in found
    ]


def long_open(cases: Iterable[CaseFacts], at: datetime, days: int, most: int | None = None) -> list[Proposal]:
    """Cases open longer than ``days`` (久拖未结), the oldest ``most`` of them: a meeting can
    only take so many; the rest can be added by hand. A parked case waits by decision, so it is
    left out."""
    limit = at - timedelta(days=days)
    found = [
        c
        for c in cases
        if c.status in OPEN_STATUSES and c.status is not CaseStatus.PARKED and c.received_at <= limit
    ]
    found.sort(key=lambda c: (c.received_at, c.number))
    return [
        _about(c, AgendaReason.LONG_OPEN, [said("agenda.detail.long_open", days=(at - c.received_at).days)])
        for c in found[:most]
    ]


def review_due(cases: Iterable[CaseFacts], day: date) -> list[Proposal]:
    """Parked cases whose review date has come by the meeting's ``day``: the decision to
    wait is due to be looked at again."""
    found = [
        c for c in cases if c.status is CaseStatus.PARKED and c.review_on is not None and c.review_on <= day
    ]
    found.sort(key=lambda c: (c.review_on, c.number))
    return [
        _about(c, AgendaReason.REVIEW_DUE, [said("agenda.detail.review_due", day=c.review_on.isoformat())])
        for c in found
        if c.review_on is not None
    ]


def _missing(whistle: WhistleFacts, at: datetime) -> list[CheckInFacts]:
    """Departments that did not report in, but not those marked 缺席 (``absent`` proposes them)."""
    return [
        c
        for c in whistle.checkins
        if c.absent_at is None
        and (c.status is CheckInStatus.NO_SHOW or (c.status is CheckInStatus.SUMMONED and c.deadline < at))
    ]


def absent(
    whistles: Iterable[WhistleFacts], at: datetime, since: datetime | None, tz: ZoneInfo
) -> list[Proposal]:
    """缺席: whistles with a department the escalation ladder marked absent, proposed for the
    next meeting while the case is open (a finished case once, at the first meeting after)."""
    by_case: dict[str, list[tuple[WhistleFacts, list[CheckInFacts]]]] = defaultdict(list)
    for w in sorted(whistles, key=lambda w: (w.blown_at, w.id)):
        marked = [c for c in w.checkins if c.absent_at is not None and c.absent_at <= at]
        recent = since is None or any(c.absent_at is not None and c.absent_at >= since for c in marked)
        if marked and (w.case.status in OPEN_STATUSES or recent):
            by_case[w.case.id].append((w, marked))
    out = []
    for found in by_case.values():
        parts = [
            said("agenda.detail.absent", day=_day(w.blown_at, tz), names=depts(c.department for c in m))
            for w, m in found
        ]
        names = {c.department: c.department_name for _, m in found for c in m}
        out.append(_about(found[0][0].case, AgendaReason.ABSENT, parts, names))
    return out


def no_show(
    whistles: Iterable[WhistleFacts], at: datetime, since: datetime | None, tz: ZoneInfo
) -> list[Proposal]:
    """Whistles with departments that did not report in: a recorded no-show, or still summoned
    past the deadline. A finished case comes up once, at the first meeting after its whistle."""
    by_case: dict[str, list[tuple[WhistleFacts, list[CheckInFacts]]]] = defaultdict(list)
    for w in sorted(whistles, key=lambda w: (w.blown_at, w.id)):
        missing = _missing(w, at)
        recent = since is None or w.blown_at >= since
        if missing and (w.case.status in OPEN_STATUSES or recent):
            by_case[w.case.id].append((w, missing))
    out = []
    for found in by_case.values():
        case = found[0][0].case
        parts = [
            said("agenda.detail.no_show", day=_day(w.blown_at, tz), names=depts(c.department for c in gone))
            for w, gone in found
        ]
        names = {c.department: c.department_name for _, missing in found for c in missing}
        out.append(_about(case, AgendaReason.NO_SHOW, parts, names))
    return out


def relapses(found: Iterable[RelapseFacts], since: datetime | None, tz: ZoneInfo) -> list[Proposal]:
    """Failed 回头看 since the last meeting; the item is about the reopened case."""
    out = []
    for r in sorted(found, key=lambda r: (r.recorded_at, r.original.number)):
        if since is not None and r.recorded_at < since:
            continue
        part = said(
            "agenda.detail.relapse",
            day=_day(r.recorded_at, tz),
            original=r.original.number,
            inspector=r.inspector,
        )
        out.append(_about(r.reopened or r.original, AgendaReason.RELAPSE, [part]))
    return out


def carried_over(followups: Iterable[FollowUpFacts], day: date, tz: ZoneInfo) -> list[Proposal]:
    """Decisions of earlier meetings due by the meeting's ``day`` and not done. They keep coming
    back, meeting after meeting, until someone marks them done or decides anew. A decision
    about a case that has since ended (closed, rejected, reopened as a new case) is not
    carried: the case's outcome answers it."""
    out = []
    for f in sorted(followups, key=lambda f: (f.due_on, f.meeting_at, f.item_id)):
        if f.due_on > day or (f.case is not None and f.case.status not in OPEN_STATUSES):
            continue
        late = (day - f.due_on).days
        part = said(
            "agenda.detail.carried_over",
            day=_day(f.meeting_at, tz),
            decision=f.decision,
            lead=depts([f.lead_department]) if f.lead_department else f.lead_department_name,
            due=f.due_on.isoformat(),
            late=said("agenda.detail.due_today") if late == 0 else said("agenda.detail.days_late", days=late),
        )
        names = {f.lead_department: f.lead_department_name} if f.lead_department else {}
        case = f.case
        out.append(
            Proposal(
                AgendaReason.CARRIED_OVER,
                say(part, names),
                parts=(part,),
                case_id=case.id if case else None,
                case_number=case.number if case else None,
                topic="" if case else f.topic,
                carried_from=f.item_id,
            )
        )
    return out


def address_key(community: str, address: str) -> tuple[str, str]:
    """Full-width digits and stray spaces must not make one address look like two."""

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return norm(community), norm(address)


def repeat_address(
    whistles: Iterable[WhistleFacts], at: datetime, window_days: int = REPEAT_WINDOW_DAYS
) -> list[Proposal]:
    """Whistles on the same address, on different cases, within ``window_days``."""
    start = at - timedelta(days=window_days)
    groups: dict[tuple[str, str], dict[str, CaseFacts]] = defaultdict(dict)
    latest: dict[str, datetime] = {}
    for w in whistles:
        if start <= w.blown_at <= at:
            groups[address_key(w.case.community, w.case.address)][w.case.id] = w.case
            latest[w.case.id] = max(latest.get(w.case.id, w.blown_at), w.blown_at)
    out = []
    for cases in groups.values():
        if len(cases) < REPEAT_MIN_CASES:
            continue
        ordered = sorted(cases.values(), key=lambda c: (latest[c.id], c.number))
        open_ones = [c for c in ordered if c.status in OPEN_STATUSES]
        subject = (open_ones or ordered)[-1]
        part = said(
            "agenda.detail.repeat_address",
            days=window_days,
            count=len(ordered),
            numbers=listed(c.number for c in ordered),
        )
        out.append(_about(subject, AgendaReason.REPEAT_ADDRESS, [part]))
    out.sort(key=lambda p: p.case_number or "")
    return out


def merge(proposals: Iterable[Proposal]) -> list[Proposal]:
    """One item per case (or carried topic): the weightiest reason leads, every detail stays."""
    grouped: dict[str, list[Proposal]] = {}
    for p in proposals:
        grouped.setdefault(p.key, []).append(p)
    merged = []
    for group in grouped.values():
        group.sort(key=lambda p: REASON_ORDER.index(p.reason))
        lead = group[0]
        carried = next((p.carried_from for p in group if p.carried_from), None)
        merged.append(
            replace(
                lead,
                detail=DETAIL_SEPARATOR.join(p.detail for p in group),
                parts=tuple(part for p in group for part in p.parts),
                carried_from=carried,
                reasons=tuple(dict.fromkeys(p.reason for p in group)),
            )
        )
    merged.sort(key=lambda p: REASON_ORDER.index(p.reason))
    return merged


def build_agenda(inputs: AgendaInputs, exclude_cases: Iterable[str] = ()) -> list[Proposal]:
    """Every rule, merged, without the cases already on the agenda."""
    skip = set(exclude_cases)
    found = [
        *carried_over(inputs.followups, inputs.day, inputs.tz),
        *relapses(inputs.relapses, inputs.since, inputs.tz),
        *absent(inputs.whistles, inputs.at, inputs.since, inputs.tz),
        *no_show(inputs.whistles, inputs.at, inputs.since, inputs.tz),
        *flagged(inputs.cases, inputs.tz),
        *repeat_address(inputs.whistles, inputs.at),
        *review_due(inputs.cases, inputs.day),
        *long_open(inputs.cases, inputs.at, inputs.open_days, inputs.long_open_most),
    ]
    return [p for p in merge(found) if p.case_id is None or p.case_id not in skip]


def timebox_light(elapsed: timedelta, minutes: int) -> Light:
    """The running item's timer, coloured like every other clock of the desk."""
    fraction = elapsed.total_seconds() / (minutes * 60) if minutes > 0 else 1.0
    if fraction >= 1:
        return Light.RED
    return Light.YELLOW if fraction >= YELLOW_FRACTION else Light.GREEN


def format_elapsed(elapsed: timedelta) -> str:
    seconds = max(0, int(elapsed.total_seconds()))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
