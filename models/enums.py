"""Closed vocabularies of the domain. Values are stored in the database and in events."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    FACILITATOR = "facilitator"
    SUPERVISOR = "supervisor"


class StationingMode(StrEnum):
    RESIDENT = "resident"  # 实名常驻
    AREA = "area"  # 联片派驻
    ON_CALL = "on_call"  # 吹哨进驻


class CaseStatus(StrEnum):
    RECEIVED = "received"  # 接收
    TRIAGE = "triage"  # 待派遣
    DISPATCHED = "dispatched"  # 已吹哨
    CONSULTING = "consulting"  # 会商
    DISPOSING = "disposing"  # 处置中
    FEEDBACK = "feedback"  # 已反馈
    CLOSED = "closed"  # 已结案
    VERIFIED = "verified"  # 已核验
    RELAPSED = "relapsed"  # 反弹 (a linked case was opened)
    REJECTED = "rejected"  # 不予受理
    PARKED = "parked"  # 挂账


OPEN_STATUSES: frozenset[CaseStatus] = frozenset(
    {
        CaseStatus.RECEIVED,
        CaseStatus.TRIAGE,
        CaseStatus.DISPATCHED,
        CaseStatus.CONSULTING,
        CaseStatus.DISPOSING,
        CaseStatus.FEEDBACK,
        CaseStatus.PARKED,
    }
)


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Grade(StrEnum):
    URGENT = "urgent"  # 紧急哨
    REGULAR = "regular"  # 常规哨


def grade_for(priority: Priority) -> Grade:
    """The whistle grade a case's urgency suggests: 一般 cases get a 常规哨, the rest 紧急哨
    (the dispatcher can still choose the other)."""
    return Grade.REGULAR if priority is Priority.NORMAL else Grade.URGENT


class Purpose(StrEnum):
    DAILY = "daily"  # 日常哨
    HARD = "hard"  # 攻坚哨
    EMERGENCY = "emergency"  # 应急哨


class CheckInStatus(StrEnum):
    SUMMONED = "summoned"  # 已召集, waiting
    ARRIVED = "arrived"  # 已到场
    ACTED = "acted"  # 已处置 (action and result recorded)
    RELEASED = "released"  # 已撤离
    NO_SHOW = "no_show"  # 未报到 (the case ended after the deadline, before any arrival)
    WITHDRAWN = "withdrawn"  # 撤回召集 (the case ended within the deadline: not needed any more)


class ClockKind(StrEnum):
    CHECKIN = "checkin"
    HANDLING = "handling"


class MeetingKind(StrEnum):
    WEEKLY = "weekly"  # 周例会
    DAILY = "daily"  # 日常会商
    SPECIAL = "special"  # 难题会诊


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    DONE = "done"


class AgendaReason(StrEnum):
    FLAGGED = "flagged"
    LONG_OPEN = "long_open"
    NO_SHOW = "no_show"
    ABSENT = "absent"  # 缺席: a summons the escalation ladder marked absent
    RELAPSE = "relapse"
    CARRIED_OVER = "carried_over"
    REPEAT_ADDRESS = "repeat_address"
    MANUAL = "manual"
    REVIEW_DUE = "review_due"


class FollowUp(StrEnum):
    OPEN = "open"
    DONE = "done"
    SUPERSEDED = "superseded"  # a later meeting decided anew on the same matter


class ReinspectionKind(StrEnum):
    SCHEDULED = "scheduled"  # 限期复查
    RANDOM = "random"  # 不定期抽查


class ReinspectionResult(StrEnum):
    PASS = "pass"  # 合格
    RELAPSE = "relapse"  # 反弹
    UNCHECKABLE = "uncheckable"  # 无法核查
