"""Typography of the bulletin's PDF and HTML (issue 8), checked on the rendered output:
GB/T 9704 page geometry, Chinese lines justified on both edges, captions with their figures,
the masthead centred, one column scheme for the data tables, a phone-width page."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree

import pytest

from shumao.bulletin.html import cjk_justification, colwidths, is_key, keep_tail, runs_html
from shumao.bulletin.markdown import Run

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
LEFT, RIGHT = 28 * MM, A4[0] - 26 * MM          # GB/T 9704 margins
TOP, BOTTOM = 37 * MM, A4[1] - 35 * MM
BODY = 16                                       # 三号


def words(pdf, first: int | None = None, last: int | None = None) -> list[list[dict]]:
    """Each page's words with their boxes (pdftotext -bbox)."""
    args = ["pdftotext", "-bbox"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    xml = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    xml = xml[xml.index("<doc>"):xml.index("</doc>") + 6]
    return [[{"text": w.text or "", **{k: float(v) for k, v in w.attrib.items()}}
             for w in page.iter("word")]
            for page in ElementTree.fromstring(xml).iter("page")]


def lines(page: list[dict]) -> list[tuple[float, float, float, float, str]]:
    """Words grouped into lines: (top, left, right, height, text)."""
    rows = defaultdict(list)
    for w in page:
        rows[round(w["yMin"], 1)].append(w)
    return sorted((y, min(w["xMin"] for w in ws), max(w["xMax"] for w in ws),
                   max(w["yMax"] - w["yMin"] for w in ws), "".join(w["text"] for w in ws))
                  for y, ws in rows.items())


def body_lines(pdf) -> list[list[tuple]]:
    """Lines set in the 16 pt body face (a box about 23 pt high), page by page."""
    return [[ln for ln in lines(p) if 21 < ln[3] < 25] for p in words(pdf)]


def test_page_size_and_margins(issue):
    info = subprocess.run(["pdfinfo", issue["pdf"]], capture_output=True, text=True, check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(w, 1), round(h, 1)) == (round(A4[0], 1), round(A4[1], 1))
    pages = body_lines(issue["pdf"])
    every = [ln for p in pages for ln in p]
    assert len(every) > 60
    assert min(ln[1] for ln in every) == pytest.approx(LEFT, abs=.5)        # left margin 28 mm
    assert max(ln[2] for ln in every) <= RIGHT + 1                          # right margin 26 mm
    assert min(ln[0] for ln in every) >= TOP - 6                            # top 37 mm (line box leading)
    assert max(ln[0] + ln[3] for ln in every) <= BOTTOM + 1                 # bottom 35 mm
    # 28.9 pt line pitch: consecutive body lines of a paragraph are 28.9 pt apart
    steps = {round(b[0] - a[0], 1) for p in pages for a, b in zip(p, p[1:])}
    assert 28.9 in steps


def test_body_lines_justified_on_both_edges(issue):
    """Full lines end on the right margin (inter-character justification); a paragraph's
    last line stays short and is not spread."""
    pages = body_lines(issue["pdf"])
    # a line inside a paragraph: the next line follows at the line pitch from the left margin
    inner = [(a, b) for p in pages for a, b in zip(p, p[1:])
             if round(b[0] - a[0], 1) == 28.9 and abs(b[1] - LEFT) < .5 and not a[4].endswith("。")]
    titles = [re.sub(r"\s", "", t) for t in re.findall(r"<h3[^>]*>(.*?)</h3>", issue["html"].read_text(encoding="utf-8"))]
    ragged = [(a[4], b[4]) for a, b in inner if abs(a[2] - RIGHT) >= 1
              and not any(t.startswith(a[4]) for t in titles)]          # headings are not justified
    assert len(inner) > 20 and len(ragged) <= .25 * len(inner), ragged
    # a line stays short only before a figure or a Latin word too long to take in without
    # gaps between letters (pdf.py MAX_SPREAD), never spread beyond it
    assert all(re.match(r"（?[0-9A-Za-z]", b) for _, b in ragged), ragged
    assert all(a[2] <= RIGHT + 1 for a, _ in inner)
    ends = [ln for p in pages for ln in p if ln[4].endswith("。")]
    assert any(ln[2] < RIGHT - 3 * BODY for ln in ends)                    # last lines not spread
    assert all(len(ln[4]) >= 3 for ln in ends)                              # no one-character last line


RUNT = re.compile(r"[\u3400-\u9fff][”’」）》。，、；：！？]?")


def runts(pdf) -> list[str]:
    """Lines of a single Chinese character (with its closing mark), the contents' leaders and
    page number aside: a heading's, caption's or contents entry's last line cut too short."""
    out = []
    for n, page in enumerate(words(pdf), start=1):
        for ln in lines(page):
            text = re.sub(r"[·.\s]+\d*$", "", ln[4]).strip()
            if RUNT.fullmatch(text):
                out.append(f"p{n}: {ln[4]}")
    return out


def test_no_one_character_last_line(issue, long_issue):
    """Issue 21: no heading, caption, contents entry or paragraph ends in a line of one
    character (the contents had "长 ·········· 8" under a two-line title)."""
    for files in (issue, long_issue):
        assert runts(files["pdf"]) == []


def test_justification_hook_on_a_small_page(tmp_path):
    import weasyprint

    cjk_justification()
    text = "根据商务部服务外包统一平台公布的最新数据显示，本市服务外包合同签约额同比下降。" * 3
    html = f"""<html lang="zh-CN"><style>@page {{ size: 120mm 80mm; margin: 10mm }}
      body {{ margin: 0; font: 12pt "Noto Serif CJK SC" }} p {{ text-align: justify; width: 83mm }}
      </style><p>{text}2024年1-9月。</p>"""
    pdf = tmp_path / "j.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    ls = lines(words(pdf)[0])
    right = 10 * MM + 83 * MM
    assert len(ls) >= 4
    assert all(abs(ln[2] - right) < .6 for ln in ls[:-1]), ls
    assert ls[-1][2] < right - 24                                            # last line ragged


def test_chart_captions_and_sources(issue):
    text = subprocess.run(["pdftotext", issue["pdf"], "-"], capture_output=True, text=True,
                          check=True).stdout
    # a caption beside another (half width) may take two lines
    found = re.findall(r"图(\d)\s+(\S.*(?:\n[^\n数]+)?)\n数据来源：(\S+)", text)
    assert [n for n, _, _ in found] == ["1", "2", "3", "4"]
    assert all(src == "商务部服务外包统一平台" for _, _, src in found)
    html = issue["html"].read_text(encoding="utf-8")
    assert html.count("<figcaption>图") == 4 and "数据来源：商务部服务外包统一平台" in html
    # a caption shares its page with its chart: the caption is never at the top of a page
    for page in words(issue["pdf"]):
        ls = [ln for ln in lines(page) if ln[3] > 10]
        assert not (ls and ls[0][4].startswith("图")), ls[0]


def test_masthead_issue_line_centred(issue):
    first = lines(words(issue["pdf"], 1, 1)[0])
    title = next(ln for ln in first if ln[4] == "示例市数字贸易协会简报")
    number = next(ln for ln in first if ln[4].startswith("2024年第10期"))
    centre = (LEFT + RIGHT) / 2
    for ln in (title, number):
        assert (ln[1] + ln[2]) / 2 == pytest.approx(centre, abs=2), ln


def test_table_headers_on_one_line_and_numbers_right(issue):
    html = issue["html"].read_text(encoding="utf-8")
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) == 3
    schemes = {re.search(r"<colgroup>.*?</colgroup>", t, re.S)[0] for t in tables}
    assert len(schemes) == 1                                                # one column scheme
    assert all('<th class="num">' in t and '<td class="num">' in t for t in tables)
    text = subprocess.run(["pdftotext", "-layout", issue["pdf"], "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "本期（万美元）" in text and "上年同期（万美元）" in text        # not broken in two


def test_colwidths():
    cols = ["指标", "本期（万美元）", "上年同期（万美元）", "同比（%）", "占比（%）"]
    ws = [float(w.rstrip("%")) for w in colwidths(cols)]
    assert sum(ws) == pytest.approx(100, abs=.3) and ws[0] > 25 and ws[2] > ws[1] > ws[3]
    many = [float(w.rstrip("%")) for w in colwidths(["x"] + ["上年同期（万美元）"] * 8)]
    assert sum(many[1:]) <= 75.5 and many[0] >= 24.5


def test_runs_keep_tail_and_keys():
    # the tail takes a figure whole (issue 21: "4.7" and "4%。" were split apart)
    assert str(keep_tail("同比下降4.74%。")) == '同比下降<span class="tail"><span class="fig">4.74%</span>。</span>'
    assert str(keep_tail("短句")) == "短句"
    assert is_key("类　　型：") and is_key("企业性质：") and not is_key("建立跨境数据流动白名单制度：")
    html = str(runs_html([Run("简　　介：", bold=True), Run("一家公司。")]))
    assert html.startswith('<span class="key"><strong>简　　介：</strong></span>')
    assert "<strong>白名单</strong>" in str(runs_html([Run("建立"), Run("白名单", bold=True), Run("制度。")]))


def test_html_self_contained_and_css_rules(issue):
    html = issue["html"].read_text(encoding="utf-8")
    assert not re.search(r"<link|<script", html, re.I)
    css = re.search(r"<style>(.*)</style>", html, re.S)[1]
    for rule in ["text-align: justify", "text-align-last: justify", "word-break: keep-all",
                 "overflow-x: auto", "@media (max-width: 480px)", "--red:", "--body-face:"]:
        assert rule in css, rule


def test_print_css_rules():
    from shumao.bulletin import html as h

    css = (Path(h.__file__).parent / "templates" / "bulletin.html.j2").read_text(encoding="utf-8")
    for rule in ["size: A4; margin: 37mm 26mm 35mm 28mm", "font-size: 16pt; line-height: 28.9pt",
                 "break-after: avoid", "break-inside: avoid", "orphans: 2; widows: 2",
                 "figcaption", '"FangSong"', '"SimHei"']:
        assert rule in css, rule
