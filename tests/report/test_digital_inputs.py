"""Digital trade's optional inputs (spec/digital-trade.md §6.1.4–§6.1.7, issue 22): the
bureau's services-trade direct reports (服务贸易直报) in the real shape (GBK, a title row,
金额（万美元）, a 合计 row) land as the canonical file does; ``--services-source
direct_reports`` feeds the services blocks from them — exactly as an independent Decimal
computation over the file says — and never touches the 数据月报 or the outsourcing figures;
bad rows are named in Chinese with their file, row and value; DuckDB and PostgreSQL agree;
a vintage computed from them reproduces after they change."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from shumao.indicators.digital import DigitalSettings, digital
from shumao.ingest.importer import import_files
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.report import digital as words
from shumao.report.service import build_report
from shumao.report.settings import ReportSettings
from shumao.store import connect
from tests.conftest import run_cli, sql
from tests.report.test_digital_city import CITY, DIGITAL, INPUTS, TODAY

SETTINGS = ReportSettings(region="示例市", short="我市")
DIRECT = DigitalSettings(services_source="direct_reports")
ENT, ENT2 = "91990102B8QRD82822", "9199010242QEY8BUXP"
# (record, enterprise, month, flow, partner, EBOPS, 万美元, remote %, ordered %)
SERVICES = [
    ("D01", ENT, "2024-01", "收入", "日本", "SI2", "12.3456", "100", "20"),
    ("D02", ENT, "2024-02", "收入", "美国", "SJ1", "7.0001", "35", ""),
    ("D03", ENT2, "2024-03", "收入", "韩国", "SJ2", "3.3333", "", "15"),
    ("D04", ENT2, "2024-04", "收入", "日本", "SB", "5.5", "0", "0"),
    ("D05", ENT, "2024-05", "收入", "新加坡", "其他商业服务", "1.01", "", ""),
    ("D06", ENT2, "2024-06", "支出", "德国", "SH", "4.4444", "100", "100"),
    ("D07", ENT, "2024-06", "支出", "日本", "SI2", "2", "", "50"),
    ("D08", ENT, "2023-03", "收入", "日本", "SI2", "10", "100", "10"),
    ("D09", ENT2, "2023-05", "支出", "美国", "SJ1", "1.2345", "60", ""),
    ("D10", ENT, "2024-07", "收入", "日本", "SI2", "99", "100", "100"),     # outside 2024H1
]
HEAD = ["记录编号", "统一社会信用代码", "统计月份", "收支方向", "国别（地区）", "服务类别",
        "金额（万美元）", "远程交付比例（%）", "线上订购比例（%）"]
CODE = {"日本": "JP", "美国": "US", "韩国": "KR", "新加坡": "SG", "德国": "DE"}


def real_file(folder: Path) -> Path:
    """服务贸易直报 as a bureau exports it: GBK, a title row, 万美元, a 合计 row."""
    total = sum(Decimal(r[6]) for r in SERVICES)
    lines = ["2024年示例市服务贸易直报数据,,,,,,,,", ",".join(HEAD),
             *(",".join(r) for r in SERVICES), f"合计,,,,,,{total},,"]
    path = folder / "2024年服务贸易直报.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def canonical_file(folder: Path) -> Path:
    path = folder / "services.csv"
    rows = ["record_id,enterprise_id,month,flow,partner,ebops,value,currency,remote_share,"
            "ordered_online_share"]
    for r in SERVICES:
        cents = Decimal(r[6]) * 1_000_000
        rows.append(",".join([r[0], r[1], r[2], "X" if r[3] == "收入" else "M", CODE[r[4]],
                              "SJ" if r[5] == "其他商业服务" else r[5], f"{cents / 100:.2f}",
                              "USD", r[7], r[8]]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def city_with_services(url: str, folder: Path) -> str:
    with connect(url, create=True) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        assert import_files(s, INPUTS, replace=True, today=TODAY).ok
        done = import_files(s, [real_file(folder)], today=TODAY)
        assert done.ok and not done.warnings, [i.as_dict() for i in done.errors + done.warnings]
        assert done.counts["services"]["new"] == len(SERVICES)     # 合计 is not a record
    return url


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("inputs")
    return city_with_services(str(folder / "city.duckdb"), folder)


def reference(flow: str, year: int) -> dict[str, int]:
    """The services blocks of 2024H1 (or 2023H1) from SERVICES alone, Decimal, rounded
    half-up to the cent once per block (9A.1)."""
    b = {k: Decimal(0) for k in ("A_S", "B", "U1", "C", "N", "U2", "DDL", "ALL")}
    for r in SERVICES:
        y, m = int(r[2][:4]), int(r[2][5:])
        if (y, r[3]) != (year, "收入" if flow == "X" else "支出") or m > 6:
            continue
        a = Decimal(r[6]) * 1_000_000
        o = Decimal(r[8] or 0) / 100
        b["ALL"] += a
        if r[5] in ("SI2", "SJ1", "SJ2", "SH", "其他商业服务"):       # MOFCOM6: SF–SK
            b["DDL"] += a
        if r[7] == "":
            b["U1"] += a * o
            b["U2"] += a * (1 - o)
        else:
            rr = Decimal(r[7]) / 100
            b["B"] += a * o * rr
            b["A_S"] += a * o * (1 - rr)
            b["C"] += a * (1 - o) * rr
            b["N"] += a * (1 - o) * (1 - rr)
    return {k: int(v.quantize(1, ROUND_HALF_UP)) for k, v in b.items()}


def _json(con, ds: DigitalSettings, period: str = "2024H1") -> dict:
    d = digital(con, Period.parse(period), ds)
    return words.as_json(d, SETTINGS, SETTINGS.source, period)


def test_a_real_direct_report_export_gives_the_canonical_rows(tmp_path):
    cols = ("SELECT record_id, enterprise_id, month, flow, partner, ebops, amount_cents, "
            "remote_share, ordered_online_share FROM services ORDER BY record_id")
    got = []
    for f in (real_file(tmp_path), canonical_file(tmp_path)):
        with connect(str(tmp_path / f"{f.stem}.duckdb"), create=True) as s:
            done = import_files(s, [f], today=TODAY)
            assert done.ok and not done.warnings, [i.as_dict() for i in done.errors]
            got.append(sql(s, cols))
    assert got[0] == got[1]
    assert got[0][0] == ("D01", ENT, dt.date(2024, 1, 1), "X", "JP", "SI2", 12345600, 100, 20)
    assert got[0][4][5] == "SJ" and got[0][5][3] == "M" and got[0][2][7] is None


def test_direct_reports_feed_the_services_blocks_exactly(city):
    with connect(city) as s, s.reading() as con:
        made = _json(con, DIRECT)
        outsourcing = _json(con, DigitalSettings())
    want, before = reference("X", 2024), reference("X", 2023)
    x = made["blocks"]["X"]
    assert {k: x[k] for k in ("A_S", "B", "U1", "C", "N", "U2")} == {
        k: want[k] for k in ("A_S", "B", "U1", "C", "N", "U2")}
    m, want_m = made["blocks"]["M"], reference("M", 2024)
    assert {k: m[k] for k in ("A_S", "B", "U1", "C", "N", "U2")} == {
        k: want_m[k] for k in ("A_S", "B", "U1", "C", "N", "U2")}
    assert m["A_G"] == outsourcing["blocks"]["M"]["A_G"]        # the goods are the goods
    ind = {i["id"]: i for i in made["indicators"]}
    assert ind["so_ddl_x"]["current"] == want["DDL"] and ind["so_ddl_x"]["previous"] == before["DDL"]
    assert ind["dd_x"]["current"] == want["B"] + want["C"]
    assert ind["overlap_x"]["current"] == want["B"]
    goods = outsourcing["blocks"]["X"]["A_G"]
    assert x["A_G"] == goods
    # the sum of the rounded blocks may differ from the rounded sum by rounding only
    assert abs(ind["dt_x"]["current"] - (goods + want["A_S"] + want["B"] + want["U1"]
                                         + want["C"])) <= 2
    assert made["settings"]["services_source"] == "direct_reports"
    assert {"id": "services_as_direct_reports", "ok": True} in made["checks"]
    # the report names the source it used, and never the outsourcing platform for them
    assert "据海关统计和服务贸易直报数据测算" in made["text"]
    assert "企业直报的服务出口额中" in made["text"] and "商务部服务外包统一平台" not in made["text"]
    assert "服务数据来自服务贸易直报" in made["text"] and "离岸" not in made["text"]


def test_direct_reports_never_touch_the_monthly_report_or_the_outsourcing_figures(city, tmp_path):
    bare = str(tmp_path / "bare.duckdb")
    with connect(bare, create=True) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        assert import_files(s, INPUTS, replace=True, today=TODAY).ok
        monthly = build_report(s, "2024H1", SETTINGS).text
    with connect(city) as s:
        assert build_report(s, "2024H1", SETTINGS).text == monthly       # 数据月报 untouched
        with s.reading() as con:
            assert _json(con, DigitalSettings()) == json.loads(
                (DIGITAL / "expected_digital_2024H1.json").read_text(encoding="utf-8"))


def test_bad_direct_reports_are_named_in_chinese(tmp_path, store):
    f = tmp_path / "服务贸易直报.csv"
    f.write_text(",".join(HEAD) + "\n"
                 f"D1,{ENT},2024-01,转口,日本,SI2,1,100,0\n"
                 f"D2,{ENT},2024-01,收入,日本,SZ9,1,100,0\n"
                 f"D3,{ENT},2024-01,收入,日本,SI2,1,120,0\n"
                 f"D4,{ENT},2024-01,收入,日本,SI2,1,100,五十\n"
                 f"D5,{ENT},2024年第一月,收入,日本,SI2,1,100,0\n", encoding="utf-8")
    done = import_files(store, [f], today=TODAY)
    assert not done.ok
    got = [(i.row, i.column, i.code) for i in done.errors]
    assert got == [(2, "flow", "bad-flow"), (3, "ebops", "unknown-ebops"),
                   (4, "remote_share", "remote-share-out-of-range"),
                   (5, "ordered_online_share", "share-out-of-range"), (6, "month", "bad-month")]
    msgs = {i.code: i.message for i in done.errors}
    assert "“转口”" in msgs["bad-flow"] and "出口或进口" in msgs["bad-flow"]
    assert "服务类别“SZ9”无法识别" in msgs["unknown-ebops"]
    assert "“线上订购比例（%）”的值“五十”" in msgs["share-out-of-range"]
    assert all(i.file == "服务贸易直报.csv" for i in done.errors)
    assert sql(store, "SELECT count(*) FROM services") == [(0,)]      # all or nothing


@pytest.mark.postgres
def test_every_backend_gives_the_same_direct_report_survey_and_totals_figures(pg_cluster,
                                                                             tmp_path):
    both = DigitalSettings(impute_delivery="survey", services_source="direct_reports")
    got = []
    for url in (str(tmp_path / "d.duckdb"), pg_cluster.create_database("t_inputs")):
        city_with_services(url, tmp_path)
        with connect(url) as s:
            assert import_files(s, [survey_file(tmp_path), totals_file(tmp_path)],
                                today=TODAY).ok
            with s.reading() as con:
                got.append([_json(con, ds) for ds in (DIRECT, both,
                                                      DigitalSettings(impute_delivery="survey"))])
    pg_cluster.drop_database("t_inputs")
    assert got[0] == got[1]
    assert got[0][0] != got[0][2]
    assert "dt_share_goods_trade" in {i["id"] for i in got[1][0]["indicators"]}


def test_cli_services_source(city, tmp_path):
    r = run_cli("digital", "--period", "2024H1", "--db", city, "--services-source", "direct_reports",
                "--region", "示例市")
    assert r.returncode == 0, r.stderr
    assert "服务贸易直报" in r.stdout
    r = run_cli("digital", "--period", "2024H1", "--db", city, "--services-source", "直报")
    assert r.returncode == 2 and "--services-source 只能是 outsourcing 或 direct_reports" in r.stderr
    out = tmp_path / "sdmx"
    r = run_cli("digital", "--period", "2024H1", "--db", city, "--services-source", "direct_reports",
                "--format", "sdmx", "--out", out)
    assert r.returncode == 0, r.stderr
    data = (out / "data.csv").read_text(encoding="utf-8")
    assert "SVC_DIRECT" in data and "MOFCOM_SO" not in data and "SVC=DIRECT" in data


def test_a_vintage_from_direct_reports_reproduces_after_they_change(tmp_path):
    url = city_with_services(str(tmp_path / "v.duckdb"), tmp_path)
    with connect(url) as s:
        vid = vintages.freeze(s, "2024H1", SETTINGS, actor="admin", digital=DIRECT)
        published = vintages.digital(s, vid).made
        assert "服务贸易直报" in published["text"]
        later = tmp_path / "later" / "服务贸易直报.csv"
        later.parent.mkdir()
        later.write_text(",".join(HEAD) + f"\nD01,{ENT},2024-01,收入,日本,SI2,500,100,100\n"
                         f"D99,{ENT},2024-02,收入,日本,SI2,77,100,0\n", encoding="utf-8")
        assert import_files(s, [later], replace=True, today=TODAY).ok
        with s.reading() as con:
            assert _json(con, DIRECT) != published                   # the live one moved
        assert vintages.digital(s, vid).made == published          # the vintage did not


def test_a_vintage_imputed_from_the_survey_reproduces_after_it_changes(tmp_path):
    url = city_with_services(str(tmp_path / "v.duckdb"), tmp_path)
    survey = DigitalSettings(impute_delivery="survey")
    with connect(url) as s:
        assert import_files(s, [survey_file(tmp_path)], today=TODAY).ok
        vid = vintages.freeze(s, "2024H1", SETTINGS, actor="admin", digital=survey)
        published = vintages.digital(s, vid).made
        later = tmp_path / "later" / "dt_survey.csv"
        later.parent.mkdir()
        later.write_text(f"enterprise_id,year,remote_pct_ITO04\n{ENT},2024,90\n", encoding="utf-8")
        assert import_files(s, [later], replace=True, today=TODAY).ok
        with s.reading() as con:
            assert _json(con, survey) != published
        assert vintages.digital(s, vid).made == published


# -- the enterprise survey (spec §6.1.5) and its use in --impute-delivery survey (§7.3) ---------
SURVEY_HEAD = ["统一社会信用代码", "年度", "出口中线上订购占比（%）", "经中介平台占比（%）",
               "信息技术运维服务远程交付比例（%）", "KPO06远程交付比例（%）",
               "以一般贸易方式申报但线上成交的出口额（万美元）"]
ENT3 = "919901025C1TE00N3E"
SURVEY = [(ENT, "2024年", "10", "5", "30", "", "1.5"),
          (ENT3, "2023", "", "", "", "40", ""),
          (ENT2, "2024", "", "", "", "", "")]


def survey_file(folder: Path) -> Path:
    """数字贸易企业调查 as a bureau keeps it: GBK, a title row, a 合计 row."""
    lines = ["示例市数字贸易企业调查汇总表（2023—2024年）,,,,,,", ",".join(SURVEY_HEAD),
             *(",".join(r) for r in SURVEY), "合计,,,,,,1.5"]
    path = folder / "数字贸易企业调查.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def test_a_real_survey_file_imports(tmp_path, store):
    done = import_files(store, [survey_file(tmp_path)], today=TODAY)
    assert done.ok and not done.warnings, [i.as_dict() for i in done.errors + done.warnings]
    assert done.counts["dt_survey"]["new"] == 3
    assert sql(store, "SELECT enterprise_id, year, online_ordered_pct, via_dip_pct, remote_pct, "
                      "amount_cents FROM dt_survey ORDER BY enterprise_id, year") == [
        (ENT2, 2024, None, None, None, None),
        (ENT3, 2023, None, None, '{"KPO06":40}', None),
        (ENT, 2024, 10, 5, '{"ITO04":30}', 1_500_000)]


def test_bad_survey_rows_are_named_in_chinese(tmp_path, store):
    f = tmp_path / "dt_survey.csv"
    f.write_text(",".join(SURVEY_HEAD) + "\n"
                 f"{ENT},2O24,10,5,30,,\n"
                 f"{ENT},2024,101,5,30,,\n"
                 f"{ENT2},2024,,,-5,,\n", encoding="utf-8")
    done = import_files(store, [f], today=TODAY)
    assert [(i.row, i.column, i.code) for i in done.errors] == [
        (2, "year", "bad-year"), (3, "exports_online_ordered_pct", "share-out-of-range"),
        (4, "remote_pct_ITO04", "share-out-of-range")]
    msgs = [i.message for i in done.errors]
    assert "年度“2O24”无效" in msgs[0] and "四位数字的年份" in msgs[0]
    assert "“出口中线上订购占比（%）”的值“101”" in msgs[1]
    assert "“信息技术运维服务远程交付比例（%）”的值“-5”" in msgs[2]
    assert sql(store, "SELECT count(*) FROM dt_survey") == [(0,)]


def _unknown_delivery_cents(enterprise: str, sub: str) -> int:
    """Σ cents of the 2024H1 approved offshore executions of ``enterprise``'s approved
    contracts of sub-category ``sub`` whose delivery is unknown, from the CSVs alone."""
    from tests.report.test_digital_city import _in, _rows

    contracts = {r["contract_id"]: r for r in _rows(DIGITAL / "contracts.csv")}
    total = Decimal(0)
    for x in _rows(CITY / "executions.csv"):
        c = contracts[x["contract_id"]]
        if (x["status"] == c["status"] == "approved" and c["client_country"] != "CN"
                and c["enterprise_id"] == enterprise and c["业务子类"] == sub
                and c["交付方式"] == "不明" and _in(x["executed_on"], ((2024, 1), (2024, 6)))):
            total += Decimal(x["amount"]) * 100
    return int(total)


def test_survey_imputation_takes_the_enterprises_own_share_first(tmp_path):
    url = city_with_services(str(tmp_path / "s.duckdb"), tmp_path)
    survey = DigitalSettings(impute_delivery="survey")
    with connect(url) as s:
        with s.reading() as con:
            before = digital(con, Period.parse("2024H1"), survey)
        assert import_files(s, [survey_file(tmp_path)], today=TODAY).ok
        with s.reading() as con:
            after = digital(con, Period.parse("2024H1"), survey)
            made = _json(con, survey)
    ito, kpo = _unknown_delivery_cents(ENT, "ITO04"), _unknown_delivery_cents(ENT3, "KPO06")
    assert ito and kpo                               # the city has such executions
    # ITO04 (not ordered online) defaults to mixed, 50 %: its survey of 2024 says 30 %;
    # KPO06 (ordered online) to remote, 100 %: ENT3's latest survey (2023) says 40 %
    assert before.cur.block("X", "C") - after.cur.block("X", "C") == ito * (50 - 30) * 10_000
    assert after.cur.block("X", "N") - before.cur.block("X", "N") == ito * (50 - 30) * 10_000
    assert before.cur.block("X", "B") - after.cur.block("X", "B") == kpo * (100 - 40) * 10_000
    assert after.cur.block("X", "A", "S") - before.cur.block("X", "A", "S") == \
        kpo * (100 - 40) * 10_000
    assert after.cur.exec_offshore == before.cur.exec_offshore
    ind = {i["id"]: i for i in made["indicators"]}
    assert ind["dd_x"]["status"] == "E" and "部分交付方式为估算" in made["text"]
    with connect(url) as s, s.reading() as con:     # impute off: the survey changes nothing
        assert _json(con, DigitalSettings()) == json.loads(
            (DIGITAL / "expected_digital_2024H1.json").read_text(encoding="utf-8"))


# -- the benchmarks (spec §6.1.7), only for "share of total trade" (§7.5) -----------------------
def totals_file(folder: Path, goods_yi: str = "3.2") -> Path:
    """全市进出口总值 as a customs release gives it: GBK, a title row, 亿元 in CNY."""
    lines = ["示例市海关进出口总值（2023—2024年）,,,,", "指标,时期,进出口,总值（亿元）,数据来源",
             f"货物进出口,2024年上半年,进出口,{goods_yi},示例海关",
             "货物进出口,2023H1,出口,1.5,示例海关", "货物进出口,2023H1,进口,1.25,示例海关",
             "服务进出口,2024H1,进出口,0.8,示例市商务局"]
    path = folder / "进出口总值.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def test_totals_give_the_share_of_total_goods_trade_and_nothing_else(tmp_path):
    from tests.report.test_digital_city import _rows

    url = city_with_services(str(tmp_path / "t.duckdb"), tmp_path)
    with connect(url) as s:
        with s.reading() as con:
            without = _json(con, DigitalSettings())
        done = import_files(s, [totals_file(tmp_path)], today=TODAY)
        assert done.ok and not done.warnings, [i.as_dict() for i in done.errors + done.warnings]
        assert done.counts["totals"]["new"] == 4
        with s.reading() as con:
            made = _json(con, DigitalSettings())
    rate = {r["月份"]: Decimal(r["美元汇率"]) for r in _rows(DIGITAL / "rates.csv")}
    ind = {i["id"]: i for i in made["indicators"]}
    # 亿元 → cents at the rate of the period's last month; 2023H1 from its two flows
    goods = (Decimal("3.2") * 10 ** 10 * rate["2024-06"]).quantize(1, ROUND_HALF_UP)
    before = sum((Decimal(v) * 10 ** 10 * rate["2023-06"]).quantize(1, ROUND_HALF_UP)
                 for v in ("1.5", "1.25"))
    assert ind["goods_trade_t"]["current"] == goods and ind["goods_trade_t"]["previous"] == before
    cbec = ind["cbec_t"]
    share = Decimal(cbec["current"]) * 100 / goods
    assert ind["dt_share_goods_trade"]["current"] == str(share.quantize(Decimal("0.01"),
                                                                       ROUND_HALF_UP))
    # nothing else moved: the same JSON but for the two figures
    rest = {**made, "indicators": [i for i in made["indicators"]
                                   if i["id"] not in ("goods_trade_t", "dt_share_goods_trade")]}
    assert rest == without and "goods_trade_t" not in {i["id"] for i in without["indicators"]}


def test_bad_totals_are_named_in_chinese(tmp_path, store):
    f = tmp_path / "totals.csv"
    f.write_text("name,period,flow,value,currency\n"
                 "货物进出口,2024H3,进出口,1,USD\n"
                 "货物进出口,2024H1,转口,1,USD\n"
                 "全市GDP,2024H1,进出口,1,USD\n", encoding="utf-8")
    done = import_files(store, [f], today=TODAY)
    assert [(i.row, i.column, i.code) for i in done.errors] == [
        (2, "period", "bad-period"), (3, "flow", "bad-flow"), (4, "name", "unknown-total-name")]
    msgs = [i.message for i in done.errors]
    assert "时期“2024H3”无法识别" in msgs[0] and "“转口”" in msgs[1] and "“全市GDP”" in msgs[2]


def test_a_vintage_with_totals_reproduces_after_they_change(tmp_path):
    url = city_with_services(str(tmp_path / "v.duckdb"), tmp_path)
    with connect(url) as s:
        assert import_files(s, [totals_file(tmp_path)], today=TODAY).ok
        vid = vintages.freeze(s, "2024H1", SETTINGS, actor="admin")
        published = vintages.digital(s, vid).made
        assert "dt_share_goods_trade" in {i["id"] for i in published["indicators"]}
        later = tmp_path / "later"
        later.mkdir()
        assert import_files(s, [totals_file(later, "4.1")], replace=True, today=TODAY).ok
        with s.reading() as con:
            assert _json(con, DigitalSettings()) != published
        assert vintages.digital(s, vid).made == published


# -- --goods-basis full (spec §7.4.6) and --sdmx-agency (§8.3, §8.4) ----------------------------
def regime_cents_by_month() -> dict[tuple[str, str], int]:
    """A_G per (month, flow) from the sample city's customs CSVs alone (as
    test_digital_city.reference reads them)."""
    from tests.report.test_digital_city import _rows

    rate = {r["月份"]: Decimal(r["美元汇率"]) for r in _rows(DIGITAL / "rates.csv")}
    out: dict[tuple[str, str], int] = {}
    for name, money in (("ecommerce.csv", "货值（美元）"), ("跨境电商-人民币.csv", "货值（万元）")):
        for g in _rows(DIGITAL / name):
            cents = Decimal(g[money]) * 100
            if "万元" in money:
                cents = (cents * 10000 * rate[g["统计月份"]]).quantize(1, ROUND_HALF_UP)
            key = (g["统计月份"], g["进出口"])
            out[key] = out.get(key, 0) + int(cents)
    return out


def full_scope_file(folder: Path) -> tuple[Path, dict[str, int]]:
    """Customs' full-scope totals for 2024H1: above the regime sum by a known residual in
    five months of exports and one of imports, below it in June's exports."""
    a_g = regime_cents_by_month()
    extra = {("2024-01", "X"): 123_456, ("2024-02", "X"): 1, ("2024-03", "X"): 99_999_999,
             ("2024-04", "X"): 50, ("2024-05", "X"): 7_000_000, ("2024-02", "M"): 500_000,
             ("2024-06", "X"): -100}
    lines = ["line_id,basis,flow,month,value,currency"]
    for (month, flow), more in extra.items():
        cents = a_g[(month, flow)] + more
        lines.append(f"FULL/{month}/{flow},全业态,{flow},{month},{Decimal(cents) / 100:.2f},USD")
    path = folder / "跨境电商全业态.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    residual = {f: sum(v for (_, fl), v in extra.items() if fl == f and v > 0) for f in "XM"}
    return path, residual


def test_goods_basis_full_adds_the_residual_as_oth_full(tmp_path):
    url = city_with_services(str(tmp_path / "f.duckdb"), tmp_path)
    full = DigitalSettings(goods_basis="full")
    path, residual = full_scope_file(tmp_path)
    with connect(url) as s:
        assert import_files(s, [path], today=TODAY).ok
        with s.reading() as con:
            regime = _json(con, DigitalSettings())
            made = _json(con, full)
            d = digital(con, Period.parse("2024H1"), full)
    want = json.loads((DIGITAL / "expected_digital_2024H1.json").read_text(encoding="utf-8"))
    assert {**regime, "full_scope_below_regime": []} == want     # the regime basis: as it was
    assert regime["full_scope_below_regime"] == made["full_scope_below_regime"] == ["2024-06 X"]
    ind = {i["id"]: i for i in made["indicators"]}
    before = {i["id"]: i for i in regime["indicators"]}
    assert ind["cbec_x"]["current"] == before["cbec_x"]["current"] + residual["X"]
    assert ind["cbec_m"]["current"] == before["cbec_m"]["current"] + residual["M"]
    assert ind["dt_x"]["current"] == before["dt_x"]["current"] + residual["X"]
    assert ind["cbec_x_9610"] == before["cbec_x_9610"]                # the regimes unchanged
    assert made["blocks"]["X"]["A_G"] == regime["blocks"]["X"]["A_G"] + residual["X"]
    assert made["settings"]["goods_basis"] == "full"
    assert "跨境电商按海关全业态口径统计" in made["text"]
    oth = [o for o in words.observations(d) if o.key["CUSTOMS_REGIME"] == "OTH_FULL"]
    assert [(o.key["TRADE_FLOW"], o.cents, o.source) for o in oth] == [
        ("X", residual["X"], "GACC_FULL"), ("M", residual["M"], "GACC_FULL")]


def test_cli_goods_basis_and_sdmx_agency(city, tmp_path):
    out = tmp_path / "sdmx"
    r = run_cli("digital", "--period", "2024H1", "--db", city, "--format", "sdmx", "--out", out,
                "--sdmx-agency", "CN_DLDTA", "--goods-basis", "full")
    assert r.returncode == 0, r.stderr
    data = (out / "data.csv").read_text(encoding="utf-8")
    assert "CN_DLDTA:DF_DIGITAL_TRADE(1.0)" in data and "SHUMAO:" not in data
    assert 'agencyID="CN_DLDTA"' in (out / "structure-3.0.xml").read_text(encoding="utf-8")
    assert "CN_DLDTA" in (out / "说明.txt").read_text(encoding="utf-8")
    again = tmp_path / "again"                        # one run only: the setting after it
    assert run_cli("digital", "--period", "2024H1", "--db", city, "--format", "sdmx",
                   "--out", again).returncode == 0
    assert "SHUMAO:DF_DIGITAL_TRADE" in (again / "data.csv").read_text(encoding="utf-8")
    for bad, said in ((("--sdmx-agency", "数贸"), "--sdmx-agency 应为 SDMX 标识"),
                      (("--goods-basis", "全部"), "--goods-basis 只能是 regime 或 full")):
        r = run_cli("digital", "--period", "2024H1", "--db", city, "--format", "sdmx",
                    "--out", tmp_path / "bad", *bad)
        assert r.returncode == 2 and said in r.stderr and not (tmp_path / "bad").exists()
