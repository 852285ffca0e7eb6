"""The reviewer's and the admin's month in Debian's chromium (issue 20): filter the queue,
通过并审核下一条, the typical size; reset a password and change it at sign-in, re-enable an
account, filter the audit log, lock a month after confirming.  The reviewer walks at phone
width, the admin at desktop width; every page is looked at at 1280 and 390 px
(tests/web/browser.look).  Screenshots go to build/screenshots/ (looked at)."""

from __future__ import annotations

import datetime as dt

import pytest

from shumao.filing import service, windows
from tests.web.browser import DESKTOP, PHONE, look, new_page, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser
MONTH = dt.date(2024, 12, 1)
NEW = "新的密码-海风-7319"


@pytest.fixture
def live_setup():
    def setup(store, facts):
        windows.set_window(store, MONTH, locked=False, actor="测试")
        for cid, amount in (("B-C1", "500000"), ("B-C2", "8500000"), ("B-C3", "120000")):
            fid = service.create(store, "contracts", {
                "contract_id": cid, "signed_on": "2024-12-02", "client_country": "日本",
                "category": "信息技术外包", "amount": amount}, facts["first"], "enterprise")
            try:
                service.submit(store, fid, {}, "enterprise")
            except Exception:       # a check asks for an explanation: give one
                service.submit(store, fid, {"unusual-amount": "本月签订的大额合同，已核对合同原件"}, "enterprise")
    return setup


@ON_DUCKDB
def test_the_reviewers_month(live, chromium):
    page = new_page(chromium, PHONE)
    tag = "{size}-" + live.backend
    try:
        sign_in(page, live.url, "reviewer")
        assert page.url.endswith("/review")
        page.keyboard.press("Tab")                                    # the skip link first
        assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
        page.locator("select[name=kind]").select_option("contracts")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_load_state()
        assert "kind=contracts" in page.url
        look(page, f"review-queue-{tag}")
        page.locator("a.mono").first.click()
        page.wait_for_load_state()
        assert "该企业通常的规模" in page.content()
        look(page, f"review-record-{tag}")
        page.get_by_role("button", name="通过并审核下一条").click()
        page.wait_for_load_state()
        assert "下面是下一条" in page.content() and "kind=contracts" in page.url
        look(page, f"review-next-{tag}")
    finally:
        page.context.close()


@ON_DUCKDB
def test_the_admins_month(live, chromium):
    page = new_page(chromium, DESKTOP)
    tag = "{size}-" + live.backend
    try:
        sign_in(page, live.url, "admin")
        page.goto(live.url + "/admin/users")
        look(page, f"admin-users-{tag}")
        # reset the enterprise clerk's password: a generated one, shown once
        row = page.locator("tr", has=page.get_by_text("enterprise", exact=True))
        row.get_by_text("重设密码").click()
        row.get_by_role("button", name="重设“enterprise”的密码").click()
        page.wait_for_load_state()
        once = page.locator("#one-time").inner_text()
        assert len(once) >= 10
        look(page, f"admin-reset-{tag}")
        # re-enable the disabled account
        page.locator("tr", has=page.get_by_text("gone", exact=True)).get_by_role("button", name="启用").click()
        page.wait_for_load_state()
        assert "已停用" not in page.locator("tr", has=page.get_by_text("gone", exact=True)).inner_text()
        # lock a month, after confirming
        page.goto(live.url + "/admin/windows")
        asked = []
        page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
        page.get_by_role("button", name="锁定2024年12月").click()
        page.wait_for_load_state()
        assert asked and "锁定2024年12月？" in asked[0]
        assert "2024年12月已锁定" in page.content()
        look(page, f"admin-windows-{tag}")
        # the audit log, filtered by action, in words
        page.goto(live.url + "/admin/audit")
        page.locator("select[name=action]").select_option("window-set")
        page.get_by_role("button", name="查询").click()
        page.wait_for_load_state()
        body = page.locator("table.audit tbody").inner_text()
        assert "2024年12月：锁定" in body and "None" not in body
        look(page, f"admin-audit-{tag}")
        # the clerk signs in with the one-time password and must change it first
        other = new_page(chromium, DESKTOP)
        try:
            other.goto(live.url + "/login")
            assert "协会秘书处" in other.content()
            other.get_by_label("用户名").fill("enterprise")
            other.get_by_label("密码").fill(once)
            other.get_by_role("button", name="登录").click()
            other.wait_for_load_state()
            assert other.url.endswith("/account")
            other.goto(live.url + "/filings")
            assert other.url.endswith("/account")                     # nothing else opens
            other.get_by_label("原密码").fill(once)
            other.get_by_label("新密码（", exact=False).fill(NEW)
            other.get_by_label("再输入一次新密码").fill("不一样的密码-0000")
            other.get_by_role("button", name="修改密码").click()
            other.wait_for_load_state()
            focused = other.evaluate("document.activeElement.className")
            assert "error" in focused                                  # E-9: the error has the focus
            look(other, f"account-error-{tag}")
            other.get_by_label("原密码").fill(once)
            other.get_by_label("新密码（", exact=False).fill(NEW)
            other.get_by_label("再输入一次新密码").fill(NEW)
            other.get_by_role("button", name="修改密码").click()
            other.wait_for_load_state()
            assert "密码已修改" in other.content()
            look(other, f"account-changed-{tag}")
            other.goto(live.url + "/filings")
            assert other.url.endswith("/filings")
        finally:
            other.context.close()
    finally:
        page.context.close()
