"""Two processes writing to one database at once lose nothing and raise nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from data.store.db import open_sync
from data.store.verify import verify
from tests.unit.support import one, rows

ROOT = Path(__file__).resolve().parents[2]
WRITES = 500

# Each writer opens the (possibly not yet existing) file itself, so the two also race
# through creation, schema upgrade and bootstrap.
WRITER = textwrap.dedent(
    """
    import sys
    import time
    from datetime import UTC, datetime
    from pathlib import Path

    from data.write.commands.cases import receive_case
    from data.service import SyncService
    from data.settings import Settings
    from models.clock import FrozenClock

    path, operator, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    clock = FrozenClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    svc = SyncService.open(path, Settings(station_id="ST-CONC"), clock, operator)
    print("ready", flush=True)
    sys.stdin.readline()  # both start writing together
    began = time.monotonic()
    for n in range(count):
        if n == 10:
            # meet the other writer here: both are then under way together, however the
            # machine schedules them
            print("ten", flush=True)
            sys.stdin.readline()
        svc.run(
            receive_case,
            source="hotline",
            category="noise",
            community="朝阳门社区",
            address=f"{operator}巷 {n} 号",
            description=f"{operator} 第 {n} 件",
        )
    ended = time.monotonic()
    svc.close()
    print("done", began, ended, flush=True)
    """
)


def test_two_processes_write_500_cases_each_and_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(WRITES)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("甲", "乙")
    ]
    for w in writers:  # each has opened (and so created or upgraded) the file
        assert w.stdout is not None and w.stdout.readline().strip() == "ready", w.communicate()[1]
    for w in writers:
        assert w.stdin is not None
        w.stdin.write("go\n")
        w.stdin.flush()
    for w in writers:  # each has written ten cases and waits for the other
        assert w.stdout is not None and w.stdout.readline().strip() == "ten", w.communicate()[1]
    for w in writers:
        assert w.stdin is not None
        w.stdin.write("on\n")
        w.stdin.flush()
    results = [w.communicate(timeout=300) for w in writers]
    spans = []
    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert err.strip() == "", err
        word, began, ended = out.split()
        assert word == "done"
        spans.append((float(began), float(ended)))
    (a0, a1), (b0, b1) = spans
    assert a0 < b1 and b0 < a1, "the two writers did not actually overlap"

    assert one(path, "SELECT count(*) FROM case_file")[0] == 2 * WRITES
    for name in ("甲", "乙"):
        mine = rows(path, "SELECT description FROM case_file WHERE received_by = ?", name)
        assert sorted(r[0] for r in mine) == sorted(f"{name} 第 {n} 件" for n in range(WRITES))
    numbers = [r[0] for r in rows(path, "SELECT number FROM case_file ORDER BY number")]
    assert numbers == [f"SJ-2026-{n:06d}" for n in range(1, 2 * WRITES + 1)]

    events = rows(path, "SELECT seq, operator, type FROM event ORDER BY seq")
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    received = [e["operator"] for e in events if e["type"] == "case.received"]
    assert sorted(received) == sorted(["甲", "乙"] * WRITES)

    engine = open_sync(path, writer=False)
    try:
        report = verify(engine)
    finally:
        engine.dispose()
    assert report.ok, report.problems
    assert report.events == len(events)
