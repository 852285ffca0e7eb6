"""公开简报's 【数字贸易】 downloads (spec/digital-trade.md §8.4, issue 22 item 6): a published
edition whose period has digital trade offers its tables (XLSX) and SDMX files (a zip of the
folder ``shumao digital --format sdmx`` writes), to anyone, made from its vintage — after
more customs rows they are what was published, not today's figures.  A range of months not
from January offers the XLSX alone; an edition published when its period had no digital
data, or with no vintage at all, offers none, and its addresses are the archive's 404.

1: published through the store before any digital data was imported (its vintage froze no
【数字贸易】); 2: published for real (PDF, Word, HTML) with the sample city's digital data;
3: 2024年2—4月, published through the store with a real vintage; 4: stand-in outputs, no
vintage."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient

from shumao.bulletin import editions
from shumao.bulletin.folder import TOML
from shumao.ingest.importer import import_files
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.report import digital as words
from shumao.report.service import build_report
from shumao.report.settings import ReportSettings
from shumao.sdmx import files
from shumao.store import BulletinFile, connect
from shumao.web.app import create_app
from shumao.web.routes.bulletins import sample_files
from tests.conftest import sql
from tests.report.test_digital_city import CITY, INPUTS, TODAY
from tests.report.test_digital_vintages import _customs

SETTINGS = ReportSettings(region="示例市", short="我市")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME = "示例市数字贸易统计（2024年前三季度）"


def _stand_in(store, files: dict, period: str, actor: str = "秘书处", vintage: bool = True) -> int:
    """An edition published through the store (stand-in outputs), its vintage frozen as
    editions.publish freezes one (None: without a vintage)."""
    toml = re.sub(rb'period = "[^"]*"', f'period = "{period}"'.encode(), files[TOML])
    # an issue number of its own: one number is published once (issue 20 S-9)
    toml = re.sub(rb'issue = "([^"]*)"', lambda m: m[0][:-1] + f"（{period}）\"".encode(), toml)
    bid = editions.create(store, {**files, TOML: toml}, actor)
    gen = store.generation()
    spec = None
    if vintage:
        doc = build_report(store, Period.parse(period), SETTINGS)
        spec = vintages.spec(doc, gen, "bulletin", bid,
                             vintages.digital_spec(store, doc.period, doc.settings))
    stand_in = [BulletinFile(f, f"第{bid}号 {f}".encode(), f"简报{bid}.{f}") for f in ("pdf", "docx")]
    stand_in.append(BulletinFile("html", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "x.html"))
    store.bulletins.publish(bid, stand_in, store.bulletins.content(bid), actor, vintage=spec)
    return bid


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = tmp_path_factory.mktemp("archive-digital") / "city.duckdb"
    with connect(str(db), create=True) as store:
        assert import_files(store, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                       "executions.csv")], today=TODAY).ok
        files = sample_files()
        for name in [n for n in files if n.startswith("会员风采/")]:
            del files[name]
        assert _stand_in(store, files, "2024Q2") == 1            # no digital data yet
        assert import_files(store, INPUTS, replace=True, today=TODAY).ok
        real = editions.create(store, files, "秘书处")
        done = editions.publish(store, real, "秘书处")
        assert (real, done["vintage"]) == (2, 2)
        assert _stand_in(store, files, "2024-02..2024-04") == 3
        assert _stand_in(store, files, "2024H1", vintage=False) == 4
        yield create_app(store), store, db


def _client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def _steady(texts: dict[str, str]) -> dict[str, str]:
    """The files without what each SDMX-ML message has of its own (its id and the time it
    was prepared: pysdmx's header)."""
    return {n: re.sub(r"<mes:(ID|Prepared)>[^<]*</mes:\1>", "", t) for n, t in texts.items()}


def _zip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return _steady({n: z.read(n).decode("utf-8") for n in z.namelist()})


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_the_archive_offers_digital_files_only_where_the_vintage_has_them(site):
    app, store, _ = site
    page = _client(app).get("/archive")
    assert page.status_code == 200
    found: dict[int, list[str]] = {}
    for i, f in re.findall(r'href="/archive/(\d+)/digital/(\w+)"', page.text):
        found.setdefault(int(i), []).append(f)
    assert found == {2: ["xlsx", "sdmx"], 3: ["xlsx"]}
    assert "数字贸易统计表" in page.text and "数字贸易数据包（SDMX）" in page.text
    assert "另可下载数字贸易统计表和数据包" in page.text
    assert store.vintages.get(1)["digital"] is None
    c = _client(app)
    unknown = c.get("/archive/999")                 # the archive's one 404
    for path in ("/archive/1/digital/xlsx", "/archive/1/digital/sdmx", "/archive/3/digital/sdmx",
                 "/archive/4/digital/xlsx", "/archive/2/digital/csv", "/archive/2/digital/XLSX",
                 "/archive/2/digital", "/archive/999/digital/xlsx", "/archive/abc/digital/xlsx"):
        r = c.get(path)
        assert (r.status_code, r.text) == (404, unknown.text), path


def test_the_files_are_the_vintages_figures_not_todays(site, tmp_path):
    app, store, _ = site
    frozen = store.vintages.get(2)["digital"]["figures"]
    c = _client(app)
    sdmx, xlsx = c.get("/archive/2/digital/sdmx"), c.get("/archive/2/digital/xlsx")
    assert sdmx.status_code == xlsx.status_code == 200
    assert sdmx.headers["content-type"] == "application/zip"
    assert xlsx.headers["content-type"] == XLSX
    assert sdmx.headers["content-disposition"].endswith(quote(f"{NAME}SDMX数据.zip", safe=""))
    assert xlsx.headers["content-disposition"].endswith(quote(f"{NAME}.xlsx", safe=""))
    members = _zip(sdmx.content)
    # the folder shumao digital --format sdmx (--vintage 2) writes, file for file
    out = tmp_path / "sdmx"
    again = vintages.digital(store, 2).digital
    files.write_period(out, words.observations(again), again.period, "示例市")
    assert members == _steady({p.name: p.read_text(encoding="utf-8") for p in out.iterdir()})
    assert {"data.csv", "说明.txt"} <= set(members)
    # its observations are the frozen figures: exports by customs regime, in 万美元
    rows = list(csv.DictReader(io.StringIO(members["data.csv"])))
    cents = {i["id"]: i["current"] for i in frozen["indicators"]}
    regimes = {r["CUSTOMS_REGIME"]: Decimal(r["OBS_VALUE"]) for r in rows
               if r["TRADE_FLOW"] == "X" and r["DIGITAL_NATURE"] == "DO_NDD"
               and r["PRODUCT_TYPE"] == "G" and r["CUSTOMS_REGIME"] != "_T"
               and r["COUNTERPART_AREA"] == "W" and r["COMMODITY"] == "_T"
               and r["CONTROL"] == "_T" and r["PERIOD_BASIS"] == "YTD"}
    assert set(regimes) >= {"9610", "9710", "9810"}
    for regime, value in regimes.items():
        want = (Decimal(cents[f"cbec_x_{regime}"]) / 1_000_000).quantize(Decimal("0.01"),
                                                                         ROUND_HALF_UP)
        assert value == want, regime
    sheets = _sheets(xlsx.content)
    assert list(sheets)[:2] == ["数字贸易", "表1 数字贸易总表"] and "说明" in sheets
    assert [r[0] for r in sheets["数字贸易"]] == [ln for ln in frozen["text"].split("\n") if ln]
    # the published page says the same 【数字贸易】 as the vintage
    page = re.sub(r"<[^>]+>", "", store.bulletins.output(2, "html").content.decode())
    said = [ln for ln in frozen["text"].split("\n") if ln]
    assert len(said) >= 4 and all(ln in page for ln in said), said

    # more customs rows: the live section changes, the archive's files do not
    more = _customs(tmp_path, [["2024-03/9610/X/US/94/LATER", "9610", "X", "2024-03", "US",
                                "94", "100000.00", "", "12", "是", "P1"]])
    assert import_files(store, [more], today=TODAY).ok
    with store.reading() as con:
        from shumao.indicators.digital import digital
        now = words.as_json(digital(con, Period.parse("2024-01..2024-09")), SETTINGS,
                            SETTINGS.source)
    assert now["text"] != frozen["text"]
    assert _zip(c.get("/archive/2/digital/sdmx").content) == members
    assert _sheets(c.get("/archive/2/digital/xlsx").content) == sheets
    live = files.period_texts(words.observations(digital_now(store)), Period.parse(
        "2024-01..2024-09"), "示例市")
    assert live["data.csv"] != members["data.csv"]


def digital_now(store):
    from shumao.indicators.digital import digital

    with store.reading() as con:
        return digital(con, Period.parse("2024-01..2024-09"))


def test_a_range_not_from_january_offers_the_tables_alone(site):
    app, store, _ = site
    r = _client(app).get("/archive/3/digital/xlsx")
    assert r.status_code == 200
    frozen = store.vintages.get(3)["digital"]["figures"]
    sheets = _sheets(r.content)
    assert [row[0] for row in sheets["数字贸易"]] == [ln for ln in frozen["text"].split("\n") if ln]
    name = f"示例市数字贸易统计（{Period.parse('2024-02..2024-04').words()}）.xlsx"
    assert r.headers["content-disposition"].endswith(quote(name, safe=""))


def test_a_draft_offers_nothing_and_the_frozen_rows_stay(site):
    app, store, _ = site
    draft = editions.create(store, sample_files(), "秘书处")
    assert _client(app).get(f"/archive/{draft}/digital/xlsx").status_code == 404
    assert store.vintages.with_digital() == {2, 3}
    assert sql(store, "SELECT count(*) FROM vintage_ecommerce WHERE vintage_id = 1") == [(0,)]
    assert sql(store, "SELECT count(*) FROM vintage_ecommerce WHERE vintage_id = 2")[0][0] > 0
