"""The HTML bulletin opened in Debian's Chromium makes no request beyond its own file."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def test_no_external_request(issue, tmp_path):
    assert CHROMIUM.exists(), "make setup installs Debian's chromium"
    requests = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(issue["html"].as_uri())
        page.wait_for_load_state("networkidle")
        assert page.locator("h2.section").all_inner_texts() == ["【数据月报】", "【行业资讯】",
                                                                 "【会员风采】", "【协会动态】"]
        assert page.locator("figure svg").count() == 4           # report.charts: partners, categories, shore, monthly
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []
    assert requests and requests[0].startswith("file:")
