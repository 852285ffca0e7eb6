"""The real flows in a real browser (issue 9): Playwright driving Debian's chromium against a
live ``shumao serve`` on loopback: on DuckDB walked at phone width, every page looked at at
1280 and 390 px; on PostgreSQL walked and looked at at 1280 px.  Screenshots of every page go
to build/screenshots/ (looked at by a person, see the issue's closing note)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest

from tests.web.browser import DESKTOP, PHONE, WIDTHS, look, new_page, shot, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser
PERIODS = ("2024-03", "2024Q2", "2024-01..2024-09")

CONTRACTS = ("contract_id,enterprise_id,signed_on,client_country,category,amount,currency,status\n"
             "HTWEB0001,{ent},2024-03-15,US,ITO,1000000.00,USD,approved\n"
             "HTWEB0002,{ent},2024-03-16,{country},BPO,500000.00,USD,approved\n")
EXECUTIONS = ("execution_id,contract_id,executed_on,amount,currency,status\n"
              "ZXWEB0001,HTWEB0001,2024-03-20,250000.00,USD,approved\n"
              "ZXWEB0002,HTWEB0002,2024-03-21,100000.00,USD,approved\n")


def _report(page, base: str, period: str) -> dict:
    r = page.request.get(f"{base}/api/v1/report?period={period}&format=json")
    assert r.ok, r.text()
    return r.json()


def _dashboard_figures(page) -> dict[str, str]:
    """{figure id: value shown} from the KPI cards."""
    cards = page.locator("[data-figure]")
    return {cards.nth(i).get_attribute("data-figure"): cards.nth(i).get_attribute("data-value")
            for i in range(cards.count())}


@pytest.mark.parametrize(("live", "width"), [      # the one browser walk on PostgreSQL too
    pytest.param("duckdb", PHONE, marks=pytest.mark.duckdb, id="duckdb-390"),
    pytest.param("postgres", DESKTOP, marks=pytest.mark.postgres, id="postgres-1280")], indirect=["live"])
def test_staff_imports_looks_and_publishes(live, chromium, width, tmp_path):
    """The width is the walk's; on DuckDB each page is looked at at both widths as well (the
    pages are the same on PostgreSQL: there the walk is for the store, at 1280 px only)."""
    base, tag = live.url, f"{live.backend}-{{width}}"
    widths = WIDTHS if live.backend == "duckdb" else (width,)
    page = new_page(chromium, width)
    sign_in(page, base, "staff")

    # 仪表盘: the figures equal `shumao report --format json`'s for three periods
    for period in PERIODS:
        page.goto(f"{base}/dashboard?period={period}")
        shown = _dashboard_figures(page)
        assert shown, "no figures on the dashboard"
        figures = _report(page, base, period)["figures"]
        for fid, value in shown.items():
            assert value == figures[fid]["current"], (period, fid)
    page.goto(f"{base}/dashboard?period=2024-03")
    look(page, f"{tag}-dashboard", widths=widths, fit=widths)
    before = _report(page, base, "2024-03")["figures"]

    # 指标溯源: a click on a figure
    page.locator("a[data-figure='exec_total']").first.click()
    page.wait_for_load_state()
    assert "/explain/exec_total" in page.url
    assert page.get_by_text("仅供内部核对").first.is_visible()
    look(page, f"{tag}-explain", widths=widths, fit=widths)

    # 导入: a set with an error → every issue at its row, as XLSX too; nothing changed
    ent = live.facts["first"]
    bad, good = tmp_path / "bad", tmp_path / "good"
    for folder, country in ((bad, "XX"), (good, "JP")):
        folder.mkdir()
        (folder / "contracts.csv").write_text(CONTRACTS.format(ent=ent, country=country), encoding="utf-8")
        (folder / "executions.csv").write_text(EXECUTIONS, encoding="utf-8")
    page.goto(f"{base}/import")
    page.locator("input[type=file]").set_input_files([bad / "contracts.csv", bad / "executions.csv"])
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_text("导入未执行").first.wait_for()
    row = page.locator("table tr", has_text="“XX”无法识别")
    assert row.count() >= 1
    assert "contracts.csv" in row.first.inner_text() and "3" in row.first.inner_text()
    look(page, f"{tag}-import-errors", widths=widths, fit=widths)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载问题清单").first.click()
    # Playwright keeps a download under a name without extension: openpyxl wants a file object then
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert any("unknown-country" in [str(c) for c in r] for r in sheet.iter_rows(values_only=True))
    assert _report(page, base, "2024-03")["figures"] == before

    # the corrected files load, and the figures change by exactly their amounts
    page.goto(f"{base}/import")
    page.locator("input[type=file]").set_input_files([good / "contracts.csv", good / "executions.csv"])
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_text("导入成功").first.wait_for()
    look(page, f"{tag}-import-done", widths=widths, fit=widths)
    after = _report(page, base, "2024-03")["figures"]
    assert after["signed_total"]["current_cents"] - before["signed_total"]["current_cents"] == 150_000_000
    assert after["exec_total"]["current_cents"] - before["exec_total"]["current_cents"] == 35_000_000
    page.goto(f"{base}/dashboard?period=2024-03")
    assert _dashboard_figures(page)["exec_total"] == after["exec_total"]["current"]

    # 数据月报: the text with a copy button
    page.goto(f"{base}/report?period=2024-03")
    assert page.locator("pre.report-text").inner_text().startswith("【数据月报】")
    assert page.get_by_role("button", name="复制").is_visible()
    look(page, f"{tag}-report", widths=widths, fit=widths)

    # 简报: edit an item and publish; then read it in the public archive, signed out
    page.goto(f"{base}/bulletins")
    look(page, f"{tag}-bulletins", widths=widths, fit=widths)
    page.get_by_role("button", name="从示例新建").click()
    page.wait_for_load_state()
    page.get_by_label("期号").fill("2024年第11期（浏览器测试）")
    first_item = page.locator("textarea").first
    first_item.fill(first_item.input_value() + "\n\n浏览器测试写入的一段话<script>alert(1)</script>。")
    page.locator(".bulletin-preview").first.get_by_text("浏览器测试写入的一段话").wait_for()
    look(page, f"{tag}-editor", widths=widths, fit=widths)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存").first.wait_for()
    page.click("#publish a.button")                 # 检查并发布…: the check page, then confirm
    page.wait_for_url("**/check")
    look(page, f"{tag}-publish-check", widths=widths, fit=widths)
    page.click("button:has-text('确认发布')")
    page.locator("h2", has_text="已发布").wait_for(timeout=120_000)

    public = new_page(chromium, width)
    public.goto(f"{base}/archive")
    look(public, f"{tag}-archive", widths=widths, fit=widths)
    public.get_by_role("link", name="阅读").first.click()
    public.wait_for_load_state()
    assert public.get_by_text("浏览器测试写入的一段话").first.is_visible()
    assert public.locator("script:has-text('alert(1)')").count() == 0
    look(public, f"{tag}-archive-issue", widths=widths, fit=widths)
    listing = json.loads(public.request.get(f"{base}/api/v1/bulletins").text())
    assert any(b["issue"] == "2024年第11期（浏览器测试）" for b in listing)
    pdf = public.request.get(base + next(b for b in listing if b["issue"].endswith("浏览器测试）"))["links"]["pdf"])
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    assert Decimal(after["exec_total"]["current"]) > 0


@ON_DUCKDB
def test_pages_work_without_javascript(live, chromium):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": PHONE, "height": 900})
    page = context.new_page()
    sign_in(page, live.url, "staff")
    page.goto(f"{live.url}/dashboard?period=2024Q2")
    assert page.locator("[data-figure]").count() > 0
    page.goto(f"{live.url}/report?period=2024Q2")
    assert page.locator("pre.report-text").inner_text().startswith("【数据月报】")
    shot(page, f"{live.backend}-nojs-report")
