"""The sample city's 【数字贸易】 (spec/digital-trade.md §9.1): tests/data/city/digital holds
the synthetic customs, platform and delivery data (shumao.samples.digital, seed 2024) and the
expected texts and JSON; ``shumao digital`` gives them character for character, and every
block and headline figure is recomputed here independently — plain Python and Decimal over
the CSV files, no shumao code — to the cent."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from shumao.errors import InputError
from shumao.indicators.digital import digital
from shumao.ingest.importer import import_files
from shumao.model.periods import Period
from shumao.report import digital as words
from shumao.report.settings import ReportSettings
from shumao.store import connect
from tests.conftest import DATA, run_cli
from tests.support.paths import REPO

CITY = DATA / "city"
DIGITAL = CITY / "digital"
TODAY = dt.date(2026, 11, 27)
INPUTS = sorted(p for p in DIGITAL.glob("*.csv") if not p.name.startswith("expected_"))
PERIODS = {"2024H1": ((2024, 1), (2024, 6)), "2024-01..2024-09": ((2024, 1), (2024, 9))}


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("digital") / "city.duckdb"
    with connect(str(db), create=True) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        done = import_files(s, INPUTS, replace=True, today=TODAY)
        assert done.ok and not done.warnings, [i.as_dict() for i in done.errors + done.warnings]
    return db


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _in(month: str, when) -> bool:
    y, m = int(month[:4]), int(month[5:7])
    return when[0] <= (y, m) <= when[1]


SHARE = {"远程": 100, "现场": 0, "不明": None}      # a delivery mode's remote share (混合: its own)


def offshore_executions(contracts: dict[str, dict], when):
    """The approved offshore executions of approved contracts in ``when``, from the CSVs: each
    with its contract, its amount in cents (Decimal) and its remote share (None: unknown)."""
    for x in _rows(CITY / "executions.csv"):
        c = contracts[x["contract_id"]]
        if not (x["status"] == "approved" and c["status"] == "approved"
                and c["client_country"] != "CN" and _in(x["executed_on"], when)):
            continue
        r = SHARE.get(c["交付方式"]) if c["交付方式"] != "混合" else int(c["远程交付比例（%）"])
        yield x, c, Decimal(x["amount"]) * 100, r


def customs_lines(when):
    """The customs e-commerce lines in ``when`` with their cents (CNY at the month's rate,
    rounded half-up per line as the import does)."""
    rate = {r["月份"]: Decimal(r["美元汇率"]) for r in _rows(DIGITAL / "rates.csv")}
    for name, money in (("ecommerce.csv", "货值（美元）"), ("跨境电商-人民币.csv", "货值（万元）")):
        for g in _rows(DIGITAL / name):
            if not _in(g["统计月份"], when):
                continue
            cents = Decimal(g[money]) * 100
            if "万元" in money:
                cents = (cents * 10000 * rate[g["统计月份"]]).quantize(1, ROUND_HALF_UP)
            yield g, cents


def reference(period: str) -> dict[str, int]:
    """The blocks from the CSVs alone: Decimal, rounded half-up to the cent once per figure."""
    first, last = PERIODS[period]
    years = {"cur": (first, last), "prev": ((first[0] - 1, first[1]), (last[0] - 1, last[1]))}
    contracts = {r["contract_id"]: r for r in _rows(DIGITAL / "contracts.csv")}
    deliverable: dict[str, Decimal] = {}
    with (REPO / "shumao/data/digital/so_ebops.csv").open(encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    for r in csv.DictReader(lines):
        if r["ebops"][:2] in ("SF", "SG", "SH", "SI", "SJ", "SK"):
            deliverable[r["subcategory"]] = deliverable.get(r["subcategory"], Decimal(0)) \
                + Decimal(r["weight_bp"]) / 10000
    out = {}
    for p, when in years.items():
        b = {k: Decimal(0) for k in ("A_S", "B", "U1", "C", "N", "U2", "DDL", "EXEC", "A_GX",
                                     "A_GM")}
        for _, c, a, r in offshore_executions(contracts, when):
            online = c["线上订购"] == "是"
            b["EXEC"] += a
            b["DDL"] += a * deliverable.get(c["业务子类"], Decimal(0))
            if r is None:
                b["U1" if online else "U2"] += a
            else:
                b["B" if online else "C"] += a * r / 100
                b["A_S" if online else "N"] += a * (100 - r) / 100
        for g, cents in customs_lines(when):
            b["A_GX" if g["进出口"] == "X" else "A_GM"] += cents
        exact = {"dt_x": b["A_GX"] + b["A_S"] + b["B"] + b["U1"] + b["C"],
                 "do_x": b["A_GX"] + b["A_S"] + b["B"] + b["U1"], "dd_x": b["B"] + b["C"],
                 "overlap_x": b["B"], "cbec_x": b["A_GX"], "cbec_m": b["A_GM"],
                 "so_ddl_x": b["DDL"], "exec_offshore": b["EXEC"], "A_S": b["A_S"],
                 "U1": b["U1"], "N": b["N"], "U2": b["U2"], "C": b["C"]}
        out[p] = {k: int(v.quantize(1, ROUND_HALF_UP)) for k, v in exact.items()}
    return out


def slices_reference(period: str = "2024H1", exact: bool = False) -> dict[tuple, int | Decimal]:
    """The slices T2 (partner × DT, DO, DD), T6 (control × DT, DO, DD) and T8 (DIP × DO ×
    product × flow) of the period from the CSVs alone, keyed as data.csv keys them
    (COUNTERPART_AREA, TRADE_FLOW, DIGITAL_NATURE, DIP, PRODUCT_TYPE, CONTROL): Decimal,
    rounded half-up to the cent once per figure (``exact``: unrounded).  (An unknown ordering, kept apart or not,
    is never digitally ordered and is digitally delivered by its remote share: the same
    slices either way.)"""
    when = PERIODS[period]
    iso3 = {r["iso2"]: r["iso3"] for r in _rows(REPO / "shumao/data/countries.csv")}
    nature = {"domestic": "DOM", "hmt": "HMT", "foreign": "FOR"}
    control = {r["enterprise_id"]: nature.get(r["nature"], "_U")
               for r in _rows(CITY / "enterprises.csv")}
    dip = {r["平台代码"]: "DIP" if r["平台类型"] == "中介平台" else "NDIP"
           for r in _rows(DIGITAL / "platforms.csv")}
    contracts = {r["contract_id"]: r for r in _rows(DIGITAL / "contracts.csv")}
    out: dict[tuple, Decimal] = {}

    def add(partner, flow, nat, dip_, product, ctrl, cents):
        key = (partner, flow, nat, dip_, product, ctrl)
        out[key] = out.get(key, Decimal(0)) + cents

    def put(partner, ctrl, dip_, product, do, dd, flow="X"):
        """One amount's digitally ordered (do) and delivered (dd) parts, DT their union."""
        dt_ = do + dd - (min(do, dd) if product == "S" and do else 0)
        for nat, v, prod in (("DT", dt_, "_T"), ("DO", do, "_T"), ("DD", dd, "S")):
            if v and flow == "X":
                add(iso3.get(partner, "_U"), "X", nat, "_T", prod, "_T", v)
                add("W", "X", nat, "_T", prod, ctrl, v)
        if do:
            add("W", flow, "DO", dip_, product, "_T", do)

    for _, c, a, r in offshore_executions(contracts, when):
        put(c["client_country"], control.get(c["enterprise_id"], "_U"),
            dip[c["接单平台"]] if c["接单平台"] else "_U", "S",
            a if c["线上订购"] == "是" else Decimal(0), Decimal(0) if r is None else a * r / 100)
    for g, cents in customs_lines(when):
        put(g["贸易国别（地区）"], control.get(g["统一社会信用代码"], "_U"),
            dip[g["电商平台代码"]] if g["电商平台代码"] else "_U", "G", cents, Decimal(0), g["进出口"])
    return out if exact else {k: int(v.quantize(1, ROUND_HALF_UP)) for k, v in out.items()}


def added_slice(row: dict) -> bool:
    """A row of the slices checked against slices_reference: T2 and T6 of DO and DD, T7,
    T8."""
    return (row["DIP"] != "_T" or row["ENTERPRISE_SIZE"] != "_T"
            or (row["DIGITAL_NATURE"] in ("DO", "DD")
                and (row["COUNTERPART_AREA"] != "W" or row["CONTROL"] != "_T")))


@pytest.mark.parametrize("period", sorted(PERIODS))
def test_the_figures_agree_with_an_independent_computation(city, period):
    ref = reference(period)
    with connect(str(city), read_only=True) as s, s.reading() as con:
        d = digital(con, Period.parse(period))
    for fid in ("dt_x", "do_x", "dd_x", "overlap_x", "cbec_x", "cbec_m", "so_ddl_x",
                "exec_offshore"):
        assert (d[fid].current, d[fid].previous) == (ref["cur"][fid], ref["prev"][fid]), fid
    made = words.as_json(d, ReportSettings(region="示例市"), "商务部服务外包统一平台", period)
    for k in ("A_S", "U1", "C", "N", "U2"):
        assert made["blocks"]["X"][k] == ref["cur"][k], k
    assert all(c["ok"] for c in made["checks"])


@pytest.mark.parametrize("period", sorted(PERIODS))
def test_shumao_digital_gives_the_expected_text(city, period):
    r = run_cli("digital", "--period", period, "--region", "示例市", "--db", str(city))
    assert r.returncode == 0, r.stderr
    assert r.stdout == (DIGITAL / f"expected_digital_{period}.txt").read_text(encoding="utf-8")
    assert "不予公布" in r.stderr and "partners_X" not in r.stderr     # said in words


def test_shumao_digital_json_is_the_expected_json(city):
    r = run_cli("digital", "--period", "2024H1", "--region", "示例市", "--db", str(city),
                "--format", "json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got == json.loads((DIGITAL / "expected_digital_2024H1.json").read_text(encoding="utf-8"))
    assert got["text"] == (DIGITAL / "expected_digital_2024H1.txt").read_text(encoding="utf-8")
    assert "HS9610" not in got["text"]


def test_strict_refuses_when_a_figure_is_withheld(city):
    r = run_cli("digital", "--period", "2024H1", "--db", str(city), "--strict")
    assert r.returncode == 1 and r.stdout == "" and "不予公布" in r.stderr


def test_without_customs_data_only_the_services_sentences_remain(tmp_path):
    db = tmp_path / "s.duckdb"
    with connect(str(db), create=True) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        with s.reading() as con:
            d = digital(con, Period.parse("2024H1"))
    t = words.text(d, ReportSettings(region="示例市"), "商务部服务外包统一平台")
    assert "从跨境电商看" not in t and "据海关统计" not in t and "从数字服务看" in t
    assert "交付方式填报率不足，暂不测算数字交付贸易" in t and "其中以数字方式交付" not in t
    assert d["dt_x"].current == d["do_x"].current == 0           # 9A.6: still in the JSON


@pytest.mark.parametrize("period", ["2024H1"])
def test_every_backend_gives_the_same_figures(city, store_url, period):
    """The same Ibis aggregates on DuckDB and PostgreSQL: the same cents and text."""
    with connect(store_url) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        assert import_files(s, INPUTS, replace=True, today=TODAY).ok
        with s.reading() as con:
            got = words.as_json(digital(con, Period.parse(period)), ReportSettings(region="示例市"),
                                "商务部服务外包统一平台", period)
    want = json.loads((DIGITAL / f"expected_digital_{period}.json").read_text(encoding="utf-8"))
    assert got == want


def test_observations_for_sdmx_key_every_figure_and_withhold_the_suppressed(city):
    """report.digital.observations gives sdmx.data.Observation: keys unique, T1's disjoint
    blocks add up to DT to the cent, suppressed ones carry no value; the period's SDMX form is
    sdmx.data.time_key's (a range not from January refused before a file is made)."""
    with connect(str(city), read_only=True) as s, s.reading() as con:
        d = digital(con, Period.parse("2024H1"))
        late = digital(con, Period.parse("2024-03..2024-05"))
    obs = words.observations(d)
    keys = [tuple(sorted(o.key.items())) for o in obs]
    assert len(keys) == len(set(keys))
    t1 = {(o.key["DIGITAL_NATURE"], o.key["PRODUCT_TYPE"]): o.cents for o in obs
          if o.key["TRADE_FLOW"] == "X" and o.key["COUNTERPART_AREA"] == "W"
          and o.key["CUSTOMS_REGIME"] in ("_T", "_Z") and o.key["COMMODITY"] in ("_T", "_Z")
          and o.key["SERVICE"] in ("S", "_Z", "_T") and o.key["CONTROL"] == "_T"}
    blocks = sum(v for (n, p), v in t1.items() if n in ("DO_NDD", "DO_DD", "DO_UDD", "DD_NDO"))
    assert abs(blocks - d["dt_x"].current) <= 4            # each block rounded once (9A.1)
    assert t1[("DT", "_T")] == d["dt_x"].current and t1[("DD", "S")] == d["dd_x"].current
    hidden = [o for o in obs if o.conf != "F"]
    assert hidden and all(o.cents is None and o.status == "Q" for o in hidden)
    assert all(o.cents is not None for o in obs if o.conf == "F")
    with pytest.raises(InputError, match="不从1月开始"):
        words.observations(late)


def _wan(cents: int) -> Decimal:
    return (Decimal(cents) / 10**6).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_shumao_digital_sdmx_is_the_expected_sdmx_csv(city, tmp_path):
    """--format sdmx: data.csv is tests/data/city/digital/expected_digital_2024H1.csv byte for
    byte; its headline rows are the independent computation's figures in 万美元; a suppressed
    row is NaN with OBS_STATUS Q and CONF_STATUS A, O or D; and (§8.6.5) every row with a JSON
    figure equals it rounded to 0.01 万美元, and the additive groups recomputed from data.csv
    add up to their JSON total within the rounding of their members."""
    out = tmp_path / "sdmx"
    r = run_cli("digital", "--period", "2024H1", "--region", "示例市", "--db", str(city),
                "--format", "sdmx", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "不予公布" in r.stderr
    text = (out / "data.csv").read_text(encoding="utf-8").replace("\r\n", "\n")
    assert text == (DIGITAL / "expected_digital_2024H1.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["structure-2.1.xml", "structure-3.0.xml", "data.csv", "data-3.0.xml", "batis-extract.csv", "说明.txt"])
    rows = list(csv.DictReader(text.splitlines()))

    def world(flow, nature, product, **more):
        dims = {"COUNTERPART_AREA": "W", "TRADE_FLOW": flow, "DIGITAL_NATURE": nature,
                "PRODUCT_TYPE": product, "CUSTOMS_REGIME": "_T" if product != "S" else "_Z",
                "COMMODITY": "_T" if product != "S" else "_Z", "CONTROL": "_T",
                "SERVICE": {"G": "_Z", "S": "S", "_T": "_T"}[product], **more}
        (row,) = [x for x in rows if all(x[k] == v for k, v in dims.items())]
        return row

    ref = reference("2024H1")["cur"]
    headline = {("X", "DT", "_T"): "dt_x", ("X", "DO", "_T"): "do_x", ("X", "DD", "S"): "dd_x",
                ("X", "DO_DD", "S"): "overlap_x", ("X", "DDL", "S"): "so_ddl_x",
                ("X", "DO_NDD", "G"): "cbec_x", ("M", "DO_NDD", "G"): "cbec_m",
                ("X", "DO_NDD", "S"): "A_S", ("X", "DO_UDD", "S"): "U1", ("X", "DD_NDO", "S"): "C"}
    for key, fid in headline.items():
        row = world(*key)
        assert Decimal(row["OBS_VALUE"]) == _wan(ref[fid]), fid
        assert row["UNIT_MULT"] == "4" and row["CONF_STATUS"] == "F"
    assert world("X", "DT", "_T")["COVERAGE"] == "66.25"
    hidden = [x for x in rows if x["OBS_VALUE"] == "NaN"]
    assert hidden and all(x["OBS_STATUS"] == "Q" and x["CONF_STATUS"] in "AOD" for x in hidden)
    assert {x["CONF_STATUS"] for x in hidden} >= {"A", "D"}
    assert all(x["CONF_STATUS"] == "F" for x in rows if x["OBS_VALUE"] != "NaN")
    # §8.6.5 against the JSON of the same run
    made = json.loads(run_cli("digital", "--period", "2024H1", "--region", "示例市", "--db",
                              str(city), "--format", "json").stdout)
    fig = {i["id"]: i["current"] for i in made["indicators"]}
    blocks = made["blocks"]["X"]
    for key, cents in {("X", "DT", "_T"): fig["dt_x"], ("X", "DO", "_T"): fig["do_x"],
                       ("X", "DD", "S"): fig["dd_x"], ("X", "DDL", "S"): fig["so_ddl_x"],
                       ("X", "DO_NDD", "G"): blocks["A_G"], ("X", "DO_DD", "S"): blocks["B"],
                       ("M", "DO_NDD", "G"): made["blocks"]["M"]["A_G"]}.items():
        assert Decimal(world(*key)["OBS_VALUE"]) == _wan(cents), key

    def adds_up(members, total_cents):
        values = [Decimal(x["OBS_VALUE"]) for x in members]
        assert values and "NaN" not in [x["OBS_VALUE"] for x in members]
        assert abs(sum(values) - _wan(total_cents)) <= Decimal("0.005") * (len(values) + 1)

    # T2, T6, T8: each published figure is the independent computation's, and each group's
    # members (withheld ones included) add up exactly to its total
    sl = slices_reference("2024H1")
    added = [x for x in rows if added_slice(x)]
    dims = ("COUNTERPART_AREA", "TRADE_FLOW", "DIGITAL_NATURE", "DIP", "PRODUCT_TYPE", "CONTROL")
    assert {tuple(x[k] for k in dims) for x in added} == {
        k for k in sl if k[2] in ("DO", "DD") and (k[0] != "W" or k[5] != "_T") or k[3] != "_T"}
    for x in added:
        key = tuple(x[k] for k in dims)
        if x["CONF_STATUS"] == "F":
            assert Decimal(x["OBS_VALUE"]) == _wan(sl[key]), key
    assert {x["CONF_STATUS"] for x in added} >= {"F", "A", "D"}
    ex = slices_reference("2024H1", exact=True)

    def whole(keys) -> int:              # Σ of the unrounded members, rounded once
        return int(sum((ex[k] for k in keys), Decimal(0)).quantize(1, ROUND_HALF_UP))
    for nat, total in {"DT": fig["dt_x"], "DO": fig["do_x"], "DD": fig["dd_x"]}.items():
        assert whole(k for k in ex if k[0] != "W" and k[2] == nat) == total, nat
        assert whole(k for k in ex if k[0] == "W" and k[5] != "_T" and k[2] == nat) == total, nat
    for flow, product, total in (("X", "G", fig["cbec_x"]), ("M", "G", made["blocks"]["M"]["A_G"]),
                                 ("X", "S", fig["do_x"] - fig["cbec_x"])):
        got = whole(k for k in ex if k[1] == flow and k[3] != "_T" and k[4] == product)
        assert abs(got - total) <= 1, (flow, product)      # do_x − cbec_x: two roundings
    goods_x = [x for x in rows if x["TRADE_FLOW"] == "X" and x["PRODUCT_TYPE"] == "G"]
    adds_up([x for x in goods_x if x["CUSTOMS_REGIME"] not in ("_T",)], fig["cbec_x"])
    adds_up([x for x in goods_x if x["COMMODITY"] not in ("_T",)], fig["cbec_x"])
    adds_up([world("X", n, p) for n, p in (("DO_NDD", "G"), ("DO_NDD", "S"), ("DO_DD", "S"),
                                           ("DO_UDD", "S"), ("DD_NDO", "S"))], fig["dt_x"])


def test_sdmx_refusals_write_nothing(city, tmp_path):
    """No --out, a range not from January (exit 2, nothing computed or written) and --strict
    with a withheld figure (exit 1, nothing written)."""
    out = tmp_path / "sdmx"
    r = run_cli("digital", "--period", "2024H1", "--db", str(city), "--format", "sdmx")
    assert r.returncode == 2 and "--out" in r.stderr
    r = run_cli("digital", "--period", "2024-03..2024-05", "--db", str(city), "--format", "sdmx",
                "--out", str(out))
    assert r.returncode == 2 and "不从1月开始" in r.stderr and not out.exists()
    r = run_cli("digital", "--period", "2024H1", "--db", str(city), "--format", "sdmx",
                "--out", str(out), "--strict")
    assert r.returncode == 1 and "不予公布" in r.stderr and not out.exists()


def test_generate_digital_writes_data_that_import_and_compute(tmp_path):
    """shumao generate --digital: a generated city's digital folder imports with no error
    (contracts replaced with their delivery fields) and gives a 【数字贸易】; the same seed
    writes the same bytes."""
    for name in ("a", "b"):
        r = run_cli("generate", "--out", str(tmp_path / name), "--enterprises", "8",
                    "--executions", "300", "--seed", "7", "--digital")
        assert r.returncode == 0, r.stderr
    for f in (tmp_path / "a" / "digital").glob("*.csv"):
        assert f.read_bytes() == (tmp_path / "b" / "digital" / f.name).read_bytes()
    db = tmp_path / "g.duckdb"
    with connect(str(db), create=True) as s:
        assert import_files(s, sorted((tmp_path / "a").glob("*.csv")), today=TODAY).ok
        done = import_files(s, sorted((tmp_path / "a" / "digital").glob("*.csv")), replace=True,
                            today=TODAY)
        assert done.ok, [i.as_dict() for i in done.errors]
    r = run_cli("digital", "--period", "2024", "--db", str(db))
    assert r.returncode == 0 and r.stdout.startswith("【数字贸易】\n\n据海关统计和商务部服务外包统一平台数据测算，2024年全年本市数字贸易出口")


def test_tables_as_xlsx_and_html(city, tmp_path):
    """§8.2: the section's text, 表1–表7 with code and name side by side (the SDMX codelists'
    names) and 说明; the headline rows are the independent computation's figures, and those of
    表2 (DT, DO, DD by market), 表6 (by control) and 表7 (DIP); a withheld figure reads 不予公布
    with no previous year or growth beside it; xlsx needs --out."""
    import openpyxl

    from tests.wording import html_text

    xlsx = tmp_path / "数字贸易.xlsx"
    r = run_cli("digital", "--period", "2024H1", "--region", "示例市", "--db", str(city),
                "--format", "xlsx", "--out", str(xlsx))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["数字贸易", "表1 数字贸易总表", "表2 数字贸易出口分市场", "表3 跨境电商分监管方式",
                             "表4 跨境电商分商品（HS章）", "表5 可数字化交付的服务出口分类别（EBOPS 2010）",
                             "表6 数字贸易出口分企业性质", "表7 数字中介平台", "说明"]
    text = (DIGITAL / "expected_digital_2024H1.txt").read_text(encoding="utf-8")
    assert [c.value for c in wb["数字贸易"]["A"]] == [ln for ln in text.split("\n") if ln]
    ref, prev = reference("2024H1")["cur"], reference("2024H1")["prev"]
    t1 = {(row[1], row[2], row[3]): row for row in wb["表1 数字贸易总表"].iter_rows(min_row=5, values_only=True)
          if row[1]}
    for key, fid in {("DT", "合计", "出口"): "dt_x", ("DO", "合计", "出口"): "do_x",
                     ("DD", "服务", "出口"): "dd_x", ("DO_DD", "服务", "出口"): "overlap_x",
                     ("DDL", "服务", "出口"): "so_ddl_x", ("DO_NDD", "货物", "出口"): "cbec_x",
                     ("DO_NDD", "货物", "进口"): "cbec_m"}.items():
        assert (Decimal(str(t1[key][4])), Decimal(str(t1[key][5]))) == (_wan(ref[fid]), _wan(prev[fid])), fid
    assert t1[("DT", "合计", "出口")][0] == "数字贸易"
    partners = list(wb["表2 数字贸易出口分市场"].iter_rows(min_row=5, values_only=True))
    withheld = [row for row in partners if row[3] == "不予公布"]
    assert withheld and all(row[4:] == ("—", "—") for row in withheld)
    assert ("日本", "JPN") in {row[:2] for row in partners}
    sl = slices_reference("2024H1")
    nature = {"数字贸易": ("DT", "_T"), "数字订购贸易": ("DO", "_T"), "数字交付贸易": ("DD", "S")}
    shown = [row for row in partners if row[1] and row[3] != "不予公布"]
    assert {nature[row[2]][0] for row in shown} == {"DT", "DO", "DD"}
    for row in shown:
        n, product = nature[row[2]]
        assert Decimal(str(row[3])) == _wan(sl[(row[1], "X", n, "_T", product, "_T")]), row
    control = [row for row in wb["表6 数字贸易出口分企业性质"].iter_rows(min_row=5, values_only=True)
               if row[1] and row[3] != "不予公布"]
    assert {nature[row[2]][0] for row in control} == {"DT", "DO", "DD"}
    for row in control:
        n, product = nature[row[2]]
        assert Decimal(str(row[3])) == _wan(sl[("W", "X", n, "_T", product, row[1])]), row
    dips = [row for row in wb["表7 数字中介平台"].iter_rows(min_row=5, values_only=True)
            if row[1] and row[4] != "不予公布"]
    assert {row[1] for row in dips} == {"DIP", "NDIP", "_U"}
    for row in dips:
        flow, product = {"出口": "X", "进口": "M"}[row[3]], {"货物": "G", "服务": "S"}[row[2]]
        assert Decimal(str(row[4])) == _wan(sl[("W", flow, "DO", row[1], product, "_T")]), row
    assert any("不予公布" in (c.value or "") for c in wb["说明"]["A"])
    r = run_cli("digital", "--period", "2024H1", "--region", "示例市", "--db", str(city),
                "--format", "html")
    assert r.returncode == 0, r.stderr
    page = html_text(r.stdout)
    for line in [ln for ln in text.split("\n") if ln]:
        assert line in page
    assert "表6 数字贸易出口分企业性质" in page and "表7 数字中介平台" in page
    assert "不予公布" in page and "<script" not in r.stdout
    r = run_cli("digital", "--period", "2024H1", "--db", str(city), "--format", "xlsx")
    assert r.returncode == 2 and "--out" in r.stderr
