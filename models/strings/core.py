"""Strings of the core: domain vocabulary, refusals, the command line and verify."""

from __future__ import annotations

_ENUMS: dict[str, tuple[str, str]] = {
    "CaseStatus.received": ("接收", "Received"),
    "CaseStatus.triage": ("待派遣", "Triage"),
    "CaseStatus.dispatched": ("已吹哨", "Dispatched"),
    "CaseStatus.consulting": ("会商", "Consulting"),
    "CaseStatus.disposing": ("处置中", "Disposing"),
    "CaseStatus.feedback": ("已反馈", "Feedback"),
    "CaseStatus.closed": ("已结案", "Closed"),
    "CaseStatus.verified": ("已核验", "Verified"),
    "CaseStatus.relapsed": ("反弹", "Relapsed"),
    "CaseStatus.rejected": ("不予受理", "Rejected"),
    "CaseStatus.parked": ("挂账", "Parked"),
    "Action.triage": ("受理分流", "Triage"),
    "Action.reject": ("不予受理", "Reject"),
    "Action.whistle": ("吹哨", "Blow the whistle"),
    "Action.dispatch": ("派遣", "Dispatch"),
    "Action.consult": ("提请会商", "Flag for consultation"),
    "Action.resume": ("恢复处置", "Resume disposal"),
    "Action.dispose": ("执法处置", "Dispose"),
    "Action.feedback": ("信息反馈", "Report back"),
    "Action.close": ("结案", "Close"),
    "Action.verify": ("核验通过", "Verify"),
    "Action.relapse": ("反弹重开", "Reopen after relapse"),
    "Action.park": ("挂账", "Park"),
    "Action.unpark": ("解除挂账", "Unpark"),
    "CheckInStatus.summoned": ("待报到", "Summoned"),
    "CheckInStatus.arrived": ("已到场", "Arrived"),
    "CheckInStatus.acted": ("已处置", "Acted"),
    "CheckInStatus.released": ("已撤离", "Released"),
    "CheckInStatus.no_show": ("未报到", "No-show"),
    "CheckInStatus.withdrawn": ("撤回召集", "Withdrawn"),
    "Grade.urgent": ("紧急哨", "Urgent"),
    "Grade.regular": ("常规哨", "Regular"),
    "Purpose.daily": ("日常哨", "Daily"),
    "Purpose.hard": ("攻坚哨", "Hard problem"),
    "Purpose.emergency": ("应急哨", "Emergency"),
    "Priority.normal": ("一般", "Normal"),
    "Priority.high": ("较急", "High"),
    "Priority.urgent": ("紧急", "Urgent"),
    "Role.operator": ("调度员", "Operator"),
    "Role.facilitator": ("例会主持人", "Facilitator"),
    "Role.supervisor": ("中心主任", "Supervisor"),
    "StationingMode.resident": ("实名常驻", "Resident"),
    "StationingMode.area": ("联片派驻", "Area"),
    "StationingMode.on_call": ("吹哨进驻", "On call"),
    "ClockKind.checkin": ("报到时限", "Check-in deadline"),
    "ClockKind.handling": ("处置时限", "Handling deadline"),
    "MeetingKind.weekly": ("周例会", "Weekly meeting"),
    "MeetingKind.daily": ("日常会商", "Daily consultation"),
    "MeetingKind.special": ("难题会诊", "Special session"),
    "MeetingStatus.planned": ("未开始", "Planned"),
    "MeetingStatus.running": ("进行中", "Running"),
    "MeetingStatus.done": ("已结束", "Done"),
    "AgendaReason.flagged": ("提请会商", "Flagged for consultation"),
    "AgendaReason.long_open": ("久拖未结", "Open too long"),
    "AgendaReason.no_show": ("部门未报到", "Department did not report in"),
    "AgendaReason.relapse": ("回头看反弹", "Relapse at re-inspection"),
    "AgendaReason.carried_over": ("上次决定未落实", "Carried over"),
    "AgendaReason.repeat_address": ("同址重复吹哨", "Repeated whistles at one address"),
    "AgendaReason.manual": ("临时增加", "Added by hand"),
    "AgendaReason.review_due": ("搁置到期复查", "Due for review"),
    "FollowUp.open": ("跟踪中", "Open"),
    "FollowUp.done": ("已落实", "Done"),
    "ReinspectionKind.scheduled": ("限期复查", "Scheduled"),
    "ReinspectionKind.random": ("不定期抽查", "Random"),
    "ReinspectionResult.pass": ("合格", "Pass"),
    "ReinspectionResult.relapse": ("反弹", "Relapse"),
    "ReinspectionResult.uncheckable": ("无法核查", "Not checkable"),
    "Light.green": ("正常", "On track"),
    "Light.yellow": ("临期", "Due soon"),
    "Light.red": ("超时", "Overdue"),
    "Unit.minutes": ("分钟", "minutes"),
    "Unit.working_hours": ("工作小时", "working hours"),
    "Unit.working_days": ("工作日", "working days"),
}

_FIELDS: dict[str, tuple[str, str]] = {
    "field.source": ("来源", "source"),
    "field.category": ("类别", "category"),
    "field.subcategory": ("小类", "sub-category"),
    "field.community": ("社区", "community"),
    "field.address": ("地址", "address"),
    "field.description": ("问题描述", "description"),
    "field.reporter_name": ("反映人", "reporter"),
    "field.reporter_phone": ("联系电话", "phone"),
    "field.priority": ("紧急程度", "priority"),
    "field.reason": ("原因", "reason"),
    "field.person": ("到场人员", "person on site"),
    "field.action": ("处置措施", "action taken"),
    "field.result": ("处置结果", "result"),
    "field.inspector": ("核查人", "inspector"),
    "field.decision": ("结论", "decision"),
    "field.facilitator": ("主持人", "facilitator"),
    "field.operator": ("操作员", "operator"),
    "field.name": ("名称", "name"),
    "field.code": ("代码", "code"),
    "field.station_name": ("站点名称", "station name"),
    "field.case_prefix": ("案件编号前缀", "case number prefix"),
    "thing.case": ("案件", "case"),
    "thing.checkin": ("报到记录", "check-in"),
    "thing.clock": ("时限", "deadline clock"),
    "thing.whistle": ("哨", "whistle"),
    "thing.meeting": ("会议", "meeting"),
    "thing.agenda_item": ("议题", "agenda item"),
    "thing.reinspection": ("回头看", "re-inspection"),
}

_ERRORS: dict[str, tuple[str, str]] = {
    "error.illegal_transition": (
        "案件当前为「{state}」，不能执行「{action}」。",
        "A case in state “{state}” cannot be given the action “{action}”.",
    ),
    "error.not_found": ("找不到{what}：{ident}", "No {what} {ident}."),
    "error.not_owner": (
        "案件 {number} 属于站点 {station}，本站只有只读副本，不能修改。",
        "Case {number} belongs to station {station}; this is a read-only copy.",
    ),
    "error.not_owner_meeting": (
        "该会议属于站点 {station}，本站不能修改。",
        "This meeting belongs to station {station} and cannot be changed here.",
    ),
    "error.required": ("请填写{name}。", "The {name} is required."),
    "error.unknown_source": ("未知的案件来源：{value}", "Unknown case source: {value}"),
    "error.unknown_category": ("未知的案件类别：{value}", "Unknown category: {value}"),
    "error.bad_priority": ("未知的紧急程度：{value}", "Unknown priority: {value}"),
    "error.bad_phone": (
        "联系电话格式不对：{value}（手机 11 位，座机如 010-12345678）",
        "Not a phone number: {value} (mobile: 11 digits; landline e.g. 010-12345678)",
    ),
    "error.review_in_past": ("复核日期不能早于今天。", "The review date cannot be in the past."),
    "error.not_correctable": ("「{name}」不能冲正。", "“{name}” cannot be corrected."),
    "error.nothing_to_correct": ("没有需要冲正的内容。", "Nothing to correct: no value differs."),
    "error.no_departments": ("请至少选择一个部门。", "Choose at least one department."),
    "error.unknown_department": (
        "未知或已停用的部门：{code}",
        "Unknown or inactive department: {code}",
    ),
    "error.already_summoned": (
        "{names} 已在本案报到中，不需重复吹哨。",
        "{names} already summoned on this case and not yet released.",
    ),
    "error.use_whistle": ("吹哨请使用吹哨功能。", "Use the whistle command to whistle."),
    "error.checkin_not_waiting": (
        "该部门当前为「{status}」，不能再登记到场。",
        "This department is “{status}”; its arrival cannot be recorded again.",
    ),
    "error.people_on_site": (
        "事不完、人不撤：{names} 仍在现场，请先登记处置结果并撤离。",
        "Not yet: {names} still on site; record their action and release them first (事不完、人不撤).",
    ),
    "error.arrival_before_whistle": (
        "到场时间不能早于吹哨时间。",
        "The arrival cannot be before the whistle.",
    ),
    "error.clock_case_parked": (
        "案件已挂账，时限随案件一起挂起；解除挂账后再操作。",
        "The case is parked and its clocks with it; unpark it first.",
    ),
    "error.arrival_in_future": (
        "到场时间不能晚于现在。",
        "The arrival time cannot be in the future.",
    ),
    "error.checkin_not_arrived": (
        "该部门当前为「{status}」，到场后才能登记处置。",
        "This department is “{status}”; record its arrival before its action.",
    ),
    "error.rate_before_action": (
        "该部门当前为「{status}」，登记处置结果后才能评价。",
        "This department is “{status}”; record its action before rating it.",
    ),
    "error.bad_rating": ("评价为 1–5 分：{value}", "A rating is 1 to 5: {value}"),
    "error.release_before_disposal": (
        "事不完、人不撤：请先登记处置措施和结果，再撤离。",
        "Not released: record the action and its result first (事不完、人不撤).",
    ),
    "error.checkin_not_acting": (
        "该部门当前为「{status}」，不能撤离。",
        "This department is “{status}” and cannot be released.",
    ),
    "error.clock_stopped": ("该时限已停止。", "This clock has stopped."),
    "error.clock_already_paused": ("该时限已挂起。", "This clock is already paused."),
    "error.clock_not_paused": ("该时限没有挂起。", "This clock is not paused."),
    "error.bad_extension": ("延期时长必须大于 0。", "An extension must be longer than zero."),
    "error.bad_rate": (
        "抽查比例应在 0 到 1 之间：{value}",
        "The sample rate must be in (0, 1]: {value}",
    ),
    "error.nothing_to_draw": (
        "近七天没有结案案件可抽查。",
        "No cases closed in the last seven days.",
    ),
    "error.reinspection_done": ("该回头看已登记结果。", "This re-inspection already has a result."),
    "error.meeting_done": (
        "会议已结束，不能修改。",
        "The meeting has ended and cannot be changed.",
    ),
    "error.item_needs_subject": ("议题需要案件或主题。", "An agenda item needs a case or a topic."),
    "error.case_on_agenda": ("该案件已在议程中。", "This case is already on the agenda."),
    "error.bad_timebox": ("议题时长必须大于 0 分钟。", "A time box must be at least one minute."),
    "error.bad_order": ("议程顺序不完整。", "The new order must list every item once."),
    "error.meeting_started": ("会议已开始。", "The meeting has already started."),
    "error.not_invited": ("{code} 未受邀参会。", "{code} was not invited."),
    "error.followup_needs_lead": (
        "跟踪事项需要牵头部门和完成期限。",
        "A tracked follow-up needs a lead department and a deadline.",
    ),
    "error.followup_not_open": ("该事项不在跟踪中。", "This follow-up is not open."),
    "error.meeting_not_running": ("会议尚未开始。", "The meeting is not running."),
    "error.bad_year": ("年份不对：{value}", "Not a valid year: {value}"),
    "error.schema_too_new": (
        "数据库 {path} 的版本为 {found}，本程序只认识到 {known}。请升级 Whistle Desk 后再打开。",
        "The database {path} has schema version {found}; this program knows up to {known}. "
        "Upgrade Whistle Desk to open it.",
    ),
    "error.not_ours": (
        "{path} 不是调度台的数据库（里面没有调度台的表）；只读的命令不会建立它，请用 whistle init 新建。",
        "{path} is not a Whistle Desk database (it holds none of the desk's tables); a command that"
        " only reads does not create one: use whistle init.",
    ),
    "error.not_a_database": (
        "无法打开数据库 {path}：{detail}",
        "Cannot open the database {path}: {detail}",
    ),
    "error.settings_value": ("设置 {where} 的值不对：{value}", "Bad value for {where}: {value}"),
    "error.settings_file": (
        "无法读取设置文件 {path}：{detail}",
        "Cannot read settings {path}: {detail}",
    ),
    "error.unknown_event_type": (
        "未知的事件类型 {type}（序号 {seq}）",
        "Unknown event type {type} (sequence {seq})",
    ),
    "error.demo_not_empty": (
        "数据库 {path} 已有案件，演示数据只写入空库。",
        "{path} already holds cases; the demo only fills an empty database.",
    ),
    "error.event_not_owner": (
        "站点 {station} 的第 {seq} 条留痕（{type}）要改动站点 {owner} 的记录：只有所属站点能改动自己的案件和会议。",
        "Event {seq} of station {station} ({type}) would change a record of station {owner}: "
        "only the owning station writes its cases and meetings.",
    ),
    "error.calendar_table": ("节假日表有误：{detail}", "Bad holiday table: {detail}"),
    "error.missing_row": (
        "留痕要改动的记录（{table} {id}）在本库中还没有",
        "The record the event changes ({table} {id}) is not in this file yet",
    ),
    "error.bad_event_payload": (
        "站点 {station} 的第 {seq} 条留痕不符合格式，字段 {field}：{detail}",
        "Event {seq} of station {station} does not match its schema, field {field}: {detail}",
    ),
}

_CLI: dict[str, tuple[str, str]] = {
    "cli.description": (
        "吹哨报到调度台：街乡吹哨、部门报到的案件调度台。",
        "Whistle Desk: the dispatch console for 街乡吹哨、部门报到.",
    ),
    "cli.help.db": (
        "数据库文件（默认：用户数据目录，或 WHISTLE_DB）",
        "database file (default: user data dir, or WHISTLE_DB)",
    ),
    "cli.help.config": ("设置文件（TOML）", "settings file (TOML)"),
    "cli.help.operator": (
        "操作员姓名（写入每条留痕；须输入其 PIN/口令，脚本用环境变量 WHISTLE_PASSPHRASE）",
        "operator name (recorded on every event; asks for their PIN/passphrase, "
        "scripts set WHISTLE_PASSPHRASE)",
    ),
    "cli.help.lang": ("界面语言 zh 或 en", "interface language, zh or en"),
    "cli.help.init": (
        "新建数据库并载入部门与类别目录；--operator 为第一位中心主任，并设置其口令",
        "create a database with the catalogues; --operator names its first supervisor, who sets a passphrase",
    ),
    "cli.help.station_id": ("站点编号（稳定不变）", "station id (stable)"),
    "cli.help.station_name": ("站点名称", "station name"),
    "cli.help.demo": ("生成演示数据", "fill a database with demo data"),
    "cli.help.demo_start": (
        "空库时先生成演示数据再启动",
        "fill an empty database with demo data first",
    ),
    "cli.help.cases": ("演示案件数", "number of demo cases"),
    "cli.help.seed": ("随机种子", "random seed"),
    "cli.help.verify": ("校验留痕链和数据库完整性", "check the event chain and the database"),
    "cli.help.quick": ("只校验哈希链，不重放", "check the hash chain only, do not replay"),
    "cli.help.verify_since": (
        "只校验上次校验通过的签名链头之后的留痕（每晚用；全面校验仍须定期进行）",
        "check only the events after the last signed head a verify found sound (nightly; "
        "still run the full check now and then)",
    ),
    "cli.verify.since_ok": (
        "校验通过：自上次校验的签名链头起 {events} 条新留痕，{stations} 个站点。",
        "OK: {events} event(s) since the last verified signed heads, {stations} station(s).",
    ),
    "cli.help.calendar": ("导入一年的法定节假日表（JSON）", "load a year's holiday table (JSON)"),
    "cli.help.calendar_file": ("节假日表文件", "holiday table file"),
    "cli.help.operator_cmd": (
        "中心主任登记操作员、修改角色或重置 PIN",
        "a supervisor adds an operator, changes a role or resets a PIN",
    ),
    "cli.help.role": ("角色", "role"),
    "cli.init.done": (
        "已建立数据库 {path}，站点 {station}。",
        "Created {path} for station {station}.",
    ),
    "cli.init.exists": (
        "数据库 {path} 已存在（站点 {station}），未改动。",
        "{path} already exists (station {station}); left as it is.",
    ),
    "cli.demo.done": (
        "演示数据已写入 {path}：{cases} 件案件，{events} 条留痕，用时 {seconds:.1f} 秒。",
        "Demo written to {path}: {cases} cases, {events} events in {seconds:.1f} s.",
    ),
    "cli.verify.ok": (
        "校验通过：{events} 条留痕，{stations} 个站点，完整性正常。",
        "OK: {events} events from {stations} station(s); integrity check passed.",
    ),
    "cli.verify.ok_server": (
        "校验通过：{events} 条留痕，{stations} 个站点（服务器数据库，数据页由服务器自行校验）。",
        "OK: {events} events from {stations} station(s) (a server database: the server checks its own pages).",
    ),
    "cli.verify.bad": ("校验失败：{detail}", "Verification failed: {detail}"),
    "cli.calendar.done": ("已导入 {year} 年节假日表。", "Loaded the holiday table for {year}."),
    "cli.operator.done": ("操作员 {name}：{role}", "Operator {name}: {role}"),
    "cli.error": ("错误：{detail}", "Error: {detail}"),
    "cli.usage": ("用法：", "usage: "),
    "cli.positionals": ("命令与参数", "positional arguments"),
    "cli.options": ("选项", "options"),
    "cli.help.help": ("显示本帮助并退出", "show this help message and exit"),
    "cli.arg.error": ("{prog}：错误：{message}", "{prog}: error: {message}"),
    "cli.arg.required": ("缺少必需的参数：{names}", "the following arguments are required: {names}"),
    "cli.arg.invalid_choice": (
        "参数 {name}：无效的选择 {value}（可选：{choices}）",
        "argument {name}: invalid choice: {value} (choose from {choices})",
    ),
    "cli.arg.invalid_value": ("参数 {name}：无效的值 {value}", "argument {name}: invalid value: {value}"),
    "cli.arg.expected_one": ("参数 {name}：需要一个值", "argument {name}: expected one argument"),
    "cli.arg.expected_some": (
        "参数 {name}：至少需要一个值",
        "argument {name}: expected at least one argument",
    ),
    "cli.arg.not_with": (
        "参数 {name} 不能与 {other} 同时使用",
        "argument {name}: not allowed with argument {other}",
    ),
    "cli.arg.unrecognized": ("无法识别的参数：{args}", "unrecognized arguments: {args}"),
    "cli.arg.ambiguous": (
        "选项 {option} 有歧义，可能是：{matches}",
        "ambiguous option: {option} could match {matches}",
    ),
    "cli.arg.one_of": ("必须给出其中一个参数：{names}", "one of the arguments {names} is required"),
    "os.is_a_folder": ("这是一个文件夹，不是文件", "it is a folder, not a file"),
    "os.not_a_folder": ("路径中有一段不是文件夹", "part of the path is not a folder"),
    "os.not_allowed": ("没有权限", "permission denied"),
    "os.missing": ("文件或文件夹不存在", "no such file or folder"),
    "os.read_only": ("所在磁盘只读", "the disk is read-only"),
    "os.disk_full": ("磁盘已满", "the disk is full"),
    "os.exists": ("已存在", "it already exists"),
    "os.name_too_long": ("文件名太长", "the file name is too long"),
    "os.io": ("磁盘读写出错", "the disk could not be read or written"),
    "verify.integrity": ("数据库完整性检查失败：{detail}", "integrity_check failed: {detail}"),
    "verify.seq_gap": (
        "站点 {station} 的留痕序号不连续：应为 {expected}，实为 {found}（事件 {id}）",
        "station {station}: sequence jumps from {expected} to {found} (event {id})",
    ),
    "verify.prev_mismatch": (
        "站点 {station} 第 {seq} 条留痕（{id}）的前序哈希与上一条不符：前面的记录被改动或删除",
        "station {station} event {seq} ({id}): previous hash does not match; an earlier event was "
        "altered or removed",
    ),
    "verify.hash_mismatch": (
        "站点 {station} 第 {seq} 条留痕（{id}）的内容与哈希不符：记录被改动",
        "station {station} event {seq} ({id}): content does not match its hash; it was altered",
    ),
    "verify.totals_differ": (
        "考核累计与重新统计不符：{table} {row} {column}：存 {held}，应为 {counted}",
        "Assessment totals differ from a recount: {table} {row} {column}: holds {held}, should be {counted}",
    ),
    "verify.row_differs": (
        "表 {table} 中的记录 {row} 与留痕重放结果不符（最后一次相关留痕：{event}）：数据被绕过留痕改动",
        "table {table} row {row} differs from the replayed events (last event about it: {event}); "
        "it was changed behind the event log",
    ),
    "verify.bad_json": (
        "站点 {station} 第 {seq} 条留痕（{id}）的内容不是有效的 JSON 对象：{detail}",
        "station {station} event {seq} ({id}): its content is not a valid JSON object: {detail}",
    ),
    "verify.replay_refused": (
        "站点 {station} 第 {seq} 条留痕（{id}）重放时被拒绝：{detail}",
        "station {station} event {seq} ({id}) is refused on replay: {detail}",
    ),
    "verify.derived_differs": (
        "派生表 {table} 中案件 {row} 的记录与案件不符：队列或检索被绕过留痕改动",
        "derived table {table}, case {row}: does not match the cases; the queue or the search "
        "index was changed behind the event log",
    ),
    "verify.head_bad_signature": (
        "站点 {station} 第 {seq} 条的签名链头（{at}，经 {via}）签名无效：链头被伪造或改动",
        "the signed head of station {station} at event {seq} ({at}, via {via}) has no valid "
        "signature: it was forged or altered",
    ),
    "verify.head_rollback": (
        "回滚：站点 {station} 已签名第 {seq} 条留痕（{at}，经 {via}），本库只到第 {end} 条：文件被换成了旧副本",
        "rollback: station {station} signed its head at event {seq} ({at}, via {via}) but this "
        "file ends at {end}: it was replaced by an older copy",
    ),
    "verify.head_rollback_rewritten": (
        "回滚：站点 {station} 第 {seq} 条留痕晚于其签名链头（{at}，经 {via}）重新写过：文件被换成旧副本后继续使用",
        "rollback: station {station} event {seq} was written again after its head was signed "
        "({at}, via {via}): the file was replaced by an older copy and used since",
    ),
    "verify.head_truncated": (
        "尾部被截断：站点 {station} 的链头已签名到第 {seq} 条（{at}，经 {via}），本库只到第 {end} 条",
        "truncated tail: station {station} has a signed head at event {seq} ({at}, via {via}) "
        "but this file ends at {end}",
    ),
    "verify.mark_rewritten": (
        "历史被改写：站点 {station} 第 {seq} 条留痕与上次校验通过的签名链头不符",
        "rewritten history: station {station} event {seq} no longer matches the signed head "
        "the last verify found sound",
    ),
    "verify.head_rewritten": (
        "历史被改写：站点 {station} 第 {seq} 条留痕与其签名链头（{at}，经 {via}）不符",
        "rewritten history: station {station} event {seq} does not match its signed head ({at}, via {via})",
    ),
    "verify.head_forged_tail": (
        "尾部被伪造：站点 {station} 第 {seq} 条留痕与别处保存的签名链头（{at}，经 {via}）不符",
        "forged tail: station {station} event {seq} does not match the signed head kept "
        "elsewhere ({at}, via {via})",
    ),
    "verify.trust_differs": (
        "受信站点 {station} 的公钥与本站的留痕不符：信任表被绕过留痕改动",
        "the trusted key of station {station} differs from this station's events: the trust "
        "table was changed behind the event log",
    ),
    "calendar.badge": ("⚠ {years} 年无节假日表", "⚠ no holiday table for {years}"),
    "calendar.fallback": (
        "注意：{years} 年不在已知的法定节假日表内，按周一至周五计算工作日。",
        "Note: {years} not in any known holiday table; working days counted Monday to Friday.",
    ),
}

STRINGS: dict[str, tuple[str, str]] = {**_ENUMS, **_FIELDS, **_ERRORS, **_CLI}
