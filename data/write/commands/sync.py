"""Writes of the exchange: trusting a station's key, and the trace of exports, imports
and refusals. Trust is local bookkeeping written beside its event, like ``is_local``."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, func, select

from data.store.eventlog import head_of
from data.store.heads import head_message
from data.store.keys import load_or_create, load_private, parse_public, public_text, sign
from data.store.rows import upsert
from data.store.tables import EVENT, PENDING, SIGNED_HEAD, STATION, TRUST
from data.write.commands.common import Ctx
from data.write.commands.operators import require_supervisor
from models.errors import DomainError, ValidationError
from models.events import EventRecord
from models.ids import to_iso


def trust_station(ctx: Ctx, station: str, public_key: str, district: bool = False) -> bool:
    """Accept bundles from ``station`` signed by ``public_key`` (a supervisor's decision);
    ``district``: that station is this one's district, the authority for shared reference rows.
    False when already so."""
    require_supervisor(ctx)
    station = station.strip()
    if not station:
        raise ValidationError("sync.error.station_required", field="station")
    public_key = public_key.strip().lower()
    parse_public(public_key)
    if station == ctx.w.station_id:
        raise DomainError("sync.error.trust_self", station=station)
    held_row = ctx.conn.execute(
        select(TRUST.c.public_key, TRUST.c.district).where(TRUST.c.station_id == station)
    ).first()
    held = held_row.public_key if held_row else None
    if held_row is not None and held == public_key and bool(held_row.district) == district:
        return False
    payload: dict[str, Any] = {"station": station, "public_key": public_key, "replaces": held}
    if district:
        payload["district"] = True
    ctx.w.emit("sync.trusted", None, payload)
    values = {"public_key": public_key, "added_at": ctx.now, "added_by": ctx.w.operator, "district": district}
    ctx.conn.execute(
        upsert(ctx.conn, TRUST)
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


# After these, nothing has happened worth a new signature (an export with nothing new stays so).
UNSIGNED_TAIL = ("chain.head_signed", "sync.exported")


def _signed_already(ctx: Ctx, seq: int) -> bool:
    """Nothing has happened since the head was last signed (but the export's trace)."""
    last = ctx.conn.execute(
        select(EVENT.c.type).where((EVENT.c.station_id == ctx.w.station_id) & (EVENT.c.seq == seq))
    ).scalar()
    return last in UNSIGNED_TAIL


def sign_head(ctx: Ctx, key: Ed25519PrivateKey, *, always: bool = True) -> tuple[int, str]:
    """Sign this station's chain head (station, seq, hash, time) with its key, as an event,
    so the head travels with the next bundle and peers and the district keep it. Unless
    ``always``, a head already signed (nothing since but the export's trace) is left as is."""
    seq, hash_ = head_of(ctx.conn, ctx.w.station_id)
    if not always and _signed_already(ctx, seq):
        return seq, hash_
    at = to_iso(ctx.now)
    signature = sign(key, head_message(ctx.w.station_id, seq, hash_, at)).hex()
    payload = {"station": ctx.w.station_id, "seq": seq, "hash": hash_, "at": at, "signature": signature}
    ctx.w.emit("chain.head_signed", None, payload)
    return seq, hash_


def sign_head_when_due(ctx: Ctx, key_path: Path, *, shift_ended: bool) -> bool:
    """The console's own signatures: at the end of a shift (the desk locked) and once a day
    (the first sign-in of a new local day signs the head the day before ended on). Nothing
    new since the last signature, or a head signed already today, leaves it (and the key
    file unread). Returns whether a head was signed."""
    if not key_path.exists() or _signed_already(ctx, head_of(ctx.conn, ctx.w.station_id)[0]):
        return False
    if not shift_ended:
        tz = ctx.rules.settings.tz
        midnight = datetime.combine(ctx.now.astimezone(tz).date(), time(0), tz)
        last = ctx.conn.execute(  # the heads kept for this station, by their index
            select(func.max(SIGNED_HEAD.c.signed_at)).where(SIGNED_HEAD.c.station_id == ctx.w.station_id)
        ).scalar()
        if last is not None and last >= midnight:
            return False
    sign_head(ctx, load_private(key_path))
    return True


def record_received_head(ctx: Ctx, head: EventRecord) -> None:
    """Keep (and send back with this station's own bundles) the newest head a bundle carried."""
    ctx.w.emit("chain.head_received", None, dict(head.payload))


def drop_held(ctx: Ctx, digest: str) -> dict[str, Any]:
    """A supervisor drops a held bundle (it is refused for good; its station may send it again)."""
    require_supervisor(ctx)
    row = ctx.conn.execute(
        select(PENDING.c.digest, PENDING.c.station_id, PENDING.c.first_seq, PENDING.c.last_seq).where(
            PENDING.c.digest.startswith(digest.strip().lower(), autoescape=True)
        )
    ).all()
    if len(row) != 1:
        raise DomainError("sync.error.no_held", digest=digest)
    held = row[0]
    ctx.conn.execute(delete(PENDING).where(PENDING.c.digest == held.digest))
    payload = {
        "station": held.station_id,
        "first_seq": held.first_seq,
        "last_seq": held.last_seq,
        "bundle_sha256": held.digest,
    }
    ctx.w.emit("sync.dropped", None, payload)
    return payload
