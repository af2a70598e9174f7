"""The district hub: moving a database between a file and a server, the district's reference
data, the district console."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "cli.help.migrate": (
        "把数据库从文件搬到服务器（或从服务器备份到文件）：复制留痕、重放重建各表、再校验",
        "move a database from a file to a server (or back to a file): events copied, tables rebuilt "
        "by replay, then verified",
    ),
    "cli.help.migrate_from": ("源数据库（文件或服务器 URL）", "source database (file or server URL)"),
    "cli.help.migrate_to": ("目标数据库（须为空）", "target database (must be empty)"),
    "cli.migrate.done": (
        "已从 {source} 迁移到 {target}：{events} 条留痕，{stations} 个站点，重放重建并校验通过。",
        "Moved {source} to {target}: {events} events from {stations} station(s), rebuilt by replay "
        "and verified.",
    ),
    "migrate.same": ("源和目标是同一个数据库：{path}", "source and target are the same database: {path}"),
    "migrate.no_source": ("源数据库不存在：{path}", "no source database at {path}"),
    "migrate.source_bad": (
        "源数据库 {path} 未通过校验，未迁移，目标未改动：{detail}",
        "{path} fails verify; nothing moved, the target is unchanged: {detail}",
    ),
    "migrate.target_not_empty": (
        "目标数据库 {path} 不是空的（已有 {events} 条留痕），未改动",
        "the target {path} is not empty ({events} events already); nothing changed",
    ),
    "migrate.target_bad": (
        "迁移后的 {path} 未通过校验，已撤销，目标未改动：{detail}",
        "{path} failed verify after the move; undone, the target is unchanged: {detail}",
    ),
    "migrate.key_differs": (
        "目标处已有另一把站点密钥 {path}，未改动",
        "another station key is already at {path}; nothing changed",
    ),
}
