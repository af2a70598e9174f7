"""Strings of signing in, locking the desk and the supervisor's passphrase."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # refusals
    "auth.wrong_secret": ("{name} 的 PIN 或口令不正确", "Wrong PIN or passphrase for {name}"),
    "auth.unknown_operator": (
        "本站没有在岗操作员「{name}」；操作员由中心主任添加（whistle operator）",
        "No active operator “{name}” at this station; a supervisor adds operators (whistle operator)",
    ),
    "auth.wait": (
        "{name} 连续输错，请 {seconds} 秒后再试",
        "Too many wrong tries for {name}: try again in {seconds} s",
    ),
    "auth.no_secret": (
        "{name} 还没有 PIN：请中心主任运行 whistle operator {name} --set-pin",
        "{name} has no PIN yet: a supervisor runs whistle operator {name} --set-pin",
    ),
    "auth.needs_named_supervisor": (
        "此操作须由中心主任执行：请用 --operator 写明中心主任姓名，并输入其口令",
        "Only a supervisor may do this: name one with --operator and give their passphrase",
    ),
    "auth.needs_supervisor": (
        "此操作须由中心主任执行（{operator} 不是中心主任）",
        "Only a supervisor may do this ({operator} is not a supervisor)",
    ),
    "auth.needs_passphrase": (
        "此操作须由中心主任 {operator} 当场输入口令",
        "Supervisor {operator} must give their passphrase for this",
    ),
    "auth.secret_too_short": ("PIN 或口令至少 4 位", "A PIN or passphrase has at least 4 characters"),
    "auth.new_needs_secret": ("新操作员 {name} 需要设置 PIN", "New operator {name} needs a PIN"),
    "auth.own_role": ("不能更改自己的角色（{name}）", "No one changes their own role ({name})"),
    "auth.already_set_up": (
        "本站已有操作员设置了 PIN；其他人员由中心主任添加（whistle operator）",
        "This station is set up already; a supervisor adds people (whistle operator)",
    ),
    "auth.init_needs_name": (
        "请用 --operator 写明本站第一位中心主任的姓名",
        "Name the station's first supervisor with --operator",
    ),
    "auth.no_terminal": (
        "需要口令：请在终端中运行，或由脚本设置环境变量 {env}",
        "A passphrase is needed: run this at a terminal, or set {env} in a script",
    ),
    "auth.mismatch": ("两次输入不一致", "The two entries differ"),
    "auth.prompt": ("{name} 的 PIN/口令：", "PIN/passphrase of {name}: "),
    "auth.prompt_new": (
        "为 {name} 设置 PIN/口令（至少 4 位）：",
        "New PIN/passphrase for {name} (4+ characters): ",
    ),
    "auth.prompt_again": ("再输入一次：", "Once more: "),
    # the command line
    "cli.init.supervisor": ("第一位中心主任：{name}（{role}）", "First supervisor: {name} ({role})"),
    "cli.help.set_pin": (
        "设置或重置该操作员的 PIN（脚本中用环境变量 {env}）",
        "set or reset the operator's PIN (scripts: environment variable {env})",
    ),
    "cli.demo.staff": (
        "演示库的操作员（仅限演示库，登录即可使用）：",
        "The demo's operators (demo databases only), to sign in with:",
    ),
    "cli.demo.staff_line": ("  {name}  {role}  PIN {pin}", "  {name}  {role}  PIN {pin}"),
    # the console
    "app.operator_role": ("{name}（{role}）", "{name} ({role})"),
    "app.nobody": ("未登录", "Not signed in"),
    "signin.title": ("登录", "Sign in"),
    "signin.locked_title": ("已锁定（{name}）— 请登录", "Locked ({name}) — sign in"),
    "signin.secret": ("PIN 或口令", "PIN or passphrase"),
    "signin.pick": ("请先选择操作员", "Choose who you are first"),
    "signin.hint": (
        "↑↓ 选择姓名 · Tab 到 PIN · 回车登录 · Esc 退出",
        "↑↓ choose your name · Tab to the PIN · Enter signs in · Esc quits",
    ),
    "signin.locked_hint": (
        "锁定期间超时警报照常响起；任何操作员登录后由其继续操作",
        "Alarms still ring while locked; whoever signs in carries on as themselves",
    ),
    "signin.none": (
        "本库还没有操作员：请先运行 whistle init --operator 姓名",
        "No operators yet: run whistle init --operator NAME first",
    ),
    "signin.demo": ("演示库 PIN：{staff}", "Demo PINs: {staff}"),
    "signin.locked_notice": ("控制台已锁定", "The desk is locked"),
    "supervise.title": ("中心主任确认", "Supervisor's passphrase"),
    "supervise.prompt": (
        "「{action}」须由中心主任确认：{name}，请输入口令",
        "“{action}” needs a supervisor: {name}, give your passphrase",
    ),
    "supervise.hint": ("回车确认 · Esc 取消", "Enter confirms · Esc cancels"),
    "key.lock": ("锁定", "Lock"),
    "key.lock_help": ("锁定控制台，换人登录", "Lock the desk for the next operator"),
}
