"""Strings of the shift handover (交接班): its view, its print, its timeline lines and refusals."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "thing.handover": ("交接班记录", "handover"),
    "error.handover_needs_operator": (
        "交班须由已登录的本站操作员发起",
        "A handover is opened by a signed-in operator of this station",
    ),
    "error.handover_needs_incoming": (
        "接班须由已登录的本站操作员签收",
        "A handover is acknowledged by a signed-in operator of this station",
    ),
    "error.handover_pending": (
        "{by} 于 {at} 发起的交接班尚未签收，先签收再交班",
        "The handover {by} opened at {at} is not acknowledged yet: acknowledge it first",
    ),
    "error.handover_note_too_long": (
        "交班备注最多 {limit} 字",
        "The handover note has at most {limit} characters",
    ),
    "error.handover_bad_shift_end": (
        "班次结束时间 {at} 离现在超过 12 小时",
        "The shift end {at} is more than 12 hours from now",
    ),
    "error.handover_not_ours": (
        "该交接班属于站点 {station}，不能在此签收",
        "This handover belongs to station {station}",
    ),
    "error.handover_acknowledged": (
        "该交接班已由 {by} 于 {at} 签收",
        "This handover was acknowledged by {by} at {at}",
    ),
    "error.handover_same_operator": (
        "{name} 是交班人，须由另一位操作员登录后签收",
        "{name} opened this handover: another operator signs in to acknowledge it",
    ),
    "handover.why.clock": ("办理时限在走", "Handling clock running"),
    "handover.why.overdue": ("报到已超时", "Check-ins overdue"),
    "handover.why.summons": ("召集待报到", "Summons awaited"),
    "handover.why.parked": ("挂账到期复查", "Parked, review due"),
    "handover.why.followup": ("会商督办到期", "Meeting follow-ups due"),
    "handover.no_owner": ("未定{missing}：{decision}", "no {missing}: {decision}"),
    "handover.summons": ("{dept} {at}", "{dept} {at}"),
    "timeline.handover_opened": (
        "交接班：{operator} 交班（{whys}）",
        "Handover: {operator} handed over ({whys})",
    ),
    "timeline.handover_acknowledged": ("交接班：{by} 已签收", "Handover: acknowledged by {by}"),
    "handover.print.title": ("{station} 交接班记录", "{station} shift handover"),
    "handover.print.title_plain": ("交接班记录", "Shift handover"),
    "handover.print.opened": ("交班", "Handed over"),
    "handover.print.shift_ends": ("班次结束", "Shift ends"),
    "handover.print.acknowledged": ("接班签收", "Acknowledged"),
    "handover.print.not_yet": ("尚未签收", "not yet"),
    "handover.print.note": ("交班备注", "Note"),
    "handover.print.section": ("{why}（{n}）", "{why} ({n})"),
    "handover.print.none": ("无", "none"),
    "handover.none": ("还没有交接班记录", "No handover on the record yet"),
    "handover.cli.written": ("交接班记录已写入 {path}", "Handover written to {path}"),
    "cli.help.handover": ("交接班：打印交接班记录", "Shift handover: print a handover"),
    "cli.help.handover_print": (
        "打印交接班记录（缺省为最近一次）为 Markdown 或 HTML",
        "Print a handover (the latest by default) as Markdown or HTML",
    ),
    "cli.help.handover_id": ("交接班编号（缺省为最近一次）", "The handover's id (the latest by default)"),
    "cli.help.handover_out": (
        "写入该文件（缺省输出到屏幕）",
        "Write to this file (the screen by default)",
    ),
    "view.handover": ("交接班", "Handover"),
    "key.view_handover": ("交接班", "Handover"),
    "key.handover_open": ("交班", "Hand over"),
    "key.handover_acknowledge": ("签收", "Acknowledge"),
    "key.handover_note": ("备注", "Note"),
    "key.handover_current": ("当前", "Now"),
    "handover.col.opened": ("交班时间", "Handed over"),
    "handover.col.by": ("交班人", "By"),
    "handover.col.acknowledged": ("签收", "Acknowledged"),
    "handover.col.note": ("备注", "Note"),
    "handover.view.item": ("  {number}  {detail}", "  {number}  {detail}"),
    "handover.view.note": ("交班备注：{note}", "Note: {note}"),
    "handover.view.note_placeholder": (
        "交班备注（按 n 填写，回车完成）",
        "Handover note (n to write, Enter when done)",
    ),
    "handover.view.now": ("本班待交接 {n} 项；按 o 交班", "{n} items to hand over; o hands over"),
    "handover.view.awaiting": (
        "{at} 的交接班待接班人签收",
        "The handover of {at} awaits the incoming operator",
    ),
    "handover.view.to_acknowledge": (
        "{by} 于 {at} 交班，请核对后按 a 签收",
        "{by} handed over at {at}: check it and press a to acknowledge",
    ),
    "handover.view.reread": ("{by} 于 {at} 的交接班", "The handover by {by} at {at}"),
    "handover.view.nothing_to_acknowledge": (
        "没有待你签收的交接班（交班人不能自己签收）",
        "No handover awaits you (whoever opened it cannot acknowledge it)",
    ),
    "handover.view.opened": (
        "已交班，待接班人登录后签收",
        "Handed over: the incoming operator signs in to acknowledge",
    ),
    "handover.view.acknowledged": ("已签收 {by} 的交班", "Acknowledged the handover from {by}"),
    "handover.view.signed_in_pending": (
        "{by} 的交接班待你签收（交接班视图，按 a）",
        "{by}'s handover awaits your acknowledgement (handover view, press a)",
    ),
    "handover.cmd.open": ("交接班: 交班", "Handover: hand over"),
    "handover.cmd.open_help": (
        "记录本班待交接事项和备注",
        "Record what this shift hands over, with the note",
    ),
    "handover.cmd.acknowledge": ("交接班: 签收", "Handover: acknowledge"),
    "handover.cmd.acknowledge_help": ("签收待你接班的交接班", "Acknowledge the handover awaiting you"),
}
