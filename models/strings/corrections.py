"""Strings of 冲正 (corrections): what may be corrected, refusals, the timeline, the dialog and
the ``whistle correct`` command."""

from __future__ import annotations

_KINDS: dict[str, tuple[str, str]] = {
    "CorrectionKind.case": ("案件信息", "case details"),
    "CorrectionKind.arrival": ("到场时间", "arrival time"),
    "CorrectionKind.action": ("处置措施与结果", "action and result"),
    "CorrectionKind.action_time": ("处置时间", "action time"),
    "CorrectionKind.release_time": ("撤离时间", "release time"),
    "CorrectionKind.rating": ("评价分", "rating"),
    "CorrectionKind.withdrawal": ("撤回召集 / 未报到", "withdrawn / no-show"),
    "CorrectionKind.reinspection": ("回头看结果", "re-inspection result"),
}

_ERRORS: dict[str, tuple[str, str]] = {
    "correct.error.needs_supervisor": (
        "冲正须由中心主任操作；{operator} 不是中心主任。",
        "Only a supervisor may correct the record; {operator} is not one.",
    ),
    "correct.error.no_original": (
        "找不到要冲正的原始记录。",
        "The event that recorded this value was not found; nothing to correct.",
    ),
    "correct.error.in_future": ("更正后的时间不能晚于现在。", "A corrected time cannot be in the future."),
    "correct.error.not_arrived": (
        "该部门尚未到场（{status}），没有到场时间可冲正。",
        "The department has not arrived ({status}); there is no arrival time to correct.",
    ),
    "correct.error.arrival_after_action": (
        "到场时间不能晚于处置时间。",
        "The arrival cannot be after the department acted.",
    ),
    "correct.error.not_acted": (
        "该部门尚未记录处置（{status}），没有可冲正的处置。",
        "No action is recorded for the department ({status}); nothing to correct.",
    ),
    "correct.error.action_before_arrival": (
        "处置时间不能早于到场时间。",
        "The action cannot be before the department arrived.",
    ),
    "correct.error.action_after_release": (
        "处置时间不能晚于撤离时间。",
        "The action cannot be after the department left.",
    ),
    "correct.error.not_released": (
        "该部门尚未撤离（{status}），没有撤离时间可冲正。",
        "The department has not left ({status}); there is no release time to correct.",
    ),
    "correct.error.release_before_action": (
        "撤离时间不能早于处置时间。",
        "The release cannot be before the department acted.",
    ),
    "correct.error.not_rated": (
        "该部门尚未评价（{status}），没有评价分可冲正。",
        "The department has not been rated ({status}); there is no rating to correct.",
    ),
    "correct.error.not_withdrawn": (
        "该召集的状态是「{status}」，既非撤回召集也非未报到。",
        "This summons is “{status}”: neither withdrawn nor a no-show.",
    ),
    "correct.error.bad_withdrawal": (
        "「{before}」不能冲正为「{after}」。",
        "“{before}” cannot be corrected to “{after}”.",
    ),
    "correct.error.case_ended": (
        "案件已{status}，召集不能恢复为待报到；可改为未报到。",
        "The case is {status}: the summons cannot be awaited again; it can be made a no-show.",
    ),
    "correct.error.not_inspected": ("该回头看尚无结果，没有可冲正的内容。", "No result is recorded yet."),
    "correct.error.case_moved_on": (
        "案件当前为「{status}」，回头看结果已不能冲正。",
        "The case is now “{status}”; the re-inspection result can no longer be corrected.",
    ),
    "correct.error.no_checkin": (
        "该案件没有召集部门 {department}。",
        "The case has no summons of department {department}.",
    ),
    "correct.error.no_reinspection": (
        "该案件没有已记录结果的回头看。",
        "The case has no recorded re-inspection.",
    ),
    "correct.error.unknown_kind": (
        "事件 #{seq} 是未知的冲正类型「{kind}」。",
        "Event #{seq} is a correction of an unknown kind “{kind}”.",
    ),
    "correct.error.bad_time": (
        "时间格式应为 HH:MM 或 YYYY-MM-DD HH:MM：{value}",
        "Write the time as HH:MM or YYYY-MM-DD HH:MM: {value}",
    ),
    "correct.error.bad_setting": ("请写成 字段=新值：{value}", "Write FIELD=VALUE: {value}"),
    "correct.error.no_selection": ("请先选中一个召集。", "Select a summons first."),
    "correct.error.nothing_here": (
        "选中的召集还没有可冲正的记录（{status}）。",
        "The selected summons has nothing recorded to correct yet ({status}).",
    ),
}

_TIMELINE: dict[str, tuple[str, str]] = {
    "timeline.correction": (
        "冲正{what}：{changes}；原因：{reason}",
        "Corrected {what}: {changes}; reason: {reason}",
    ),
    "timeline.correction_of": ("{department}{what}", "{department} {what}"),
    "timeline.change": ("{before} → {after}", "{before} → {after}"),
    "timeline.field_change": ("{field} {before} → {after}", "{field} {before} → {after}"),
    "timeline.field_changed": ("{field}（已更改）", "{field} (changed)"),
    "timeline.on_time": ("按时", "on time"),
    "timeline.late_by": ("迟到 {late}", "{late} late"),
    "timeline.case_became": ("案件 {before} → {after}", "case {before} → {after}"),
}

_UI: dict[str, tuple[str, str]] = {
    "key.correct": ("冲正", "Correct"),
    "dialog.correct_what": ("冲正 {number}：选择要冲正的内容", "Correct {number}: what to correct"),
    "dialog.correct": ("冲正 {number}：{what}", "Correct {number}: {what}"),
    "dialog.correct_hint": (
        "原记录保留并划去，冲正记录附在旁边。Ctrl+S 提交 · Esc 取消",
        "The original stays, struck through, with the correction beside it. Ctrl+S submit · Esc cancel",
    ),
    "correct.field.what": ("冲正内容", "what"),
    "correct.field.at": ("正确时间", "correct time"),
    "correct.field.field": ("字段", "field"),
    "correct.field.value": ("新值", "new value"),
    "correct.field.status": ("改为", "change to"),
    "correct.field.result": ("回头看结果", "result"),
    "correct.time_hint": ("HH:MM 或 YYYY-MM-DD HH:MM", "HH:MM or YYYY-MM-DD HH:MM"),
    "correct.done": ("已冲正 {number}：{what}", "Corrected {number}: {what}"),
    "correct.what_department": ("{department}：{what}", "{department}: {what}"),
    "reports.title_corrections": ("冲正（按部门）", "Corrections by department"),
    "reports.department": ("部门", "department"),
    "reports.case_level": ("案件信息与回头看", "case details and re-inspections"),
    "reports.no_corrections": ("没有冲正。", "No corrections."),
}

_CLI: dict[str, tuple[str, str]] = {
    "cli.help.correct": (
        "冲正（仅中心主任）：更正已记录的内容，原记录保留",
        "correct the record (supervisors only); the original stays",
    ),
    "cli.help.correct_case": ("冲正案件信息", "correct case details"),
    "cli.help.correct_arrival": ("冲正到场时间", "correct an arrival time"),
    "cli.help.correct_action": ("冲正处置措施或结果", "correct an action or its result"),
    "cli.help.correct_action_time": ("冲正处置时间", "correct an action's time"),
    "cli.help.correct_release": ("冲正撤离时间", "correct a release time"),
    "cli.help.correct_rating": ("冲正评价分", "correct a rating"),
    "cli.help.correct_withdrawal": (
        "冲正撤回召集 / 未报到",
        "correct a withdrawal or a no-show",
    ),
    "cli.help.correct_reinspection": ("冲正回头看结果", "correct a re-inspection result"),
    "cli.help.case_number": ("案件编号，如 SJ-2026-000001", "case number, e.g. SJ-2026-000001"),
    "cli.help.department": ("部门代码，如 CGZF", "department code, e.g. CGZF"),
    "cli.help.correct_reason": ("冲正原因（必填）", "why (required)"),
    "cli.help.correct_at": (
        "正确时间：HH:MM（今天）或 YYYY-MM-DD HH:MM",
        "the right time: HH:MM (today) or YYYY-MM-DD HH:MM",
    ),
    "cli.help.correct_set": ("字段=新值，可重复", "FIELD=VALUE, may repeat"),
    "cli.help.correct_status": (
        "改为：withdrawn、no_show 或 summoned",
        "change to: withdrawn, no_show or summoned",
    ),
    "cli.help.correct_rating_value": ("新评分 1–5", "the new rating 1–5"),
    "cli.help.correct_result": (
        "新结果：pass、relapse 或 uncheckable",
        "the new result: pass, relapse or uncheckable",
    ),
    "cli.correct.done": ("已冲正 {number}：{what}", "Corrected {number}: {what}"),
    "cli.error.no_case_number": ("找不到案件 {number}。", "No case numbered {number}."),
}

STRINGS: dict[str, tuple[str, str]] = {**_KINDS, **_ERRORS, **_TIMELINE, **_UI, **_CLI}
