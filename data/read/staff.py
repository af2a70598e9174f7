"""The demo's operators and their PINs, shown to a newcomer at sign-in and printed by
``whistle demo``: read without importing the demo itself (the console starts without it)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from data.store.tables import CREDENTIAL, OPERATOR, local_station
from models.credentials import check_secret
from models.enums import Role

SUPERVISOR = "赵主任"  # 中心主任: the one a newcomer guesses holds the supervisor's keys
# Demo databases only (``whistle demo`` prints them): every demo operator's PIN.
DEMO_PINS = {
    SUPERVISOR: "8888",
    "王丽": "1111",
    "刘强": "2222",
    "陈静": "3333",
    "孙建国": "4444",
    "周海燕": "5555",
    "吴志强": "6666",
}


def demo_staff(conn: Connection, station_id: str | None = None) -> list[tuple[str, Role, str]]:
    """The demo's operators, roles and PINs, for a newcomer to sign in with: only in a demo
    file, where every one of them is there with the demo's PIN (a real station's file that
    happens to have one of these names and PINs shows nothing)."""
    return demo_pins_hold(demo_candidates(conn, station_id))


def demo_candidates(conn: Connection, station_id: str | None = None) -> list[tuple[str, str, str]]:
    """The local operators named like the demo's: (name, role, stored passphrase hash)."""
    station_id = station_id or local_station(conn)
    rows = conn.execute(
        select(OPERATOR.c.name, OPERATOR.c.role, CREDENTIAL.c.secret_hash)
        .join(
            CREDENTIAL,
            (CREDENTIAL.c.station_id == OPERATOR.c.station_id) & (CREDENTIAL.c.name == OPERATOR.c.name),
        )
        .where((OPERATOR.c.station_id == station_id) & OPERATOR.c.name.in_(list(DEMO_PINS)))
    ).all()
    return [(str(name), str(role), str(secret)) for name, role, secret in rows]


def demo_pins_hold(candidates: list[tuple[str, str, str]]) -> list[tuple[str, Role, str]]:
    """The demo's staff when every one of ``candidates`` still has the demo's PIN, else none.
    No database: each check is a deliberately slow key derivation (~50 ms), so the console
    runs this off its event loop, after the sign-in is up."""
    if len(candidates) != len(DEMO_PINS):
        return []  # not all of them there: no passphrase needs checking
    order = list(DEMO_PINS)
    staff = []
    for name, role, secret in sorted(candidates, key=lambda r: order.index(r[0])):
        pin = DEMO_PINS[name]
        if not check_secret(pin, secret):
            return []
        staff.append((name, Role(role), pin))
    return staff
