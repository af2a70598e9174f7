"""Strings of the exports' files on disk, of intake's text limits and of the command line's
last-resort refusals (a full disk, a closed pipe)."""

from __future__ import annotations

_TEXT: dict[str, tuple[str, str]] = {
    "error.control_character": (
        "{name}含有控制字符 {code}（第 {position} 个字符），请删除后再试。",
        "The {name} holds the control character {code} (character {position}); remove it and try again.",
    ),
    "error.too_long": (
        "{name}过长：{length} 字，最多 {limit} 字。",
        "The {name} is too long: {length} characters, at most {limit}.",
    ),
    "csv.error.field_too_long": (
        "第 {line} 行有一个字段超过 {limit} 个字符，整个文件未导入；请检查引号是否配对。",
        "Line {line} has a field longer than {limit} characters; nothing was imported. "
        "Check that its quotes are paired.",
    ),
    "csv.error.malformed": (
        "第 {line} 行不是有效的 CSV（{detail}），整个文件未导入。",
        "Line {line} is not valid CSV ({detail}); nothing was imported.",
    ),
    "csv.error.not_a_file": ("不是文件：{path}", "Not a file: {path}"),
    "csv.error.too_big": (
        "文件 {path} 有 {size} 字节，超过批量导入上限 {limit} 字节；请拆成几个文件。",
        "{path} is {size} bytes, more than the {limit} bytes one intake takes; split it into several files.",
    ),
}

_FILES: dict[str, tuple[str, str]] = {
    "error.disk_full": (
        "磁盘已满，无法写入 {path}；什么都没有改变。请腾出空间后重试。",
        "The disk is full: cannot write {path}; nothing was changed. Free some space and try again.",
    ),
    "error.disk_full_db": (
        "磁盘已满，数据库无法写入；什么都没有改变。请腾出空间后重试。",
        "The disk is full: the database cannot be written; nothing was changed. Free some space and try again.",
    ),
    "error.folder_not_private": (
        "含个人信息的文件只写入仅本人可读的文件夹，而 {path} 他人可访问（权限 {mode}）。"
        "请执行 chmod 700 {path}，或用 --out 指定一个新文件夹（将以 700 权限创建）。",
        "Files holding personal data go only into a folder only you can open, and {path} is open to others "
        "(mode {mode}). Run chmod 700 {path}, or give --out a new folder (it is created mode 700).",
    ),
    "error.not_a_folder": ("不是文件夹：{path}", "Not a folder: {path}"),
    "error.same_file": (
        "服务目录与请求不能写入同一个文件：{path}",
        "The services list and the requests cannot go to the same file: {path}",
    ),
    "sync.help.format_table": (
        "表格格式：csv（UTF-8 带 BOM）或 xlsx（Excel 工作簿，推荐：无需导入对话框，日期、数字、前导零都正确）",
        "table format: csv (UTF-8 with BOM) or xlsx (an Excel workbook, recommended: "
        "opens with no import dialog, dates, numbers and leading zeros right)",
    ),
    "sync.help.services": (
        "服务目录（services.json）写到此文件；默认与 --out 同一文件夹下的 services.json",
        "write the service list (services.json) to this file; "
        "by default services.json in the folder of --out",
    ),
    "sync.cli.xlsx_done": (
        "已导出 {path}：案件 {cases} 行，报到 {checkins} 行，回头看 {reinspections} 行。",
        "Exported {path}: {cases} cases, {checkins} check-ins, {reinspections} re-inspections.",
    ),
    "sync.cli.services_done": (
        "服务目录已写入 {path}",
        "Service list written to {path}",
    ),
    "export.sheet.cases": ("案件", "Cases"),
    "export.sheet.checkins": ("报到", "Check-ins"),
    "export.sheet.reinspections": ("回头看", "Re-inspections"),
}

STRINGS: dict[str, tuple[str, str]] = {**_TEXT, **_FILES}
