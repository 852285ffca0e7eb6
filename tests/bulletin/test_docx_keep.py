"""Issue 21, the nine, in the Word file's XML: member labels indented as the body (B3); a
source line, a table's notes and the 版记 kept with what they belong to (B4); figure columns
of at least 1600 twips that never wrap, and no label cell ending in one character (B9)."""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn

from shumao.bulletin import docx as render

BODY_INDENT_TWIPS = 640          # two characters of 16 pt


def _keep(p) -> bool:
    return bool(p.paragraph_format.keep_with_next)


@pytest.fixture(scope="module", params=["issue", "long_issue"])
def d(request):
    return docx.Document(str(request.getfixturevalue(request.param)["docx"]))


def test_member_labels_indented_like_the_body(d):
    labels = [p for p in d.paragraphs if p.style.name == "标签" and p.text.startswith(("类", "简", "企业性质", "所在区域"))]
    assert len(labels) >= 4
    assert all(p.paragraph_format.first_line_indent.twips == BODY_INDENT_TWIPS for p in labels), \
        [(p.text[:6], p.paragraph_format.first_line_indent) for p in labels]


def test_source_lines_notes_and_record_kept_with_their_text(d):
    ps = d.paragraphs
    sources = [i for i, p in enumerate(ps) if p.style.name == "来源"]
    assert sources and all(_keep(ps[i - 1]) for i in sources)
    notes = [i for i, p in enumerate(ps) if p.style.name == "注释"]
    runs = [[notes[0]]]
    for i in notes[1:]:
        (runs[-1].append(i) if i == runs[-1][-1] + 1 else runs.append([i]))
    for run in runs:                    # each table's notes stay together
        assert all(_keep(ps[i]) for i in run[:-1]) and not _keep(ps[run[-1]])
    for t in d.tables[1:4]:             # a data table's last row stays with its notes
        assert all(_keep(p) for c in t.rows[-1].cells for p in c.paragraphs)
    record = next(i for i, p in enumerate(ps) if p.style.name == "版记")
    assert _keep(ps[record - 1])


def test_figure_columns_wide_enough_and_never_wrapping(d):
    for t in d.tables[1:4]:              # the data tables (the first holds 图2 and 图3)
        grid = [int(g.get(qn("w:w"))) for g in t._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert min(grid[1:]) >= 1600, grid
        for row in t.rows[1:]:
            for c in row.cells[1:]:
                assert c._tc.tcPr.find(qn("w:noWrap")) is not None


def test_no_label_cell_ends_in_one_character():
    labels = ["承接“一带一路”沿线国家服务外包执行金额", "离岸业务流程外包（BPO）执行额",
              "离岸信息技术外包（ITO）执行额", "服务外包合同签约额（包含在岸）", "承接RCEP成员国离岸服务外包执行额"]
    cols = ["指标", "本期（万美元）", "上年同期（万美元）", "同比（%）", "占比（%）"]
    rows = [[lb, "193185.39", "442780.00", "-33.70", "15.53"] for lb in labels]
    widths = render.column_widths(cols, rows, figure_min=render.FIGURE_MIN_PT)
    assert min(widths[1:]) >= render.FIGURE_MIN_PT - .01
    assert sum(widths) == pytest.approx(render.TEXT_WIDTH_PT)
    pad = 10.8 + render.TABLE_PT / 2
    per_line = int((widths[0] - pad) // render.TABLE_PT)
    assert all(len(lb) <= per_line or len(lb) % per_line != 1 for lb in labels), (per_line, widths)


def test_a_clerks_small_table_stays_whole(d):
    """A Markdown table of a news item (the long issue's 监管方式, 3 rows) is never split with
    one row left over: each row but the last is kept with the next."""
    small = [t for t in d.tables if t.rows[0].cells[0].text == "监管方式代码"]
    for t in small:
        keeps = [all(_keep(p) for c in r.cells for p in c.paragraphs) for r in t.rows]
        assert keeps == [True] * (len(t.rows) - 1) + [False], keeps
