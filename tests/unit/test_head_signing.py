"""Issue 13: a station signs its chain head at every export, on demand, and by itself at the
end of every shift (the desk locked) and once a day (the first sign-in of a new local day)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from data.service import Service, verify
from data.settings import Settings
from data.store.db import open_sync
from data.write.commands.cases import receive_case
from models.clock import FrozenClock
from tests.unit.support import CASE, SECRET, as_supervisor, rows

START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


async def _desk(path: Path, clock: FrozenClock) -> Service:
    settings = Settings(station_id="ST-HEAD")
    as_supervisor(path, settings, clock, "值班员").close()
    service = await Service.open(path, settings, clock)
    await service.sign_in("值班员", SECRET)
    return service


def _types(path: Path) -> list[str]:
    return [r[0] for r in rows(path, "SELECT type FROM event ORDER BY seq")]


async def test_locking_the_desk_signs_the_head_the_shift_ended_on(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    service = await _desk(path, FrozenClock(START))
    try:
        await service.run(receive_case, **CASE)
        await service.lock(idle=False)
        assert _types(path)[-2:] == ["desk.locked", "chain.head_signed"]
    finally:
        await service.close()
    engine = open_sync(path, writer=False)
    try:
        assert verify(engine).ok
    finally:
        engine.dispose()


async def test_the_head_is_signed_once_a_day_and_only_when_something_happened(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    clock = FrozenClock(START)
    service = await _desk(path, clock)
    try:
        assert _types(path)[-2:] == ["operator.signed_in", "chain.head_signed"]  # the day's first
        clock.advance(hours=3)
        await service.run(receive_case, **CASE)
        assert not await service.sign_head_when_due()  # signed today already
        clock.advance(hours=14)  # 03:00 the next day: the day before ended on the case
        await service.sign_in("值班员", SECRET)  # the next shift's first sign-in
        signed = [r[0] for r in rows(path, "SELECT seq FROM event WHERE type = 'chain.head_signed'")]
        assert len(signed) == 2
        await service.sign_in("值班员", SECRET)  # signed today already: nothing more
        assert len(rows(path, "SELECT seq FROM event WHERE type = 'chain.head_signed'")) == 2
        clock.advance(days=1)
        assert await service.sign_head_when_due()  # the sign-in after the last head is new
        clock.advance(days=1)  # a quiet day: nothing new since the last signature
        assert not await service.sign_head_when_due()
        assert _types(path)[-1] == "chain.head_signed"
    finally:
        await service.close()
    engine = open_sync(path, writer=False)
    try:
        assert verify(engine).ok
    finally:
        engine.dispose()
