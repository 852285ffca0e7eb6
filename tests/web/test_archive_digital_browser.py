"""公开简报 with 【数字贸易】 downloads in Debian's chromium against a live ``shumao serve``,
signed out, walked at phone width and looked at at 1280 px too: the buttons in plain Chinese
beside PDF and Word where the edition's vintage has digital trade (SDMX only for a period it
can key), none where it has not; nothing wider than the screen, every button whole at both
widths; the zip and the workbook download and open.
Screenshots: build/screenshots/archive-digital-{1280,390}.png."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from shumao.ingest.importer import import_files
from shumao.store import connect
from shumao.web.routes.bulletins import sample_files
from tests.report.test_digital_city import CITY, INPUTS, TODAY
from tests.web.browser import PHONE, look, new_page
from tests.web.conftest import LiveServer
from tests.web.test_archive_digital import _stand_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive-digital-browser")
    db = str(folder / "city.duckdb")
    with connect(db, create=True) as store:
        assert import_files(store, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                       "executions.csv")], today=TODAY).ok
        files = {n: b for n, b in sample_files().items() if not n.startswith("会员风采/")}
        assert _stand_in(store, files, "2024Q2") == 1               # before digital data
        assert import_files(store, INPUTS, replace=True, today=TODAY).ok
        assert _stand_in(store, files, "2024-01..2024-09") == 2
        assert _stand_in(store, files, "2024-02..2024-04") == 3
    live = LiveServer(db, folder / "server.log")
    yield live
    live.stop()


def _buttons_whole(page, width: int) -> None:
    """Every button whole on the screen."""
    for a in page.locator(".button-row a").all():
        box = a.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_the_archive_offers_the_digital_files_in_a_browser(server, chromium):
    page = new_page(chromium, PHONE)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    assert page.goto(server.url + "/archive").status == 200
    cards = page.locator("li.card")
    assert cards.count() == 3
    buttons = {
        int(cards.nth(k).locator("a.button.primary").get_attribute("href").rsplit("/", 1)[1]):
        [t.strip() for t in cards.nth(k).locator(".button-row a").all_inner_texts()]
        for k in range(3)}
    assert buttons == {1: ["阅读", "PDF", "Word"],
                       2: ["阅读", "PDF", "Word", "数字贸易统计表", "数字贸易数据包（SDMX）"],
                       3: ["阅读", "PDF", "Word", "数字贸易统计表"]}
    look(page, "archive-digital-{width}", also=_buttons_whole)
    with page.expect_download() as got:
        page.click("a[href='/archive/2/digital/sdmx']")
    with zipfile.ZipFile(io.BytesIO(got.value.path().read_bytes())) as z:
        assert "data.csv" in z.namelist() and z.testzip() is None
    assert got.value.suggested_filename == "示例市数字贸易统计（2024年前三季度）SDMX数据.zip"
    with page.expect_download() as got:
        page.click("a[href='/archive/3/digital/xlsx']")
    assert got.value.suggested_filename.endswith(".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(got.value.path().read_bytes()))
    assert wb.sheetnames[0] == "数字贸易" and "说明" in wb.sheetnames
    assert not [m for m in console if "Content Security Policy" in m or "Refused" in m], console
    page.context.close()
