"""Strings of the assessment (一次一考核): scorecards, station rates, reports."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "assess.formula": (
        "综合得分 = {came}×来没来 + {acted}×干没干 + {quality}×干得好不好 − {rework}×返工次数；"
        "来没来 = (按时 + {late}×迟到) / (按时 + 迟到 + 缺席)；干没干 = 有处置记录 / 到场；"
        "干得好不好 = (平均评价 − 1) / 4；某项无数据时不计入，其余权重按比例折算为 100 分",
        "score = {came}×came + {acted}×acted + {quality}×quality − {rework}×rework; "
        "came = (on time + {late}×late) / (on time + late + absent); acted = actions recorded / arrivals; "
        "quality = (mean rating − 1) / 4; a part with no data is left out and the other weights "
        "scaled to 100",
    ),
    "assess.title_scorecard": ("部门考核 {period}", "Department scorecards {period}"),
    "assess.title_rates": ("本站指标 {period}", "Station rates {period}"),
    "assess.station": ("站点", "Station"),
    "assess.period": ("期间", "Period"),
    "assess.generated": ("生成时间", "Generated at"),
    "assess.weights": ("计分方法", "How the score is computed"),
    "assess.rank": ("名次", "Rank"),
    "assess.department": ("部门", "Department"),
    "assess.summoned": ("召集", "Summoned"),
    "assess.on_time": ("按时", "On time"),
    "assess.late": ("迟到", "Late"),
    "assess.absent": ("缺席", "Absent"),
    "assess.withdrawn": ("撤回", "Withdrawn"),
    "assess.pending": ("待报到", "Awaited"),
    "assess.on_time_rate": ("报到及时率", "On-time rate"),
    "assess.arrival_rate": ("到场率", "Arrival rate"),
    "assess.mean_arrive": ("平均报到", "Mean to arrive"),
    "assess.median_arrive": ("报到中位", "Median to arrive"),
    "assess.acted": ("干没干", "Acted"),
    "assess.rating": ("评价", "Rating"),
    "assess.ratings": ("评价数", "Ratings"),
    "assess.rework": ("返工", "Rework"),
    "assess.pauses": ("挂账", "Pauses"),
    "assess.paused_time": ("挂账时长", "Paused"),
    "assess.extensions": ("延期", "Extensions"),
    "assess.extended_time": ("延期时长", "Extended"),
    "assess.score": ("得分", "Score"),
    "assess.change": ("较上期", "Change"),
    "assess.previous_rank": ("上期名次", "Last rank"),
    "assess.inactive": ("（已停用）", " (inactive)"),
    "assess.none": ("本期没有召集记录。", "No summons in this period."),
    "assess.rate": ("指标", "Rate"),
    "assess.value": ("数值", "Value"),
    "assess.num_den": ("分子/分母", "Numerator/denominator"),
    "assess.definition": ("口径", "Definition"),
    "assess.received": ("接收案件", "Cases received"),
    "assess.whistled": ("吹哨案件", "Cases whistled"),
    "assess.closure": ("结案率", "Closure rate"),
    "assess.on_time_closure": ("按期结案率", "On-time closure rate"),
    "assess.rework_rate": ("返工率", "Rework rate"),
    "assess.disposal": ("处置完成率", "Disposal completion rate"),
    "assess.whistle_rate": ("吹哨率", "Whistle rate"),
    "assess.withdrawn_count": ("撤回召集", "Summons withdrawn"),
    "assess.definition.closure": ("已结案 / 本期到期案件", "closed / cases due in the period"),
    "assess.definition.on_time_closure": (
        "按期结案 / 本期到期案件（含到期未结）",
        "closed by the deadline / cases due (open overdue cases included)",
    ),
    "assess.definition.rework": ("本期回头看反弹 / 本期处置反馈", "relapses found / cases disposed"),
    "assess.definition.disposal": (
        "本期吹哨案件中已反馈处置 / 本期吹哨案件",
        "whistled cases reported done / cases whistled",
    ),
    "assess.definition.whistle": ("吹哨案件 / 接收案件", "whistled / received"),
    "assess.definition.on_time": (
        "按时报到 / 已到期或已到场的召集",
        "on time / summons arrived or past their deadline",
    ),
    "assess.definition.arrival": (
        "到场 / 已到期或已到场的召集",
        "arrived / summons arrived or past their deadline",
    ),
    "error.bad_period": (
        "无法识别期间「{text}」：可写 2026-11、2026-W47、2026-Q4、2026、2026-11-05 或 2026-11-01..2026-11-15",
        "Cannot read the period “{text}”: write 2026-11, 2026-W47, 2026-Q4, 2026, 2026-11-05 or "
        "2026-11-01..2026-11-15",
    ),
    "error.period_backwards": ("期间「{text}」的结束早于开始", "The period “{text}” ends before it starts"),
    "reports.trend": ("近 {n} 期走势", "Last {n} periods"),
    "reports.period_line": (
        "期间 {period}（{kind}）　[ ] 上一期/下一期　p 切换周/月/季/年/日　回车 查看数字背后的记录",
        "Period {period} ({kind})   [ ] previous/next   p week/month/quarter/year/day   "
        "Enter: the records behind a figure",
    ),
    "reports.kind.day": ("日", "day"),
    "reports.kind.week": ("周", "week"),
    "reports.kind.month": ("月", "month"),
    "reports.kind.quarter": ("季度", "quarter"),
    "reports.kind.year": ("年", "year"),
    "reports.kind.range": ("自定", "range"),
    "reports.score_trend": (
        "{name} 得分走势 {first} → {last}：{line}",
        "{name}: score {first} → {last}: {line}",
    ),
    "reports.no_figure": (
        "这一列不是计数：请把光标移到召集、按时、迟到、缺席等数字上再按回车",
        "This column is not a count: move to summoned, on time, late, absent … and press Enter",
    ),
    "reports.figure_title": ("{name} · {figure} · {period}", "{name} · {figure} · {period}"),
    "reports.figure_hint": (
        "共 {n} 条；回车 打开案件与留痕，Esc 返回",
        "{n} records; Enter opens the case and its trail, Esc goes back",
    ),
    "reports.f.case": ("案件编号", "Case"),
    "reports.f.blown": ("吹哨", "Whistled"),
    "reports.f.deadline": ("报到时限", "Deadline"),
    "reports.f.arrived": ("到场", "Arrived"),
    "reports.f.rating": ("评价", "Rating"),
    "key.period_previous": ("上一期", "Previous period"),
    "key.period_next": ("下一期", "Next period"),
    "key.period_kind": ("周/月/季/年", "Period kind"),
    "key.open_figure": ("查看记录", "Records behind"),
    "key.open": ("打开", "Open"),
    "cli.help.report": ("考核与报表", "Assessment and reports"),
    "cli.help.report_scorecard": (
        "部门考核（每个部门的来没来、干没干、干得好不好与得分）",
        "Department scorecards",
    ),
    "cli.help.report_rates": ("本站指标（结案率、按期结案率、返工率等，含分子/分母）", "Station rates"),
    "cli.help.period": (
        "期间：2026-11、2026-W47、2026-Q4、2026、2026-11-05、2026-11-01..2026-11-15，或 day/week/month/quarter/year（默认本月）",
        "period: 2026-11, 2026-W47, 2026-Q4, 2026, 2026-11-05, 2026-11-01..2026-11-15, or "
        "day/week/month/quarter/year (default: this month)",
    ),
    "cli.help.report_format": ("输出格式", "output format"),
    "cli.help.report_out": ("写入文件（缺省时打印到屏幕）", "write to this file (default: print)"),
    "cli.report_written": ("已写入 {path}", "Written to {path}"),
}
