"""The HTML bulletin opened in Debian's Chromium makes no request beyond its own file."""

from __future__ import annotations


def test_no_external_request(issue, tmp_path, chromium):
    requests = []
    with chromium.new_context() as context:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(issue["html"].as_uri())
        page.wait_for_load_state("networkidle")
        assert page.locator("h2.section").all_inner_texts() == ["【数据月报】", "【行业资讯】",
                                                                 "【会员风采】", "【协会动态】"]
        assert page.locator("figure svg").count() == 4           # report.charts: partners, categories, shore, monthly
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []
    assert requests and requests[0].startswith("file:")


def test_no_table_header_clipped_and_wechat_tables_at_390(issue, long_issue, chromium):
    """Issue 21 B5/B6: at 1280 and 390 px no table header of the web page is cut at its cell
    border; screenshots in build/screenshots/ (web at both widths, the WeChat article at 390)."""
    from pathlib import Path

    shots = Path("build/screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        with chromium.new_context(viewport={"width": width, "height": 900}) as context:
            page = context.new_page()
            page.goto(issue["html"].as_uri())
            clipped = page.eval_on_selector_all(
                "th", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)")
            assert clipped == [], (width, clipped)
            page.screenshot(path=str(shots / f"bulletin-{width}.png"), full_page=True)
    article = next(long_issue["wechat"].glob("*.html"))
    with chromium.new_context(viewport={"width": 390, "height": 900}) as context:
        page = context.new_page()
        page.goto(article.as_uri())
        page.screenshot(path=str(shots / "wechat-390.png"), full_page=True)
