"""导出同步包 from the palette: a path, a progress bar, a bundle another station can import."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import Input

from data.settings import SyncLimits
from data.sync.bundle import open_archive
from screens.sync_export import BundleExportScreen, BundlePathDialog
from tests.tui.desk_support import SIZE, app_for, settle, station
from tests.tui.dispatch_support import palette_offers, until, workers_done


async def test_the_palette_exports_a_signed_bundle_with_progress(tmp_path: Path) -> None:
    st = station(tmp_path)
    out = tmp_path / "out" / "bundle.zip"
    out.parent.mkdir()
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"导出: 同步包")
        await until(app, pilot, lambda: palette_offers(app, "导出: 同步包"), "the command offered")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BundlePathDialog)
        app.screen.query_one("#f-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BundleExportScreen)
        await workers_done(app)
        await pilot.pause()
        status = str(app.screen.query_one("#bundle-status").render())
        assert str(out) in status and "已导出" in status
        assert not app.screen.running
        # centred like every dialog, not in the top-left corner over the header
        box = app.screen.query_one(".dialog").region
        assert box.y > 0 and box.x > 0 and abs(box.x - (SIZE[0] - box.right)) <= 1, box
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, BundleExportScreen)
    with open_archive(out, SyncLimits()) as contents:
        assert contents.manifest["station"] == st.settings.station_id
        assert contents.manifest["count"] > 0


async def test_an_export_to_an_impossible_place_says_so_and_writes_nothing(tmp_path: Path) -> None:
    st = station(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = blocker / "bundle.zip"
    app = app_for(st)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(BundleExportScreen(app, out))
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        status = str(app.screen.query_one("#bundle-status").render())
        assert "导出失败" in status
    assert not out.exists()
