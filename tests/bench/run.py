"""The desk's on-demand benchmark: one command, one table (not part of the test suite).

    PYTHONPATH=$PWD python -m tests.bench.run --cases 1000 1000000

Builds each database once with ``whistle demo --cases N`` into the cache folder
(``--cache``, default ~/.cache/whistle-bench/cases-N.db) and reuses it after; a build
interrupted half-way is thrown away (it is written to ``….part`` first). Then, per database:
start-up from the command to the painted queue (warm: the first start is not counted) with its
CPU time and peak memory, and in one headless desk: CPU per key (move, page, End, Home),
applying a filter and a search (counts included), search p95 for a frequent character and a
rare term, idle CPU with the queue showing, and how long another desk's write takes to show
(p95 of 20; each run adds one received case to the cached database); and view 5's reads on
the busiest month: its scorecard, rates, communities, the 12-month trend and the lists behind a
figure (``tests.bench.assessment``, which also runs alone on any database); then the sync rows
(``--parts sync``, tests/bench/sync.py): export, import beside a raw ``sqlite3`` upsert of
the same event rows into the same schema, the chain check alone, verify --quick, --since and
the full replay, each with its events per second of CPU and its peak memory. Medians unless
marked p95; CPU time beside wall time because the machine may be shared; the last column is the
largest database over the smallest (CPU where there is CPU).

A 1,000,000-case build takes a while (``whistle demo`` copies cases at ~1,600 a second of CPU);
build it once beforehand if you like, then point ``--cache`` at its folder.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.bench.common import median

ROOT = Path(__file__).resolve().parents[2]
OPERATOR = "王丽"
"""A duty operator of the demo: the queue is painted under her sign-in."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def ensure_db(cache: Path, cases: int) -> Path:
    path = cache / f"cases-{cases}.db"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    part = cache / f"cases-{cases}.db.part"
    for leftover in cache.glob(f"cases-{cases}.db.part*"):
        leftover.unlink()
    print(f"building {path} …", file=sys.stderr, flush=True)
    code = "from tui.cli import main; raise SystemExit(main())"
    subprocess.run(
        [sys.executable, "-c", code, "demo", "--db", str(part), "--cases", str(cases)],
        check=True,
        env=_env(),
        cwd=ROOT,
    )
    for side in cache.glob(f"cases-{cases}.db.part.*"):  # the station's key file beside it
        side.rename(cache / side.name.replace(".db.part.", ".db."))
    part.rename(path)
    return path


def startup(path: Path, runs: int) -> dict[str, Any]:
    """``runs`` starts after one warm-up start; wall from the spawn to the painted queue."""
    walls, cpus, rss = [], [], []
    for i in range(runs + 1):
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.startup", "--db", str(path), "--operator", OPERATOR],
            stdout=subprocess.PIPE,
            env=_env(),
            cwd=ROOT,
            text=True,
        )
        assert child.stdout is not None
        line = child.stdout.readline()
        wall = (time.perf_counter() - started) * 1000
        child.kill()  # what is measured ends at the painted queue, not at the way out
        child.wait()
        if not line:
            raise SystemExit(f"start-up on {path} printed nothing")
        if i == 0:
            continue
        got = json.loads(line)
        walls.append(wall)
        cpus.append(got["cpu_ms"])
        rss.append(got["rss_mb"])
    return {"wall": median(walls), "cpu": median(cpus), "rss_mb": median(rss)}


def desk(path: Path, runs: int, idle: float, seen: int) -> dict[str, Any]:
    args = [sys.executable, "-m", "tests.bench.desk", str(path), "--runs", str(runs)]
    args += ["--idle", str(idle), "--seen", str(seen)]
    done = subprocess.run(args, check=True, env=_env(), cwd=ROOT, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def assessment(path: Path, runs: int) -> dict[str, Any]:
    """View 5's reads on the busiest month (``tests.bench.assessment``)."""
    args = [sys.executable, "-m", "tests.bench.assessment", str(path), "--runs", str(runs)]
    done = subprocess.run(args, check=True, env=_env(), cwd=ROOT, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


ASSESSMENT_ROWS = (
    ("month scorecard", "month scorecard ms (≤300 at 1M)"),
    ("month rates", "month station rates ms"),
    ("month by community", "month by community ms"),
    ("12-month trend", "12-month trend ms (≤1000 at 1M)"),
    ("drill-down", "drill-down (dept absent) ms (≤100 at 1M)"),
    ("drill-down community", "drill-down (community received) ms"),
)


SYNC_STEPS = (
    ("export", []),
    ("import", []),
    ("raw", []),
    ("verify", ["--mode", "chain"]),  # the chain check alone
    ("verify", ["--mode", "quick"]),
    ("verify", ["--mode", "since"]),  # after the quick one, which left its marks
    ("verify", ["--mode", "full"]),
)


def sync(path: Path, runs: int) -> dict[str, Any]:
    """Export, import beside the raw ``sqlite3`` upsert of the same rows, and verify (quick,
    since the marks the quick one left, full replay), each in its own child (its own peak
    memory); medians of ``runs``. The scratch files are under the cache, beside the database."""
    work = path.with_name(path.stem + "-sync")
    out: dict[str, Any] = {}
    samples: dict[str, list[dict[str, Any]]] = {}
    for _ in range(runs):
        for step, extra in SYNC_STEPS:
            args = [sys.executable, "-m", "tests.bench.sync", step, str(path), str(work), *extra]
            done = subprocess.run(args, check=True, env=_env(), cwd=ROOT, capture_output=True, text=True)
            got = json.loads(done.stdout.strip().splitlines()[-1])
            samples.setdefault(got["step"], []).append(got)
    for step, got in samples.items():
        events = got[0]["events"]
        cpu = median([g["cpu"] for g in got])
        out[step] = {
            "wall": median([g["wall"] for g in got]),
            "cpu": cpu,
            "rss_mb": max(g["rss_mb"] for g in got),
            "events": events,
            "per_s": events / cpu * 1000 if cpu else float("nan"),
        }
    return out


def _cell(wall: float | None, cpu: float | None) -> str:
    parts = []
    if wall is not None:
        parts.append(f"{wall:8.1f}")
    if cpu is not None:
        parts.append(f"cpu {cpu:7.1f}")
    return " / ".join(parts)


def table(results: dict[int, dict[str, Any]]) -> str:
    sizes = sorted(results)
    rows: list[tuple[str, list[str], str]] = []

    def ratio(values: list[float | None]) -> str:
        a, b = values[0], values[-1]
        if a is None or b is None or not a or len(values) < 2 or math.isnan(a) or math.isnan(b):
            return ""
        return f"{b / a:5.2f}"

    def add(name: str, wall: list[float | None], cpu: list[float | None]) -> None:
        cells = [_cell(w, c) for w, c in zip(wall, cpu, strict=True)]
        rows.append((name, cells, ratio(cpu if any(c is not None for c in cpu) else wall)))

    r = [results[n] for n in sizes]
    if all("sync" in x for x in r):
        for step in r[0]["sync"]:
            add(f"{step} events", [x["sync"][step]["events"] for x in r], [None] * len(r))
            add(f"{step} ms", [x["sync"][step]["wall"] for x in r], [x["sync"][step]["cpu"] for x in r])
            add(f"{step} events/s of CPU", [x["sync"][step]["per_s"] for x in r], [None] * len(r))
            add(f"{step} peak RSS MB", [x["sync"][step]["rss_mb"] for x in r], [None] * len(r))
        add(
            "import as % of raw sqlite3 upsert (events/s of CPU)",
            [100 * x["sync"]["import"]["per_s"] / x["sync"]["raw"]["per_s"] for x in r],
            [None] * len(r),
        )
    if not all("desk" in x for x in r):
        return _format(sizes, rows)
    add("queue rows", [x["desk"]["queue_rows"] for x in r], [None] * len(r))
    add("start-up ms (warm)", [x["start"]["wall"] for x in r], [x["start"]["cpu"] for x in r])
    add("memory at start-up MB", [x["start"]["rss_mb"] for x in r], [None] * len(r))
    for key in ("key move", "key page", "key End", "key Home", "filter", "search"):
        add(f"{key} ms", [x["desk"][key]["wall"] for x in r], [x["desk"][key]["cpu"] for x in r])
    for key in [k for k in r[0]["desk"] if k.startswith("search ") and k != "search"]:
        add(
            f"{key} ms p95",
            [x["desk"][key]["wall_p95"] for x in r],
            [x["desk"][key]["cpu_p95"] for x in r],
        )
    add("idle CPU %", [None] * len(r), [x["desk"]["idle cpu %"] for x in r])
    add("another desk sees ms (median)", [x["desk"]["another desk"]["wall"] for x in r], [None] * len(r))
    add("another desk sees ms p95", [x["desk"]["another desk"]["wall_p95"] for x in r], [None] * len(r))
    if all("assessment" in x for x in r):
        for key, name in ASSESSMENT_ROWS:
            add(name, [x["assessment"][key]["wall"] for x in r], [x["assessment"][key]["cpu"] for x in r])
    return _format(sizes, rows)


def _format(sizes: list[int], rows: list[tuple[str, list[str], str]]) -> str:
    head = ["", *(f"{n:,} cases (wall / cpu)" for n in sizes), f"{sizes[-1]:,}/{sizes[0]:,}"]
    widths = [max(len(head[0]), *(len(x[0]) for x in rows))]
    for i in range(len(sizes)):
        widths.append(max(len(head[i + 1]), *(len(x[1][i]) for x in rows)))
    widths.append(len(head[-1]))
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    for name, cells, rat in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip([name, *cells, rat], widths, strict=True)))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, nargs="+", default=[1000, 1_000_000])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "whistle-bench")
    parser.add_argument("--runs", type=int, default=7, help="samples per key / filter (medians)")
    parser.add_argument("--starts", type=int, default=5, help="warm starts measured")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle measured")
    parser.add_argument("--seen", type=int, default=20, help="writes by another desk")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=["desk", "sync"],
        default=["desk", "sync"],
        help="desk: start-up, keys, idle, another desk; sync: export, import, raw upsert, verify",
    )
    parser.add_argument("--sync-runs", type=int, default=1, help="samples of each sync step")
    args = parser.parse_args()
    paths = {n: ensure_db(args.cache, n) for n in args.cases}
    results: dict[int, dict[str, Any]] = {}
    for n, path in paths.items():
        print(f"measuring {path} …", file=sys.stderr, flush=True)
        results[n] = {}
        if "desk" in args.parts:
            results[n]["start"] = startup(path, args.starts)
            results[n]["desk"] = desk(path, args.runs, args.idle, args.seen)
            results[n]["assessment"] = assessment(path, args.runs)
        if "sync" in args.parts:
            results[n]["sync"] = sync(path, args.sync_runs)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(results))
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"(benchmark children used {used.ru_utime + used.ru_stime:.0f} s of CPU)")


if __name__ == "__main__":
    main()
