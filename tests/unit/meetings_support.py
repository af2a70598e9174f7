"""Builders for the meeting and 回头看 tests: cases walked through the real commands."""

from __future__ import annotations

from typing import Any

from data.service import SyncService
from data.write.commands.cases import blow_whistle, transition
from data.write.commands.checkins import act, arrive, release
from models.enums import CaseStatus, Grade
from models.lifecycle import Action
from tests.unit.support import case_in, new_case, rows


def checkin_id(service: SyncService, path: Any, case_id: str, code: str) -> str:
    found = rows(path, "SELECT id FROM checkin WHERE case_id = ? AND department_code = ?", case_id, code)
    return str(found[-1]["id"])


def handled_and_closed(
    service: SyncService, path: Any, came: list[str], absent: list[str], **fields: Any
) -> str:
    """A case whistled to ``came`` + ``absent``; those who came acted and left; then closed."""
    run = service.run
    case_id = new_case(run, **fields)
    run(transition, case_id, Action.TRIAGE)
    run(blow_whistle, case_id, grade=Grade.URGENT, departments=[*came, *absent])
    for code in came:
        cid = checkin_id(service, path, case_id, code)
        run(arrive, cid, person="张三")
        run(act, cid, action="现场劝离", result="已清理")
        run(release, cid)
    run(transition, case_id, Action.DISPOSE)
    run(transition, case_id, Action.FEEDBACK, result="已整改")
    run(transition, case_id, Action.CLOSE, reason="其余部门未到，已处置完毕")
    return case_id


def open_case(service: SyncService, state: CaseStatus = CaseStatus.DISPOSING, **fields: Any) -> str:
    return case_in(service.run, state, **fields)
