"""The DOCX reads as a Chinese official document (GB/T 9704 conventions) and keeps the PDF's
page geometry: no template decoration, justified body text, fitted tables with a repeated
shaded header, running head and "— n —" page numbers, figure captions, the 版记 at the end.
Inspected through python-docx and the XML; pagination through LibreOffice when installed."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import docx
import pytest
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from shumao.bulletin import docx as render
from shumao.report.tables import Table

TWIP = 635                                                   # EMU in a twentieth of a point
TEMPLATE_COLOURS = ("17365D", "365F91", "4F81BD")            # python-docx default template blues


@pytest.fixture(scope="module")
def d(issue):
    return docx.Document(issue["docx"])


def body_paragraphs(d):
    return [p for p in d.paragraphs if p.style.name == "Normal" and p.text.strip()]


def test_no_template_decoration(d):
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        xml = d.styles[name].element.xml
        assert "w:pBdr" not in xml, name
        assert "themeColor" not in xml and "Theme=" not in xml, name
        assert not any(c in xml for c in TEMPLATE_COLOURS), name
        assert "<w:i/>" not in xml and "w:numPr" not in xml, name
    assert d.styles["Title"].font.size == Pt(26)


def test_body_is_justified_on_the_grid(d):
    normal = d.styles["Normal"]
    assert normal.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY       # w:jc both
    assert normal.element.pPr.find(qn("w:jc")).get(qn("w:val")) == "both"
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.9, abs=0.05)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    body = body_paragraphs(d)
    assert len(body) > 10
    assert all(p.alignment in (None, WD_ALIGN_PARAGRAPH.JUSTIFY) for p in body)
    grid = d.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "578"


def test_page_geometry_is_the_pdfs(d):
    sec = d.sections[0]
    for got, mm in ((sec.page_width, 210), (sec.page_height, 297), (sec.top_margin, 37),
                    (sec.bottom_margin, 35), (sec.left_margin, 28), (sec.right_margin, 26)):
        assert abs(got - Mm(mm)) <= TWIP, (got, mm)
    # the running head and the page number stay in the margins
    assert sec.header_distance < sec.top_margin and sec.footer_distance < sec.bottom_margin


def test_headings_are_heading_styles_in_hei_and_keep_with_next(d):
    for name in ("Heading 1", "Heading 2"):
        s = d.styles[name]
        assert s.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
        assert s.paragraph_format.keep_with_next
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == [
        "【数据月报】", "【行业资讯】", "【会员风采】", "【协会动态】"]
    assert d.styles["Caption"].paragraph_format.keep_with_next


def test_notes_have_their_own_single_spaced_style(d):
    notes = [p for p in d.paragraphs if p.style.name == "注释"]
    assert len(notes) >= 3 and notes[0].text.startswith("注：1. ")     # "注：1. …" then "2. …"
    assert [p.text.strip()[:2] for p in notes[1:3]] == ["2.", "3."]
    assert {p.style.name for p in notes} == {"注释"}
    pf = d.styles["注释"].paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.SINGLE
    assert d.styles["注释"].font.size < Pt(16)


def test_chart_captions_under_each_chart(d):
    # the two half-width charts (图2, 图3) stand side by side in a borderless table
    pair = [c.paragraphs for c in d.tables[0].rows[0].cells]
    paras = d.paragraphs[:]
    at = next(i for i, p in enumerate(paras) if p._p.xpath(".//pic:pic")) + 3
    paras[at:at] = pair[0] + pair[1]
    pictures = [i for i, p in enumerate(paras) if p._p.xpath(".//pic:pic")]
    assert len(pictures) == 4           # partners, ITO/BPO/KPO, onshore/offshore, monthly
    for n, i in enumerate(pictures, start=1):
        caption, source = paras[i + 1], paras[i + 2]
        assert re.fullmatch(rf"图{n}　\S.*", caption.text), caption.text
        assert caption.style.name == "Caption"
        assert source.text == "数据来源：商务部服务外包统一平台"
        assert paras[i].paragraph_format.keep_with_next or paras[i].style.paragraph_format.keep_with_next
        assert caption.style.paragraph_format.keep_with_next     # kept with the source line


def test_tables_header_repeated_shaded_and_figures_right(d):
    assert len(d.tables) == 4 and d.tables[0].style.name != "Table Grid"   # the chart pair
    tables = d.tables[1:]
    width = sum(c.width for c in tables[0].rows[0].cells)
    assert abs(width - Mm(156)) < Mm(1)                            # the text block's width
    for t in tables:
        header = t.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        for c in header.cells:
            shd = c._tc.tcPr.find(qn("w:shd"))
            assert shd is not None and shd.get(qn("w:fill")) == render.HEADER_FILL
        for r in t.rows:
            assert all(c.vertical_alignment == WD_CELL_VERTICAL_ALIGNMENT.CENTER for c in r.cells)
        for r in t.rows[1:]:
            assert all(c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for c in r.cells[1:])
            assert r.cells[0].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT
        # the label column holds its longest label on one line — or, once the figure columns
        # have their 1600 twips (issue 21 B9), at least ten characters a line and wraps
        labels = [r.cells[0].text for r in t.rows[1:]]
        need = max(render.text_width(x, render.TABLE_PT) for x in labels) + 10.8
        assert t.rows[0].cells[0].width.pt >= min(need, 9 * render.TABLE_PT + 10.8)


def test_column_widths_fit_the_content():
    cols = ["指标", "本期（万美元）", "上年同期（万美元）", "同比（%）", "占比（%）"]
    rows = [["承接RCEP成员国离岸服务外包执行额", "12345.67", "9553.89", "-14.64", "100.00"]]
    w = render.column_widths(cols, rows)
    assert sum(w) == pytest.approx(render.TEXT_WIDTH_PT)
    assert w[0] >= render.text_width(rows[0][0], render.TABLE_PT)
    assert all(x >= render.text_width(v, render.TABLE_PT) for x, v in zip(w[1:], rows[0][1:]))
    short = render.column_widths(["国家（地区）", "本期"], [["日本", "1.00"]])
    assert sum(short) == pytest.approx(render.TEXT_WIDTH_PT)


def test_small_tables_stay_whole_and_long_ones_break():
    def kept(n):
        t = Table("t", "表", ["指标", "本期（万美元）"], [[f"项{i}", Decimal("1.00")] for i in range(n)])
        d = docx.Document()
        render._styles(d)
        render._table(d, t)
        return [r.cells[0].paragraphs[0].paragraph_format.keep_with_next for r in d.tables[0].rows]

    assert kept(3) == [True] * 4                   # whole, and its last row with its notes
    # a longer table breaks between rows (issue 21: a whole 12-row table and its notes pushed
    # a half page of white before it): its header with two rows, its last row with the notes
    for n in (9, 40):
        assert kept(n) == [True, True] + [False] * (n - 2) + [True]


def test_running_head_and_page_numbers(d):
    sec = d.sections[0]
    assert sec.different_first_page_header_footer                  # none over the masthead
    assert not sec.first_page_header.paragraphs[0].text.strip()
    head = sec.header.paragraphs[0]
    assert head.text == "示例市数字贸易协会简报　2024年第10期（总第58期）"
    assert head._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None   # the rule
    assert head.style.font.size < Pt(12)
    # page numbers outside as in the PDF (GB/T 9704 §7.5, review C8): odd pages right, even
    # pages left, one character (14 pt) in; the even pages carry the same running head
    assert d.settings.odd_and_even_pages_header_footer
    even = sec.even_page_header.paragraphs[0]
    assert even.text == head.text and even._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None
    for footer, side in ((sec.footer, "right"), (sec.first_page_footer, "right"), (sec.even_page_footer, "left")):
        xml = footer._element.xml
        assert "fldChar" in xml and re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        p = footer.paragraphs[0]
        assert p.text.replace("1", "n") == "— n —"
        assert p.alignment == (WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT)
        assert getattr(p.paragraph_format, f"{side}_indent") == Pt(14)
        assert not p.paragraph_format.first_line_indent


def test_record_at_the_end(d):
    """GB/T 9704 §7.4: the 报送 line, a thin rule, the publisher and the date 印发 with 印数
    under it; black rules, the first and the last heavier; one frame at the foot."""
    start = next(i for i, p in enumerate(d.paragraphs) if p.style.name == "版记")
    record = d.paragraphs[start:]
    assert all(p.style.name == "版记" for p in record) and len(record) == 3
    dist, rule, printed = record
    assert dist.text == "报：市商务局。\u3000送：各会员单位。"
    assert dist.paragraph_format.first_line_indent == -dist.paragraph_format.left_indent + Pt(14)  # 报： hangs
    assert rule.text.strip("\t\u200b") == "" and rule.runs[0].font.underline    # the thin rule
    assert rule.runs[0].font.size <= Pt(render.RULE_PT)
    assert re.fullmatch(r"\u3000示例市数字贸易协会秘书处\t2024年10月25日印发\n\t（共印50份）", printed.text), printed.text
    for p in record:
        borders = p._p.pPr.find(qn("w:pBdr"))
        # the same heavy black rules on every paragraph: drawn once round them, one frame
        assert [(b.tag.split("}")[1], b.get(qn("w:val")), b.get(qn("w:sz")), b.get(qn("w:color")))
                for b in borders] == [("top", "single", "8", "000000"), ("bottom", "single", "8", "000000")]
        frame = p._p.pPr.find(qn("w:framePr"))
        assert (frame.get(qn("w:vAnchor")), frame.get(qn("w:yAlign"))) == ("margin", "bottom")
        assert int(frame.get(qn("w:w"))) == round(render.TEXT_WIDTH_PT * 20)
    assert [p.paragraph_format.keep_with_next for p in record] == [True, True, False]


def test_no_space_between_chinese_and_figures(d):
    """Review C10: Word's autospace off in the document defaults and in Normal (every style
    inherits it), and nothing turns it on again: "2024年10月25日", "第10期" without gaps."""
    defaults = d.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for ppr in (defaults, d.styles["Normal"].element.pPr):
        assert [ppr.find(qn(f"w:{t}")).get(qn("w:val")) for t in ("autoSpaceDE", "autoSpaceDN")] == ["0", "0"]
    xml = d.styles.element.xml + d.element.xml
    assert re.findall(r'<w:autoSpaceD[EN](?: w:val="(?:1|true|on)")?/>', xml) == []


def pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info)[1])


@pytest.mark.parametrize("which", ["issue", "long_issue"])
def test_docx_paginates_like_the_pdf(which, request, word_pdf):
    files = request.getfixturevalue(which)
    converted = word_pdf(files["docx"])          # LibreOffice's pages (tests/support/office.py)
    assert abs(pages(converted) - pages(files["pdf"])) <= 1, (pages(converted), pages(files["pdf"]))
