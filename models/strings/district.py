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
STRINGS.update(
    {
        "district.not_ours": (
            "站点 {station} 不是本库的区级中心，其发布的基础数据（第 {seq} 条）不予接受",
            "station {station} is not this database's district: its reference data (event {seq}) is "
            "not accepted",
        ),
        "district.only": (
            "只有区级数据库（whistle init --district）才能发布基础数据",
            "only a district's database (whistle init --district) publishes reference data",
        ),
        "cli.help.init_district": (
            "建立区级数据库：其站点是各街道共享基础数据（目录、时限、节假日表）的发布方",
            "make the database a district's: the authority for the shared reference data (catalogue, "
            "time limits, holiday tables) of the stations that trust it",
        ),
        "cli.help.district": ("区级中心：发布基础数据", "the district: publish reference data"),
        "cli.help.district_publish": (
            "发布区级基础数据包（目录、时限、节假日表，已签名），供各街道导入",
            "write the signed district bundle (catalogue, time limits, holiday tables) for the stations "
            "to import",
        ),
        "cli.district.published": (
            "已发布区级基础数据包 {path}：时限 紧急 {urgent}、常规 {regular}、{handling} 类处置时限，"
            "{departments} 个部门，{years} 年节假日表（{count} 条留痕）。",
            "Published the district bundle {path}: limits urgent {urgent}, regular {regular}, {handling} "
            "handling limits, {departments} departments, holiday tables for {years} ({count} events).",
        ),
        "cli.init.district": (
            "此数据库是区级中心 {station}：各街道以 trust add --district 信任它后接受其基础数据。",
            "This database is the district {station}: stations that trust it with trust add --district "
            "accept its reference data.",
        ),
    }
)
STRINGS.update(
    {
        "key.report_station": ("切换站点", "station"),
        "district.all_stations": ("全部站点", "all stations"),
        "district.one_station": (
            "本库只有一个站点的案件，无需切换站点",
            "this database holds one station's cases: there is no other station to show",
        ),
        "district.ranking_title": (
            "站点排名 {period}（按 按期结案率、报到及时率、结案率；s 切换站点，当前：{station}）",
            "Stations ranked, {period} (by on-time closure, on-time check-in, closure; s switches "
            "station, now: {station})",
        ),
        "district.rank": ("名次", "Rank"),
        "district.station": ("站点", "Station"),
        "district.received": ("受理", "Received"),
    }
)
STRINGS.update(
    {
        "queue.col.station": ("站点", "Station"),
        "queue.filter.station": ("站点", "Station"),
    }
)
STRINGS.update(
    {
        "district.read_only_case": (
            "这件案件属于站点 {station}，在此只读：只有该站点能改动它（改动随其同步包送来）",
            "This case belongs to station {station} and is read-only here: only that station changes "
            "it (its changes come in its bundles)",
        ),
    }
)
STRINGS.update(
    {
        "cli.help.hub": ("区级中心试用", "a district hub to try"),
        "cli.help.hub_try": (
            "在一个文件夹里启动本地 PostgreSQL、建立区级数据库、导入三个演示街道的同步包，然后打开区级调度台",
            "start a local PostgreSQL cluster in a folder, create the district, import three demo "
            "stations' bundles, then open the district console",
        ),
        "cli.help.hub_dir": (
            "放集群和演示街道的文件夹（默认 ./hub）",
            "the folder for the cluster and the demo stations (default ./hub)",
        ),
        "cli.help.hub_no_console": ("只准备好，不打开调度台", "set it up only, without opening the console"),
        "cli.hub.step": ("准备中：{step} …", "Setting up: {step} …"),
        "cli.hub.made": ("已在 {folder} 建好区级中心。", "Made the district hub in {folder}."),
        "cli.hub.started": (
            "{folder} 里的区级中心已启动（原有数据未改动）。",
            "Started the district hub in {folder} (its data as it was).",
        ),
        "cli.hub.ready": (
            "数据库 {url}；值班员 {operator}，口令 {passphrase}（演示用）",
            "Database {url}; operator {operator}, passphrase {passphrase} (a demo's)",
        ),
        "cli.hub.stop": ("停止集群：{command}", "To stop the cluster: {command}"),
        "hub.no_postgres": (
            "找不到 PostgreSQL 的 initdb：请先安装（Debian：apt-get install postgresql）",
            "PostgreSQL's initdb is not found: install it first (Debian: apt-get install postgresql)",
        ),
        "hub.cluster_failed": (
            "启动本地集群失败（{step}）：{detail}",
            "The local cluster did not start ({step}): {detail}",
        ),
    }
)
