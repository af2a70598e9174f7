"""verify checks the trust table against this station's own events."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from data.store.verify import verify
from models.clock import FrozenClock
from tests.unit.sync_support import open_station, trust_each_other

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def test_a_trusted_key_swapped_behind_the_log_is_found(tmp_path: Path) -> None:
    clock = FrozenClock(NOW)
    a, b = open_station(tmp_path, "ST-A", clock), open_station(tmp_path, "ST-B", clock)
    trust_each_other([a, b])
    assert verify(a.engine).ok
    raw = sqlite3.connect(tmp_path / "ST-A.db")
    raw.execute("UPDATE sync_trust SET public_key = ? WHERE station_id = 'ST-B'", ("0" * 64,))
    raw.commit()
    raw.close()
    report = verify(a.engine)
    assert not report.ok and "ST-B" in report.problems[0]
    a.close()
    b.close()
