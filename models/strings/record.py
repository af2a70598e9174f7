"""Strings of an honest record: the clock that only moves forward, lateness that stays a fact,
times entered late (补录) and summons withdrawn with a trace."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "error.clock_behind": (
        "电脑时钟为 {clock}，早于本站记录中最后一条记录的时间 {last}：已拒绝写入。请先校正电脑时钟。",
        "The computer's clock reads {clock}, earlier than the record's last entry at {last}: "
        "nothing was written. Set the computer's clock right first.",
    ),
    "clock.behind_banner": (
        "电脑时钟 {clock} 早于记录时间 {last}：暂停写入，时限按 {last} 计算。请校正电脑时钟。",
        "The computer's clock reads {clock}, earlier than the record's {last}: writes are refused "
        "and deadlines count from {last}. Set the computer's clock right.",
    ),
    "clock.jumped": (
        "电脑时钟从 {before} 跳到 {after}（向前 {hours} 小时）。若时钟有误，请校正；之后的记录按新时间登记。",
        "The computer's clock jumped from {before} to {after} ({hours} hours forward). If it is wrong, "
        "set it right; entries from now on carry the new time.",
    ),
    "clock.jumped_title": ("时钟跳变", "Clock jump"),
    "error.pause_overdue": (
        "已超过报到时限 {deadline}，不能挂起：超时已成事实。可以延期，但到场仍记为迟到。",
        "Past its deadline of {deadline}: an overdue clock cannot be paused. It can be extended, "
        "but the arrival still counts as late.",
    ),
    "error.time_in_future": ("时间不能晚于现在（{now}）。", "The time cannot be in the future (now {now})."),
    "error.time_before_whistle": (
        "时间不能早于吹哨时间 {whistle}。",
        "The time cannot be before the whistle at {whistle}.",
    ),
    "error.time_before_previous": (
        "时间不能早于上一步的时间 {previous}。",
        "The time cannot be before the previous step at {previous}.",
    ),
    "error.late_entry_reason": (
        "补录：时间比现在早 {minutes} 分钟以上，请填写补录原因。",
        "Entered late: the time is more than {minutes} minutes ago; give a reason.",
    ),
    "error.bad_time": (
        "时间格式不对：{value}（例如 10:05 或 2026-03-10 10:05）",
        "Not a time: {value} (for example 10:05 or 2026-03-10 10:05)",
    ),
    "error.withdraw_reason": (
        "{names} 仍待报到，将撤回召集：请填写撤回原因。",
        "{names} still awaited; their summons will be withdrawn: give a reason.",
    ),
    "field.at": ("时间", "Time"),
    "field.arrived_at": ("到场时间", "Arrived at"),
    "field.acted_at": ("处置时间", "Acted at"),
    "field.released_at": ("撤离时间", "Released at"),
    "field.entry_reason": ("补录原因", "Reason for late entry"),
    "field.withdraw_reason": ("撤回原因", "Reason for withdrawal"),
    "dialog.time_hint": ("默认现在；如 10:05", "Now by default; e.g. 10:05"),
    "dialog.entry_reason_hint": (
        "时间早于现在 {minutes} 分钟以上时必填",
        "Required when the time is more than {minutes} minutes ago",
    ),
    "dialog.withdraw_list": (
        "以下部门仍待报到，将撤回召集并留痕：{names}",
        "These departments are still awaited; their summons will be withdrawn, with a trace: {names}",
    ),
    "mark.late_entry": ("〔补〕", "[entered late]"),
    "case.withdrawn_because": ("撤回召集：{reason}", "summons withdrawn: {reason}"),
    "mark.late_entry_long": ("补录", "entered late"),
    "mark.extended_late": ("超时后延期", "extended after the deadline"),
    "timeline.late_entry": (
        "【补录】实际 {at}，登记于 {entered}，原因：{reason}",
        "[entered late] happened {at}, entered {entered}, reason: {reason}",
    ),
    "timeline.withdrawn": (
        "撤回召集：{department}；原因：{reason}",
        "Summons withdrawn: {department}; reason: {reason}",
    ),
    "timeline.withdrawn_overdue": (
        "撤回召集：{department}（已过时限 {deadline}，记未报到）；原因：{reason}",
        "Summons withdrawn: {department} (already past its {deadline} deadline: counted absent); reason: {reason}",
    ),
    "timeline.extended_late": (
        "超时后延期（原时限 {late_since} 已过，到场仍记迟到）",
        "extended after the deadline (due {late_since}; the arrival still counts late)",
    ),
    "board.withdrawn": ("撤回 {n}", "withdrawn {n}"),
    "reports.withdrawn": ("撤回召集", "Summons withdrawn"),
    "reports.late_entries": ("补录", "Entered late"),
    "reports.extended_late": ("超时后延期", "Extended after the deadline"),
    "commands.waiting_for_lock": (
        "另一台电脑正在写入，本次操作排队等待，完成后会提示。",
        "Another desk is writing: this change waits its turn and you will be told when it is saved.",
    ),
    "commands.done_after_close": (
        "关闭窗口前提交的操作已完成并保存。",
        "The change submitted before the window was closed is saved.",
    ),
    "commands.failed": (
        "操作意外失败，未保存。详情已记入日志：{log}",
        "The change failed unexpectedly and was not saved. The details are in the log: {log}",
    ),
    "commands.failed_after": (
        "操作已保存，但界面更新时出错。详情已记入日志：{log}",
        "The change was saved, but updating the screen failed. The details are in the log: {log}",
    ),
    "error.write_busy": (
        "另一台电脑占用数据库超过 {seconds} 秒，本次操作未保存；请稍后重试。",
        "Another desk held the database for over {seconds} s: this change was not saved; try again shortly.",
    ),
}
