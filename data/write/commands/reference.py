"""Stations, operators, departments (the working calendar: data/write/commands/working_time.py)."""

from __future__ import annotations

from sqlalchemy import select, update

from data.catalogue import DEPARTMENTS
from data.store.tables import DEPARTMENT, OPERATOR, STATION
from data.write.commands.common import Ctx, required
from models.enums import Role, StationingMode


def register_station(
    ctx: Ctx, *, name: str, case_prefix: str, local: bool = True, district: bool = False
) -> None:
    payload: dict[str, object] = {
        "id": ctx.w.station_id,
        "name": required(name, "station_name"),
        "case_prefix": required(case_prefix, "case_prefix"),
    }
    if district:
        payload["district"] = True
    ctx.w.emit("station.registered", ctx.w.station_id, payload)
    if local:
        # Which station a file belongs to is a fact about the file, not about the history.
        ctx.conn.execute(update(STATION).where(STATION.c.id == ctx.w.station_id).values(is_local=True))


def add_operator(ctx: Ctx, *, name: str, role: Role = Role.OPERATOR) -> None:
    name = required(name, "operator")
    exists = ctx.conn.execute(
        select(OPERATOR.c.role).where((OPERATOR.c.station_id == ctx.w.station_id) & (OPERATOR.c.name == name))
    ).first()
    event = "operator.changed" if exists else "operator.added"
    ctx.w.emit(event, None, {"name": name, "role": role.value, "active": True})


def upsert_department(
    ctx: Ctx,
    *,
    code: str,
    name: str,
    name_en: str = "",
    mode: StationingMode = StationingMode.ON_CALL,
    contact: str = "",
    active: bool = True,
    sort: int | None = None,
    seed: bool = False,
) -> None:
    """A department's catalogue entry. ``seed`` marks the shipped defaults, which any edit
    outranks (data/handlers/reference.py)."""
    code = required(code, "code").upper()
    if sort is None:
        current = ctx.conn.execute(select(DEPARTMENT.c.sort).where(DEPARTMENT.c.code == code)).scalar()
        if current is None:
            top = ctx.conn.execute(select(DEPARTMENT.c.sort).order_by(DEPARTMENT.c.sort.desc())).scalar()
            current = (top or 0) + 1
        sort = current
    payload = {
        "code": code,
        "name": required(name, "name"),
        "name_en": name_en.strip(),
        "mode": StationingMode(mode).value,
        "contact": contact.strip(),
        "active": active,
        "sort": sort,
        **({"seed": True} if seed else {}),
    }
    ctx.w.emit("department.upserted", None, payload)


def seed_catalogue(ctx: Ctx) -> None:
    for position, spec in enumerate(DEPARTMENTS, start=1):
        upsert_department(
            ctx,
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            mode=spec.mode,
            contact=spec.contact,
            sort=position,
            seed=True,
        )
