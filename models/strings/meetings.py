"""Strings of the weekly consultation (周例会研判) and the 回头看 schedule."""

from __future__ import annotations

_AGENDA: dict[str, tuple[str, str]] = {
    "FollowUp.superseded": ("已由新决定替代", "Superseded"),
    "agenda.detail.flagged": ("{day} 提请会商", "flagged for consultation on {day}"),
    "agenda.detail.flagged_undated": ("已提请会商", "flagged for consultation"),
    "agenda.detail.long_open": ("已受理 {days} 天仍未办结", "open for {days} days"),
    "agenda.detail.no_show": ("{day} 吹哨，{names} 未报到", "whistle of {day}: {names} did not report in"),
    "agenda.detail.relapse": (
        "原案 {original} 于 {day} 回头看反弹（核查人 {inspector}）",
        "case {original} relapsed at re-inspection on {day} (inspector {inspector})",
    ),
    "agenda.detail.carried_over": (
        "{day} 会议决定「{decision}」，牵头 {lead}，期限 {due}，{late}",
        "meeting of {day} decided “{decision}”, lead {lead}, due {due}, {late}",
    ),
    "agenda.detail.due_today": ("今日到期未落实", "due today and not done"),
    "agenda.detail.days_late": ("逾期 {days} 天未落实", "{days} days late and not done"),
    "agenda.detail.repeat_address": (
        "{days} 天内同一地址吹哨 {count} 次：{numbers}",
        "{count} whistles at this address within {days} days: {numbers}",
    ),
    "agenda.detail.superseded": ("由 {day} 会议新决定替代", "replaced by a decision on {day}"),
}

_REINSPECTION: dict[str, tuple[str, str]] = {
    "ReinspectionBucket.overdue": ("已逾期", "Overdue"),
    "ReinspectionBucket.today": ("今日到期", "Due today"),
    "ReinspectionBucket.week": ("本周到期", "Due this week"),
    "ReinspectionBucket.later": ("以后到期", "Due later"),
    "ReinspectionBucket.done": ("已完成", "Done"),
}

_ERRORS: dict[str, tuple[str, str]] = {
    "error.unknown_case_number": ("找不到案件 {number}", "No case numbered {number}."),
    "error.item_removed": ("该议题已移出议程。", "This item is no longer on the agenda."),
    "error.due_in_past": ("完成期限不能早于今天。", "The deadline cannot be before today."),
    "thing.department": ("部门", "department"),
}

_MINUTES: dict[str, tuple[str, str]] = {
    "minutes.title.agenda": ("{title} 议程", "{title} — agenda"),
    "minutes.title.minutes": ("{title} 会议纪要", "{title} — minutes"),
    "minutes.kind": ("会议类型", "Kind"),
    "minutes.when": ("时间", "When"),
    "minutes.held": ("实际召开", "Held"),
    "minutes.facilitator": ("主持人", "Facilitator"),
    "minutes.invited": ("受邀部门", "Invited"),
    "minutes.count": ("议题", "Items"),
    "minutes.count_value": ("共 {n} 项，计划 {minutes} 分钟", "{n} items, {minutes} minutes planned"),
    "minutes.attendance": ("出席情况", "Attendance"),
    "minutes.present": ("出席", "Present"),
    "minutes.absent": ("缺席", "Absent"),
    "minutes.unrecorded": ("未登记", "Not recorded"),
    "minutes.reason": ("上会事由", "Why"),
    "minutes.case_status": ("案件状态", "Case status"),
    "minutes.timebox": ("时长", "Time box"),
    "minutes.minutes": ("{n} 分钟", "{n} min"),
    "minutes.decision": ("结论", "Decision"),
    "minutes.no_decision": ("（未形成结论）", "(no decision)"),
    "minutes.lead": ("牵头部门", "Lead"),
    "minutes.due": ("完成期限", "Due"),
    "minutes.followup": ("跟踪", "Follow-up"),
    "minutes.empty": ("（议程为空）", "(the agenda is empty)"),
    "error.export_no_folder": ("文件夹不存在：{path}", "No such folder: {path}"),
    "error.export_exists": ("文件已存在：{path}", "The file already exists: {path}"),
    "error.export_failed": ("无法写入 {path}：{detail}", "Cannot write {path}: {detail}"),
}

_CLI: dict[str, tuple[str, str]] = {
    "cli.help.meeting": ("会议：列出、导出议程与纪要", "meetings: list, export agenda and minutes"),
    "cli.help.meeting_list": ("列出会议，每行一个，编号在前", "list meetings, one per line, id first"),
    "cli.help.meeting_export": (
        "导出议程（会前）或纪要（会后）",
        "export the agenda (before) or minutes (after)",
    ),
    "cli.help.meeting_id": ("会议编号", "meeting id"),
    "cli.help.stage": (
        "agenda 议程 或 minutes 纪要（默认：未开会为议程，否则为纪要）",
        "agenda or minutes (default: agenda before the meeting starts, minutes after)",
    ),
    "cli.help.out_file": ("输出文件", "output file"),
    "cli.help.reinspect": ("回头看", "re-inspections (回头看)"),
    "cli.help.reinspect_draw": (
        "不定期抽查：按种子从近七天结案中抽样（需中心主任）",
        "random spot check: draw from last week's closures by seed (supervisor only)",
    ),
    "cli.help.draw_seed": ("随机种子（不填则随机生成并显示）", "random seed (made up and shown when absent)"),
    "cli.help.draw_rate": ("抽样比例，默认取设置（0.10）", "sample rate, default from settings (0.10)"),
    "cli.meeting.items": ("{n} 项议题，{decided} 项已决", "{n} items, {decided} decided"),
    "cli.meeting.exported": ("已导出到 {path}", "Exported to {path}"),
    "cli.reinspect.drawn": ("种子 {seed}：抽中 {n} 件", "seed {seed}: {n} cases drawn"),
    "error.draw_needs_supervisor": (
        "不定期抽查须由中心主任发起（当前操作员：{operator}）。",
        "Only a supervisor may draw random spot checks (operator: {operator}).",
    ),
}

STRINGS: dict[str, tuple[str, str]] = {**_AGENDA, **_REINSPECTION, **_ERRORS, **_MINUTES, **_CLI}
