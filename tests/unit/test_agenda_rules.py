"""Every agenda rule on its own, over plain facts (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from models.agenda import (
    AgendaInputs,
    CaseFacts,
    CheckInFacts,
    FollowUpFacts,
    Proposal,
    RelapseFacts,
    WhistleFacts,
    address_key,
    build_agenda,
    carried_over,
    flagged,
    long_open,
    merge,
    no_show,
    relapses,
    repeat_address,
)
from models.enums import AgendaReason as R
from models.enums import CaseStatus as S
from models.enums import CheckInStatus as C

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 3, 16, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai
LAST = AT - timedelta(days=7)


def case(n: int, status: S = S.DISPOSING, days_old: float = 1, **kw: object) -> CaseFacts:
    fields: dict[str, object] = {
        "id": f"c{n}",
        "number": f"SJ-2026-{n:06d}",
        "status": status,
        "community": "东四社区",
        "address": f"东四北大街{n}号",
        "received_at": AT - timedelta(days=days_old),
        **kw,
    }
    return CaseFacts(**fields)  # type: ignore[arg-type]


def checkin(code: str, status: C, deadline: datetime) -> CheckInFacts:
    return CheckInFacts(code, {"CGZF": "城管执法队", "GA": "公安派出所"}[code], status, deadline)


def whistle(n: int, c: CaseFacts, blown: datetime, *checkins: CheckInFacts) -> WhistleFacts:
    return WhistleFacts(f"w{n}", c, blown, tuple(checkins))


# -- flagged -------------------------------------------------------------------------------


def test_flagged_takes_consulting_and_flagged_cases_only() -> None:
    consulting = case(1, S.CONSULTING, consulting_at=AT - timedelta(days=2))
    flagged_back = case(2, S.DISPOSING, consult_flag=True)
    plain = case(3, S.DISPOSING)
    found = flagged([plain, flagged_back, consulting], TZ)
    assert [p.case_id for p in found] == ["c1", "c2"]
    assert all(p.reason is R.FLAGGED for p in found)
    assert found[0].detail == "2026-03-14 提请会商"


# -- long open -----------------------------------------------------------------------------


def test_long_open_uses_the_day_limit_and_skips_parked_and_ended() -> None:
    cases = [
        case(1, days_old=7.5),
        case(2, days_old=6.9),
        case(3, S.PARKED, days_old=30),
        case(4, S.CLOSED, days_old=30),
        case(5, S.TRIAGE, days_old=20),
    ]
    found = long_open(cases, AT, days=7)
    assert [p.case_id for p in found] == ["c5", "c1"]  # oldest first
    assert found[0].detail == "已受理 20 天仍未办结"
    assert [p.case_id for p in long_open(cases, AT, days=3)] == ["c5", "c1", "c2"]


def test_long_open_proposes_only_the_oldest_few() -> None:
    cases = [case(n, days_old=8 + n) for n in range(1, 30)]
    found = long_open(cases, AT, days=7, most=5)
    assert [p.case_id for p in found] == ["c29", "c28", "c27", "c26", "c25"]


# -- no-show -------------------------------------------------------------------------------


def test_no_show_finds_recorded_no_shows_and_summoned_past_deadline() -> None:
    on_time = case(1)
    late = case(2)
    absent = case(3, S.CLOSED)
    waiting = case(4)
    whistles = [
        whistle(1, on_time, AT - timedelta(hours=2), checkin("CGZF", C.ARRIVED, AT - timedelta(hours=1))),
        whistle(
            2,
            late,
            AT - timedelta(hours=2),
            checkin("CGZF", C.ARRIVED, AT - timedelta(hours=1)),
            checkin("GA", C.SUMMONED, AT - timedelta(minutes=1)),
        ),
        whistle(3, absent, AT - timedelta(days=2), checkin("GA", C.NO_SHOW, AT - timedelta(days=2))),
        whistle(4, waiting, AT - timedelta(minutes=5), checkin("GA", C.SUMMONED, AT + timedelta(minutes=25))),
    ]
    found = no_show(whistles, AT, LAST, TZ)
    assert [p.case_id for p in found] == ["c3", "c2"]
    assert found[1].detail == "2026-03-16 吹哨，公安派出所 未报到"


def test_no_show_on_an_ended_case_comes_up_once() -> None:
    ended = case(1, S.CLOSED)
    old = whistle(1, ended, LAST - timedelta(days=1), checkin("GA", C.NO_SHOW, LAST))
    assert no_show([old], AT, LAST, TZ) == []
    still_open = case(2)
    old_open = whistle(2, still_open, LAST - timedelta(days=1), checkin("GA", C.NO_SHOW, LAST))
    assert [p.case_id for p in no_show([old_open], AT, LAST, TZ)] == ["c2"]


# -- relapses ------------------------------------------------------------------------------


def test_relapses_since_the_last_meeting_name_the_reopened_case() -> None:
    original = case(1, S.RELAPSED)
    reopened = case(2, S.TRIAGE)
    recent = RelapseFacts(original, AT - timedelta(days=1), "李核查", reopened)
    before = RelapseFacts(case(3, S.RELAPSED), LAST - timedelta(hours=1), "王核查", case(4, S.TRIAGE))
    found = relapses([before, recent], LAST, TZ)
    assert [p.case_id for p in found] == ["c2"]
    assert found[0].reason is R.RELAPSE
    assert "SJ-2026-000001" in found[0].detail and "李核查" in found[0].detail
    assert len(relapses([before, recent], None, TZ)) == 2


# -- carried over --------------------------------------------------------------------------


def followup(n: int, due: date, about: CaseFacts | None = None) -> FollowUpFacts:
    return FollowUpFacts(
        item_id=f"i{n}",
        meeting_at=LAST,
        case=about,
        topic="" if about else "背街小巷整治",
        decision="限期拆除",
        lead_department_name="城管执法队",
        due_on=due,
    )


def test_carried_over_takes_follow_ups_due_by_the_meeting_day() -> None:
    day = AT.astimezone(TZ).date()
    items = [
        followup(1, day - timedelta(days=2), case(1)),
        followup(2, day, None),
        followup(3, day + timedelta(days=1), case(3)),
        followup(4, day - timedelta(days=5), case(4, S.CLOSED)),
    ]
    found = carried_over(items, day, TZ)
    assert [(p.case_id, p.topic, p.carried_from) for p in found] == [
        ("c1", "", "i1"),
        (None, "背街小巷整治", "i2"),
    ]
    assert "逾期 2 天未落实" in found[0].detail
    assert "今日到期未落实" in found[1].detail
    assert "限期拆除" in found[0].detail and "城管执法队" in found[0].detail


# -- repeated whistles at one address ------------------------------------------------------


def test_repeat_address_needs_two_cases_at_one_address_within_thirty_days() -> None:
    first = case(1, S.CLOSED, address="东四北大街 12 号")
    second = case(2, S.DISPOSING, address="东四北大街１２号")  # full-width digits, no space
    elsewhere = case(3, address="东四北大街 14 号")
    stale = case(4, S.CLOSED, address="东四北大街 14 号")
    whistles = [
        whistle(1, first, AT - timedelta(days=20)),
        whistle(2, second, AT - timedelta(days=2)),
        whistle(3, second, AT - timedelta(days=1)),  # a second whistle on one case is not a repeat
        whistle(4, elsewhere, AT - timedelta(days=1)),
        whistle(5, stale, AT - timedelta(days=31)),
    ]
    found = repeat_address(whistles, AT)
    assert [p.case_id for p in found] == ["c2"]  # the open one
    assert found[0].detail == "30 天内同一地址吹哨 2 次：SJ-2026-000001、SJ-2026-000002"
    assert repeat_address(whistles[1:3], AT) == []


def test_address_key_ignores_width_and_spaces() -> None:
    assert address_key("东四社区", "东四北大街 12 号") == address_key("东四社区 ", "东四北大街１２号")


# -- merging -------------------------------------------------------------------------------


def test_merge_keeps_one_item_per_case_with_the_weightiest_reason_and_every_detail() -> None:
    merged = merge(
        [
            Proposal(R.LONG_OPEN, "已受理 9 天", case_id="c1", case_number="N1"),
            Proposal(R.NO_SHOW, "公安未报到", case_id="c1", case_number="N1"),
            Proposal(R.FLAGGED, "提请会商", case_id="c2", case_number="N2"),
        ]
    )
    assert [(p.case_id, p.reason) for p in merged] == [("c1", R.NO_SHOW), ("c2", R.FLAGGED)]
    assert merged[0].detail == "公安未报到；已受理 9 天"
    assert merged[0].reasons == (R.NO_SHOW, R.LONG_OPEN)


def test_build_agenda_leaves_out_cases_already_on_the_agenda() -> None:
    inputs = AgendaInputs(
        at=AT,
        day=AT.astimezone(TZ).date(),
        tz=TZ,
        open_days=7,
        since=LAST,
        cases=[case(1, days_old=9), case(2, S.CONSULTING)],
    )
    assert [p.case_id for p in build_agenda(inputs)] == ["c2", "c1"]
    assert [p.case_id for p in build_agenda(inputs, exclude_cases={"c2"})] == ["c1"]
