"""数字贸易 on the portal (GET /digital, staff and admin): the 【数字贸易】 text exactly as
``shumao digital`` words it, the withheld figures named for staff only, the tables of §8.2
with Chinese names and no codes a clerk does not use; a period without digital data and a
period outside the grammar answered in Chinese; in chromium at 1280 px, looked at at 1280
and 390 px."""

from __future__ import annotations

import pytest

from shumao.ingest.importer import import_files
from tests.report.test_digital_city import DIGITAL, INPUTS, TODAY
from tests.web.browser import DESKTOP, look, new_page, sign_in
from tests.web.conftest import ON_DUCKDB
from tests.wording import html_text

CITY = {"region": "示例市", "short": "我市"}


def _with_digital(store) -> None:
    done = import_files(store, INPUTS, replace=True, today=TODAY)
    assert done.ok, [i.as_dict() for i in done.errors]


def test_staff_see_the_section_and_the_tables(client, portal_store):
    _with_digital(portal_store)
    r = client("staff").get("/digital", params={"period": "2024H1", **CITY})
    assert r.status_code == 200
    page = html_text(r.text)
    want = (DIGITAL / "expected_digital_2024H1.txt").read_text(encoding="utf-8")
    assert want.strip() in r.text.replace("&#34;", '"')          # the <pre>: the text itself
    for title in ("表1 数字贸易总表", "表2 数字贸易出口分市场", "表3 跨境电商分监管方式",
                  "表4 跨境电商分商品（HS章）", "表6 数字贸易出口分企业性质", "说明"):
        assert title in page
    assert "不予公布" in page and "以下数字因统计保密不予公布" in page
    assert "数字贸易出口分市场中“加拿大”的数字不予公布（涉及企业少于3家）" in page
    for code in ("DO_NDD", "JPN", "DD_NDO", ">SI<", ">DOM<", "_U"):    # no codes shown to clerks
        assert code not in r.text, code
    assert "9610" in page and "日本" in page
    assert '<a href="/digital"' in r.text or 'href="/digital"' in r.text    # in the navigation


def test_without_digital_data_the_page_says_what_to_import(client):
    r = client("staff").get("/digital", params={"period": "2024H1"})
    assert r.status_code == 200
    assert "2024年上半年没有数字贸易数据" in html_text(r.text) and "表1" not in r.text


def test_a_period_outside_the_grammar_is_400_in_chinese(client):
    r = client("admin").get("/digital", params={"period": "2024-13"})
    assert r.status_code == 400 and "role=\"alert\"" in r.text
    r = client("staff").get("/digital", params={"period": "2024H1", "region": "长" * 31})
    assert r.status_code == 400


@pytest.mark.parametrize("who", [None, "enterprise", "reviewer"])
def test_only_staff_and_admin(client, who):
    r = client(who).get("/digital", params={"period": "2024H1"})
    assert r.status_code in ((303,) if who is None else (403, 404))


@pytest.fixture
def live_setup():
    def load(store, facts):
        _with_digital(store)
    return load


@ON_DUCKDB
@pytest.mark.browser
def test_the_page_in_chromium(live, chromium):
    page = new_page(chromium, DESKTOP)
    try:
        sign_in(page, live.url, "staff")
        page.goto(live.url + "/digital?period=2024H1&region=示例市")
        assert page.locator("#digital-text").inner_text().startswith("【数字贸易】")
        assert page.locator("#table-dt_total tbody tr").count() == 12
        look(page, "digital-{width}-" + live.backend)     # tables scroll inside their card
    finally:
        page.context.close()
