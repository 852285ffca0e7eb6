"""Completeness before publication in the portal (issue 21): the check page names the months
with far fewer records than usual and asks for a confirmation (a checkbox) before 确认发布;
publishing without it is refused in words and publishes nothing, with it the issue's notes
say that the latest month is preliminary; the API refuses with code ``incomplete`` unless
``allow_incomplete=true``; a complete period shows none of it.  The pages in chromium (the
check page walked at 390 px, the freeze at 1280 px), each looked at at 1280 and 390 px
(screenshots in build/screenshots/)."""

from __future__ import annotations

import pytest

from shumao.bulletin import editions
from tests.bulletin.test_completeness import NOTE, hold_back
from tests.conftest import BACKENDS
from tests.web.browser import DESKTOP, PHONE, look, new_page, sign_in
from tests.web.conftest import ON_DUCKDB, csrf_of
from tests.web.test_bulletins import _sample, publish

MONTH = "2024年9月："
CONFIRM = "已知悉，仍然发布"


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_the_check_page_asks_and_publishing_without_confirmation_is_refused(client, portal_store):
    store, c = portal_store, client("staff")
    hold_back(store, 9)
    bid = editions.create(store, _sample(store), "staff")
    token = csrf_of(c.get("/bulletins").text)

    check = c.get(f"/bulletins/{bid}/check")
    assert check.status_code == 200
    assert "记录偏少的月份（1 个）" in check.text and MONTH in check.text
    assert "仅为这些企业通常月份（中位数" in check.text and "可能还有企业未报送" in check.text
    assert 'name="allow_incomplete" value="true" required' in check.text and CONFIRM in check.text
    assert "2024年9月数据为初步数据，可能随补报修订" in check.text

    # posted without the confirmation (a stale page, a script): refused in words, nothing kept
    p = publish(c, bid, token, allow_flagged=True)
    assert p["state"] == "failed" and "记录远少于往常" in p["error"] and MONTH in p["error"]
    assert f"勾选“{CONFIRM}”" in p["error"] and "--" not in p["error"]
    assert store.bulletins.get(bid)["status"] == "draft" and store.bulletins.output(bid, "html") is None

    # the API: code incomplete, the parameter named; nothing kept
    r = c.post(f"/api/v1/bulletins/{bid}/publish?allow_flagged=true", headers={"X-CSRF-Token": token})
    assert r.status_code == 422 and r.json()["error"]["code"] == "incomplete"
    assert "allow_incomplete=true" in r.json()["error"]["message"] and MONTH in r.json()["error"]["message"]
    assert store.bulletins.get(bid)["status"] == "draft"

    # confirmed: published, and the issue says the latest month is preliminary
    data = {"csrf_token": token, "confirm": "true", "allow_flagged": "true", "allow_incomplete": "true"}
    assert c.post(f"/bulletins/{bid}/publish", data=data).status_code == 303
    p = _wait(c, bid)
    assert p["state"] == "done", p
    html = store.bulletins.output(bid, "html").content.decode()
    assert NOTE in html


def _wait(c, bid: int, seconds: float = 120) -> dict:
    import time

    until = time.monotonic() + seconds
    while (p := c.get(f"/api/v1/bulletins/{bid}/publishing").json())["state"] == "running":
        assert time.monotonic() < until, p
        time.sleep(0.2)
    return p


def test_the_api_publishes_with_allow_incomplete(client, portal_store):
    store, c = portal_store, client("staff")
    hold_back(store, 9)
    bid = editions.create(store, _sample(store), "staff")
    token = csrf_of(c.get("/bulletins").text)
    r = c.post(f"/api/v1/bulletins/{bid}/publish?allow_flagged=true&allow_incomplete=true",
               headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert NOTE in store.bulletins.output(bid, "html").content.decode()


def test_a_complete_period_shows_no_warning(client, portal_store):
    store, c = portal_store, client("staff")
    bid = editions.create(store, _sample(store), "staff")
    check = c.get(f"/bulletins/{bid}/check")
    assert check.status_code == 200 and "确认发布" in check.text
    assert "记录偏少" not in check.text and "allow_incomplete" not in check.text and "初步数据" not in check.text


# -- in chromium -----------------------------------------------------------------------------

@pytest.fixture
def live_setup():
    def setup(store, facts):
        hold_back(store, 9)
        facts["draft"] = editions.create(store, _sample_with(store, facts), "staff")
    return setup


def _sample_with(store, facts) -> dict[str, bytes]:
    store.facts = facts
    return _sample(store)


@pytest.mark.browser
@ON_DUCKDB
def test_the_check_page_in_a_browser_asks_before_publishing(live, chromium):
    page = new_page(chromium, PHONE)
    sign_in(page, live.url, "staff")
    bid = live.facts["draft"]
    page.goto(f"{live.url}/bulletins/{bid}/check")
    card = page.locator("section.incomplete")
    assert card.is_visible() and MONTH in card.inner_text()
    look(page, "bulletin-check-incomplete-{width}")
    if page.locator("input[name=allow_flagged]").count():
        page.check("input[name=allow_flagged]")
    page.click("button:has-text('确认发布')")          # not confirmed: the browser asks, stays
    assert page.url.endswith("/check")
    assert page.evaluate("document.querySelector('input[name=allow_incomplete]').validity.valueMissing")
    page.check("input[name=allow_incomplete]")
    page.click("button:has-text('确认发布')")
    page.wait_for_url("**/publishing")
    page.locator("h2", has_text="已发布").wait_for(timeout=120_000)
    look(page, "bulletin-published-incomplete-{width}")


# -- the 数据月报's 发布并冻结 ----------------------------------------------------------------

@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_freezing_a_short_month_asks_again_and_freezes_nothing_unconfirmed(client, portal_store):
    store, c = portal_store, client("staff")
    hold_back(store, 9)
    confirm = c.get("/report/freeze?period=2024-09&region=示例市")
    assert confirm.status_code == 200 and "记录偏少的月份（1 个）" in confirm.text and MONTH in confirm.text
    assert 'name="allow_incomplete" value="true" required' in confirm.text
    token = csrf_of(confirm.text)
    form = {"period": "2024-09", "region": "示例市", "confirm": "true", "csrf_token": token}
    r = c.post("/report/freeze", data=form)                  # confirmed, but not the short month
    assert r.status_code == 422 and "未冻结：2024年9月的记录远少于往常" in r.text
    assert "已知悉，仍然发布并冻结" in r.text and MONTH in r.text
    assert store.vintages.all() == []
    r = c.post("/report/freeze", data={**form, "allow_incomplete": "true"})
    assert r.status_code == 303 and r.headers["location"].startswith("/vintages/")
    assert len(store.vintages.all()) == 1


def test_freezing_a_complete_period_asks_once(client, portal_store):
    c = client("staff")
    confirm = c.get("/report/freeze?period=2024-09&region=示例市")
    assert confirm.status_code == 200 and "记录偏少" not in confirm.text and "allow_incomplete" not in confirm.text
    r = c.post("/report/freeze", data={"period": "2024-09", "region": "示例市", "confirm": "true",
                                       "csrf_token": csrf_of(confirm.text)})
    assert r.status_code == 303 and len(portal_store.vintages.all()) == 1


@pytest.mark.browser
@ON_DUCKDB
def test_the_freeze_confirmation_in_a_browser(live, chromium):
    page = new_page(chromium, DESKTOP)
    sign_in(page, live.url, "staff")
    page.goto(f"{live.url}/report/freeze?period=2024-09&region=示例市")
    assert MONTH in page.locator("section.incomplete").inner_text()
    look(page, "freeze-incomplete-{width}")
    page.click("button:has-text('确认发布并冻结')")       # the box unticked: the browser asks, stays
    assert "/vintages/" not in page.url
    page.check("input[name=allow_incomplete]")
    page.click("button:has-text('确认发布并冻结')")
    page.wait_for_url("**/vintages/*?done=frozen")
