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
