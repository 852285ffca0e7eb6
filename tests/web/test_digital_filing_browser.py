"""A contract's digital-trade fields on the filing form, and the 数字贸易 drill-down, in
chromium, walked at 390 px, every page looked at at 1280 and 390 px: the enterprise picks
业务子类, 交付方式, 线上订购 and 接单平台 in words, a share that does not fit the delivery mode
is named beside its field, the saved filing reads in words; staff open a 数字贸易 table row
and see the records adding up to it.  Nothing wider than the screen; screenshots in build/screenshots/."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from shumao.filing import windows
from shumao.ingest.importer import import_files
from tests.report.test_digital_city import INPUTS, TODAY
from tests.web.browser import PHONE, look, new_page, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser


@pytest.fixture
def live_setup():
    def load(store, facts):
        assert import_files(store, INPUTS, replace=True, today=TODAY).ok
        windows.set_window(store, dt.date(2024, 12, 1), locked=False, actor="测试")
    return load


@ON_DUCKDB
def test_the_form_and_the_drill_down_in_chromium(live, chromium):
    page = new_page(chromium, PHONE)
    try:
        sign_in(page, live.url, "enterprise")
        page.goto(live.url + "/filings/new?kind=contract")
        page.get_by_label("合同编号").fill("DB-390")
        page.get_by_label("签约日期").fill("2024-12-02")
        page.get_by_label("发包方国别（地区）").press_sequentially("日本")
        page.get_by_label("业务类别").select_option("ITO")
        page.get_by_label("合同金额").fill("80000")
        page.get_by_label("业务子类").select_option(label="软件研发服务")
        page.get_by_label("交付方式").select_option(label="混合交付")
        page.get_by_label("远程交付比例（%）").fill("100")
        page.get_by_label("线上订购").select_option(label="否")
        page.get_by_label("接单平台").select_option(label="示例跨境撮合平台")
        assert "不属于" in page.locator("#h-ordered_online").inner_text()
        look(page, None)
        page.get_by_role("button", name="保存草稿").click()
        page.wait_for_load_state()
        error = page.locator("#e-remote_share").inner_text()
        assert "远程交付比例（%）" in error and "混合交付" in error
        look(page, "digital-filing-form-{width}")
        page.get_by_label("远程交付比例（%）").fill("60")
        page.get_by_role("button", name="保存草稿").click()
        page.wait_for_url("**/filings/*?saved=1")
        body = page.locator("main").inner_text()
        for words in ("软件研发服务", "混合交付", "60%", "否", "示例跨境撮合平台"):
            assert words in body, words
        look(page, "digital-filing-saved-{width}")
        page.context.close()

        page = new_page(chromium, PHONE)
        sign_in(page, live.url, "staff")
        page.goto(live.url + "/digital?period=2024H1&region=示例市")
        row = page.locator("#table-dt_partners tbody tr").filter(has_not_text="不予公布").nth(1)
        cell = row.locator("td.num").first.inner_text()
        name = row.locator("th a").inner_text()
        row.locator("th a").click()
        page.wait_for_url("**/digital/records?**")
        said = page.locator("#cell-name").inner_text()      # 德国 · 数字贸易 (表2: market × 指标)
        assert said.split(" · ")[0] == name and said.split(" · ")[1] in ("数字贸易", "数字订购贸易", "数字交付贸易")
        total = Decimal(page.locator("#records-total").inner_text().replace(",", ""))
        assert (total / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal(cell.replace(",", ""))
        assert page.locator("#records tbody tr").count() > 0
        look(page, "digital-records-{width}")
        # 表2 by 数字贸易 / 数字订购贸易 / 数字交付贸易, 表7 数字中介平台: in words, on the screen
        page.goto(live.url + "/digital?period=2024H1&region=示例市")
        partners = page.locator("#table-dt_partners").inner_text()
        assert "数字订购贸易" in partners and "数字交付贸易" in partners
        dip = page.locator("#table-do_dip")
        assert "表7 数字中介平台" in page.locator("main").inner_text()
        text = dip.inner_text()
        for words in ("经数字中介平台", "不经数字中介平台", "货物", "服务", "出口", "进口"):
            assert words in text, words
        for raw in ("NDIP", "DIP", "_U", "DO"):
            assert raw not in text.replace("数字中介平台", ""), raw
        dip.scroll_into_view_if_needed()
        look(page, "digital-dip-{width}")
        row = dip.locator("tbody tr").filter(has_text="经数字中介平台").first
        cell = row.locator("td.num").first.inner_text()
        row.locator("th a").click()
        page.wait_for_url("**/digital/records?**")
        total = Decimal(page.locator("#records-total").inner_text().replace(",", ""))
        assert (total / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal(cell.replace(",", ""))
        look(page, None)
    finally:
        page.context.close()
