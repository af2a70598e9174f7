"""Strings of the escalation ladder (升级): 二次报警, 缺席, 再吹哨."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "error.settings_ladder": (
        "设置 {where} 的升级阶梯不对：{detail}",
        "Bad escalation ladder in {where}: {detail}",
    ),
    "error.ladder_order": (
        "二次报警（{alarm}）须早于标记缺席（{absent}）",
        "alarm ({alarm}) must come before absent ({absent})",
    ),
    "error.rewhistle_not_absent": (
        "再吹哨只接续本案已标记缺席的报到",
        "A re-whistle follows only a summons of this case marked absent",
    ),
    "Step.alarm": ("二次报警", "Second alarm"),
    "Step.absent": ("缺席", "Absent"),
    "AgendaReason.absent": ("部门缺席", "Department marked absent"),
    "agenda.detail.absent": (
        "{day} 吹哨，{names} 超时未到，已标记缺席",
        "whistle of {day}: {names} marked absent",
    ),
    "timeline.escalated_alarm": (
        "{department} 超时 {after} 仍未报到：二次报警，已通知督办（{at} 到点）",
        "{department} still not in {after} after the deadline: second alarm, supervisor notified (due {at})",
    ),
    "timeline.escalated_absent": (
        "{department} 超时 {after} 未报到：标记缺席（{at}）",
        "{department} not in {after} after the deadline: marked absent ({at})",
    ),
    "timeline.after_absence": ("缺席后到场（{at} 已标记缺席）", "came after being marked absent at {at}"),
    "timeline.rewhistle": ("再吹哨，接续 {department} 缺席", "re-whistle after {department} was absent"),
    "mark.alarm": ("二次报警", "2nd alarm"),
    "mark.absent": ("缺席", "Absent"),
    "mark.after_absence": ("缺席后到", "came after absence"),
    "case.rewhistle_of": ("再吹哨，接续 {department} 缺席", "Re-whistle after {department} was absent"),
    "case.absent_hint": ("{at} 标记，按 {key} 再吹哨", "marked {at}; {key} to whistle again"),
    "key.case_rewhistle": ("再吹哨", "Re-whistle"),
    "refuse.rewhistle_needs_absent": (
        "再吹哨用于已标记缺席的报到：先选中一行“缺席”的报到。",
        "A re-whistle follows a summons marked absent: select an “absent” check-in first.",
    ),
    "dialog.rewhistle": ("再吹哨：接续 {department} 缺席", "Re-whistle after {department} was absent"),
    "app.alarm_title": ("二次报警", "Second alarm"),
    "app.alarm_notice": ("{names}{more} 超时仍未报到", "{names}{more}: still not reported in"),
    "app.absent_title": ("标记缺席", "Marked absent"),
    "app.absent_notice": (
        "{names}{more} 已标记缺席：案件中按 {key} 再吹哨，已提交周例会",
        "{names}{more} marked absent: {key} in the case to whistle again; proposed for the weekly meeting",
    ),
    "app.supervisor_title": ("督办提醒", "Supervisor notice"),
    "app.supervisor_notice": (
        "{names}{more} 已二次报警仍未报到，请督办",
        "{names}{more}: second alarm, still not reported in; please follow up",
    ),
    "app.supervisor_waiting": (
        "二次报警未到 {alarm} 项，标记缺席 {absent} 项（开放案件）：{names}",
        "Second alarm, still awaited: {alarm}; marked absent: {absent} (open cases): {names}",
    ),
    "help.legend.board_ladder": (
        "升级：超时后按设置的阶梯（[escalation]）先二次报警（全部调度台响铃，通知督办），"
        "再标记缺席（计入考核的缺席，可在案件中按 W 再吹哨，并提交周例会）；"
        "缺席后仍到场的照常登记，标为“缺席后到”，考核仍计缺席。",
        "Escalation: past the deadline the ladder of the settings ([escalation]) takes a second "
        "alarm (every desk rings, the supervisor is told), then marks the summons absent (counted "
        "absent by the assessment; W in the case whistles again; proposed for the weekly meeting). "
        "A department that comes after that is recorded, marked “came after absence”, and still "
        "counts as absent.",
    ),
    "cli.escalate.help": (
        "写入已到点的升级步骤（二次报警、缺席）",
        "Record the escalation steps now due (second alarm, absent)",
    ),
    "cli.escalate.done": ("升级：记录 {n} 项", "Escalation: {n} recorded"),
}
