"""The staff's first screen, the period box and 机构设置 in a real browser (portal-ux S-1,
S-2, S-6, S-12–S-14, AN-1): the staff's walk at phone width, the admin's at desktop width,
every page looked at at both (tests/web/browser.look); screenshots in
build/screenshots/dash-*.png (looked at)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shumao.store import schema
from tests.conftest import sql
from tests.web.browser import DESKTOP, PHONE, look, new_page, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser


@pytest.fixture
def live_setup():
    """December 2024 still being filed: its records pending (the store's last dates are in a
    month without approved data, as at the start of every month)."""
    def pend(store, facts):
        with store.db.write():
            sql(store, "UPDATE contracts SET status = 'pending' WHERE signed_on >= ?", ["2024-12-01"])
            sql(store, "UPDATE executions SET status = 'pending' WHERE executed_on >= ?", ["2024-12-01"])
            schema.bump(store.db)
    return pend


@ON_DUCKDB
def test_the_staffs_first_screen_and_the_period_box(live, chromium):
    base, tag = live.url, f"dash-{live.backend}-{{width}}"
    page = new_page(chromium, PHONE)
    sign_in(page, base, "staff")
    page.goto(base + "/dashboard")
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("2024年11月仪表盘")                     # S-1: not the empty December
    assert page.locator("[role=alert]").count() == 0
    assert page.get_by_role("combobox", name="时期").input_value() == "2024年11月"
    value = page.locator('.kpi[data-figure="signed_total"] .value').inner_text()
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d万美元", value.replace("\n", ""))
    look(page, f"{tag}-first")
    # S-2: the words the page prints are what the box takes
    page.get_by_role("combobox", name="时期").fill("2024年1-6月")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_title(re.compile("^2024年上半年仪表盘"))
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("combobox", name="时期").input_value() == "2024年上半年"
    look(page, f"{tag}-words")
    # S-14: a partner's row opens its 指标溯源
    row = page.locator("#table-partners tbody th a").first
    country = row.inner_text()
    row.click()
    page.wait_for_load_state()
    assert page.locator("#fig-name").inner_text() == f"承接{country}离岸服务外包执行额"
    assert "shumao" not in page.content().split("<main", 1)[1]
    look(page, f"{tag}-partner")
    # an empty period: a calm notice naming the months with data
    page.goto(base + "/dashboard?period=2019年3月")
    notice = page.locator("#period-notice")
    assert "有数据的月份：" in notice.inner_text() and "2024年11月" in notice.inner_text()
    assert page.locator("[role=alert]").count() == 0
    look(page, f"{tag}-empty")


@ON_DUCKDB
def test_the_admin_sets_the_association_and_everyone_sees_it(live, chromium):
    base, tag = live.url, f"dash-{live.backend}-{{width}}"
    page = new_page(chromium, DESKTOP)
    sign_in(page, base, "admin")
    page.goto(base + "/admin/organisation")
    page.get_by_label("协会名称").fill("大连市服务外包协会")
    page.get_by_label("城市名称").fill("大连市")
    page.get_by_label("文中简称").fill("本市")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "已保存机构设置。"
    look(page, f"{tag}-organisation")
    page.goto(base + "/report")
    assert page.title() == "大连市2024年11月服务外包数据月报 · 大连市服务外包协会"
    assert "2024年11月大连市服务外包" in page.locator("#report-text").inner_text()
    look(page, f"{tag}-report")
    public = new_page(chromium, DESKTOP)
    public.goto(base + "/archive")
    assert public.locator(".brand").inner_text().startswith("大连市服务外包协会")
    assert "数贸" not in public.locator("header").inner_text() + public.locator("footer").inner_text()
    look(public, f"{tag}-archive")
