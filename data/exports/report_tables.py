"""The assessment's tables: department scorecards, the station's rates, communities and
categories, the trend, and what a weekly or monthly report adds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from data.exports.report import Pct, Table
from data.read.areas import Area, AreaCards
from data.read.assessment import Scorecards
from data.read.periodic import AreaRow, PeriodicFacts
from data.read.station_rates import StationRates
from data.read.trends import Trend
from models.assessment import hmm
from models.charts import svg_line
from models.i18n import joined, t


def _change(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value):+.1f}"


def scorecard_table(cards: Scorecards) -> Table:
    headers = [
        t("assess.rank"),
        t("assess.department"),
        t("assess.summoned"),
        t("assess.on_time"),
        t("assess.late"),
        t("assess.absent"),
        t("assess.withdrawn"),
        t("assess.pending"),
        t("assess.on_time_rate"),
        t("assess.arrival_rate"),
        t("assess.mean_arrive"),
        t("assess.median_arrive"),
        t("assess.acted"),
        t("assess.rating"),
        t("assess.ratings"),
        t("assess.rework"),
        t("assess.pauses"),
        t("assess.paused_time"),
        t("assess.extensions"),
        t("assess.extended_time"),
        t("assess.corrections"),
        t("assess.entered_late"),
        t("assess.extended_late"),
        t("assess.score"),
        t("assess.change"),
        t("assess.previous_rank"),
    ]
    table = Table(
        t("assess.title_scorecard", period=cards.period.key), headers, numeric=set(range(2, len(headers)))
    )
    for c in cards.cards:
        name = c.name + ("" if c.active else t("assess.inactive"))
        table.rows.append(
            [
                c.rank,
                name,
                c.summoned,
                c.on_time,
                c.late,
                c.absent,
                c.withdrawn,
                c.pending,
                c.on_time_rate,
                c.arrival_rate,
                hmm(c.mean_minutes),
                hmm(c.median_minutes),
                c.action_rate,
                None if c.mean_rating is None else round(float(c.mean_rating), 2),
                c.rating_count,
                c.rework,
                c.pauses,
                hmm(c.paused_minutes) if c.pauses else None,
                c.extensions,
                hmm(c.extended_minutes) if c.extensions else None,
                c.corrections,
                c.entered_late,
                c.extended_late,
                None if c.score is None else round(float(c.score), 1),
                _change(c.change),
                c.previous_rank,
            ]
        )
    return table


def rates_table(rates: StationRates) -> Table:
    table = Table(
        t("assess.title_rates", period=rates.period.key),
        [t("assess.rate"), t("assess.value"), t("assess.num_den"), t("assess.definition")],
        numeric={1, 2},
    )
    for key, ratio in (
        ("closure", rates.closure),
        ("on_time_closure", rates.on_time_closure),
        ("rework", rates.rework),
        ("disposal", rates.disposal),
        ("whistle", rates.whistle),
        ("on_time", rates.on_time),
        ("arrival", rates.arrival),
    ):
        name = {
            "rework": "assess.rework_rate",
            "whistle": "assess.whistle_rate",
            "on_time": "assess.on_time_rate",
            "arrival": "assess.arrival_rate",
        }.get(key, f"assess.{key}")
        table.rows.append([t(name), Pct(ratio), f"{ratio.num}/{ratio.den}", t(f"assess.definition.{key}")])
    table.rows.append([t("assess.mean_arrive"), hmm(rates.mean_minutes_to_arrive), "", ""])
    table.rows.append([t("assess.received"), rates.received, "", ""])
    table.rows.append([t("assess.whistled"), rates.whistled, "", ""])
    table.rows.append([t("assess.withdrawn_count"), rates.withdrawn, "", ""])
    return table


def _when(at: datetime | None, tz: ZoneInfo) -> str:
    return "—" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def trend_table(history: Trend) -> Table:
    headers = [t("assess.rate"), *(p.key for p in history.periods)]
    table = Table(t("reports.trend", n=len(history.periods)), headers, numeric=set(range(1, len(headers))))
    for label_key, name in TREND_RATES:
        table.rows.append([t(label_key), *(Pct(getattr(r, name)) for r in history.rates)])
    return table


TREND_RATES = (
    ("assess.closure", "closure"),
    ("assess.on_time_closure", "on_time_closure"),
    ("assess.rework_rate", "rework"),
    ("assess.whistle_rate", "whistle"),
    ("assess.on_time_rate", "on_time"),
    ("assess.arrival_rate", "arrival"),
)


def trend_charts(history: Trend) -> list[str]:
    labels = [p.key for p in history.periods]
    return [
        svg_line([getattr(r, name).value for r in history.rates], labels, t(label_key), low=0.0, high=1.0)
        for label_key, name in TREND_RATES
    ]


def periodic_tables(facts: PeriodicFacts, tz: ZoneInfo, category_name: Callable[[str], str]) -> list[Table]:
    def area_table(title_key: str, rows: list[AreaRow], name: Callable[[str], str]) -> Table:
        table = Table(
            t(title_key),
            [t("report.area"), t("assess.received"), t("assess.whistled"), t("assess.rework")],
            numeric={1, 2, 3},
        )
        table.rows = [[name(r.key), str(r.received), str(r.whistled), str(r.relapses)] for r in rows]
        return table

    overdue = Table(
        t("report.overdue", shown=len(facts.overdue), total=facts.overdue_total),
        [
            t("reports.f.case"),
            t("report.category"),
            t("report.community"),
            t("report.deadline"),
            t("report.over"),
        ],
        numeric={4},
    )
    overdue.rows = [
        [o.number, category_name(o.category), o.community, _when(o.deadline, tz), hmm(o.minutes_over)]
        for o in facts.overdue
    ]
    rework = Table(
        t("report.relapses"),
        [t("reports.f.case"), t("report.category"), t("report.community"), t("report.charged")],
    )
    rework.rows = [
        [r.number, category_name(r.category), r.community, joined(r.departments)] for r in facts.relapses
    ]
    decisions = Table(
        t("report.decisions", n=facts.meetings_held),
        [
            t("report.meeting"),
            t("report.subject"),
            t("report.decision"),
            t("report.lead"),
            t("report.due"),
            t("report.followup"),
        ],
    )
    decisions.rows = [
        [
            d.meeting_title or _when(d.meeting_at, tz),
            d.subject,
            d.decision,
            d.lead or "—",
            "—" if d.due_on is None else d.due_on.isoformat(),
            "—" if d.followup is None else t(f"FollowUp.{d.followup}"),
        ]
        for d in facts.decisions
    ]
    results = Table(t("report.reinspections"), [t("report.result"), t("report.count")], numeric={1})
    results.rows = [
        [t(f"ReinspectionResult.{k}"), str(v)] for k, v in sorted(facts.reinspection_results.items())
    ]
    return [
        area_table("report.top_communities", facts.communities, lambda k: k),
        area_table("report.top_categories", facts.categories, category_name),
        overdue,
        rework,
        decisions,
        results,
    ]


def area_table(cards: AreaCards) -> Table:
    """One row per community or category: where whistles come from, how long it waited for the
    departments (whistle to arrival), what relapsed."""
    headers = [
        t(f"area.{cards.area.value}"),
        t("area.received"),
        t("area.whistled"),
        t("assess.summoned"),
        t("assess.late"),
        t("assess.absent"),
        t("assess.on_time_rate"),
        t("area.mean_wait"),
        t("area.median_wait"),
        t("area.longest_wait"),
        t("area.relapsed"),
    ]
    title = t(f"area.title.{cards.area.value}", period=cards.period.key)
    table = Table(title, headers, numeric=set(range(1, len(headers))))
    for c in cards.cards:
        table.rows.append(
            [
                c.name,
                c.received,
                c.whistled,
                c.summoned,
                c.late,
                c.absent,
                c.on_time_rate,
                hmm(c.mean_wait),
                hmm(c.median_wait),
                hmm(c.longest_wait),
                c.relapses,
            ]
        )
    return table


def area_tables(by_community: AreaCards, by_category: AreaCards) -> list[Table]:
    assert by_community.area is Area.COMMUNITY and by_category.area is Area.CATEGORY
    return [area_table(by_community), area_table(by_category)]
