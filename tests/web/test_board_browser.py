"""填报进度 and 填报时间 in Debian's chromium on a 390 px phone with JavaScript off: no
sideways scrolling, the filters and the window form work as plain forms."""

from __future__ import annotations

import pytest

from tests.web.browser import PHONE, shot, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser


def _phone(chromium):
    context = chromium.new_context(viewport={"width": PHONE, "height": 900}, locale="zh-CN",
                                   java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url}: {width}px wide"


@ON_DUCKDB
def test_board_and_windows_on_a_phone_without_javascript(live, chromium):
    page = _phone(chromium)
    try:
        sign_in(page, live.url, "admin")
        page.goto(live.url + "/board?period=2024-06")
        _fits(page)
        shot(page, f"board-phone-{live.backend}")
        page.locator("select[name=state]").select_option("unfiled")
        page.get_by_role("button", name="查看").click()
        page.wait_for_load_state()
        assert "state=unfiled" in page.url
        states = page.eval_on_selector_all("tr[data-state]", "rows => rows.map(r => r.dataset.state)")
        assert states and set(states) == {"unfiled"}
        _fits(page)

        page.goto(live.url + "/admin/windows")
        _fits(page)
        form = page.locator("form.form.grid")
        form.get_by_label("月份").fill("2024-06")
        form.get_by_label("截止日期").fill("2024-07-20")
        form.get_by_role("button", name="重新开放").click()       # no script: no confirmation
        page.wait_for_load_state()
        assert "2024年6月已重新开放" in page.content()
        row = page.locator("#w-2024-06")
        assert row.get_by_label("2024年6月 截止日期").input_value() == "2024-07-20"
        assert "已逾期（仍可补报）" in row.inner_text()
        _fits(page)
        shot(page, f"windows-phone-{live.backend}")
    finally:
        page.context.close()
