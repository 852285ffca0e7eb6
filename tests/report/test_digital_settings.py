"""Digital trade's settings beyond the defaults (spec/digital-trade.md §7.2, §8.3, issue 22):
``ordered_unknown = separate`` (SHUMAO_DIGITAL_ORDERED_UNKNOWN) keeps an unknown ordering
in cells of its own — digitally delivered by its remote share, never digitally ordered —
exactly as an independent Decimal computation over the CSVs says, and says so in the JSON's
settings, SDMX METHOD (ORD-UNK=SEP) and a vintage that reproduces whatever the environment
says later; the slice T7 (size × DT, DO, DD) only with SHUMAO_DIGITAL_BY_SIZE=yes; and the
drill-down lists the direct reports and the part beyond the regimes (goods_basis = full) by
their records, every figure of every table adding up to its cell with nothing unlisted."""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from shumao.indicators.digital import DigitalSettings, digital
from shumao.ingest.importer import import_files
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.report import digital as words
from shumao.report.digital_explain import behind, explain_cell
from shumao.report.settings import ReportSettings
from shumao.store import connect
from tests.conftest import run_cli
from tests.report.test_digital_city import CITY, DIGITAL, INPUTS, PERIODS, TODAY, _rows, offshore_executions
from tests.report.test_digital_inputs import city_with_services, full_scope_file

SETTINGS = ReportSettings(region="示例市", short="我市")
SEPARATE = DigitalSettings(ordered_unknown="separate")
NDO = DigitalSettings(ordered_unknown="NDO")
SIZES = ("L", "M", "S", "XS", "")          # by enterprise, in turn ("" none given)


def _blanked(folder: Path) -> Path:
    """The sample's contracts with 线上订购 left blank on every third one (unknown)."""
    rows = _rows(DIGITAL / "contracts.csv")
    for n, r in enumerate(rows):
        if n % 3 == 0:
            r["线上订购"] = ""
    return _written(folder / "contracts.csv", rows)


def _written(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _sized(folder: Path) -> Path:
    """The sample's enterprises with a size class (企业规模) on all but every fifth."""
    rows = _rows(CITY / "enterprises.csv")
    for n, r in enumerate(rows):
        r["企业规模"] = SIZES[n % len(SIZES)]
    return _written(folder / "enterprises.csv", rows)


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> str:
    """The sample city with unknown orderings and enterprise sizes."""
    folder = tmp_path_factory.mktemp("blank")
    db = str(folder / "city.duckdb")
    with connect(db, create=True) as s:
        assert import_files(s, [_sized(folder), CITY / "contracts.csv", CITY / "executions.csv"],
                            today=TODAY).ok
        inputs = [p for p in INPUTS if p.name != "contracts.csv"] + [_blanked(folder)]
        done = import_files(s, inputs, replace=True, today=TODAY)
        assert done.ok, [i.as_dict() for i in done.errors]
    return db


def blocks_reference(folder: Path, period: str = "2024H1") -> dict[str, int]:
    """The services blocks with an unknown ordering kept apart, from the CSVs alone."""
    when = PERIODS[period]
    contracts = {r["contract_id"]: r for r in _rows(folder / "contracts.csv")}
    b = {k: Decimal(0) for k in ("A", "B", "U1", "C", "N", "U2", "UO_DD", "UO_NDD", "UO_UDD")}
    for _, c, a, r in offshore_executions(contracts, when):
        dd, nd, ud = {"是": ("B", "A", "U1"), "否": ("C", "N", "U2"),
                      "": ("UO_DD", "UO_NDD", "UO_UDD")}[c["线上订购"]]
        if r is None:
            b[ud] += a
        else:
            b[dd] += a * r / 100
            b[nd] += a * (100 - r) / 100
    return {k: int(v.quantize(1, ROUND_HALF_UP)) for k, v in b.items()}


def _json(db: str, ds: DigitalSettings) -> tuple[dict, list]:
    with connect(db, read_only=True) as s, s.reading() as con:
        d = digital(con, Period.parse("2024H1"), ds)
    return words.as_json(d, SETTINGS, SETTINGS.source, "2024H1"), words.observations(d)


def test_ordered_unknown_separate_keeps_unknown_ordering_apart_exactly(blank, tmp_path):
    ref = blocks_reference(Path(blank).parent)
    assert ref["UO_DD"] and ref["UO_NDD"] and ref["UO_UDD"]          # the data exercise it
    apart, obs = _json(blank, SEPARATE)
    ndo, obs_ndo = _json(blank, NDO)
    x = apart["blocks"]["X"]
    for k in ("B", "U1", "C", "N", "U2", "UO_DD", "UO_NDD", "UO_UDD"):
        assert x[k] == ref[k], k
    assert x["A_S"] == ref["A"]
    # NDO: the unknown ordering in C, N, U2; no cells of its own, as before
    assert "UO_DD" not in ndo["blocks"]["X"]
    assert abs(ndo["blocks"]["X"]["C"] - (ref["C"] + ref["UO_DD"])) <= 1
    fig = {i["id"]: i["current"] for i in apart["indicators"]}
    before = {i["id"]: i["current"] for i in ndo["indicators"]}
    for fid in ("dt_x", "do_x", "dd_x", "overlap_x", "so_ddl_x", "cbec_x"):
        assert fig[fid] == before[fid], fid                  # the totals do not move
    assert apart["settings"]["ordered_unknown"] == "separate"
    assert ndo["settings"]["ordered_unknown"] == "NDO"
    assert "是否线上订购未填报的服务单列" in apart["text"] and "单列" not in ndo["text"]
    # SDMX: the cell DD_UDO in T1, METHOD says which rule
    udo = [o for o in obs if o.key["DIGITAL_NATURE"] == "DD_UDO"]
    assert [(o.key["TRADE_FLOW"], o.cents) for o in udo] == [("X", ref["UO_DD"])]
    assert all("ORD-UNK=SEP" in o.method for o in obs if o.method)
    assert all("ORD-UNK=NDO" in o.method for o in obs_ndo if o.method)
    assert not [o for o in obs_ndo if o.key["DIGITAL_NATURE"] == "DD_UDO"]


def test_the_setting_comes_from_the_environment_and_a_wrong_value_is_chinese(blank, tmp_path):
    env = {"SHUMAO_DIGITAL_ORDERED_UNKNOWN": "separate"}
    r = run_cli("digital", "--period", "2024H1", "--db", blank, "--format", "json", env=env)
    assert r.returncode == 0, r.stderr
    made = json.loads(r.stdout)
    assert made["settings"]["ordered_unknown"] == "separate" and "UO_DD" in made["blocks"]["X"]
    out = tmp_path / "sdmx"
    r = run_cli("digital", "--period", "2024H1", "--db", blank, "--format", "sdmx", "--out", out,
                env=env)
    assert r.returncode == 0, r.stderr
    data = (out / "data.csv").read_text(encoding="utf-8")
    assert "ORD-UNK=SEP" in data and ",DD_UDO," in data and "ORD-UNK=NDO" not in data
    assert "ORD-UNK=SEP：订购方式未知的单列" in (out / "说明.txt").read_text(encoding="utf-8")
    r = run_cli("digital", "--period", "2024H1", "--db", blank,
                env={"SHUMAO_DIGITAL_ORDERED_UNKNOWN": "unknown"})
    assert r.returncode == 2
    assert "环境变量 SHUMAO_DIGITAL_ORDERED_UNKNOWN 应为 NDO 或 separate（收到“unknown”）" in r.stderr


def test_a_vintage_keeps_its_ordering_rule(tmp_path, monkeypatch):
    """Frozen with separate, it reproduces so even when the environment says NDO later; the
    settings of a vintage frozen before (no by_size key, NDO) still read."""
    db = str(tmp_path / "v.duckdb")
    with connect(db, create=True) as s:
        assert import_files(s, [CITY / n for n in ("enterprises.csv", "contracts.csv",
                                                   "executions.csv")], today=TODAY).ok
        inputs = [p for p in INPUTS if p.name != "contracts.csv"] + [_blanked(tmp_path)]
        assert import_files(s, inputs, replace=True, today=TODAY).ok
        vid = vintages.freeze(s, "2024H1", SETTINGS, actor="test", digital=SEPARATE)
        monkeypatch.setenv("SHUMAO_DIGITAL_ORDERED_UNKNOWN", "NDO")
        frozen = vintages.digital(s, vid)
    assert frozen.digital.settings.ordered_unknown == "separate"
    assert frozen.made["settings"]["ordered_unknown"] == "separate"
    assert "UO_DD" in frozen.made["blocks"]["X"]
    assert DigitalSettings.from_json(NDO.to_json()) == NDO
    old = {k: v for k, v in NDO.to_json().items()}
    assert "by_size" not in old
    with pytest.raises(ValueError):
        DigitalSettings.from_json({**old, "ordered_unknown": "maybe"})


def test_t7_by_size_only_with_its_setting_and_adding_up(blank, monkeypatch):
    with connect(blank, read_only=True) as s, s.reading() as con:
        off = digital(con, Period.parse("2024H1"), DigitalSettings(by_size=False))
        on = digital(con, Period.parse("2024H1"), DigitalSettings(by_size=True))
    assert not [o for o in words.observations(off) if o.key["ENTERPRISE_SIZE"] != "_T"]
    t7 = [o for o in words.slots(on, on.cur) if o.slice == "T7"]
    assert {o.key["ENTERPRISE_SIZE"] for o in t7} >= {"L", "M", "S", "XS", "_U"}
    for nature, fid in (("DT", "dt_x"), ("DO", "do_x"), ("DD", "dd_x")):
        units = sum(o.units for o in t7 if o.key["DIGITAL_NATURE"] == nature)
        total = sum(o.units for o in words.slots(on, on.cur) if o.slice == "T1"
                    and o.key["TRADE_FLOW"] == "X" and o.key["DIGITAL_NATURE"] == nature)
        assert units == total and on[fid].current == (units + 500_000) // 1_000_000, nature
    # the other figures do not move; the setting is a vintage's, the JSON only says it when on
    assert words.as_json(on, SETTINGS, SETTINGS.source)["indicators"] == \
        words.as_json(off, SETTINGS, SETTINGS.source)["indicators"]
    assert on.settings.to_json()["by_size"] == "yes" and "by_size" not in off.settings.to_json()
    assert DigitalSettings.from_json(on.settings.to_json()).by_size
    monkeypatch.setenv("SHUMAO_DIGITAL_BY_SIZE", "yes")
    assert DigitalSettings().by_size
    from shumao.report import digital_tables
    titles = [t.title for t in digital_tables.tables(on, "示例市")]
    assert "表6续 数字贸易出口分企业规模" in titles
    assert "表6续 数字贸易出口分企业规模" not in [t.title for t in digital_tables.tables(off, "示例市")]


# -- the drill-down under direct reports and the full-scope basis -----------------------------
@pytest.fixture(scope="module")
def full(tmp_path_factory):
    folder = tmp_path_factory.mktemp("full")
    url = city_with_services(str(folder / "f.duckdb"), folder)
    path, _ = full_scope_file(folder)
    with connect(url) as s:
        assert import_files(s, [path], today=TODAY).ok
    return url


@pytest.mark.parametrize("ds", [
    DigitalSettings(services_source="direct_reports", goods_basis="full"),
    DigitalSettings(goods_basis="full", ordered_unknown="separate"),
], ids=["direct-full", "full-separate"])
def test_every_figure_drills_to_records_with_nothing_unlisted(full, ds):
    """Every slot of every slice: the parts add up to it exactly and none is left in an
    unlisted remainder; the direct reports and the full-scope lines appear as records."""
    with connect(full, read_only=True) as s:
        basis = behind(s, "2024H1", ds)
        kinds, deducted = set(), 0
        for cell, slot in basis.slots.items():
            e = explain_cell(s, "2024H1", cell, "示例市", ds, most=10_000, basis=basis)
            assert sum(p.units for p in e.parts) == e.units == slot.units, (slot.slice, slot.key)
            assert e.rest_units == 0 and e.records == len(e.parts), (slot.slice, slot.key)
            kinds |= {p.kind for p in e.parts}
            if slot.key["CUSTOMS_REGIME"] == "OTH_FULL":
                assert {p.about["basis"] for p in e.parts} == {"full_scope", "regime"}
                assert all(p.about["deducted"] == (p.units < 0) for p in e.parts)
                assert all(p.about["deducted"] for p in e.parts if p.about["basis"] == "regime")
                deducted += 1
    assert deducted == 2                                       # OTH_FULL exports and imports
    assert kinds == ({"services", "ecommerce"} if ds.direct else {"executions", "ecommerce"})
