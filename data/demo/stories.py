"""The demo's stories: who reports what, where, and how each case then goes (data/demo.py
runs them in time order through the commands)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from data.catalogue import CATEGORIES, DEPARTMENTS
from data.demo.material import CaseSim, DemoBase
from data.demo.text import (
    ACTIONS,
    DEMO_PINS,
    DESCRIPTIONS,
    FACILITATOR,
    FEEDBACK_NOTES,
    INSPECTORS,
    OPERATORS,
    PARK_REASONS,
    RATING_REASONS,
    REJECT_REASONS,
    SUPERVISOR,
    WITHDRAW_REASON,
)
from data.store.tables import CASE, CHECKIN, CLOCK, REINSPECTION
from data.write.commands import cases as case_cmd
from data.write.commands import checkins as ci
from data.write.commands import meetings as mt
from data.write.commands import reinspections as ri
from data.write.commands.common import Ctx
from data.write.commands.escalation import escalate
from data.write.commands.operators import enrol
from models.enums import (
    AgendaReason,
    CaseStatus,
    Grade,
    MeetingKind,
    Priority,
    Purpose,
    ReinspectionResult,
    Role,
    StationingMode,
)
from models.errors import DomainError
from models.escalation import step_times
from models.lifecycle import Action
from models.working_hours import hours_from_json

Step = Callable[[Ctx], object]
Story = Iterator[tuple[datetime, Step]]
SIMULATED_MAX = 3000  # cases beyond this are copies (data/demo/copying.py)
LIVE_MAX = 2000  # whistles running now, at most
SOURCE_WEIGHTS = {"patrol": 30, "hotline": 30, "photo": 15, "grid": 15, "iot": 5, "district": 5}


class Demo(DemoBase):
    # -- stories --------------------------------------------------------------------------

    def receive(self, sim: CaseSim, received: datetime | None = None) -> Step:
        spec = self.rng.choice(CATEGORIES)
        sim.category = spec.code
        community, address = self.place()
        source = self.rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]
        text = self.rng.choice(DESCRIPTIONS[spec.code]).format(place=address)
        with_reporter = source in ("hotline", "photo") or self.rng.random() < 0.3
        priority = self.rng.choices(list(Priority), weights=(80, 15, 5))[0]

        def step(ctx: Ctx) -> None:
            sim.case_id = case_cmd.receive_case(
                ctx,
                source=source,
                category=spec.code,
                community=community,
                address=address,
                description=text,
                reporter_name=self.person() if with_reporter else "",
                reporter_phone=self.phone() if with_reporter else "",
                priority=priority.value,
            )

        return step

    def act(self, sim: CaseSim, action: Action, **kwargs: Any) -> Step:
        return lambda ctx: case_cmd.transition(ctx, sim.case_id, action, **kwargs)

    def whistle(self, sim: CaseSim, grade: Grade, codes: list[str]) -> Step:
        purpose = self.rng.choice(list(Purpose))

        def step(ctx: Ctx) -> None:
            whistle_id = case_cmd.blow_whistle(
                ctx, sim.case_id, grade=grade, departments=codes, purpose=purpose
            )
            rows = ctx.conn.execute(
                select(CHECKIN.c.department_code, CHECKIN.c.id).where(CHECKIN.c.whistle_id == whistle_id)
            ).all()
            sim.checkins.update({row.department_code: row.id for row in rows})
            self.spawned.append(self.ladder_ticks(self.ladder_times(ctx, whistle_id, grade)))

        return step

    def ladder_times(self, ctx: Ctx, whistle_id: str, grade: Grade) -> list[datetime]:
        """When the steps of the whistle's ladder fall, counted from its deadlines."""
        settings = ctx.rules.settings
        ladder = settings.ladders.get(grade.value)
        if ladder is None:
            return []
        deadlines = ctx.conn.execute(
            select(CLOCK.c.deadline, CLOCK.c.work_hours).where(CLOCK.c.whistle_id == whistle_id)
        ).all()
        return [
            s.due_at
            for row in deadlines
            for s in step_times(
                ladder, row.deadline, ctx.rules.calendar, settings.tz, hours_from_json(row.work_hours)
            )
        ]

    def departments(self, category: str) -> list[str]:
        usual = next(c.departments for c in CATEGORIES if c.code == category)
        count = self.rng.choice((1, 2, 2, 3, 3))
        return list(usual[:count])

    def checkin_steps(
        self, sim: CaseSim, code: str, blown: datetime, limit: timedelta
    ) -> list[tuple[datetime, Step]]:
        fate = self.rng.random()
        if fate < 0.05:
            return []
        share = self.rng.uniform(0.15, 0.95) if fate < 0.87 else self.rng.uniform(1.05, 2.2)
        arrived = blown + limit * share
        acted = arrived + self.minutes(20, 240)
        rated = acted + self.minutes(10, 90)
        released = rated + self.minutes(5, 60)
        action, result = self.rng.choice(ACTIONS[sim.category])
        rating = self.rng.choices((5, 4, 3, 2, 1), weights=(35, 35, 18, 8, 4))[0]
        person = self.person()
        return [
            (
                arrived,
                self.arrival(sim, code, person),
            ),
            (acted, lambda ctx: ci.act(ctx, sim.checkins[code], action=action, result=result)),
            (
                rated,
                lambda ctx: ci.rate(ctx, sim.checkins[code], rating=rating, reason=RATING_REASONS[rating]),
            ),
            (released, lambda ctx: ci.release(ctx, sim.checkins[code])),
        ]

    def case_story(self, received: datetime) -> Story:
        sim = CaseSim()
        t = received
        yield t, self.receive(sim)
        if self.rng.random() < 0.04:
            yield (
                t + self.minutes(10, 180),
                self.act(sim, Action.REJECT, reason=self.rng.choice(REJECT_REASONS)),
            )
            return
        t += self.minutes(3, 90)
        yield t, self.act(sim, Action.TRIAGE)
        if self.now - t < timedelta(days=2) and self.rng.random() < 0.3:
            return  # still waiting for the desk to decide how to dispatch it
        yield from self.handling(sim, t)

    def handling(self, sim: CaseSim, t: datetime) -> Story:
        """From triage to closure and 回头看; a relapse goes round again as its linked case."""
        done = t
        if self.rng.random() < 0.72:
            grade = Grade.URGENT if self.rng.random() < 0.35 else Grade.REGULAR
            limit = timedelta(minutes=30) if grade is Grade.URGENT else timedelta(hours=24)
            blown = t + self.minutes(2, 60)
            codes = self.departments(sim.category)
            yield blown, self.whistle(sim, grade, codes)
            steps: list[tuple[datetime, Step]] = []
            for code in codes:
                steps += self.checkin_steps(sim, code, blown, limit)
            first = min((s[0] for s in steps), default=blown + limit)
            steps.append((first + timedelta(minutes=1), self.act(sim, Action.DISPOSE)))
            steps.sort(key=lambda s: s[0])
            yield from steps
            done = max(s[0] for s in steps)
        else:
            done = t + self.minutes(30, 600)
            yield done, self.act(sim, Action.DISPATCH)
        if self.rng.random() < 0.10:
            done += self.minutes(30, 240)
            yield done, self.act(sim, Action.CONSULT)
            done += timedelta(days=self.rng.uniform(1, 8))
            yield done, self.act(sim, Action.RESUME)
        if self.rng.random() < 0.05:
            done += self.minutes(30, 240)
            yield done, self.act(sim, Action.PARK, reason=self.rng.choice(PARK_REASONS))
            done += timedelta(days=self.rng.uniform(2, 12))
            yield done, self.act(sim, Action.UNPARK)
        done += timedelta(hours=self.rng.uniform(2, 24 * 6))
        yield (
            done,
            self.act(
                sim,
                Action.FEEDBACK,
                result=self.rng.choice(ACTIONS[sim.category])[1],
                note=self.rng.choice(FEEDBACK_NOTES),
            ),
        )
        done += self.minutes(30, 1440)
        yield done, self.act(sim, Action.CLOSE, reason=WITHDRAW_REASON)
        category = next(c for c in CATEGORIES if c.code == sim.category)
        due = done + timedelta(days=category.reinspect_days + self.rng.uniform(-3, 4))
        if self.rng.random() < 0.95:
            yield due, self.reinspect(sim)
            if sim.relapse_id:
                linked = CaseSim(case_id=sim.relapse_id, category=sim.category)
                yield from self.handling(linked, due + self.minutes(10, 120))

    def reinspect(self, sim: CaseSim) -> Step:
        result = self.rng.choices(list(ReinspectionResult), weights=(84, 9, 7))[0]
        inspector = self.rng.choice(INSPECTORS)

        def step(ctx: Ctx) -> None:
            item = ctx.conn.execute(
                select(REINSPECTION.c.id).where(
                    (REINSPECTION.c.case_id == sim.case_id) & REINSPECTION.c.result.is_(None)
                )
            ).scalar()
            if item is not None:
                sim.relapse_id = ri.record_result(
                    ctx,
                    item,
                    result=result,
                    inspector=inspector,
                    notes="现场复查" if result is ReinspectionResult.PASS else "问题复现",
                )

        return step

    def live_story(self, minutes_ago: float, arrived: int) -> Story:
        """A whistle blown moments before now, so its clocks show a chosen colour."""
        sim = CaseSim()
        blown = self.now - timedelta(minutes=minutes_ago)
        yield blown - self.minutes(10, 40), self.receive(sim)
        yield blown - self.minutes(1, 8), self.act(sim, Action.TRIAGE)
        codes = list(next(c.departments for c in CATEGORIES if c.code == sim.category))
        yield blown, self.whistle(sim, Grade.URGENT, codes)
        for code in codes[:arrived]:
            when = blown + timedelta(minutes=min(minutes_ago, 30) * self.rng.uniform(0.3, 0.9))
            person = self.person()
            yield (
                when,
                self.arrival(sim, code, person),
            )
        if arrived > 1:
            # the first to arrive has recorded what it did and stays until the case is done
            action, result = self.rng.choice(ACTIONS[sim.category])
            first = codes[0]
            yield (
                self.now - self.minutes(1, 5),
                lambda ctx: ci.act(ctx, sim.checkins[first], action=action, result=result),
            )

    def fresh_story(self, minutes_ago: float, fed_back: bool) -> Story:
        """A case taken in moments ago (接收), or one whose result was just reported (已反馈)."""
        sim = CaseSim()
        received = self.now - timedelta(minutes=minutes_ago)
        yield received, self.receive(sim)
        if fed_back:
            yield received + self.minutes(2, 8), self.act(sim, Action.TRIAGE)
            yield received + self.minutes(10, 30), self.act(sim, Action.DISPATCH)
            yield (
                self.now - self.minutes(5, 30),
                self.act(sim, Action.FEEDBACK, result=self.rng.choice(ACTIONS[sim.category])[1], note=""),
            )

    def early_story(self, hours_ago: float) -> Story:
        """Settled by the first department to arrive: the other's summons is withdrawn."""
        sim = CaseSim()
        received = self.now - timedelta(hours=hours_ago)
        yield received, self.receive(sim)
        yield received + self.minutes(2, 10), self.act(sim, Action.TRIAGE)
        codes = list(next(c.departments for c in CATEGORIES if c.code == sim.category))[:2]
        blown = received + self.minutes(12, 20)
        yield blown, self.whistle(sim, Grade.REGULAR, codes)
        action, result = self.rng.choice(ACTIONS[sim.category])
        first = codes[0]
        yield blown + self.minutes(30, 60), self.arrival(sim, first, self.person())
        yield blown + self.minutes(61, 70), self.act(sim, Action.DISPOSE)
        yield (
            blown + self.minutes(90, 120),
            lambda ctx: ci.act(ctx, sim.checkins[first], action=action, result=result),
        )
        yield blown + self.minutes(121, 130), lambda ctx: ci.release(ctx, sim.checkins[first])
        yield blown + self.minutes(140, 150), self.act(sim, Action.FEEDBACK, result=result, note="")
        yield blown + self.minutes(160, 170), self.act(sim, Action.CLOSE, reason=WITHDRAW_REASON)

    def arrival(self, sim: CaseSim, code: str, person: str) -> Step:
        return lambda ctx: ci.arrive(ctx, sim.checkins[code], person=person)

    def meeting_story(self, at: datetime) -> Story:
        def step(ctx: Ctx) -> None:
            stuck = ctx.conn.execute(
                select(CASE.c.id, CASE.c.status, CASE.c.received_at)
                .where(
                    CASE.c.status.in_([CaseStatus.CONSULTING, CaseStatus.DISPOSING, CaseStatus.DISPATCHED])
                )
                .order_by(CASE.c.received_at)
                .limit(6)
            ).all()
            invited = [d.code for d in DEPARTMENTS if d.mode is not StationingMode.ON_CALL]
            meeting = mt.create_meeting(
                ctx,
                kind=MeetingKind.WEEKLY,
                scheduled_at=at,
                facilitator=FACILITATOR,
                invited=invited,
                title=f"{at.astimezone(self.tz):%m月%d日}周例会",
            )
            mt.start(ctx, meeting)
            for code in invited:
                mt.attendance(ctx, meeting, code, present=self.rng.random() > 0.1)
            for row in stuck:
                reason = (
                    AgendaReason.FLAGGED if row.status == CaseStatus.CONSULTING else AgendaReason.LONG_OPEN
                )
                item = mt.add_item(ctx, meeting, reason=reason, case_id=row.id)
                due = (at.astimezone(self.tz) + timedelta(days=7)).date()
                mt.decide(
                    ctx,
                    item,
                    decision="明确牵头部门，限期一周内整改到位",
                    lead_department=self.rng.choice(invited),
                    due_on=due,
                )
            mt.end(ctx, meeting)

        yield at, step

    def draw_story(self, at: datetime) -> Story:
        seed = self.rng.randrange(1 << 31)

        drawn: list[str] = []

        def step(ctx: Ctx) -> None:
            with contextlib.suppress(DomainError):
                drawn.extend(ri.draw_random(ctx, seed=seed))

        yield at, step
        for case_id in drawn:
            yield at + timedelta(days=self.rng.uniform(1, 6)), self.reinspect(CaseSim(case_id=case_id))

    def weekly(self, weekday: int, hour: int, minute: int) -> Iterator[datetime]:
        local = self.start.astimezone(self.tz).replace(hour=hour, minute=minute, second=0, microsecond=0)
        local += timedelta(days=(weekday - local.weekday()) % 7)
        while local < self.now:
            if local > self.start:
                yield local
            local += timedelta(days=7)

    def staff_story(self) -> Story:
        def step(ctx: Ctx) -> None:
            enrol(ctx, name=SUPERVISOR, role=Role.SUPERVISOR, secret=DEMO_PINS[SUPERVISOR])
            for name in OPERATORS + INSPECTORS:
                enrol(ctx, name=name, role=Role.OPERATOR, secret=DEMO_PINS[name])

        yield self.start, step

    def ladder_story(self) -> Story:
        """升级: what a desk's poller does when it opens now, through the same command."""
        yield self.now, escalate

    def ladder_ticks(self, times: list[datetime]) -> Story:
        """升级: the desk's poller at the moments a whistle's ladder steps fall due."""
        for at in sorted(set(times)):
            yield at, escalate

    def take_spawned(self) -> list[Story]:
        """Stories a step started (a whistle's ladder ticks), for the runner to schedule."""
        spawned, self.spawned = self.spawned, []
        return spawned

    def stories(self) -> Iterator[Story]:
        yield self.staff_story()
        yield self.ladder_story()
        for _ in range(min(self.options.cases, SIMULATED_MAX)):
            yield self.case_story(self.received_time())
        # A station's open work follows its daily intake, not the length of its history: the
        # cases alive now (and the ones just taken in) stop growing past a busy street's.
        live = max(6, min(self.options.cases // 50, LIVE_MAX))
        for i in range(live):
            minutes, arrived = ((8, 1), (16, 0), (25, 1), (27, 0), (45, 1), (90, 2))[i % 6]
            yield self.live_story(minutes + self.rng.uniform(-1, 1), arrived)
        for _ in range(max(2, min(self.options.cases // 100, LIVE_MAX // 2))):
            yield self.early_story(self.rng.uniform(4, 8))
            yield self.fresh_story(self.rng.uniform(5, 40), fed_back=False)
            yield self.fresh_story(self.rng.uniform(240, 480), fed_back=True)
        for at in self.weekly(0, 9, 30):
            yield self.meeting_story(at)
        for at in self.weekly(4, 16, 0):
            yield self.draw_story(at)
