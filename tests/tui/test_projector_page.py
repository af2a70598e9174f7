"""The meeting on the projector, end to end: ``whistle serve --view meetings`` on a free
loopback port, the page loaded in headless Chromium, the agenda read from the rendered page.

Every wait is bounded (the server's start line, the browser's answers, the page's own
deadline for the agenda to appear) and both processes are always stopped."""

from __future__ import annotations

import json
import os
import select
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from data.write.commands import meetings as mt
from models.enums import MeetingKind
from tests.tui.browser_support import CHROMIUM, NO_CANVAS, Chromium, stop_group
from tests.tui.desk_support import NOW
from tests.tui.meetings_support import meeting_station

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian's chromium package; .ci/run installs it)"
)

ROOT = Path(__file__).resolve().parents[2]
STATION = "东四街道综合执法中心"
START_SECONDS = 30
PAGE_MS = 30_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def _await_line(proc: subprocess.Popen[bytes], wanted: str, deadline: float) -> str:
    """The server's output up to the line holding ``wanted``."""
    assert proc.stdout is not None
    seen = b""
    while wanted.encode() not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            said = seen.decode(errors="replace")
            raise AssertionError(f"the server never said {wanted!r}; it said {said!r}")
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            raise AssertionError(f"the server ended (code {proc.wait(5)}): {seen.decode(errors='replace')!r}")
        seen += chunk
    return seen.decode()


def _await_listening(proc: subprocess.Popen[bytes], port: int, deadline: float) -> None:
    """aiohttp says it started just before its socket listens: connect until it does."""
    assert proc.stdout is not None
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return
        except ConnectionRefusedError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            select.select([proc.stdout], [], [], 0.05)  # the server's next word, or a moment


@pytest.fixture
def meeting_db(tmp_path: Path) -> tuple[Path, list[str]]:
    st = meeting_station(tmp_path)
    st.staff()  # 值班员, the operator the page is opened as, is one of the station's
    st.run(
        mt.create_with_agenda,
        kind=MeetingKind.SPECIAL,
        scheduled_at=NOW + timedelta(hours=4),
        facilitator="赵主任",
        invited=["CGZF"],
        title="三月周例会",
    )
    with sqlite3.connect(st.path) as conn:
        numbers = [row[0] for row in conn.execute("SELECT number FROM case_file ORDER BY number")]
    return st.path, numbers


@pytest.fixture
def served(tmp_path: Path, meeting_db: tuple[Path, list[str]]) -> Iterator[str]:
    """``whistle serve --view meetings`` on a free loopback port; its URL."""
    db, _ = meeting_db
    config = tmp_path / "whistle.toml"
    config.write_text(f'[station]\nname = "{STATION}"\n', encoding="utf-8")
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    argv = [sys.executable, "-m", "tui.cli", "--db", str(db), "--config", str(config)]
    argv += ["--operator", "值班员", "serve", "--view", "meetings", "--port", str(port)]
    with (tmp_path / "serve.err").open("wb") as err:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        said = _await_line(proc, f"http://127.0.0.1:{port}", deadline)
        assert "只读" in said
        _await_listening(proc, port, deadline)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_group(proc)
        if proc.stdout is not None:
            proc.stdout.close()


def test_the_projector_page_shows_the_meetings_agenda(
    served: str, meeting_db: tuple[Path, list[str]], tmp_path: Path
) -> None:
    _, numbers = meeting_db
    wanted = [*numbers, "三月周例会"]
    read_page = f"""new Promise(resolve => {{
        const wanted = {json.dumps(wanted, ensure_ascii=False)};
        const text = () => (document.querySelector('.xterm-rows') || {{innerText: ''}}).innerText;
        let observer = null, timer = null;
        const finish = () => {{
            if (observer) observer.disconnect();
            clearTimeout(timer);
            resolve({{title: document.title, text: text()}});
        }};
        observer = new MutationObserver(() => {{ if (wanted.every(w => text().includes(w))) finish(); }});
        timer = setTimeout(finish, {PAGE_MS});
        observer.observe(document.body, {{childList: true, subtree: true, characterData: true}});
    }})"""
    with Chromium(tmp_path / "profile") as browser:
        tab = browser.open(served, before_load=NO_CANVAS)
        page = browser.evaluate(tab, read_page, timeout=PAGE_MS / 1000 + 15)
    assert STATION in page["title"]
    for number in numbers:
        assert number in page["text"], page["text"]
    assert "三月周例会" in page["text"]
