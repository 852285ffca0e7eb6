"""Digital trade's inputs through the one import (spec/digital-trade.md §6.1): customs
e-commerce rows in the real export's shape (GBK, a title row, 货值（万元）in CNY with the
rate file, a 合计 row) land with the same cents as the canonical file; contracts' four
optional columns land with the effective remote share; a store of schema 5 gains the new
tables and columns."""

from __future__ import annotations

import datetime as dt

from shumao.ingest.importer import import_files
from shumao.store import connect
from shumao.store.schema import SCHEMA_VERSION
from tests.conftest import sql

TODAY = dt.date(2026, 11, 27)
ENT = "91990102B8QRD82822"
ENTERPRISES = f"enterprise_id,name,nature\n{ENT},示例云桥信息技术有限公司,foreign\n"


def _lines(store):
    return sql(store, "SELECT line_id, basis, regime, flow, month, partner, hs_chapter, "
                      "amount_cents, enterprise_id, platform_id FROM ecommerce ORDER BY line_id")


def test_a_real_customs_export_gives_the_canonical_cents(tmp_path):
    canonical = tmp_path / "canonical" / "ecommerce.csv"
    canonical.parent.mkdir()
    canonical.write_text(
        "line_id,regime,flow,month,partner,hs_chapter,value,currency,platform_id\n"
        "2024-03/9610/X/JPN/61,9610,X,2024-03,JPN,61,14000.00,USD,P1\n"
        "2024-03/9710/X/KOR/94,9710,X,2024-03,KR,94,7000.07,USD,\n"
        "2024-03/1210/M/AUS/04,1210,M,2024-03,AU,04,1400.14,USD,\n", encoding="utf-8")
    platforms = tmp_path / "platforms.csv"
    platforms.write_text("平台代码,平台名称,平台类型,境内平台\nP1,示例跨境平台,中介平台,是\n",
                         encoding="utf-8")
    real = tmp_path / "real" / "2024年3月跨境电商统计.csv"
    real.parent.mkdir()
    real.write_bytes((
        "2024年3月示例海关跨境电商进出口统计表,,,,,,,\n"
        "记录编号,监管方式代码,进出口标志,统计月份,贸易国别（地区）,商品编码,货值（万元）,电商平台代码\n"
        "2024-03/9610/X/JPN/61,9610,出口,2024年3月,日本,6109100000,10,P1\n"
        "2024-03/9710/X/KOR/94,9710,出口,2024-03,韩国,9403.60,5.00005,\n"
        "2024-03/1210/M/AUS/04,1210,进口,2024-03,澳大利亚,0402,1.0001,\n"
        "合计,,,,,,16.00015,\n").encode("gbk"))
    rates = tmp_path / "汇率.csv"
    rates.write_text("币种,月份,美元汇率\nCNY,2024-03,0.14\n", encoding="utf-8")
    with connect(str(tmp_path / "a.duckdb"), create=True) as a:
        done = import_files(a, [platforms, canonical], today=TODAY)
        assert done.ok, [i.as_dict() for i in done.errors]
        want = _lines(a)
    with connect(str(tmp_path / "b.duckdb"), create=True) as b:
        done = import_files(b, [platforms, real, rates], today=TODAY)
        assert done.ok and not done.warnings, [i.as_dict() for i in done.errors + done.warnings]
        assert done.counts["ecommerce"]["new"] == 3        # the 合计 row is not a record
        assert _lines(b) == want
    assert want[0] == ("2024-03/1210/M/AUS/04", "regime", "1210", "M", dt.date(2024, 3, 1),
                       "AU", "04", 140014, None, None)
    assert want[1][7] == 1400000 and want[1][9] == "P1" and want[1][6] == "61"


def test_contracts_digital_columns_land_with_the_effective_share(tmp_path, store):
    files = tmp_path / "企业.csv", tmp_path / "合同.csv", tmp_path / "平台.csv"
    files[0].write_text(ENTERPRISES, encoding="utf-8")
    files[1].write_text(
        "合同编号,统一社会信用代码,签约日期,发包方国别,业务类别,合同金额,"
        "业务子类,交付方式,远程交付比例（%）,线上订购,接单平台\n"
        f"C1,{ENT},2024-02-01,日本,KPO,100.00,建筑设计,远程,,是,P1\n"
        f"C2,{ENT},2024-02-01,日本,BPO,100.00,BPO09,现场,0,否,\n"
        f"C3,{ENT},2024-02-01,日本,ITO,100.00,ITO04,混合,40%,,\n"
        f"C4,{ENT},2024-02-01,日本,ITO,100.00,,,,不明,\n", encoding="utf-8")
    files[2].write_text("platform_id,name,role,resident\nP1,示例平台,dip,no\n", encoding="utf-8")
    done = import_files(store, list(files), today=TODAY)
    assert done.ok, [i.as_dict() for i in done.errors]
    assert sql(store, "SELECT contract_id, subcategory, delivery_mode, remote_share, "
                      "ordered_online, platform_id FROM contracts ORDER BY contract_id") == [
        ("C1", "KPO06", "remote", 100, "yes", "P1"), ("C2", "BPO09", "onsite", 0, "no", None),
        ("C3", "ITO04", "mixed", 40, None, None), ("C4", None, None, None, "unknown", None)]
    assert sql(store, "SELECT platform_id, role, resident FROM platforms") == [("P1", "dip", False)]


def test_a_mixed_delivery_without_share_and_a_share_without_mode_are_refused(tmp_path, store):
    f = tmp_path / "contracts.csv"
    f.write_text("contract_id,enterprise_id,signed_on,client_country,category,amount,"
                 "delivery_mode,remote_share\n"
                 f"C1,{ENT},2024-02-01,JP,ITO,1,mixed,\n"
                 f"C2,{ENT},2024-02-01,JP,ITO,1,mixed,100\n"
                 f"C3,{ENT},2024-02-01,JP,ITO,1,,50\n"
                 f"C4,{ENT},2024-02-01,JP,ITO,1,onsite,0\n"
                 f"C5,{ENT},2024-02-01,JP,ITO,1,远程,abc\n", encoding="utf-8")
    e = tmp_path / "enterprises.csv"
    e.write_text(ENTERPRISES, encoding="utf-8")
    done = import_files(store, [e, f], today=TODAY)
    assert not done.ok
    assert [(i.row, i.code) for i in done.errors] == [
        (2, "delivery-share-inconsistent"), (3, "delivery-share-inconsistent"),
        (4, "delivery-share-inconsistent"), (6, "remote-share-out-of-range")]
    assert sql(store, "SELECT count(*) FROM contracts") == [(0,)]     # all or nothing


def test_a_schema_5_store_gains_the_digital_tables_and_columns(store_url):
    with connect(store_url, create=True) as s:
        for t in ("platforms", "ecommerce"):
            sql(s, f"DROP TABLE {t}")
        for t in ("contracts", "superseded_contracts", "vintage_contracts"):
            for c in ("subcategory", "delivery_mode", "remote_share", "ordered_online",
                      "platform_id"):
                sql(s, f"ALTER TABLE {t} DROP COLUMN {c}")
        sql(s, "UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with connect(store_url) as s:
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [
            (str(SCHEMA_VERSION),)]
        assert SCHEMA_VERSION >= 6
        assert sql(s, "SELECT count(*) FROM ecommerce") == [(0,)]
        assert sql(s, "SELECT count(platform_id) FROM vintage_contracts") == [(0,)]


def test_the_import_and_the_web_filing_apply_one_delivery_rule(tmp_path, store):
    """Every delivery mode × share text through the import's SQL and through filing.fields
    (model.digital's rule for both): the same codes, the same stored share."""
    from shumao.filing import fields

    modes = ["", "远程", "onsite", "混合", "不明", "邮寄"]
    shares = ["", "0", "1", "50", "99", "100", "101", "五十", "50%", "-1", "5.5"]
    rows, want = [], {}
    for i, (m, s) in enumerate((m, s) for m in modes for s in shares):
        rows.append(f"R{i},{ENT},2024-02-01,JP,ITO,1,{m},{s}")
        values = {"contract_id": f"R{i}", "signed_on": "2024-02-01", "client_country": "JP",
                  "category": "ITO", "amount": "1", "delivery_mode": m, "remote_share": s}
        rec, problems = fields.read("contracts", values, ENT)
        want[f"R{i}"] = (sorted(p.code for p in problems), rec["remote_share"])
    f = tmp_path / "contracts.csv"
    f.write_text("contract_id,enterprise_id,signed_on,client_country,category,amount,"
                 "delivery_mode,remote_share\n" + "\n".join(rows) + "\n", encoding="utf-8")
    e = tmp_path / "enterprises.csv"
    e.write_text(ENTERPRISES, encoding="utf-8")
    done = import_files(store, [e, f], today=TODAY)
    got: dict[str, list[str]] = {k: [] for k in want}
    for i in done.errors:
        got[f"R{i.row - 2}"].append(i.code)
    assert {k: sorted(v) for k, v in got.items()} == {k: w[0] for k, w in want.items()}
    assert sum(1 for w in want.values() if not w[0]) == 10     # blank; 远程 ""|100; onsite ""|0; 混合 1|50|99|50%; 不明
    ok = [f"R{i}" for i, _ in enumerate(rows) if not want[f"R{i}"][0]]
    f.write_text("contract_id,enterprise_id,signed_on,client_country,category,amount,"
                 "delivery_mode,remote_share\n"
                 + "\n".join(r for r in rows if r.split(",")[0] in ok) + "\n", encoding="utf-8")
    assert import_files(store, [e, f], today=TODAY).ok
    stored = dict(sql(store, "SELECT contract_id, remote_share FROM contracts"))
    assert stored == {k: want[k][1] for k in ok}


def test_a_schema_10_store_gains_the_optional_digital_inputs(store_url, tmp_path):
    """10 → 11 (issue 22): the services direct reports, the enterprise survey, the
    benchmarks and the vintages' copies of them; enterprises' size and industry."""
    with connect(store_url, create=True) as s:
        for t in ("services", "vintage_services", "dt_survey", "vintage_dt_survey", "totals",
                  "vintage_totals"):
            sql(s, f"DROP TABLE {t}")
        for t in ("enterprises", "superseded_enterprises", "vintage_enterprises"):
            for c in ("size_class", "industry"):
                sql(s, f"ALTER TABLE {t} DROP COLUMN {c}")
        sql(s, "UPDATE meta SET value = '10' WHERE key = 'schema_version'")
    with connect(store_url) as s:
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [
            (str(SCHEMA_VERSION),)]
        assert sql(s, "SELECT count(*) FROM services") == [(0,)]
        assert sql(s, "SELECT count(*) FROM vintage_services") == [(0,)]
        assert s.records.counts()["services"] == s.records.counts()["dt_survey"] == 0
        assert sql(s, "SELECT count(*) FROM vintage_dt_survey") == [(0,)]
        assert sql(s, "SELECT count(*) FROM vintage_totals") == [(0,)]
        assert sql(s, "SELECT count(size_class), count(industry) FROM vintage_enterprises") == [
            (0, 0)]
    f = tmp_path / "企业.csv"           # the migrated store takes them
    f.write_text(ENTERPRISES.replace("nature\n", "nature,企业规模\n").replace("foreign\n", "foreign,小型\n"),
                 encoding="utf-8")
    with connect(store_url) as s:
        assert import_files(s, [f], today=TODAY).ok
        assert sql(s, "SELECT size_class FROM enterprises") == [("S",)]


def test_enterprises_size_and_industry_land_as_codes(tmp_path, store):
    """spec §6.1.6: 企业规模 大型/中型/小型/微型 → L/M/S/XS; 行业代码 a GB/T 4754-2017 门类
    letter or 大类 (a 中类 or 小类 kept to its 大类); both optional."""
    f = tmp_path / "企业.csv"
    f.write_text("统一社会信用代码,企业名称,企业性质,企业规模,行业代码\n"
                 f"{ENT},示例云桥信息技术有限公司,foreign,中型,i\n"
                 "9199010242QEY8BUXP,示例海岸信息技术有限公司,domestic,微型企业,6513\n"
                 "919901025C1TE00N3E,示例三,domestic,,\n", encoding="utf-8")
    done = import_files(store, [f], today=TODAY)
    assert done.ok, [i.as_dict() for i in done.errors]
    assert sql(store, "SELECT enterprise_id, size_class, industry FROM enterprises "
                      "ORDER BY enterprise_id") == [
        ("9199010242QEY8BUXP", "XS", "65"), ("919901025C1TE00N3E", None, None),
        (ENT, "M", "I")]
    bad = tmp_path / "bad" / "企业.csv"
    bad.parent.mkdir()
    bad.write_text("统一社会信用代码,企业名称,企业性质,企业规模,行业代码\n"
                   f"{ENT},示例云桥信息技术有限公司,foreign,巨型,Z\n", encoding="utf-8")
    done = import_files(store, [bad], today=TODAY, replace=True)
    assert [(i.row, i.column, i.code) for i in done.errors] == [
        (2, "industry", "bad-industry"), (2, "size_class", "bad-size-class")]
    assert "企业规模“巨型”无法识别" in done.errors[1].message
    assert "行业代码“Z”无效" in done.errors[0].message


def test_the_stored_shapes_of_a_data_set_import_and_hostile_ones_are_named(tmp_path, store):
    """What ``shumao export`` writes back through the import (issue 22): a customs cell whose
    HS chapter the store keeps as ``_U``, and the survey's remote shares as the store keeps
    them — JSON {sub-category: percent} — beside its own columns (a cell of its own wins).
    A JSON that is not such an object, an unknown sub-category, a share that is not a whole
    0–100 are errors naming the column and value; nothing is stored."""
    e = tmp_path / "enterprises.csv"
    e.write_text(ENTERPRISES, encoding="utf-8")
    g = tmp_path / "ecommerce.csv"
    g.write_text("line_id,basis,flow,month,hs_chapter,value,currency\n"
                 "F1,full_scope,X,2024-03,_U,10.00,USD\nF2,full_scope,M,2024-03,_u,1.00,USD\n",
                 encoding="utf-8")
    s = tmp_path / "dt_survey.csv"
    s.write_text("enterprise_id,year,online_ordered_pct,via_dip_pct,remote_pct,remote_pct_KPO06\n"
                 f'{ENT},2024,10,5,"{{""ITO04"":30,""KPO06"":""45%""}}",\n'
                 f'{ENT},2023,,,"{{""ITO04"":30,""KPO06"":45}}",60\n', encoding="utf-8")
    done = import_files(store, [e, g, s], today=TODAY)
    assert done.ok and not done.warnings, [i.as_dict() for i in done.errors + done.warnings]
    assert sql(store, "SELECT line_id, hs_chapter FROM ecommerce ORDER BY 1") == [
        ("F1", "_U"), ("F2", "_U")]
    assert sql(store, "SELECT year, online_ordered_pct, via_dip_pct, remote_pct FROM dt_survey "
                      "ORDER BY year") == [(2023, None, None, '{"ITO04":30,"KPO06":60}'),
                                           (2024, 10, 5, '{"ITO04":30,"KPO06":45}')]

    bad = tmp_path / "bad" / "dt_survey.csv"
    bad.parent.mkdir()
    rows = ['{bad', '[30]', '{""ITO04"":150}', '{""ITO04"":30.5}', '{""ITO04"":""三十""}',
            '{""XX99"":30}', '{""ITO04"":-1}', '""', '{""ITO04"":null}']
    bad.write_text("enterprise_id,year,remote_pct\n" + "".join(
        f'{ENT},{2000 + i},"{r}"\n' for i, r in enumerate(rows)), encoding="utf-8")
    with connect(str(tmp_path / "fresh.duckdb"), create=True) as fresh:
        done = import_files(fresh, [e, bad], today=TODAY)
        assert not done.ok
        got = sorted((i.row, i.code, i.column) for i in done.errors)
        assert got == [(2, "share-out-of-range", "remote_pct"), (3, "share-out-of-range", "remote_pct"),
                       (4, "share-out-of-range", "remote_pct"), (5, "share-out-of-range", "remote_pct"),
                       (6, "share-out-of-range", "remote_pct"), (7, "unknown-subcategory", "remote_pct"),
                       (8, "share-out-of-range", "remote_pct"), (9, "share-out-of-range", "remote_pct"),
                       (10, "share-out-of-range", "remote_pct")]
        assert all("remote_pct" in i.message for i in done.errors if i.code == "share-out-of-range")
        assert sql(fresh, "SELECT count(*) FROM dt_survey") == [(0,)]
    bad_hs = tmp_path / "bad" / "ecommerce.csv"
    bad_hs.write_text("line_id,basis,flow,month,hs_chapter,value,currency\n"
                      "F1,full_scope,X,2024-03,_X,10.00,USD\nF2,full_scope,X,2024-03,U,1,USD\n",
                      encoding="utf-8")
    with connect(str(tmp_path / "fresh2.duckdb"), create=True) as fresh:
        done = import_files(fresh, [bad_hs], today=TODAY)
        assert [(i.row, i.code) for i in done.errors] == [(2, "bad-hs-chapter"), (3, "bad-hs-chapter")]
