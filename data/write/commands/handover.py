"""交接班: the outgoing operator opens a shift's handover; a different, signed-in operator
acknowledges it."""

from __future__ import annotations

from datetime import datetime

from data.read.handover import NEXT_SHIFT, awaiting, gather
from data.store.tables import HANDOVER
from data.write.commands.common import Ctx, fetch
from data.write.commands.operators import UNNAMED, role_of
from models.errors import DomainError, ValidationError
from models.ids import to_iso
from models.limits import NOTE_CHARS


def _named_operator(ctx: Ctx, refusal: str) -> str:
    name = ctx.w.operator
    if name == UNNAMED or role_of(ctx.conn, ctx.w.station_id, name) is None:
        raise DomainError(refusal)
    return name


def open_handover(ctx: Ctx, *, note: str = "", shift_ends: datetime | None = None) -> str:
    """The outgoing operator hands the shift over: what ``gather`` names now, and a note."""
    _named_operator(ctx, "error.handover_needs_operator")
    pending = awaiting(ctx.conn)
    if pending is not None:
        raise DomainError("error.handover_pending", by=pending.opened_by, at=ctx.show(pending.opened_at))
    note = note.strip()
    if len(note) > NOTE_CHARS:
        raise ValidationError("error.handover_note_too_long", field="note", limit=NOTE_CHARS)
    now = ctx.now
    ends = shift_ends or now
    if abs(ends - now) > NEXT_SHIFT:
        raise ValidationError("error.handover_bad_shift_end", field="shift_ends", at=ctx.show(ends))
    settings = ctx.rules.settings
    gathered = gather(ctx.conn, now, settings.tz, ends, settings.shift_starts)
    handover_id = ctx.new_id()
    payload = {
        "id": handover_id,
        "shift_ends": to_iso(ends),
        "items": [item.payload() for item in gathered.items],
        "note": note,
    }
    ctx.w.emit("handover.opened", handover_id, payload)
    return handover_id


def acknowledge_handover(ctx: Ctx, handover_id: str) -> None:
    """The incoming operator signs for the handover: not the one who opened it, not twice."""
    name = _named_operator(ctx, "error.handover_needs_incoming")
    row = fetch(ctx.conn, HANDOVER, handover_id, "handover")
    if row.station_id != ctx.w.station_id:
        raise DomainError("error.handover_not_ours", station=row.station_id)
    if row.acknowledged_at is not None:
        raise DomainError(
            "error.handover_acknowledged", by=row.acknowledged_by, at=ctx.show(row.acknowledged_at)
        )
    if row.opened_by == name:
        raise DomainError("error.handover_same_operator", name=name)
    ctx.w.emit("handover.acknowledged", handover_id, {"id": handover_id, "by": name})
