"""The case lifecycle (SPEC §4) as one explicit transition table."""

from __future__ import annotations

from enum import StrEnum

from models.enums import CaseStatus as S
from models.errors import IllegalTransition


class Action(StrEnum):
    TRIAGE = "triage"  # 受理分流
    REJECT = "reject"  # 不予受理
    WHISTLE = "whistle"  # 吹哨 (again: adds departments)
    DISPATCH = "dispatch"  # 派遣 without a whistle
    CONSULT = "consult"  # 提请会商
    RESUME = "resume"  # 会商结束, back to disposal
    DISPOSE = "dispose"  # 执法处置
    FEEDBACK = "feedback"  # 信息反馈
    CLOSE = "close"  # 结案
    VERIFY = "verify"  # 回头看合格
    RELAPSE = "relapse"  # 回头看反弹
    PARK = "park"  # 挂账
    UNPARK = "unpark"  # 恢复


RESTORE = "restore"
"""Target of UNPARK: the state the case was parked from."""

_OPEN_UNPARKED = (S.RECEIVED, S.TRIAGE, S.DISPATCHED, S.CONSULTING, S.DISPOSING, S.FEEDBACK)

TRANSITIONS: dict[tuple[S, Action], S | str] = {
    (S.RECEIVED, Action.TRIAGE): S.TRIAGE,
    (S.RECEIVED, Action.REJECT): S.REJECTED,
    (S.TRIAGE, Action.REJECT): S.REJECTED,
    (S.TRIAGE, Action.WHISTLE): S.DISPATCHED,
    (S.CONSULTING, Action.WHISTLE): S.DISPATCHED,
    (S.DISPATCHED, Action.WHISTLE): S.DISPATCHED,
    (S.DISPOSING, Action.WHISTLE): S.DISPOSING,
    (S.TRIAGE, Action.DISPATCH): S.DISPOSING,
    (S.TRIAGE, Action.CONSULT): S.CONSULTING,
    (S.DISPATCHED, Action.CONSULT): S.CONSULTING,
    (S.DISPOSING, Action.CONSULT): S.CONSULTING,
    (S.CONSULTING, Action.RESUME): S.DISPOSING,
    (S.DISPATCHED, Action.DISPOSE): S.DISPOSING,
    (S.DISPOSING, Action.FEEDBACK): S.FEEDBACK,
    (S.FEEDBACK, Action.CLOSE): S.CLOSED,
    (S.CLOSED, Action.VERIFY): S.VERIFIED,
    (S.CLOSED, Action.RELAPSE): S.RELAPSED,
    (S.VERIFIED, Action.RELAPSE): S.RELAPSED,
    **{(state, Action.PARK): S.PARKED for state in _OPEN_UNPARKED},
    (S.PARKED, Action.UNPARK): RESTORE,
}

ACTIONS_NEEDING_REASON = frozenset({Action.REJECT, Action.PARK})


def allowed_actions(state: S) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source == state]


def next_status(state: S, action: Action, parked_from: S | None = None) -> S:
    """The state after ``action``; raises IllegalTransition naming both when it is refused."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise IllegalTransition("error.illegal_transition", state=state, action=action)
    if target == RESTORE:
        if parked_from is None or parked_from not in _OPEN_UNPARKED:
            raise IllegalTransition("error.illegal_transition", state=state, action=action)
        return parked_from
    return S(target)
