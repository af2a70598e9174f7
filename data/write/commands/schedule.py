"""回头看 scheduling: when a case closes, its re-inspection is due after its category's days."""

from __future__ import annotations

from datetime import timedelta

from data.catalogue import CATEGORY_BY_CODE
from data.write.commands.common import Ctx
from models.enums import ReinspectionKind

RANDOM_DUE_DAYS = 7


def schedule_after_close(ctx: Ctx, case_id: str, category: str) -> str:
    days = ctx.rules.settings.reinspect_days.get(category, CATEGORY_BY_CODE[category].reinspect_days)
    today = ctx.now.astimezone(ctx.rules.settings.tz).date()
    item_id = ctx.new_id()
    payload = {
        "id": item_id,
        "case_id": case_id,
        "kind": ReinspectionKind.SCHEDULED.value,
        "due_on": (today + timedelta(days=days)).isoformat(),
    }
    ctx.w.emit("reinspection.scheduled", case_id, payload)
    return item_id
