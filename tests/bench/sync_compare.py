"""Before and after, side by side in one run: the sync steps of ``tests.bench.sync`` (export,
import, the raw ``sqlite3`` upsert, verify --quick and the full replay) run by two source
trees on the same demo database, alternating step by step so both see the same machine load.

    git archive BASE | tar -x -C /tmp/before
    PYTHONPATH=$PWD python -m tests.bench.sync_compare --before /tmp/before \\
        --db ~/.cache/whistle-bench/cases-20000.db

(build the database once with ``python -m tests.bench.run --cases 20000 --parts sync``;
add ``--steps import import-pg raw`` for the import into PostgreSQL beside the SQLite one).
Prints one table: wall and CPU ms, events per second of CPU, peak memory, for each tree,
and import as a share of the raw upsert measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STEPS = (
    ("export", []),
    ("import", []),
    ("raw", []),
    ("verify", ["--mode", "quick"]),
    ("verify", ["--mode", "full"]),
    ("import-pg", []),
)
ON_DEMAND = {"import-pg"}
"""Steps run only when named (``--steps import-pg``): the import into a throwaway PostgreSQL
cluster, which a tree older than that step cannot run."""


def _step(tree: Path, step: str, extra: list[str], db: Path, work: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    args = [sys.executable, "-m", "tests.bench.sync", step, str(db), str(work), *extra]
    done = subprocess.run(args, check=True, env=env, cwd=tree, capture_output=True, text=True)
    got: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return got


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, required=True, help="the source tree to compare with")
    parser.add_argument("--after", type=Path, default=ROOT, help="default: this tree")
    parser.add_argument("--db", type=Path, required=True, help="a demo database (tests.bench.run builds one)")
    parser.add_argument(
        "--steps",
        nargs="+",
        default=[s if not e else f"{s}-{e[1]}" for s, e in STEPS if s not in ON_DEMAND],
    )
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    rows: list[tuple[str, dict[str, dict[str, Any]]]] = []
    for step, extra in STEPS:
        name = step if not extra else f"{step}-{extra[1]}"
        if name not in args.steps:
            continue
        got = {}
        for label, tree in trees.items():
            work = args.db.with_name(f"{args.db.stem}-compare-{label}")
            work.mkdir(parents=True, exist_ok=True)
            got[label] = _step(tree, step, extra, args.db, work)
            print(f"{name:14} {label:6} {json.dumps(got[label])}", file=sys.stderr, flush=True)
        rows.append((name, got))
    print(
        f"{'step':14} {'tree':6} {'events':>8} {'wall ms':>10} {'cpu ms':>10} {'ev/s cpu':>10} {'peak MB':>8}"
    )
    per_s: dict[tuple[str, str], float] = {}
    for name, got in rows:
        for label, g in got.items():
            rate = g["events"] / g["cpu"] * 1000 if g["cpu"] else float("nan")
            per_s[(name, label)] = rate
            print(
                f"{name:14} {label:6} {g['events']:8d} {g['wall']:10.0f} {g['cpu']:10.0f} {rate:10.0f}"
                f" {g['rss_mb']:8.1f}"
            )
    for label in trees:
        if ("import", label) in per_s and ("raw", label) in per_s:
            share = 100 * per_s[("import", label)] / per_s[("raw", label)]
            print(f"import as % of raw sqlite3 upsert ({label}): {share:.1f}%")


if __name__ == "__main__":
    main()
