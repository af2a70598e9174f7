"""Station settings from a TOML file under the user config dir (``--config`` overrides)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import time
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from data.catalogue import CATEGORIES, CATEGORY_BY_CODE
from models.assessment import Weights
from models.deadlines import Limit, parse_limit
from models.errors import DomainError
from models.escalation import Ladder, default_ladders
from models.i18n import LANGUAGES, os_reason
from models.shifts import DEFAULT_SHIFTS, parse_shifts
from models.working_hours import (
    WEEKDAY_NAMES,
    HoursSchedule,
    Season,
    WorkingHours,
    parse_month_day,
    parse_periods,
)

APP_NAME = "whistle-desk"


class SettingsError(DomainError):
    pass


def default_db_path() -> Path | str:
    """``WHISTLE_DB`` (a file path, or a server URL kept as it is), else the embedded file."""
    env = os.environ.get("WHISTLE_DB")
    if env:
        return env if env.startswith(("postgresql://", "postgresql+psycopg://")) else Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME)) / "whistle.db"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


@dataclass
class SyncLimits:
    """How much one bundle may hold, and how much of a station's bundles may wait."""

    bundle_events: int = 5_000_000
    bundle_bytes: int = 2 * 1024**3
    held_bundles: int = 32
    held_bytes: int = 64 * 1024**2


@dataclass
class Settings:
    station_id: str | None = None
    station_name: str = "街道综合执法中心"
    case_prefix: str = "SJ"
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    urgent_limit: Limit = field(default_factory=lambda: parse_limit("30m"))
    regular_limit: Limit = field(default_factory=lambda: parse_limit("24h"))
    handling_limits: dict[str, Limit] = field(
        default_factory=lambda: {c.code: parse_limit(c.limit) for c in CATEGORIES}
    )
    reinspect_days: dict[str, int] = field(
        default_factory=lambda: {c.code: c.reinspect_days for c in CATEGORIES}
    )
    random_sample_rate: float = 0.10
    consult_open_days: int = 7
    consult_long_open_most: int = 15
    keymap: dict[str, str] = field(default_factory=dict)
    weights: Weights = field(default_factory=Weights)
    idle_lock_minutes: int = 15
    """The console locks after this long without a key or a click (0: never)."""
    shift_starts: tuple[time, ...] = DEFAULT_SHIFTS
    """When the desk's shifts (班次) start, each running until the next starts."""
    clock_tolerance_minutes: int = 2
    """How far the computer's clock may read behind the record before writes are refused."""
    late_entry_minutes: int = 10
    """A time entered more than this before now is 补录 (entered late) and needs a reason."""
    clock_jump_hours: int = 2
    """A forward jump of the clock this long while a desk runs is reported."""
    sync: SyncLimits = field(default_factory=SyncLimits)
    hours: HoursSchedule = field(default_factory=HoursSchedule)
    """Working hours (作息): the station default, per-weekday periods, seasonal schedules."""
    district: bool = False
    """A new database is made a district's (``whistle init --district``)."""
    own_limits: set[str] = field(default_factory=set)
    """The time limits the settings file sets to other than the shipped defaults (``urgent``,
    ``regular``, ``handling.CODE``): the station's own overrides, which its district's
    published limits do not replace (a file that repeats a default leaves it to the district)."""
    ladders: dict[str, Ladder] = field(default_factory=default_ladders)
    """The escalation ladder (升级) of each whistle grade: steps after the check-in deadline."""

    def take_district_limits(self, published: dict[str, Any]) -> None:
        """The district's published limits (a ``reference.published`` payload), wherever the
        station's settings file does not set its own."""
        if "urgent" not in self.own_limits:
            self.urgent_limit = parse_limit(published["urgent"])
        if "regular" not in self.own_limits:
            self.regular_limit = parse_limit(published["regular"])
        for category, text in published["handling"].items():
            if f"handling.{category}" not in self.own_limits:
                self.handling_limits[category] = parse_limit(text)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def handling_limit(self, category: str) -> Limit:
        return self.handling_limits.get(category) or parse_limit(CATEGORY_BY_CODE[category].limit)


def _limit(value: Any, where: str) -> Limit:
    try:
        return parse_limit(str(value))
    except ValueError as exc:
        raise SettingsError("error.settings_value", where=where, value=value) from exc


def _whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingsError("error.settings_value", where=where, value=value)
    return value


def _week(raw: dict[str, Any], where: str, name: str) -> WorkingHours:
    """``default`` periods and optional ``monday`` … ``sunday`` ones → the hours of a week."""
    unknown = sorted(set(raw) - {"default", *WEEKDAY_NAMES, "name", "from", "to"})
    if unknown:
        raise SettingsError("error.settings_value", where=f"{where}.{unknown[0]}", value=raw[unknown[0]])
    try:
        default = parse_periods(raw["default"]) if "default" in raw else None
        days = []
        for day in WEEKDAY_NAMES:
            if day in raw:
                days.append(parse_periods(raw[day]))
            elif default is not None:
                days.append(default)
            else:
                raise ValueError(f'"default" or "{day}" is needed')
    except ValueError as exc:
        raise SettingsError("error.settings_hours", where=where, detail=str(exc)) from exc
    return WorkingHours(name, tuple(days))


def _hours(raw: Any) -> HoursSchedule:
    if not isinstance(raw, dict):
        raise SettingsError("error.settings_value", where="hours", value=raw)
    seasons_raw = raw.get("season", [])
    base = {k: v for k, v in raw.items() if k != "season"}
    default = _week({"default": ["09:00-12:00", "13:30-17:30"], **base}, "hours", "")
    if not isinstance(seasons_raw, list):
        raise SettingsError("error.settings_value", where="hours.season", value=seasons_raw)
    seasons = []
    for i, season in enumerate(seasons_raw, start=1):
        where = f"hours.season[{i}]"
        if not isinstance(season, dict):
            raise SettingsError("error.settings_value", where=where, value=season)
        name = str(season.get("name", "")).strip() or where
        try:
            start, end = parse_month_day(season.get("from")), parse_month_day(season.get("to"))
        except ValueError as exc:
            raise SettingsError("error.settings_hours", where=where, detail=str(exc)) from exc
        seasons.append(Season(name, start, end, _week(season, where, name)))
    return HoursSchedule(default, tuple(seasons))


def load_settings(path: Path | None = None) -> Settings:
    """Defaults overlaid with the file's values; a missing file means defaults."""
    path = path or default_config_path()
    settings = Settings()
    if not path.exists():
        return settings
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError("error.settings_file", path=str(path), detail=os_reason(exc)) from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError("error.settings_file", path=str(path), detail=str(exc)) from exc
    station = raw.get("station", {})
    settings.station_id = station.get("id", settings.station_id)
    settings.station_name = station.get("name", settings.station_name)
    settings.case_prefix = station.get("case_prefix", settings.case_prefix)
    settings.timezone = station.get("timezone", settings.timezone)
    settings.language = raw.get("language", settings.language)
    deadlines = raw.get("deadlines", {})
    shipped = Settings()
    if "urgent" in deadlines:
        settings.urgent_limit = _limit(deadlines["urgent"], "deadlines.urgent")
        if settings.urgent_limit != shipped.urgent_limit:
            settings.own_limits.add("urgent")
    if "regular" in deadlines:
        settings.regular_limit = _limit(deadlines["regular"], "deadlines.regular")
        if settings.regular_limit != shipped.regular_limit:
            settings.own_limits.add("regular")
    for category, value in deadlines.get("handling", {}).items():
        settings.handling_limits[category] = _limit(value, f"deadlines.handling.{category}")
        if settings.handling_limits[category] != shipped.handling_limits.get(category):
            settings.own_limits.add(f"handling.{category}")
    reinspection = raw.get("reinspection", {})
    settings.random_sample_rate = float(reinspection.get("random_sample_rate", settings.random_sample_rate))
    for category, days in reinspection.get("days", {}).items():
        settings.reinspect_days[category] = int(days)
    meeting = raw.get("meeting", {})
    settings.consult_open_days = int(meeting.get("open_days", settings.consult_open_days))
    settings.consult_long_open_most = int(meeting.get("long_open_most", settings.consult_long_open_most))
    settings.keymap = {str(k): str(v) for k, v in raw.get("keymap", {}).items()}
    settings.weights = _weights(raw.get("assessment", {}), settings.weights)
    desk = raw.get("desk", {})
    settings.idle_lock_minutes = int(desk.get("idle_lock_minutes", settings.idle_lock_minutes))
    if "shifts" in desk:
        shifts = desk["shifts"]
        try:
            settings.shift_starts = parse_shifts(shifts if isinstance(shifts, list) else [shifts])
        except (TypeError, ValueError) as exc:
            raise SettingsError("error.settings_value", where="desk.shifts", value=shifts) from exc
    record = raw.get("record", {})
    for name in ("clock_tolerance_minutes", "late_entry_minutes", "clock_jump_hours"):
        if name in record:
            setattr(settings, name, _whole(record[name], f"record.{name}"))
    sync = raw.get("sync", {})
    for name in ("bundle_events", "bundle_bytes", "held_bundles", "held_bytes"):
        if name in sync:
            value = sync[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SettingsError("error.settings_value", where=f"sync.{name}", value=value)
            setattr(settings.sync, name, value)
    if "hours" in raw:
        settings.hours = _hours(raw["hours"])
    if "escalation" in raw:
        settings.ladders = _ladders(raw["escalation"], settings.ladders)
    _check(settings, path)
    return settings


LADDER_STEPS = ("alarm", "absent")


def _ladders(raw: Any, default: dict[str, Ladder]) -> dict[str, Ladder]:
    """``[escalation.urgent]`` / ``[escalation.regular]``: ``alarm`` and ``absent``, each a
    limit after the deadline ("15m", "2wh", "1wd") or "off"; the alarm before the absence."""
    if not isinstance(raw, dict):
        raise SettingsError("error.settings_value", where="escalation", value=raw)
    ladders = dict(default)
    for grade, steps in raw.items():
        where = f"escalation.{grade}"
        if grade not in default or not isinstance(steps, dict):
            raise SettingsError("error.settings_value", where=where, value=steps)
        unknown = sorted(set(steps) - set(LADDER_STEPS))
        if unknown:
            first = unknown[0]
            raise SettingsError("error.settings_value", where=f"{where}.{first}", value=steps[first])
        values = {"alarm": ladders[grade].alarm, "absent": ladders[grade].absent}
        for name in LADDER_STEPS:
            if name in steps:
                value = steps[name]
                off = isinstance(value, str) and value.strip().lower() == "off"
                values[name] = None if off else _limit(value, f"{where}.{name}")
        ladder = Ladder(values["alarm"], values["absent"])
        problem = ladder.problem()
        if problem is not None:
            raise SettingsError("error.settings_ladder", where=where, detail=problem)
        ladders[grade] = ladder
    return ladders


def _weights(raw: dict[str, Any], default: Weights) -> Weights:
    """The assessment's weights: whole points for the three parts, fractions for the rest."""
    try:
        weights = Weights(
            came=int(raw.get("came", default.came)),
            acted=int(raw.get("acted", default.acted)),
            quality=int(raw.get("quality", default.quality)),
            late_credit=Fraction(str(raw.get("late_credit", default.late_credit))),
            rework_points=Fraction(str(raw.get("rework_points", default.rework_points))),
        )
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise SettingsError("error.settings_value", where="assessment", value=raw) from exc
    parts = {"came": weights.came, "acted": weights.acted, "quality": weights.quality}
    checked = {name: Fraction(value) for name, value in parts.items()}
    checked["rework_points"] = weights.rework_points
    for name, value in checked.items():
        if value < 0:
            raise SettingsError("error.settings_value", where=f"assessment.{name}", value=value)
    if not 0 <= weights.late_credit <= 1:
        raise SettingsError("error.settings_value", where="assessment.late_credit", value=weights.late_credit)
    if sum(parts.values()) <= 0:
        raise SettingsError("error.settings_value", where="assessment", value=raw)
    return weights


def _check(settings: Settings, path: Path) -> None:
    if settings.language not in LANGUAGES:
        raise SettingsError("error.settings_value", where="language", value=settings.language)
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            "error.settings_value", where="station.timezone", value=settings.timezone
        ) from exc
    if settings.idle_lock_minutes < 0:
        raise SettingsError(
            "error.settings_value", where="desk.idle_lock_minutes", value=settings.idle_lock_minutes
        )
    if not 0 < settings.random_sample_rate <= 1:
        raise SettingsError(
            "error.settings_value",
            where="reinspection.random_sample_rate",
            value=settings.random_sample_rate,
        )


DEFAULT_CONFIG = """\
# Whistle Desk settings. Every key is optional; shown here with its default.
language = "zh"            # zh or en

[station]
# id = "SJ-DONGSI"         # stable station id; generated on first start when absent
name = "街道综合执法中心"
case_prefix = "SJ"         # case numbers look like SJ-2026-000123
timezone = "Asia/Shanghai"

[deadlines]
urgent = "30m"             # check-in deadline of an urgent whistle (紧急哨)
regular = "24h"            # check-in deadline of a regular whistle (常规哨)
# units: m minutes, h hours, wh working hours, wd working days

[deadlines.handling]       # 处置时限 per category
{handling}

[reinspection]
random_sample_rate = 0.10  # share of last week's closures drawn for 不定期 spot checks

[reinspection.days]        # 回头看: days after closure
{reinspect}

[meeting]
open_days = 7              # cases open longer than this go on the weekly agenda
long_open_most = 15        # at most this many of them (the oldest); more can be added by hand

[assessment]               # 一次一考核: the composite score, printed with every scorecard
came = 40                  # 来没来: (on time + late_credit × late) / (on time + late + absent)
acted = 30                 # 干没干: actions recorded / arrivals
quality = 30               # 干得好不好: (mean rating − 1) / 4
late_credit = 0.5          # what a late arrival earns in 来没来 (0 to 1)
rework_points = 2          # points deducted per relapse (返工) charged to the department

[desk]
idle_lock_minutes = 15     # the console locks after this long without a key (0: never)
shifts = ["08:00", "20:00"]  # 班次: when each shift starts; it runs until the next one starts
[record]
clock_tolerance_minutes = 2  # the computer's clock may read this far behind the record; more refuses writes
late_entry_minutes = 10    # a time entered more than this before now is 补录 and needs a reason
clock_jump_hours = 2       # a forward jump of the clock this long while a desk runs is reported

[sync]
bundle_events = 5000000    # most events one bundle may hold
bundle_bytes = 2147483648  # most bytes of events one bundle may hold, uncompressed
held_bundles = 32          # bundles kept waiting (a gap, a record not yet received) per station
held_bytes = 67108864      # bytes of them per station
[escalation.urgent]        # 升级: steps after the check-in deadline of an urgent whistle
alarm = "15m"              # second alarm on every desk, notice to the supervisor ("off": none)
absent = "60m"             # the summons is marked 缺席 (absent): re-whistle, weekly meeting
[escalation.regular]       # the same for a regular whistle, in working time
alarm = "2wh"
absent = "1wd"
[hours]                    # 作息: working hours, by which working-hour and working-day limits count
default = ["09:00-12:00", "13:30-17:30"]
# friday = ["09:00-12:00", "13:30-16:30"]   # a weekday of its own (monday … sunday)

# [[hours.season]]         # 夏季作息: replaces the default every year between these days
# name = "夏季作息"
# from = "05-01"
# to = "09-30"
# default = ["09:00-12:00", "14:00-18:00"]

[keymap]
# binding id = "key", e.g.  intake = "n"
"""


def default_config_text() -> str:
    handling = "\n".join(f'{c.code} = "{c.limit}"  # {c.name}' for c in CATEGORIES)
    reinspect = "\n".join(f"{c.code} = {c.reinspect_days}  # {c.name}" for c in CATEGORIES)
    return DEFAULT_CONFIG.format(handling=handling, reinspect=reinspect)
