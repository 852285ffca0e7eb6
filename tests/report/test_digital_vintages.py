"""A vintage freezes the 【数字贸易】 with the 数据月报 (spec/digital-trade.md §8.4, issue 22
item 7): its settings (crosswalk version, deliverable set, imputation, ordered_unknown), its
JSON and text, and copies of the customs rows and platforms with their batch ids — so that
after more customs rows, a replaced customs line, a replaced platform list or a later
crosswalk version, ``shumao digital --vintage`` gives the section exactly as published while
the live one has changed; a vintage without digital data, or whose frozen part was tampered
with, says so."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest

from shumao.errors import NoData, StoreError
from shumao.indicators import digital as indicators
from shumao.indicators.digital import DigitalSettings, digital
from shumao.ingest.importer import import_files
from shumao.model import digital_codes
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.report import digital as words
from shumao.report.settings import ReportSettings
from shumao.store import connect
from shumao.store.schema import SCHEMA_VERSION
from tests.conftest import run_cli, sql
from tests.report.test_digital_city import CITY, DIGITAL, INPUTS, TODAY

PERIOD = "2024H1"
SETTINGS = ReportSettings(region="示例市", short="我市")
LATER = "SO-EBOPS-2099.1"                 # a later crosswalk version (made up by the test)


def city_store(path: Path) -> Path:
    with connect(str(path), create=True) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        assert import_files(s, INPUTS, replace=True, today=TODAY).ok
    return path


@pytest.fixture
def city(tmp_path) -> Path:
    return city_store(tmp_path / "city.duckdb")


def live(store, ds: DigitalSettings | None = None) -> dict:
    with store.reading() as con:
        d = digital(con, Period.parse(PERIOD), ds or DigitalSettings())
    return words.as_json(d, SETTINGS, SETTINGS.source)


def _customs(folder: Path, rows: list[list[str]]) -> Path:
    """A customs file in the sample's header with ``rows``."""
    with (DIGITAL / "ecommerce.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    path = folder / "ecommerce-later.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _cbec_x(made: dict) -> int:
    return next(i["current"] for i in made["indicators"] if i["id"] == "cbec_x")


def test_more_customs_rows_change_the_live_section_not_the_vintage(city, tmp_path):
    expected = (DIGITAL / f"expected_digital_{PERIOD}.txt").read_text(encoding="utf-8")
    with connect(str(city)) as s:
        vid = vintages.freeze(s, PERIOD, SETTINGS, actor="统计员")
        kept = s.vintages.get(vid)["digital"]
        (first,), = sql(s, "SELECT max(batch_id) FROM ecommerce")
        published = live(s)
        # more customs rows (a new line in March) and a replaced line (its amount doubled)
        more = _customs(tmp_path, [
            ["2024-03/9610/X/US/94/LATER", "9610", "X", "2024-03", "US", "94", "100000.00", "",
             "12", "是", "P1"]])
        assert import_files(s, [more], today=TODAY).ok
        changed = _customs(tmp_path, [
            ["2024-03/9610/X/US/94/0", "9610", "X", "2024-03", "US", "94", "1675590.00", "",
             "19", "是", "P1"]])
        assert import_files(s, [changed], replace=True, today=TODAY).ok
        now = live(s)
        again = vintages.digital(s, vid)
    assert kept["settings"] == {"crosswalk": "SO-EBOPS-2026.1", "deliverable_set": "MOFCOM6",
                                "impute_delivery": "off", "ordered_unknown": "NDO",
                                "services_source": "outsourcing", "goods_basis": "regime"}
    assert kept["customs_batches"] == [first] and kept["platform_batches"] == [first]
    assert kept["services_batches"] == []
    assert kept["figures"] == json.loads(json.dumps(published))
    assert kept["figures"]["text"] == expected
    # the live section moved by both changes: 1 000.00 + 8 377.95 US dollars
    assert _cbec_x(now) - _cbec_x(published) == 10_000_000 + 83_779_500
    assert now["text"] != expected
    assert again.made == kept["figures"] and again.text == expected
    r = run_cli("digital", "--vintage", str(vid), "--db", str(city))
    assert r.returncode == 0, r.stderr
    assert r.stdout == expected
    r = run_cli("digital", "--vintage", str(vid), "--db", str(city), "--format", "json")
    assert json.loads(r.stdout) == kept["figures"]
    r = run_cli("digital", "--period", PERIOD, "--region", "示例市", "--db", str(city))
    assert r.stdout == now["text"] != expected


def test_a_later_crosswalk_version_changes_the_live_section_not_the_vintage(city, monkeypatch):
    with connect(str(city)) as s:
        vid = vintages.freeze(s, PERIOD, SETTINGS, actor="统计员")
        published = s.vintages.get(vid)["digital"]["figures"]
        real = digital_codes.crosswalk

        def later(version: str = digital_codes.CROSSWALK):
            """The later version: every sub-category wholly in its first EBOPS item but
            telecommunications (SI1) — deliverable less than before."""
            if version != LATER:
                return real(version)
            cw = real("SO-EBOPS-2026.1")
            return replace(cw, version=LATER, weights={
                k: (digital_codes.Weight("SI1", 10_000),) if k.startswith("ITO")
                else (digital_codes.Weight("SD", 10_000),) for k in cw.weights})

        monkeypatch.setattr(digital_codes, "CROSSWALK", LATER)
        monkeypatch.setattr(indicators, "crosswalk", later)
        now = live(s)
        again = vintages.digital(s, vid)
    assert now["settings"]["crosswalk"] == LATER
    ddl = lambda made: next(i["current"] for i in made["indicators"] if i["id"] == "so_ddl_x")  # noqa: E731
    assert ddl(now) != ddl(published)
    assert again.made == published and again.digital.settings.crosswalk == "SO-EBOPS-2026.1"


def test_the_vintage_keeps_its_own_settings(city):
    ds = DigitalSettings("UNCTAD", "survey")
    with connect(str(city)) as s:
        vid = vintages.freeze(s, PERIOD, SETTINGS, actor="统计员", digital=ds)
        want = live(s, ds)
        default = live(s)
        again = vintages.digital(s, vid)
    assert want != default
    assert again.made == json.loads(json.dumps(want))
    assert again.digital.settings == ds
    r = run_cli("digital", "--vintage", str(vid), "--db", str(city), "--format", "json",
                "--period", "2024Q2")
    assert r.returncode == 2 and "2024年上半年" in r.stderr and "--period 2024Q2" in r.stderr


def test_a_period_without_digital_data_freezes_none(tmp_path):
    db = tmp_path / "plain.duckdb"
    with connect(str(db), create=True) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        vid = vintages.freeze(s, PERIOD, SETTINGS, actor="统计员")
        assert s.vintages.get(vid)["digital"] is None
        assert sql(s, "SELECT count(*) FROM vintage_ecommerce") == [(0,)]
        with pytest.raises(NoData, match=f"第 {vid} 号数据版本（2024年上半年）没有数字贸易部分"):
            vintages.digital(s, vid)
    r = run_cli("digital", "--vintage", str(vid), "--db", str(db))
    assert r.returncode == 1 and "没有数字贸易部分" in r.stderr
    r = run_cli("digital", "--vintage", "abc", "--db", str(db))
    assert r.returncode == 2 and "没有编号为“abc”的数据版本" in r.stderr
    r = run_cli("digital", "--db", str(db))
    assert r.returncode == 2 and "--period" in r.stderr and "--vintage" in r.stderr


@pytest.mark.parametrize("tamper", ["figures", "text", "settings", "json"])
def test_a_tampered_digital_part_is_refused(city, tamper):
    with connect(str(city)) as s:
        vid = vintages.freeze(s, PERIOD, SETTINGS, actor="统计员")
        kept = s.vintages.get(vid)["digital"]
        if tamper == "figures":
            kept["figures"]["blocks"]["X"]["A_G"] += 1          # one cent
        elif tamper == "text":
            kept["figures"]["text"] = kept["figures"]["text"].replace("增长", "下降", 1)
            assert kept["figures"]["text"] != s.vintages.get(vid)["digital"]["figures"]["text"]
        elif tamper == "settings":
            kept["settings"]["ordered_unknown"] = "DO"
        raw = "{not json" if tamper == "json" else json.dumps(kept, ensure_ascii=False)
        sql(s, f"UPDATE vintages SET digital = '{raw}' WHERE id = {vid}")
        with pytest.raises(StoreError, match=f"第 {vid} 号数据版本"):
            vintages.digital(s, vid)


def test_a_schema_6_store_gains_the_frozen_digital_tables(store_url):
    with connect(store_url, create=True) as s:
        for t in ("vintage_platforms", "vintage_ecommerce"):
            sql(s, f"DROP TABLE {t}")
        sql(s, "ALTER TABLE vintages DROP COLUMN digital")
        sql(s, "INSERT INTO vintages VALUES (1, 'report', NULL, '2024H1', '{}', '{}', '', 0, "
               "'统计员', now())")
        sql(s, "UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    with connect(store_url) as s:
        assert SCHEMA_VERSION >= 7
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert sql(s, "SELECT id, digital FROM vintages") == [(1, None)]
        assert sql(s, "SELECT count(*) FROM vintage_ecommerce") == [(0,)]
        assert sql(s, "SELECT count(*) FROM vintage_platforms") == [(0,)]


def test_freezing_and_reproducing_on_every_backend(store_url, tmp_path):
    with connect(store_url, create=True) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        assert import_files(s, INPUTS, replace=True, today=TODAY).ok
        vid = vintages.freeze(s, PERIOD, SETTINGS, actor="统计员")
        published = s.vintages.get(vid)["digital"]["figures"]
        assert published["text"] == (DIGITAL / f"expected_digital_{PERIOD}.txt").read_text(
            encoding="utf-8")
        platforms = _customs(tmp_path, [])
        platforms.write_text("平台代码,平台名称,平台类型,境内平台\nP1,示例跨境撮合平台,自营,是\n",
                             encoding="utf-8")
        done = import_files(s, [platforms.rename(tmp_path / "platforms.csv")], replace=True,
                            today=TODAY)
        assert done.ok, [i.as_dict() for i in done.errors]
        assert live(s) != published                     # P1 no longer a DIP today
        assert vintages.digital(s, vid).made == published
