"""The assessment's timings on one database (run by ``tests.bench.run``, or alone):

    PYTHONPATH=$PWD python -m tests.bench.assessment DB [--runs 5]

The month with the most whistles: its department scorecards (with the previous month's, for the
change), the station's rates, the 12-month trend, the figures by community and by category (view
5's tables; the monthly report's facts, whose top communities and categories are among them),
and the lists behind a figure as view 5 opens them, their first page (the absent, all and the
rated summons of the most summoned department; the cases the busiest community received, the
cases it whistled, its absent summons and its arrivals; the cases of the busiest category that
relapsed), and one list read whole for comparison. Medians of ``--runs`` after one warm-up, wall and
CPU; the last line is JSON.

The scorecard, the rates, the trend and the list behind a scorecard figure read the running
totals (V20_PERIOD_TOTALS), the figures by community and by category and the lists behind them
theirs (V22_PLACE_TOTALS), when the station's zone is theirs (Asia/Shanghai); a file from before
them is counted when first opened for writing (any write opens it; ``whistle verify`` reads the
file as it is)."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from data.read.areas import Area, AreaFigure, area_cards
from data.read.assessment import Figure, behind_figure, scorecards
from data.read.behind import Behind
from data.read.periodic import periodic_facts
from data.read.station_rates import station_rates
from data.read.trends import trend
from data.service import open_sync
from data.store.tables import CASE, CHECKIN, WHISTLE
from models.periods import Period, month_period
from tests.bench.common import Sample, summary

TZ = ZoneInfo("Asia/Shanghai")


def busiest_month(conn: Connection) -> Period:
    month = func.substr(WHISTLE.c.blown_at, 1, 7)
    key = conn.execute(select(month).group_by(month).order_by(func.count().desc()).limit(1)).scalar()
    year, number = str(key).split("-")
    return month_period(date(int(year), int(number), 1))


def _sample(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    fn()  # warm: the first read fills the page cache
    samples = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append(Sample((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return summary(samples)


def measure(path: Path, runs: int) -> dict[str, Any]:
    engine = open_sync(path, writer=False)
    try:
        with engine.connect() as conn:
            period = busiest_month(conn)
            now = datetime.now(UTC)
            start, end = period.bounds(TZ)
            department = conn.execute(
                select(CHECKIN.c.department_code)
                .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
                .where(WHISTLE.c.blown_at >= start, WHISTLE.c.blown_at < end)
                .group_by(CHECKIN.c.department_code)
                .order_by(func.count().desc())
                .limit(1)
            ).scalar()
            community = conn.execute(
                select(CASE.c.community)
                .where(CASE.c.received_at >= start, CASE.c.received_at < end)
                .group_by(CASE.c.community)
                .order_by(func.count().desc())
                .limit(1)
            ).scalar()
            category = conn.execute(
                select(CASE.c.category)
                .where(CASE.c.received_at >= start, CASE.c.received_at < end)
                .group_by(CASE.c.category)
                .order_by(func.count().desc())
                .limit(1)
            ).scalar()
            cases = int(conn.execute(select(func.count()).select_from(CASE)).scalar() or 0)
            summoned = int(
                conn.execute(
                    select(func.count())
                    .select_from(CHECKIN)
                    .join(WHISTLE, WHISTLE.c.id == CHECKIN.c.whistle_id)
                    .where(WHISTLE.c.blown_at >= start, WHISTLE.c.blown_at < end)
                ).scalar()
                or 0
            )
            behind = len(behind_figure(conn, period, now, TZ, str(department), Figure.ABSENT))

            def opened(figure: str, **where: Any) -> Callable[[], Any]:
                """Opening the list behind a figure: its first page, as view 5 shows it."""
                return lambda: Behind(period, now, TZ, figure, **where).page(conn)

            def community_list(figure: str) -> Callable[[], Any]:
                return opened(figure, area=Area.COMMUNITY, key=str(community))

            return {
                "cases": cases,
                "month": period.key,
                "summoned in month": summoned,
                "rows behind": behind,
                "month scorecard": _sample(lambda: scorecards(conn, period, now, TZ), runs),
                "month rates": _sample(lambda: station_rates(conn, period, now, TZ), runs),
                "month by community": _sample(
                    lambda: area_cards(conn, period, now, TZ, Area.COMMUNITY), runs
                ),
                "month by category": _sample(lambda: area_cards(conn, period, now, TZ, Area.CATEGORY), runs),
                "month report facts": _sample(lambda: periodic_facts(conn, period, now, TZ), runs),
                "12-month trend": _sample(lambda: trend(conn, period, now, TZ, count=12), runs),
                "drill-down": _sample(opened(Figure.ABSENT, department=str(department)), runs),
                "drill-down summoned": _sample(opened(Figure.SUMMONED, department=str(department)), runs),
                "drill-down rated": _sample(opened(Figure.RATED, department=str(department)), runs),
                "drill-down community": _sample(community_list(AreaFigure.RECEIVED), runs),
                "drill-down whistled": _sample(community_list(AreaFigure.WHISTLED), runs),
                "drill-down area absent": _sample(community_list(AreaFigure.ABSENT), runs),
                "drill-down area waits": _sample(community_list(AreaFigure.ARRIVED), runs),
                "drill-down relapsed": _sample(
                    opened(AreaFigure.RELAPSED, area=Area.CATEGORY, key=str(category)), runs
                ),
                "whole list absent": _sample(
                    lambda: behind_figure(conn, period, now, TZ, str(department), Figure.ABSENT), runs
                ),
            }
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result = measure(args.db, args.runs)
    for key, value in result.items():
        if isinstance(value, dict):
            print(f"{key:24} {value['wall']:9.1f} ms  cpu {value['cpu']:9.1f} ms", flush=True)
        else:
            print(f"{key:24} {value}", flush=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
