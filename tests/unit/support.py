"""Builders shared by the unit tests: cases walked to a chosen state through the commands."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from data.write.commands.cases import blow_whistle, receive_case, transition
from models.enums import CaseStatus as S
from models.enums import Grade
from models.lifecycle import Action
from tests.fresh_file import fresh_file

Run = Callable[..., Any]

CASE = {
    "source": "patrol",
    "category": "street_vending",
    "community": "东四社区",
    "address": "东四北大街 12 号",
    "description": "早高峰占道摆摊，影响通行",
}
FIRST_DEPARTMENT = "CGZF"
OTHER_DEPARTMENT = "SCJG"
# Every argument any lifecycle action may need: actions that need none ignore them.
ACTION_ARGS = {"reason": "群众反映属实", "result": "已责令整改并复查", "note": "现场核实"}


def whistle(run: Run, case_id: str, departments: list[str], grade: Grade = Grade.URGENT) -> str:
    result: str = run(blow_whistle, case_id, grade=grade, departments=departments)
    return result


def apply_action(run: Run, case_id: str, action: Action, departments: list[str] | None = None) -> Any:
    """One lifecycle action, through the command an operator would use for it."""
    if action is Action.WHISTLE:
        return whistle(run, case_id, departments or [OTHER_DEPARTMENT])
    return run(transition, case_id, action, **ACTION_ARGS)


# The shortest walk from intake to each state.
PATHS: dict[S, tuple[Action, ...]] = {
    S.RECEIVED: (),
    S.TRIAGE: (Action.TRIAGE,),
    S.DISPATCHED: (Action.TRIAGE, Action.WHISTLE),
    S.CONSULTING: (Action.TRIAGE, Action.CONSULT),
    S.DISPOSING: (Action.TRIAGE, Action.DISPATCH),
    S.FEEDBACK: (Action.TRIAGE, Action.DISPATCH, Action.FEEDBACK),
    S.CLOSED: (Action.TRIAGE, Action.DISPATCH, Action.FEEDBACK, Action.CLOSE),
    S.VERIFIED: (Action.TRIAGE, Action.DISPATCH, Action.FEEDBACK, Action.CLOSE, Action.VERIFY),
    S.RELAPSED: (Action.TRIAGE, Action.DISPATCH, Action.FEEDBACK, Action.CLOSE, Action.RELAPSE),
    S.REJECTED: (Action.REJECT,),
    S.PARKED: (Action.TRIAGE, Action.PARK),
}


def new_case(run: Run, **fields: Any) -> str:
    case_id: str = run(receive_case, **{**CASE, **fields})
    return case_id


def case_in(run: Run, state: S, **fields: Any) -> str:
    case_id = new_case(run, **fields)
    for action in PATHS[state]:
        apply_action(run, case_id, action, [FIRST_DEPARTMENT])
    return case_id


def rows(path: Path, sql: str, *params: Any) -> list[sqlite3.Row]:
    """Read with plain sqlite3, apart from the service under test."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def one(path: Path, sql: str, *params: Any) -> Any:
    found = rows(path, sql, *params)
    assert len(found) == 1, found
    return found[0]


def event_count(path: Path) -> int:
    return int(one(path, "SELECT count(*) AS n FROM event")["n"])


SECRET = "test-passphrase"
"""Every test supervisor's passphrase."""


def as_supervisor(path: Path, settings: Any, clock: Any, name: str = "值班员", secret: str = SECRET) -> Any:
    """A service signed in as the station's supervisor ``name``: made its first supervisor
    (as ``whistle init`` does) on a new file, signed in with the passphrase after that."""
    from data.service import SyncService
    from data.write.commands.operators import has_credentials

    service = SyncService.open(fresh_file(path), settings, clock)
    with service.engine.connect() as conn:
        ready = has_credentials(conn, service.station_id)
    if ready:
        service.sign_in(name, secret)
    else:
        service.set_up(name, secret)
    return service


def paged(conn: Any, behind: Any) -> list[Any]:
    """Every page of a ``Behind`` joined, read to its end (the same as the list read at once)."""
    joined: list[Any] = []
    for _ in range(10_000):
        if behind.done:
            return joined
        joined += behind.page(conn)
    raise AssertionError("the pages never end")


def assert_pages_join(
    conn: Any, make: Callable[[int], Any], whole: list[Any], *, ordered: bool = True
) -> None:
    """The list behind a figure read a page at a time (pages of 1, 2 and 3 rows, so that a day
    holds more than a page and a page ends between days) gives what it gives read at once: in
    the same order when ``ordered``; otherwise the same records, none twice."""

    def key(row: Any) -> str:
        return str(getattr(row, "checkin_id", None) or row.case_id)

    for size in (1, 2, 3):
        joined = [key(r) for r in paged(conn, make(page_size=size))]
        want = [key(r) for r in whole]
        if ordered:
            assert joined == want, size
        else:
            assert len(joined) == len(set(joined)) and sorted(joined) == sorted(want), size
