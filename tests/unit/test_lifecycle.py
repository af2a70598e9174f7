"""The lifecycle (SPEC §4): every (state, action) pair, in the table and through the service."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from data.service import Service, SyncService
from data.settings import Settings
from data.write.commands.cases import blow_whistle, receive_case, transition
from data.write.commands.checkins import arrive
from models.clock import FrozenClock
from models.deadlines import Unit, measure
from models.enums import CaseStatus as S
from models.enums import Grade
from models.errors import IllegalTransition
from models.i18n import label, set_language
from models.lifecycle import RESTORE, TRANSITIONS, Action, next_status
from tests.unit.conftest import NOW, snapshot_of
from tests.unit.support import CASE, FIRST_DEPARTMENT, apply_action, case_in, one, rows

OPEN = (S.RECEIVED, S.TRIAGE, S.DISPATCHED, S.CONSULTING, S.DISPOSING, S.FEEDBACK)

# SPEC §4 written out by hand, apart from models.lifecycle, so that a change to the
# table that the specification does not make is caught here.
EXPECTED: dict[tuple[S, Action], S | str] = {
    (S.RECEIVED, Action.TRIAGE): S.TRIAGE,
    (S.RECEIVED, Action.REJECT): S.REJECTED,
    (S.TRIAGE, Action.REJECT): S.REJECTED,
    (S.TRIAGE, Action.WHISTLE): S.DISPATCHED,
    (S.TRIAGE, Action.DISPATCH): S.DISPOSING,
    (S.TRIAGE, Action.CONSULT): S.CONSULTING,
    (S.DISPATCHED, Action.WHISTLE): S.DISPATCHED,
    (S.DISPATCHED, Action.DISPOSE): S.DISPOSING,
    (S.DISPATCHED, Action.CONSULT): S.CONSULTING,
    (S.CONSULTING, Action.WHISTLE): S.DISPATCHED,
    (S.CONSULTING, Action.RESUME): S.DISPOSING,
    (S.DISPOSING, Action.WHISTLE): S.DISPOSING,
    (S.DISPOSING, Action.CONSULT): S.CONSULTING,
    (S.DISPOSING, Action.FEEDBACK): S.FEEDBACK,
    (S.FEEDBACK, Action.CLOSE): S.CLOSED,
    (S.CLOSED, Action.VERIFY): S.VERIFIED,
    (S.CLOSED, Action.RELAPSE): S.RELAPSED,
    (S.VERIFIED, Action.RELAPSE): S.RELAPSED,
    **{(state, Action.PARK): S.PARKED for state in OPEN},
    (S.PARKED, Action.UNPARK): RESTORE,
}
STATE_ZH = {
    S.RECEIVED: "接收",
    S.TRIAGE: "待派遣",
    S.DISPATCHED: "已吹哨",
    S.CONSULTING: "会商",
    S.DISPOSING: "处置中",
    S.FEEDBACK: "已反馈",
    S.CLOSED: "已结案",
    S.VERIFIED: "已核验",
    S.RELAPSED: "反弹",
    S.REJECTED: "不予受理",
    S.PARKED: "挂账",
}
PAIRS = [(state, action) for state in S for action in Action]
REFUSED = [pair for pair in PAIRS if pair not in EXPECTED]
ALLOWED = list(EXPECTED)


def _ident(pair: tuple[S, Action]) -> str:
    return f"{pair[0].value}-{pair[1].value}"


def test_the_table_is_the_specification() -> None:
    assert TRANSITIONS == EXPECTED


def test_every_state_has_a_way_in_and_ended_states_have_no_way_out_but_relapse() -> None:
    reachable = {S.RECEIVED} | {t for t in EXPECTED.values() if isinstance(t, S)}
    assert reachable == set(S)
    assert [a for (s, a) in EXPECTED if s is S.REJECTED] == []
    assert [a for (s, a) in EXPECTED if s is S.RELAPSED] == []


@pytest.mark.parametrize("pair", ALLOWED, ids=_ident)
def test_allowed_pair_reaches_its_target(pair: tuple[S, Action]) -> None:
    state, action = pair
    if EXPECTED[pair] == RESTORE:
        for parked_from in OPEN:
            assert next_status(state, action, parked_from) is parked_from
    else:
        assert next_status(state, action) is EXPECTED[pair]


@pytest.mark.parametrize("pair", REFUSED, ids=_ident)
def test_refused_pair_names_state_and_action_in_both_languages(pair: tuple[S, Action]) -> None:
    state, action = pair
    with pytest.raises(IllegalTransition) as refused:
        next_status(state, action, parked_from=S.TRIAGE)
    zh = str(refused.value)
    assert f"「{STATE_ZH[state]}」" in zh
    assert f"「{label(action)}」" in zh
    set_language("en")
    en = str(refused.value)
    assert f"“{label(state)}”" in en
    assert f"“{label(action)}”" in en
    assert label(action) != f"Action.{action.value}"
    assert en != zh


@pytest.mark.parametrize("parked_from", [None, S.CLOSED, S.PARKED, S.REJECTED])
def test_unpark_without_a_sensible_parked_from_is_refused(parked_from: S | None) -> None:
    with pytest.raises(IllegalTransition):
        next_status(S.PARKED, Action.UNPARK, parked_from)


# -- through the service on a real file -------------------------------------------------


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SyncService, Path]]:
    """One file for the whole module: every test works on cases of its own."""
    path = tmp_path_factory.mktemp("lifecycle") / "whistle.db"
    svc = SyncService.open(path, Settings(station_id="ST-LIFE"), FrozenClock(NOW))
    yield svc, path
    svc.close()


@pytest.mark.parametrize("pair", REFUSED, ids=_ident)
def test_refused_pair_changes_nothing_on_disk(desk: tuple[SyncService, Path], pair: tuple[S, Action]) -> None:
    svc, path = desk
    state, action = pair
    case_id = case_in(svc.run, state)
    before = snapshot_of(path)
    with pytest.raises(IllegalTransition) as refused:
        apply_action(svc.run, case_id, action)
    assert f"「{STATE_ZH[state]}」" in str(refused.value)
    assert snapshot_of(path) == before


@pytest.mark.parametrize("pair", ALLOWED, ids=_ident)
def test_allowed_pair_through_the_service(desk: tuple[SyncService, Path], pair: tuple[S, Action]) -> None:
    svc, path = desk
    state, action = pair
    case_id = case_in(svc.run, state)
    events_before = one(path, "SELECT count(*) AS n FROM event")["n"]
    apply_action(svc.run, case_id, action)
    target = EXPECTED[pair]
    expected = S.TRIAGE if target == RESTORE else target  # PATHS parks from 待派遣
    assert one(path, "SELECT status FROM case_file WHERE id = ?", case_id)["status"] == expected
    assert one(path, "SELECT count(*) AS n FROM event")["n"] > events_before
    kinds = [r["type"] for r in rows(path, "SELECT type FROM event WHERE subject = ? ORDER BY seq", case_id)]
    assert kinds[-1].endswith(action.value) or action is Action.CLOSE or action is Action.WHISTLE


# -- 挂账 and back ----------------------------------------------------------------------


@pytest.mark.parametrize("state", OPEN)
def test_unpark_restores_the_state_it_was_parked_from(desk: tuple[SyncService, Path], state: S) -> None:
    svc, path = desk
    case_id = case_in(svc.run, state)
    svc.run(transition, case_id, Action.PARK, reason="等待产权单位答复")
    parked = one(path, "SELECT status, parked_from, park_reason FROM case_file WHERE id = ?", case_id)
    assert tuple(parked) == (S.PARKED, state, "等待产权单位答复")
    assert svc.run(transition, case_id, Action.UNPARK) is state
    back = one(path, "SELECT status, parked_from FROM case_file WHERE id = ?", case_id)
    assert tuple(back) == (state, None)


async def test_unpark_pushes_paused_clocks_and_leaves_stopped_ones(
    service: Service, clock: FrozenClock, db_path: Path
) -> None:
    case_id = await service.run(receive_case, **CASE)
    await service.run(transition, case_id, Action.TRIAGE)
    await service.run(blow_whistle, case_id, grade=Grade.URGENT, departments=[FIRST_DEPARTMENT, "GA"])
    arrived = one(db_path, "SELECT id FROM checkin WHERE case_id = ? AND department_code = 'GA'", case_id)
    clock.advance(minutes=10)
    await service.run(arrive, arrived["id"], person="王警官")
    before = _clocks(db_path, case_id)

    await service.run(transition, case_id, Action.PARK, reason="等待产权单位答复")
    paused = rows(db_path, "SELECT kind FROM clock WHERE case_id = ? AND paused_at IS NOT NULL", case_id)
    # the awaited department is withdrawn (its clock stopped), not paused with the case
    assert [r["kind"] for r in paused] == ["handling"]
    clock.advance(hours=2)
    await service.run(transition, case_id, Action.UNPARK)

    after = _clocks(db_path, case_id)
    assert one(db_path, "SELECT status FROM case_file WHERE id = ?", case_id)["status"] == S.DISPATCHED
    withdrawn = after["checkin" + FIRST_DEPARTMENT]
    assert withdrawn["stopped_at"] is not None and withdrawn["paused_at"] is None
    # the department that had arrived keeps its stopped clock untouched
    assert tuple(after["checkinGA"]) == tuple(before["checkinGA"])
    # the working-hours handling clock moves by the working time of the pause:
    # 10:10-12:10 local, of which 10:10-12:00 is working time (lunch starts at 12:00)
    handling, old_h = after["handling"], before["handling"]
    assert handling["paused_minutes"] == 110
    cal, tz = service.rules.calendar, service.settings.tz
    pushed = measure(_at(old_h["deadline"]), _at(handling["deadline"]), Unit.WORKING_HOURS, cal, tz)
    assert pushed == pytest.approx(110)


def _clocks(path: Path, case_id: str) -> dict[str, sqlite3.Row]:
    found = rows(path, "SELECT * FROM clock WHERE case_id = ?", case_id)
    return {r["kind"] + (r["department_code"] or ""): r for r in found}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
