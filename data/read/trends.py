"""The assessment over the last periods: every station rate and every department's score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from data.read.assessment import cards_of
from data.read.station_rates import StationRates, station_rates
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
    rates = [station_rates(conn, p, now, tz, station=station) for p in periods]
    scores: dict[str, list[Fraction | None]] = {}
    for at, p in enumerate(periods):
        for code, card in cards_of(conn, p, now, tz, weights, station, False).items():
            scores.setdefault(code, [None] * len(periods))[at] = card.score
    return Trend(periods, rates, scores)
