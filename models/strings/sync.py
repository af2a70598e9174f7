"""Strings of the exchange between stations and of the exports for others."""

from __future__ import annotations

_REFUSALS: dict[str, tuple[str, str]] = {
    "sync.refuse.corrupt": (
        "文件损坏或不完整（可能未拷贝完）：{detail}",
        "The file is corrupt or truncated (perhaps not copied completely): {detail}",
    ),
    "sync.refuse.shape": (
        "不是同步包：内容结构不对（{detail}）",
        "Not a sync bundle: its contents have the wrong shape ({detail})",
    ),
    "sync.refuse.path": (
        "同步包内含指向包外的路径「{entry}」，已拒绝。",
        "The bundle holds a path outside itself (“{entry}”); refused.",
    ),
    "sync.refuse.oversize": (
        "「{entry}」大小 {size} 字节，远超清单所记的 {limit} 字节，已拒绝。",
        "“{entry}” is {size} bytes, far beyond the {limit} bytes its manifest declares; refused.",
    ),
    "sync.refuse.format_version": (
        "同步包格式版本 {found} 本程序不认识（已知 {known}），请先升级程序。",
        "Bundle format version {found} is unknown to this program (it knows {known}); upgrade first.",
    ),
    "sync.refuse.schema_version": (
        "同步包的数据库版本 {found} 本程序不认识（已知至 {known}），请先升级程序。",
        "The bundle's schema version {found} is unknown to this program (it knows up to {known}); upgrade first.",
    ),
    "sync.refuse.unknown_station": (
        "站点 {station} 不在本库的信任名单中。核对后用 whistle trust add {station} 公钥 加入。",
        "Station {station} is not trusted by this database. After checking, add it with whistle trust add {station} KEY.",
    ),
    "sync.refuse.unsigned": (
        "同步包没有签名（声称来自站点 {station}），已拒绝。",
        "The bundle (claiming to come from station {station}) is not signed; refused.",
    ),
    "sync.refuse.bad_signature": (
        "签名与站点 {station} 的受信公钥不符：文件被改动过，或并非该站点所签。",
        "The signature does not match the trusted key of station {station}: the file was changed or not signed by that station.",
    ),
    "sync.refuse.events_hash": (
        "事件内容的校验值与清单不符：文件在传递中被改动或损坏。",
        "The events do not match the hash in the manifest: the file was changed or damaged on the way.",
    ),
    "sync.refuse.count": (
        "清单记录的事件数 {count}（序号 {first}–{last}）与内容不符。",
        "The manifest's event count {count} (sequence {first}–{last}) does not match the contents.",
    ),
    "sync.refuse.seq": (
        "事件序号 {seq} 出现在应为 {expected} 的位置。",
        "Event number {seq} is where {expected} should be.",
    ),
    "sync.refuse.foreign_event": (
        "同步包混入了其他站点（{station}）的事件 #{seq}。",
        "The bundle carries an event (#{seq}) of another station ({station}).",
    ),
    "sync.refuse.event_hash": (
        "事件 #{seq} 的内容与其校验值不符。",
        "Event #{seq} does not match its own hash.",
    ),
    "sync.refuse.chain": (
        "事件 #{seq} 处留痕链断开。",
        "The hash chain is broken at event #{seq}.",
    ),
    "sync.refuse.bad_event": (
        "第 {line} 行不是有效的事件：{detail}",
        "Line {line} is not a valid event: {detail}",
    ),
    "sync.refuse.unknown_type": (
        "事件 #{seq} 的类型「{type}」本程序不认识，请先升级程序。",
        "Event #{seq} has a type this program does not know (“{type}”); upgrade first.",
    ),
    "sync.refuse.fork": (
        "站点 {station} 的事件 #{seq} 与本库已有记录不同：历史出现分叉，已拒绝。",
        "Event #{seq} of station {station} differs from the one held here: a forked history; refused.",
    ),
    "sync.refuse.own_station": (
        "同步包声称来自本站（{station}），但含有本库没有的事件，已拒绝。",
        "The bundle claims to come from this station ({station}) but holds events this file does not; refused.",
    ),
    "sync.refuse.conflict": (
        "事件 #{seq} 与本库记录冲突：{detail}",
        "Event #{seq} conflicts with the records held here: {detail}",
    ),
    "sync.refuse.not_owner": ("同步包越权：{detail}", "The bundle oversteps its station: {detail}"),
    "sync.refuse.bad_payload": (
        "站点 {station} 的第 {seq} 条事件不符合格式，字段 {field}：{detail}",
        "Event {seq} of station {station} does not match its schema, field {field}: {detail}",
    ),
    "sync.refuse.line_too_long": (
        "同步包中有一行事件超过 {limit} 字节",
        "An event line of the bundle is longer than {limit} bytes",
    ),
    "sync.refuse.too_many": (
        "同步包声明 {count} 条事件，超过上限 {limit}",
        "The bundle declares {count} events, more than the limit of {limit}",
    ),
    "sync.refuse.held_full": (
        "站点 {station} 待处理的同步包已达上限（{count} 个或 {bytes} 字节）：请先补齐缺失的同步包，或由主管用 whistle sync drop 清理",
        "Station {station} already has as many bundles waiting as allowed ({count} or {bytes} bytes): "
        "import the missing ones first, or a supervisor drops some with whistle sync drop",
    ),
}

_ERRORS: dict[str, tuple[str, str]] = {
    "sync.error.no_held": (
        "没有唯一与 {digest} 对应的待补缺同步包（用 whistle sync held 查看）",
        "No single held bundle matches {digest} (see whistle sync held)",
    ),
    "sync.error.key_file": (
        "站点密钥文件 {path} 无法读取：{detail}",
        "The station key file {path} cannot be read: {detail}",
    ),
    "sync.error.bad_public_key": (
        "不是有效的公钥：{value}（应为 64 位十六进制）",
        "Not a valid public key: {value} (64 hexadecimal digits expected)",
    ),
    "sync.error.station_required": ("请填写站点编号。", "The station id is required."),
    "sync.error.trust_self": (
        "{station} 是本站，无需信任自己。",
        "{station} is this station; it need not trust itself.",
    ),
    "sync.error.nothing_to_export": (
        "站点 {station} 在序号 {since} 之后没有新事件可导出。",
        "Station {station} has no events after number {since} to export.",
    ),
    "sync.error.local_chain": (
        "本库站点 {station} 的留痕链在 #{seq} 处校验失败，请先运行 whistle verify。",
        "This file's chain of station {station} fails at #{seq}; run whistle verify first.",
    ),
    "sync.error.readback": (
        "写出的文件 {path} 回读校验失败：{detail}",
        "The written file {path} failed its read-back check: {detail}",
    ),
    "sync.error.no_file": ("找不到文件：{path}", "No such file: {path}"),
    "sync.error.read_file": ("无法读取文件 {path}：{detail}", "Cannot read the file {path}: {detail}"),
}

_CLI: dict[str, tuple[str, str]] = {
    "sync.help.key": (
        "显示本站编号和公钥（供其他站点 whistle trust add 使用）",
        "print this station's id and public key (for whistle trust add elsewhere)",
    ),
    "sync.help.trust": ("管理受信站点", "manage the stations this database accepts bundles from"),
    "sync.help.trust_add": ("信任一个站点的公钥", "trust a station's public key"),
    "sync.help.district": (
        "这是本站的上级（区级）：共享的部门、时限、节假日等参考数据以它为准",
        "this is the station's district: the authority for shared reference data "
        "(departments, time limits, holiday tables)",
    ),
    "sync.help.sync": ("待补缺的同步包：列出、清理", "bundles held back: list, drop"),
    "sync.help.held": ("列出待补缺的同步包", "list the bundles held back"),
    "sync.help.drop": ("清理一个待补缺的同步包（主管）", "drop a held bundle (supervisor)"),
    "sync.help.digest": (
        "同步包摘要（sync held 所列，可只写开头）",
        "bundle digest (as sync held lists it; a prefix will do)",
    ),
    "sync.help.head": ("签名的链头", "signed chain heads"),
    "sync.help.head_sign": (
        "用本站密钥签名当前链头（交班、日终时运行）",
        "sign this station's chain head with its key (run at the end of a shift or day)",
    ),
    "sync.help.trust_list": ("列出受信站点", "list the trusted stations"),
    "sync.help.station": ("站点编号", "station id"),
    "sync.help.public_key": ("公钥（64 位十六进制）", "public key (64 hexadecimal digits)"),
    "sync.help.export": ("导出同步包（签名）", "export a signed sync bundle"),
    "sync.help.out_bundle": ("同步包文件", "bundle file to write"),
    "sync.help.since": (
        "导出此序号之后的事件（默认：上次导出之后）",
        "export the events after this number (default: after the last export)",
    ),
    "sync.help.include_personal": (
        "包含反映人姓名和电话（仅限中心主任，并留痕）",
        "include reporter names and phones (supervisor only; recorded)",
    ),
    "sync.help.import": ("导入同步包", "import a sync bundle"),
    "sync.help.bundle_file": ("同步包文件", "bundle file"),
    "sync.help.export_csv": (
        "导出 CSV：案件、报到、回头看（UTF-8，带 BOM）",
        "export CSV: cases, check-ins, re-inspections (UTF-8 with BOM)",
    ),
    "sync.help.out_dir": ("输出目录", "output directory"),
    "sync.help.export_open311": (
        "以 Open311 GeoReport v2 JSON 导出案件",
        "export cases as Open311 GeoReport v2 JSON",
    ),
    "sync.help.out_json": ("输出文件（默认：标准输出）", "output file (default: standard output)"),
    "sync.cli.trusted": ("已信任站点 {station}。", "Station {station} is now trusted."),
    "sync.cli.already_trusted": (
        "站点 {station} 已以该公钥受信，无变化。",
        "Station {station} is already trusted with this key; nothing changed.",
    ),
    "sync.cli.trust_none": ("尚无受信站点。", "No trusted stations yet."),
    "sync.cli.trust_row": (
        "{station}  {key}  {added} 由 {by} 加入  待补缺包 {held}",
        "{station}  {key}  added {added} by {by}  bundles held {held}",
    ),
    "sync.cli.exporting": ("正在导出", "Exporting"),
    "sync.cli.exported_more": (
        "一个同步包装不下（每包至多 {events} 条、{mb} MB，接收方的上限），其余依次写入：{paths}。接收方逐个导入，顺序不限。",
        "One bundle could not hold it all (at most {events} events and {mb} MB each, what a receiver"
        " accepts); the rest went, in order, to: {paths}. Import each at the receiver, in any order.",
    ),
    "sync.error.line_too_big": (
        "站点 {station} 事件 #{seq} 一条就超过一个同步包的上限（[sync] bundle_bytes），无法导出。",
        "Station {station} event #{seq} alone is more than one bundle may hold ([sync] bundle_bytes);"
        " it cannot be exported.",
    ),
    "sync.cli.exported": (
        "已导出 {path}：站点 {station} 事件 #{first}–#{last}，共 {count} 条。",
        "Exported {path}: station {station}, events #{first}–#{last}, {count} in all.",
    ),
    "sync.cli.personal_included": (
        "注意：此包含有反映人个人信息，已留痕。",
        "Note: this bundle holds reporters' personal data; the export was recorded.",
    ),
    "sync.cli.imported": (
        "已导入站点 {station} 事件 #{first}–#{last}：新增 {applied} 条，已有 {skipped} 条。",
        "Imported station {station} events #{first}–#{last}: {applied} new, {skipped} already held.",
    ),
    "sync.cli.nothing_new": (
        "站点 {station} 事件 #{first}–#{last} 本库已全部持有，无变化。",
        "Station {station} events #{first}–#{last} are all held already; nothing changed.",
    ),
    "sync.cli.released": (
        "先前暂存的站点 {station} 事件 #{first}–#{last} 已补齐并导入。",
        "The held bundle of station {station} (events #{first}–#{last}) could now be imported.",
    ),
    "sync.cli.refused_held": ("暂存的同步包被拒绝：{detail}", "A held bundle was refused: {detail}"),
    "sync.cli.missing": (
        "站点 {station} 缺少事件：{seqs}",
        "Station {station} is missing events: {seqs}",
    ),
    "sync.cli.held_gap": (
        "站点 {station} 事件 #{first}–#{last} 之前有缺号，已暂存、未导入；收到缺少的同步包后自动补入。",
        "Events #{first}–#{last} of station {station} follow a gap: held back, not imported; they are applied when the missing bundle arrives.",
    ),
    "sync.cli.held_depends": (
        "站点 {station} 事件 #{first}–#{last} 引用了本库尚无的记录（来自其他站点），已暂存、未导入。",
        "Events #{first}–#{last} of station {station} refer to records not held yet (from another station): held back, not imported.",
    ),
    "sync.cli.held_none": ("没有待补缺的同步包。", "No bundles are held back."),
    "sync.cli.held_row": (
        "{digest}  {station} #{first}–#{last}  {reason}  {size} 字节  {received} 收到",
        "{digest}  {station} #{first}–#{last}  {reason}  {size} bytes  received {received}",
    ),
    "sync.cli.held_reason_gap": ("缺前序事件", "waiting for earlier events"),
    "sync.cli.held_reason_depends": ("缺所需记录", "waiting for a record it needs"),
    "sync.cli.dropped": (
        "已清理站点 {station} 的同步包 #{first}–#{last}。",
        "Dropped the held bundle of station {station}, events #{first}–#{last}.",
    ),
    "sync.cli.head_signed": (
        "已签名站点 {station} 的链头：第 {seq} 条，哈希 {hash}…",
        "Signed the chain head of station {station}: event {seq}, hash {hash}…",
    ),
    "sync.cli.refused": ("拒绝导入 {file}：{detail}", "Refused to import {file}: {detail}"),
    "sync.cli.csv_done": (
        "已导出到 {path}：案件 {cases} 行，报到 {checkins} 行，回头看 {reinspections} 行。",
        "Exported to {path}: {cases} cases, {checkins} check-ins, {reinspections} re-inspections.",
    ),
    "sync.cli.open311_done": (
        "已导出 {count} 件案件到 {path}（Open311 GeoReport v2）。",
        "Exported {count} cases to {path} (Open311 GeoReport v2).",
    ),
}

_COLUMNS: dict[str, tuple[str, str]] = {
    "export.column.number": ("案件编号", "Case number"),
    "export.column.station": ("站点", "Station"),
    "export.column.status": ("状态", "Status"),
    "export.column.source": ("来源", "Source"),
    "export.column.category": ("类别", "Category"),
    "export.column.subcategory": ("小类", "Sub-category"),
    "export.column.community": ("社区", "Community"),
    "export.column.address": ("地址", "Address"),
    "export.column.description": ("问题描述", "Description"),
    "export.column.priority": ("紧急程度", "Priority"),
    "export.column.received_at": ("接收时间", "Received at"),
    "export.column.dispatched_at": ("吹哨时间", "Dispatched at"),
    "export.column.closed_at": ("结案时间", "Closed at"),
    "export.column.handling_deadline": ("处置时限", "Handling deadline"),
    "export.column.updated_at": ("最近更新", "Updated at"),
    "export.column.reopened_from": ("反弹自", "Reopened from"),
    "export.column.reporter_name": ("反映人", "Reporter"),
    "export.column.reporter_phone": ("联系电话", "Phone"),
    "export.column.grade": ("哨级", "Grade"),
    "export.column.purpose": ("哨类", "Purpose"),
    "export.column.blown_at": ("吹哨时间", "Whistle blown at"),
    "export.column.department": ("部门", "Department"),
    "export.column.deadline": ("报到时限", "Check-in deadline"),
    "export.column.arrived_at": ("到场时间", "Arrived at"),
    "export.column.late_minutes": ("迟到分钟", "Minutes late"),
    "export.column.person": ("到场人员", "Person on site"),
    "export.column.action": ("处置措施", "Action taken"),
    "export.column.result": ("结果", "Result"),
    "export.column.rating": ("评分", "Rating"),
    "export.column.rating_reason": ("评分理由", "Rating reason"),
    "export.column.released_at": ("撤离时间", "Released at"),
    "export.column.kind": ("方式", "Kind"),
    "export.column.due_on": ("应查日期", "Due on"),
    "export.column.inspector": ("核查人", "Inspector"),
    "export.column.notes": ("备注", "Notes"),
    "export.column.recorded_at": ("记录时间", "Recorded at"),
    "export.column.relapse_number": ("反弹新案编号", "Relapse case number"),
}

_UI: dict[str, tuple[str, str]] = {
    "sync.ui.title": ("导出同步包", "Export a sync bundle"),
    "sync.ui.path": ("保存到", "Save to"),
    "sync.ui.hint": (
        "导出上次导出之后的全部留痕（不含反映人个人信息）。Ctrl+S 开始，Esc 取消",
        "Exports every event since the last export (without reporters' personal data). "
        "Ctrl+S to start, Esc to cancel",
    ),
    "sync.ui.close": ("关闭", "Close"),
    "sync.ui.close_hint": ("完成后按 Esc 关闭", "Esc closes this when the export is done"),
    "sync.ui.failed": ("导出失败，未写入任何文件：{detail}", "Export failed; nothing was written: {detail}"),
    "cmd.export_bundle": ("导出: 同步包", "Export: sync bundle"),
    "cmd.export_bundle_help": (
        "把本站新留痕写成签名同步包，供上级或其他站点导入",
        "Write this station's new events to a signed bundle for the district or other stations",
    ),
}

STRINGS: dict[str, tuple[str, str]] = {**_REFUSALS, **_ERRORS, **_CLI, **_COLUMNS, **_UI}
