"""A member's month in a real browser (issue 20: E-1, E-2, E-3), on DuckDB and PostgreSQL, at
1280 and 390 px: the home page is the month's task list; the clerk files an execution in
人民币, which is submitted as 待折算 (never 0.00 美元) and cannot be approved yet; staff see the
missing rate on 汇率 and enter it; the record is converted to the cent and the reviewer
approves it.  A second member declares the month 本月无业务, which the board shows as 无业务.
Screenshots go to build/screenshots/ (looked at by a person)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from shumao.filing import windows
from shumao.model.money import usd_cents
from tests.web.browser import DESKTOP, PHONE, look, new_page, shot, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser
AMOUNT, RATE = "86,500.50", "0.1384"


def filing_month(today: dt.date) -> dt.date:
    """The month a member files now (filing.board.default_month with the default deadline)."""
    this = today.replace(day=1)
    last = (this - dt.timedelta(days=1)).replace(day=1)
    return last if today <= windows.defaults(last)[1] else this


@ON_DUCKDB
def test_a_members_month_in_any_currency_and_a_month_with_no_business(live, chromium):
    base, tag = live.url, f"{live.backend}-rates"
    month = filing_month(dt.date.today())
    period, words = month.strftime("%Y-%m"), f"{month.year}年{month.month}月"
    day = min(dt.date.today(), month.replace(day=5))        # never in the future

    # the member's home: this month's report, its deadline and state
    ent = new_page(chromium, DESKTOP)
    sign_in(ent, base, "enterprise")
    assert ent.url.endswith("/filings")
    task = ent.locator("section.task")
    assert f"{words}报表" in task.inner_text() and "未填报" in task.inner_text()
    shot(ent, f"{tag}-home")

    # an execution in 人民币 before the month's rate exists
    ent.goto(f"{base}/filings/new?kind=execution")
    ent.get_by_label("合同编号").fill(ent.locator("#contract-list option").first.get_attribute("value"))
    ent.get_by_label("执行编号").fill("BW-CNY1")
    ent.get_by_label("执行日期").fill(day.isoformat())
    ent.get_by_label("执行金额").fill(AMOUNT)
    ent.get_by_label("币种").select_option("CNY")
    ent.get_by_role("button", name="保存草稿").click()
    ent.wait_for_url(re.compile(r"/filings/\d+\?saved=1$"))
    record = ent.locator("dl.facts").inner_text()
    assert "待折算" in record and "0.00 美元" not in record
    ent.get_by_role("button", name="提交审核").click()
    ent.wait_for_url(re.compile(r"\?submitted=1$"))
    fid = int(re.search(r"/filings/(\d+)", ent.url).group(1))
    assert "待折算" in ent.locator("dl.facts").inner_text()
    shot(ent, f"{tag}-pending")

    # the reviewer sees both amounts and cannot approve it yet
    rev = new_page(chromium, DESKTOP)
    sign_in(rev, base, "reviewer")
    rev.goto(f"{base}/review")
    assert "待折算" in rev.locator("table.data").inner_text()
    rev.goto(f"{base}/review/{fid}")
    rev.get_by_role("button", name="通过", exact=True).click()
    rev.wait_for_load_state()
    assert "待折算" in rev.get_by_role("alert").first.inner_text()

    # staff: the 汇率 page lists the missing month, and the rate is entered there
    staff = new_page(chromium, DESKTOP)
    sign_in(staff, base, "staff")
    staff.get_by_role("link", name="汇率", exact=True).first.click()
    staff.wait_for_load_state()
    missing = staff.locator("table.rates-missing").inner_text()
    assert words in missing and "人民币（CNY）" in missing
    shot(staff, f"{tag}-missing")
    staff.get_by_role("link", name="录入此汇率").first.click()
    staff.wait_for_load_state()
    assert staff.get_by_label("月份（如 2026-11）").input_value() == period
    staff.get_by_label("1 单位该币种折合美元（如 0.1384）").fill(RATE)
    staff.get_by_role("button", name="录入并折算").click()
    staff.wait_for_load_state()
    cents = usd_cents(Decimal(AMOUNT.replace(",", "")), Decimal(RATE))
    shown = f"{Decimal(cents) / 100:,.2f}"
    converted = staff.locator("table.rates-converted").inner_text()
    assert "BW-CNY1" in converted and shown in converted
    assert "没有待折算的记录" in staff.locator("main").inner_text()
    shot(staff, f"{tag}-entered")

    # converted to the cent; the reviewer approves it now
    ent.goto(f"{base}/filings/{fid}")
    assert f"{shown}美元" in ent.locator("dl.facts").inner_text()
    shot(ent, f"{tag}-converted")
    rev.goto(f"{base}/review/{fid}")
    assert f"{shown}美元" in rev.locator("dl.facts").inner_text()
    shot(rev, f"{tag}-review")
    rev.get_by_role("button", name="通过", exact=True).click()
    rev.wait_for_url(re.compile(r"/review\?done="))

    # a second member: 本月无业务, and the board says 无业务
    other = new_page(chromium, DESKTOP)
    sign_in(other, base, "other")
    other.get_by_role("button", name="本月无业务（零申报）").click()
    other.wait_for_url(re.compile(r"/filings\?nil="))
    assert "无业务" in other.locator("section.task").inner_text()
    shot(other, f"{tag}-nil")
    staff.goto(f"{base}/board?period={period}")
    assert "无业务" in staff.locator("main").inner_text()
    shot(staff, f"{tag}-board")

    # the same pages on a phone: nothing wider than the screen
    for name, page, path in (("home", ent, "/filings"), ("record", ent, f"/filings/{fid}"),
                             ("rates", staff, "/rates"), ("nil", other, "/filings")):
        page.goto(base + path)
        look(page, f"{tag}-{name}-phone", widths=(PHONE,))
