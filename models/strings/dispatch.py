"""Strings of the dispatch desk: case detail, the check-in board, dialogs, CSV intake."""

from __future__ import annotations

_TIMELINE: dict[str, tuple[str, str]] = {
    "repo.clock.checkin": ("{department}报到时限", "{department} check-in"),
    "timeline.some_clock": ("时限", "clock"),
    "timeline.sep": ("；", "; "),
    "timeline.list_sep": ("、", ", "),
    "timeline.purpose": ("（{purpose}）", " ({purpose})"),
    "timeline.received": (
        "接收案件 {number}：{category}，{community} {address}（来源：{source}）",
        "Received {number}: {category}, {community} {address} (source: {source})",
    ),
    "timeline.corrected": ("冲正 {fields}；原因：{reason}", "Corrected {fields}; reason: {reason}"),
    "timeline.whistle": ("吹{grade}{purpose}，召集 {departments}", "{grade} whistle{purpose}: {departments}"),
    "timeline.summoned_one": ("{department}（{deadline} 前报到）", "{department} (report by {deadline})"),
    "timeline.transition": ("{action}：{before} → {after}", "{action}: {before} → {after}"),
    "timeline.reason": ("原因：{reason}", "reason: {reason}"),
    "timeline.review_on": ("复核日期：{day}", "review on {day}"),
    "timeline.result": ("结果：{result}", "result: {result}"),
    "timeline.note": ("备注：{note}", "note: {note}"),
    "timeline.arrived": (
        "{department} 到场（{person}，{at}），按时报到",
        "{department} arrived ({person}, {at}) on time",
    ),
    "timeline.arrived_late": (
        "{department} 到场（{person}，{at}），迟到 {late} 分钟",
        "{department} arrived ({person}, {at}), {late} min late",
    ),
    "timeline.acted": (
        "{department} 处置：{action}；结果：{result}",
        "{department} acted: {action}; result: {result}",
    ),
    "timeline.rated": ("{department} 评价 {rating} 分：{reason}", "{department} rated {rating}: {reason}"),
    "timeline.released": ("{department} 撤离", "{department} released"),
    "timeline.noted": ("{department} 备注：{notes}", "{department} note: {notes}"),
    "timeline.paused": ("{clock} 挂起：{reason}", "{clock} paused: {reason}"),
    "timeline.resumed": ("{clock} 恢复计时，新时限 {deadline}", "{clock} resumed, now due {deadline}"),
    "timeline.extended": (
        "{clock} 延期 {by}，新时限 {deadline}；原因：{reason}",
        "{clock} extended by {by}, now due {deadline}; reason: {reason}",
    ),
    "timeline.reinspection_scheduled": (
        "安排回头看（{kind}），{day} 前复查",
        "Re-inspection ({kind}) due {day}",
    ),
    "timeline.reinspection_recorded": (
        "回头看结果：{result}（核查人 {inspector}）",
        "Re-inspection: {result} (by {inspector})",
    ),
    "timeline.other": ("{type}", "{type}"),
}

_CSV: dict[str, tuple[str, str]] = {
    "csv.column.source": ("来源", "source"),
    "csv.column.category": ("类别", "category"),
    "csv.column.subcategory": ("小类", "subcategory"),
    "csv.column.community": ("社区", "community"),
    "csv.column.address": ("地址", "address"),
    "csv.column.description": ("问题描述", "description"),
    "csv.column.reporter_name": ("反映人", "reporter"),
    "csv.column.reporter_phone": ("联系电话", "phone"),
    "csv.column.priority": ("紧急程度", "priority"),
    "csv.error.encoding": (
        "文件 {path} 既不是 UTF-8 也不是 GB18030 编码。",
        "{path} is neither UTF-8 nor GB18030 text.",
    ),
    "csv.error.read": ("无法读取文件 {path}：{detail}", "Cannot read {path}: {detail}"),
    "csv.error.empty": ("文件 {path} 没有表头。", "{path} has no header row."),
    "csv.error.missing_columns": (
        "缺少必需的列：{columns}（必需：来源,类别,社区,地址,问题描述）",
        "Missing columns: {columns} (required: source, category, community, address, description)",
    ),
    "csv.error.unknown_columns": ("不认识的列：{columns}", "Unknown columns: {columns}"),
    "csv.error.duplicate_column": ("列重复：{column}", "Column given twice: {column}"),
    "csv.error.row_width": (
        "本行有 {found} 列，表头有 {expected} 列。",
        "This row has {found} fields; the header has {expected}.",
    ),
    "csv.line": ("第 {line} 行：{message}", "line {line}: {message}"),
    "csv.refused": (
        "{bad} 行有错，整个文件未导入（共 {total} 行）。改正后重试，或用 --skip-bad 只导入正确的行。",
        "{bad} of {total} rows have errors; nothing was imported. Fix them, or use --skip-bad to import the good rows only.",
    ),
    "csv.done": ("已导入 {count} 件案件（{first} … {last}）。", "Imported {count} cases ({first} … {last})."),
    "csv.done_skipped": (
        "已导入 {count} 件案件，跳过 {bad} 行有错的记录。",
        "Imported {count} cases; skipped {bad} bad rows.",
    ),
    "csv.nothing": ("文件中没有数据行。", "The file has no data rows."),
    "cli.help.intake": (
        "批量导入 12345 热线工单（CSV，UTF-8 或 GB18030）",
        "import a batch of hotline work orders (CSV, UTF-8 or GB18030)",
    ),
    "cli.help.intake_file": (
        "CSV 文件；列：来源,类别,社区,地址,问题描述,反映人,联系电话,紧急程度",
        "CSV file; columns: 来源,类别,社区,地址,问题描述,反映人,联系电话,紧急程度",
    ),
    "cli.help.skip_bad": ("跳过有错的行，只导入正确的行", "skip bad rows and import the good ones"),
}

STRINGS: dict[str, tuple[str, str]] = {**_TIMELINE, **_CSV}
