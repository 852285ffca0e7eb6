"""md / html / xlsx / json outputs and ``shumao explain``: their structure, not only that a
file exists."""

from __future__ import annotations

import json
import re

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import SAMPLE, run_cli

MAIN = (SAMPLE / "expected_2024-01..2024-09.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p for p in MAIN.split("\n\n") if p.strip()]


@pytest.fixture(scope="module")
def db(sample_db):
    return sample_db


def report(db, fmt, out=None, period="2024-01..2024-09"):
    args = ["report", "--period", period, "--region", "示例市", "--short", "我市",
            "--format", fmt, "--db", db] + (["--out", out] if out else [])
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr
    return p


def test_markdown(db):
    md = report(db, "md").stdout
    for para in PARAGRAPHS:
        assert para in md
    assert "| 国家（地区） | 本期（万美元） | 上年同期（万美元） | 同比（%） | 占离岸执行额比重（%） |" in md
    assert "| 美国 | 171.41 | 157.17 | 9.06 | 22.46 |" in md      # share of offshore executions
    assert "## 离岸执行额前5位的国家（地区）" in md and "## 离岸执行额业务结构" in md
    # one 注： with numbered items, each on its own line (a Markdown line break)
    assert "注：1. 数据来源：商务部服务外包统一平台。" in md and "\n　　2. 离岸指发包方位于境外（含港澳台地区）" in md
    assert "注1" not in md and "2024-" not in md


def test_html_is_self_contained_with_four_captioned_charts(db, tmp_path):
    out = tmp_path / "r.html"
    report(db, "html", out)
    html = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    for para in PARAGRAPHS[1:]:
        assert f'<p class="para">{para}</p>' in html
    assert html.count("<svg") == 4
    assert re.findall(r'id="chart-(\w+)"', html) == ["partners", "categories", "shore", "monthly"]
    assert re.findall(r"<figcaption>(图\d)　", html) == ["图1", "图2", "图3", "图4"]
    assert "<figcaption>图1　2024年前三季度离岸执行额前5位的国家（地区）" in html
    assert html.count('<span class="source">数据来源：商务部服务外包统一平台</span>') == 4
    assert not re.search(r'(src|href)="(?!#|data:)', html)          # nothing fetched
    assert "<metadata>" not in html
    assert "“一带一路”共建国家指已同中国签署共建“一带一路”合作文件的152个国家" in html
    assert "<td>承接“一带一路”共建国家服务外包执行金额</td>" in html    # as the text says
    assert "<p>注：1. 数据来源：商务部服务外包统一平台。" in html and "<p>2. 离岸指" in html
    assert "--accent: #b00;" in html              # identity.css inline: the bulletin's red (its --red)
    assert re.search(r"<footer>制表日期：\d{4}年\d{1,2}月\d{1,2}日</footer>", html)
    assert "发布前核对" not in html         # no figure of this period is flagged
    report(db, "html", out, period="2024-03")
    assert "发布前核对" in out.read_text(encoding="utf-8")  # the disclosure flags are shown to the clerk


def test_xlsx_has_a_sheet_per_breakdown(db, tmp_path):
    out = tmp_path / "r.xlsx"
    report(db, "xlsx", out)
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == ["数据月报", "主要指标", "国别（地区）", "业务结构", "企业性质", "月度执行"]
    text = [r[0] for r in wb.get_sheet_by_name("数据月报").to_python()]
    assert text == PARAGRAPHS
    partners = wb.get_sheet_by_name("国别（地区）").to_python()
    assert partners[0][0] == "离岸执行额前5位的国家（地区）"
    assert partners[1][0] == "时期：2024年前三季度；上年同期：2023年前三季度"   # no 2024-01..2024-09
    assert partners[2][0] == "单位：万美元"
    assert partners[3] == ["国家（地区）", "本期\n（万美元）", "上年同期\n（万美元）", "同比\n（%）",
                           "占离岸执行额\n比重\n（%）"]
    assert partners[4][:4] == ["美国", 171.41, 157.17, 9.06]
    overview = [r[0] for r in wb.get_sheet_by_name("主要指标").to_python()]
    assert "注：1. 数据来源：商务部服务外包统一平台。仅统计审核通过的合同和执行记录，金额单位为万美元。" in overview
    assert "　　2. 离岸指发包方位于境外（含港澳台地区），在岸指发包方位于境内。港澳台商投资企业计入外商投资企业。" in overview
    monthly = wb.get_sheet_by_name("月度执行").to_python()
    assert [r[0] for r in monthly[4:13]] == [f"{m}月" for m in range(1, 10)]


def test_xlsx_needs_out(db):
    p = run_cli("report", "--period", "2024", "--format", "xlsx", "--db", db)
    assert p.returncode == 2 and "--out" in p.stderr


def test_explain(db):
    p = run_cli("explain", "exec_bri", "--period", "2024", "--top", "20", "--db", db, "--json")
    assert p.returncode == 0, p.stderr
    e = json.loads(p.stdout)
    assert e["current"] == "576.52" and e["enterprises"] == 13 and e["records"] == 119
    assert "执行日期在2024年1月1日至2024年12月31日之间" in e["filter"] and "152国" in e["filter"]
    cents = [c["current_cents"] for c in e["contributors"]]
    assert cents[:2] == [165361866, 122628802] and cents == sorted(cents, reverse=True)
    assert len(cents) == 13 and sum(cents) == e["current_cents"]  # all 13
    assert e["contributors"][0]["name"] == "示例启航信息技术有限公司"
    human = run_cli("explain", "signed_offshore", "--period", "2024Q2", "--db", db)
    assert "筛选条件" in human.stdout and "勿发布" in human.stdout
    bad = run_cli("explain", "nonsense", "--period", "2024", "--db", db)
    assert bad.returncode == 2 and "没有指标" in bad.stderr


def test_xlsx_reads_as_an_official_table(db, tmp_path):
    """CJK font, thin borders, bold shaded header, frozen header, A4 fitted to the width with
    the header repeated on every printed page; headers name only columns that exist."""
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    report(db, "xlsx", out)
    wb = load_workbook(out)
    assert wb.properties.title == "示例市2024年前三季度服务外包数据月报"
    assert wb["数据月报"].oddHeader.center.text == "示例市2024年前三季度服务外包数据月报"
    for ws in wb.worksheets[1:]:
        head = [c for c in ws[4] if c.value is not None]
        assert all(c.font.b and c.fill.fgColor.rgb.endswith("DDE7F0") for c in head)
        body = ws.cell(5, 2)
        assert body.font.name == "宋体" and body.border.top.style == "thin" and body.number_format == "0.00"
        assert ws.freeze_panes == "A5" and ws.print_title_rows == "$1:$4"
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        widths = {k for k, d in ws.column_dimensions.items() if d.width and d.customWidth}
        assert len(widths) == len(head)          # no width set for a column that does not exist


def test_xlsx_prints_on_a4_at_full_size(db, tmp_path):
    """Issue 21 B8: every sheet prints on A4 at 100 % — its columns fit between the margins
    (so fitToWidth never shrinks the type below 10 pt); the text sheet's paragraphs and the
    notes wrap within the table's width (merged over its columns) on rows tall enough for
    their lines; 宋体 in every cell; "—" aligned with the figures."""
    import math

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    def column_pt(width):                # Excel: a column of width w is 8w + 5 px in 宋体 11
        return (width * 8 + 5) * 0.75

    def page_pt(widths):                 # LibreOffice reads it wider: about 7w pt
        return sum(7 * w for w in widths)

    def ems(text):                       # a CJK character 1 em, any other .6 em
        return sum(1 if ord(ch) >= 0x2E80 else .6 for ch in text)

    out = tmp_path / "r.xlsx"
    report(db, "xlsx", out)
    wb = load_workbook(out)

    def width_pt(ws, ncols):
        return sum(column_pt(ws.column_dimensions[get_column_letter(j)].width) for j in range(1, ncols + 1))

    def lines_fit(ws, cell, width):      # 8 pt of padding
        per = (width - 8) / cell.font.size
        lines = sum(max(1, math.ceil(ems(part) / per))
                    for part in str(cell.value).split("\n"))
        return ws.row_dimensions[cell.row].height >= lines * cell.font.size * 1.2

    for ws in wb.worksheets:
        m = ws.page_margins
        printable = (210 / 25.4 - m.left - m.right) * 72
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        ncols = ws.max_column
        table = page_pt([ws.column_dimensions[get_column_letter(j)].width for j in range(1, ncols + 1)])
        assert table <= printable, (ws.title, table, printable)          # printed at 100 %
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
        assert {c.font.name for c in cells} == {"宋体"}, ws.title
        assert min(c.font.size for c in cells) >= 10, ws.title
        merged = {str(r) for r in ws.merged_cells.ranges}
        for c in cells:
            long = ems(str(c.value)) * c.font.size > column_pt(ws.column_dimensions[c.column_letter].width) - 8
            if c.column == 1 and (long or "\n" in str(c.value)):
                assert c.alignment.wrap_text, (ws.title, c.value)
                spans = ncols if f"A{c.row}:{get_column_letter(ncols)}{c.row}" in merged else 1
                assert lines_fit(ws, c, width_pt(ws, spans)), (ws.title, c.value)
    text = wb["数据月报"]
    assert all(text.cell(r, 1).alignment.wrap_text for r in range(1, text.max_row + 1))
    assert text.cell(1, 1).font.b                                        # 【数据月报】
    overview = wb["主要指标"]
    notes = [c for c in overview["A"] if str(c.value or "").startswith(("注：", "　　"))]
    assert len(notes) == 5
    assert all(f"A{c.row}:E{c.row}" in {str(r) for r in overview.merged_cells.ranges} for c in notes)
    assert all(c.alignment.wrap_text and c.font.size == 10 for c in notes)
    dashes = [c for row in overview.iter_rows(min_row=5) for c in row if c.value == "—"]
    assert dashes and all(c.alignment.horizontal == "right" for c in dashes)
    assert overview.cell(4, 2).value == "本期\n（万美元）" and overview.row_dimensions[4].height >= 2 * 11 * 1.2
