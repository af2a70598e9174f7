"""Strings of the meeting on the projector: ``whistle serve`` and the read-only served desk."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "projector.read_only": ("投影模式为只读", "The projector view is read-only"),
    "projector.page_title": ("{station} · 吹哨报到调度台（投影）", "{station} · Whistle Desk (projector)"),
    "projector.serving": (
        "投影页面：{url}（{mode}；Ctrl+C 停止）",
        "Projector page: {url} ({mode}; Ctrl+C stops it)",
    ),
    "projector.mode_read_only": ("只读", "read-only"),
    "projector.mode_control": ("允许操作员 {operator} 操作", "operator {operator} may control it"),
    "projector.exposed": (
        "注意：绑定到 {host}，本机以外的设备也能打开该页面",
        "Warning: bound to {host}, so devices other than this machine can open the page",
    ),
    "projector.needs_operator": (
        "投影需要已登录的操作员：--operator 姓名（本站操作员），由其决定是否 --allow-control",
        "The projector needs a signed-in operator: --operator NAME (one of this station's), who decides on --allow-control",
    ),
    "projector.unknown_operator": (
        "本站没有操作员「{name}」，不能以其名义开投影",
        "This station has no operator “{name}” to open the projector as",
    ),
    "projector.bad_port": ("端口须在 1–65535 之间：{port}", "The port must be between 1 and 65535: {port}"),
    "cli.help.serve": (
        "把调度台（或会商视图）以网页形式提供给本机浏览器，用于会商投影；缺省只读",
        "Show the desk (or its meeting view) in a browser on this machine, for the projector; read-only by default",
    ),
    "cli.help.serve_host": (
        "监听地址（缺省 127.0.0.1，仅本机；其他地址须明确给出）",
        "address to listen on (default 127.0.0.1, this machine only; any other only when given)",
    ),
    "cli.help.serve_port": ("监听端口（缺省 8000）", "port to listen on (default 8000)"),
    "cli.help.serve_view": (
        "打开时显示的视图：console 整个调度台，meetings 会商视图",
        "the view shown first: console (the whole desk) or meetings",
    ),
    "cli.help.serve_control": (
        "允许该操作员在页面上操作（缺省只读）",
        "let the signed-in operator control the desk from the page (default: read-only)",
    ),
}
