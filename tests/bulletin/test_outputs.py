"""The structure of each output of ``shumao bulletin``: texts, headings, tables, images and
fonts — not only that the files exist."""

from __future__ import annotations

import re
import subprocess

import docx
import pytest

from tests.conftest import SAMPLE

MAIN = (SAMPLE / "expected_2024-01..2024-09.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p for p in MAIN.split("\n\n") if p.strip() and p != "【数据月报】"]
FIRST_PARTNER = re.search(r"前三的是([^、]+)、", MAIN)[1]      # the main text's top partner
HEADINGS = ["【数据月报】", "【行业资讯】", "【会员风采】", "【协会动态】"]
NEWS = ["示例省发布跨境数据流动便利化措施 服务外包企业可享“白名单”通道",
        "《服务外包业务分类与代码》国家标准正式实施",
        "研究机构发布年度数字贸易发展报告 可数字化交付服务出口保持增长"]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_fonts_and_text(issue):
    fonts = subprocess.run(["pdffonts", issue["pdf"]], capture_output=True, text=True, check=True).stdout
    cjk = [ln for ln in fonts.splitlines() if "CJK" in ln]
    assert cjk and all(ln.split()[-5] == "yes" for ln in cjk)       # emb = yes
    raw = subprocess.run(["pdftotext", issue["pdf"], "-"], capture_output=True, text=True,
                         check=True).stdout
    # a paragraph may run on to the next page (issue 21): leave out the page number and the
    # running head between its lines
    raw = re.sub(r"\n—\d+—\n\s*示例市数字贸易协会简报\s*2024年第10期（总第58期）\n", "\n", raw.replace("\f", "\n"))
    text = squash(raw)
    for para in PARAGRAPHS:
        assert squash(para) in text
    for words in HEADINGS + NEWS + ["示例市数字贸易协会简报", "2024年第10期（总第58期）",
                                    "（来源：示例省商务厅网站）", "类型：协会副会长单位"]:
        assert squash(words) in text, words
    assert "**" not in text and "<strong>" not in text
    info = subprocess.run(["pdfinfo", issue["pdf"]], capture_output=True, text=True, check=True).stdout
    assert "A4" in info or "595.28 x 841.89" in info


def test_pdf_contents_has_page_numbers(issue):
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", issue["pdf"], "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "目" in first and re.search(r"【行业资讯】[·\s.]+\d+", first)
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", issue["pdf"]], capture_output=True, text=True).stdout)[1])
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), issue["pdf"], "-"],
                          capture_output=True, text=True).stdout
    assert f"—{pages}—" in squash(last)                              # page number in the footer


def test_docx_structure(issue):
    d = docx.Document(issue["docx"])
    styles = [(p.style.name, p.text) for p in d.paragraphs]
    assert [t for s, t in styles if s == "Heading 1"] == HEADINGS
    assert [t for s, t in styles if s == "Heading 2"][:3] == NEWS
    assert ("目录标题", "目　录") in styles          # not a heading: the contents do not list it
    assert ("Title", "示例市数字贸易协会简报") in styles
    texts = [t for _, t in styles]
    for para in PARAGRAPHS:
        assert para in texts
    assert len([t for t in d.tables if t.style.name == "Table Grid"]) == 3   # and the pair of half charts
    assert [c.text for c in d.tables[2].rows[0].cells][0] == "国家（地区）"    # [0]: the chart pair
    assert d.tables[2].rows[1].cells[0].text == FIRST_PARTNER
    assert len(d.inline_shapes) == 4                                  # the charts (report.charts)
    assert d.sections[0].page_width.cm == pytest.approx(21.0, abs=0.01)
    footer = d.sections[0].footer._element.xml
    assert "PAGE" in footer and "fldChar" in footer
    heading_fonts = d.styles["Heading 1"].element.rPr.rFonts
    assert heading_fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "黑体"
    assert "eastAsiaTheme" not in heading_fonts.xml


def test_html_is_one_self_contained_page(issue):
    html = issue["html"].read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and html.count("<svg") == 4
    assert not re.search(r'<(link|script|img|iframe)\b', html)
    assert not re.search(r'url\((?!#)', html)
    text = re.sub(r"<span class=\"(?:tail|fig)\">|</span>", "", html)   # a title's last characters kept together
    for words in HEADINGS + NEWS:
        assert words in text
    assert "<strong>类\u3000\u3000型：</strong>" in html
