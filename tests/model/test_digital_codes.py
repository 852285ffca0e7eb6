"""Digital trade's reference files (spec/digital-trade.md §6.3) read back with what the
computation relies on: regimes with flows and dates, EBOPS parents, the deliverable sets,
a crosswalk whose weights sum to 10000 bp per sub-category (a file that does not is refused
by name), HS chapters without 77."""

from __future__ import annotations

import datetime as dt

import pytest

from shumao.errors import InputError
from shumao.model import digital_codes as dc


def test_regimes_have_their_flows_dates_and_report_names():
    r = dc.regimes()
    assert r["9610"].name_report == "跨境电商零售" and r["9610"].flows == ("X", "M")
    assert r["1239"].flows == ("M",) and r["9710"].flows == ("X",)
    assert r["9710"].valid_from == dt.date(2020, 7, 1)
    assert not r["0110"].ecommerce and r["0110"].valid_from is None
    assert dc.ecommerce_regimes() == ("9610", "9710", "9810", "1210", "1239")


def test_ebops_main_components_and_deliverable_sets():
    assert dc.main_component("SJ312") == "SJ" and dc.main_component("SI") == "SI"
    assert dc.ebops()["SI"].name_zh == "电信、计算机和信息服务"
    mof = dc.deliverable("MOFCOM6")
    assert {"SI21", "SJ312", "SK2", "SF"} <= mof and not {"SB", "SC", "SE", "S"} & mof
    un = dc.deliverable("UNCTAD")
    assert "SK1" in un and "SK2" not in un and "SK" not in un
    with pytest.raises(InputError, match="可数字化交付口径"):
        dc.deliverable("OTHER")


def test_the_crosswalk_covers_every_subcategory_and_fallback():
    cw = dc.crosswalk()
    assert cw.version == "SO-EBOPS-2026.1"
    assert all(sum(w.bp for w in ws) == dc.BP for ws in cw.weights.values())
    assert set(cw.weights) == {*dc.subcategories(), "ITO", "BPO", "KPO"}
    assert cw.deliverable_bp("BPO03", "MOFCOM6") == 7000        # 30 % transport
    assert cw.deliverable_bp("BPO09", "MOFCOM6") == 0           # repair of goods
    assert cw.of(None, "KPO") == (dc.Weight("SJ", 10000),)
    assert all(s.parent in ("ITO", "BPO", "KPO") for s in dc.subcategories().values())


def test_a_crosswalk_whose_weights_do_not_sum_is_refused_by_name(tmp_path):
    text = (dc.FOLDER / "so_ebops.csv").read_text(encoding="utf-8")
    bad = tmp_path / "so_ebops.csv"
    bad.write_text(text.replace("BPO03,SC,3000", "BPO03,SC,2999"), encoding="utf-8")
    with pytest.raises(InputError, match=r"crosswalk-weights.*BPO03 的权重合计为9999个基点"):
        dc.read_crosswalk(bad)
    bad.write_text(text.replace("ITO01,SI21,10000", "ITO01,SX9,10000"), encoding="utf-8")
    with pytest.raises(InputError, match="ITO01 的EBOPS代码“SX9”无法识别"):
        dc.read_crosswalk(bad)
    bad.write_text(text.replace("KPO11,SK1,10000", "KPO11,SK1,1e4"), encoding="utf-8")
    with pytest.raises(InputError, match="不是1到10000的整数"):
        dc.read_crosswalk(bad)


def test_hs_chapters_and_breaks():
    ch = dc.hs_chapters()
    assert len(ch) == 96 and "77" not in ch and ch["61"].startswith("针织")
    assert [b.start for b in dc.series_breaks()] == ["2016-01", "2019-01", "2020-07"]
