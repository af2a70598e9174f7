"""回头看: scheduled and random re-inspections of closed cases, and their results."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from data.store.tables import CASE, REINSPECTION
from data.write.commands.cases import receive_case, transition
from data.write.commands.common import Ctx, fetch, own_case, required
from data.write.commands.operators import require_supervisor
from data.write.commands.schedule import RANDOM_DUE_DAYS
from models.enums import CaseStatus, ReinspectionResult
from models.errors import DomainError, ValidationError
from models.lifecycle import Action
from models.reinspection import draw_sample


def draw_random(ctx: Ctx, *, seed: int, rate: float | None = None) -> list[str]:
    """不定期: draw a reproducible sample of the last seven days' closures."""
    rate = ctx.rules.settings.random_sample_rate if rate is None else rate
    if not 0 < rate <= 1:
        raise ValidationError("error.bad_rate", field="rate", value=rate)
    since = ctx.now - timedelta(days=7)
    population = sorted(
        ctx.conn.execute(
            select(CASE.c.id).where(
                (CASE.c.station_id == ctx.w.station_id)
                & (CASE.c.closed_at >= since)
                & CASE.c.status.in_([CaseStatus.CLOSED, CaseStatus.VERIFIED])
            )
        ).scalars()
    )
    if not population:
        raise DomainError("error.nothing_to_draw")
    chosen = draw_sample(population, rate, seed)
    due = ctx.now.astimezone(ctx.rules.settings.tz).date() + timedelta(days=RANDOM_DUE_DAYS)
    items = [{"id": ctx.new_id(), "case_id": c, "due_on": due.isoformat()} for c in chosen]
    # The population is in the event so that anyone can redraw the sample from the seed.
    payload = {
        "seed": seed,
        "rate": rate,
        "population": len(population),
        "population_ids": population,
        "items": items,
    }
    ctx.w.emit("reinspection.drawn", None, payload)
    return chosen


def supervised_draw(ctx: Ctx, *, seed: int, rate: float | None = None) -> list[str]:
    """The draw as a supervisor orders it from the desk or the command line."""
    require_supervisor(ctx)
    return draw_random(ctx, seed=seed, rate=rate)


def record_result(
    ctx: Ctx, reinspection_id: str, *, result: ReinspectionResult, inspector: str, notes: str = ""
) -> str | None:
    """Record 合格 / 反弹 / 无法核查. A relapse reopens the case as a new linked case (its id
    is returned)."""
    item = fetch(ctx.conn, REINSPECTION, reinspection_id, "reinspection")
    if item.result is not None:
        raise DomainError("error.reinspection_done")
    case = own_case(ctx, item.case_id)
    inspector = required(inspector, "inspector")
    relapse_case_id = None
    if result is ReinspectionResult.PASS and case.status == CaseStatus.CLOSED:
        transition(ctx, case.id, Action.VERIFY, note=notes)
    elif result is ReinspectionResult.RELAPSE:
        transition(ctx, case.id, Action.RELAPSE, note=notes)
        relapse_case_id = receive_case(
            ctx,
            source=case.source,
            category=case.category,
            subcategory=case.subcategory,
            community=case.community,
            address=case.address,
            description=case.description,
            reporter_name=case.reporter_name or "",
            reporter_phone=case.reporter_phone or "",
            priority=case.priority,
            reopened_from=case.id,
        )
        transition(ctx, relapse_case_id, Action.TRIAGE, note=notes)
    payload = {
        "id": reinspection_id,
        "case_id": case.id,
        "result": result.value,
        "inspector": inspector,
        "notes": notes.strip(),
        "relapse_case_id": relapse_case_id,
    }
    ctx.w.emit("reinspection.recorded", case.id, payload)
    return relapse_case_id
