"""The schema of every event's payload (and of the personal part beside it), checked with
pydantic before any event is applied: live, replayed or imported. A new event type adds its
schema here with ``@schema("type.name")``; a type without one is refused (and fails a test).

Every field is strict: no number stands for a text, no text for a number, no list for a
text; texts are bounded (models/limits.py) and hold no control characters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic import ValidationError as PydanticError

from models import limits
from models.deadlines import parse_limit
from models.ids import from_iso

# Sequence numbers, counts, amounts: within what SQLite stores and JSON carries exactly.
MAX_INT = 2**53 - 1


# Texts hold no control characters: checked by a pattern inside the validator (not a Python
# function per field: an imported bundle checks every text of every event). A text refused by
# one is worded by ``error_message``, naming the character.
ONE_LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
LINES = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
_CONTROL_PATTERNS = {ONE_LINE: False, LINES: True}


def error_message(error: Any) -> str:
    """A validation error's words: a text refused for holding a control character names it."""
    pattern = (error.get("ctx") or {}).get("pattern")
    if error["type"] == "string_pattern_mismatch" and pattern in _CONTROL_PATTERNS:
        bad = limits.control_character(error["input"], lines_allowed=_CONTROL_PATTERNS[pattern])
        return f"Value error, control character {bad}"
    return str(error["msg"])


def _moment(value: str) -> str:
    from_iso(value)
    return value


def _day(value: str) -> str:
    date.fromisoformat(value)
    return value


Id = Annotated[StrictStr, Field(min_length=1, max_length=limits.ID_CHARS, pattern=ONE_LINE)]
Code = Annotated[StrictStr, Field(max_length=limits.CODE_CHARS, pattern=ONE_LINE)]
Name = Annotated[StrictStr, Field(max_length=limits.NAME_CHARS, pattern=ONE_LINE)]
Address = Annotated[StrictStr, Field(max_length=limits.ADDRESS_CHARS, pattern=ONE_LINE)]
Note = Annotated[StrictStr, Field(max_length=limits.NOTE_CHARS, pattern=LINES)]
Description = Annotated[StrictStr, Field(max_length=limits.DESCRIPTION_CHARS, pattern=LINES)]
CalendarText = Annotated[StrictStr, Field(max_length=limits.EVENT_LINE_BYTES, pattern=LINES)]
Moment = Annotated[StrictStr, Field(max_length=40), AfterValidator(_moment)]
Day = Annotated[StrictStr, Field(max_length=10), AfterValidator(_day)]
Int = Annotated[StrictInt, Field(ge=-MAX_INT, le=MAX_INT)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_INT)]
Number = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1e15, strict=False)]
Hex = Annotated[StrictStr, Field(max_length=256, pattern=r"^[0-9a-f]*$")]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


P = TypeVar("P", bound=type[Payload])
SCHEMAS: dict[str, type[Payload]] = {}


def schema(*types: str) -> Callable[[P], P]:
    def register(cls: P) -> P:
        for name in types:
            SCHEMAS[name] = cls
        return cls

    return register


class PayloadInvalid(ValueError):
    """A payload that does not match its schema; ``field`` is the dotted path of the first
    field at fault (``payload.description``, ``personal.reporter_phone``)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


class Personal(Payload):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
    salt: Hex | None = None
    reporter_name: Name | None = None
    reporter_phone: Name | None = None


# ---- reference data -------------------------------------------------------------------


@schema("station.registered")
class StationRegistered(Payload):
    id: Id
    name: Name
    case_prefix: Code
    district: StrictBool = False
    """The database is a district's (``whistle init --district``): the authority for the shared
    reference data of the stations that trust it as their district."""


def _limit_text(value: str) -> str:
    parse_limit(value)
    return value


LimitText = Annotated[StrictStr, Field(max_length=16), AfterValidator(_limit_text)]


@schema("reference.published")
class ReferencePublished(Payload):
    """The district's time limits, published in its district bundle (``whistle district
    publish``); a station that trusts it as its district counts by them where its own
    settings file does not say otherwise. Its catalogue and holiday tables travel in the same
    bundle as its own department.upserted and calendar.loaded events."""

    urgent: LimitText
    regular: LimitText
    handling: dict[Code, LimitText]


@schema("station.key")
class StationKey(Payload):
    id: Id
    public_key: Hex


@schema("operator.added", "operator.changed")
class OperatorSet(Payload):
    name: Name
    role: Code
    active: StrictBool = True


@schema("department.upserted")
class DepartmentUpserted(Payload):
    code: Code
    name: Name
    name_en: Name
    mode: Code
    contact: Name
    active: StrictBool
    sort: Int
    seed: StrictBool = False


Year = Annotated[StrictInt, Field(ge=1900, le=2200)]
YearText = Annotated[StrictStr, Field(pattern=r"^[0-9]{4}$")]
# What counted a year's working days: its official table, a table loaded here, or Monday–Friday.
Basis = dict[YearText, Literal["official", "local", "district", "fallback"]]
HourText = Annotated[StrictStr, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


@schema("calendar.loaded")
class CalendarLoaded(Payload):
    year: Year
    table: CalendarText
    origin: Literal["local", "district"] = "local"
    override_reason: Note | None = None
    """A supervisor's reason for a table that contradicts the official calendar."""


class WorkHours(Payload):
    """The working hours a clock counts by: seven days (Monday first) of [from, to] periods."""

    name: Name
    days: Annotated[
        list[
            Annotated[list[Annotated[list[HourText], Field(min_length=2, max_length=2)]], Field(max_length=8)]
        ],
        Field(min_length=7, max_length=7),
    ]


# ---- cases ----------------------------------------------------------------------------


class ClockStart(Payload):
    id: Id
    started_at: Moment
    deadline: Moment
    amount: Count
    unit: Code
    basis: Basis | None = None
    """How the deadline was counted (absent on clocks from before it was recorded)."""
    hours: WorkHours | None = None


@schema("case.received")
class CaseReceived(Payload):
    id: Id
    number: Code
    source: Code
    category: Code
    subcategory: Code = ""
    community: Name
    address: Address
    description: Description
    priority: Code
    received_at: Moment
    reopened_from: Id | None = None
    handling_clock: ClockStart


class Transition(Payload):
    id: Id
    to: Code
    # Each action's own fields, all optional here: the handler reads the ones it needs.
    reason: Note | None = None
    note: Note | None = None
    result: Note | None = None
    review_on: Day | None = None


class ResumedClock(Payload):
    id: Id
    case_id: Id
    deadline: Moment
    paused_minutes: Number


@schema("case.triage", "case.dispatch", "case.dispose", "case.consult", "case.resume", "case.feedback")
@schema("case.close", "case.verify", "case.relapse", "case.reject")
class CaseTransition(Transition):
    from_: Code = Field(alias="from")


@schema("case.park")
class CasePark(Transition):
    from_: Code = Field(alias="from")
    reason: Note
    review_on: Day


@schema("case.unpark")
class CaseUnpark(Transition):
    from_: Code = Field(alias="from")
    clocks: list[ResumedClock]


Correctable = Literal["source", "category", "subcategory", "community", "address", "description", "priority"]


class Change(Payload):
    from_: Description | None = Field(alias="from")
    to: Description


class CorrectedValue(Payload):
    from_: Description | Int | None = Field(alias="from")
    to: Description | Int | None


class CorrectedEvent(Payload):
    """The event a correction corrects (the latest that recorded the value)."""

    event: Id
    station: Code
    seq: Count
    type: Code


@schema("case.corrected")
class CaseCorrected(Payload):
    """冲正. The first form (``id``) corrects a case's fields; the second (``case_id``, ``kind``,
    ``target``) any assessed record of the case, pointing at the event it corrects."""

    id: Id | None = None
    case_id: Id | None = None
    kind: Code | None = None
    target: Id | None = None
    department: Code | None = None
    corrects: CorrectedEvent | None = None
    changes: dict[Code, CorrectedValue]
    reason: Note
    personal_fields: list[Literal["reporter_name", "reporter_phone"]] = []

    @model_validator(mode="after")
    def _one_form(self) -> CaseCorrected:
        if (self.id is None) == (self.case_id is None):
            raise ValueError("either id (a case's fields) or case_id with kind and target")
        if self.case_id is not None and (self.kind is None or self.target is None):
            raise ValueError("a record's correction names its kind and target")
        return self


class Summoned(Payload):
    code: Code
    checkin_id: Id
    clock: ClockStart


@schema("whistle.blown")
class WhistleBlown(Payload):
    id: Id
    case_id: Id
    grade: Code
    purpose: Code | None = None
    note: Note = ""
    departments: Annotated[list[Summoned], Field(max_length=200)]
    from_: Code = Field(alias="from")
    to: Code
    follows: Id | None = None
    """再吹哨: the absent check-in (缺席) this whistle follows."""


class CheckinRef(Payload):
    id: Id
    case_id: Id


class LateEntry(Payload):
    """补录: when a time that happened earlier was entered, and why."""

    entered_at: Moment
    reason: Note


@schema("checkin.arrived")
class CheckinArrived(CheckinRef):
    clock_id: Id
    person: Name
    arrived_at: Moment
    late_minutes: Count
    late_since: Moment | None = None
    late_entry: LateEntry | None = None
    after_absence: Moment | None = None
    """Came after the summons was marked 缺席 at this time (the mark stays)."""


@schema("checkin.acted")
class CheckinActed(CheckinRef):
    action: Note
    result: Note
    acted_at: Moment | None = None
    late_entry: LateEntry | None = None


@schema("checkin.rated")
class CheckinRated(CheckinRef):
    rating: Annotated[StrictInt, Field(ge=0, le=10)]
    reason: Note


@schema("checkin.released")
class CheckinReleased(CheckinRef):
    released_at: Moment | None = None
    late_entry: LateEntry | None = None


@schema("checkin.withdrawn")
class CheckinWithdrawn(CheckinRef):
    """撤回召集: a summons still awaited when its case ended, who withdrew it and why."""

    clock_id: Id
    department_code: Code
    deadline: Moment
    overdue: StrictBool
    reason: Note


@schema("checkin.escalated")
class CheckinEscalated(CheckinRef):
    """升级: a step of the escalation ladder reached by a summons not reported in (二次报警,
    缺席), when it fell due and after how long past the deadline."""

    clock_id: Id
    step: Literal["alarm", "absent"]
    due_at: Moment
    after: Code
    grade: Code


@schema("checkin.noted")
class CheckinNoted(CheckinRef):
    notes: Note


@schema("clock.paused")
class ClockPaused(CheckinRef):
    reason: Note


@schema("clock.resumed")
class ClockResumed(ResumedClock):
    pass


@schema("clock.recomputed")
class ClockRecomputed(Payload):
    """A deadline counted again once a year's holiday table arrived."""

    id: Id
    case_id: Id
    from_: Moment = Field(alias="from")
    to: Moment
    computed: Moment
    years: Annotated[list[Year], Field(min_length=1, max_length=400)]
    reason: Literal["calendar"]
    late_kept: StrictBool
    basis: Basis


@schema("clock.extended")
class ClockExtended(CheckinRef):
    deadline: Moment
    by: Code
    extensions: Count
    reason: Note
    late_since: Moment | None = None
    """Granted after the deadline had passed: the check-in stays late from this deadline."""


# ---- who sat at the desk --------------------------------------------------------------


@schema("operator.secret_set")
class SecretSet(Payload):
    name: Name


@schema("operator.signed_in")
class SignedIn(Payload):
    name: Name
    role: Code


@schema("operator.signin_failed")
class SignInFailed(Payload):
    name: Name
    failures: Count


@schema("desk.locked")
class DeskLocked(Payload):
    name: Name
    idle: StrictBool


@schema("desk.unlocked")
class DeskUnlocked(Payload):
    name: Name
    role: Code
    locked_by: Name | None = None


# ---- meetings and re-inspections ------------------------------------------------------


@schema("meeting.created")
class MeetingCreated(Payload):
    id: Id
    kind: Code
    title: Name = ""
    scheduled_at: Moment
    facilitator: Name
    invited: Annotated[list[Code], Field(max_length=200)]


class MeetingRef(Payload):
    id: Id


@schema("meeting.started")
class MeetingChanged(MeetingRef):
    pass


@schema("meeting.ended")
class MeetingEnded(MeetingRef):
    """``case_status``: each agenda case's status when the meeting ended (case id → status),
    so the minutes print what the meeting saw; events written before it carry none."""

    case_status: Annotated[dict[Id, Code], Field(max_length=1000)] = {}


@schema("meeting.attendance")
class MeetingAttendance(MeetingRef):
    code: Code
    present: StrictBool | None
    people: Annotated[list[Name], Field(max_length=50)] | None = None
    """Who came from the department (None: not recorded, as in earlier events)."""


class DepartmentList(Payload):
    """Departments named in a reason, by code: their names in the reader's language."""

    depts: Annotated[list[Code], Field(max_length=50)]


class TextList(Payload):
    items: Annotated[list[Name], Field(max_length=50)]


class ReasonPart(Payload):
    """A reason's text as its catalogue key and values (models.agenda.said), said in the
    reader's language when shown."""

    k: Code
    v: Annotated[
        dict[Code, Note | Int | ReasonPart | DepartmentList | TextList], Field(max_length=12)
    ] = {}


ReasonPart.model_rebuild()


@schema("agenda.item_added")
class AgendaItemAdded(Payload):
    id: Id
    meeting_id: Id
    position: Count
    case_id: Id | None = None
    topic: Note = ""
    reason: Code
    reason_detail: Note = ""
    """The reason's text in the language of the desk that proposed it (all earlier events carry)."""
    reason_parts: Annotated[list[ReasonPart], Field(max_length=20)] | None = None
    """The same as catalogue keys and values, shown in the reader's language (None: earlier)."""
    timebox_minutes: Count = 10
    carried_from: Id | None = None


@schema("agenda.reordered")
class AgendaReordered(Payload):
    meeting_id: Id
    order: Annotated[list[Id], Field(max_length=1000)]


@schema("agenda.item_removed", "agenda.followup_done")
class AgendaItemChanged(MeetingRef):
    pass


@schema("agenda.timebox_set")
class AgendaTimebox(MeetingRef):
    minutes: Count


@schema("agenda.decided")
class AgendaDecided(MeetingRef):
    decision: Note
    lead_department: Code | None = None
    due_on: Day | None = None
    tracked: StrictBool = True
    supersedes: Annotated[list[Id], Field(max_length=1000)] = []


class Drawn(Payload):
    id: Id
    case_id: Id
    due_on: Day


@schema("reinspection.scheduled")
class ReinspectionScheduled(Drawn):
    kind: Code
    seed: Int | None = None


@schema("reinspection.drawn")
class ReinspectionDrawn(Payload):
    seed: Int
    rate: Number
    population: Count
    population_ids: list[Id]
    items: list[Drawn]


# ---- the shift handover (交接班) ----------------------------------------------------------


class HandoverNamed(Payload):
    """A case a handover names (or a meeting follow-up without a case), and why."""

    case_id: Id | None = None
    number: Name
    why: Literal["clock", "overdue", "summons", "parked", "followup"]
    detail: Name = ""
    """In the language of the desk that wrote it (all earlier events carry only this)."""
    parts: Annotated[list[ReasonPart], Field(max_length=4)] | None = None
    """The same as catalogue keys and values, shown in the reader's language."""


@schema("handover.opened")
class HandoverOpened(Payload):
    id: Id
    shift_ends: Moment
    items: Annotated[list[HandoverNamed], Field(max_length=5000)]
    note: Note = ""


@schema("handover.acknowledged")
class HandoverAcknowledged(Payload):
    id: Id
    by: Name


@schema("reinspection.recorded")
class ReinspectionRecorded(Payload):
    id: Id
    case_id: Id
    result: Code
    inspector: Name
    notes: Note = ""
    relapse_case_id: Id | None = None


# ---- the exchange (trace only) --------------------------------------------------------


@schema("sync.trusted")
class SyncTrusted(Payload):
    station: Id
    public_key: Hex
    replaces: Hex | None = None
    district: StrictBool = False


class Range(Payload):
    station: Id
    first_seq: Count
    last_seq: Count


@schema("sync.exported")
class SyncExported(Payload):
    first_seq: Count
    last_seq: Count
    count: Count
    events_sha256: Hex
    file_sha256: Hex
    file: Note
    include_personal: StrictBool


@schema("sync.imported")
class SyncImported(Range):
    applied: Count
    released: Annotated[
        list[Annotated[list[Id | Count], Field(min_length=3, max_length=3)]], Field(max_length=10_000)
    ]
    bundle_sha256: Hex


@schema("sync.held")
class SyncHeld(Range):
    reason: Code
    bundle_sha256: Hex


@schema("sync.refused")
class SyncRefused(Payload):
    reason: Code
    params: dict[Annotated[str, Field(max_length=limits.CODE_CHARS)], Note]
    file: Note
    file_sha256: Hex


@schema("sync.dropped")
class SyncDropped(Range):
    bundle_sha256: Hex


@schema("export.personal")
class ExportPersonal(Payload):
    kind: Code
    count: Count


@schema("chain.head_signed", "chain.head_received")
class ChainHead(Payload):
    """A station's chain head, signed with its key: (station, seq, hash, at)."""

    station: Id
    seq: Count
    hash: Hex
    at: Moment
    signature: Hex


def check_payload(type: str, payload: Any, personal: Any = None) -> None:
    """Raises PayloadInvalid naming the first field at fault; KeyError for a type with no schema."""
    model = SCHEMAS[type]
    _validate(model, payload, "payload")
    if personal is not None:
        _validate(Personal, personal, "personal")


def _validate(model: type[Payload], value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise PayloadInvalid(where, "not an object")
    try:
        model.model_validate(value, strict=True, by_alias=True)
    except PydanticError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in (where, *first["loc"]))
        raise PayloadInvalid(path, error_message(first)[:200]) from None
