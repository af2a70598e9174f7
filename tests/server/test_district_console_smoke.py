"""The console itself on the district's server database, in Pilot: started on a PostgreSQL
URL, an operator signs in with their PIN, sees the queue in its order, opens a case, makes a
write by keyboard and sees it on the case and in the record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from textual.widgets import Static

from models.clock import FrozenClock
from models.enums import CaseStatus, Grade
from screens.dialogs.confirm import ConfirmDialog
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import NOW, SIZE, Station, app_for, numbers, settle
from tests.tui.dispatch_support import detail_screen, until

pytestmark = pytest.mark.server


def _numbers(url: str, ids: list[str]) -> list[str]:
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        found = dict(conn.execute("SELECT id, number FROM case_file").fetchall())
    return [found[i] for i in ids]


async def test_the_console_runs_on_the_server(server_url: str) -> None:
    st = Station(server_url, FrozenClock(NOW))  # type: ignore[arg-type]
    st.case("waiting", at=NOW - timedelta(days=2), description="小区门口有僵尸车长期占用车位")
    st.case("overdue", at=NOW - timedelta(minutes=40), description="居民楼道堆放杂物堵塞消防通道")
    st.whistle("overdue", at=NOW - timedelta(minutes=40), grade=Grade.URGENT, departments=["XF", "GA"])
    app = app_for(st)  # 张三, signing in with the PIN at the sign-in screen
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.operator == "张三"
        view = app.screen.query_one(QueueView)
        assert numbers(view) == _numbers(server_url, [st.ids["overdue"], st.ids["waiting"]])
        assert view.counts.overdue == 1

        # open the waiting case and triage it by keyboard
        await pilot.press("down", "enter")
        await until(app, pilot, lambda: getattr(app.screen, "detail", None) is not None, "the case")
        assert detail_screen(app).detail.id == st.ids["waiting"]  # type: ignore[union-attr]
        await pilot.press("t")
        await until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm triage")
        await pilot.press("y")
        await until(app, pilot, lambda: _status(app) is CaseStatus.TRIAGE, "triaged")
        timeline = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "张三" in timeline

    with psycopg.connect(server_url.replace("+psycopg", "")) as conn:
        row = conn.execute(
            "SELECT operator FROM event WHERE type = 'case.triage' AND subject = %s", (st.ids["waiting"],)
        ).fetchone()
    assert row == ("张三",)


def _status(app: Any) -> CaseStatus | None:
    screen = app.screen
    detail = getattr(screen, "detail", None)
    return detail.status if detail is not None else None
