"""数字贸易's drill-down (spec/digital-trade.md §8.4): every row of the 数字贸易 tables links to
the records behind its figure — the executions (with the part each counts: a mixed
contract's remote share, a crosswalk weight) and the customs e-commerce lines — and the parts
add up exactly to the table's cell; staff and admin only; an unknown figure is a Chinese 404."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest

from shumao.ingest.importer import import_files
from shumao.model.digital import UNIT
from tests.conftest import BACKENDS
from tests.report.test_digital_city import INPUTS, TODAY
from tests.wording import html_text

CITY = {"region": "示例市"}


@pytest.fixture
def store(portal_store):
    done = import_files(portal_store, INPUTS, replace=True, today=TODAY)
    assert done.ok
    return portal_store


def _cells(html: str) -> list[tuple[str, str, str]]:
    """(table id, link, the 本期 cell) of every row of the 数字贸易 tables."""
    out = []
    for tid, body in re.findall(r'<table class="data figures" id="table-([a-z_]+)">(.*?)</table>', html, re.S):
        for row in re.findall(r"<tr>(.*?)</tr>|<tr [^>]*>(.*?)</tr>", body, re.S):
            row = row[0] or row[1]
            link = re.search(r'<a href="([^"]+)"', row)
            nums = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
            if link and nums:
                out.append((tid, unescape(link.group(1)), nums[0].strip()))
    return out


def test_every_table_row_drills_to_records_that_add_up_to_its_cell(client, store):
    staff = client("staff")
    r = staff.get("/digital", params={"period": "2024H1", **CITY})
    assert r.status_code == 200
    cells = _cells(r.text)
    tables = {t for t, _, _ in cells}
    seen_dip: set[str] = set()
    assert tables == {"dt_total", "dt_partners", "cbec_regimes", "cbec_hs", "ddl_ebops", "dt_control",
                      "do_dip"}
    checked = 0
    for tid, link, shown in cells:
        q = parse_qs(urlparse(link).query)
        assert urlparse(link).path == "/digital/records" and q["period"] == ["2024H1"]
        j = staff.get("/api/v1/digital/records", params={"period": "2024H1", "cell": q["cell"][0],
                                                          "most": 2000})
        assert j.status_code == 200, j.text
        x = j.json()
        assert sum(p["units"] for p in x["parts"]) == x["units"] and x["rest_units"] == 0
        assert x["records"] == len(x["parts"]) > 0
        if shown != "不予公布":
            assert Decimal(shown.replace(",", "")) == Decimal(x["current"]), (tid, x["row"])
            checked += 1
        kinds = {p["kind"] for p in x["parts"]}
        if tid in ("cbec_regimes", "cbec_hs"):
            assert kinds == {"ecommerce"}
        if tid == "ddl_ebops":
            assert kinds == {"executions"}
        if tid == "do_dip":
            seen_dip.add(x["row"])
    assert checked >= 30
    assert len(seen_dip) == 8       # 表7: DIP / NDIP / 未知 × goods exports, imports; services


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_a_mixed_execution_counts_its_share_and_the_page_says_so_in_words(client, store):
    staff = client("staff")
    page = staff.get("/digital", params={"period": "2024H1", **CITY}).text
    # 表1: 数字订购且数字交付的服务 (block B)
    from shumao.report.digital import Slot
    b = Slot("T1", {"TRADE_FLOW": "X", "DIGITAL_NATURE": "DO_DD", "PRODUCT_TYPE": "S",
                    "COUNTERPART_AREA": "W", "SERVICE": "S", "COMMODITY": "_Z", "CUSTOMS_REGIME": "_Z",
                    "CONTROL": "_T"}, 0).id
    cell = next(parse_qs(urlparse(link).query)["cell"][0] for tid, link, _ in _cells(page)
                if tid == "dt_total" and f"cell={b}" in link)
    x = staff.get("/api/v1/digital/records", params={"period": "2024H1", "cell": cell, "most": 2000}).json()
    partial = [p for p in x["parts"] if p["units"] != p["amount_cents"] * UNIT]
    assert partial, "a mixed contract's execution counts only its remote share"
    for p in partial:
        assert p["units"] == p["amount_cents"] * p["remote_share"] * 10_000
    r = staff.get("/digital/records", params={"period": "2024H1", "cell": cell})
    assert r.status_code == 200
    text = html_text(r.text)
    assert "仅供内部核对" in text and "合计（即表中数字）" in text and "远程交付" in text
    assert f"{x['current_cents'] // 100:,}.{x['current_cents'] % 100:02d}" in text
    for raw in ("DO_DD", "executions", "ecommerce"):
        assert raw not in text, raw
    # a limited list: the rest in one line, the total the same
    r = staff.get("/digital/records", params={"period": "2024H1", "cell": cell, "most": 2})
    assert "未列出" in html_text(r.text)


def test_an_unknown_figure_and_roles(client, store):
    r = client("staff").get("/api/v1/digital/records", params={"period": "2024H1", "cell": "T9.<x>"})
    assert r.status_code == 404 and "数字贸易页面" in r.json()["error"]["message"]
    r = client("staff").get("/digital/records", params={"period": "2024H1", "cell": "<script>"})
    assert r.status_code == 404 and "<script>" not in r.text
    assert client("staff").get("/api/v1/digital/records", params={"cell": "x"}).status_code == 422
    for who in ("enterprise", "reviewer"):
        assert client(who).get("/api/v1/digital/records",
                               params={"period": "2024H1", "cell": "x"}).status_code in (403, 404)
    assert client().get("/api/v1/digital/records", params={"period": "2024H1", "cell": "x"}).status_code == 401
