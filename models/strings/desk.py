"""Strings of the desk shell: header, views, keys, palette, help, operator picker, queue."""

from __future__ import annotations

_SHELL: dict[str, tuple[str, str]] = {
    "app.title": ("吹哨报到调度台", "Whistle Desk"),
    "operator.system": ("系统", "system"),
    "app.operator": ("操作员 {name}", "Operator {name}"),
    "app.overdue_count": ("报到超时 {n}", "Overdue check-ins {n}"),
    "app.overdue_count_short": ("报到超时 {n}", "Overdue {n}"),
    "app.overdue_title": ("报到超时", "Check-in overdue"),
    "app.overdue_notice": ("{names}{more} 已超过报到时限", "{names}{more}: check-in deadline passed"),
    "app.overdue_more": (" 等 {n} 项", " and {n} more"),
    "app.not_ready": ("数据库尚未打开，请稍候", "The database is not open yet; please wait"),
    "cmd.theme": ("外观: 配色", "Look: colour theme"),
    "cmd.theme_help": ("切换界面配色", "Change the colour theme"),
    "cmd.quit": ("退出", "Quit"),
    "cmd.quit_help": ("退出调度台（已保存的记录不会丢失）", "Leave the desk (everything recorded is kept)"),
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
}

_KEYS: dict[str, tuple[str, str]] = {
    "key.view_queue": ("队列", "Queue"),
    "key.view_board": ("报到", "Check-ins"),
    "key.view_meetings": ("会商", "Meetings"),
    "key.view_reinspections": ("回头看", "Re-inspections"),
    "key.view_reports": ("报表", "Reports"),
    "key.views": ("视图", "Views"),
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
    "key.close_search": ("关闭搜索", "Close search"),
    "key.refresh": ("刷新", "Refresh"),
    "key.page_down": ("下一页", "Page down"),
    "key.page_up": ("上一页", "Page up"),
    "key.first": ("第一行", "First row"),
    "key.last": ("最后一行", "Last row"),
}

_QUEUE: dict[str, tuple[str, str]] = {
    "queue.col.number": ("案件编号", "Case"),
    "queue.col.grade": ("哨级", "Grade"),
    "queue.col.category": ("类别", "Category"),
    "queue.col.community": ("社区", "Community"),
    "queue.col.status": ("状态", "Status"),
    "queue.col.marks": ("报到", "Check-ins"),
    "queue.col.age": ("已过", "Age"),
    "queue.handling": ("时限", "Due"),
    "queue.review_due": ("待复查 {day}", "Review {day}"),
    "queue.review_on": ("复查 {day}", "Review {day}"),
    "queue.review_count": ("{n} 件搁置到期待复查", "{n} parked due for review"),
    "queue.grade.urgent": ("紧急", "Urgent"),
    "queue.grade.regular": ("常规", "Regular"),
    "queue.counts": (
        "在办 {total} 件 · 其中 {overdue} 件有部门报到超时",
        "{total} open · {overdue} with overdue check-ins",
    ),
    "queue.filtered": ("筛选：{filters}", "Filter: {filters}"),
    "queue.search_placeholder": (
        "搜索编号、社区、类别、地址、描述（回车确定，Esc 取消）",
        "Search number, community, category, address, description (Enter applies, Esc cancels)",
    ),
    "queue.filter.title": ("筛选队列", "Filter the queue"),
    "queue.filter.status": ("状态", "Status"),
    "queue.filter.category": ("类别", "Category"),
    "queue.filter.community": ("社区", "Community"),
    "queue.filter.department": ("部门", "Department"),
    "queue.filter.source": ("来源", "Source"),
    "queue.filter.grade": ("哨级", "Grade"),
    "queue.filter.search": ("搜索", "Search"),
    "queue.filter.any": ("不限", "Any"),
    "queue.filter.all_statuses": ("全部（含已结案）", "All (closed too)"),
    "queue.filter.closed": (
        "含已结案、不予受理、已核验的案件",
        "Include closed, rejected and verified cases",
    ),
    "queue.filter.with_closed": ("含已结案", "closed too"),
    "queue.filter.apply": ("确定", "Apply"),
    "queue.filter.clear": ("清除", "Clear"),
    "queue.filter.hint": ("Ctrl+S 确定 · Esc 取消", "Ctrl+S apply · Esc cancel"),
    "cmd.queue_search": ("队列: 搜索", "Queue: search"),
    "cmd.queue_search_help": (
        "按编号、社区、类别（含简称如违建）、地址、描述搜索案件",
        "Search cases by number, community, category, address or description",
    ),
    "cmd.queue_filter": ("队列: 筛选", "Queue: filter"),
    "cmd.queue_filter_help": (
        "按状态、类别、社区、部门、来源、哨级筛选",
        "Filter by status, category, community, department, source, grade",
    ),
    "cmd.queue_clear": ("队列: 清除筛选", "Queue: clear filters"),
    "cmd.queue_clear_help": ("显示全部在办案件", "Show every open case"),
    "cmd.case_open": ("案件: 打开 {number}", "Case: open {number}"),
    "cmd.case_open_help": ("查看案件详情与留痕", "Show the case detail and its trail"),
}

_REPORTS: dict[str, tuple[str, str]] = {
    "reports.period": ("期间", "Period"),
}

# Why a key did nothing: one line each, naming the state and what is needed.
_REFUSALS: dict[str, tuple[str, str]] = {
    "refuse.or": ("或", " or "),
    "refuse.case_state": (
        "案件 {number} 现为「{state}」，「{action}」要在「{needed}」时才能做。",
        "{action} is not possible: case {number} is {state}; it must be {needed}.",
    ),
    "refuse.read_only": (
        "案件 {number} 属于其他站点，本站只有只读副本。",
        "Case {number} belongs to another station: this is a read-only copy.",
    ),
    "refuse.not_whistled": (
        "本案还没有吹哨，没有部门报到：「{action}」要先吹哨（w）。",
        "No department has been summoned yet: whistle first (w), then {action}.",
    ),
    "refuse.no_checkin": (
        "「{action}」要先在列表中选中一条报到。",
        "{action} needs a check-in: select one in the list first.",
    ),
    "refuse.checkin_state": (
        "{department}的报到现为「{status}」，「{action}」要在「{needed}」时才能做。",
        "{action} is not possible: {department} is {status}; it must be {needed}.",
    ),
    "refuse.clock_stopped": (
        "{department}的报到时限已停止，「{action}」不再适用。",
        "{department}'s clock has stopped: {action} no longer applies.",
    ),
    "refuse.no_filter": ("当前没有筛选，无需清除。", "No filter is set: nothing to clear."),
    "refuse.no_case": ("队列中没有案件可打开。", "The queue has no case to open."),
    "refuse.supervisor_only": (
        "「{action}」只有中心主任可以做，当前操作员不是。",
        "{action}: only a supervisor may do this, and the operator signed in is not one.",
    ),
    "refuse.no_row": ("先选中一行。", "Select a row first."),
    "refuse.already_recorded": ("这一行已经登记了结果。", "This row already has a result."),
}

_PALETTE: dict[str, tuple[str, str]] = {
    "help.legend_title": ("读法", "How to read it"),
    "help.legend.queue": (
        "报到列：部门简称后跟剩余时间（城管 12:30 还剩 12 分 30 秒，1:05:00 还剩 1 小时 5 分；"
        "红色 + 表示已超时：+16:23 超时 16 分 23 秒，+8d 09:55 超时 8 天 9 小时 55 分）；✓ 已到场、✗ 缺席、– 已撤回；… 表示还有未显示的部门。\n"
        "没有部门待报到的案件显示处置时限（时限 5d 23:00）。已过 = 接收至今。绿色充裕、黄色已用 80%、红色已超时。",
        "Check-ins: a department's short name and the time left (Urban 12:30 = 12 min 30 s left, "
        "1:05:00 = 1 h 5 min left; red + is overdue: +16:23 = 16 min 23 s, +8d 09:55 = 8 days "
        "9 h 55 min); ✓ arrived, ✗ absent, – withdrawn; "
        "… more departments than fit.\nA case no department is awaited for shows its handling "
        "deadline (Due 5d 23:00). Age = since it was received. Green: time to spare; "
        "yellow: 80% used; red: overdue.",
    ),
    "help.legend.board": (
        "每个部门一行：来 到场次数/召集次数，迟 迟到，缺 缺席（时限已过未到），超 当前超时未到，"
        "干 有处置记录的次数，评 平均评分（评分次数）。",
        "One line per department: came = arrivals/summons, late, absent (deadline passed, never "
        "came), overdue (summoned now and past the deadline), acted = arrivals with a recorded "
        "action, rated = mean rating (how many ratings).",
    ),
    "palette.placeholder": ("搜索命令…", "Search for commands…"),
    "palette.no_match": ("没有与“{query}”匹配的命令", "No command matches “{query}”"),
    "palette.no_match_help": ("换个说法，或按 Esc 返回", "Try other words, or press Esc"),
    "app.how_to_quit": ("按 {key} 退出调度台", "Press {key} to quit the desk"),
    "app.quit_q": ("要退出吗？", "Quit?"),
}

STRINGS: dict[str, tuple[str, str]] = {**_SHELL, **_KEYS, **_QUEUE, **_REPORTS, **_REFUSALS, **_PALETTE}
