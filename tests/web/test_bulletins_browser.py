"""简报 in Debian's chromium against a live ``shumao serve`` on each backend: the live
preview (htmx posting one item's text), choosing a profile's enterprise, publishing, and
the published page opened signed out under the portal's Content-Security-Policy — with
no refusal in the console and nothing from the page's text run.  One publish per backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>[点我](javascript:alert(3))"

pytestmark = pytest.mark.browser


def test_edit_preview_publish_and_read_in_a_browser(live, chromium, tmp_path: Path):
    browser = chromium
    console: list[str] = []
    dialogs: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: console.append(m.text))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live.url + "/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button.primary")
    page.goto(live.url + "/bulletins/new")
    page.click("form:has(input[value=sample]) button")
    page.wait_for_url("**/bulletins/*?done=created*")
    assert "取消关联" in page.inner_text("main")      # the sample's enterprises are not this store's
    issue_url = page.url.split("?")[0]

    # the live preview: typing into an item redraws its preview only
    news = page.locator("textarea[data-section=行业资讯]").first
    preview = page.locator("#" + news.get_attribute("id").replace("item-", "preview-").replace("-text", ""))
    news.click()
    news.press("Control+End")
    news.type(f"\n\n新增一段**要点**{HOSTILE}")
    preview.locator("strong", has_text="要点").wait_for(timeout=10_000)
    assert HOSTILE.replace("[点我](javascript:alert(3))", "") in preview.inner_text()
    assert preview.locator("script, img, a[href^=javascript]").count() == 0

    # a profile's enterprise, chosen from the store's: written into its front matter
    for i, select in enumerate(page.locator("select[data-ent-for]").all()):
        code = (live.facts["first"], live.facts["second"])[i]
        select.select_option(code)
        area = page.locator("#" + select.get_attribute("data-ent-for"))
        assert f"enterprise_id: {code}" in area.input_value()
    assert page.locator(".dirty-mark").is_visible()
    page.click(".editor-bar button[value=save]")
    page.wait_for_url("**?done=saved")
    assert "已保存" in page.inner_text("main")

    page.click("#publish button.primary")
    page.wait_for_url("**/bulletins?done=published*", timeout=60_000)
    bid = page.url.rsplit("id=", 1)[1]
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)

    # signed out: the archive and the published page, under the portal's CSP
    reader = browser.new_page(viewport={"width": 390, "height": 800})
    reader.on("console", lambda m: console.append(m.text))
    reader.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    reader.goto(live.url + "/archive")
    reader.click(f"a.button.primary[href='/archive/{bid}']")
    reader.wait_for_load_state("networkidle")
    assert reader.locator("h2.section").all_inner_texts() == ["【数据月报】", "【行业资讯】",
                                                              "【会员风采】", "【协会动态】"]
    assert reader.locator("figure svg").count() == 4
    assert "新增一段" in reader.inner_text("body") and "<script>alert(1)</script>" in reader.inner_text("body")
    assert reader.evaluate("document.documentElement.scrollWidth") <= 390
    reader.screenshot(path=str(tmp_path / "issue.png"), full_page=True)
    reader.click("nav[aria-label=公开简报] a[href='/archive']")
    assert reader.url.endswith("/archive")
    assert page.goto(issue_url).status == 200
    assert dialogs == []
    assert not [m for m in console if "Content Security Policy" in m or "Refused" in m], console
