"""No reader ever sees wording that must not go out (tests/wording.py): the report in every
format — text, Markdown (with its charts), HTML, XLSX, JSON labels — for the sample city,
on both Belt and Road bases, with relative wording and 港澳台商投资 apart, and the filters
``shumao explain`` prints."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from python_calamine import CalamineWorkbook

from shumao.indicators import Basis, catalog
from shumao.indicators.catalog import describe
from shumao.report import formats
from shumao.report.data import as_dict
from shumao.report.service import ReportSettings, build_report
from shumao.store import connect
from tests.wording import forbidden, html_text

CASES = {  # period, settings: both bases, relative wording, 港澳台商投资 apart, one month
    "2024-01..2024-09": ReportSettings(region="示例市"),
    "2023H1": ReportSettings(region="示例市", relative=True),
    "2024Q2": ReportSettings(region="示例市", basis=Basis(hmt_separate=True)),
    "2024-03": ReportSettings(region="示例市", basis=Basis(bri="route65")),
}


@pytest.fixture(scope="module")
def city(sample_db):
    with connect(sample_db, read_only=True) as s:
        yield s


def json_labels(data) -> list[str]:
    """The words in the JSON a reader may be shown: names, period words, check messages."""
    if isinstance(data, dict):
        return [v for k, v in data.items() if k in ("name", "period_words", "message") and isinstance(v, str)] \
            + [w for v in data.values() for w in json_labels(v)]
    if isinstance(data, list):
        return [w for v in data for w in json_labels(v)]
    return []


def renderings(doc, tmp_path) -> dict[str, str]:
    out = {"text": doc.text, "md": formats.markdown(doc, tmp_path / "img"),
           "html": html_text(formats.html(doc))}
    formats.xlsx(doc, tmp_path / "r.xlsx")
    wb = CalamineWorkbook.from_path(str(tmp_path / "r.xlsx"))
    out["xlsx"] = "\n".join(str(v) for name in wb.sheet_names
                            for row in wb.get_sheet_by_name(name).to_python() for v in row if isinstance(v, str))
    out["json"] = "\n".join(json_labels(json.loads(json.dumps(as_dict(doc), ensure_ascii=False))))
    out["charts"] = "\n".join(c.title for c in doc.charts)
    return out


@pytest.mark.parametrize("period", CASES)
def test_no_forbidden_wording_in_any_format(city, period, tmp_path):
    doc = build_report(city, period, CASES[period], with_charts=True)
    for fmt, text in renderings(doc, tmp_path).items():
        assert text.strip(), fmt
        assert forbidden(text) == [], fmt
    assert not any(forbidden(p.name) for p in (tmp_path / "img").iterdir())


def test_explain_filters_in_plain_words():
    for bri in ("route65", "partners"):
        for ind in catalog(hmt_separate=True, groups=("东盟",), bri=bri).values():
            words = describe(ind, dt.date(2023, 1, 1), dt.date(2023, 6, 30), 65)
            assert forbidden(ind.name + "\n" + words) == [], ind.id
            assert "2023年1月1日至2023年6月30日" in words


@pytest.mark.parametrize("bad", [
    "离岸指发包方在中国境外，含中国香港、中国澳门和中国台湾。",
    "国外市场：美国、日本、台湾",
    "注1：数据来源：商务部服务外包统一平台",
    "时期：2024年前三季度（2024-01..2024-09）",
    "由 shumao（数贸）生成 · 2026-11-27",
    "同比为与2023年前三季度可比口径相比",
    "上年同期：None",
])
def test_the_scanner_catches_what_went_out_before(bad):
    assert forbidden(bad)


@pytest.mark.parametrize("good", [
    "离岸指发包方位于境外（含港澳台地区），在岸指发包方位于境内。",
    "接包合同执行额前三的是美国、中国香港、日本",
    "注：1. 数据来源：商务部服务外包统一平台。",
    "国家名单均按2024年9月30日的成员确定。",
    "同比按可比口径计算。",
])
def test_the_scanner_lets_official_wording_through(good):
    assert forbidden(good) == []
