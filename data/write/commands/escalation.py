"""升级: the steps of the escalation ladder reached by this station's summons not reported in,
written as events (time-driven: the console's poller and ``whistle escalate`` run it)."""

from __future__ import annotations

from sqlalchemy import select

from data.read.escalation import Pending, scan
from data.store.tables import EVENT
from data.write.commands.common import Ctx
from models.escalation import ESCALATED, step_event_id
from models.ids import to_iso


def escalate(ctx: Ctx) -> list[Pending]:
    """Record every step due now, in ladder order, once: the event's id is made from the
    check-in and the step, and a step already on the record (another desk wrote it first) is
    not written again. Returns the summons that reached a step."""
    settings = ctx.rules.settings
    found = scan(ctx.conn, ctx.now, settings.ladders, ctx.rules.calendar, settings.tz)
    written: list[Pending] = []
    for p in found.pending:
        for due in p.due:
            event_id = step_event_id(p.checkin_id, due.step)
            if ctx.conn.execute(select(EVENT.c.id).where(EVENT.c.id == event_id)).first() is not None:
                continue
            ctx.w.emit(
                ESCALATED,
                p.case_id,
                {
                    "id": p.checkin_id,
                    "case_id": p.case_id,
                    "clock_id": p.clock_id,
                    "step": due.step.value,
                    "due_at": to_iso(due.due_at),
                    "after": str(due.after),
                    "grade": p.grade,
                },
                event_id=event_id,
            )
        written.append(p)
    return written
