"""Issue 15: a parked case comes back to the queue's attention when its review date comes
(the frozen clock moved past it): its row says 待复查 and the count line says how many."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from data.write.commands.cases import transition
from models.lifecycle import Action
from screens.widgets.queue_view import QueueView
from tests.tui.desk_support import NOW, app_for, numbers, settle, station
from tests.tui.dispatch_support import until


async def test_a_parked_case_shows_due_for_review_once_its_day_has_come(tmp_path: Path) -> None:
    st = station(tmp_path)
    waiting = st.ids["waiting"]  # in triage: park it until the day after tomorrow
    review_on = (NOW + timedelta(days=2)).astimezone(st.settings.tz).date()
    st.run(transition, waiting, Action.PARK, reason="待产权认定", review_on=review_on)
    app = app_for(st)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(QueueView)

        def line_of(case_number: str) -> str:
            at = numbers(view).index(case_number) + 1  # under the header
            return view.render_line(at - view.scroll_offset.y).text

        number = next(
            r.number for r in (view.row_at(i) for i in range(view.counts.total)) if r and r.case_id == waiting
        )
        day = review_on.strftime("%m-%d")
        assert f"复查 {day}" in line_of(number) and "待复查" not in line_of(number)
        assert "待复查" not in str(app.screen.query_one("#queue-filters").render())

        st.clock.advance(days=2)  # the review day has come: the next tick sees it
        app.tick()
        await until(app, pilot, lambda: "待复查" in str(app.screen.query_one("#queue-filters").render()))
        assert "1 件搁置到期待复查" in str(app.screen.query_one("#queue-filters").render())
        assert f"待复查 {day}" in line_of(number)
