"""Strings of the desk shell: header, views, keys, palette, help, operator picker, queue."""

from __future__ import annotations

_SHELL: dict[str, tuple[str, str]] = {
    "app.title": ("吹哨报到调度台", "Whistle Desk"),
    "app.operator": ("操作员 {name}", "Operator {name}"),
    "app.overdue_count": ("报到超时 {n}", "Overdue check-ins {n}"),
    "app.overdue_title": ("报到超时", "Check-in overdue"),
    "app.overdue_notice": ("{names}{more} 已超过报到时限", "{names}{more}: check-in deadline passed"),
    "app.overdue_more": (" 等 {n} 项", " and {n} more"),
    "app.not_ready": ("数据库尚未打开，请稍候", "The database is not open yet; please wait"),
    "app.case_detail_missing": ("本版本尚无案件详情界面", "Case detail is not available in this build"),
    "app.view_unavailable": (
        "「{name}」视图在本版本中尚不可用。",
        "The “{name}” view is not available in this build yet.",
    ),
    "view.queue": ("队列", "Queue"),
    "view.board": ("报到", "Check-ins"),
    "view.meetings": ("会商", "Meetings"),
    "view.reinspections": ("回头看", "Re-inspections"),
    "view.reports": ("报表", "Reports"),
    "ns.case": ("案件", "Case"),
    "ns.whistle": ("吹哨", "Whistle"),
    "ns.view": ("视图", "View"),
    "ns.export": ("导出", "Export"),
    "ns.queue": ("队列", "Queue"),
    "cmd.view": ("视图: {name}", "View: {name}"),
    "cmd.view_help": ("切换到该视图（键 {key}）", "Switch to this view (key {key})"),
    "cmd.help": ("帮助: 按键一览", "Help: keys"),
    "cmd.help_help": ("列出当前可用的按键", "List the keys that apply now"),
    "help.title": ("按键一览", "Keys"),
    "help.close": ("按 Esc 或 ? 关闭", "Esc or ? to close"),
    "operator.title": ("请选择操作员", "Who is at the desk?"),
    "operator.new": ("或输入新操作员姓名后回车", "or type a new operator's name and press Enter"),
    "operator.empty": ("姓名不能为空", "The name cannot be empty"),
    "operator.hint": ("Esc 退出", "Esc to quit"),
}

_KEYS: dict[str, tuple[str, str]] = {
    "key.view_queue": ("队列", "Queue"),
    "key.view_board": ("报到", "Check-ins"),
    "key.view_meetings": ("会商", "Meetings"),
    "key.view_reinspections": ("回头看", "Re-inspections"),
    "key.view_reports": ("报表", "Reports"),
    "key.help": ("帮助", "Help"),
    "key.palette": ("命令", "Commands"),
    "key.back": ("返回", "Back"),
    "key.quit": ("退出", "Quit"),
    "key.cursor_down": ("下移", "Down"),
    "key.cursor_up": ("上移", "Up"),
    "key.open_case": ("详情", "Open"),
    "key.search": ("搜索", "Search"),
    "key.filter": ("筛选", "Filter"),
    "key.clear_filters": ("清除筛选", "Clear filters"),
}

STRINGS: dict[str, tuple[str, str]] = {**_SHELL, **_KEYS}
