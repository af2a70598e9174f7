"""Who may act: operators, their PINs and passphrases, signing in, locking the desk, and the
one guard every supervisor-only command calls (``require_supervisor``).

A secret is checked here and nowhere else. A wrong one raises ``WrongSecret``; the service
then writes ``operator.signin_failed`` in a transaction of its own (the command's own is
rolled back), so every failure is counted and the next try waits (models.credentials).
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Connection, select

from data.store.rows import upsert
from data.store.tables import CREDENTIAL, EVENT, OPERATOR
from data.write.commands.common import Ctx, required
from models.credentials import acceptable, check_secret, hash_secret, wait_after
from models.enums import Role
from models.errors import DomainError, ValidationError

UNNAMED = ""
"""The operator of a command run without naming one: nobody in particular, with no role."""

SIGNED_IN = ("operator.signed_in", "desk.unlocked", "operator.secret_set")
FAILED = "operator.signin_failed"
LOOKBACK = 64


class WrongSecret(DomainError):
    """A wrong PIN or passphrase for ``name``; its ``failures`` in a row, this one included."""

    def __init__(self, name: str, failures: int) -> None:
        super().__init__("auth.wrong_secret", name=name)
        self.name = name
        self.failures = failures


def role_of(conn: Connection, station_id: str, name: str) -> Role | None:
    row = conn.execute(
        select(OPERATOR.c.role, OPERATOR.c.active).where(
            (OPERATOR.c.station_id == station_id) & (OPERATOR.c.name == name)
        )
    ).first()
    return Role(row.role) if row is not None and row.active else None


def has_credentials(conn: Connection, station_id: str) -> bool:
    return (
        conn.execute(select(CREDENTIAL.c.name).where(CREDENTIAL.c.station_id == station_id).limit(1)).first()
        is not None
    )


def failures_in_a_row(conn: Connection, station_id: str, name: str) -> tuple[int, datetime | None]:
    """Wrong tries for ``name`` since its last sign-in (or PIN reset), and when the last was,
    read from the record itself, so every desk and the command line count the same."""
    # by the subject's index alone, newest first in Python: ordered by seq in the statement,
    # SQLite walked the station's (station, seq) index back through every event it holds
    # (20 s for a sign-in at a million cases) to find an operator's few
    found = conn.execute(
        select(EVENT.c.type, EVENT.c.at, EVENT.c.seq, EVENT.c.station_id).where(
            (EVENT.c.subject == name) & EVENT.c.type.in_((*SIGNED_IN, FAILED))
        )
    ).all()
    rows = sorted((r for r in found if r.station_id == station_id), key=lambda r: r.seq, reverse=True)
    rows = rows[:LOOKBACK]
    count = 0
    for row in rows:
        if row.type != FAILED:
            break
        count += 1
    return count, (rows[0].at if count else None)


def check_secret_of(ctx: Ctx, name: str, secret: str) -> Role:
    """The one check of a PIN or passphrase; refused while the wait after failures runs."""
    station = ctx.w.station_id
    role = role_of(ctx.conn, station, name)
    if role is None:
        raise DomainError("auth.unknown_operator", name=name)
    failures, last = failures_in_a_row(ctx.conn, station, name)
    if last is not None:
        until = last + wait_after(failures)
        if ctx.now < until:
            seconds = math.ceil((until - ctx.now).total_seconds())
            raise DomainError("auth.wait", name=name, seconds=seconds)
    stored = ctx.conn.execute(
        select(CREDENTIAL.c.secret_hash).where(
            (CREDENTIAL.c.station_id == station) & (CREDENTIAL.c.name == name)
        )
    ).scalar()
    if stored is None:
        raise DomainError("auth.no_secret", name=name)
    if not check_secret(secret, stored):
        raise WrongSecret(name, failures + 1)
    return role


def record_failure(ctx: Ctx, failure: WrongSecret) -> None:
    ctx.w.emit(FAILED, failure.name, {"name": failure.name, "failures": failure.failures})


def require_supervisor(ctx: Ctx, proof: str | None = None) -> None:
    """The one guard of supervisor-only commands (roles, personal-data exports, draws, holiday
    tables, corrections, trust): the operator acting is a supervisor and has just given their
    passphrase (``proof``, or the one the service was given for this command)."""
    name = ctx.w.operator
    if name == UNNAMED:
        raise DomainError("auth.needs_named_supervisor")
    if role_of(ctx.conn, ctx.w.station_id, name) != Role.SUPERVISOR:
        raise DomainError("auth.needs_supervisor", operator=name)
    proof = proof if proof is not None else ctx.proof
    if not proof:
        raise DomainError("auth.needs_passphrase", operator=name)
    check_secret_of(ctx, name, proof)


def _set_secret(ctx: Ctx, name: str, secret: str) -> None:
    if not acceptable(secret):
        raise ValidationError("auth.secret_too_short", field="secret")
    record = ctx.w.emit("operator.secret_set", name, {"name": name})
    values = {
        "secret_hash": hash_secret(secret),
        "set_at": ctx.now,
        "set_by": ctx.w.operator,
        "event_id": record.id,
    }
    ctx.conn.execute(
        upsert(ctx.conn, CREDENTIAL)
        .values(station_id=ctx.w.station_id, name=name, **values)
        .on_conflict_do_update(index_elements=["station_id", "name"], set_=values)
    )


def enrol(ctx: Ctx, *, name: str, role: Role, secret: str) -> None:
    """An operator with a PIN, unchecked: the first supervisor (``first_supervisor``) and the
    demo's staff. Everyone else is added by a supervisor (``manage_operator``)."""
    name = required(name, "operator")
    if not acceptable(secret):
        raise ValidationError("auth.secret_too_short", field="secret")
    known = role_of(ctx.conn, ctx.w.station_id, name)
    ctx.w.emit(
        "operator.changed" if known else "operator.added",
        None,
        {"name": name, "role": role.value, "active": True},
    )
    _set_secret(ctx, name, secret)


def first_supervisor(ctx: Ctx, *, name: str, secret: str) -> None:
    """``whistle init``: the station's first supervisor. Refused once anyone at the station
    has a PIN; then only a supervisor adds people."""
    if has_credentials(ctx.conn, ctx.w.station_id):
        raise DomainError("auth.already_set_up")
    enrol(ctx, name=name, role=Role.SUPERVISOR, secret=secret)


def manage_operator(ctx: Ctx, *, name: str, role: Role | None = None, secret: str | None = None) -> bool:
    """A supervisor adds an operator (with a PIN), changes a role or resets a PIN; never their
    own role. Returns whether the operator is new."""
    require_supervisor(ctx)
    name = required(name, "operator")
    current = role_of(ctx.conn, ctx.w.station_id, name)
    if current is None:
        if not secret:
            raise ValidationError("auth.new_needs_secret", field="secret", name=name)
        enrol(ctx, name=name, role=role or Role.OPERATOR, secret=secret)
        return True
    if role is not None and role != current:
        if name == ctx.w.operator:
            raise DomainError("auth.own_role", name=name)
        ctx.w.emit("operator.changed", None, {"name": name, "role": role.value, "active": True})
    if secret:
        _set_secret(ctx, name, secret)
    return False


def sign_in(ctx: Ctx, name: str, secret: str, *, unlock_from: str | None = None) -> Role:
    """Run by the service as ``name``. ``unlock_from``: who had the desk when it locked."""
    role = check_secret_of(ctx, name, secret)
    if unlock_from is None:
        ctx.w.emit("operator.signed_in", name, {"name": name, "role": role.value})
    else:
        ctx.w.emit("desk.unlocked", name, {"name": name, "role": role.value, "locked_by": unlock_from})
    return role


def lock_desk(ctx: Ctx, *, idle: bool) -> None:
    ctx.w.emit("desk.locked", ctx.w.operator or None, {"name": ctx.w.operator, "idle": idle})


def role_of_operator(ctx: Ctx, name: str) -> Role | None:
    """A read for the command line, inside its service: ``name``'s role here, if any."""
    return role_of(ctx.conn, ctx.w.station_id, name)
