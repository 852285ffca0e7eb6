"""The data report's charts: the four bulletin.md lists, caption-ready titles naming the
absolute period, one top-N shared with the partner table, value labels without ".00", and
text legible when an SVG is shown 390 px wide."""

from __future__ import annotations

import re

import pytest

from shumao.report import charts
from shumao.report.service import ReportSettings, build_report
from shumao.store import connect


@pytest.fixture(scope="module")
def city(sample_db):
    with connect(sample_db, read_only=True) as s:
        yield s


def test_four_charts_captioned_as_the_text_words_the_period(city):
    """Issue 21 C2: one period wording per issue — captions say 今年上半年 when the text does."""
    doc = build_report(city, "2023H1", ReportSettings(region="示例市", relative=True), with_charts=True)
    assert "今年上半年" in doc.text
    assert [(c.id, c.title) for c in doc.charts] == [
        ("partners", "今年上半年离岸执行额前5位的国家（地区）"),
        ("categories", "今年上半年离岸执行额业务结构"),
        ("shore", "今年上半年在岸和离岸服务外包执行额"),
        ("monthly", "今年1-6月各月接包合同执行额"),
    ]
    assert doc.title == "示例市2023年上半年服务外包数据月报"
    absolute = build_report(city, "2023H1", ReportSettings(region="示例市"), with_charts=True)
    assert [c.title.startswith(("2023年上半年", "2023年1-6月")) for c in absolute.charts] == [True] * 4


def test_one_top_n_for_the_partner_table_and_chart(city):
    doc = build_report(city, "2024-01..2024-09", ReportSettings(top_table=4), with_charts=True)
    table = next(t for t in doc.tables if t.id == "partners")
    chart = next(c for c in doc.charts if c.id == "partners")
    assert len(table.rows) == 4 and table.title == "离岸执行额前4位的国家（地区）"
    assert chart.title.endswith(table.title)
    assert doc.text.count("前三的是") == 1                          # the text keeps its top three


def test_bri_row_agrees_with_the_text(city):
    for period, words in (("2023H1", "“一带一路”沿线国家"), ("2024", "“一带一路”共建国家")):
        doc = build_report(city, period)
        overview = doc.tables[0]
        assert f"承接{words}服务外包执行金额" in doc.text
        assert f"承接{words}服务外包执行金额" in [r[0] for r in overview.rows]
        assert any(n.startswith(words) for n in overview.notes)


@pytest.mark.parametrize("cents, text", [(1_234_560_000, "1234.56"), (1_234_500_000, "1234.50"),
                                         (1_234_000_000, "1234.00"), (4_999, "0.00"), (5_000, "0.01"),
                                         (-4_999, "0.00")])
def test_value_labels_in_the_tables_format(cents, text):
    assert charts.label(cents) == text


def test_one_label_format_in_every_chart(city):
    """Issue 21 B7: every value label drawn on a chart has the tables' two decimals (no
    37427 beside 8000.1), in the column and the print shapes alike; legends name one pair."""
    doc = build_report(city, "2024-01..2024-09", with_charts=True)
    for c in doc.charts:
        if c.id != "monthly":
            assert c.labels and all(re.fullmatch(r"\d+\.\d\d", t) for t in c.labels), (c.id, c.labels)
        assert c.page_svg.startswith("<svg") and c.page_png.startswith(b"\x89PNG")
    assert [c.half for c in doc.charts] == [False, True, True, False]


def test_text_legible_on_a_phone(city):
    """Glyphs are paths in the SVG, so legibility is computed: the smallest font (pt) times
    390 px over the figure's width (pt) must reach 11 px."""
    doc = build_report(city, "2024-01..2024-09", with_charts=True)
    for c in doc.charts:
        width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', c.svg).group(1))
        assert charts.FONT_PT * charts.PHONE_PX / width >= charts.MIN_PX, c.id
        assert c.png.startswith(b"\x89PNG")
