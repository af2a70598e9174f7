"""Working time: holiday-table checks and overrides, recomputed deadlines, working hours."""

from __future__ import annotations

_CHECKS: dict[str, tuple[str, str]] = {
    "calendar.check.year_range": (
        "{year} 年超出可核对的范围（{first}–{last} 年）",
        "{year} is outside the years that can be checked ({first}–{last})",
    ),
    "calendar.check.outside_year": ("{day} 不在 {year} 年内", "{day} is not in the year {year}"),
    "calendar.check.both": (
        "{day} 同时列为节假日和调休工作日",
        "{day} is listed both as a holiday and as a make-up working day",
    ),
    "calendar.check.workday_not_weekend": (
        "调休工作日 {day} 不是周六或周日",
        "make-up working day {day} is not a Saturday or Sunday",
    ),
    "calendar.check.empty": ("{year} 年的表没有任何节假日", "the table for {year} has no holidays at all"),
    "calendar.check.weekends_only": (
        "{year} 年的节假日都在周末（如 {day}），不是法定节假日表",
        "every holiday of {year} falls on a weekend (e.g. {day}); that is not a statutory table",
    ),
    "calendar.check.festival_missing": (
        "{festival}（{day}）没有放假",
        "{festival} ({day}) is not a day off",
    ),
    "calendar.check.official_conflict": (
        "{day} 与国务院公布的 {year} 年安排不符（官方：{official}；此表：{table}）；"
        '如确需覆盖，请由主任加 --override "原因" 导入',
        "{day} disagrees with the official {year} calendar (official: {official}; this table: "
        '{table}); a supervisor may override with --override "reason"',
    ),
    "calendar.check.override_not_needed": (
        "{year} 年的表与官方安排一致或官方未覆盖该年，无需覆盖",
        "the table for {year} agrees with the official calendar or no official table covers it; "
        "nothing to override",
    ),
    "calendar.check.district_table": (
        "{year} 年的节假日表已由区里发布，本站不能另行导入",
        "the district has published the holiday table for {year}; this station cannot load its own",
    ),
    "calendar.day.working": ("上班", "working day"),
    "calendar.day.off": ("休息", "day off"),
    "calendar.festival.yuandan": ("元旦", "New Year's Day"),
    "calendar.festival.chunjie": ("春节", "Spring Festival"),
    "calendar.festival.qingming": ("清明节", "Qingming"),
    "calendar.festival.laodong": ("劳动节", "Labour Day"),
    "calendar.festival.duanwu": ("端午节", "Dragon Boat Festival"),
    "calendar.festival.zhongqiu": ("中秋节", "Mid-Autumn Festival"),
    "calendar.festival.guoqing": ("国庆节", "National Day"),
}

_STATE: dict[str, tuple[str, str]] = {
    "calendar.override_badge": ("⚠ {years} 年节假日已人工覆盖", "⚠ holidays of {years} overridden by hand"),
    "calendar.basis.official": ("官方节假日表", "official holiday table"),
    "calendar.basis.local": ("本站导入的节假日表", "holiday table loaded here"),
    "calendar.basis.district": ("区里发布的节假日表", "holiday table published by the district"),
    "calendar.basis.fallback": ("按周一至周五（无节假日表）", "Monday to Friday (no holiday table)"),
    "cli.help.calendar_override": (
        "主任覆盖官方节假日安排的原因（表与官方安排不符时必填）",
        "a supervisor's reason for overriding the official calendar (needed when the table "
        "disagrees with it)",
    ),
    "cli.calendar.overridden": (
        "已导入 {year} 年节假日表，覆盖官方安排（原因：{reason}）。",
        "Loaded the holiday table for {year}, overriding the official calendar (reason: {reason}).",
    ),
    "cli.calendar.recomputed": (
        "按新表重算了 {n} 个计时器的时限。",
        "Recomputed the deadlines of {n} clocks by the new table.",
    ),
    "timeline.clock_recomputed": (
        "{clock} 时限按 {year} 年节假日表重算：{old} → {new}",
        "{clock} deadline recomputed by the {year} holiday table: {old} → {new}",
    ),
    "timeline.clock_recomputed_same": (
        "{clock} 时限按 {year} 年节假日表核对，不变（{old}）",
        "{clock} deadline checked against the {year} holiday table: unchanged ({old})",
    ),
    "timeline.clock_recomputed_late": (
        "{clock} 时限按 {year} 年节假日表重算为 {new}；此前已于 {old} 超时，仍记超时",
        "{clock} deadline recomputed by the {year} holiday table as {new}; it was already overdue "
        "at {old} and stays late",
    ),
    "error.settings_hours": (
        "设置文件 {where} 有误：{detail}",
        "settings {where}: {detail}",
    ),
}

STRINGS: dict[str, tuple[str, str]] = {**_CHECKS, **_STATE}
