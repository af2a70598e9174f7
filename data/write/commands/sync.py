"""Writes of the exchange: trusting a station's key, and the trace of exports, imports
and refusals. Trust is local bookkeeping written beside its event, like ``is_local``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from data.store.keys import load_or_create, parse_public, public_text
from data.store.tables import STATION, TRUST
from data.write.commands.common import Ctx
from data.write.commands.operators import require_supervisor
from models.errors import DomainError, ValidationError


def trust_station(ctx: Ctx, station: str, public_key: str) -> bool:
    """Accept bundles from ``station`` signed by ``public_key`` (a supervisor's decision).
    False when already so."""
    require_supervisor(ctx)
    station = station.strip()
    if not station:
        raise ValidationError("sync.error.station_required", field="station")
    public_key = public_key.strip().lower()
    parse_public(public_key)
    if station == ctx.w.station_id:
        raise DomainError("sync.error.trust_self", station=station)
    held = ctx.conn.execute(select(TRUST.c.public_key).where(TRUST.c.station_id == station)).scalar()
    if held == public_key:
        return False
    ctx.w.emit("sync.trusted", None, {"station": station, "public_key": public_key, "replaces": held})
    values = {"public_key": public_key, "added_at": ctx.now, "added_by": ctx.w.operator}
    ctx.conn.execute(
        insert(TRUST)
        .values(station_id=station, **values)
        .on_conflict_do_update(index_elements=["station_id"], set_=values)
    )
    return True


def record_export(ctx: Ctx, payload: dict[str, Any]) -> None:
    if payload.get("include_personal"):
        require_supervisor(ctx)
    ctx.w.emit("sync.exported", None, payload)


def record_personal_export(ctx: Ctx, kind: str, count: int) -> None:
    require_supervisor(ctx)
    ctx.w.emit("export.personal", None, {"kind": kind, "count": count})


def record_refusal(ctx: Ctx, payload: dict[str, Any]) -> None:
    ctx.w.emit("sync.refused", None, payload)


def ensure_station_key(ctx: Ctx, path: Path) -> Ed25519PrivateKey:
    """Load (or make) the key file, and announce its public half when the history does not
    already hold it — after a first start, or when the key file had to be made anew."""
    key = load_or_create(path)
    public = public_text(key)
    station = ctx.w.station_id
    known = ctx.conn.execute(select(STATION.c.public_key).where(STATION.c.id == station)).scalar()
    if known != public:
        ctx.w.emit("station.key", station, {"id": station, "public_key": public})
    return key
