"""The assessment over the last periods: every station rate and every department's score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from data.read.assessment import cards_from_totals, cards_of
from data.read.station_rates import StationRates, rates_from_totals, station_rates
from data.read.summons import summonses_between
from data.read.totals import department_totals, totals_usable
from models.assessment import Weights
from models.periods import Period


@dataclass(frozen=True)
class Trend:
    """The last ``count`` periods up to the chosen one, oldest first."""

    periods: list[Period]
    rates: list[StationRates]
    scores: dict[str, list[Fraction | None]]
    """Per department code, its score in each period (None where it had nothing to assess)."""


def trend(
    conn: Connection,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    weights: Weights | None = None,
    *,
    count: int = 12,
    station: str | None = None,
) -> Trend:
    weights = weights or Weights()
    periods = period.trail(count)
    if totals_usable(conn, tz):
        return _from_totals(conn, periods, now, weights, station)
    bounds = [p.bounds(tz) for p in periods]
    everything = summonses_between(conn, bounds[0][0], bounds[-1][1], station)  # one read, not 2 × count
    rates: list[StationRates] = []
    scores: dict[str, list[Fraction | None]] = {}
    for at, (p, (start, end)) in enumerate(zip(periods, bounds, strict=True)):
        found = [s for s in everything if start <= s.blown_at < end]
        rates.append(station_rates(conn, p, now, tz, station=station, found=found))
        for code, card in cards_of(conn, p, now, tz, weights, station, False, found).items():
            scores.setdefault(code, [None] * len(periods))[at] = card.score
    return Trend(periods, rates, scores)


def _from_totals(
    conn: Connection, periods: list[Period], now: datetime, weights: Weights, station: str | None
) -> Trend:
    rates: list[StationRates] = []
    scores: dict[str, list[Fraction | None]] = {}
    for at, p in enumerate(periods):
        counted = department_totals(conn, p, now, station)
        rates.append(rates_from_totals(conn, p, now, station, counted))
        cards = cards_from_totals(conn, p, now, weights, station, False, medians=False, counted=counted)
        for code, card in cards.items():
            scores.setdefault(code, [None] * len(periods))[at] = card.score
    return Trend(periods, rates, scores)
